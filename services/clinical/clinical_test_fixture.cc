#include "services/clinical/clinical_test_fixture.h"

#include <utility>

#include "absl/time/civil_time.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/common/testing/kept_values.h"
#include "services/common/testing/snapshot_as.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/product_lot_testing.h"
#include "services/dose/dose_bag_testing.h"
#include "services/dose/rules.h"
#include "services/ledger/ledger.h"

namespace cellchain::clinical {
absl::StatusOr<dose::v1::Dose> Doses::GetDose(const std::string& dose_id) {
  return testing::FindKept(doses, dose_id, "dose", kReasonDoseNotFound);
}

absl::StatusOr<dose::v1::Patient> Doses::GetPatient(
    const std::string& subject_id) {
  return testing::FindKept(patients, subject_id, "patient",
                           kReasonPatientNotFound);
}

void ClinicalTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  StartIdentity(SigningIdentityOptions());
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("clinical"));
  CC_ASSERT_OK_AND_ASSIGN(custody_pool_, ServicePool("custody"));
  CC_ASSERT_OK_AND_ASSIGN(dose_pool_, ServicePool("dose", 1));
  CC_ASSERT_OK_AND_ASSIGN(qc_pool_, ServicePool("qc", 1));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("clinical"));
  CC_ASSERT_OK_AND_ASSIGN(custody_ledger_, ServiceLedger("custody"));
  CC_ASSERT_OK_AND_ASSIGN(dose_ledger_, ServiceLedger("dose"));
  CC_ASSERT_OK_AND_ASSIGN(qc_ledger_, ServiceLedger("qc"));
  custody_ = std::make_unique<custody::Custody>(
      custody_pool_.get(), custody_ledger_.get(), identity_.get(),
      ledger::RealClock());
  items_ = std::make_unique<custody::DirectCustody>(custody_.get());
  CC_ASSERT_OK(Clinical::RegisterStateReaders(registry_));
  BootstrapAdmin();
  if (HasFatalFailure()) return;
  carl_ = MakeUser("carl", "Carl Cardiologist", {common::v1::ROLE_CLINICIAN},
                   kCarlPassword);
  cleo_ = MakeUser("cleo", "Cleo Clinician", {common::v1::ROLE_CLINICIAN},
                   kCleoPassword);
  phil_ = MakeUser("phil", "Phil Pharmacist", {common::v1::ROLE_PHARMACIST},
                   kPhilPassword);
  tina_ = MakeUser("tina", "Tina Technician", {common::v1::ROLE_TECHNICIAN},
                   "prepares every dose");
  qa_ = MakeUser("quinn", "Quinn Q. Assurance", {common::v1::ROLE_QA},
                 testing::kQaPassword);
  ClinicalOptions options;
  options.clock = &clock_;
  clinical_ =
      std::make_unique<Clinical>(pool_.get(), ledger_.get(), identity_.get(),
                                 &doses_, &lots_, items_.get(), options);
  for (auto [name, place] :
       {std::pair{"Pharmacy, cell therapy unit", &pharmacy_},
        std::pair{"Cath lab 2", &cath_lab_}}) {
    custody::v1::CreateLocationRequest location;
    *location.mutable_context() = Ctx();
    location.set_kind(custody::v1::LOCATION_KIND_SITE);
    location.set_name(name);
    CC_ASSERT_OK_AND_ASSIGN(auto created,
                            custody_->CreateLocation(qa_, location));
    *place = created.location().location_id();
  }
}

std::string ClinicalTest::DonorLot() {
  custody::v1::RegisterItemRequest donor_lot;
  *donor_lot.mutable_context() = Ctx();
  donor_lot.set_type(custody::v1::ITEM_TYPE_DONOR_LOT);
  donor_lot.set_local_code("LOT-" + crypto::RandomId("l").substr(2, 8));
  donor_lot.set_description("umbilical cord tissue");
  auto donor = custody_->RegisterItem(tina_, donor_lot);
  EXPECT_TRUE(donor.ok()) << donor.status();
  return donor.ok() ? donor->item().item_id() : "";
}

std::string ClinicalTest::ReagentLot(const std::string& name) {
  custody::v1::RegisterItemRequest reagent;
  *reagent.mutable_context() = Ctx();
  reagent.set_type(custody::v1::ITEM_TYPE_REAGENT_LOT);
  reagent.set_local_code("MAT-" + crypto::RandomId("m").substr(2, 8));
  reagent.set_description(name);
  auto item = custody_->RegisterItem(tina_, reagent);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item().item_id() : "";
}

