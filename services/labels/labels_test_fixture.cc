#include "services/labels/labels_test_fixture.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/common/testing/kept_values.h"
#include "services/common/testing/snapshot_as.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/product_lot_testing.h"
#include "services/dose/dose_bag_testing.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/ledger/ledger.h"

namespace cellchain::labels {

absl::StatusOr<dose::v1::Dose> Doses::GetDoseOfItem(
    const std::string& item_id) {
  return testing::FindKept(doses, item_id, "dose of item", kReasonDoseNotFound);
}

absl::StatusOr<dose::v1::Patient> Doses::GetPatient(
    const std::string& subject_id) {
  return testing::FindKept(patients, subject_id, "patient",
                           kReasonPatientNotFound);
}

absl::StatusOr<std::optional<absl::Time>> Process::CollectedAt(
    const custody::v1::Item& item) {
  auto it = collected.find(item.item_id());
  if (it == collected.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::optional<CellCount>> Process::VialCells(
    const custody::v1::Item& item) {
  auto it = vials.find(item.item_id());
  if (it == vials.end()) return std::nullopt;
  return it->second;
}

void LabelsTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  StartIdentity(SigningIdentityOptions());
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("labels"));
  CC_ASSERT_OK_AND_ASSIGN(custody_pool_, ServicePool("custody"));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("labels"));
  CC_ASSERT_OK_AND_ASSIGN(custody_ledger_, ServiceLedger("custody"));
  CC_ASSERT_OK_AND_ASSIGN(dose_pool_, ServicePool("dose", 1));
  CC_ASSERT_OK_AND_ASSIGN(dose_ledger_, ServiceLedger("dose"));
  custody_ = std::make_unique<custody::Custody>(
      custody_pool_.get(), custody_ledger_.get(), identity_.get(),
      ledger::RealClock());
  items_ = std::make_unique<custody::DirectCustody>(custody_.get());
  CC_ASSERT_OK(Labels::RegisterStateReaders(registry_));
  BootstrapAdmin();
  if (HasFatalFailure()) return;
  tina_ = MakeUser("tina", "Tina Technician", {common::v1::ROLE_TECHNICIAN},
                   kTinaPassword);
  tom_ = MakeUser("tom", "Tom Technician", {common::v1::ROLE_TECHNICIAN},
                  "second pair of eyes");
  qa_ = MakeUser("quinn", "Quinn Q. Assurance", {common::v1::ROLE_QA},
                 testing::kQaPassword);
  labels_ =
      std::make_unique<Labels>(pool_.get(), ledger_.get(), identity_.get(),
                               items_.get(), &doses_, &process_);
}

dose::v1::Dose LabelsTest::DoseBag(const std::string& subject_id) {
  const custody::testing::RegisteredProductLot lot =
      custody::testing::RegisterProductLot(*custody_, tina_,
                                           [] { return Ctx(); });
  absl::StatusOr<isbt128::Din> din = isbt128::Din::Parse(lot.din);
  EXPECT_TRUE(din.ok()) << din.status();
  if (!din.ok()) return {};
  donor_lot_ = lot.donor_lot_item_id;
  dose::v1::Patient patient;
  patient.set_subject_id(subject_id);
  patient.set_date_of_birth("1958-03-21");
  patient.set_initials("JD");
  patient.set_chain_of_identity(
      isbt128::EncodeChainOfIdentity(*isbt128::ChainOfIdentityId::Create(
          "A9999", 26, absl::StrFormat("RH%04d", ++patients_))));
  Record(patient);

  dose::v1::Dose dose;
  dose.set_dose_id(crypto::RandomId("dos"));
  dose.set_subject_id(subject_id);
  dose.set_lot_id(crypto::RandomId("qcl"));
  dose.set_product_item_id(lot.product_item_id);
  dose.set_din(lot.din);
  dose.set_donation_identification(
      *isbt128::EncodeDonationIdentification(*din, isbt128::Type3Flags(*din)));
  dose.set_division("A0");
  dose.set_product_code("=<S12950A0");
  dose.set_expiration(*isbt128::EncodeExpiration(absl::ToCivilMinute(
      clock_.Now() + absl::Hours(24), absl::UTCTimeZone())));
  dose.set_chain_of_identity(patient.chain_of_identity());
  dose.mutable_plan()->set_final_volume_ml(20.0);
  dose.mutable_plan()->set_planned_viable_cells(1.0e7);
  dose.set_delivered_viable_cells(1.02e7);
  dose.set_state(dose::v1::DOSE_STATE_RELEASED);

  dose.set_item_id(custody::testing::RegisterDoseBag(*custody_, tina_, Ctx(),
                                                     dose::BagOf(dose)));
  Record(dose);
  return dose;
}

