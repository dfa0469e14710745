#include "services/qc/qc_test_fixture.h"

#include <algorithm>

#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/product_lot_testing.h"
#include "services/ledger/ledger.h"

namespace cellchain::qc {

absl::StatusOr<manufacturing::v1::GetBatchResponse> Batches::GetBatch(
    const std::string& id) {
  auto it = batches.find(id);
  if (it == batches.end()) {
    return WithReason(absl::NotFoundError("no batch " + id), "BATCH_NOT_FOUND");
  }
  return it->second;
}

std::pair<std::string, std::string> GoodValue(const std::string& code) {
  if (code == "VIABILITY") return {"92.4", "%"};
  if (code == "CD73" || code == "CD90" || code == "CD105") return {"98.7", "%"};
  if (code == "STERILITY") return {"no growth", ""};
  if (code == "MYCOPLASMA") return {"not detected", ""};
  if (code == "ENDOTOXIN") return {"0.12", "[EU]/mL"};
  if (code == "KARYOTYPE") return {"normal", ""};
  if (code == "VIABLE_CELL_COUNT") return {"2.4E8", "cells"};
  return {"0.6", "%"};  // the negative markers
}

void QcTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  StartIdentity(SigningIdentityOptions());
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("qc"));
  CC_ASSERT_OK_AND_ASSIGN(custody_pool_, ServicePool("custody"));
  CC_ASSERT_OK_AND_ASSIGN(mfg_pool_, ServicePool("manufacturing"));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("qc"));
  CC_ASSERT_OK_AND_ASSIGN(custody_ledger_, ServiceLedger("custody"));
  CC_ASSERT_OK_AND_ASSIGN(mfg_ledger_, ServiceLedger("manufacturing"));
  custody_ = std::make_unique<custody::Custody>(
      custody_pool_.get(), custody_ledger_.get(), identity_.get(),
      ledger::RealClock());
  port_ = std::make_unique<custody::DirectCustody>(custody_.get());
  CC_ASSERT_OK(Qc::RegisterStateReaders(registry_));
  BootstrapAdmin();
  if (HasFatalFailure()) return;
  ana_ = MakeUser("ana", "Ana Analyst", {common::v1::ROLE_QC_ANALYST},
                  kAnaPassword);
  ben_ = MakeUser("ben", "Ben B. Reviewer", {common::v1::ROLE_QC_ANALYST},
                  kBenPassword);
  qa_ = MakeUser("quinn", "Quinn Q. Assurance", {common::v1::ROLE_QA},
                 testing::kQaPassword);
  tina_ = MakeUser("tina", "Tina Technician", {common::v1::ROLE_TECHNICIAN},
                   kTinaPassword);
  qc_ = std::make_unique<Qc>(pool_.get(), ledger_.get(), identity_.get(),
                             port_.get(), &batches_);
}

v1::Specification QcTest::ApprovedDefault() {
  v1::CreateSpecificationRequest create;
  *create.mutable_context() = Ctx();
  create.set_use_default(true);
  auto created = qc_->CreateSpecification(qa_, create);
  EXPECT_TRUE(created.ok()) << created.status();
  if (!created.ok()) return v1::Specification();
  auto approved = Approve(created->specification().specification_id());
  EXPECT_TRUE(approved.ok()) << approved.status();
  return approved.ok() ? approved->specification() : v1::Specification();
}

absl::StatusOr<v1::ApproveSpecificationResponse> QcTest::Approve(
    const std::string& id) {
  v1::ApproveSpecificationRequest approve;
  *approve.mutable_context() = Ctx();
  approve.set_specification_id(id);
  *approve.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  return qc_->ApproveSpecification(qa_, approve);
}

