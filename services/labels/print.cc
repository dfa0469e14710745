// The label of an item and its print jobs: GetLabel decides it and records
// nothing; PrintLabel records an item's first print; ReprintLabel every
// later one, with a reason and the caller's PERFORMED signature; VoidLabel
// takes a printed label out of the count, with a reason.
//
// The content is decided inside the printing transaction from what the
// ports say then, so the job records exactly what was sent to the printer,
// with its hash. An item's jobs are locked (FOR UPDATE) before they are
// judged; two first prints racing past that lock meet the unique index on
// an item's first print, and the second is LABEL_ALREADY_PRINTED too.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/random.h"
#include "services/common/fields/fields.h"
#include "services/common/pg/params.h"
#include "services/common/status/status.h"
#include "services/labels/labels.h"
#include "services/labels/labels_internal.h"
#include "services/labels/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::labels {
namespace {

constexpr int kMaxCopies = 10;
constexpr size_t kMaxPrinter = 64;

// $1 job, $2 state (VOIDED), $3 by, $4 reason.
constexpr char kUpdateVoided[] =
    "UPDATE cellchain_labels.print_jobs SET state = $2, voided_by = $3, "
    "voided_at = now(), void_reason = $4, version = version + 1 "
    "WHERE job_id = $1";

absl::Status CheckPrinter(const std::string& printer, int copies) {
  if (printer.empty() || printer.size() > kMaxPrinter) {
    return InvalidField("printer", "the printer's name, 1-64 characters");
  }
  CC_RETURN_IF_ERROR(fields::RequireText(printer, "printer", kMaxPrinter));
  if (copies < 0 || copies > kMaxCopies) {
    return InvalidField("copies", "1 to 10 (0 means 1)");
  }
  return absl::OkStatus();
}

struct JobRow {
  v1::PrintKind kind = v1::PRINT_KIND_FIRST;
  std::string reprint_of_job_id;  // a reprint's
  std::string reason;             // a reprint's
  std::string printer;
  int copies = 1;
};

// Inserts the job of `label` and reads it back.
absl::StatusOr<v1::PrintJob> InsertJob(pg::Transaction& tx,
                                       const auth::Principal& caller,
                                       const v1::Label& label,
                                       const JobRow& row) {
  const std::string job_id = crypto::RandomId("lbj");
  CC_RETURN_IF_ERROR(
      tx.Exec(kInsertJob,
              {job_id, label.item_id(), DinOf(label),
               static_cast<int>(label.type()), static_cast<int>(row.kind),
               row.reprint_of_job_id.empty() ? pg::Param::Null()
                                             : pg::Param(row.reprint_of_job_id),
               row.reason, row.printer, row.copies, caller.workstation,
               pg::Param::Bytes(LabelBytes(label)), ContentSha256(label),
               caller.user_id, static_cast<int>(v1::PRINT_JOB_STATE_PRINTED)})
          .status());
  return LoadJob(tx, job_id);
}

}  // namespace

absl::StatusOr<v1::GetLabelResponse> Labels::GetLabel(
    const v1::GetLabelRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  LabelFacts facts;
  v1::GetLabelResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_label(),
                      Decide(request.item_id(), facts));
  response.set_content_sha256(ContentSha256(response.label()));
  return response;
}