void LabelsTest::Record(const dose::v1::Dose& dose) {
  doses_.doses[dose.item_id()] = dose;
  CC_EXPECT_OK(testing::AppendSnapshotAs(*dose_pool_, *dose_ledger_, tina_,
                                         "dose.release", "dose", dose.dose_id(),
                                         dose));
}

void LabelsTest::Record(const dose::v1::Patient& patient) {
  doses_.patients[patient.subject_id()] = patient;
  CC_EXPECT_OK(testing::AppendSnapshotAs(*dose_pool_, *dose_ledger_, tina_,
                                         "patient.register", "dose_patient",
                                         patient.subject_id(), patient));
}

std::string LabelsTest::NewDin() {
  custody::v1::AllocateDinRequest request;
  *request.mutable_context() = Ctx();
  request.set_fin("A9999");
  auto din = custody_->AllocateDin(tina_, request);
  EXPECT_TRUE(din.ok()) << din.status();
  return din.ok() ? din->allocation().din() : "";
}

std::string LabelsTest::RegisterItem(custody::v1::ItemType type,
                                     const std::string& din,
                                     const std::string& product_code,
                                     const std::string& parent_item_id,
                                     custody::v1::DerivationKind kind) {
  custody::v1::RegisterItemRequest request;
  *request.mutable_context() = Ctx();
  request.set_type(type);
  request.set_din(din);
  request.set_product_code(product_code);
  request.set_description(custody::v1::ItemType_Name(type));
  custody::v1::ParentLink* parent = request.add_parents();
  parent->set_parent_item_id(parent_item_id);
  parent->set_kind(kind);
  auto item = custody_->RegisterItem(tina_, request);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item().item_id() : "";
}

absl::StatusOr<v1::PrintLabelResponse> LabelsTest::Print(
    const std::string& item_id) {
  v1::PrintLabelRequest request;
  *request.mutable_context() = Ctx();
  request.set_item_id(item_id);
  request.set_printer("zebra-cleanroom-2");
  return labels_->PrintLabel(tina_, request);
}

v1::ReprintLabelRequest LabelsTest::Reprint(const std::string& item_id,
                                            const std::string& job_id,
                                            const std::string& reason) {
  v1::ReprintLabelRequest request;
  *request.mutable_context() = Ctx(reason);
  request.set_item_id(item_id);
  request.set_reprint_of_job_id(job_id);
  request.set_printer("zebra-cleanroom-2");
  *request.mutable_signature() =
      Sig(kTinaPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  return request;
}

absl::StatusOr<v1::VerifyLabelScanResponse> LabelsTest::Scan(
    const std::string& item_id, const std::string& scan) {
  v1::VerifyLabelScanRequest request;
  *request.mutable_context() = Ctx();
  request.set_item_id(item_id);
  request.set_scan(scan);
  return labels_->VerifyLabelScan(tina_, request);
}

std::string LabelsTest::LinearScan(const v1::Label& label) {
  const v1::Isbt128Data& isbt = label.isbt128();
  return isbt.donation_identification().data() + isbt.product_code().data() +
         isbt.expiration().data() + isbt.collection().data() +
         isbt.chain_of_identity().data();
}

absl::StatusOr<v1::ReconcileLabelsResponse> LabelsTest::ReconcileItem(
    const std::string& item_id) {
  v1::ReconcileLabelsRequest request;
  request.set_item_id(item_id);
  return labels_->ReconcileLabels(request);
}

absl::StatusOr<v1::ReconcileLabelsResponse> LabelsTest::ReconcileDin(
    const std::string& din) {
  v1::ReconcileLabelsRequest request;
  request.set_din(din);
  return labels_->ReconcileLabels(request);
}

}  // namespace cellchain::labels
