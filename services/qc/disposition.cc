// QA's disposition of a lot with a signature: RELEASED and
// CONDITIONALLY_RELEASED (every gate of rules.h ReleaseBlockers passed,
// and a signer who did none of the batch's steps nor the lot's tests),
// REJECTED (the product lot recalled in custody first, and a lookback
// recorded), ON_HOLD.
//
// Segregation of duties binds a release only: a hold or a rejection
// protects patients, and no one at hand who may sign as QA should be kept
// from it.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/auth/principal.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/failing_rules.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/qc/qc.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

common::v1::EntityRef Ref(const char* type, const std::string& id) {
  common::v1::EntityRef ref;
  ref.set_type(type);
  ref.set_id(id);
  return ref;
}

}  // namespace

absl::StatusOr<v1::DisposeLotResponse> Qc::DisposeLot(
    const P& caller, const v1::DisposeLotRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  CC_ASSIGN_OR_RETURN(const Disposition disposition,
                      DispositionTo(request.disposition()));
  const v1::LotState to = request.disposition();
  if (disposition.reason_required) {
    CC_RETURN_IF_ERROR(
        fields::RequireText(request.context().reason(), "context.reason"));
  }
  if (request.expected_version() < 0) {
    return InvalidField("expected_version", "0 or a lot version");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             disposition.meaning, "DisposeLot", request_id));
  v1::Lot lot;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(lot, LoadLot(*lease, request.lot_id()));
  }
  // The batch's steps (for segregation of duties) and open deviations:
  // manufacturing's, read before the transaction and checked against their
  // signed records in it.
  CC_ASSIGN_OR_RETURN(manufacturing::v1::GetBatchResponse batch,
                      batches_->GetBatch(lot.batch_id()));
  std::optional<Recalled> recalled;
  if (to == v1::LOT_STATE_REJECTED && lot.state() != v1::LOT_STATE_REJECTED) {
    CC_ASSIGN_OR_RETURN(
        recalled,
        RecallProduct(caller, request_id, lot.product_item_id(),
                      absl::StrCat("QC lot ", lot.lot_id(),
                                   " rejected: ", request.context().reason())));
  }
  return ledger::RecordOnce<v1::DisposeLotResponse>(
      *pool_, *ledger_, {kServiceName, "DisposeLot", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::DisposeLotResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Lot locked,
                            LoadLot(tx, lot.lot_id(), /*for_update=*/true));
        if (request.expected_version() != 0 &&
            request.expected_version() != locked.version()) {
          return WithReason(
              absl::AbortedError(absl::StrCat(
                  "lot ", locked.lot_id(), " is at version ", locked.version(),
                  ", not ", request.expected_version(),
                  ": it changed since you looked; look again")),
              kReasonLotVersion);
        }
        const v1::LotState from = locked.state();
        CC_RETURN_IF_ERROR(CheckTransition(locked.lot_id(), from, to));
        if (to == v1::LOT_STATE_REJECTED && !recalled.has_value()) {
          return WithReason(
              absl::AbortedError(
                  absl::StrCat("lot ", locked.lot_id(),
                               " changed meanwhile: send the rejection again")),
              kReasonLotVersion);
        }
        std::vector<std::string> pending(locked.pending_test_codes().begin(),
                                         locked.pending_test_codes().end());
        if (disposition.release) {
          CC_RETURN_IF_ERROR(RequireAuditedBatch(tx, batch));
          CC_ASSIGN_OR_RETURN(LotView view, LoadView(tx, locked));
          CC_ASSIGN_OR_RETURN(std::vector<v1::Sample> samples,
                              LoadSamplesOfLot(tx, locked.lot_id()));
          // The signer did none of the work being released.
          std::vector<common::v1::EntityRef> entities = {
              Ref("batch", batch.batch().batch_id())};
          for (const manufacturing::v1::Step& step : batch.steps()) {
            entities.push_back(Ref("batch_step", step.step_id()));
          }
          for (const v1::Sample& s : samples) {
            entities.push_back(Ref("qc_sample", s.sample_id()));
          }
          for (const v1::Result& r : view.results) {
            entities.push_back(Ref("qc_result", r.result_id()));
          }
          CC_RETURN_IF_ERROR(auth::CheckSegregationOfDuties(
              tx, signature.actor.user_id(), entities));
          std::vector<Blocker> blockers = ReleaseBlockers(
              view.spec, EvaluateTests(view.spec, view.results),
              view.open_investigations, batch.open_major_deviations(),
              to == v1::LOT_STATE_CONDITIONALLY_RELEASED, &pending);
          if (!blockers.empty()) {
            return FailedRule(
                blockers.front().reason,
                absl::StrCat("lot ", locked.lot_id(), " cannot be ",
                             StateWord(to), ": ", FailingRulesText(blockers)));
          }
          if (to == v1::LOT_STATE_RELEASED) {
            // A full release keeps the tests once left pending on record.
            pending.assign(locked.pending_test_codes().begin(),
                           locked.pending_test_codes().end());
          }
        }
        const std::string& reason = request.context().reason();
        if (to == v1::LOT_STATE_REJECTED) {
          CC_ASSIGN_OR_RETURN(
              *response.mutable_lookback(),
              RecordLookback(audit, locked, *recalled, "", reason,
                             signature.actor.user_id()));
        }
        // A full release closes an open condition, also from a hold QA
        // placed after the conditional release: every test is in then.
        const bool closes_conditions =
            to == v1::LOT_STATE_RELEASED && ConditionOpen(locked);
        tx.Defer({kUpdateLotDisposition,
                  {locked.lot_id(), static_cast<int>(to),
                   signature.actor.user_id(),
                   reason.empty() ? pg::Param::Null() : pg::Param(reason),
                   pg::TextArray(pending), closes_conditions,
                   pg::Param::Null()}});
        CC_ASSIGN_OR_RETURN(
            *response.mutable_lot(),
            RecordLot(audit, disposition.action, locked.lot_id(),
                      DinOf(locked), reason, signature.manifestation));
        return absl::OkStatus();
      });
}

}  // namespace cellchain::qc
