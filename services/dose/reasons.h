// Every reason the dose service refuses with (FAILED_PRECONDITION,
// NOT_FOUND, ALREADY_EXISTS, ABORTED), and the keys of the metadata a
// refusal carries, named once; docs/services/dose.md lists when each is
// sent.
//
// Thread-safety: constants and a pure function.
#ifndef CELLCHAIN_SERVICES_DOSE_REASONS_H_
#define CELLCHAIN_SERVICES_DOSE_REASONS_H_

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::dose {

inline constexpr char kServiceName[] = "cellchain.dose.v1.DoseService";

// NOT_FOUND (status.h NotFound).
inline constexpr char kReasonPatientNotFound[] = "PATIENT_NOT_FOUND";
inline constexpr char kReasonOrderNotFound[] = "ORDER_NOT_FOUND";
inline constexpr char kReasonDoseNotFound[] = "DOSE_NOT_FOUND";

// ALREADY_EXISTS: a subject id is registered once.
inline constexpr char kReasonPatientExists[] = "PATIENT_EXISTS";
// The patient's identifying data cannot be decrypted (key missing or
// value damaged): FAILED_PRECONDITION, never the value.
inline constexpr char kReasonIdentifyingUnavailable[] =
    "IDENTIFYING_UNAVAILABLE";
// PERMISSION_DENIED: revealing identifying data is for pharmacists and
// clinicians.
inline constexpr char kReasonIdentifyingRestricted[] = "IDENTIFYING_RESTRICTED";

// Preparation (rules.h PlanPreparation, and the RPC's checks).
inline constexpr char kReasonSuspensionTooDilute[] = "SUSPENSION_TOO_DILUTE";
inline constexpr char kReasonSuspensionTooConcentrated[] =
    "SUSPENSION_TOO_CONCENTRATED";
inline constexpr char kReasonMaterialNotReleased[] = "MATERIAL_NOT_RELEASED";
inline constexpr char kReasonMaterialExpired[] = "MATERIAL_EXPIRED";
inline constexpr char kReasonMaterialKind[] = "MATERIAL_KIND";
inline constexpr char kReasonOrderHasDose[] = "ORDER_HAS_DOSE";
inline constexpr char kReasonLotDivisionsExhausted[] =
    "LOT_DIVISIONS_EXHAUSTED";
// A retry of a PrepareDose whose dose was refused after its custody item
// was made: the item was discarded, so the preparation needs a new
// request id.
inline constexpr char kReasonRequestRefusedBefore[] = "REQUEST_REFUSED_BEFORE";
// The dose is not in a state the action takes.
inline constexpr char kReasonDoseState[] = "DOSE_STATE";
// A release's order, as the pharmacist scanned it from the order sheet, is
// not the order the dose was prepared for: the sheet in hand is not the
// bag's. Judged before the gates and written nowhere (release.cc).
inline constexpr char kReasonWrongOrder[] = "WRONG_ORDER";

// The gates of a release (rules.h ReleaseGates), in the order checked.
// LOT_NOT_RELEASED also refuses a preparation from a lot QA has not
// released.
inline constexpr char kReasonLotNotReleased[] = "LOT_NOT_RELEASED";
inline constexpr char kReasonConditionNotAcknowledged[] =
    "CONDITION_NOT_ACKNOWLEDGED";
inline constexpr char kReasonPreparationNotAccepted[] =
    "PREPARATION_NOT_ACCEPTED";
inline constexpr char kReasonPreparationNotVerified[] =
    "PREPARATION_NOT_VERIFIED";
inline constexpr char kReasonLabelMismatch[] = "LABEL_MISMATCH";
inline constexpr char kReasonPatientMismatch[] = "PATIENT_MISMATCH";
inline constexpr char kReasonDoseExpired[] = "DOSE_EXPIRED";
inline constexpr char kReasonItemOnHold[] = "ITEM_ON_HOLD";
inline constexpr char kReasonCustodyBroken[] = "CUSTODY_BROKEN";
inline constexpr char kReasonTemperatureExcursion[] = "TEMPERATURE_EXCURSION";

// ABORTED: the dose changed while a custody change was being made for it.
inline constexpr char kReasonDoseVersion[] = "DOSE_VERSION";

// The metadata of a refusal (services/common/status/metadata.h), by key:
// on a release refused by its gates, the dose judged — the one the order
// sheet's order found when the request named none — for a client to name
// without reading the message.
inline constexpr char kMetadataDoseId[] = "dose_id";
// On a release refused by its gates, each failing gate's words — those the
// message gives after its reason — under "gate_" and the reason in lower
// case ("gate_patient_mismatch"); a gate that holds has no key. A client
// shows every gate's result from them without reading the message.
inline std::string GateMetadataKey(std::string_view reason) {
  std::string key = absl::StrCat("gate_", ToAbsl(reason));
  absl::AsciiStrToLower(&key);
  return key;
}

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_REASONS_H_
