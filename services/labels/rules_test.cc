// The labels service's pure rules: the label each item type carries, from
// hand-written item data whose expected ISBT 128 structures, texts and
// check characters are spelled out here (the DIN A9999 26 000017 has MOD
// 37-2 checksum 29, so K is T and its Type 3 flags are 89), and the
// verdict on scans of it. Every decided label is also held to the label
// client's own check (clients/label/label_check.h).
#include "services/labels/rules.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "clients/label/label_check.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/labels/reasons.h"

namespace cellchain::labels {
namespace {

constexpr char kDin[] = "A999926000017";
constexpr char kDinData[] = "=A99992600001789";
constexpr char kDoseProduct[] = "=<S12950A0";
constexpr char kVialProduct[] = "=<S1295000";
constexpr char kExpiration[] = "&>0263651405";  // 31 DEC 2026 14:05
constexpr char kCollection[] = "&*0261191030";  // 29 APR 2026 10:30
constexpr char kCoi[] = "&/CHA999926RH0017";

void Add(custody::v1::Item& item, const char* kind, const std::string& v) {
  audit::v1::Isbt128Identifier* id = item.add_isbt128();
  id->set_kind(kind);
  id->set_value(v);
}

custody::v1::Item ItemOf(custody::v1::ItemType type, const std::string& id) {
  custody::v1::Item item;
  item.set_item_id(id);
  item.set_type(type);
  Add(item, "din", kDin);
  return item;
}

// A dose bag for RH-017 (born 1961-04-02) with its dose and patient, as
// custody, dose and the patient register hold them.
LabelFacts DoseFacts() {
  LabelFacts facts;
  facts.item = ItemOf(custody::v1::ITEM_TYPE_DOSE_BAG, "itm_dose_1");
  Add(facts.item, "product_code", kDoseProduct);
  Add(facts.item, "expiration", kExpiration);
  Add(facts.item, "chain_of_identity", kCoi);
  facts.item.set_patient_id("RH-017");
  facts.item.set_description("Jane Doe's dose");  // a name, as text only
  dose::v1::Dose dose;
  dose.set_dose_id("dos_1");
  dose.set_item_id("itm_dose_1");
  dose.set_lot_id("qcl_1");
  dose.set_subject_id("RH-017");
  dose.set_din(kDin);
  dose.set_donation_identification(kDinData);
  dose.set_product_code(kDoseProduct);
  dose.set_expiration(kExpiration);
  dose.set_chain_of_identity(kCoi);
  dose.set_delivered_viable_cells(1.02e7);
  dose.mutable_plan()->set_planned_viable_cells(1.0e7);
  dose.mutable_plan()->set_final_volume_ml(20);
  facts.dose = dose;
  dose::v1::Patient patient;
  patient.set_subject_id("RH-017");
  patient.set_date_of_birth("1961-04-02");
  patient.set_initials("JD");
  patient.set_chain_of_identity(kCoi);
  facts.patient = patient;
  return facts;
}

// 2026-04-29 08:30 UTC, 10:30 in the facility's zone (UTC+2).
LabelOptions Options() {
  LabelOptions options;
  options.time_zone = absl::FixedTimeZone(2 * 3600);
  return options;
}
absl::Time Delivered() {
  return absl::FromCivil(absl::CivilMinute(2026, 4, 29, 8, 30),
                         absl::UTCTimeZone());
}

LabelFacts FactsFor(custody::v1::ItemType type) {
  if (type == custody::v1::ITEM_TYPE_DOSE_BAG) return DoseFacts();
  LabelFacts facts;
  facts.item = ItemOf(type, "itm_1");
  switch (type) {
    case custody::v1::ITEM_TYPE_TISSUE_CONTAINER:
      facts.collected_at = Delivered();
      break;
    case custody::v1::ITEM_TYPE_CRYOVIAL:
      Add(facts.item, "product_code", kVialProduct);
      facts.vial_cells = CellCount{1.0e7, 1.0};
      facts.collected_at = Delivered();
      break;
    default:
      break;
  }
  return facts;
}

TEST(DecideLabel, DoseBagCarriesTheDoseStructuresAndThePatientAsTextOnly) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Label label, DecideLabel(DoseFacts(), Options()));
  EXPECT_EQ(label.type(), v1::LABEL_TYPE_DOSE_BAG);
  EXPECT_EQ(label.item_id(), "itm_dose_1");
  EXPECT_FALSE(label.reprint());
  const v1::Isbt128Data& isbt = label.isbt128();
  EXPECT_EQ(isbt.donation_identification().data(), kDinData);
  EXPECT_EQ(isbt.donation_identification().eye_readable(), "A9999 26 000017");
  EXPECT_EQ(isbt.donation_identification().check_character(), "T");
  EXPECT_EQ(isbt.product_code().data(), kDoseProduct);
  EXPECT_EQ(isbt.product_code().eye_readable(), "S12950A0");
  EXPECT_EQ(isbt.product_code().check_character(), "");
  EXPECT_EQ(isbt.expiration().data(), kExpiration);
  EXPECT_EQ(isbt.expiration().eye_readable(), "31 DEC 2026 14:05");
  EXPECT_EQ(isbt.chain_of_identity().data(), kCoi);
  EXPECT_EQ(isbt.chain_of_identity().eye_readable(), "CH A9999 26 RH0017");
  EXPECT_EQ(isbt.chain_of_identity().check_character().size(), 1u);
  EXPECT_EQ(isbt.collection().data(), "");
  EXPECT_EQ(isbt.compound_message(), std::string("=+04000") + kDinData +
                                         kDoseProduct + kExpiration + kCoi);
  const v1::LabelText& text = label.text();
  EXPECT_EQ(text.subject_id(), "RH-017");
  EXPECT_EQ(text.date_of_birth(), "1961-04-02");
  EXPECT_EQ(text.cells_and_volume(), "1.0 × 10^7 viable cells in 20 mL");
  EXPECT_EQ(text.route(), "For intracoronary use");
  EXPECT_TRUE(absl::StrContains(text.investigational_statement(),
                                "investigational use"));
  EXPECT_EQ(
      std::vector<std::string>(text.details().begin(), text.details().end()),
      (std::vector<std::string>{"Dose dos_1", "QC lot qcl_1",
                                "Jane Doe's dose"}));
  CC_EXPECT_OK(label::CheckLabel(label));
}

