// The dose service's patients, orders and preparation against a real
// PostgreSQL and the real custody and identity services (DoseTest): what a
// technician, pharmacist or clinician would see, and what the audit trail
// and custody hold afterwards.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/reasons.h"
#include "services/custody/rules.h"
#include "services/dose/dose_test_fixture.h"

namespace cellchain::dose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(DoseTest, PatientIdentifyingDataIsSealedAndItsViewingAudited) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Patient patient, Register("RH-017", "Jane Doe"));
  EXPECT_EQ(patient.subject_id(), "RH-017");
  EXPECT_EQ(patient.date_of_birth(), "1958-03-21");
  EXPECT_EQ(patient.initials(), "JD");
  EXPECT_TRUE(patient.name_recorded());
  EXPECT_TRUE(patient.medical_record_number_recorded());
  // 040: "&/CH", the FIN, the year, six characters.
  EXPECT_EQ(patient.chain_of_identity().substr(0, 9), "&/CHA9999");
  EXPECT_EQ(patient.chain_of_identity().size(), 17u);
  // Nothing readable at rest.
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_dose.patients WHERE "
                  "name_sealed LIKE '%Jane%' OR name_sealed NOT LIKE 'cf1.%'"),
            0);
  v1::GetPatientRequest get;
  get.set_subject_id("RH-017");
  CC_ASSERT_OK_AND_ASSIGN(auto plain, dose_->GetPatient(tina_, get));
  EXPECT_FALSE(plain.has_identifying());
  get.set_reveal_identifying(true);
  get.set_reason("bedside identification");
  auto refused = dose_->GetPatient(tina_, get);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  CC_ASSERT_OK_AND_ASSIGN(auto revealed, dose_->GetPatient(phil_, get));
  EXPECT_EQ(revealed.identifying().name(), "Jane Doe");
  EXPECT_EQ(revealed.identifying().medical_record_number(), "MRN-0042");
  EXPECT_THAT(History("dose_patient", "RH-017"),
              ElementsAre("patient.register by phil",
                          "patient.identifying_viewed by phil"));
  // A subject is registered once; another gets the next identifier.
  auto again = Register("RH-017");
  EXPECT_EQ(ReasonOf(again.status()), kReasonPatientExists) << again.status();
  CC_ASSERT_OK_AND_ASSIGN(v1::Patient other, Register("RH-018"));
  EXPECT_NE(other.chain_of_identity(), patient.chain_of_identity());
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(DoseTest, APatientIsReadUnrevealedForTheBedsideAndTheLabel) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Patient patient, Register("RH-017", "Jane Doe"));
  // What clinical and labels read in-process: the patient as GetPatient
  // shows it without reveal_identifying, and no viewing on record.
  CC_ASSERT_OK_AND_ASSIGN(v1::Patient read,
                          dose_->GetPatientUnrevealed("RH-017"));
  EXPECT_EQ(read.SerializeAsString(), patient.SerializeAsString());
  EXPECT_EQ(read.initials(), "JD");
  EXPECT_THAT(History("dose_patient", "RH-017"),
              ElementsAre("patient.register by phil"));
  auto unknown = dose_->GetPatientUnrevealed("RH-999");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(unknown.status()), kReasonPatientNotFound)
      << unknown.status();
  EXPECT_EQ(dose_->GetPatientUnrevealed("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DoseTest, ASealedValueMovedToAnotherPatientDoesNotOpen) {
  CC_ASSERT_OK(Register("RH-017", "Jane Doe").status());
  CC_ASSERT_OK(Register("RH-018", "Joan Roe").status());
  // RH-017's sealed name copied onto RH-018's row (past the trigger that
  // keeps patients unchanged, as someone with the database's keys could):
  // sealed for RH-017, it does not open as RH-018's, and the refusal names
  // the field and the key, never a name.
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok()) << conn.status();
  CC_ASSERT_OK(conn->Exec("SET session_replication_role = replica").status());
  CC_ASSERT_OK(conn->Exec("UPDATE cellchain_dose.patients SET name_sealed = "
                          "(SELECT name_sealed FROM cellchain_dose.patients "
                          "WHERE subject_id = $1) WHERE subject_id = $2",
                          {"RH-017", "RH-018"})
                   .status());
  v1::GetPatientRequest get;
  get.set_subject_id("RH-018");
  get.set_reveal_identifying(true);
  get.set_reason("bedside identification");
  auto refused = dose_->GetPatient(phil_, get);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonIdentifyingUnavailable)
      << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("the patient's name cannot be decrypted (key \""));
  EXPECT_THAT(std::string(refused.status().message()), Not(HasSubstr("Doe")));
  // RH-017's own still opens.
  get.set_subject_id("RH-017");
  CC_ASSERT_OK_AND_ASSIGN(auto revealed, dose_->GetPatient(phil_, get));
  EXPECT_EQ(revealed.identifying().name(), "Jane Doe");
}

