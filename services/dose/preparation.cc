// Preparation: the plan a count gives (rules.h PlanPreparation), the dose
// prepared from a released lot with released, unexpired heparin and
// saline, its count after preparation judged against the acceptance
// window, and a second technician's verification.
//
// A preparation's custody DOSE_BAG is registered before the dose's
// transaction, under a request id derived from the caller's, with the ISBT
// 128 identification fixed for the request beforehand (division and time
// of preparation, preparation_allocations) so that a retry registers the
// same item; when the transaction refuses, the bag is discarded again.
// The rules of the process (lot released, materials released and
// unexpired, one live dose per order) are checked in the transaction, so
// that a retry of a preparation that succeeded replays its answer.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/custody/reasons.h"
#include "services/dose/dose.h"
#include "services/dose/dose_internal.h"
#include "services/dose/store.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/record_once.h"

namespace cellchain::dose {
namespace {

// A request's allocation: $1 request key.
std::string SelectAllocation() {
  return absl::StrCat("SELECT division, ", pg::MicrosColumn("prepared_at"),
                      " FROM cellchain_dose.preparation_allocations "
                      "WHERE request_key = $1");
}
// Allocations of a lot are made one at a time: $1 lot.
constexpr char kLockLotDivisions[] =
    "SELECT pg_advisory_xact_lock(hashtext('cellchain_dose.divisions/' || $1))";
constexpr char kCountLotDivisions[] =
    "SELECT count(*) FROM cellchain_dose.preparation_allocations "
    "WHERE lot_id = $1";
// $1 request key, $2 lot, $3 division, $4 prepared at (µs).
std::string InsertAllocation() {
  return absl::StrCat(
      "INSERT INTO cellchain_dose.preparation_allocations (request_key, "
      "lot_id, division, prepared_at) VALUES ($1, $2, $3, ",
      fields::TimestampParam(4), ")");
}

// A live dose of order $1 (states $2, smallint[]).
constexpr char kSelectLiveDose[] =
    "SELECT dose_id FROM cellchain_dose.doses "
    "WHERE order_id = $1 AND state = ANY($2::smallint[]) LIMIT 1";

std::string InsertDose() {
  return absl::StrCat(
      "INSERT INTO cellchain_dose.doses (dose_id, order_id, subject_id, "
      "lot_id, product_item_id, item_id, din, donation_identification, "
      "product_code, expiration, chain_of_identity, division, "
      "source_total_cells_per_ml, source_viability_percent, "
      "viable_cells_per_ml, suspension_volume_ml, diluent_volume_ml, "
      "final_volume_ml, planned_viable_cells, planned_cells_per_ml, "
      "planned_deviation_percent, heparin_material_id, saline_material_id, "
      "prepared_by, prepared_at, expires_at, state) VALUES ($1, $2, $3, $4, "
      "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
      "$20, $21, $22, $23, $24, ",
      fields::TimestampParam(25), ", ", fields::TimestampParam(26), ", $27)");
}

// $1 dose, $2 total/ml, $3 viability, $4 delivered, $5 deviation, $6 by,
// $7 state.
constexpr char kUpdateCount[] =
    "UPDATE cellchain_dose.doses SET post_total_cells_per_ml = $2, "
    "post_viability_percent = $3, delivered_viable_cells = $4, "
    "delivered_deviation_percent = $5, counted_by = $6, counted_at = now(), "
    "state = $7, version = version + 1 WHERE dose_id = $1";

// $1 dose, $2 by, $3 state (VERIFIED).
constexpr char kUpdateVerified[] =
    "UPDATE cellchain_dose.doses SET verified_by = $2, verified_at = now(), "
    "state = $3, version = version + 1 WHERE dose_id = $1";

struct Allocation {
  std::string division;
  absl::Time prepared_at;
};

std::string StatesLiteral(std::initializer_list<v1::DoseState> states) {
  std::vector<std::string> numbers;
  for (v1::DoseState s : states) numbers.push_back(absl::StrCat(s));
  return pg::TextArray(numbers);
}

// A heparin or saline lot is released, of its kind and not expired on
// `today` (usable through its expiry day). FAILED_PRECONDITION
// MATERIAL_KIND, MATERIAL_NOT_RELEASED, MATERIAL_EXPIRED.
absl::Status CheckMaterial(const manufacturing::v1::MaterialLot& lot,
                           manufacturing::v1::MaterialKind kind,
                           absl::CivilDay today) {
  const std::string what = absl::StrCat(
      manufacturing::v1::MaterialKind_Name(kind), " lot ", lot.material_id());
  if (lot.kind() != kind) {
    return FailedRule(
        kReasonMaterialKind,
        absl::StrCat("material ", lot.material_id(), " is ",
                     manufacturing::v1::MaterialKind_Name(lot.kind()), ", not ",
                     manufacturing::v1::MaterialKind_Name(kind)));
  }
  if (lot.status() != manufacturing::v1::MATERIAL_STATUS_RELEASED) {
    return FailedRule(
        kReasonMaterialNotReleased,
        absl::StrCat(what, " is ",
                     manufacturing::v1::MaterialStatus_Name(lot.status()),
                     ": only a lot QA released may be used"));
  }
  absl::CivilDay expires;
  if (!absl::ParseCivilTime(ToAbsl(lot.expires_on()), &expires) ||
      expires < today) {
    return FailedRule(kReasonMaterialExpired,
                      absl::StrCat(what, " expired on ", lot.expires_on()));
  }
  return absl::OkStatus();
}

absl::Status RequireReleasedLot(const qc::v1::Lot& lot) {
  if (lot.state() == qc::v1::LOT_STATE_RELEASED ||
      lot.state() == qc::v1::LOT_STATE_CONDITIONALLY_RELEASED) {
    return absl::OkStatus();
  }
  return FailedRule(kReasonLotNotReleased,
                    absl::StrCat("lot ", lot.lot_id(), " is ",
                                 qc::v1::LotState_Name(lot.state()),
                                 ": a dose is prepared only from a lot QA "
                                 "released"));
}

}  // namespace

absl::StatusOr<v1::CalculatePreparationResponse> Dose::CalculatePreparation(
    const v1::CalculatePreparationRequest& request) {
  v1::CalculatePreparationResponse response;
  CC_ASSIGN_OR_RETURN(
      *response.mutable_plan(),
      PlanPreparation(WithDefaults(request.prescribed_viable_cells(),
                                   request.final_volume_ml(), options_.rules),
                      request.source(), options_.rules));
  return response;
}

absl::StatusOr<v1::PrepareDoseResponse> Dose::PrepareDose(
    const P& caller, const v1::PrepareDoseRequest& request) {
  if (request.order_id().empty()) return InvalidField("order_id", "required");
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  if (request.heparin_material_id().empty()) {
    return InvalidField("heparin_material_id", "required");
  }
  if (request.saline_material_id().empty()) {
    return InvalidField("saline_material_id", "required");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  v1::Order order;
  v1::Patient patient;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(order, LoadOrder(*lease, request.order_id()));
    CC_ASSIGN_OR_RETURN(patient, LoadPatient(*lease, order.subject_id()));
  }
  CC_ASSIGN_OR_RETURN(const v1::PreparationPlan plan,
                      PlanPreparation({order.prescribed_viable_cells(),
                                       order.final_volume_ml()},
                                      request.source(), options_.rules));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "PrepareDose", request_id));
  // What the dose is made from (the rules on them are checked in the
  // transaction).
  CC_ASSIGN_OR_RETURN(const qc::v1::Lot lot, lots_->GetLot(request.lot_id()));
  CC_ASSIGN_OR_RETURN(const manufacturing::v1::MaterialLot heparin,
                      materials_->GetMaterial(request.heparin_material_id()));
  CC_ASSIGN_OR_RETURN(const manufacturing::v1::MaterialLot saline,
                      materials_->GetMaterial(request.saline_material_id()));
  // The division and time of preparation, fixed for this request.
  Allocation allocation;
  const std::string request_key = absl::StrCat(caller.user_id, "/", request_id);
  CC_RETURN_IF_ERROR(
      pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
        CC_ASSIGN_OR_RETURN(pg::Result r,
                            tx.Exec(SelectAllocation(), {request_key}));
        if (r.rows() == 0) {
          CC_RETURN_IF_ERROR(
              tx.Exec(kLockLotDivisions, {lot.lot_id()}).status());
          CC_ASSIGN_OR_RETURN(pg::Result n,
                              tx.Exec(kCountLotDivisions, {lot.lot_id()}));
          CC_ASSIGN_OR_RETURN(int64_t count, n.GetInt64(0, 0));
          CC_ASSIGN_OR_RETURN(std::string division,
                              DivisionCode(static_cast<int>(count)));
          const int64_t now = absl::ToUnixMicros(clock_->Now());
          CC_RETURN_IF_ERROR(tx.Exec(InsertAllocation(),
                                     {request_key, lot.lot_id(), division, now})
                                 .status());
          CC_ASSIGN_OR_RETURN(r, tx.Exec(SelectAllocation(), {request_key}));
        }
        CC_ASSIGN_OR_RETURN(allocation.division, r.GetString(0, 0));
        CC_ASSIGN_OR_RETURN(int64_t micros, r.GetInt64(0, 1));
        allocation.prepared_at = absl::FromUnixMicros(micros);
        return absl::OkStatus();
      }));
  const absl::Time expires_at =
      ExpiryOf(allocation.prepared_at, options_.rules);
  CC_ASSIGN_OR_RETURN(const std::string expiration,
                      ExpirationOf(expires_at, options_.rules));
  CC_ASSIGN_OR_RETURN(const std::string product_code,
                      DoseProductCode(allocation.division, options_.rules));
  CC_ASSIGN_OR_RETURN(const std::string donation,
                      DonationIdentificationOf(lot.din()));
  // The dose bag, under an id a retry gets again.
  custody::v1::RegisterItemRequest bag;
  bag.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "dose-bag"));
  bag.set_type(custody::v1::ITEM_TYPE_DOSE_BAG);
  bag.set_din(donation);
  bag.set_product_code(product_code);
  bag.set_expiration(expiration);
  bag.set_chain_of_identity(patient.chain_of_identity());
  bag.set_description(
      absl::StrFormat("UC-MSC dose, %.3g viable cells in %.1f ml, for %s",
                      order.prescribed_viable_cells(), plan.final_volume_ml(),
                      order.subject_id()));
  bag.set_location_id(request.location_id());
  bag.set_patient_id(order.subject_id());
  custody::v1::ParentLink* from_lot = bag.add_parents();
  from_lot->set_parent_item_id(lot.product_item_id());
  from_lot->set_kind(custody::v1::DERIVATION_KIND_FORMULATION);
  for (const manufacturing::v1::MaterialLot* m : {&heparin, &saline}) {
    custody::v1::ParentLink* used = bag.add_parents();
    used->set_parent_item_id(m->item_id());
    used->set_kind(custody::v1::DERIVATION_KIND_MATERIAL);
  }
  CC_ASSIGN_OR_RETURN(custody::v1::RegisterItemResponse item,
                      items_->RegisterItem(caller, bag));
  if (item.item().state() == custody::v1::ITEM_STATE_DISCARDED) {
    return FailedRule(kReasonRequestRefusedBefore,
                      absl::StrCat("request ", request_id,
                                   " was refused before and its dose bag "
                                   "discarded: prepare again with a new "
                                   "request id"));
  }
  absl::StatusOr<v1::PrepareDoseResponse> prepared =
      ledger::RecordOnce<v1::PrepareDoseResponse>(
          *pool_, *ledger_, {kServiceName, "PrepareDose", signature.actor},
          request,
          [&](ledger::Recorder& audit,
              v1::PrepareDoseResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(
                v1::Order locked,
                LoadOrder(tx, order.order_id(), /*for_update=*/true));
            CC_ASSIGN_OR_RETURN(
                pg::Result live,
                tx.Exec(
                    kSelectLiveDose,
                    {locked.order_id(),
                     StatesLiteral(
                         {v1::DOSE_STATE_PREPARED, v1::DOSE_STATE_COUNTED,
                          v1::DOSE_STATE_VERIFIED, v1::DOSE_STATE_RELEASED,
                          v1::DOSE_STATE_ISSUED, v1::DOSE_STATE_RETURNED})}));
            if (live.rows() > 0) {
              CC_ASSIGN_OR_RETURN(std::string other, live.GetString(0, 0));
              return FailedRule(
                  kReasonOrderHasDose,
                  absl::StrCat("order ", locked.order_id(), " has dose ", other,
                               " already: destroy it first"));
            }
            // The lot as qc has it now, and as QA signed it.
            CC_ASSIGN_OR_RETURN(qc::v1::Lot now_lot,
                                lots_->GetLot(lot.lot_id()));
            CC_RETURN_IF_ERROR(RequireReleasedLot(now_lot));
            CC_RETURN_IF_ERROR(ledger::RequireAudited(
                tx, "qc_lot", now_lot.lot_id(), now_lot));
            const absl::CivilDay today =
                absl::ToCivilDay(clock_->Now(), options_.rules.time_zone);
            CC_ASSIGN_OR_RETURN(manufacturing::v1::MaterialLot h,
                                materials_->GetMaterial(heparin.material_id()));
            CC_RETURN_IF_ERROR(CheckMaterial(
                h, manufacturing::v1::MATERIAL_KIND_HEPARIN, today));
            CC_ASSIGN_OR_RETURN(manufacturing::v1::MaterialLot s,
                                materials_->GetMaterial(saline.material_id()));
            CC_RETURN_IF_ERROR(CheckMaterial(
                s, manufacturing::v1::MATERIAL_KIND_SALINE, today));
            const std::string id = crypto::RandomId("dos");
            CC_RETURN_IF_ERROR(
                tx.Exec(InsertDose(),
                        {id,
                         locked.order_id(),
                         locked.subject_id(),
                         now_lot.lot_id(),
                         now_lot.product_item_id(),
                         item.item().item_id(),
                         now_lot.din(),
                         donation,
                         product_code,
                         expiration,
                         patient.chain_of_identity(),
                         allocation.division,
                         request.source().total_cells_per_ml(),
                         request.source().viability_percent(),
                         plan.viable_cells_per_ml(),
                         plan.suspension_volume_ml(),
                         plan.diluent_volume_ml(),
                         plan.final_volume_ml(),
                         plan.planned_viable_cells(),
                         plan.planned_cells_per_ml(),
                         plan.planned_deviation_percent(),
                         h.material_id(),
                         s.material_id(),
                         caller.user_id,
                         absl::ToUnixMicros(allocation.prepared_at),
                         absl::ToUnixMicros(expires_at),
                         static_cast<int>(v1::DOSE_STATE_PREPARED)})
                    .status());
            CC_ASSIGN_OR_RETURN(*response.mutable_dose(), LoadDose(tx, id));
            return audit
                .Append("dose.prepare", "dose", id, response.dose(), "",
                        IdentifiersOf(response.dose()), signature.manifestation)
                .status();
          });
  if (prepared.status().code() == absl::StatusCode::kFailedPrecondition) {
    // No dose was recorded: its bag is not left as a live item.
    custody::v1::EndItemRequest end;
    end.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, "dose-bag/discard"));
    end.mutable_context()->set_reason("dose preparation refused");
    end.set_item_id(item.item().item_id());
    end.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
    absl::StatusOr<custody::v1::EndItemResponse> ended =
        items_->EndItem(caller, end);
    if (!ended.ok() && ReasonOf(ended.status()) != custody::kReasonItemEnded) {
      return Annotate(
          prepared.status(),
          absl::StrCat("and its dose bag ", item.item().item_id(),
                       " could not be discarded: ", ended.status().message()));
    }
  }
  return prepared;
}

