// Every reason the clinical service refuses with (FAILED_PRECONDITION,
// NOT_FOUND, PERMISSION_DENIED), named once; docs/services/clinical.md lists
// when each is sent.
//
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_CLINICAL_REASONS_H_
#define CELLCHAIN_SERVICES_CLINICAL_REASONS_H_

namespace cellchain::clinical {

inline constexpr char kServiceName[] = "cellchain.clinical.v1.ClinicalService";

// NOT_FOUND (status.h NotFound).
inline constexpr char kReasonDoseNotFound[] = "DOSE_NOT_FOUND";
inline constexpr char kReasonInfusionNotFound[] = "INFUSION_NOT_FOUND";
inline constexpr char kReasonPatientNotFound[] = "PATIENT_NOT_FOUND";
inline constexpr char kReasonLotNotFound[] = "LOT_NOT_FOUND";
inline constexpr char kReasonObservationNotFound[] = "OBSERVATION_NOT_FOUND";
inline constexpr char kReasonAdverseEventNotFound[] = "ADVERSE_EVENT_NOT_FOUND";

// Receipt: the dose service has not issued the dose to the cath lab.
inline constexpr char kReasonDoseNotIssued[] = "DOSE_NOT_ISSUED";
// The infusion record is not in a state the action takes.
inline constexpr char kReasonInfusionState[] = "INFUSION_STATE";

// The checks at the bedside (rules.h BedsideChecks), in the order judged.
// FOUR_EYES_SAME_PERSON is also PERMISSION_DENIED's reason when a witness
// is the person who destroys.
inline constexpr char kReasonDoseExpired[] = "DOSE_EXPIRED";
inline constexpr char kReasonDoseNotReleased[] = "DOSE_NOT_RELEASED";
inline constexpr char kReasonLotNotReleased[] = "LOT_NOT_RELEASED";
inline constexpr char kReasonItemOnHold[] = "ITEM_ON_HOLD";
inline constexpr char kReasonLabelMismatch[] = "LABEL_MISMATCH";
inline constexpr char kReasonWrongPatient[] = "WRONG_PATIENT";
inline constexpr char kReasonSecondClinicianMissing[] =
    "SECOND_CLINICIAN_MISSING";
inline constexpr char kReasonFourEyesSamePerson[] = "FOUR_EYES_SAME_PERSON";

// The infusion: a partial infusion without a disposal of its remainder, or
// a destruction without a witness.
inline constexpr char kReasonRemainderDisposal[] = "REMAINDER_DISPOSAL";
// An observation whose time is not on its day counted from the infusion.
inline constexpr char kReasonObservationDay[] = "OBSERVATION_DAY";

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_REASONS_H_
