// OOS investigations: opened by the OOS result itself (results.cc), closed
// by QA with a conclusion and a signature. LAB_ERROR invalidates the OOS
// result in the same transaction; PRODUCT_FAILURE and INCONCLUSIVE leave
// it standing, so the test stays failed whatever a retest says.
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/auth/principal.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/qc/qc.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

// $1 investigation, $2 CLOSED, $3 outcome, $4 conclusion, $5 closed by.
constexpr char kUpdateInvestigationClosed[] =
    "UPDATE cellchain_qc.investigations SET status = $2, outcome = $3, "
    "conclusion = $4, closed_by = $5, closed_at = now(), "
    "version = version + 1 WHERE investigation_id = $1";

}  // namespace

absl::StatusOr<v1::CloseInvestigationResponse> Qc::CloseInvestigation(
    const P& caller, const v1::CloseInvestigationRequest& request) {
  if (request.investigation_id().empty()) {
    return InvalidField("investigation_id", "required");
  }
  if (request.outcome() == v1::INVESTIGATION_OUTCOME_UNSPECIFIED ||
      !v1::InvestigationOutcome_IsValid(request.outcome())) {
    return InvalidField("outcome",
                        "LAB_ERROR, PRODUCT_FAILURE or INCONCLUSIVE");
  }
  CC_RETURN_IF_ERROR(
      fields::RequireText(request.conclusion(), "conclusion", 2000));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_APPROVED,
                             "CloseInvestigation", request_id));
  return ledger::RecordOnce<v1::CloseInvestigationResponse>(
      *pool_, *ledger_, {kServiceName, "CloseInvestigation", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::CloseInvestigationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Investigation investigation,
                            LoadInvestigation(tx, request.investigation_id()));
        CC_ASSIGN_OR_RETURN(v1::Lot lot, LoadLot(tx, investigation.lot_id(),
                                                 /*for_update=*/true));
        CC_ASSIGN_OR_RETURN(
            investigation,
            LoadInvestigation(tx, investigation.investigation_id(),
                              /*for_update=*/true));
        if (investigation.status() == v1::INVESTIGATION_STATUS_CLOSED) {
          return FailedRule(
              kReasonInvestigationClosed,
              absl::StrCat("investigation ", investigation.investigation_id(),
                           " was closed by ",
                           investigation.closed_by_user_id()));
        }
        CC_ASSIGN_OR_RETURN(v1::Result result,
                            LoadResult(tx, investigation.result_id(),
                                       /*for_update=*/true));
        CC_RETURN_IF_ERROR(
            tx.Exec(kUpdateInvestigationClosed,
                    {investigation.investigation_id(),
                     static_cast<int>(v1::INVESTIGATION_STATUS_CLOSED),
                     static_cast<int>(request.outcome()), request.conclusion(),
                     signature.actor.user_id()})
                .status());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_investigation(),
            LoadInvestigation(tx, investigation.investigation_id()));
        CC_RETURN_IF_ERROR(
            audit
                .Append("investigation.close", "qc_investigation",
                        investigation.investigation_id(),
                        response.investigation(), request.conclusion(),
                        {DinOf(lot)}, signature.manifestation)
                .status());
        if (request.outcome() == v1::INVESTIGATION_OUTCOME_LAB_ERROR &&
            !result.invalidated()) {
          CC_ASSIGN_OR_RETURN(
              result,
              InvalidateIn(
                  audit, result, lot,
                  absl::StrCat(
                      "investigation ", investigation.investigation_id(),
                      " found a laboratory error: ", request.conclusion()),
                  signature));
        }
        *response.mutable_result() = std::move(result);
        return absl::OkStatus();
      });
}

}  // namespace cellchain::qc
