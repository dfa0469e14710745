#include "clients/label/label_check.h"

#include <string>

#include "absl/status/status.h"
#include "clients/label/sample_labels.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/isbt128/scan.h"

namespace cellchain::label {
namespace {

using ::cellchain::label::testing::AllLabelTypes;
using ::cellchain::label::testing::SampleLabel;
using ::cellchain::labels::v1::Label;

TEST(CheckLabel, EverySampleTypeIsWellFormed) {
  for (labels::v1::LabelType type : AllLabelTypes()) {
    EXPECT_TRUE(CheckLabel(SampleLabel(type)).ok())
        << labels::v1::LabelType_Name(type) << ": "
        << CheckLabel(SampleLabel(type));
  }
}

TEST(CheckLabel, TheSamplesHoldTheItemsData) {
  Label dose = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  EXPECT_EQ(dose.isbt128().donation_identification().data(), testing::kDinData);
  EXPECT_EQ(dose.isbt128().donation_identification().eye_readable(),
            "A9999 26 000017");
  EXPECT_EQ(dose.isbt128().donation_identification().check_character(), "T");
  EXPECT_EQ(dose.isbt128().expiration().eye_readable(), "31 DEC 2026 14:05");
}

std::string FieldOfCheck(const Label& label) {
  return FieldOf(CheckLabel(label));
}

TEST(CheckLabel, TextUnderABarCodeMustBeWhatTheCodeSays) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_isbt128()->mutable_expiration()->set_eye_readable(
      "31 DEC 2027 14:05");
  EXPECT_EQ(FieldOfCheck(label), "isbt128.expiration.eye_readable");
}

TEST(CheckLabel, TheBoxedCheckCharacterMustMatchTheDin) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_CRYOVIAL);
  label.mutable_isbt128()
      ->mutable_donation_identification()
      ->set_check_character("3");
  EXPECT_EQ(FieldOfCheck(label),
            "isbt128.donation_identification.check_character");
  label = SampleLabel(labels::v1::LABEL_TYPE_CRYOVIAL);
  label.mutable_isbt128()->mutable_product_code()->set_check_character("3");
  EXPECT_EQ(FieldOfCheck(label), "isbt128.product_code.check_character");
}

TEST(CheckLabel, ACodeHoldsItsOwnDataStructureAlone) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  // The expiry in the product code's place.
  label.mutable_isbt128()->mutable_product_code()->set_data("&>0263651405");
  EXPECT_EQ(FieldOfCheck(label), "isbt128.product_code.data");
  label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_isbt128()->mutable_product_code()->set_data(
      "=<S12950A0&>0263651405");
  EXPECT_EQ(FieldOfCheck(label), "isbt128.product_code.data");
  // A wrong Type 3 flag: the DIN was mistyped or misprinted.
  label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_isbt128()->mutable_donation_identification()->set_data(
      "=A99992600001788");
  EXPECT_EQ(FieldOfCheck(label), "isbt128.donation_identification.data");
}

TEST(CheckLabel, TypeOneAndTwoFlagsAreNotPrintedYet) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_CULTURE_VESSEL);
  label.mutable_isbt128()->mutable_donation_identification()->set_data(
      "=A99992600001701");
  EXPECT_EQ(CheckLabel(label).code(), absl::StatusCode::kUnimplemented);
}

TEST(CheckLabel, TheDataMatrixMustSayWhatTheLinearCodesSay) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  // Another patient's chain of identity in the 2-D code only.
  label.mutable_isbt128()->set_compound_message(*isbt128::EncodeCompound(
      {testing::kDinData, testing::kDoseProductCode, testing::kDoseExpiration,
       "&/CHA999926RH0018"}));
  EXPECT_EQ(FieldOfCheck(label), "isbt128.compound_message");
  // One structure missing.
  label.mutable_isbt128()->set_compound_message(
      *isbt128::EncodeCompound({testing::kDinData, testing::kDoseProductCode,
                                testing::kDoseExpiration}));
  EXPECT_EQ(FieldOfCheck(label), "isbt128.compound_message");
  // Not a compound message.
  label.mutable_isbt128()->set_compound_message(testing::kDinData);
  EXPECT_EQ(FieldOfCheck(label), "isbt128.compound_message");
}

