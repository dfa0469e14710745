// The donor herself: her registration under a new pseudonymous code, her
// identifying data sealed for her and each field, and what GetDonor shows
// (her identifying data only to QA, on record).
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/crypto/sealed_fields.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/donor/donor.h"
#include "services/donor/donor_internal.h"
#include "services/donor/eligibility_proto.h"
#include "services/donor/intake_values.h"
#include "services/donor/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::donor {
namespace {

// The identifying fields, in the order the store keeps them.
constexpr std::array<const char*, 3> kIdentifyingFields = {
    "name", "date_of_birth", "medical_record_number"};

// A donor's sealed identifying values, in kIdentifyingFields' order.
using SealedValues = std::array<std::string, 3>;

// "DNR-" and 10 characters of Crockford's base32: 50 random bits.
absl::StatusOr<std::string> NewDonorCode() {
  CC_ASSIGN_OR_RETURN(std::string bytes, crypto::RandomBytes(10));
  return DonorCodeFrom(bytes);
}

}  // namespace

absl::StatusOr<v1::RegisterDonorResponse> Donors::RegisterDonor(
    const auth::Principal& caller, const v1::RegisterDonorRequest& request) {
  CC_RETURN_IF_ERROR(CheckRegistration(request, clock_->Now()));
  CC_ASSIGN_OR_RETURN(std::string code, NewDonorCode());
  // Sealed before the transaction: each value bound to this donor and field.
  const v1::IdentifyingData& identifying = request.identifying();
  const std::array<const std::string*, 3> values = {
      &identifying.name(), &identifying.date_of_birth(),
      &identifying.medical_record_number()};
  CC_ASSIGN_OR_RETURN(
      auto sealed, crypto::SealFields(*cipher_, kIdentifyingFields, values,
                                      [&](std::string_view field) {
                                        return IdentifyingContext(code, field);
                                      }));
  v1::Donor donor;
  donor.set_donor_code(code);
  donor.set_registered_by_user_id(caller.user_id);
  if (request.has_delivered_at()) {
    *donor.mutable_delivered_at() = request.delivered_at();
  }
  donor.set_name_recorded(sealed[0].has_value());
  donor.set_date_of_birth_recorded(sealed[1].has_value());
  donor.set_medical_record_number_recorded(sealed[2].has_value());
  return ledger::RecordOnce<v1::RegisterDonorResponse>(
      *pool_, *ledger_, {kServiceName, "RegisterDonor", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::RegisterDonorResponse& response) -> absl::Status {
        CC_RETURN_IF_ERROR(InsertDonor(audit.tx(), donor));
        CC_RETURN_IF_ERROR(InsertIdentifying(audit.tx(), code, sealed[0],
                                             sealed[1], sealed[2]));
        CC_ASSIGN_OR_RETURN(*response.mutable_donor(),
                            AppendDonor(audit, "donor.register", code));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::GetDonorResponse> Donors::GetDonor(
    const auth::Principal& caller, const v1::GetDonorRequest& request) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  if (request.reveal_identifying()) {
    if (!caller.HasRole(common::v1::ROLE_QA)) {
      return WithReason(absl::PermissionDeniedError(absl::StrCat(
                            kReasonIdentifyingRestricted,
                            ": only QA may see a donor's identifying data")),
                        kReasonIdentifyingRestricted);
    }
    CC_RETURN_IF_ERROR(fields::RequireText(request.reason(), "reason"));
  }
  const std::string& code = request.donor_code();
  v1::GetDonorResponse response;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    pg::Connection& c = *lease;
    CC_ASSIGN_OR_RETURN(*response.mutable_donor(), LoadDonor(c, code));
    CC_ASSIGN_OR_RETURN(std::vector<v1::Consent> consents,
                        LoadConsents(c, code));
    for (v1::Consent& x : consents) *response.add_consents() = std::move(x);
    CC_ASSIGN_OR_RETURN(std::vector<v1::Screening> screenings,
                        LoadScreenings(c, code));
    // What a determination now would give, from the results shown.
    *response.mutable_current() = ToProto(
        Determine(options_.panel, ToFacts(response.donor(), screenings)),
        response.donor());
    for (v1::Screening& x : screenings) {
      *response.add_screenings() = std::move(x);
    }
    CC_ASSIGN_OR_RETURN(std::vector<v1::Determination> determinations,
                        LoadDeterminations(c, code));
    for (v1::Determination& x : determinations) {
      *response.add_determinations() = std::move(x);
    }
    CC_ASSIGN_OR_RETURN(std::vector<std::string> lot_ids, LotIdsOf(c, code));
    for (std::string& id : lot_ids) *response.add_lot_ids() = std::move(id);
    if (request.reveal_identifying()) {
      CC_ASSIGN_OR_RETURN(SealedValues sealed, LoadSealedIdentifying(c, code));
      v1::IdentifyingData* out = response.mutable_identifying();
      const std::array<std::string*, 3> plain_out = {
          out->mutable_name(), out->mutable_date_of_birth(),
          out->mutable_medical_record_number()};
      CC_RETURN_IF_ERROR(crypto::OpenFields(
          *cipher_, kIdentifyingFields, sealed, plain_out,
          [&](std::string_view field) {
            return IdentifyingContext(code, field);
          },
          "donor", kReasonIdentifyingUnavailable));
    }
  }
  if (request.reveal_identifying()) {
    // Who looked at her data, and why, is on record before it is shown.
    // Not RecordOnce: every viewing is its own record, retried or not.
    std::string request_id = crypto::RandomId("view");
    CC_RETURN_IF_ERROR(pool_->InTransaction([&](pg::Transaction& tx) {
      ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller), request_id);
      return AppendDonor(audit, "donor.identifying_viewed", code,
                         request.reason())
          .status();
    }));
  }
  return response;
}

}  // namespace cellchain::donor