TEST_F(DoseTest, AnOrderTakesTheDefaultsForItsPatient) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  EXPECT_DOUBLE_EQ(order.prescribed_viable_cells(), 1.0e7);
  EXPECT_DOUBLE_EQ(order.final_volume_ml(), 20.0);
  EXPECT_DOUBLE_EQ(order.heparin_iu_per_ml(), 5);
  EXPECT_EQ(order.prescriber(), "Dr. Paul Cardio");
  EXPECT_EQ(order.ordered_by_user_id(), "cleo");
  auto unknown = MakeOrder("RH-099");
  EXPECT_EQ(ReasonOf(unknown.status()), kReasonPatientNotFound);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(DoseTest, PreparationComputesTheVolumesAndIdentifiesTheDose) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Patient patient, Register("RH-017"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  qc::v1::Lot lot = MakeLot();
  const absl::Time prepared_at = clock_.Now();
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, lot));
  // 2.0e6/ml at 90 %: 5.6 ml of suspension and 14.4 ml of diluent.
  EXPECT_DOUBLE_EQ(dose.plan().suspension_volume_ml(), 5.6);
  EXPECT_DOUBLE_EQ(dose.plan().diluent_volume_ml(), 14.4);
  EXPECT_DOUBLE_EQ(dose.plan().planned_viable_cells(), 1.008e7);
  EXPECT_EQ(dose.state(), v1::DOSE_STATE_PREPARED);
  EXPECT_EQ(dose.din(), lot.din());
  EXPECT_EQ(dose.division(), "A0");
  EXPECT_EQ(dose.product_code(), "=<S12950A0");
  EXPECT_EQ(dose.chain_of_identity(), patient.chain_of_identity());
  RuleOptions rules;
  EXPECT_EQ(dose.expiration(),
            *ExpirationOf(ExpiryOf(prepared_at, rules), rules));
  // The bag in custody: a dose bag for the patient, derived from the
  // product lot and the heparin and saline lots, with the same identifiers.
  custody::v1::Item bag = Item(dose.item_id());
  EXPECT_EQ(bag.type(), custody::v1::ITEM_TYPE_DOSE_BAG);
  EXPECT_EQ(bag.patient_id(), "RH-017");
  EXPECT_EQ(bag.location_id(), pharmacy_);
  ASSERT_EQ(bag.parents_size(), 3);
  int formulation = 0, material = 0;
  for (const auto& p : bag.parents()) {
    if (p.parent_item_id() == lot.product_item_id() &&
        p.kind() == custody::v1::DERIVATION_KIND_FORMULATION) {
      ++formulation;
    }
    if ((p.parent_item_id() == heparin_.item_id() ||
         p.parent_item_id() == saline_.item_id()) &&
        p.kind() == custody::v1::DERIVATION_KIND_MATERIAL) {
      ++material;
    }
  }
  EXPECT_EQ(formulation, 1);
  EXPECT_EQ(material, 2);
  EXPECT_EQ(custody::IdentifierOf(bag, "product_code"), dose.product_code());
  EXPECT_EQ(custody::IdentifierOf(bag, "expiration"), dose.expiration());
  EXPECT_EQ(custody::IdentifierOf(bag, "chain_of_identity"),
            dose.chain_of_identity());
  EXPECT_THAT(History("dose", dose.dose_id()),
              ElementsAre("dose.prepare by tina PERFORMED"));
  // The next dose of the lot (another patient) is the next division.
  CC_ASSERT_OK(Register("RH-018").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order second, MakeOrder("RH-018"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose next, Prepare(second, lot));
  EXPECT_EQ(next.division(), "B0");
  EXPECT_EQ(next.product_code(), "=<S12950B0");
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(DoseTest, ARetriedPreparationPreparesOnce) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  qc::v1::Lot lot = MakeLot();
  v1::PrepareDoseRequest request = Preparation(order, lot);
  CC_ASSERT_OK_AND_ASSIGN(auto first, dose_->PrepareDose(tina_, request));
  const int64_t records = DoseRecords();
  clock_.Advance(absl::Minutes(3));
  CC_ASSERT_OK_AND_ASSIGN(auto again, dose_->PrepareDose(tina_, request));
  EXPECT_EQ(again.dose().dose_id(), first.dose().dose_id());
  EXPECT_EQ(again.dose().item_id(), first.dose().item_id());
  EXPECT_EQ(DoseRecords(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_dose.doses"), 1);
}

TEST_F(DoseTest, ADoseIsFoundByItsBag) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK(Register("RH-018").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Order other, MakeOrder("RH-018"));
  qc::v1::Lot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, lot));
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose next, Prepare(other, lot));
  // Each bag leads to its own dose, as stored (what labels prints from).
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose found, dose_->GetDoseOfItem(dose.item_id()));
  EXPECT_EQ(found.dose_id(), dose.dose_id());
  EXPECT_EQ(found.subject_id(), "RH-017");
  EXPECT_EQ(found.product_code(), "=<S12950A0");
  CC_ASSERT_OK_AND_ASSIGN(v1::GetDoseResponse got, [&] {
    v1::GetDoseRequest request;
    request.set_dose_id(dose.dose_id());
    return dose_->GetDose(request);
  }());
  EXPECT_EQ(found.SerializeAsString(), got.dose().SerializeAsString());
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose found_next,
                          dose_->GetDoseOfItem(next.item_id()));
  EXPECT_EQ(found_next.dose_id(), next.dose_id());
  EXPECT_EQ(found_next.subject_id(), "RH-018");
  // The product lot's item is custody's, but no dose's bag.
  auto not_a_bag = dose_->GetDoseOfItem(lot.product_item_id());
  EXPECT_EQ(not_a_bag.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(not_a_bag.status()), kReasonDoseNotFound)
      << not_a_bag.status();
  EXPECT_EQ(dose_->GetDoseOfItem("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DoseTest, PreparationOnlyFromAReleasedLot) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  for (auto state : {qc::v1::LOT_STATE_TESTING, qc::v1::LOT_STATE_ON_HOLD}) {
    qc::v1::Lot lot = MakeLot(state);
    v1::PrepareDoseRequest request = Preparation(order, lot);
    auto refused = dose_->PrepareDose(tina_, request);
    EXPECT_EQ(ReasonOf(refused.status()), kReasonLotNotReleased)
        << refused.status();
  }
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_dose.doses"), 0);
  // The bags made before the refusals are discarded, not left live.
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items WHERE type "
                  "= $1 AND state <> 'discarded'",
                  {static_cast<int>(custody::v1::ITEM_TYPE_DOSE_BAG)}),
            0);
  // Conditionally released: prepared.
  qc::v1::Lot conditional =
      MakeLot(qc::v1::LOT_STATE_CONDITIONALLY_RELEASED, {"STERILITY"});
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, conditional));
  EXPECT_EQ(dose.state(), v1::DOSE_STATE_PREPARED);
  // And one live dose per order.
  auto second = Prepare(order, MakeLot());
  EXPECT_EQ(ReasonOf(second.status()), kReasonOrderHasDose) << second.status();
}

