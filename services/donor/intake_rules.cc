#include "services/donor/intake_rules.h"

#include <google/protobuf/util/time_util.h>

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/donor/eligibility.h"
#include "services/donor/reasons.h"

namespace cellchain::donor {
namespace {

using fields::Micros;
using fields::ToTime;
using google::protobuf::util::TimeUtil;

std::string Celsius(double c) { return absl::StrFormat("%.1f °C", c); }

std::string Hours(absl::Duration d) {
  int64_t minutes = absl::ToInt64Minutes(d);
  return absl::StrFormat("%d h %02d min", minutes / 60, minutes % 60);
}

}  // namespace

absl::Status RequireConsentStands(const v1::Donor& donor,
                                  std::string_view consequence) {
  if (donor.consent_status() != v1::CONSENT_STATUS_WITHDRAWN) {
    return absl::OkStatus();
  }
  return FailedRule(
      kReasonConsentWithdrawn,
      absl::StrCat("donor ", donor.donor_code(), " withdrew her consent",
                   absl::string_view(consequence.data(), consequence.size())));
}

absl::StatusOr<bool> DeliveryToRecord(
    const v1::Donor& donor, const google::protobuf::Timestamp& delivered_at) {
  if (!donor.has_delivered_at()) return true;
  if (Micros(donor.delivered_at()) != Micros(delivered_at)) {
    return FailedRule(
        kReasonDeliveryMismatch,
        absl::StrCat("donor ", donor.donor_code(), " delivered at ",
                     TimeUtil::ToString(donor.delivered_at()), ", not ",
                     TimeUtil::ToString(delivered_at)));
  }
  return false;
}

std::vector<FoundDeviation> DeviationsAtReceipt(
    const v1::ReceiveCordRequest& request, const DonorOptions& options) {
  std::vector<FoundDeviation> found;
  absl::Duration elapsed =
      ToTime(request.received_at()) - ToTime(request.collected_at());
  if (elapsed > options.max_collection_to_processing) {
    found.push_back(
        {v1::DEVIATION_KIND_COLLECTION_TO_PROCESSING_TIME,
         absl::StrCat("collection to processing ", Hours(elapsed), ", limit ",
                      Hours(options.max_collection_to_processing))});
  }
  if (request.transport_min_celsius() < options.transport_min_celsius ||
      request.transport_max_celsius() > options.transport_max_celsius) {
    found.push_back(
        {v1::DEVIATION_KIND_TRANSPORT_TEMPERATURE,
         absl::StrCat("transport ", Celsius(request.transport_min_celsius()),
                      " to ", Celsius(request.transport_max_celsius()),
                      ", range ", Celsius(options.transport_min_celsius),
                      " to ", Celsius(options.transport_max_celsius))});
  }
  return found;
}

absl::Status CheckDiscard(const v1::DonorLot& lot) {
  if (lot.state() == v1::LOT_STATE_DISCARDED) {
    return FailedRule(kReasonLotState, absl::StrCat("lot ", lot.lot_id(),
                                                    " was discarded already"));
  }
  return absl::OkStatus();
}

absl::Status CheckRelease(const ReleaseFacts& facts) {
  const v1::DonorLot& lot = facts.lot;
  const std::string& code = lot.donor_code();
  if (lot.state() != v1::LOT_STATE_QUARANTINE) {
    return FailedRule(
        kReasonLotState,
        absl::StrCat("lot ", lot.lot_id(), " is ",
                     v1::LotState_Name(lot.state()), ", not in quarantine"));
  }
  CC_RETURN_IF_ERROR(RequireConsentStands(facts.donor));
  if (facts.latest == nullptr) {
    return FailedRule(kReasonNotDetermined,
                      absl::StrCat("donor ", code,
                                   " has no signed eligibility "
                                   "determination"));
  }
  const v1::Determination& d = *facts.latest;
  if (d.eligibility() != v1::ELIGIBILITY_ELIGIBLE) {
    std::vector<std::string> reasons;
    for (const v1::EligibilityReason& r : d.reasons()) {
      if (r.code() == kCodeSpecimenOutOfWindow) continue;
      reasons.push_back(r.test_code().empty()
                            ? r.code()
                            : absl::StrCat(r.code(), " ", r.test_code()));
    }
    return FailedRule(kReasonNotEligible,
                      absl::StrCat("donor ", code, " was determined ",
                                   EligibilityWord(d.eligibility()), " (",
                                   absl::StrJoin(reasons, ", "), ")"));
  }
  if (d.donor_revision() != facts.donor.revision()) {
    return FailedRule(
        kReasonDeterminationStale,
        absl::StrCat("donor ", code, "'s data changed after the determination ",
                     d.determination_id(), ": determine eligibility again"));
  }
  for (const v1::Deviation& deviation : lot.deviations()) {
    if (deviation.status() == v1::DEVIATION_STATUS_OPEN) {
      return FailedRule(
          kReasonDeviationOpen,
          absl::StrCat("deviation ", deviation.deviation_id(), " (",
                       deviation.description(), ") awaits QA's assessment"));
    }
    if (deviation.status() == v1::DEVIATION_STATUS_NOT_ACCEPTABLE) {
      return FailedRule(kReasonDeviationNotAcceptable,
                        absl::StrCat("deviation ", deviation.deviation_id(),
                                     " was assessed not acceptable"));
    }
  }
  if (facts.item_on_hold) {
    return FailedRule(
        kReasonLotOnHold,
        absl::StrCat("the lot's custody item ", lot.item_id(), " is on hold"));
  }
  return absl::OkStatus();
}

const char* EligibilityWord(v1::Eligibility eligibility) {
  switch (eligibility) {
    case v1::ELIGIBILITY_ELIGIBLE:
      return "ELIGIBLE";
    case v1::ELIGIBILITY_INELIGIBLE:
      return "INELIGIBLE";
    case v1::ELIGIBILITY_INCOMPLETE:
      return "INCOMPLETE";
    default:
      return "UNSPECIFIED";
  }
}

}  // namespace cellchain::donor
