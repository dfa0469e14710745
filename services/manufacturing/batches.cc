// Manufacturing's batch RPCs: start from a released donor lot, abort, and
// read (the batch with its steps, growth, revisions, deviations and
// banks; the list; the growth curve).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"
#include "services/manufacturing/custody_items.h"
#include "services/manufacturing/growth.h"
#include "services/manufacturing/manufacturing.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/step_rules.h"
#include "services/manufacturing/step_values.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

using fields::Micros;
using fields::RequireText;
using fields::ToTime;
constexpr auto Ts = fields::TimestampParam;

// ---- SQL (decision 0014: enum columns hold the proto enum's number) ------

// A batch in process (the column's default): $1 id, $2 donor lot, $3 its
// custody item, $4 its DIN, $5 the cord's collection (µs), $6 process
// version, $7 started by, $8 when (µs: the service's clock, or the time a
// retrospective entry gives; no step may lie before it), $9 the late
// entry's reason ('' when entered in time).
std::string InsertBatchSql() {
  return absl::StrCat(
      "INSERT INTO cellchain_manufacturing.batches (batch_id, donor_lot_id, "
      "donor_lot_item_id, din, collected_at, process_version, started_by, "
      "started_at, late_entry_reason) VALUES ($1, $2, $3, $4, ",
      Ts(5), ", $6, $7, ", Ts(8), ", $9)");
}

// The batch donor lot $1 went into, unless it was aborted ($2: v1.BatchState
// ABORTED); at most one (schema 0003's unique index).
constexpr char kBatchOfDonorLot[] =
    "SELECT batch_id FROM cellchain_manufacturing.batches "
    "WHERE donor_lot_id = $1 AND state <> $2";

// Batch $1 put in state $3 (v1.BatchState ABORTED) for reason $2, signed
// by $4 ($5 their printed name), now: in the transaction that appends the
// signed batch.abort record.
constexpr char kAbortBatch[] =
    "UPDATE cellchain_manufacturing.batches SET state = $3, "
    "abort_reason = $2, aborted_by = $4, aborted_by_name = $5, "
    "aborted_at = now(), version = version + 1 WHERE batch_id = $1";

// Every revision (v1.StepRevision) of every step of batch $1.
std::string SelectRevisionsOfBatch() {
  return absl::StrCat(
      "SELECT r.step_id, r.revision, r.step_values, "
      "r.recorded_by AS recorded_by_user_id, ",
      pg::MicrosColumn("r.recorded_at", "recorded_at"),
      ", r.reason, r.late_entry_reason "
      "FROM cellchain_manufacturing.step_revisions r "
      "JOIN cellchain_manufacturing.steps s USING (step_id) "
      "WHERE s.batch_id = $1 ORDER BY r.step_id, r.revision");
}

// After DeviationSelect(): the deviations of batch $1.
constexpr char kWhereDeviationsOfBatch[] =
    "WHERE batch_id = $1 ORDER BY recorded_at, deviation_id";

// After BatchSelect(): $1 state (NULL: any), $2 donor lot ('': any), at
// most $3, the latest first.
constexpr char kWhereBatchesListed[] =
    "WHERE ($1::int IS NULL OR state = $1::int) "
    "AND ($2 = '' OR donor_lot_id = $2) "
    "ORDER BY started_at DESC, batch_id DESC LIMIT $3";

}  // namespace

