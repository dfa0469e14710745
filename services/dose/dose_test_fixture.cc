#include "services/dose/dose_test_fixture.h"

#include <utility>

#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/product_lot_testing.h"
#include "services/ledger/ledger.h"

namespace cellchain::dose {

absl::StatusOr<manufacturing::v1::MaterialLot> Materials::GetMaterial(
    const std::string& id_or_code) {
  for (const auto& [id, lot] : materials) {
    if (id == id_or_code || lot.material_code() == id_or_code) return lot;
  }
  return WithReason(absl::NotFoundError("no material " + id_or_code),
                    "MATERIAL_NOT_FOUND");
}

void DoseTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  StartIdentity(SigningIdentityOptions());
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("dose"));
  CC_ASSERT_OK_AND_ASSIGN(custody_pool_, ServicePool("custody"));
  CC_ASSERT_OK_AND_ASSIGN(qc_pool_, ServicePool("qc", 1));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("dose"));
  CC_ASSERT_OK_AND_ASSIGN(custody_ledger_, ServiceLedger("custody"));
  CC_ASSERT_OK_AND_ASSIGN(qc_ledger_, ServiceLedger("qc"));
  custody_ = std::make_unique<custody::Custody>(
      custody_pool_.get(), custody_ledger_.get(), identity_.get(),
      ledger::RealClock());
  items_ = std::make_unique<custody::DirectCustody>(custody_.get());
  CC_ASSERT_OK_AND_ASSIGN(
      cipher_,
      crypto::FieldCipher::Create({{"k1", std::string(32, '\x5a')}}, "k1"));
  CC_ASSERT_OK(Dose::RegisterStateReaders(registry_));
  BootstrapAdmin();
  if (HasFatalFailure()) return;
  tina_ = MakeUser("tina", "Tina Technician", {common::v1::ROLE_TECHNICIAN},
                   kTinaPassword);
  tom_ = MakeUser("tom", "Tom T. Verifier", {common::v1::ROLE_TECHNICIAN},
                  kTomPassword);
  phil_ = MakeUser("phil", "Phil Pharmacist", {common::v1::ROLE_PHARMACIST},
                   kPhilPassword);
  paula_ = MakeUser("paula", "Paula P. Witness", {common::v1::ROLE_PHARMACIST},
                    kPaulaPassword);
  rita_ = MakeUser("rita", "Rita Two-Hats",
                   {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_PHARMACIST},
                   kRitaPassword);
  cleo_ = MakeUser("cleo", "Cleo Clinician", {common::v1::ROLE_CLINICIAN},
                   "cares for patients");
  qa_ = MakeUser("quinn", "Quinn Q. Assurance", {common::v1::ROLE_QA},
                 testing::kQaPassword);
  DoseOptions options;
  options.clock = &clock_;
  dose_ = std::make_unique<Dose>(pool_.get(), ledger_.get(), &*cipher_,
                                 identity_.get(), &lots_, &materials_,
                                 items_.get(), options);
  custody::v1::CreateLocationRequest location;
  *location.mutable_context() = Ctx();
  location.set_kind(custody::v1::LOCATION_KIND_SITE);
  location.set_name("Pharmacy, cell therapy unit");
  CC_ASSERT_OK_AND_ASSIGN(auto created,
                          custody_->CreateLocation(qa_, location));
  pharmacy_ = created.location().location_id();
  heparin_ = MakeMaterial(manufacturing::v1::MATERIAL_KIND_HEPARIN);
  saline_ = MakeMaterial(manufacturing::v1::MATERIAL_KIND_SALINE);
}

qc::v1::Lot DoseTest::MakeLot(qc::v1::LotState state,
                              const std::vector<std::string>& pending) {
  const custody::testing::RegisteredProductLot registered =
      custody::testing::RegisterProductLot(*custody_, tina_,
                                           [] { return Ctx(); });
  qc::v1::Lot lot;
  lot.set_lot_id(crypto::RandomId("qcl"));
  lot.set_batch_id(crypto::RandomId("bat"));
  lot.set_product_item_id(registered.product_item_id);
  lot.set_din(registered.din);
  lot.set_state(qc::v1::LOT_STATE_TESTING);
  lot.set_version(1);
  lots_.lots[lot.lot_id()] = lot;
  for (const std::string& code : pending) lot.add_pending_test_codes(code);
  Dispose(lot, state);
  return lot;
}

