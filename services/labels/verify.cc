// Verification of an applied label: the technician scans it and the scan
// is compared byte for byte with the item's current label — its newest job
// not voided (rules.h JudgeScan). Pass or fail, the verification is a row
// and an audit record of its own, committed and answered OK, so that a
// failed scan is on the record as much as a passing one; a pass marks the
// job VERIFIED the first time. A scan of another item's label names that
// item when one of its live jobs carries the scanned DIN and product code.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/random.h"
#include "services/common/pg/params.h"
#include "services/common/status/status.h"
#include "services/labels/labels.h"
#include "services/labels/labels_internal.h"
#include "services/labels/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::labels {
namespace {

constexpr size_t kMaxScan = 1000;

// $1 verification, $2 job, $3 item, $4 scan, $5 result, $6 mismatch,
// $7 detail, $8 scanned item (or NULL), $9 by.
constexpr char kInsertVerification[] =
    "INSERT INTO cellchain_labels.label_verifications (verification_id, "
    "job_id, item_id, scan, result, mismatch, detail, scanned_item_id, "
    "scanned_by, scanned_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())";
// $1 job, $2 state (VERIFIED), $3 by.
constexpr char kUpdateVerified[] =
    "UPDATE cellchain_labels.print_jobs SET state = $2, verified_by = $3, "
    "verified_at = now(), version = version + 1 WHERE job_id = $1";

// The item whose live label the foreign `scan` is, among the jobs of its
// DIN: the one carrying the scanned product code too (or none, when the
// scan has none and the label has none). Empty when no job matches.
const v1::PrintJob* ForeignJob(const std::vector<v1::PrintJob>& jobs,
                               const std::string& item_id,
                               const ScannedIdentity& scanned) {
  for (const v1::PrintJob& job : jobs) {
    if (job.item_id() == item_id) continue;
    if (job.label().isbt128().product_code().data() == scanned.product_code) {
      return &job;
    }
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<v1::VerifyLabelScanResponse> Labels::VerifyLabelScan(
    const P& caller, const v1::VerifyLabelScanRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  if (request.scan().empty()) {
    return InvalidField("scan", "the label, scanned");
  }
  if (request.scan().size() > kMaxScan) {
    return InvalidField("scan", "at most 1,000 bytes");
  }
  return ledger::RecordOnce<v1::VerifyLabelScanResponse>(
      *pool_, *ledger_,
      {kServiceName, "VerifyLabelScan", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::VerifyLabelScanResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            std::vector<v1::PrintJob> jobs,
            LoadJobsOfItem(tx, request.item_id(), /*for_update=*/true));
        const v1::PrintJob* current = nullptr;
        for (const v1::PrintJob& job : jobs) {
          if (job.state() != v1::PRINT_JOB_STATE_VOIDED) current = &job;
        }
        if (current == nullptr) {
          // Custody's NOT_FOUND for an item it does not know.
          custody::v1::GetItemRequest get;
          get.set_item_id(request.item_id());
          CC_RETURN_IF_ERROR(items_->GetItem(get).status());
          return FailedRule(
              kReasonLabelNotPrinted,
              absl::StrCat("item ", request.item_id(),
                           jobs.empty() ? " has no label printed"
                                        : " has only voided labels"));
        }
        ScanVerdict verdict = JudgeScan(current->label(), request.scan());
        std::optional<std::string> scanned_item;
        if (verdict.mismatch == v1::SCAN_MISMATCH_OTHER_ITEM) {
          if (std::optional<ScannedIdentity> scanned =
                  IdentityOfScan(request.scan())) {
            CC_ASSIGN_OR_RETURN(std::vector<v1::PrintJob> of_din,
                                LoadLiveJobsOfDin(tx, scanned->din));
            const v1::PrintJob* other =
                ForeignJob(of_din, request.item_id(), *scanned);
            if (other != nullptr) {
              scanned_item = other->item_id();
              verdict.detail =
                  absl::StrCat("the label of item ", other->item_id(), " (job ",
                               other->job_id(), "): ", verdict.detail);
            }
          }
        }
        const bool passed = verdict.result == v1::VERIFICATION_RESULT_PASS;
        const std::string verification_id = crypto::RandomId("lbv");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertVerification,
                    {verification_id, current->job_id(), request.item_id(),
                     request.scan(), static_cast<int>(verdict.result),
                     static_cast<int>(verdict.mismatch), verdict.detail,
                     scanned_item, caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_verification(),
                            LoadVerification(tx, verification_id));
        const std::string job_id = current->job_id();
        if (passed && current->state() == v1::PRINT_JOB_STATE_PRINTED) {
          CC_RETURN_IF_ERROR(
              tx.Exec(kUpdateVerified,
                      {job_id, static_cast<int>(v1::PRINT_JOB_STATE_VERIFIED),
                       caller.user_id})
                  .status());
          CC_ASSIGN_OR_RETURN(*response.mutable_job(), LoadJob(tx, job_id));
          CC_RETURN_IF_ERROR(audit
                                 .Append("label.verified", "label_job", job_id,
                                         response.job(), "",
                                         IdentifiersOf(response.job()))
                                 .status());
        } else {
          *response.mutable_job() = *current;
        }
        return audit
            .Append(passed ? "label.scan_pass" : "label.scan_fail",
                    "label_verification", verification_id,
                    response.verification(), verdict.detail,
                    IdentifiersOf(response.job()))
            .status();
      });
}

}  // namespace cellchain::labels