TEST(DecideLabel, NoBarCodeHoldsANameSubjectIdOrDateOfBirth) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Label label, DecideLabel(DoseFacts(), Options()));
  const v1::Isbt128Data& isbt = label.isbt128();
  for (const std::string& data :
       {isbt.donation_identification().data(), isbt.product_code().data(),
        isbt.expiration().data(), isbt.collection().data(),
        isbt.chain_of_identity().data(), isbt.compound_message()}) {
    for (const char* personal :
         {"Jane", "Doe", "RH-017", "1961-04-02", "19610402", "610402"}) {
      EXPECT_FALSE(absl::StrContains(data, personal))
          << data << " holds " << personal;
    }
  }
}

TEST(DecideLabel, EveryTypePassesTheClientsCheck) {
  for (custody::v1::ItemType type :
       {custody::v1::ITEM_TYPE_TISSUE_CONTAINER,
        custody::v1::ITEM_TYPE_CULTURE_VESSEL, custody::v1::ITEM_TYPE_CRYOVIAL,
        custody::v1::ITEM_TYPE_QC_SAMPLE, custody::v1::ITEM_TYPE_DOSE_BAG}) {
    SCOPED_TRACE(custody::v1::ItemType_Name(type));
    CC_ASSERT_OK_AND_ASSIGN(v1::Label label,
                            DecideLabel(FactsFor(type), Options()));
    EXPECT_EQ(label.type(), *LabelTypeOf(type));
    EXPECT_EQ(label.isbt128().donation_identification().check_character(), "T");
    CC_EXPECT_OK(label::CheckLabel(label));
    if (type != custody::v1::ITEM_TYPE_DOSE_BAG) {
      EXPECT_EQ(label.isbt128().chain_of_identity().data(), "");
      EXPECT_EQ(label.text().subject_id(), "");
      EXPECT_EQ(label.text().route(), "");
    }
  }
}

TEST(DecideLabel, TissueContainerCollectionInTheFacilitysZone) {
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Label label,
      DecideLabel(FactsFor(custody::v1::ITEM_TYPE_TISSUE_CONTAINER),
                  Options()));
  EXPECT_EQ(label.isbt128().collection().data(), kCollection);
  EXPECT_EQ(label.isbt128().collection().eye_readable(), "29 APR 2026 10:30");
  EXPECT_EQ(label.isbt128().compound_message(),
            std::string("=+02000") + kDinData + kCollection);
  EXPECT_EQ(label.text().storage(),
            "Store at 2–8 °C. Process within 48 h of delivery.");
}

TEST(DecideLabel, CryovialCarriesItsCountAndProductCode) {
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Label label,
      DecideLabel(FactsFor(custody::v1::ITEM_TYPE_CRYOVIAL), Options()));
  EXPECT_EQ(label.isbt128().product_code().data(), kVialProduct);
  EXPECT_EQ(label.isbt128().collection().data(), kCollection);
  EXPECT_EQ(label.text().cells_and_volume(), "1.0 × 10^7 viable cells in 1 mL");
}

