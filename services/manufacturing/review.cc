// Manufacturing's review of a recorded step: the second person's
// verification (four eyes) and a correction as a new revision.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"
#include "services/manufacturing/manufacturing.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/step_rules.h"
#include "services/manufacturing/step_values.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

using fields::RequireText;
using fields::ToTime;

// ---- SQL (decision 0014: enum columns hold the proto enum's number) ------

// Whoever recorded a revision of step $1.
constexpr char kSelectRecordersOfStep[] =
    "SELECT DISTINCT recorded_by FROM cellchain_manufacturing.step_revisions "
    "WHERE step_id = $1";

// Step $1 verified by $2: $3 status (v1.StepStatus VERIFIED).
constexpr char kVerifyStep[] =
    "UPDATE cellchain_manufacturing.steps SET status = $3, verified_by = $2, "
    "verified_at = now() WHERE step_id = $1";

// Batch $1 in release testing: $2 state (v1.BatchState QC_PENDING), once
// its product harvest is verified.
constexpr char kBatchToQc[] =
    "UPDATE cellchain_manufacturing.batches SET state = $2, "
    "version = version + 1 WHERE batch_id = $1";

// Step $1 corrected: $2 revision, $3 values, $4 recorded by, $5 reason. A
// verified step ($6, v1.StepStatus VERIFIED) is PERFORMED ($7) again, for
// a second person to verify the new revision. A correction is not a late
// entry: it carries its own reason.
constexpr char kCorrectStep[] =
    "UPDATE cellchain_manufacturing.steps SET revision = $2, "
    "step_values = $3, recorded_by = $4, recorded_at = now(), "
    "correction_reason = $5, late_entry_reason = '', "
    "status = CASE WHEN status = $6 THEN $7 ELSE status END, "
    "verified_by = NULL, verified_at = NULL WHERE step_id = $1";

}  // namespace

absl::StatusOr<v1::VerifyStepResponse> Manufacturing::VerifyStep(
    const P& caller, const v1::VerifyStepRequest& request) {
  if (request.step_id().empty()) return InvalidField("step_id", "required");
  if (request.revision() < 1) {
    return InvalidField("revision", "the revision checked (1 or more)");
  }
  const std::string& request_id = request.context().request_id();
  // Before the four-eyes check and signing (RecordOnce checks it again).
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  {
    // Four eyes before the password is asked: nothing is counted against
    // the one who recorded it.
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(
        pg::Result r, lease->Exec(kSelectRecordersOfStep, {request.step_id()}));
    if (r.rows() == 0) {
      return NotFound("step", request.step_id(), kReasonStepNotFound);
    }
    for (int row = 0; row < r.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string by, r.GetString(row, 0));
      CC_RETURN_IF_ERROR(auth::RequireDistinct(
          by, caller.user_id, absl::StrCat("step ", request.step_id())));
    }
  }
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_VERIFIED, "VerifyStep", request_id));
  return ledger::RecordOnce<v1::VerifyStepResponse>(
      *pool_, *ledger_, {kServiceName, "VerifyStep", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::VerifyStepResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Step found, LoadStep(tx, request.step_id()));
        CC_ASSIGN_OR_RETURN(v1::Batch batch,
                            LoadBatch(tx, found.batch_id(), true));
        CC_ASSIGN_OR_RETURN(v1::Step step, LoadStep(tx, request.step_id()));
        if (step.revision() != request.revision()) {
          return WithReason(absl::AbortedError(absl::StrCat(
                                "step ", step.step_id(), " is at revision ",
                                step.revision(), ", not ", request.revision(),
                                ": check the current values again")),
                            kReasonStepRevision);
        }
        if (step.status() == v1::STEP_STATUS_IN_PROGRESS) {
          return FailedRule(
              kReasonStepNotPerformed,
              absl::StrCat("P", step.passage_number(), " step ", step.step_id(),
                           " is still in culture: verify it "
                           "once harvested"));
        }
        if (step.status() == v1::STEP_STATUS_VERIFIED) {
          return FailedRule(kReasonStepVerified,
                            absl::StrCat("step ", step.step_id(), " revision ",
                                         step.revision(), " was verified by ",
                                         step.verified_by_user_id()));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec(kVerifyStep, {step.step_id(), signature.actor.user_id(),
                                  static_cast<int>(v1::STEP_STATUS_VERIFIED)})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                            LoadStep(tx, step.step_id()));
        CC_RETURN_IF_ERROR(audit
                               .Append("step.verify", "batch_step",
                                       step.step_id(), response.step(), "",
                                       {DinOf(batch)}, signature.manifestation)
                               .status());
        if (step.kind() != v1::STEP_KIND_PRODUCT_HARVEST) {
          return absl::OkStatus();
        }
        // The product lot as recorded is checked by a second person: only
        // now does it go to release testing.
        CC_RETURN_IF_ERROR(
            tx.Exec(kBatchToQc, {batch.batch_id(),
                                 static_cast<int>(v1::BATCH_STATE_QC_PENDING)})
                .status());
        CC_ASSIGN_OR_RETURN(v1::Batch pending, LoadBatch(tx, batch.batch_id()));
        return audit
            .Append(
                "batch.qc_pending", "batch", batch.batch_id(), pending,
                absl::StrCat("product harvest ", step.step_id(), " verified"),
                {DinOf(pending)})
            .status();
      });
}