absl::StatusOr<v1::StartBatchResponse> Manufacturing::StartBatch(
    const P& caller, const v1::StartBatchRequest& request) {
  if (request.donor_lot_id().empty()) {
    return InvalidField("donor_lot_id", "required");
  }
  std::string process_version = request.process_version().empty()
                                    ? options_.default_process
                                    : request.process_version();
  if (FindProcess(process_version) == nullptr) {
    std::vector<std::string> known;
    for (const auto& [name, process] : options_.processes)
      known.push_back(name);
    std::sort(known.begin(), known.end());
    return FailedRule(
        kReasonProcessUnknown,
        absl::StrCat("no process \"", process_version,
                     "\" (known: ", absl::StrJoin(known, ", "), ")"));
  }
  const std::string& request_id = request.context().request_id();
  // Before the calls to donor and custody (RecordOnce checks it again).
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(donor::v1::DonorLot lot,
                      donor_lots_->GetLot(request.donor_lot_id()));
  if (lot.state() != donor::v1::LOT_STATE_AVAILABLE) {
    return FailedRule(
        kReasonDonorLotNotAvailable,
        absl::StrCat(
            "donor lot ", lot.lot_id(), " is ",
            EnumLabel(donor::v1::LotState_Name(lot.state()), "LOT_STATE_"),
            ": a batch starts only from a lot QA released"));
  }
  custody::v1::GetItemRequest get;
  get.set_item_id(lot.item_id());
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse item,
                      custody_->GetItem(get));
  if (item.item().on_hold()) {
    return FailedRule(
        kReasonDonorLotNotAvailable,
        absl::StrCat("donor lot ", lot.lot_id(),
                     " is on hold in custody (item ", lot.item_id(), ")"));
  }
  return ledger::RecordOnce<v1::StartBatchResponse>(
      *pool_, *ledger_, {kServiceName, "StartBatch", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::StartBatchResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        // Late or not as entered now; a retry replays the first answer.
        CC_ASSIGN_OR_RETURN(
            Entered started,
            EnteredAt(request.started_at(), request.has_started_at(),
                      "started_at", request.late_entry_reason(), Now(),
                      options_.late_entry_after));
        if (started.at < ToTime(lot.collected_at())) {
          return InvalidField(
              "started_at",
              absl::StrCat("before the cord's collection (",
                           TimeText(ToTime(lot.collected_at())), ")"));
        }
        // One cord, one batch: a lot that went into a batch is not available
        // for another, unless that batch was aborted.
        CC_ASSIGN_OR_RETURN(
            pg::Result used,
            tx.Exec(kBatchOfDonorLot,
                    {lot.lot_id(), static_cast<int>(v1::BATCH_STATE_ABORTED)}));
        auto in_use = [&](const std::string& batch) {
          return FailedRule(
              kReasonDonorLotNotAvailable,
              absl::StrCat("donor lot ", lot.lot_id(), " went into ", batch,
                           ": a donor lot goes into one batch (abort that "
                           "batch first if it never used the tissue)"));
        };
        if (used.rows() > 0) {
          CC_ASSIGN_OR_RETURN(std::string other, used.GetString(0, "batch_id"));
          return in_use("batch " + other);
        }
        std::string id = crypto::RandomId("bat");
        absl::Status inserted =
            tx.Exec(
                  InsertBatchSql(),
                  {id, lot.lot_id(), lot.item_id(), lot.din(),
                   Micros(lot.collected_at()), process_version, caller.user_id,
                   absl::ToUnixMicros(started.at), started.late_entry_reason})
                .status();
        // A concurrent start from the same lot committed first.
        if (absl::IsAlreadyExists(inserted)) {
          return in_use("another batch started at the same moment");
        }
        CC_RETURN_IF_ERROR(inserted);
        CC_ASSIGN_OR_RETURN(*response.mutable_batch(), LoadBatch(tx, id));
        return audit
            .Append("batch.start", "batch", id, response.batch(),
                    LateEntryAuditReason(started.late_entry_reason),
                    {DinOf(response.batch())})
            .status();
      });
}

absl::StatusOr<v1::AbortBatchResponse> Manufacturing::AbortBatch(
    const P& caller, const v1::AbortBatchRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  // QA rejects the batch for good (the proto says why REJECTED). SignAs
  // refuses a malformed request id before the password is checked.
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_REJECTED, "AbortBatch", request_id));
  CC_ASSIGN_OR_RETURN(
      v1::AbortBatchResponse response,
      ledger::RecordOnce<v1::AbortBatchResponse>(
          *pool_, *ledger_, {kServiceName, "AbortBatch", signature.actor},
          request,
          [&](ledger::Recorder& audit,
              v1::AbortBatchResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(v1::Batch batch,
                                LoadBatch(tx, request.batch_id(), true));
            if (batch.state() != v1::BATCH_STATE_IN_PROCESS) {
              return FailedRule(
                  kReasonBatchState,
                  absl::StrCat("batch ", batch.batch_id(), " is ",
                               EnumLabel(v1::BatchState_Name(batch.state()),
                                         "BATCH_STATE_"),
                               ": only a batch in process is aborted"));
            }
            CC_RETURN_IF_ERROR(
                tx.Exec(kAbortBatch,
                        {batch.batch_id(), request.context().reason(),
                         static_cast<int>(v1::BATCH_STATE_ABORTED),
                         signature.actor.user_id(),
                         signature.manifestation.printed_name()})
                    .status());
            CC_ASSIGN_OR_RETURN(*response.mutable_batch(),
                                LoadBatch(tx, batch.batch_id()));
            return audit
                .Append("batch.abort", "batch", batch.batch_id(),
                        response.batch(), request.context().reason(),
                        {DinOf(batch)}, signature.manifestation)
                .status();
          }));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::Step> steps,
                      LoadStepsOfBatch(*lease, request.batch_id()));
  std::vector<std::string> vessels;
  for (const v1::Step& s : steps) {
    if (IsCulture(s.kind())) {
      vessels.insert(vessels.end(), s.item_ids().begin(), s.item_ids().end());
    }
  }
  CC_RETURN_IF_ERROR(
      EndItems(caller, request_id, vessels, custody::v1::ITEM_STATE_DISCARDED,
               absl::StrCat("batch aborted: ", request.context().reason())));
  return response;
}