absl::StatusOr<v1::PrintLabelResponse> Labels::PrintLabel(
    const P& caller, const v1::PrintLabelRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  CC_RETURN_IF_ERROR(CheckPrinter(request.printer(), request.copies()));
  return ledger::RecordOnce<v1::PrintLabelResponse>(
      *pool_, *ledger_, {kServiceName, "PrintLabel", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::PrintLabelResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            std::vector<v1::PrintJob> jobs,
            LoadJobsOfItem(tx, request.item_id(), /*for_update=*/true));
        if (!jobs.empty()) {
          return FailedRule(
              kReasonLabelAlreadyPrinted,
              absl::StrCat("item ", request.item_id(), " was printed by job ",
                           jobs.front().job_id(),
                           ": print it again with ReprintLabel, naming the "
                           "job and the reason"));
        }
        CC_ASSIGN_OR_RETURN(v1::Label label,
                            DecideToPrint(tx, request.item_id()));
        JobRow row;
        row.printer = request.printer();
        row.copies = request.copies() == 0 ? 1 : request.copies();
        absl::StatusOr<v1::PrintJob> job = InsertJob(tx, caller, label, row);
        if (absl::IsAlreadyExists(job.status())) {
          // A first print of the item committed since the jobs were read
          // (no row was there to lock): the unique index kept it one.
          return FailedRule(kReasonLabelAlreadyPrinted,
                            absl::StrCat("item ", request.item_id(),
                                         " was printed meanwhile: print it "
                                         "again with ReprintLabel"));
        }
        CC_RETURN_IF_ERROR(job.status());
        *response.mutable_job() = *std::move(job);
        return audit
            .Append("label.print", "label_job", response.job().job_id(),
                    response.job(), "", IdentifiersOf(response.job()))
            .status();
      });
}

absl::StatusOr<v1::ReprintLabelResponse> Labels::ReprintLabel(
    const P& caller, const v1::ReprintLabelRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  if (request.reprint_of_job_id().empty()) {
    return InvalidField("reprint_of_job_id", "the job printed before");
  }
  const std::string& reason = request.context().reason();
  if (fields::Blank(reason)) {
    return InvalidField("context.reason", "why the label is printed again");
  }
  CC_RETURN_IF_ERROR(CheckPrinter(request.printer(), request.copies()));
  const std::string& request_id = request.context().request_id();
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "ReprintLabel", request_id));
  return ledger::RecordOnce<v1::ReprintLabelResponse>(
      *pool_, *ledger_, {kServiceName, "ReprintLabel", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::ReprintLabelResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(
            LoadJobsOfItem(tx, request.item_id(), /*for_update=*/true)
                .status());
        CC_ASSIGN_OR_RETURN(v1::PrintJob earlier,
                            LoadJob(tx, request.reprint_of_job_id()));
        if (earlier.item_id() != request.item_id()) {
          return InvalidField(
              "reprint_of_job_id",
              absl::StrCat("job ", earlier.job_id(), " printed item ",
                           earlier.item_id(), ", not ", request.item_id()));
        }
        CC_ASSIGN_OR_RETURN(v1::Label label,
                            DecideToPrint(tx, request.item_id()));
        label.set_reprint(true);
        JobRow row;
        row.kind = v1::PRINT_KIND_REPRINT;
        row.reprint_of_job_id = earlier.job_id();
        row.reason = reason;
        row.printer = request.printer();
        row.copies = request.copies() == 0 ? 1 : request.copies();
        CC_ASSIGN_OR_RETURN(*response.mutable_job(),
                            InsertJob(tx, caller, label, row));
        return audit
            .Append("label.reprint", "label_job", response.job().job_id(),
                    response.job(), reason, IdentifiersOf(response.job()),
                    signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::VoidLabelResponse> Labels::VoidLabel(
    const P& caller, const v1::VoidLabelRequest& request) {
  if (request.job_id().empty()) return InvalidField("job_id", "required");
  const std::string& reason = request.context().reason();
  if (fields::Blank(reason)) {
    return InvalidField("context.reason", "what became of the label");
  }
  return ledger::RecordOnce<v1::VoidLabelResponse>(
      *pool_, *ledger_, {kServiceName, "VoidLabel", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::VoidLabelResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::PrintJob job,
                            LoadJob(tx, request.job_id(), /*for_update=*/true));
        if (job.state() == v1::PRINT_JOB_STATE_VOIDED) {
          return FailedRule(
              kReasonJobVoided,
              absl::StrCat("job ", job.job_id(), " was voided by ",
                           job.voided_by_user_id(), ": ", job.void_reason()));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec(kUpdateVoided,
                    {job.job_id(), static_cast<int>(v1::PRINT_JOB_STATE_VOIDED),
                     caller.user_id, reason})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_job(), LoadJob(tx, job.job_id()));
        return audit
            .Append("label.void", "label_job", job.job_id(), response.job(),
                    reason, IdentifiersOf(response.job()))
            .status();
      });
}

}  // namespace cellchain::labels
