// The reasons the donor service's refusals carry (status.h WithReason /
// FailedRule), as clients and tests switch on them. donor.h includes this
// header, so every user of the service sees them; the pure rule files
// include it alone.
//
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_DONOR_REASONS_H_
#define CELLCHAIN_SERVICES_DONOR_REASONS_H_

namespace cellchain::donor {

// Reasons of FAILED_PRECONDITION refusals.
inline constexpr char kReasonConsentWithdrawn[] = "CONSENT_WITHDRAWN";
inline constexpr char kReasonDeliveryMismatch[] = "DELIVERY_MISMATCH";
inline constexpr char kReasonNotDetermined[] = "ELIGIBILITY_NOT_DETERMINED";
// A determination that would be INCOMPLETE: not signed as an approval.
inline constexpr char kReasonEligibilityIncomplete[] = "ELIGIBILITY_INCOMPLETE";
inline constexpr char kReasonNotEligible[] = "DONOR_NOT_ELIGIBLE";
inline constexpr char kReasonDeterminationStale[] = "DETERMINATION_STALE";
inline constexpr char kReasonDeviationOpen[] = "DEVIATION_OPEN";
inline constexpr char kReasonDeviationNotAcceptable[] =
    "DEVIATION_NOT_ACCEPTABLE";
inline constexpr char kReasonDeviationAssessed[] = "DEVIATION_ASSESSED";
inline constexpr char kReasonLotOnHold[] = "LOT_ON_HOLD";
inline constexpr char kReasonLotState[] = "LOT_STATE";
inline constexpr char kReasonNoConsent[] = "NO_CONSENT_TO_WITHDRAW";
inline constexpr char kReasonIdentifyingUnavailable[] =
    "IDENTIFYING_DATA_UNAVAILABLE";

// Reason of the INVALID_ARGUMENT (field test_code) for a test outside the
// configured panel.
inline constexpr char kReasonTestNotInPanel[] = "TEST_NOT_IN_PANEL";

// Reason of the PERMISSION_DENIED for reveal_identifying without ROLE_QA.
inline constexpr char kReasonIdentifyingRestricted[] =
    "IDENTIFYING_DATA_RESTRICTED";

// Reasons of NOT_FOUND.
inline constexpr char kReasonDonorNotFound[] = "DONOR_NOT_FOUND";
inline constexpr char kReasonLotNotFound[] = "LOT_NOT_FOUND";
inline constexpr char kReasonDeviationNotFound[] = "DEVIATION_NOT_FOUND";

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_REASONS_H_