TEST_F(DoseTest, PreparationRefusedFromAHeldProductLot) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  qc::v1::Lot lot = MakeLot();
  custody::v1::PlaceHoldRequest hold;
  *hold.mutable_context() = Ctx("temperature alarm of the storage freezer");
  hold.set_item_id(lot.product_item_id());
  CC_ASSERT_OK(custody_->PlaceHold(qa_, hold).status());
  auto refused = Prepare(order, lot);
  EXPECT_EQ(ReasonOf(refused.status()), custody::kReasonParentOnHold)
      << refused.status();
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_dose.doses"), 0);
}

TEST_F(DoseTest, PreparationRefusedFromAHeldHeparinLot) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  custody::v1::PlaceHoldRequest hold;
  *hold.mutable_context() = Ctx("heparin lot: supplier's quality notice");
  hold.set_item_id(heparin_.item_id());
  CC_ASSERT_OK(custody_->PlaceHold(qa_, hold).status());
  auto refused = Prepare(order, MakeLot());
  EXPECT_EQ(ReasonOf(refused.status()), custody::kReasonParentOnHold)
      << refused.status();
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_dose.doses"), 0);
}

TEST_F(DoseTest, HeparinAndSalineMustBeReleasedUnexpiredAndOfTheirKind) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  qc::v1::Lot lot = MakeLot();
  auto refused_with = [&](const manufacturing::v1::MaterialLot& heparin,
                          const manufacturing::v1::MaterialLot& saline) {
    v1::PrepareDoseRequest request = Preparation(order, lot);
    request.set_heparin_material_id(heparin.material_id());
    request.set_saline_material_id(saline.material_id());
    return ReasonOf(dose_->PrepareDose(tina_, request).status());
  };
  EXPECT_EQ(
      refused_with(MakeMaterial(manufacturing::v1::MATERIAL_KIND_HEPARIN,
                                manufacturing::v1::MATERIAL_STATUS_QUARANTINE),
                   saline_),
      kReasonMaterialNotReleased);
  EXPECT_EQ(
      refused_with(heparin_,
                   MakeMaterial(manufacturing::v1::MATERIAL_KIND_SALINE,
                                manufacturing::v1::MATERIAL_STATUS_RELEASED,
                                "2020-01-31")),
      kReasonMaterialExpired);
  // Saline given as the heparin.
  EXPECT_EQ(refused_with(MakeMaterial(manufacturing::v1::MATERIAL_KIND_SALINE),
                         saline_),
            kReasonMaterialKind);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_dose.doses"), 0);
}