absl::StatusOr<v1::CorrectStepResponse> Manufacturing::CorrectStep(
    const P& caller, const v1::CorrectStepRequest& request) {
  if (request.step_id().empty()) return InvalidField("step_id", "required");
  if (request.revision() < 1) {
    return InvalidField("revision", "the revision corrected (1 or more)");
  }
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  // SignAs refuses a malformed request id before the password is checked.
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "CorrectStep", request_id));
  return ledger::RecordOnce<v1::CorrectStepResponse>(
      *pool_, *ledger_, {kServiceName, "CorrectStep", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::CorrectStepResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Step found, LoadStep(tx, request.step_id()));
        CC_ASSIGN_OR_RETURN(BatchView view,
                            LoadView(tx, found.batch_id(), true));
        v1::Step* step = nullptr;
        for (v1::Step& s : view.steps) {
          if (s.step_id() == found.step_id()) step = &s;
        }
        if (step->revision() != request.revision()) {
          return WithReason(absl::AbortedError(absl::StrCat(
                                "step ", step->step_id(), " is at revision ",
                                step->revision(), ", not ", request.revision(),
                                ": it changed since it was read")),
                            kReasonStepRevision);
        }
        if (view.batch.state() != v1::BATCH_STATE_IN_PROCESS) {
          return FailedRule(
              kReasonBatchState,
              absl::StrCat("batch ", view.batch.batch_id(), " is ",
                           EnumLabel(v1::BatchState_Name(view.batch.state()),
                                     "BATCH_STATE_"),
                           ": its record is closed; record a deviation "
                           "instead"));
        }
        v1::StepValues in = request.values();
        if (step->kind() == v1::STEP_KIND_THAW) {
          in.set_vial_item_id(step->values().vial_item_id());
        }
        CC_ASSIGN_OR_RETURN(
            v1::StepValues values,
            Clean(step->kind(), in,
                  step->status() != v1::STEP_STATUS_IN_PROGRESS, Now()));
        const v1::StepValues& old = step->values();
        // What made custody items and links stays as it was.
        auto material_set = [](const v1::StepValues& v) {
          std::vector<std::string> ids = MaterialIds(v);
          std::sort(ids.begin(), ids.end());
          return ids;
        };
        auto equipment_set = [](const v1::StepValues& v) {
          std::vector<std::string> ids = EquipmentIds(v);
          std::sort(ids.begin(), ids.end());
          return ids;
        };
        if (material_set(values) != material_set(old)) {
          return InvalidField("values.materials",
                              "the material lots used cannot change in a "
                              "correction (only their quantities)");
        }
        if (equipment_set(values) != equipment_set(old)) {
          return InvalidField("values.equipment_ids",
                              "the equipment used cannot change in a "
                              "correction");
        }
        if (values.vessel_count() != old.vessel_count()) {
          return InvalidField("values.vessel_count",
                              "the vessels are custody items: their number "
                              "cannot change in a correction");
        }
        if (values.bank_kind() != old.bank_kind()) {
          return InvalidField("values.bank_kind",
                              "the bank cannot change in a correction");
        }
        if (const v1::Step* source = view.Find(step->source_step_id())) {
          std::optional<absl::Time> available = AvailableAt(*source);
          absl::Time at = UsedAt(step->kind(), values, false);
          if (available && at < *available) {
            return InvalidField("values",
                                "the corrected time lies before "
                                "the source's harvest");
          }
        }
        if (step->kind() == v1::STEP_KIND_PROCESSING &&
            ToTime(values.seeded_at()) < view.collected_at) {
          return InvalidField("values.seeded_at",
                              "before the cord's collection");
        }
        // The lots and equipment, on the corrected day of use.
        CC_ASSIGN_OR_RETURN(Uses uses, LoadUses(tx, MaterialIds(values),
                                                EquipmentIds(values), true));
        CC_RETURN_IF_ERROR(CheckUses(
            uses, values, UsedAt(step->kind(), values, /*harvest=*/false)));
        CC_RETURN_IF_ERROR(CheckPerformedAt(
            view.batch, uses, values,
            UsedAt(step->kind(), values, /*harvest=*/false),
            PerformedAtField(step->kind(), /*harvest=*/false)));
        CC_ASSIGN_OR_RETURN(const Process* process, ProcessOf(view.batch));
        std::vector<Raised> raised;
        CC_RETURN_IF_ERROR(CheckGrowth(*process, *step, values, raised));
        *step->mutable_values() = values;
        CC_RETURN_IF_ERROR(CheckLeftoverDraws(view));
        CC_RETURN_IF_ERROR(CheckCells(view));
        CC_RETURN_IF_ERROR(CheckLeftoverStated(view, step->step_id()));
        CC_ASSIGN_OR_RETURN(std::string values_bytes,
                            ledger::SerializeDeterministic(values));
        int64_t revision = request.revision() + 1;
        CC_RETURN_IF_ERROR(
            tx.Exec(kCorrectStep,
                    {step->step_id(), revision, pg::Param::Bytes(values_bytes),
                     signature.actor.user_id(), request.context().reason(),
                     static_cast<int>(v1::STEP_STATUS_VERIFIED),
                     static_cast<int>(v1::STEP_STATUS_PERFORMED)})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertRevision,
                    {step->step_id(), revision, pg::Param::Bytes(values_bytes),
                     signature.actor.user_id(), request.context().reason(),
                     /*late_entry_reason=*/""})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                            LoadStep(tx, step->step_id()));
        // Their records come before the step's (entity-type order).
        std::vector<v1::Deviation> deviations;
        CC_RETURN_IF_ERROR(InsertRaised(tx, audit, view.batch, step->step_id(),
                                        raised, signature.actor.user_id(),
                                        &deviations));
        response.clear_deviations();  // the transaction may run again
        for (v1::Deviation& d : deviations) {
          *response.add_deviations() = std::move(d);
        }
        return audit
            .Append("step.correct", "batch_step", step->step_id(),
                    response.step(), request.context().reason(),
                    {DinOf(view.batch)}, signature.manifestation)
            .status();
      });
}

}  // namespace cellchain::manufacturing
