// The labels schema as the service reads and writes it: print jobs (with
// the label as printed) and label verifications. The loaders read exactly
// what an audit record's after_state holds, so that the state readers
// (Labels::RegisterStateReaders) can read a snapshot again.
//
// The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc). NOT_FOUND JOB_NOT_FOUND when a job is
// missing (VERIFICATION_NOT_FOUND for a verification); the database's
// errors as services/common/pg maps them otherwise; INTERNAL when a
// stored label does not parse.
//
// Thread-safety: free functions; each call uses only the executor passed in.
#ifndef CELLCHAIN_SERVICES_LABELS_STORE_H_
#define CELLCHAIN_SERVICES_LABELS_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"

namespace cellchain::labels {

// Every id of a print job / verification, for their state readers
// (ledger::IdsFrom).
inline constexpr char kSelectJobIds[] =
    "SELECT job_id FROM cellchain_labels.print_jobs";
inline constexpr char kSelectVerificationIds[] =
    "SELECT verification_id FROM cellchain_labels.label_verifications";

// $1 job, $2 item, $3 din, $4 label type, $5 kind, $6 reprint of (or
// NULL), $7 reason, $8 printer, $9 copies, $10 workstation, $11 label
// bytes, $12 sha-256, $13 by, $14 state (PRINTED).
inline constexpr char kInsertJob[] =
    "INSERT INTO cellchain_labels.print_jobs (job_id, item_id, din, "
    "label_type, kind, reprint_of_job_id, reason, printer, copies, "
    "workstation, label_bytes, content_sha256, printed_by, printed_at, state) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), "
    "$14)";

template <typename Executor>
absl::StatusOr<v1::PrintJob> LoadJob(Executor& executor,
                                     const std::string& job_id,
                                     bool for_update = false);

// An item's jobs, oldest first.
template <typename Executor>
absl::StatusOr<std::vector<v1::PrintJob>> LoadJobsOfItem(
    Executor& executor, const std::string& item_id, bool for_update = false);

// The jobs whose label carries `din`, by item then oldest first; at most
// `limit`.
template <typename Executor>
absl::StatusOr<std::vector<v1::PrintJob>> LoadJobsOfDin(Executor& executor,
                                                        const std::string& din,
                                                        int limit);

// The jobs not voided whose label carries `din`, newest first, at most 100:
// for naming the item a foreign scan belongs to.
template <typename Executor>
absl::StatusOr<std::vector<v1::PrintJob>> LoadLiveJobsOfDin(
    Executor& executor, const std::string& din);

template <typename Executor>
absl::StatusOr<v1::LabelVerification> LoadVerification(
    Executor& executor, const std::string& verification_id);

// The verifications of `item_ids`, by item, oldest first.
template <typename Executor>
absl::StatusOr<std::vector<v1::LabelVerification>> LoadVerificationsOfItems(
    Executor& executor, const std::vector<std::string>& item_ids);

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_STORE_H_
