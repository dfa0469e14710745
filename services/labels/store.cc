#include "services/labels/store.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/pg/params.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/labels/reasons.h"

namespace cellchain::labels {
namespace {

// ---- SQL -----------------------------------------------------------------
// Read as the snapshot's fields are named (pg::FillFromRow fills a proto by
// column name); timestamps read as µs since the epoch (pg::MicrosColumn).
// The label is its stored bytes, parsed by the loader.

std::string JobSelect() {
  return absl::StrCat(
      "SELECT job_id, item_id, din, label_type AS type, kind, "
      "reprint_of_job_id, reason, printer, copies, workstation, label_bytes, "
      "content_sha256, printed_by AS printed_by_user_id, ",
      pg::MicrosColumn("printed_at"),
      ", state, verified_by AS verified_by_user_id, ",
      pg::MicrosColumn("verified_at"), ", voided_by AS voided_by_user_id, ",
      pg::MicrosColumn("voided_at"),
      ", void_reason, version FROM cellchain_labels.print_jobs ");
}
constexpr char kWhereJob[] = "WHERE job_id = $1";
constexpr char kWhereJobForUpdate[] = "WHERE job_id = $1 FOR UPDATE";
constexpr char kWhereJobsOfItem[] =
    "WHERE item_id = $1 ORDER BY printed_at, job_id";
constexpr char kWhereJobsOfItemForUpdate[] =
    "WHERE item_id = $1 ORDER BY printed_at, job_id FOR UPDATE";
// $1 din, $2 limit.
constexpr char kWhereJobsOfDin[] =
    "WHERE din = $1 ORDER BY item_id, printed_at, job_id LIMIT $2";
// PRINT_JOB_STATE_VOIDED = 3.
constexpr char kWhereLiveJobsOfDin[] =
    "WHERE din = $1 AND state <> 3 ORDER BY printed_at DESC, job_id LIMIT 100";

std::string VerificationSelect() {
  return absl::StrCat(
      "SELECT verification_id, job_id, item_id, scan, result, mismatch, "
      "detail, scanned_item_id, scanned_by AS scanned_by_user_id, ",
      pg::MicrosColumn("scanned_at"),
      " FROM cellchain_labels.label_verifications ");
}
constexpr char kWhereVerification[] = "WHERE verification_id = $1";
constexpr char kWhereVerificationsOfItems[] =
    "WHERE item_id = ANY($1::text[]) ORDER BY item_id, scanned_at, "
    "verification_id";

absl::Status ParseLabel(const pg::Result& r, int row, v1::PrintJob& job) {
  CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, "label_bytes"));
  if (!job.mutable_label()->ParseFromString(bytes)) {
    return absl::InternalError(
        absl::StrCat("print job ", job.job_id(), ": its label does not parse"));
  }
  return absl::OkStatus();
}

template <typename Executor>
absl::StatusOr<std::vector<v1::PrintJob>> LoadJobs(Executor& executor,
                                                   const std::string& where,
                                                   const pg::Params& params) {
  return pg::LoadRows<v1::PrintJob>(executor, JobSelect() + where, params,
                                    ParseLabel);
}

}  // namespace

template <typename Executor>
absl::StatusOr<v1::PrintJob> LoadJob(Executor& executor,
                                     const std::string& job_id,
                                     bool for_update) {
  return pg::LoadFirstRow<v1::PrintJob>(
      executor, JobSelect() + (for_update ? kWhereJobForUpdate : kWhereJob),
      job_id, "print job", kReasonJobNotFound, ParseLabel);
}

template <typename Executor>
absl::StatusOr<std::vector<v1::PrintJob>> LoadJobsOfItem(
    Executor& executor, const std::string& item_id, bool for_update) {
  return LoadJobs(executor,
                  for_update ? kWhereJobsOfItemForUpdate : kWhereJobsOfItem,
                  {item_id});
}

template <typename Executor>
absl::StatusOr<std::vector<v1::PrintJob>> LoadJobsOfDin(Executor& executor,
                                                        const std::string& din,
                                                        int limit) {
  return LoadJobs(executor, kWhereJobsOfDin, {din, limit});
}

template <typename Executor>
absl::StatusOr<std::vector<v1::PrintJob>> LoadLiveJobsOfDin(
    Executor& executor, const std::string& din) {
  return LoadJobs(executor, kWhereLiveJobsOfDin, {din});
}

template <typename Executor>
absl::StatusOr<v1::LabelVerification> LoadVerification(
    Executor& executor, const std::string& verification_id) {
  return pg::LoadFirstRow<v1::LabelVerification>(
      executor, VerificationSelect() + kWhereVerification, verification_id,
      "label verification", "VERIFICATION_NOT_FOUND",
      [](const pg::Result&, int, v1::LabelVerification&) {
        return absl::OkStatus();
      });
}

template <typename Executor>
absl::StatusOr<std::vector<v1::LabelVerification>> LoadVerificationsOfItems(
    Executor& executor, const std::vector<std::string>& item_ids) {
  return pg::LoadRows<v1::LabelVerification>(
      executor, VerificationSelect() + kWhereVerificationsOfItems,
      {pg::TextArray(item_ids)});
}

// The loaders for both executors the service uses.
#define CELLCHAIN_LABELS_LOADERS(Executor)                                     \
  template absl::StatusOr<v1::PrintJob> LoadJob(Executor&, const std::string&, \
                                                bool);                         \
  template absl::StatusOr<std::vector<v1::PrintJob>> LoadJobsOfItem(           \
      Executor&, const std::string&, bool);                                    \
  template absl::StatusOr<std::vector<v1::PrintJob>> LoadJobsOfDin(            \
      Executor&, const std::string&, int);                                     \
  template absl::StatusOr<std::vector<v1::PrintJob>> LoadLiveJobsOfDin(        \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<v1::LabelVerification> LoadVerification(             \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<std::vector<v1::LabelVerification>>                  \
  LoadVerificationsOfItems(Executor&, const std::vector<std::string>&);

CELLCHAIN_LABELS_LOADERS(pg::Connection)
CELLCHAIN_LABELS_LOADERS(pg::Transaction)

}  // namespace cellchain::labels
