// The lots under release testing: opening a harvested batch's product lot
// under the specification in effect, and the reads (a lot with its
// evaluation and what a release would refuse now).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/qc/qc.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

// $1 id, $2 batch, $3 product item, $4 DIN, $5 specification, $6 its
// version, $7 state (TESTING), $8 opened by.
constexpr char kInsertLot[] =
    "INSERT INTO cellchain_qc.lots (lot_id, batch_id, product_item_id, din, "
    "specification_id, specification_version, state, opened_by, opened_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())";

// GetLot reads the lot and everything under it as of one snapshot.
constexpr char kBeginSnapshot[] =
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
constexpr char kCommit[] = "COMMIT";
constexpr char kRollback[] = "ROLLBACK";

}  // namespace

absl::StatusOr<v1::OpenLotResponse> Qc::OpenLot(
    const P& caller, const v1::OpenLotRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  const std::string name = request.specification_name().empty()
                               ? options_.specification_name
                               : request.specification_name();
  CC_RETURN_IF_ERROR(
      idempotency::ValidateRequestId(request.context().request_id()));
  CC_ASSIGN_OR_RETURN(manufacturing::v1::GetBatchResponse batch,
                      batches_->GetBatch(request.batch_id()));
  return ledger::RecordOnce<v1::OpenLotResponse>(
      *pool_, *ledger_, {kServiceName, "OpenLot", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::OpenLotResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        absl::StatusOr<v1::Lot> existing =
            LoadLot(tx, request.batch_id(), false, LotKey::kBatchId);
        if (existing.ok()) {
          return WithReason(
              absl::AlreadyExistsError(absl::StrCat(
                  "batch ", request.batch_id(), " is in release testing as ",
                  existing->lot_id())),
              kReasonLotExists);
        }
        if (existing.status().code() != absl::StatusCode::kNotFound) {
          return existing.status();
        }
        if (batch.batch().state() !=
                manufacturing::v1::BATCH_STATE_QC_PENDING ||
            batch.batch().product_item_id().empty()) {
          return FailedRule(
              kReasonBatchNotHarvested,
              absl::StrCat(
                  "batch ", request.batch_id(), " is ",
                  manufacturing::v1::BatchState_Name(batch.batch().state()),
                  ": release testing starts when its product lot is "
                  "harvested (QC_PENDING)"));
        }
        // The batch, its product lot and DIN are what manufacturing signed.
        CC_RETURN_IF_ERROR(RequireAuditedBatch(tx, batch));
        CC_ASSIGN_OR_RETURN(v1::Specification spec, LoadEffective(tx, name));
        const std::string id = crypto::RandomId("qcl");
        CC_RETURN_IF_ERROR(
            tx.Exec(
                  kInsertLot,
                  {id, request.batch_id(), batch.batch().product_item_id(),
                   batch.batch().din(), spec.specification_id(), spec.version(),
                   static_cast<int>(v1::LOT_STATE_TESTING), caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_lot(), LoadLot(tx, id));
        return audit
            .Append("lot.open", "qc_lot", id, response.lot(), "",
                    {DinOf(response.lot())})
            .status();
      });
}

absl::StatusOr<v1::GetLotResponse> Qc::GetLot(
    const v1::GetLotRequest& request) {
  std::string key;
  LotKey by = LotKey::kLotId;
  switch (request.which_case()) {
    case v1::GetLotRequest::kLotId:
      key = request.lot_id();
      break;
    case v1::GetLotRequest::kBatchId:
      key = request.batch_id();
      by = LotKey::kBatchId;
      break;
    case v1::GetLotRequest::kProductItemId:
      key = request.product_item_id();
      by = LotKey::kProductItemId;
      break;
    default:
      break;
  }
  if (key.empty()) {
    return InvalidField("lot_id", "required (or batch_id, product_item_id)");
  }
  v1::GetLotResponse response;
  LotView view;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_RETURN_IF_ERROR(lease->Exec(kBeginSnapshot).status());
    absl::Status read = [&]() -> absl::Status {
      CC_ASSIGN_OR_RETURN(v1::Lot lot, LoadLot(*lease, key, false, by));
      CC_ASSIGN_OR_RETURN(view, LoadView(*lease, std::move(lot)));
      const std::string& id = view.lot.lot_id();
      CC_ASSIGN_OR_RETURN(std::vector<v1::Sample> samples,
                          LoadSamplesOfLot(*lease, id));
      for (v1::Sample& s : samples) *response.add_samples() = std::move(s);
      CC_ASSIGN_OR_RETURN(std::vector<v1::Lookback> lookbacks,
                          LoadLookbacksOfLot(*lease, id));
      for (v1::Lookback& l : lookbacks)
        *response.add_lookbacks() = std::move(l);
      return absl::OkStatus();
    }();
    absl::Status end = lease->Exec(read.ok() ? kCommit : kRollback).status();
    CC_RETURN_IF_ERROR(read);
    CC_RETURN_IF_ERROR(end);
  }
  std::vector<v1::TestEvaluation> tests =
      EvaluateTests(view.spec, view.results);
  CC_ASSIGN_OR_RETURN(manufacturing::v1::GetBatchResponse batch,
                      batches_->GetBatch(view.lot.batch_id()));
  for (const Blocker& b :
       ReleaseBlockers(view.spec, tests, view.open_investigations,
                       batch.open_major_deviations(), /*conditional=*/false)) {
    response.add_release_blockers(absl::StrCat(b.reason, ": ", b.message));
  }
  *response.mutable_lot() = std::move(view.lot);
  *response.mutable_specification() = std::move(view.spec);
  for (v1::TestEvaluation& t : tests) *response.add_tests() = std::move(t);
  for (v1::Result& r : view.results) *response.add_results() = std::move(r);
  for (v1::Investigation& i : view.investigations) {
    *response.add_investigations() = std::move(i);
  }
  return response;
}

absl::StatusOr<v1::ListLotsResponse> Qc::ListLots(
    const v1::ListLotsRequest& request) {
  if (!v1::LotState_IsValid(request.state())) {
    return InvalidField("state", "not a lot state");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::Lot> lots,
                      qc::ListLots(*lease, request.state(), kMaxList));
  v1::ListLotsResponse response;
  for (v1::Lot& lot : lots) *response.add_lots() = std::move(lot);
  return response;
}

}  // namespace cellchain::qc
