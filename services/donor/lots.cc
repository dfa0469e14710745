// Her donor lots: a cord's receipt (a DIN and a custody item first, the
// deviations found, the lot in QUARANTINE), QA's signed assessment of a
// deviation, QA's signed release (intake_rules.h CheckRelease), discard,
// and the lookups.
#include <optional>
#include <string>
#include <utility>
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
namespace {

// What a refused receipt's message adds.
constexpr char kNoCordReceived[] = ": no cord is received from her";

}  // namespace

namespace {

// Her screenings and determinations were recorded before her cord had a
// DIN, so their records carry none and `audit query --din` would not find
// them. Each gets one more record in its own chain, its unchanged state
// with the DIN as identifier ("screening.din_linked",
// "determination.din_linked"), in the receipt's transaction; records made
// later carry her DINs themselves (screening.cc). Errors as Append's.
absl::Status LinkIntakeToDin(ledger::Recorder& audit, const std::string& code,
                             const std::string& din) {
  pg::Transaction& tx = audit.tx();
  CC_ASSIGN_OR_RETURN(std::vector<v1::Screening> screenings,
                      LoadScreenings(tx, code));
  for (const v1::Screening& screening : screenings) {
    CC_RETURN_IF_ERROR(audit
                           .Append("screening.din_linked", "screening",
                                   screening.screening_id(), screening, "",
                                   {ledger::DinIdentifier(din)})
                           .status());
  }
  CC_ASSIGN_OR_RETURN(std::vector<v1::Determination> determinations,
                      LoadDeterminations(tx, code));
  for (const v1::Determination& determination : determinations) {
    CC_RETURN_IF_ERROR(audit
                           .Append("determination.din_linked", "determination",
                                   determination.determination_id(),
                                   determination, "",
                                   {ledger::DinIdentifier(din)})
                           .status());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ReceiveCordResponse> Donors::ReceiveCord(
    const auth::Principal& caller, const v1::ReceiveCordRequest& request) {
  CC_RETURN_IF_ERROR(CheckReceipt(request, clock_->Now()));
  const std::string& request_id = request.context().request_id();
  // Custody's calls below are made under ids derived from this one.
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  const std::string& code = request.donor_code();
  {
    // Refused before a DIN is spent on it (checked again under the lock).
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(*lease, code));
    CC_RETURN_IF_ERROR(RequireConsentStands(donor, kNoCordReceived));
  }
  custody::v1::AllocateDinRequest allocate;
  allocate.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "din"));
  allocate.set_fin(options_.fin);
  CC_ASSIGN_OR_RETURN(custody::v1::AllocateDinResponse din,
                      custody_->AllocateDin(caller, allocate));
  custody::v1::RegisterItemRequest item_request;
  item_request.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "item"));
  item_request.set_type(custody::v1::ITEM_TYPE_DONOR_LOT);
  item_request.set_din(din.data_structure());
  item_request.set_description("Umbilical cord tissue (donor lot)");
  item_request.set_location_id(request.location_id());
  CC_ASSIGN_OR_RETURN(custody::v1::RegisterItemResponse item,
                      custody_->RegisterItem(caller, item_request));
  const std::string item_id = item.item().item_id();

  std::vector<FoundDeviation> deviations =
      DeviationsAtReceipt(request, options_);
  absl::StatusOr<v1::ReceiveCordResponse> result =
      ledger::RecordOnce<v1::ReceiveCordResponse>(
          *pool_, *ledger_,
          {kServiceName, "ReceiveCord", auth::ActorOf(caller)}, request,
          [&](ledger::Recorder& audit,
              v1::ReceiveCordResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(tx, code, true));
            CC_RETURN_IF_ERROR(RequireConsentStands(donor, kNoCordReceived));
            CC_ASSIGN_OR_RETURN(
                bool set_delivery,
                DeliveryToRecord(donor, request.delivered_at()));
            if (set_delivery) {
              CC_RETURN_IF_ERROR(
                  RecordDelivery(tx, code, request.delivered_at()));
            }
            v1::DonorLot lot;
            lot.set_lot_id(crypto::RandomId("lot"));
            lot.set_donor_code(code);
            lot.set_din(din.allocation().din());
            lot.set_din_eye_readable(din.eye_readable());
            lot.set_item_id(item_id);
            *lot.mutable_delivered_at() = request.delivered_at();
            *lot.mutable_collected_at() = request.collected_at();
            *lot.mutable_received_at() = request.received_at();
            lot.set_transport_min_celsius(request.transport_min_celsius());
            lot.set_transport_max_celsius(request.transport_max_celsius());
            lot.set_tissue_weight_grams(request.tissue_weight_grams());
            lot.set_received_by_user_id(caller.user_id);
            CC_RETURN_IF_ERROR(InsertLot(tx, lot));
            for (const FoundDeviation& d : deviations) {
              CC_RETURN_IF_ERROR(
                  InsertDeviation(tx, lot.lot_id(), d.kind, d.description));
            }
            if (set_delivery) {
              CC_RETURN_IF_ERROR(
                  AppendDonor(audit, "donor.delivery_recorded", code).status());
            }
            CC_ASSIGN_OR_RETURN(*response.mutable_lot(),
                                AppendLot(audit, "lot.receive", lot.lot_id()));
            return LinkIntakeToDin(audit, code, lot.din());
          });
  if (IsReason(result.status(), kReasonConsentWithdrawn) ||
      IsReason(result.status(), kReasonDeliveryMismatch)) {
    // The item was registered before the refusal: it is held, so that
    // tissue nobody may use cannot move on unnoticed.
    custody::v1::PlaceHoldRequest hold;
    hold.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, "refused-hold"));
    hold.mutable_context()->set_reason(
        absl::StrCat("cord receipt refused: ",
                     std::string(result.status().message()))
            .substr(0, fields::kMaxText));
    hold.set_item_id(item_id);
    absl::StatusOr<custody::v1::PlaceHoldResponse> held =
        custody_->PlaceHold(caller, hold);
    if (!held.ok()) {
      return Annotate(
          result.status(),
          absl::StrCat("and the hold of its custody item ", item_id,
                       " failed: ", std::string(held.status().message())));
    }
  }
  return result;
}