manufacturing::v1::GetBatchResponse& QcTest::MakeBatch(
    const auth::Principal* technician, manufacturing::v1::BatchState state) {
  if (technician == nullptr) technician = &tina_;
  const custody::testing::RegisteredProductLot registered =
      custody::testing::RegisterProductLot(*custody_, tina_,
                                           [] { return Ctx(); });
  manufacturing::v1::GetBatchResponse batch;
  batch.mutable_batch()->set_batch_id(crypto::RandomId("bat"));
  batch.mutable_batch()->set_din(registered.din);
  batch.mutable_batch()->set_state(state);
  batch.mutable_batch()->set_product_item_id(registered.product_item_id);
  manufacturing::v1::Step* step = batch.add_steps();
  step->set_step_id(crypto::RandomId("stp"));
  step->set_batch_id(batch.batch().batch_id());
  step->set_recorded_by_user_id(technician->user_id);
  // The batch's and the step's records, as manufacturing writes them.
  CC_EXPECT_OK(mfg_pool_->InTransaction([&](pg::Transaction& tx) {
    ledger::Event started;
    started.actor = auth::ActorOf(*technician);
    started.action = "batch.start";
    started.entity_type = "batch";
    started.entity_id = batch.batch().batch_id();
    started.after_state = &batch.batch();
    started.request_id = crypto::RandomId("req");
    CC_RETURN_IF_ERROR(mfg_ledger_->Append(tx, started).status());
    ledger::Event recorded;
    recorded.actor = auth::ActorOf(*technician);
    recorded.action = "step.record";
    recorded.entity_type = "batch_step";
    recorded.entity_id = step->step_id();
    recorded.after_state = step;
    common::v1::SignatureManifestation performed;
    performed.set_user_id(technician->user_id);
    performed.set_printed_name(technician->printed_name);
    performed.set_meaning(common::v1::SIGNATURE_MEANING_PERFORMED);
    recorded.signature = performed;
    recorded.request_id = crypto::RandomId("req");
    return mfg_ledger_->Append(tx, recorded).status();
  }));
  return batches_.batches[batch.batch().batch_id()] = batch;
}

absl::StatusOr<v1::Lot> QcTest::Open(const std::string& batch_id) {
  v1::OpenLotRequest open;
  *open.mutable_context() = Ctx();
  open.set_batch_id(batch_id);
  CC_ASSIGN_OR_RETURN(auto r, qc_->OpenLot(ana_, open));
  return r.lot();
}

v1::Lot QcTest::MakeLot() {
  if (!spec_) spec_ = ApprovedDefault();
  auto lot = Open(MakeBatch().batch().batch_id());
  EXPECT_TRUE(lot.ok()) << lot.status();
  return lot.ok() ? *lot : v1::Lot();
}

absl::StatusOr<v1::Sample> QcTest::Draw(const v1::Lot& lot,
                                        std::vector<std::string> codes) {
  v1::DrawSampleRequest draw;
  *draw.mutable_context() = Ctx();
  draw.set_lot_id(lot.lot_id());
  for (const std::string& c : codes) draw.add_test_codes(c);
  draw.set_description("2 mL of the final suspension");
  *draw.mutable_drawn_at() = At(absl::Now() - absl::Hours(1));
  CC_ASSIGN_OR_RETURN(auto r, qc_->DrawSample(tina_, draw));
  return r.sample();
}

