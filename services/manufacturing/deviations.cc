// Manufacturing's deviation RPCs: record one against a batch or step, and
// QA's assessment of it by someone independent of what it is about.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"
#include "services/manufacturing/manufacturing.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

using fields::RequireText;

// ---- SQL (decision 0014: enum columns hold the proto enum's number) ------

// The steps of batch $1.
constexpr char kSelectStepIdsOfBatch[] =
    "SELECT step_id FROM cellchain_manufacturing.steps WHERE batch_id = $1";

// QA's assessment of deviation $1: $2 its classification (v1.DeviationClass;
// NULL keeps it), $3 the assessment, $4 signed by, $5 status
// (v1.DeviationStatus CLOSED).
constexpr char kAssessDeviation[] =
    "UPDATE cellchain_manufacturing.deviations SET status = $5, "
    "classification = coalesce($2::int, classification), assessment = $3, "
    "assessed_by = $4, assessed_at = now() WHERE deviation_id = $1";

// Segregation of duties for a deviation's assessment: whoever recorded the
// deviation, or performed, verified or corrected the step it is about, may
// not assess it; a deviation of the batch as a whole is about the batch's
// start and every step of it. PERMISSION_DENIED SEGREGATION_OF_DUTIES.
absl::Status CheckDeviationIndependence(pg::Transaction& tx,
                                        const std::string& signer_user_id,
                                        const v1::Deviation& deviation) {
  auto ref = [](std::string type, std::string id) {
    common::v1::EntityRef entity;
    entity.set_type(std::move(type));
    entity.set_id(std::move(id));
    return entity;
  };
  std::vector<common::v1::EntityRef> entities = {
      ref("batch_deviation", deviation.deviation_id())};
  if (!deviation.step_id().empty()) {
    entities.push_back(ref("batch_step", deviation.step_id()));
  } else {
    entities.push_back(ref("batch", deviation.batch_id()));
    CC_ASSIGN_OR_RETURN(pg::Result steps,
                        tx.Exec(kSelectStepIdsOfBatch, {deviation.batch_id()}));
    for (int row = 0; row < steps.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string id, steps.GetString(row, 0));
      entities.push_back(ref("batch_step", std::move(id)));
    }
  }
  return auth::CheckSegregationOfDuties(tx, signer_user_id, entities);
}

}  // namespace

absl::StatusOr<v1::RecordDeviationResponse> Manufacturing::RecordDeviation(
    const P& caller, const v1::RecordDeviationRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  if (request.classification() == v1::DEVIATION_CLASS_UNSPECIFIED ||
      !v1::DeviationClass_IsValid(request.classification())) {
    return InvalidField("classification", "MINOR, MAJOR or CRITICAL");
  }
  CC_RETURN_IF_ERROR(RequireText(request.description(), "description", 2000));
  CC_RETURN_IF_ERROR(RequireText(request.impact(), "impact", 2000));
  return ledger::RecordOnce<v1::RecordDeviationResponse>(
      *pool_, *ledger_,
      {kServiceName, "RecordDeviation", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::RecordDeviationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Batch batch,
                            LoadBatch(tx, request.batch_id(), true));
        if (!request.step_id().empty()) {
          CC_ASSIGN_OR_RETURN(v1::Step step, LoadStep(tx, request.step_id()));
          if (step.batch_id() != batch.batch_id()) {
            return InvalidField("step_id", "a step of another batch");
          }
        }
        std::string id = crypto::RandomId("bdv");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertDeviation,
                    {id, batch.batch_id(),
                     request.step_id().empty() ? pg::Param::Null()
                                               : pg::Param(request.step_id()),
                     /*rule=*/"", static_cast<int>(request.classification()),
                     request.description(), request.impact(), caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_deviation(),
                            LoadDeviation(tx, id));
        return audit
            .Append("deviation.record", "batch_deviation", id,
                    response.deviation(), "", {DinOf(batch)})
            .status();
      });
}

absl::StatusOr<v1::AssessDeviationResponse> Manufacturing::AssessDeviation(
    const P& caller, const v1::AssessDeviationRequest& request) {
  if (request.deviation_id().empty()) {
    return InvalidField("deviation_id", "required");
  }
  if (!v1::DeviationClass_IsValid(request.classification())) {
    return InvalidField("classification", "MINOR, MAJOR or CRITICAL");
  }
  CC_RETURN_IF_ERROR(RequireText(request.assessment(), "assessment", 2000));
  const std::string& request_id = request.context().request_id();
  // SignAs refuses a malformed request id before the password is checked.
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_APPROVED,
                             "AssessDeviation", request_id));
  return ledger::RecordOnce<v1::AssessDeviationResponse>(
      *pool_, *ledger_, {kServiceName, "AssessDeviation", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::AssessDeviationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            v1::Deviation deviation,
            LoadDeviation(tx, request.deviation_id(), /*for_update=*/true));
        CC_RETURN_IF_ERROR(CheckDeviationIndependence(
            tx, signature.actor.user_id(), deviation));
        if (deviation.status() != v1::DEVIATION_STATUS_OPEN) {
          return FailedRule(kReasonDeviationClosed,
                            absl::StrCat("deviation ", deviation.deviation_id(),
                                         " was assessed already by ",
                                         deviation.assessed_by_user_id()));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec(kAssessDeviation,
                    {deviation.deviation_id(),
                     EnumOrNull(request.classification()), request.assessment(),
                     signature.actor.user_id(),
                     static_cast<int>(v1::DEVIATION_STATUS_CLOSED)})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_deviation(),
                            LoadDeviation(tx, deviation.deviation_id()));
        CC_ASSIGN_OR_RETURN(v1::Batch batch,
                            LoadBatch(tx, deviation.batch_id()));
        return audit
            .Append("deviation.assess", "batch_deviation",
                    deviation.deviation_id(), response.deviation(),
                    request.assessment(), {DinOf(batch)},
                    signature.manifestation)
            .status();
      });
}

}  // namespace cellchain::manufacturing