TEST(CheckLabel, ADoseBagNeedsItsPatientRouteAndStatement) {
  for (const char* field :
       {"text.subject_id", "text.date_of_birth", "text.route",
        "text.investigational_statement", "text.cells_and_volume"}) {
    Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
    labels::v1::LabelText* text = label.mutable_text();
    const std::string f = field;
    if (f == "text.subject_id") text->clear_subject_id();
    if (f == "text.date_of_birth") text->clear_date_of_birth();
    if (f == "text.route") text->clear_route();
    if (f == "text.investigational_statement") {
      text->clear_investigational_statement();
    }
    if (f == "text.cells_and_volume") text->clear_cells_and_volume();
    EXPECT_EQ(FieldOfCheck(label), f);
  }
  Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_isbt128()->clear_expiration();
  label.mutable_isbt128()->set_compound_message(
      *isbt128::EncodeCompound({testing::kDinData, testing::kDoseProductCode,
                                testing::kChainOfIdentity}));
  EXPECT_EQ(FieldOfCheck(label), "isbt128.expiration.data");
}

TEST(CheckLabel, PatientDataOnlyOnTheDose) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_CRYOVIAL);
  label.mutable_text()->set_subject_id("RH-017");
  EXPECT_EQ(FieldOfCheck(label), "text.subject_id");
  label = SampleLabel(labels::v1::LABEL_TYPE_QC_SAMPLE);
  label.mutable_text()->set_route("For intracoronary use");
  EXPECT_EQ(FieldOfCheck(label), "text.route");
  label = SampleLabel(labels::v1::LABEL_TYPE_TISSUE_CONTAINER);
  label.mutable_isbt128()->mutable_chain_of_identity()->set_data(
      testing::kChainOfIdentity);
  label.mutable_isbt128()->mutable_chain_of_identity()->set_eye_readable(
      "CH A9999 26 RH0017");
  label.mutable_isbt128()->mutable_chain_of_identity()->set_check_character(
      SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG)
          .isbt128()
          .chain_of_identity()
          .check_character());
  label.mutable_isbt128()->set_compound_message(*isbt128::EncodeCompound(
      {testing::kDinData, testing::kCollection, testing::kChainOfIdentity}));
  EXPECT_EQ(FieldOfCheck(label), "isbt128.chain_of_identity.data");
}

TEST(CheckLabel, TextIsOneLineOfUtf8) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_text()->set_storage("Store at 2-8 C\nDo not freeze");
  EXPECT_EQ(FieldOfCheck(label), "text.storage");
  label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_text()->set_product_name("UC-MSC \xff");
  EXPECT_EQ(FieldOfCheck(label), "text.product_name");
  label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_text()->set_product_name("UC-MSC \xe2\x82");  // cut short
  EXPECT_EQ(FieldOfCheck(label), "text.product_name");
  label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_text()->add_details(std::string(201, 'x'));
  EXPECT_EQ(FieldOfCheck(label), "text.details[1]");
}

TEST(CheckLabel, SubjectIdAndDateOfBirthForms) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_text()->set_subject_id("Jane Doe");
  EXPECT_EQ(FieldOfCheck(label), "text.subject_id");
  label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_text()->set_date_of_birth("1961-02-30");
  EXPECT_EQ(FieldOfCheck(label), "text.date_of_birth");
  label.mutable_text()->set_date_of_birth("2/4/1961");
  EXPECT_EQ(FieldOfCheck(label), "text.date_of_birth");
}

TEST(CheckLabel, TypeAndItem) {
  Label label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.set_type(labels::v1::LABEL_TYPE_UNSPECIFIED);
  EXPECT_EQ(FieldOfCheck(label), "type");
  label = SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.set_item_id("itm 1");
  EXPECT_EQ(FieldOfCheck(label), "item_id");
}

}  // namespace
}  // namespace cellchain::label