TEST(DecideLabel, VesselAndSampleOmitWhatCustodyDoesNotHold) {
  for (custody::v1::ItemType type : {custody::v1::ITEM_TYPE_CULTURE_VESSEL,
                                     custody::v1::ITEM_TYPE_QC_SAMPLE}) {
    CC_ASSERT_OK_AND_ASSIGN(v1::Label label,
                            DecideLabel(FactsFor(type), Options()));
    EXPECT_EQ(label.isbt128().product_code().data(), "");
    EXPECT_EQ(label.isbt128().compound_message(),
              std::string("=+01000") + kDinData);
  }
}

TEST(DecideLabel, MissingDataIsNamedWhereTheTypeRequiresIt) {
  struct Case {
    const char* name;
    LabelFacts facts;
    const char* field;
  };
  LabelFacts tissue = FactsFor(custody::v1::ITEM_TYPE_TISSUE_CONTAINER);
  tissue.collected_at.reset();
  LabelFacts vial = FactsFor(custody::v1::ITEM_TYPE_CRYOVIAL);
  vial.vial_cells.reset();
  LabelFacts vial_no_code = FactsFor(custody::v1::ITEM_TYPE_CRYOVIAL);
  vial_no_code.item = ItemOf(custody::v1::ITEM_TYPE_CRYOVIAL, "itm_v");
  LabelFacts no_dose = DoseFacts();
  no_dose.dose.reset();
  LabelFacts no_patient = DoseFacts();
  no_patient.patient.reset();
  LabelFacts uncounted = DoseFacts();
  uncounted.dose->set_delivered_viable_cells(0);
  uncounted.dose->mutable_plan()->set_planned_viable_cells(0);
  LabelFacts no_din = FactsFor(custody::v1::ITEM_TYPE_CULTURE_VESSEL);
  no_din.item.clear_isbt128();
  for (const Case& c :
       {Case{"tissue", tissue, "collection"},
        Case{"vial", vial, "cells_and_volume"},
        Case{"vial code", vial_no_code, "product_code"},
        Case{"dose", no_dose, "dose"}, Case{"patient", no_patient, "patient"},
        Case{"count", uncounted, "cells_and_volume"},
        Case{"din", no_din, "din"}}) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<v1::Label> label = DecideLabel(c.facts, Options());
    ASSERT_FALSE(label.ok());
    EXPECT_EQ(ReasonOf(label.status()), kReasonLabelDataMissing);
    EXPECT_TRUE(
        absl::StartsWith(label.status().message(), std::string(c.field) + ":"))
        << label.status();
  }
}

TEST(DecideLabel, ItemsWithoutALabelOfTheirOwnAreRefused) {
  for (custody::v1::ItemType type :
       {custody::v1::ITEM_TYPE_DONOR_LOT, custody::v1::ITEM_TYPE_PRODUCT_LOT,
        custody::v1::ITEM_TYPE_REAGENT_LOT, custody::v1::ITEM_TYPE_EQUIPMENT}) {
    LabelFacts facts;
    facts.item = ItemOf(type, "itm_x");
    EXPECT_EQ(ReasonOf(DecideLabel(facts).status()), kReasonItemNotLabelled);
  }
}

TEST(DecideLabel, ADoseBagThatIsNotItsDosesIsAConflict) {
  LabelFacts product = DoseFacts();
  product.item.mutable_isbt128(1)->set_value("=<S12950B0");
  LabelFacts coi = DoseFacts();
  coi.patient->set_chain_of_identity("&/CHA999926RH0018");
  LabelFacts patient = DoseFacts();
  patient.item.set_patient_id("RH-018");
  LabelFacts other_bag = DoseFacts();
  other_bag.dose->set_item_id("itm_dose_2");
  for (const LabelFacts* facts : {&product, &coi, &patient, &other_bag}) {
    EXPECT_EQ(ReasonOf(DecideLabel(*facts).status()), kReasonLabelDataConflict);
  }
}

TEST(DecideLabel, AnIdentifierThatIsNotISBT128IsInvalid) {
  LabelFacts facts = FactsFor(custody::v1::ITEM_TYPE_CULTURE_VESSEL);
  Add(facts.item, "expiration", "&>0263661405");  // day 366 of 2026
  EXPECT_EQ(ReasonOf(DecideLabel(facts).status()), kReasonLabelDataInvalid);
  LabelFacts dob = DoseFacts();
  dob.patient->set_date_of_birth("1961-02-30");
  EXPECT_EQ(ReasonOf(DecideLabel(dob).status()), kReasonLabelDataInvalid);
}

TEST(CellsAndVolumeText, TwoSignificantDigitsAndTheVolumeToATenth) {
  EXPECT_EQ(CellsAndVolumeText({1.0e7, 20}),
            "1.0 × 10^7 viable cells in 20 mL");
  EXPECT_EQ(CellsAndVolumeText({9.96e6, 20.5}),
            "1.0 × 10^7 viable cells in 20.5 mL");
  EXPECT_EQ(CellsAndVolumeText({2.34e8, 1}), "2.3 × 10^8 viable cells in 1 mL");
  EXPECT_EQ(CellsAndVolumeText({9.94e6, 0.26}),
            "9.9 × 10^6 viable cells in 0.3 mL");
}