void DoseTest::Dispose(qc::v1::Lot& lot, qc::v1::LotState state) {
  if (state == qc::v1::LOT_STATE_REJECTED) {
    custody::v1::RecallRequest recall;
    *recall.mutable_context() = Ctx("QC lot rejected: sterility positive");
    recall.set_item_id(lot.product_item_id());
    auto recalled = custody_->Recall(qa_, recall);
    EXPECT_TRUE(recalled.ok()) << recalled.status();
  }
  lot.set_state(state);
  lot.set_version(lot.version() + 1);
  lots_.lots[lot.lot_id()] = lot;
  CC_EXPECT_OK(qc_pool_->InTransaction([&](pg::Transaction& tx) {
    ledger::Event event;
    event.actor = auth::ActorOf(qa_);
    event.action = "lot.dispose";
    event.entity_type = "qc_lot";
    event.entity_id = lot.lot_id();
    event.after_state = &lot;
    event.request_id = crypto::RandomId("req");
    return qc_ledger_->Append(tx, event).status();
  }));
}

manufacturing::v1::MaterialLot DoseTest::MakeMaterial(
    manufacturing::v1::MaterialKind kind,
    manufacturing::v1::MaterialStatus status, const std::string& expires_on) {
  manufacturing::v1::MaterialLot lot;
  lot.set_material_id(crypto::RandomId("mat"));
  lot.set_material_code("MAT-" + crypto::RandomId("m").substr(2, 8));
  lot.set_kind(kind);
  lot.set_name(kind == manufacturing::v1::MATERIAL_KIND_HEPARIN
                   ? "heparin sodium 5000 IU/ml"
                   : "0.9 % sodium chloride");
  lot.set_status(status);
  lot.set_expires_on(expires_on);
  custody::v1::RegisterItemRequest item;
  *item.mutable_context() = Ctx();
  item.set_type(custody::v1::ITEM_TYPE_REAGENT_LOT);
  item.set_local_code(lot.material_code());
  item.set_description(lot.name());
  auto registered = custody_->RegisterItem(tina_, item);
  EXPECT_TRUE(registered.ok()) << registered.status();
  if (registered.ok()) lot.set_item_id(registered->item().item_id());
  materials_.materials[lot.material_id()] = lot;
  return lot;
}

absl::StatusOr<v1::Patient> DoseTest::Register(const std::string& subject_id,
                                               const std::string& name) {
  v1::RegisterPatientRequest request;
  *request.mutable_context() = Ctx();
  request.set_subject_id(subject_id);
  request.set_date_of_birth("1958-03-21");
  request.set_initials("JD");
  request.mutable_identifying()->set_name(name);
  request.mutable_identifying()->set_medical_record_number(
      name.empty() ? "" : "MRN-0042");
  CC_ASSIGN_OR_RETURN(auto r, dose_->RegisterPatient(phil_, request));
  return r.patient();
}

absl::StatusOr<v1::Order> DoseTest::MakeOrder(const std::string& subject_id) {
  v1::CreateOrderRequest request;
  *request.mutable_context() = Ctx();
  request.set_subject_id(subject_id);
  request.set_heparin_iu_per_ml(5);
  *request.mutable_planned_infusion_at() = At(clock_.Now() + absl::Hours(4));
  request.set_prescriber("Dr. Paul Cardio");
  CC_ASSIGN_OR_RETURN(auto r, dose_->CreateOrder(cleo_, request));
  return r.order();
}