TestLot ClinicalTest::ManufacturedLot(
    const std::string& donor_lot,
    const std::vector<std::string>& reagent_lots) {
  TestLot out;
  custody::v1::AllocateDinRequest allocate;
  *allocate.mutable_context() = Ctx();
  allocate.set_fin("A9999");
  auto din = custody_->AllocateDin(tina_, allocate);
  EXPECT_TRUE(din.ok()) << din.status();
  if (!din.ok()) return out;
  out.din = din->allocation().din();
  custody::v1::RegisterItemRequest vessel;
  *vessel.mutable_context() = Ctx();
  vessel.set_type(custody::v1::ITEM_TYPE_CULTURE_VESSEL);
  vessel.set_local_code("V-" + crypto::RandomId("v").substr(2, 8));
  vessel.set_description("T-175 flask, P0");
  custody::v1::ParentLink* processed = vessel.add_parents();
  processed->set_parent_item_id(donor_lot);
  processed->set_kind(custody::v1::DERIVATION_KIND_PROCESSING);
  for (const std::string& reagent : reagent_lots) {
    custody::v1::ParentLink* used = vessel.add_parents();
    used->set_parent_item_id(reagent);
    used->set_kind(custody::v1::DERIVATION_KIND_MATERIAL);
  }
  auto culture = custody_->RegisterItem(tina_, vessel);
  EXPECT_TRUE(culture.ok()) << culture.status();
  if (!culture.ok()) return out;
  custody::v1::RegisterItemRequest product_lot;
  *product_lot.mutable_context() = Ctx();
  product_lot.set_type(custody::v1::ITEM_TYPE_PRODUCT_LOT);
  product_lot.set_din(out.din);
  product_lot.set_description("UC-MSC product lot, P4");
  custody::v1::ParentLink* harvested = product_lot.add_parents();
  harvested->set_parent_item_id(culture->item().item_id());
  harvested->set_kind(custody::v1::DERIVATION_KIND_HARVEST);
  auto product = custody_->RegisterItem(tina_, product_lot);
  EXPECT_TRUE(product.ok()) << product.status();
  if (!product.ok()) return out;
  return ReleasedLot(product->item().item_id(), out.din);
}

TestLot ClinicalTest::ReleasedLot(const std::string& product_item_id,
                                  const std::string& din) {
  qc::v1::Lot lot;
  lot.set_lot_id(crypto::RandomId("qcl"));
  lot.set_product_item_id(product_item_id);
  lot.set_din(din);
  lot.set_state(qc::v1::LOT_STATE_RELEASED);
  lot.set_version(1);
  Record(lot);
  return {lot.lot_id(), product_item_id, din};
}

dose::v1::Dose ClinicalTest::IssuedDose(const std::string& subject_id) {
  // The product lot in custody, from a donor lot, and its QC lot.
  const custody::testing::RegisteredProductLot registered =
      custody::testing::RegisterProductLot(*custody_, tina_,
                                           [] { return Ctx(); });
  return IssuedDose(subject_id,
                    ReleasedLot(registered.product_item_id, registered.din));
}

dose::v1::Dose ClinicalTest::IssuedDose(const std::string& subject_id,
                                        const TestLot& lot) {
  dose::RuleOptions rules;
  // The patient, as dose registers them.
  dose::v1::Patient patient;
  patient.set_subject_id(subject_id);
  patient.set_date_of_birth("1958-03-21");
  patient.set_initials("JD");
  patient.set_chain_of_identity(
      *dose::ChainOfIdentityFor("A9999", 27, ++patients_));
  patient.set_registered_by_user_id("phil");
  doses_.patients[subject_id] = patient;
  CC_EXPECT_OK(testing::AppendSnapshotAs(*dose_pool_, *dose_ledger_, phil_,
                                         "patient.register", "dose_patient",
                                         subject_id, patient));
  // The dose and its bag, kept at the pharmacy.
  const std::string division =
      *dose::DivisionCode(doses_of_lot_[lot.qc_lot_id]++);
  dose::v1::Dose dose;
  dose.set_dose_id(crypto::RandomId("dos"));
  dose.set_order_id(crypto::RandomId("ord"));
  dose.set_subject_id(subject_id);
  dose.set_lot_id(lot.qc_lot_id);
  dose.set_product_item_id(lot.product_item_id);
  dose.set_din(lot.din);
  dose.set_donation_identification(*dose::DonationIdentificationOf(lot.din));
  dose.set_division(division);
  dose.set_product_code(*dose::DoseProductCode(division, rules));
  const absl::Time expires_at = dose::ExpiryOf(clock_.Now(), rules);
  *dose.mutable_expires_at() = At(expires_at);
  dose.set_expiration(*dose::ExpirationOf(expires_at, rules));
  dose.set_chain_of_identity(patient.chain_of_identity());
  dose.mutable_plan()->set_final_volume_ml(20.0);
  dose.set_item_id(custody::testing::RegisterDoseBag(
      *custody_, tina_, Ctx(), dose::BagOf(dose, pharmacy_)));
  // Released and issued to carl at the cath lab.
  custody::v1::InitiateHandoffRequest handoff;
  *handoff.mutable_context() = Ctx();
  handoff.set_item_id(dose.item_id());
  handoff.set_to_user_id("carl");
  handoff.set_to_location_id(cath_lab_);
  handoff.set_condition("2-8 °C, cool box");
  handoff.set_seal_intact(true);
  auto started = custody_->InitiateHandoff(phil_, handoff);
  EXPECT_TRUE(started.ok()) << started.status();
  dose.set_state(dose::v1::DOSE_STATE_ISSUED);
  dose.set_prepared_by_user_id("tina");
  dose.set_verified_by_user_id("tom");
  dose.set_released_by_user_id("phil");
  dose.set_issued_handoff_id(started.ok() ? started->handoff().handoff_id()
                                          : "");
  dose.set_version(1);
  Record(dose);
  return dose;
}

