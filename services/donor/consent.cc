// Her consent: recording it (witnessed by someone else) and its
// withdrawal, which holds every lot of hers not discarded in custody, after
// the withdrawal commits and again on every retry.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/donor/donor.h"
#include "services/donor/donor_internal.h"
#include "services/donor/intake_rules.h"
#include "services/donor/intake_values.h"
#include "services/donor/store.h"
#include "services/ledger/record_once.h"

namespace cellchain::donor {

absl::StatusOr<v1::RecordConsentResponse> Donors::RecordConsent(
    const auth::Principal& caller, const v1::RecordConsentRequest& request) {
  CC_RETURN_IF_ERROR(CheckConsent(request, clock_->Now()));
  return ledger::RecordOnce<v1::RecordConsentResponse>(
      *pool_, *ledger_, {kServiceName, "RecordConsent", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::RecordConsentResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Donor donor,
                            LoadDonor(tx, request.donor_code(), true));
        CC_RETURN_IF_ERROR(RequireConsentStands(donor));
        v1::Consent consent;
        consent.set_consent_id(crypto::RandomId("cns"));
        consent.set_donor_code(donor.donor_code());
        consent.set_form_version(request.form_version());
        *consent.mutable_consented_at() = request.consented_at();
        consent.set_taken_by(request.taken_by());
        consent.set_witness(request.witness());
        consent.set_recorded_by_user_id(caller.user_id);
        CC_RETURN_IF_ERROR(InsertConsent(tx, consent));
        CC_RETURN_IF_ERROR(
            SetConsentStatus(tx, donor.donor_code(), v1::CONSENT_STATUS_GIVEN));
        CC_ASSIGN_OR_RETURN(*response.mutable_consent(),
                            LoadConsent(tx, consent.consent_id()));
        CC_RETURN_IF_ERROR(audit
                               .Append("consent.record", "consent",
                                       consent.consent_id(), response.consent())
                               .status());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_donor(),
            AppendDonor(audit, "donor.consent_recorded", donor.donor_code()));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::WithdrawConsentResponse> Donors::WithdrawConsent(
    const auth::Principal& caller, const v1::WithdrawConsentRequest& request) {
  CC_RETURN_IF_ERROR(CheckWithdrawal(request, clock_->Now()));
  const std::string& reason = request.context().reason();
  std::optional<int64_t> at;
  if (request.has_withdrawn_at()) at = fields::Micros(request.withdrawn_at());
  CC_ASSIGN_OR_RETURN(
      v1::WithdrawConsentResponse response,
      ledger::RecordOnce<v1::WithdrawConsentResponse>(
          *pool_, *ledger_,
          {kServiceName, "WithdrawConsent", auth::ActorOf(caller)}, request,
          [&](ledger::Recorder& audit,
              v1::WithdrawConsentResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            // Under the donor's lock: a receipt waits, then sees the
            // withdrawal and is refused, so every lot is listed here.
            CC_ASSIGN_OR_RETURN(v1::Donor donor,
                                LoadDonor(tx, request.donor_code(), true));
            CC_RETURN_IF_ERROR(RequireConsentStands(donor, " already"));
            const std::string& code = donor.donor_code();
            CC_ASSIGN_OR_RETURN(
                std::vector<std::string> consent_ids,
                WithdrawConsents(tx, code, at, reason, caller.user_id));
            CC_RETURN_IF_ERROR(
                SetConsentStatus(tx, code, v1::CONSENT_STATUS_WITHDRAWN));
            for (const std::string& id : consent_ids) {
              CC_ASSIGN_OR_RETURN(v1::Consent consent, LoadConsent(tx, id));
              CC_RETURN_IF_ERROR(audit
                                     .Append("consent.withdraw", "consent", id,
                                             consent, reason)
                                     .status());
            }
            CC_ASSIGN_OR_RETURN(
                *response.mutable_donor(),
                AppendDonor(audit, "donor.consent_withdrawn", code, reason));
            CC_ASSIGN_OR_RETURN(std::vector<std::string> items,
                                ItemsOfLotsNotDiscarded(tx, code));
            for (std::string& item : items) {
              *response.add_held_item_ids() = std::move(item);
            }
            return absl::OkStatus();
          }));
  // After the commit, and again on every retry of this request: the holds
  // are custody's, each under its own derived request id.
  CC_RETURN_IF_ERROR(PlaceWithdrawalHolds(
      caller, request.context().request_id(), reason, response));
  return response;
}

absl::Status Donors::PlaceWithdrawalHolds(
    const auth::Principal& caller, const std::string& request_id,
    const std::string& reason, v1::WithdrawConsentResponse& response) {
  for (const std::string& item_id : response.held_item_ids()) {
    custody::v1::PlaceHoldRequest hold;
    hold.mutable_context()->set_request_id(idempotency::DerivedRequestId(
        request_id, absl::StrCat("hold/", item_id)));
    hold.mutable_context()->set_reason(
        absl::StrCat("donor consent withdrawn: ", reason)
            .substr(0, fields::kMaxText));
    hold.set_item_id(item_id);
    absl::StatusOr<custody::v1::PlaceHoldResponse> held =
        custody_->PlaceHold(caller, hold);
    // An item that ended (discarded, consumed) needs no hold.
    if (!held.ok() && !IsReason(held.status(), custody::kReasonItemEnded)) {
      return Annotate(
          held.status(),
          absl::StrCat("the withdrawal is recorded but the hold "
                       "of item ",
                       item_id, " failed; retry with the same request id"));
    }
  }
  return absl::OkStatus();
}

}  // namespace cellchain::donor