v1::EnterResultRequest QcTest::Entry(const v1::Sample& sample,
                                     const std::string& code,
                                     const std::string& value,
                                     const std::string& unit) {
  v1::EnterResultRequest enter;
  *enter.mutable_context() = Ctx();
  enter.set_sample_id(sample.sample_id());
  enter.set_test_code(code);
  enter.set_value(value);
  enter.set_unit(unit);
  *enter.mutable_tested_at() = At(absl::Now() - absl::Minutes(30));
  enter.set_instrument("FACSCanto II #2");
  *enter.mutable_signature() =
      Sig(kAnaPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  return enter;
}

absl::StatusOr<v1::EnterResultResponse> QcTest::Enter(const v1::Sample& sample,
                                                      const std::string& code,
                                                      const std::string& value,
                                                      const std::string& unit) {
  return qc_->EnterResult(ana_, Entry(sample, code, value, unit));
}

absl::StatusOr<v1::ReviewResultResponse> QcTest::Review(
    const std::string& result_id, const auth::Principal* who,
    const char* password) {
  if (who == nullptr) who = &ben_;
  v1::ReviewResultRequest review;
  *review.mutable_context() = Ctx();
  review.set_result_id(result_id);
  *review.mutable_signature() =
      Sig(password, common::v1::SIGNATURE_MEANING_REVIEWED);
  return qc_->ReviewResult(*who, review);
}

v1::Sample QcTest::TestAll(const v1::Lot& lot,
                           std::vector<std::string> except) {
  std::vector<std::string> codes;
  for (const v1::SpecTest& t : spec_->tests()) codes.push_back(t.code());
  auto sample = Draw(lot, codes);
  EXPECT_TRUE(sample.ok()) << sample.status();
  if (!sample.ok()) return v1::Sample();
  for (const std::string& code : codes) {
    if (std::find(except.begin(), except.end(), code) != except.end()) {
      continue;
    }
    auto [value, unit] = GoodValue(code);
    auto entered = Enter(*sample, code, value, unit);
    EXPECT_TRUE(entered.ok()) << code << ": " << entered.status();
    if (!entered.ok()) continue;
    EXPECT_EQ(entered->result().conformance(), v1::CONFORMANCE_IN_SPECIFICATION)
        << code;
    auto reviewed = Review(entered->result().result_id());
    EXPECT_TRUE(reviewed.ok()) << code << ": " << reviewed.status();
  }
  return *sample;
}

absl::StatusOr<v1::DisposeLotResponse> QcTest::Dispose(
    const v1::Lot& lot, v1::LotState to, const std::string& reason,
    const auth::Principal* who, const char* password,
    int64_t expected_version) {
  if (who == nullptr) who = &qa_;
  v1::DisposeLotRequest dispose;
  *dispose.mutable_context() = Ctx(reason);
  dispose.set_lot_id(lot.lot_id());
  dispose.set_disposition(to);
  dispose.set_expected_version(expected_version);
  common::v1::SignatureMeaning meaning =
      to == v1::LOT_STATE_REJECTED  ? common::v1::SIGNATURE_MEANING_REJECTED
      : to == v1::LOT_STATE_ON_HOLD ? common::v1::SIGNATURE_MEANING_APPROVED
                                    : common::v1::SIGNATURE_MEANING_RELEASED;
  *dispose.mutable_signature() = Sig(password, meaning);
  return qc_->DisposeLot(*who, dispose);
}

absl::StatusOr<v1::CloseInvestigationResponse> QcTest::Close(
    const std::string& investigation_id, v1::InvestigationOutcome outcome,
    const std::string& conclusion) {
  v1::CloseInvestigationRequest close;
  *close.mutable_context() = Ctx();
  close.set_investigation_id(investigation_id);
  close.set_outcome(outcome);
  close.set_conclusion(conclusion);
  *close.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  return qc_->CloseInvestigation(qa_, close);
}

v1::GetLotResponse QcTest::Get(const v1::Lot& lot) {
  v1::GetLotRequest get;
  get.set_lot_id(lot.lot_id());
  auto got = qc_->GetLot(get);
  EXPECT_TRUE(got.ok()) << got.status();
  return got.ok() ? *got : v1::GetLotResponse();
}

const v1::TestEvaluation& QcTest::Status(const v1::GetLotResponse& lot,
                                         const std::string& code) {
  for (const v1::TestEvaluation& t : lot.tests()) {
    if (t.code() == code) return t;
  }
  ADD_FAILURE() << "no test " << code;
  static const v1::TestEvaluation kNone;
  return kNone;
}

custody::v1::Item QcTest::Item(const std::string& item_id) {
  custody::v1::GetItemRequest request;
  request.set_item_id(item_id);
  auto item = custody_->GetItem(request);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item() : custody::v1::Item();
}

std::string QcTest::Dose(const v1::Lot& lot, const std::string& patient,
                         bool infuse) {
  custody::v1::RegisterItemRequest item;
  *item.mutable_context() = Ctx();
  item.set_type(custody::v1::ITEM_TYPE_DOSE_BAG);
  item.set_local_code("DOSE-" + crypto::RandomId("d").substr(2, 12));
  item.set_description("1e7 cells in 20 ml");
  item.set_patient_id(patient);
  custody::v1::ParentLink* parent = item.add_parents();
  parent->set_parent_item_id(lot.product_item_id());
  parent->set_kind(custody::v1::DERIVATION_KIND_FORMULATION);
  auto dose = custody_->RegisterItem(tina_, item);
  EXPECT_TRUE(dose.ok()) << dose.status();
  if (!dose.ok()) return "";
  if (infuse) {
    custody::v1::EndItemRequest end;
    *end.mutable_context() = Ctx();
    end.set_item_id(dose->item().item_id());
    end.set_outcome(custody::v1::ITEM_STATE_INFUSED);
    end.set_patient_id(patient);
    auto ended = custody_->EndItem(tina_, end);
    EXPECT_TRUE(ended.ok()) << ended.status();
  }
  return dose->item().item_id();
}

int64_t QcTest::QcRecords() {
  return Count(
      "SELECT count(*) FROM cellchain_audit.records WHERE service = 'qc'");
}

}  // namespace cellchain::qc
