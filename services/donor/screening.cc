// Her eligibility records: screening results (a correction is a new
// result) and QA's signed determination, computed from what is stored,
// never chosen (eligibility.h).
#include <string>
#include <vector>

#include "services/common/crypto/crypto.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/donor/donor.h"
#include "services/donor/donor_internal.h"
#include "services/donor/eligibility_proto.h"
#include "services/donor/intake_values.h"
#include "services/donor/store.h"
#include "services/ledger/record_once.h"

namespace cellchain::donor {
namespace {

// Her lots' DINs as the ISBT 128 identifiers of a record of her intake
// made after her cord was received (none before: the DIN does not exist
// yet, and ReceiveCord links the records made until then).
absl::StatusOr<std::vector<audit::v1::Isbt128Identifier>> DinIdentifiersOf(
    pg::Transaction& tx, const std::string& code) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> dins, DinsOf(tx, code));
  std::vector<audit::v1::Isbt128Identifier> ids;
  for (std::string& din : dins) {
    ids.push_back(ledger::DinIdentifier(std::move(din)));
  }
  return ids;
}

}  // namespace

absl::StatusOr<v1::RecordScreeningResponse> Donors::RecordScreening(
    const auth::Principal& caller, const v1::RecordScreeningRequest& request) {
  CC_RETURN_IF_ERROR(CheckScreening(request, options_.panel, clock_->Now()));
  return ledger::RecordOnce<v1::RecordScreeningResponse>(
      *pool_, *ledger_,
      {kServiceName, "RecordScreening", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::RecordScreeningResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Donor donor,
                            LoadDonor(tx, request.donor_code(), true));
        v1::Screening screening;
        screening.set_screening_id(crypto::RandomId("scr"));
        screening.set_donor_code(donor.donor_code());
        screening.set_test_code(request.test_code());
        screening.set_method(request.method());
        screening.set_kit_lot(request.kit_lot());
        *screening.mutable_specimen_drawn_at() = request.specimen_drawn_at();
        screening.set_result(request.result());
        screening.set_recorded_by_user_id(caller.user_id);
        CC_RETURN_IF_ERROR(InsertScreening(tx, screening));
        CC_RETURN_IF_ERROR(BumpRevision(tx, donor.donor_code()));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_donor(),
            AppendDonor(audit, "donor.screening_recorded", donor.donor_code()));
        CC_ASSIGN_OR_RETURN(*response.mutable_screening(),
                            LoadScreening(tx, screening.screening_id()));
        CC_ASSIGN_OR_RETURN(auto dins,
                            DinIdentifiersOf(tx, donor.donor_code()));
        return audit
            .Append("screening.record", "screening", screening.screening_id(),
                    response.screening(), "", std::move(dins))
            .status();
      });
}

absl::StatusOr<v1::DetermineEligibilityResponse> Donors::DetermineEligibility(
    const auth::Principal& caller,
    const v1::DetermineEligibilityRequest& request) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  const std::string& request_id = request.context().request_id();
  // SignAs refuses a malformed request id before the password is checked.
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_APPROVED,
                             "DetermineEligibility", request_id));
  return ledger::RecordOnce<v1::DetermineEligibilityResponse>(
      *pool_, *ledger_, {kServiceName, "DetermineEligibility", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::DetermineEligibilityResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Donor donor,
                            LoadDonor(tx, request.donor_code(), true));
        CC_RETURN_IF_ERROR(CheckIntakeIndependence(
            tx, signature.actor.user_id(), donor.donor_code(), ""));
        CC_ASSIGN_OR_RETURN(DonorFacts facts, LoadFacts(tx, donor));
        v1::Determination determination =
            ToProto(Determine(options_.panel, facts), donor);
        // An approval of a record with something missing would approve
        // nothing: GetDonor shows the evaluation until it is complete.
        if (determination.eligibility() == v1::ELIGIBILITY_INCOMPLETE) {
          return FailedRule(
              kReasonEligibilityIncomplete,
              absl::StrCat("the donor's record is incomplete, so no "
                           "determination can be signed: ",
                           DescribeReasons(determination)));
        }
        determination.set_determination_id(crypto::RandomId("elg"));
        determination.set_determined_by_user_id(signature.actor.user_id());
        CC_RETURN_IF_ERROR(InsertDetermination(tx, determination));
        const std::string& id = determination.determination_id();
        CC_ASSIGN_OR_RETURN(*response.mutable_determination(),
                            LoadDetermination(tx, id));
        CC_ASSIGN_OR_RETURN(auto dins,
                            DinIdentifiersOf(tx, donor.donor_code()));
        CC_ASSIGN_OR_RETURN(
            ledger::SignedRecord record,
            audit.Append("determination.sign", "determination", id,
                         response.determination(),
                         DescribeOutcome(response.determination()),
                         std::move(dins), signature.manifestation));
        response.set_record_id(record.record_id);
        return absl::OkStatus();
      });
}

}  // namespace cellchain::donor