TEST_F(DoseTest, CountThenASecondTechnicianVerifies) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, MakeLot()));
  // Not before the count.
  EXPECT_EQ(ReasonOf(Verify(dose).status()), kReasonDoseState);
  // 5.0e5/ml at 95 % × 20 ml = 9.5e6 viable cells, -5 %: acceptable.
  CC_ASSERT_OK_AND_ASSIGN(auto counted, CountDose(dose));
  EXPECT_TRUE(counted.failures().empty());
  EXPECT_EQ(counted.dose().state(), v1::DOSE_STATE_COUNTED);
  EXPECT_DOUBLE_EQ(counted.dose().delivered_viable_cells(), 9.5e6);
  // Four eyes: not the technician who prepared and counted it.
  auto own = Verify(dose, &tina_, kTinaPassword);
  EXPECT_EQ(ReasonOf(own.status()), auth::kReasonSamePerson) << own.status();
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose verified, Verify(dose));
  EXPECT_EQ(verified.state(), v1::DOSE_STATE_VERIFIED);
  EXPECT_EQ(verified.verified_by_user_id(), "tom");
  EXPECT_THAT(History("dose", dose.dose_id()),
              ElementsAre("dose.prepare by tina PERFORMED",
                          "dose.count by tina PERFORMED",
                          "dose.verify by tom VERIFIED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(DoseTest, ACountOutsideTheWindowIsNotAcceptableAndNotVerified) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, MakeLot()));
  // 5.5e5/ml at 65 %: 7.15e6 viable cells (-28.5 %) and viability < 70 %.
  CC_ASSERT_OK_AND_ASSIGN(auto counted, CountDose(dose, 5.5e5, 65));
  EXPECT_EQ(counted.dose().state(), v1::DOSE_STATE_NOT_ACCEPTABLE);
  EXPECT_EQ(counted.failures_size(), 2);
  EXPECT_EQ(ReasonOf(Verify(dose).status()), kReasonDoseState);
  // Counted once only.
  EXPECT_EQ(ReasonOf(CountDose(dose).status()), kReasonDoseState);
  // A not acceptable dose is not live: the order may be prepared again.
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose again, Prepare(order, MakeLot()));
  EXPECT_EQ(again.state(), v1::DOSE_STATE_PREPARED);
  ExpectEverySnapshotMatchesItsRow();
}

}  // namespace
}  // namespace cellchain::dose