TEST(ContentSha256, SixtyFourHexDigitsThatChangeWithTheContent) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Label label, DecideLabel(DoseFacts(), Options()));
  const std::string hash = ContentSha256(label);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash, ContentSha256(label));
  v1::Label reprint = label;
  reprint.set_reprint(true);
  EXPECT_NE(ContentSha256(reprint), hash);
}

class JudgeScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(label_, DecideLabel(DoseFacts(), Options()));
  }
  v1::Label label_;
};

TEST_F(JudgeScanTest, TheDataMatrixOrEveryLinearCodeOncePasses) {
  for (const std::string& scan :
       {label_.isbt128().compound_message(),
        std::string(kDinData) + kDoseProduct + kExpiration + kCoi,
        std::string(kCoi) + kExpiration + kDinData + kDoseProduct}) {
    ScanVerdict verdict = JudgeScan(label_, scan);
    EXPECT_EQ(verdict.result, v1::VERIFICATION_RESULT_PASS) << verdict.detail;
    EXPECT_EQ(verdict.mismatch, v1::SCAN_MISMATCH_UNSPECIFIED);
  }
}

TEST_F(JudgeScanTest, EachFailureSaysWhy) {
  struct Case {
    std::string scan;
    v1::ScanMismatch mismatch;
    const char* says;
  };
  // Another donation's DIN A9999 26 000018 (Type 3 flags of its own).
  const std::string other_din = "=A99992600001800";
  for (const Case& c : {
           Case{"hello", v1::SCAN_MISMATCH_UNREADABLE, "not ISBT 128"},
           Case{other_din + kDoseProduct + kExpiration + kCoi,
                v1::SCAN_MISMATCH_OTHER_ITEM, "A999926000018"},
           Case{std::string(kDinData) + "=<S1295000" + kExpiration + kCoi,
                v1::SCAN_MISMATCH_OTHER_ITEM, "another item's"},
           Case{std::string(kDinData) + kDoseProduct + "&>0263641405" + kCoi,
                v1::SCAN_MISMATCH_FIELD, "&>0263641405 scanned"},
           Case{std::string(kDinData) + kDoseProduct + kExpiration,
                v1::SCAN_MISMATCH_INCOMPLETE, "040"},
           Case{std::string(kDinData) + kDinData + kDoseProduct + kExpiration +
                    kCoi,
                v1::SCAN_MISMATCH_INCOMPLETE, "read twice"},
           Case{std::string(kDinData) + kDoseProduct + kExpiration + kCoi +
                    kCollection,
                v1::SCAN_MISMATCH_INCOMPLETE, "carries no 007"},
           Case{std::string("=+04000") + kCoi + kDinData + kDoseProduct +
                    kExpiration,
                v1::SCAN_MISMATCH_FIELD, "other bytes"},
       }) {
    SCOPED_TRACE(c.scan);
    ScanVerdict verdict = JudgeScan(label_, c.scan);
    EXPECT_EQ(verdict.result, v1::VERIFICATION_RESULT_FAIL);
    EXPECT_EQ(verdict.mismatch, c.mismatch) << verdict.detail;
    EXPECT_TRUE(absl::StrContains(verdict.detail, c.says)) << verdict.detail;
  }
}

TEST(JudgeScan, AProductCodeOnALabelWithoutOneIsAnotherItems) {
  // A culture vessel's label under the donation's DIN, with no 003; the
  // dose bag of the same DIN scanned on it.
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Label vessel,
      DecideLabel(FactsFor(custody::v1::ITEM_TYPE_CULTURE_VESSEL), Options()));
  ScanVerdict verdict = JudgeScan(vessel, std::string(kDinData) + kDoseProduct);
  EXPECT_EQ(verdict.mismatch, v1::SCAN_MISMATCH_OTHER_ITEM) << verdict.detail;
  EXPECT_EQ(JudgeScan(vessel, kDinData).result, v1::VERIFICATION_RESULT_PASS);
}

TEST(IdentityOfScan, TheDinAndProductCodeOfAScan) {
  std::optional<ScannedIdentity> id =
      IdentityOfScan(std::string(kDinData) + kDoseProduct);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->din, kDin);
  EXPECT_EQ(id->product_code, kDoseProduct);
  EXPECT_FALSE(IdentityOfScan(kDoseProduct).has_value());
  EXPECT_FALSE(IdentityOfScan("junk").has_value());
}

}  // namespace
}  // namespace cellchain::labels