void ClinicalTest::Record(const dose::v1::Dose& dose) {
  doses_.doses[dose.dose_id()] = dose;
  CC_EXPECT_OK(testing::AppendSnapshotAs(*dose_pool_, *dose_ledger_, phil_,
                                         "dose.issue", "dose", dose.dose_id(),
                                         dose));
}

void ClinicalTest::Record(const qc::v1::Lot& lot) {
  lots_.lots[lot.lot_id()] = lot;
  CC_EXPECT_OK(testing::AppendSnapshotAs(
      *qc_pool_, *qc_ledger_, qa_, "lot.dispose", "qc_lot", lot.lot_id(), lot));
}

void ClinicalTest::RejectLot(const dose::v1::Dose& dose) {
  qc::v1::Lot lot = lots_.lots[dose.lot_id()];
  custody::v1::RecallRequest recall;
  *recall.mutable_context() = Ctx("QC lot rejected: sterility positive");
  recall.set_item_id(lot.product_item_id());
  auto recalled = custody_->Recall(qa_, recall);
  EXPECT_TRUE(recalled.ok()) << recalled.status();
  lot.set_state(qc::v1::LOT_STATE_REJECTED);
  lot.set_version(lot.version() + 1);
  Record(lot);
}

std::string ClinicalTest::Label(const dose::v1::Dose& dose) {
  return dose.donation_identification() + dose.product_code() +
         dose.expiration() + dose.chain_of_identity();
}

v1::Wristband ClinicalTest::Wristband(const dose::v1::Dose& dose) {
  const dose::v1::Patient& patient = doses_.patients[dose.subject_id()];
  v1::Wristband band;
  band.set_subject_id(patient.subject_id());
  band.set_date_of_birth(patient.date_of_birth());
  band.set_initials(patient.initials());
  return band;
}

absl::StatusOr<v1::ReceiveDoseResponse> ClinicalTest::Receive(
    const dose::v1::Dose& dose) {
  v1::ReceiveDoseRequest request;
  *request.mutable_context() = Ctx();
  request.set_dose_id(dose.dose_id());
  request.set_scan(Label(dose));
  request.set_condition("2-8 °C, cool box");
  request.set_seal_intact(true);
  return clinical_->ReceiveDose(carl_, request);
}

v1::VerifyAtBedsideRequest ClinicalTest::Bedside(const v1::Infusion& infusion,
                                                 const dose::v1::Dose& dose) {
  v1::VerifyAtBedsideRequest request;
  *request.mutable_context() = Ctx();
  request.set_infusion_id(infusion.infusion_id());
  request.set_label_scan(Label(dose));
  *request.mutable_wristband() = Wristband(dose);
  *request.mutable_signature() =
      Sig(kCarlPassword, common::v1::SIGNATURE_MEANING_VERIFIED);
  request.set_second_label_scan(Label(dose));
  *request.mutable_second_wristband() = Wristband(dose);
  request.mutable_second_clinician()->set_user_id("cleo");
  request.mutable_second_clinician()->set_password(kCleoPassword);
  request.mutable_second_clinician()->set_meaning(
      common::v1::SIGNATURE_MEANING_VERIFIED);
  return request;
}

absl::StatusOr<v1::VerifyAtBedsideResponse> ClinicalTest::VerifyAs(
    const v1::VerifyAtBedsideRequest& request) {
  return clinical_->VerifyAtBedside(carl_, request);
}

custody::v1::Item ClinicalTest::Item(const std::string& item_id) {
  custody::v1::GetItemRequest request;
  request.set_item_id(item_id);
  auto item = custody_->GetItem(request);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item() : custody::v1::Item();
}

}  // namespace cellchain::clinical
