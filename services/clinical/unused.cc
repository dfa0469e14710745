// Unused product: a dose received at the cath lab and never infused goes
// back to the pharmacy (a custody handoff to the pharmacy's place, which
// the pharmacy accepts by scanning the bag with the dose service's
// ReturnDose) or is destroyed at the cath lab (custody DISCARDED) with a
// witness who co-signs WITNESSED in a record of their own. A reason is
// required either way. The infusion's row is locked and judged before
// custody is asked; custody's part runs under a request id derived from the
// caller's, so a retry completes.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/clinical/clinical.h"
#include "services/clinical/clinical_internal.h"
#include "services/clinical/store.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::clinical {
namespace {

// $1 infusion, $2 state (RETURNED), $3 handoff, $4 by, $5 reason.
constexpr char kUpdateReturned[] =
    "UPDATE cellchain_clinical.infusions SET state = $2, "
    "return_handoff_id = $3, disposed_by = $4, disposed_at = now(), "
    "disposal_reason = $5, version = version + 1 WHERE infusion_id = $1";
// $1 infusion, $2 state (DESTROYED), $3 by, $4 witness, $5 reason.
constexpr char kUpdateDestroyed[] =
    "UPDATE cellchain_clinical.infusions SET state = $2, disposed_by = $3, "
    "disposal_witness = $4, disposed_at = now(), disposal_reason = $5, "
    "version = version + 1 WHERE infusion_id = $1";

}  // namespace

absl::StatusOr<v1::DisposeUnusedDoseResponse> Clinical::DisposeUnusedDose(
    const P& caller, const v1::DisposeUnusedDoseRequest& request) {
  if (request.infusion_id().empty()) {
    return InvalidField("infusion_id", "required");
  }
  const bool destroy = request.disposal() == v1::DISPOSAL_DESTROYED;
  if (!destroy && request.disposal() != v1::DISPOSAL_RETURNED_TO_PHARMACY) {
    return InvalidField("disposal", "returned to the pharmacy or destroyed");
  }
  if (!destroy && request.to_location_id().empty()) {
    return InvalidField("to_location_id", "the pharmacy's place");
  }
  const std::string& reason = request.context().reason();
  if (reason.empty()) return InvalidField("context.reason", "required");
  const std::string& request_id = request.context().request_id();
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "DisposeUnusedDose", request_id));
  std::optional<auth::Signature> witness;
  if (destroy) {
    CC_ASSIGN_OR_RETURN(
        witness,
        auth::CoSign(*signatures_, caller, request.witness(),
                     {common::v1::ROLE_CLINICIAN, common::v1::ROLE_PHARMACIST},
                     {common::v1::SIGNATURE_MEANING_WITNESSED},
                     auth::RpcAttempt(kServiceName, "DisposeUnusedDose", caller,
                                      request_id),
                     "witness"));
  }
  return ledger::RecordOnce<v1::DisposeUnusedDoseResponse>(
      *pool_, *ledger_, {kServiceName, "DisposeUnusedDose", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::DisposeUnusedDoseResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            v1::Infusion infusion,
            LoadInfusion(tx, request.infusion_id(), /*for_update=*/true));
        CC_RETURN_IF_ERROR(RequireInfusionState(
            infusion,
            {v1::INFUSION_STATE_RECEIVED, v1::INFUSION_STATE_BEDSIDE_VERIFIED},
            "only a dose never infused is returned or destroyed"));
        if (destroy) {
          custody::v1::EndItemRequest end;
          end.mutable_context()->set_request_id(
              idempotency::DerivedRequestId(request_id, "destroyed"));
          end.mutable_context()->set_reason(reason);
          end.set_item_id(infusion.item_id());
          end.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
          CC_RETURN_IF_ERROR(items_->EndItem(caller, end).status());
          CC_RETURN_IF_ERROR(
              tx.Exec(kUpdateDestroyed,
                      {infusion.infusion_id(),
                       static_cast<int>(v1::INFUSION_STATE_DESTROYED),
                       signature.actor.user_id(), witness->actor.user_id(),
                       reason})
                  .status());
        } else {
          custody::v1::InitiateHandoffRequest back;
          back.mutable_context()->set_request_id(
              idempotency::DerivedRequestId(request_id, "return"));
          back.set_item_id(infusion.item_id());
          back.set_to_location_id(request.to_location_id());
          CC_ASSIGN_OR_RETURN(custody::v1::InitiateHandoffResponse started,
                              items_->InitiateHandoff(caller, back));
          CC_RETURN_IF_ERROR(
              tx.Exec(kUpdateReturned,
                      {infusion.infusion_id(),
                       static_cast<int>(v1::INFUSION_STATE_RETURNED),
                       started.handoff().handoff_id(),
                       signature.actor.user_id(), reason})
                  .status());
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_infusion(),
                            LoadInfusion(tx, infusion.infusion_id()));
        CC_RETURN_IF_ERROR(
            audit
                .Append(destroy ? "infusion.destroy" : "infusion.return",
                        "infusion", infusion.infusion_id(), response.infusion(),
                        reason, IdentifiersOf(infusion),
                        signature.manifestation)
                .status());
        if (!witness.has_value()) return absl::OkStatus();
        ledger::Recorder witnessed(tx, *ledger_, witness->actor, request_id);
        return witnessed
            .Append("infusion.destroy_witness", "infusion",
                    infusion.infusion_id(), response.infusion(), reason,
                    IdentifiersOf(infusion), witness->manifestation)
            .status();
      });
}

}  // namespace cellchain::clinical
