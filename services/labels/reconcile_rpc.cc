// ReconcileLabels: the jobs of an item or of a DIN and their scans, read
// in one transaction (so the scans are those of the jobs read) and
// reconciled by reconcile.h's pure Reconcile.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/isbt128/din.h"
#include "services/labels/labels.h"
#include "services/labels/reconcile.h"
#include "services/labels/store.h"

namespace cellchain::labels {
namespace {

// Jobs read for a DIN: a donation's containers, each with a few jobs,
// stay far below it; the response says at most 500 items.
constexpr int kMaxJobs = 5000;
constexpr int kMaxItems = 500;

}  // namespace

absl::StatusOr<v1::ReconcileLabelsResponse> Labels::ReconcileLabels(
    const v1::ReconcileLabelsRequest& request) {
  std::string din;
  switch (request.of_case()) {
    case v1::ReconcileLabelsRequest::kItemId:
      if (request.item_id().empty()) {
        return InvalidField("item_id", "required");
      }
      break;
    case v1::ReconcileLabelsRequest::kDin: {
      absl::StatusOr<isbt128::Din> parsed = isbt128::Din::Parse(request.din());
      if (!parsed.ok()) {
        return InvalidField("din", "the 13 characters of a DIN");
      }
      din = parsed->ToString();
      break;
    }
    default:
      return InvalidField("item_id", "an item id or a DIN is required");
  }
  std::vector<v1::PrintJob> jobs;
  std::vector<v1::LabelVerification> verifications;
  CC_RETURN_IF_ERROR(
      pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
        if (din.empty()) {
          CC_ASSIGN_OR_RETURN(jobs, LoadJobsOfItem(tx, request.item_id()));
        } else {
          CC_ASSIGN_OR_RETURN(jobs, LoadJobsOfDin(tx, din, kMaxJobs));
        }
        std::vector<std::string> item_ids;
        for (const v1::PrintJob& job : jobs) {
          if (item_ids.empty() || item_ids.back() != job.item_id()) {
            item_ids.push_back(job.item_id());
          }
        }
        if (item_ids.size() > kMaxItems) {
          return InvalidField(
              "din", absl::StrCat("more than ", kMaxItems,
                                  " labelled items; reconcile by item"));
        }
        CC_ASSIGN_OR_RETURN(verifications,
                            LoadVerificationsOfItems(tx, item_ids));
        return absl::OkStatus();
      }));
  if (din.empty() && jobs.empty()) {
    // An item with no label yet reconciles to nothing, but an id custody
    // does not know (a typo, a stray scan) must not read as a clean
    // reconciliation: custody's NOT_FOUND, as VerifyLabelScan answers.
    custody::v1::GetItemRequest get;
    get.set_item_id(request.item_id());
    CC_RETURN_IF_ERROR(items_->GetItem(get).status());
  }
  return Reconcile(jobs, verifications);
}

}  // namespace cellchain::labels
