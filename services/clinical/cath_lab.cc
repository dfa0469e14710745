// The cath lab's receipt of a dose the pharmacy issued: the clinician
// scans the bag, custody's handoff is accepted in their name, and the
// dose's infusion record opens (RECEIVED).
//
// Everything is judged before custody is asked: the dose as dose recorded
// it (ledger::RequireAudited), ISSUED, through the handoff it was issued
// with, not at the cath lab already. Custody's acceptance runs under a
// request id derived from the caller's, so a retry whose own transaction
// failed after custody accepted finds custody replaying its answer and
// completes; the unique index on a dose's live infusion keeps two
// receipts of one dose apart.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/clinical/clinical.h"
#include "services/clinical/clinical_internal.h"
#include "services/clinical/store.h"
#include "services/common/crypto/random.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::clinical {
namespace {

// $1 infusion, $2 dose, $3 subject, $4 lot, $5 item, $6 chain of identity,
// $7 dose volume (ml), $8 state (RECEIVED), $9 by, $10 handoff.
constexpr char kInsertInfusion[] =
    "INSERT INTO cellchain_clinical.infusions (infusion_id, dose_id, "
    "subject_id, lot_id, item_id, chain_of_identity, dose_volume_ml, state, "
    "received_by, received_at, receipt_handoff_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10)";

}  // namespace

absl::StatusOr<v1::ReceiveDoseResponse> Clinical::ReceiveDose(
    const P& caller, const v1::ReceiveDoseRequest& request) {
  if (request.dose_id().empty()) return InvalidField("dose_id", "required");
  if (request.scan().empty()) {
    return InvalidField("scan", "the dose bag's label, scanned");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  return ledger::RecordOnce<v1::ReceiveDoseResponse>(
      *pool_, *ledger_, {kServiceName, "ReceiveDose", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::ReceiveDoseResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(dose::v1::Dose dose,
                            doses_->GetDose(request.dose_id()));
        CC_RETURN_IF_ERROR(
            ledger::RequireAudited(tx, "dose", dose.dose_id(), dose));
        if (dose.state() != dose::v1::DOSE_STATE_ISSUED) {
          return FailedRule(
              kReasonDoseNotIssued,
              absl::StrCat("dose ", dose.dose_id(), " is ",
                           dose::v1::DoseState_Name(dose.state()),
                           ": the pharmacy has not issued it to the cath lab"));
        }
        const std::string handoff_id = request.handoff_id().empty()
                                           ? dose.issued_handoff_id()
                                           : request.handoff_id();
        if (handoff_id != dose.issued_handoff_id()) {
          return InvalidField(
              "handoff_id",
              absl::StrCat("dose ", dose.dose_id(), " was issued with handoff ",
                           dose.issued_handoff_id(), ", not ", handoff_id));
        }
        CC_ASSIGN_OR_RETURN(std::optional<v1::Infusion> live,
                            LoadLiveInfusionOfDose(tx, dose.dose_id()));
        if (live.has_value()) {
          return FailedRule(kReasonInfusionState,
                            absl::StrCat("dose ", dose.dose_id(),
                                         " was received already (infusion ",
                                         live->infusion_id(), ")"));
        }
        custody::v1::AcceptHandoffRequest accept;
        accept.mutable_context()->set_request_id(
            idempotency::DerivedRequestId(request_id, "receive"));
        accept.set_handoff_id(handoff_id);
        accept.set_scan(request.scan());
        accept.set_condition(request.condition());
        accept.set_seal_intact(request.seal_intact());
        CC_RETURN_IF_ERROR(items_->AcceptHandoff(caller, accept).status());
        const std::string infusion_id = crypto::RandomId("inf");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertInfusion,
                    {infusion_id, dose.dose_id(), dose.subject_id(),
                     dose.lot_id(), dose.item_id(), dose.chain_of_identity(),
                     dose.plan().final_volume_ml(),
                     static_cast<int>(v1::INFUSION_STATE_RECEIVED),
                     caller.user_id, handoff_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_infusion(),
                            LoadInfusion(tx, infusion_id));
        return audit
            .Append("infusion.receive", "infusion", infusion_id,
                    response.infusion(), "", IdentifiersOf(response.infusion()))
            .status();
      });
}

}  // namespace cellchain::clinical