v1::PrepareDoseRequest DoseTest::Preparation(const v1::Order& order,
                                             const qc::v1::Lot& lot) {
  v1::PrepareDoseRequest request;
  *request.mutable_context() = Ctx();
  request.set_order_id(order.order_id());
  request.set_lot_id(lot.lot_id());
  request.mutable_source()->set_total_cells_per_ml(2.0e6);
  request.mutable_source()->set_viability_percent(90);
  request.set_heparin_material_id(heparin_.material_id());
  request.set_saline_material_id(saline_.material_code());
  request.set_location_id(pharmacy_);
  *request.mutable_signature() =
      Sig(kTinaPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  return request;
}

absl::StatusOr<v1::Dose> DoseTest::Prepare(const v1::Order& order,
                                           const qc::v1::Lot& lot) {
  CC_ASSIGN_OR_RETURN(auto r,
                      dose_->PrepareDose(tina_, Preparation(order, lot)));
  return r.dose();
}

absl::StatusOr<v1::RecordPostPreparationCountResponse> DoseTest::CountDose(
    const v1::Dose& dose, double total_per_ml, double viability) {
  v1::RecordPostPreparationCountRequest request;
  *request.mutable_context() = Ctx();
  request.set_dose_id(dose.dose_id());
  request.set_total_cells_per_ml(total_per_ml);
  request.set_viability_percent(viability);
  *request.mutable_signature() =
      Sig(kTinaPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  return dose_->RecordPostPreparationCount(tina_, request);
}

absl::StatusOr<v1::Dose> DoseTest::Verify(const v1::Dose& dose,
                                          const auth::Principal* who,
                                          const char* password) {
  if (who == nullptr) who = &tom_;
  v1::VerifyDoseRequest request;
  *request.mutable_context() = Ctx();
  request.set_dose_id(dose.dose_id());
  *request.mutable_signature() =
      Sig(password, common::v1::SIGNATURE_MEANING_VERIFIED);
  CC_ASSIGN_OR_RETURN(auto r, dose_->VerifyDose(*who, request));
  return r.dose();
}

v1::Dose DoseTest::VerifiedDose(const std::string& subject_id) {
  auto patient = Register(subject_id);
  EXPECT_TRUE(patient.ok()) << patient.status();
  auto order = MakeOrder(subject_id);
  EXPECT_TRUE(order.ok()) << order.status();
  if (!order.ok()) return v1::Dose();
  auto prepared = Prepare(*order, MakeLot());
  EXPECT_TRUE(prepared.ok()) << prepared.status();
  if (!prepared.ok()) return v1::Dose();
  auto counted = CountDose(*prepared);
  EXPECT_TRUE(counted.ok()) << counted.status();
  auto verified = Verify(*prepared);
  EXPECT_TRUE(verified.ok()) << verified.status();
  return verified.ok() ? *verified : v1::Dose();
}

std::string DoseTest::Label(const v1::Dose& dose) {
  return dose.donation_identification() + dose.product_code() +
         dose.expiration() + dose.chain_of_identity();
}

v1::ReleaseDoseRequest DoseTest::Release(const v1::Dose& dose) {
  v1::ReleaseDoseRequest request;
  *request.mutable_context() = Ctx();
  request.set_dose_id(dose.dose_id());
  request.set_order_id(dose.order_id());
  request.set_label_scan(Label(dose));
  request.set_subject_id(dose.subject_id());
  request.set_date_of_birth("1958-03-21");
  request.set_initials("JD");
  *request.mutable_signature() =
      Sig(kPhilPassword, common::v1::SIGNATURE_MEANING_RELEASED);
  return request;
}

absl::StatusOr<v1::ReleaseDoseResponse> DoseTest::ReleaseAs(
    const v1::ReleaseDoseRequest& request, const auth::Principal* who,
    const char* password) {
  if (who == nullptr) who = &phil_;
  v1::ReleaseDoseRequest signed_request = request;
  signed_request.mutable_signature()->set_password(password);
  return dose_->ReleaseDose(*who, signed_request);
}

absl::Status DoseTest::AcceptAtCathLab(const v1::Dose& dose,
                                       const std::string& issued_handoff_id) {
  custody::v1::AcceptHandoffRequest accept;
  *accept.mutable_context() = Ctx();
  accept.set_handoff_id(issued_handoff_id);
  accept.set_scan(Label(dose));
  accept.set_seal_intact(true);
  return custody_->AcceptHandoff(cleo_, accept).status();
}

absl::StatusOr<std::string> DoseTest::HandBackToPharmacy(const v1::Dose& dose) {
  custody::v1::InitiateHandoffRequest back;
  *back.mutable_context() = Ctx();
  back.set_item_id(dose.item_id());
  back.set_to_user_id("phil");
  CC_ASSIGN_OR_RETURN(custody::v1::InitiateHandoffResponse returning,
                      custody_->InitiateHandoff(cleo_, back));
  return returning.handoff().handoff_id();
}

v1::ReturnDoseRequest DoseTest::Return(const v1::Dose& dose,
                                       const std::string& handoff_id,
                                       const std::string& reason) {
  v1::ReturnDoseRequest ret;
  *ret.mutable_context() = Ctx(reason);
  ret.set_dose_id(dose.dose_id());
  ret.set_handoff_id(handoff_id);
  ret.set_scan(Label(dose));
  ret.set_seal_intact(true);
  return ret;
}

v1::DestroyDoseRequest DoseTest::Destruction(const v1::Dose& dose,
                                             const std::string& reason) {
  v1::DestroyDoseRequest destroy;
  *destroy.mutable_context() = Ctx(reason);
  destroy.set_dose_id(dose.dose_id());
  *destroy.mutable_signature() =
      Sig(kPhilPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  destroy.mutable_witness()->set_user_id("paula");
  destroy.mutable_witness()->set_password(kPaulaPassword);
  destroy.mutable_witness()->set_meaning(
      common::v1::SIGNATURE_MEANING_WITNESSED);
  return destroy;
}

custody::v1::Item DoseTest::Item(const std::string& item_id) {
  custody::v1::GetItemRequest request;
  request.set_item_id(item_id);
  auto item = custody_->GetItem(request);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item() : custody::v1::Item();
}

int64_t DoseTest::DoseRecords() {
  return Count(
      "SELECT count(*) FROM cellchain_audit.records WHERE service = 'dose'");
}

}  // namespace cellchain::dose
