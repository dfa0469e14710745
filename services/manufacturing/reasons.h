// Every reason the manufacturing service refuses with, named once
// (FAILED_PRECONDITION and NOT_FOUND; status.h FailedRule and NotFound).
// Clients switch on these strings: they never change once released.
//
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_REASONS_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_REASONS_H_

namespace cellchain::manufacturing {

// Reasons of NOT_FOUND refusals (status.h NotFound).
inline constexpr char kReasonMaterialNotFound[] = "MATERIAL_NOT_FOUND";
inline constexpr char kReasonEquipmentNotFound[] = "EQUIPMENT_NOT_FOUND";
inline constexpr char kReasonBatchNotFound[] = "BATCH_NOT_FOUND";
inline constexpr char kReasonStepNotFound[] = "STEP_NOT_FOUND";
inline constexpr char kReasonDeviationNotFound[] = "DEVIATION_NOT_FOUND";
inline constexpr char kReasonProcessNotFound[] = "PROCESS_NOT_FOUND";

// Reasons of FAILED_PRECONDITION refusals. A vial on hold in custody is
// refused with custody's own reason (custody::kReasonItemOnHold,
// services/custody/reasons.h).
inline constexpr char kReasonDonorLotNotAvailable[] = "DONOR_LOT_NOT_AVAILABLE";
inline constexpr char kReasonProcessUnknown[] = "PROCESS_UNKNOWN";
inline constexpr char kReasonBatchState[] = "BATCH_STATE";
inline constexpr char kReasonStepExists[] = "STEP_EXISTS";
inline constexpr char kReasonStepKind[] = "STEP_KIND";
inline constexpr char kReasonSourceNotHarvested[] = "SOURCE_NOT_HARVESTED";
inline constexpr char kReasonStepHarvested[] = "STEP_HARVESTED";
inline constexpr char kReasonCellsExceeded[] = "CELLS_EXCEEDED";
inline constexpr char kReasonPassageLimit[] = "PASSAGE_LIMIT";
inline constexpr char kReasonCumulativePdLimit[] = "CUMULATIVE_PD_LIMIT";
// A draw from a source whose leftover cells a seeding discarded, or (but
// for a cryopreservation) kept for a bank.
inline constexpr char kReasonLeftoverDiscarded[] = "LEFTOVER_DISCARDED";
inline constexpr char kReasonLeftoverBanked[] = "LEFTOVER_BANKED";
// A harvest implying doublings faster than the process's min_doubling_time.
inline constexpr char kReasonImplausibleGrowth[] = "IMPLAUSIBLE_GROWTH";
inline constexpr char kReasonMaterialNotReleased[] = "MATERIAL_NOT_RELEASED";
inline constexpr char kReasonMaterialExpired[] = "MATERIAL_EXPIRED";
inline constexpr char kReasonMaterialStatus[] = "MATERIAL_STATUS";
inline constexpr char kReasonEquipmentOutOfService[] =
    "EQUIPMENT_OUT_OF_SERVICE";
inline constexpr char kReasonCalibrationOverdue[] = "CALIBRATION_OVERDUE";
// The same calibration (day, due day, certificate) entered again.
inline constexpr char kReasonCalibrationDuplicate[] = "CALIBRATION_DUPLICATE";
inline constexpr char kReasonStepRevision[] = "STEP_REVISION";
inline constexpr char kReasonStepVerified[] = "STEP_VERIFIED";
inline constexpr char kReasonStepNotVerified[] = "STEP_NOT_VERIFIED";
inline constexpr char kReasonStepNotPerformed[] = "STEP_NOT_PERFORMED";
inline constexpr char kReasonVialThawed[] = "VIAL_THAWED";
inline constexpr char kReasonNotAVial[] = "NOT_A_VIAL";
inline constexpr char kReasonDeviationClosed[] = "DEVIATION_CLOSED";
inline constexpr char kReasonCollectionToProcessing[] =
    "COLLECTION_TO_PROCESSING";
// Contemporaneous records: a step's performed-at time before the batch's
// start, before a material lot it uses was released (a release follows the
// receipt, so this covers the receipt too), or before the day of an
// instrument's last calibration. The refusal also names the field
// (FieldOf), as an INVALID_ARGUMENT does.
inline constexpr char kReasonBeforeBatchStart[] = "BEFORE_BATCH_START";
inline constexpr char kReasonBeforeMaterialRelease[] =
    "BEFORE_MATERIAL_RELEASE";
inline constexpr char kReasonBeforeCalibration[] = "BEFORE_CALIBRATION";
// A retry of a request whose step was refused after its custody items were
// made: they were discarded, so the step needs a new request id.
inline constexpr char kReasonRequestRefusedBefore[] = "REQUEST_REFUSED_BEFORE";
// A batch has used every ISBT 128 division its cryovials (or its culture
// vessels) can carry (item_divisions.h).
inline constexpr char kReasonDivisionsExhausted[] = "DIVISIONS_EXHAUSTED";

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_REASONS_H_