absl::StatusOr<v1::GetBatchResponse> Manufacturing::GetBatch(
    const v1::GetBatchRequest& request) {
  if (request.batch_id().empty() && request.step_id().empty()) {
    return InvalidField("batch_id", "required (or step_id)");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  std::string batch_id = request.batch_id();
  if (batch_id.empty()) {
    CC_ASSIGN_OR_RETURN(v1::Step step, LoadStep(*lease, request.step_id()));
    batch_id = step.batch_id();
  }
  CC_ASSIGN_OR_RETURN(BatchView view, LoadView(*lease, batch_id, false));
  v1::GetBatchResponse response;
  *response.mutable_batch() = view.batch;
  absl::flat_hash_map<std::string, GrowthFacts> growth =
      ComputeGrowth(FactsOf(view.steps));
  for (const v1::Step& s : view.steps) {
    *response.add_steps() = s;
    *response.add_growth() = ToGrowth(s, growth[s.step_id()]);
  }
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      lease->Exec(SelectRevisionsOfBatch(), {batch_id}));
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string step_id, r.GetString(row, 0));
    v1::StepRevision* revision =
        (*response.mutable_revisions())[step_id].add_revisions();
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *revision));
    CC_RETURN_IF_ERROR(ParseValues(r, row, *revision->mutable_values()));
  }
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Deviation> deviations,
      pg::LoadRows<v1::Deviation>(
          *lease, DeviationSelect() + kWhereDeviationsOfBatch, {batch_id}));
  for (v1::Deviation& d : deviations) {
    if (d.status() == v1::DEVIATION_STATUS_OPEN &&
        d.classification() != v1::DEVIATION_CLASS_MINOR) {
      response.set_open_major_deviations(response.open_major_deviations() + 1);
    }
    *response.add_deviations() = std::move(d);
  }
  for (v1::BankKind kind : {v1::BANK_KIND_MASTER, v1::BANK_KIND_WORKING,
                            v1::BANK_KIND_FINAL_PRODUCT}) {
    v1::Bank bank;
    bank.set_kind(kind);
    for (const v1::Step& s : view.steps) {
      if (s.kind() != v1::STEP_KIND_CRYOPRESERVATION ||
          s.values().bank_kind() != kind) {
        continue;
      }
      for (const v1::Vial& vial : s.vials()) {
        bank.set_vials_frozen(bank.vials_frozen() + 1);
        if (view.thawed_vials.contains(vial.item_id())) {
          bank.set_vials_thawed(bank.vials_thawed() + 1);
        } else {
          *bank.add_available() = vial;
        }
      }
    }
    if (bank.vials_frozen() > 0) *response.add_banks() = std::move(bank);
  }
  return response;
}

absl::StatusOr<v1::ListBatchesResponse> Manufacturing::ListBatches(
    const v1::ListBatchesRequest& request) {
  if (!v1::BatchState_IsValid(request.state())) {
    return InvalidField("state", "not a batch state");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Batch> rows,
      pg::LoadRows<v1::Batch>(
          *lease, BatchSelect() + kWhereBatchesListed,
          {EnumOrNull(request.state()), request.donor_lot_id(), kMaxList}));
  v1::ListBatchesResponse response;
  for (v1::Batch& b : rows) *response.add_batches() = std::move(b);
  return response;
}

absl::StatusOr<v1::GetGrowthCurveResponse> Manufacturing::GetGrowthCurve(
    const v1::GetGrowthCurveRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(BatchView view,
                      LoadView(*lease, request.batch_id(), false));
  const std::vector<StepFacts> facts = FactsOf(view.steps);
  v1::GetGrowthCurveResponse response;
  for (const CurvePoint& p : GrowthCurve(facts, ComputeGrowth(facts))) {
    v1::GrowthPoint* point = response.add_points();
    point->set_step_id(p.step_id);
    point->set_passage_number(p.passage_number);
    point->set_day(p.culture_days);
    point->set_cumulative_population_doublings(
        p.cumulative_population_doublings);
    point->set_series(p.series);
  }
  return response;
}

}  // namespace cellchain::manufacturing
