// The donor service's rules over what is stored, decided without reading
// or writing anything: consent that must stand, the delivery time a second
// cord must repeat, the deviations a cord's receipt records, whether a lot
// may be discarded, and every condition of a lot's release. The RPCs load
// the rows under their locks and call these; the refusals are theirs to
// return unchanged.
//
// FAILED_PRECONDITION with the reasons of reasons.h.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_DONOR_INTAKE_RULES_H_
#define CELLCHAIN_SERVICES_DONOR_INTAKE_RULES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "services/donor/donor_options.h"

namespace cellchain::donor {

// CONSENT_WITHDRAWN ("donor <code> withdrew her consent<consequence>") when
// she did; OK otherwise.
absl::Status RequireConsentStands(const v1::Donor& donor,
                                  std::string_view consequence = "");

// Whether a cord delivered at `delivered_at` records the donor's delivery
// time (she has none yet); DELIVERY_MISMATCH when she has another one.
absl::StatusOr<bool> DeliveryToRecord(
    const v1::Donor& donor, const google::protobuf::Timestamp& delivered_at);

// A deviation found at a cord's receipt, as the lot records it (OPEN).
struct FoundDeviation {
  v1::DeviationKind kind = v1::DEVIATION_KIND_UNSPECIFIED;
  std::string description;
};

// Collection to receipt beyond options.max_collection_to_processing
// (COLLECTION_TO_PROCESSING_TIME), a transport reading outside
// options.transport_{min,max}_celsius (TRANSPORT_TEMPERATURE); in that
// order. The request's values are checked already (CheckReceipt).
std::vector<FoundDeviation> DeviationsAtReceipt(
    const v1::ReceiveCordRequest& request, const DonorOptions& options);

// LOT_STATE when `lot` was discarded already.
absl::Status CheckDiscard(const v1::DonorLot& lot);

// What a lot's release is decided on, read under the donor's and the lot's
// locks: `latest` is the donor's latest determination (nullptr for none),
// `item_on_hold` whether custody holds the lot's item.
struct ReleaseFacts {
  const v1::DonorLot& lot;
  const v1::Donor& donor;
  const v1::Determination* latest = nullptr;
  bool item_on_hold = false;
};

// The first rule a release breaks, in this order: the lot is not in
// QUARANTINE (LOT_STATE); her consent is withdrawn (CONSENT_WITHDRAWN); no
// determination (ELIGIBILITY_NOT_DETERMINED); the latest is not ELIGIBLE
// (DONOR_NOT_ELIGIBLE, listing its reasons but the out-of-window notes);
// it was made from an older revision of her data (DETERMINATION_STALE); a
// deviation OPEN (DEVIATION_OPEN) or NOT_ACCEPTABLE
// (DEVIATION_NOT_ACCEPTABLE); the item on hold (LOT_ON_HOLD). OK when none.
absl::Status CheckRelease(const ReleaseFacts& facts);

// "ELIGIBLE", "INELIGIBLE", "INCOMPLETE" ("UNSPECIFIED" for 0): the
// proto's name without its ELIGIBILITY_ prefix.
const char* EligibilityWord(v1::Eligibility eligibility);

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_INTAKE_RULES_H_
