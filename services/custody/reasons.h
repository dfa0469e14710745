// The reasons custody refuses with (status.h WithReason / FailedRule), for
// clients to switch on, and the clock skew a temperature reading may have:
// plain constants that the pure rules (rules.h) and the service
// (custody.h, which includes this) share.
//
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_CUSTODY_REASONS_H_
#define CELLCHAIN_SERVICES_CUSTODY_REASONS_H_

#include "absl/time/time.h"

namespace cellchain::custody {

// Reasons of FAILED_PRECONDITION refusals.
inline constexpr char kReasonParentOnHold[] = "PARENT_ON_HOLD";
inline constexpr char kReasonParentEnded[] = "PARENT_ENDED";
inline constexpr char kReasonPositionOccupied[] = "POSITION_OCCUPIED";
inline constexpr char kReasonDerivationCycle[] = "DERIVATION_CYCLE";
inline constexpr char kReasonItemInTransit[] = "ITEM_IN_TRANSIT";
inline constexpr char kReasonItemEnded[] = "ITEM_ENDED";
inline constexpr char kReasonItemOnHold[] = "ITEM_ON_HOLD";
inline constexpr char kReasonScanMismatch[] = "SCAN_MISMATCH";
inline constexpr char kReasonHandoffNotOpen[] = "HANDOFF_NOT_OPEN";
inline constexpr char kReasonHoldNotActive[] = "HOLD_NOT_ACTIVE";
inline constexpr char kReasonNotRecallable[] = "NOT_RECALLABLE";
inline constexpr char kReasonNotInfusible[] = "NOT_INFUSIBLE";
inline constexpr char kReasonPatientMismatch[] = "PATIENT_MISMATCH";
inline constexpr char kReasonLocationHierarchy[] = "LOCATION_HIERARCHY";
inline constexpr char kReasonDinSequenceExhausted[] = "DIN_SEQUENCE_EXHAUSTED";
inline constexpr char kReasonRecallTooLarge[] = "RECALL_TOO_LARGE";
inline constexpr char kReasonDinNotAllocated[] = "DIN_NOT_ALLOCATED";
// PERMISSION_DENIED reasons.
inline constexpr char kReasonNotCustodian[] = "NOT_CUSTODIAN";
inline constexpr char kReasonNotRecipient[] = "NOT_RECIPIENT";
// NOT_FOUND reasons (a handoff, hold, recall, DIN allocation or limit not
// found carries none).
inline constexpr char kReasonItemNotFound[] = "ITEM_NOT_FOUND";
inline constexpr char kReasonLocationNotFound[] = "LOCATION_NOT_FOUND";

// A temperature reading may be dated at most this far after the service's
// clock: a logger's clock runs a little ahead, a reading from next year is
// wrong data (RecordTemperatures refuses it).
inline constexpr absl::Duration kMaxReadingClockSkew = absl::Minutes(5);

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_REASONS_H_