absl::StatusOr<v1::RecordPostPreparationCountResponse>
Dose::RecordPostPreparationCount(
    const P& caller, const v1::RecordPostPreparationCountRequest& request) {
  if (request.dose_id().empty()) return InvalidField("dose_id", "required");
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "RecordPostPreparationCount", request_id));
  return ledger::RecordOnce<v1::RecordPostPreparationCountResponse>(
      *pool_, *ledger_,
      {kServiceName, "RecordPostPreparationCount", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::RecordPostPreparationCountResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Dose dose, LoadDose(tx, request.dose_id(),
                                                    /*for_update=*/true));
        CC_RETURN_IF_ERROR(
            RequireState(dose, {v1::DOSE_STATE_PREPARED}, "a count"));
        CC_ASSIGN_OR_RETURN(v1::Order order, LoadOrder(tx, dose.order_id()));
        CC_ASSIGN_OR_RETURN(
            Acceptance acceptance,
            JudgeCount(order.prescribed_viable_cells(),
                       dose.plan().final_volume_ml(),
                       request.total_cells_per_ml(),
                       request.viability_percent(), options_.rules));
        const v1::DoseState to = acceptance.failures.empty()
                                     ? v1::DOSE_STATE_COUNTED
                                     : v1::DOSE_STATE_NOT_ACCEPTABLE;
        CC_RETURN_IF_ERROR(
            tx.Exec(kUpdateCount, {dose.dose_id(), request.total_cells_per_ml(),
                                   request.viability_percent(),
                                   acceptance.delivered_viable_cells,
                                   acceptance.deviation_percent, caller.user_id,
                                   static_cast<int>(to)})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_dose(),
                            LoadDose(tx, dose.dose_id()));
        for (std::string& f : acceptance.failures) {
          response.add_failures(std::move(f));
        }
        return audit
            .Append("dose.count", "dose", dose.dose_id(), response.dose(),
                    absl::StrJoin(response.failures(), "; "),
                    IdentifiersOf(dose), signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::VerifyDoseResponse> Dose::VerifyDose(
    const P& caller, const v1::VerifyDoseRequest& request) {
  if (request.dose_id().empty()) return InvalidField("dose_id", "required");
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_VERIFIED, "VerifyDose", request_id));
  return ledger::RecordOnce<v1::VerifyDoseResponse>(
      *pool_, *ledger_, {kServiceName, "VerifyDose", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::VerifyDoseResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Dose dose, LoadDose(tx, request.dose_id(),
                                                    /*for_update=*/true));
        CC_RETURN_IF_ERROR(auth::RequireDistinct(
            dose.prepared_by_user_id(), signature.actor.user_id(),
            "dose verification (the technician who prepared it)"));
        if (!dose.counted_by_user_id().empty()) {
          CC_RETURN_IF_ERROR(auth::RequireDistinct(
              dose.counted_by_user_id(), signature.actor.user_id(),
              "dose verification (the technician who counted it)"));
        }
        CC_RETURN_IF_ERROR(
            RequireState(dose, {v1::DOSE_STATE_COUNTED}, "a verification"));
        CC_RETURN_IF_ERROR(tx.Exec(kUpdateVerified,
                                   {dose.dose_id(), signature.actor.user_id(),
                                    static_cast<int>(v1::DOSE_STATE_VERIFIED)})
                               .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_dose(),
                            LoadDose(tx, dose.dose_id()));
        return audit
            .Append("dose.verify", "dose", dose.dose_id(), response.dose(), "",
                    IdentifiersOf(dose), signature.manifestation)
            .status();
      });
}

}  // namespace cellchain::dose
