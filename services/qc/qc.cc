// Qc: construction, the state readers, and the helpers every RPC group
// shares (qc_internal.h). The RPCs are in specifications.cc, lots.cc,
// samples.cc, results.cc, investigations.cc, disposition.cc and
// certificate.cc.
#include "services/qc/qc.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/strip.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/ledger.h"
#include "services/ledger/record_read.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

// Every id of each entity a state reader reads (ledger::IdsFrom).
constexpr char kSelectSpecificationIds[] =
    "SELECT specification_id FROM cellchain_qc.specifications";
constexpr char kSelectLotIds[] = "SELECT lot_id FROM cellchain_qc.lots";
constexpr char kSelectSampleIds[] =
    "SELECT sample_id FROM cellchain_qc.samples";
constexpr char kSelectResultIds[] =
    "SELECT result_id FROM cellchain_qc.results";
constexpr char kSelectInvestigationIds[] =
    "SELECT investigation_id FROM cellchain_qc.investigations";
constexpr char kSelectLookbackIds[] =
    "SELECT lookback_id FROM cellchain_qc.lookbacks";

v1::PatientExposure ExposureOf(const custody::v1::PatientReached& reached) {
  v1::PatientExposure exposure;
  exposure.set_patient_id(reached.patient_id());
  exposure.set_item_id(reached.item_id());
  exposure.set_state(std::string(absl::StripPrefix(
      custody::v1::ItemState_Name(reached.state()), "ITEM_STATE_")));
  return exposure;
}

}  // namespace

audit::v1::Isbt128Identifier DinOf(const v1::Lot& lot) {
  return ledger::DinIdentifier(lot.din());
}

absl::StatusOr<v1::Lot> RecordLot(
    ledger::Recorder& audit, std::string action, const std::string& lot_id,
    audit::v1::Isbt128Identifier din, std::string reason,
    std::optional<common::v1::SignatureManifestation> signature) {
  return ledger::RecordRead<v1::Lot>(
      audit,
      {.action = std::move(action),
       .entity_type = "qc_lot",
       .entity_id = lot_id,
       .reason = std::move(reason),
       .isbt128 = {std::move(din)},
       .signature = std::move(signature)},
      LotRead(lot_id),
      [&](const pg::Result& r) { return LotFromRead(r, lot_id); });
}

absl::StatusOr<v1::Lookback> RecordLookback(
    ledger::Recorder& audit, const v1::Lot& lot, const Recalled& recalled,
    const std::string& trigger_result_id, const std::string& reason,
    const std::string& user_id) {
  v1::Lookback stored_patients;
  for (const v1::PatientExposure& p : recalled.patients) {
    *stored_patients.add_patients() = p;
  }
  CC_ASSIGN_OR_RETURN(std::string patients_bytes,
                      ledger::SerializeDeterministic(stored_patients));
  std::vector<std::string> held(recalled.recall.held_item_ids().begin(),
                                recalled.recall.held_item_ids().end());
  const std::string id = crypto::RandomId("lbk");
  CC_RETURN_IF_ERROR(
      audit.tx()
          .Exec(
              kInsertLookback,
              {id, lot.lot_id(), lot.product_item_id(),
               trigger_result_id.empty() ? pg::Param::Null()
                                         : pg::Param(trigger_result_id),
               reason, recalled.recall.recall().recall_id(),
               pg::TextArray(held), pg::Param::Bytes(patients_bytes), user_id})
          .status());
  CC_ASSIGN_OR_RETURN(v1::Lookback lookback, LoadLookback(audit.tx(), id));
  CC_RETURN_IF_ERROR(audit
                         .Append("lookback.produce", "qc_lookback", id,
                                 lookback, reason, {DinOf(lot)})
                         .status());
  return lookback;
}

Qc::Qc(pg::Pool* pool, const ledger::Ledger* ledger,
       auth::SignatureAuthority* signatures, custody::CustodyPort* custody,
       BatchPort* batches, QcOptions options)
    : pool_(pool),
      ledger_(ledger),
      signatures_(signatures),
      custody_(custody),
      batches_(batches),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : ledger::RealClock()) {
}

absl::Status Qc::RegisterStateReaders(ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Specification>(
      registry, "qc_specification", [](C& c, Id id) { return LoadSpec(c, id); },
      ledger::IdsFrom(kSelectSpecificationIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Lot>(
      registry, "qc_lot", [](C& c, Id id) { return LoadLot(c, id); },
      ledger::IdsFrom(kSelectLotIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Sample>(
      registry, "qc_sample", [](C& c, Id id) { return LoadSample(c, id); },
      ledger::IdsFrom(kSelectSampleIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Result>(
      registry, "qc_result", [](C& c, Id id) { return LoadResult(c, id); },
      ledger::IdsFrom(kSelectResultIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Investigation>(
      registry, "qc_investigation",
      [](C& c, Id id) { return LoadInvestigation(c, id); },
      ledger::IdsFrom(kSelectInvestigationIds)));
  return ledger::RegisterProtoReader<v1::Lookback>(
      registry, "qc_lookback", [](C& c, Id id) { return LoadLookback(c, id); },
      ledger::IdsFrom(kSelectLookbackIds));
}

absl::StatusOr<Recalled> Qc::RecallProduct(const P& caller,
                                           const std::string& request_id,
                                           const std::string& product_item_id,
                                           const std::string& reason) {
  custody::v1::RecallRequest recall;
  recall.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "recall"));
  recall.mutable_context()->set_reason(reason.substr(0, fields::kMaxText));
  recall.set_item_id(product_item_id);
  Recalled out;
  CC_ASSIGN_OR_RETURN(out.recall, custody_->Recall(caller, recall));
  custody::v1::TraceRequest trace;
  trace.set_item_id(product_item_id);
  CC_ASSIGN_OR_RETURN(custody::v1::TraceResponse traced,
                      custody_->TraceForward(trace));
  for (const custody::v1::PatientReached& reached : traced.patients()) {
    out.patients.push_back(ExposureOf(reached));
  }
  return out;
}

absl::Status Qc::RequireAuditedBatch(
    pg::Transaction& tx, const manufacturing::v1::GetBatchResponse& batch) {
  CC_RETURN_IF_ERROR(ledger::RequireAudited(
      tx, "batch", batch.batch().batch_id(), batch.batch()));
  for (const manufacturing::v1::Step& step : batch.steps()) {
    CC_RETURN_IF_ERROR(
        ledger::RequireAudited(tx, "batch_step", step.step_id(), step));
  }
  return absl::OkStatus();
}

}  // namespace cellchain::qc