absl::StatusOr<v1::AssessDeviationResponse> Donors::AssessDeviation(
    const auth::Principal& caller, const v1::AssessDeviationRequest& request) {
  CC_RETURN_IF_ERROR(CheckAssessment(request));
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
        CC_ASSIGN_OR_RETURN(std::string lot_id,
                            DeviationLotId(tx, request.deviation_id()));
        CC_RETURN_IF_ERROR(LoadLot(tx, lot_id, /*for_update=*/true).status());
        // The deviations of a lot are found at its receipt: whoever
        // received it may not judge them.
        common::v1::EntityRef lot;
        lot.set_type("donor_lot");
        lot.set_id(lot_id);
        CC_RETURN_IF_ERROR(auth::CheckSegregationOfDuties(
            tx, signature.actor.user_id(), {lot}));
        CC_ASSIGN_OR_RETURN(
            bool assessed,
            AssessOpenDeviation(tx, request.deviation_id(), request.decision(),
                                request.assessment(),
                                signature.actor.user_id()));
        if (!assessed) {
          return FailedRule(kReasonDeviationAssessed,
                            absl::StrCat("deviation ", request.deviation_id(),
                                         " was assessed already"));
        }
        CC_RETURN_IF_ERROR(BumpLotVersion(tx, lot_id));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_lot(),
            AppendLot(audit, "lot.deviation_assessed", lot_id,
                      request.assessment(), signature.manifestation));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ReleaseLotResponse> Donors::ReleaseLot(
    const auth::Principal& caller, const v1::ReleaseLotRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  const std::string& request_id = request.context().request_id();
  // The signature is made for this request id: a malformed one is refused
  // before QA's password is checked (and a wrong one counted).
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  std::string code;
  std::string item_id;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(v1::DonorLot lot, LoadLot(*lease, request.lot_id()));
    code = lot.donor_code();
    item_id = lot.item_id();
  }
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_APPROVED, "ReleaseLot", request_id));
  custody::v1::GetItemRequest get;
  get.set_item_id(item_id);
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse item,
                      custody_->GetItem(get));
  return ledger::RecordOnce<v1::ReleaseLotResponse>(
      *pool_, *ledger_, {kServiceName, "ReleaseLot", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::ReleaseLotResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(tx, code, true));
        CC_ASSIGN_OR_RETURN(v1::DonorLot lot,
                            LoadLot(tx, request.lot_id(), true));
        CC_RETURN_IF_ERROR(CheckIntakeIndependence(
            tx, signature.actor.user_id(), code, lot.lot_id()));
        CC_ASSIGN_OR_RETURN(std::optional<v1::Determination> latest,
                            LoadLatestDetermination(tx, code));
        CC_RETURN_IF_ERROR(
            CheckRelease({.lot = lot,
                          .donor = donor,
                          .latest = latest.has_value() ? &*latest : nullptr,
                          .item_on_hold = item.item().on_hold()}));
        CC_RETURN_IF_ERROR(
            MarkReleased(tx, lot.lot_id(), signature.actor.user_id()));
        CC_ASSIGN_OR_RETURN(*response.mutable_lot(),
                            AppendLot(audit, "lot.release", lot.lot_id(), "",
                                      signature.manifestation));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::DiscardLotResponse> Donors::DiscardLot(
    const auth::Principal& caller, const v1::DiscardLotRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  const std::string& reason = request.context().reason();
  CC_RETURN_IF_ERROR(fields::RequireText(reason, "context.reason"));
  const std::string& request_id = request.context().request_id();
  // Custody's call below is made under an id derived from this one.
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  v1::DonorLot lot;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(lot, LoadLot(*lease, request.lot_id()));
  }
  if (lot.state() != v1::LOT_STATE_DISCARDED) {
    custody::v1::EndItemRequest end;
    end.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, "end"));
    end.mutable_context()->set_reason(reason);
    end.set_item_id(lot.item_id());
    end.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
    CC_RETURN_IF_ERROR(custody_->EndItem(caller, end).status());
  }
  return ledger::RecordOnce<v1::DiscardLotResponse>(
      *pool_, *ledger_, {kServiceName, "DiscardLot", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::DiscardLotResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::DonorLot locked,
                            LoadLot(tx, request.lot_id(), true));
        CC_RETURN_IF_ERROR(CheckDiscard(locked));
        CC_RETURN_IF_ERROR(MarkDiscarded(tx, locked.lot_id(), reason));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_lot(),
            AppendLot(audit, "lot.discard", locked.lot_id(), reason));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::GetLotResponse> Donors::GetLot(
    const v1::GetLotRequest& request) {
  if (request.lot_id().empty() == request.din().empty()) {
    return InvalidField("lot_id", "give lot_id or din");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::GetLotResponse response;
  if (!request.lot_id().empty()) {
    CC_ASSIGN_OR_RETURN(*response.mutable_lot(),
                        LoadLot(*lease, request.lot_id()));
    return response;
  }
  CC_ASSIGN_OR_RETURN(std::string din, NormalizeDin(request.din()));
  CC_ASSIGN_OR_RETURN(*response.mutable_lot(), LoadLotByDin(*lease, din));
  return response;
}

absl::StatusOr<v1::ListLotsResponse> Donors::ListLots(
    const v1::ListLotsRequest& request) {
  CC_ASSIGN_OR_RETURN(LotQuery query, CheckListLots(request));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::DonorLot> lots,
                      LoadLotPage(*lease, query));
  v1::ListLotsResponse response;
  for (size_t i = 0; i < lots.size() && static_cast<int>(i) < query.page_size;
       ++i) {
    *response.add_lots() = std::move(lots[i]);
  }
  if (static_cast<int>(lots.size()) > query.page_size) {
    response.mutable_page()->set_next_page_token(
        NextLotPageToken(response.lots(query.page_size - 1)));
  }
  return response;
}

}  // namespace cellchain::donor
