// Renders every label type at both resolutions and reads the previews back
// the way a scanner would: every Code 128 with zbar, the Data Matrix with
// libdmtx (zbar does not read Data Matrix). What they decode must be the
// item's ISBT 128 data byte for byte, and nothing else may be found.
#include "clients/label/preview.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/label/layout.h"
#include "clients/label/png_scan.h"
#include "clients/label/sample_labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/files.h"

namespace cellchain::label {
namespace {

using ::cellchain::labels::v1::Label;
using ::cellchain::labels::v1::LabelType;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

// The linear codes each type prints, spelled from the item's data.
std::vector<std::string> ExpectedLinear(LabelType type) {
  switch (type) {
    case labels::v1::LABEL_TYPE_DOSE_BAG:
      return {testing::kDinData, testing::kDoseProductCode,
              testing::kDoseExpiration, testing::kChainOfIdentity};
    case labels::v1::LABEL_TYPE_TISSUE_CONTAINER:
      return {testing::kDinData, testing::kCollection};
    case labels::v1::LABEL_TYPE_CULTURE_VESSEL:
      return {testing::kDinData, testing::kBulkProductCode};
    default:
      return {};
  }
}

std::string ExpectedMatrix(LabelType type) {
  switch (type) {
    case labels::v1::LABEL_TYPE_DOSE_BAG:
      return absl::StrCat("=+04000", testing::kDinData,
                          testing::kDoseProductCode, testing::kDoseExpiration,
                          testing::kChainOfIdentity);
    case labels::v1::LABEL_TYPE_TISSUE_CONTAINER:
      return absl::StrCat("=+02000", testing::kDinData, testing::kCollection);
    case labels::v1::LABEL_TYPE_CRYOVIAL:
      return absl::StrCat("=+03000", testing::kDinData,
                          testing::kBulkProductCode, testing::kCollection);
    default:
      return absl::StrCat("=+02000", testing::kDinData,
                          testing::kBulkProductCode);
  }
}

class PreviewTest : public ::testing::TestWithParam<int> {};

TEST_P(PreviewTest, EveryBarCodeDecodesToTheItemsDataByteForByte) {
  const int dpi = GetParam();
  for (LabelType type : testing::AllLabelTypes()) {
    SCOPED_TRACE(
        absl::StrCat(labels::v1::LabelType_Name(type), " at ", dpi, " dpi"));
    absl::StatusOr<Layout> layout = LayOut(testing::SampleLabel(type), dpi);
    ASSERT_TRUE(layout.ok()) << layout.status();
    absl::StatusOr<std::string> png = RenderPng(*layout);
    ASSERT_TRUE(png.ok()) << png.status();
    absl::StatusOr<testing::PngScan> scan = testing::ScanPng(*png);
    ASSERT_TRUE(scan.ok()) << scan.status();
    EXPECT_EQ(scan->width, layout->width);
    EXPECT_EQ(scan->height, layout->height);

    EXPECT_THAT(scan->linear, UnorderedElementsAreArray(ExpectedLinear(type)));
    for (const std::string& kind : scan->linear_kinds) {
      EXPECT_EQ(kind, "CODE-128");
    }
    EXPECT_THAT(scan->data_matrices,
                ::testing::ElementsAre(ExpectedMatrix(type)));
  }
}

INSTANTIATE_TEST_SUITE_P(Dpi, PreviewTest, ::testing::Values(203, 300));

// A patient's data is text on the label, never in a bar code.
TEST(PreviewTest, NoBarCodeHoldsThePatientsData) {
  Label label = testing::SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  absl::StatusOr<testing::PngScan> scan =
      testing::ScanPng(*RenderPng(*LayOut(label, 300)));
  ASSERT_TRUE(scan.ok()) << scan.status();
  std::vector<std::string> all = scan->linear;
  for (const std::string& m : scan->data_matrices) all.push_back(m);
  ASSERT_FALSE(all.empty());
  for (const std::string& data : all) {
    EXPECT_EQ(data.find("RH-017"), std::string::npos) << data;
    EXPECT_EQ(data.find("1961"), std::string::npos) << data;
  }
}

// The PDF is the label at its size with its text: read back with poppler's
// pdftotext (poppler-utils), as the batch record reader would.
TEST(PreviewTest, PdfHasTheTextAtTheLabelsSize) {
  Label label = testing::SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.set_reprint(true);
  absl::StatusOr<std::string> pdf = RenderPdf(*LayOut(label, 203));
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  ASSERT_THAT(*pdf, ::testing::StartsWith("%PDF-"));
  const std::string base =
      absl::StrCat(::testing::TempDir(), "/preview_test_", getpid());
  cellchain::testing::WriteFileBytes(base + ".pdf", *pdf);
  const std::string command =
      absl::StrCat("pdftotext -layout ", base, ".pdf ", base, ".txt && ",
                   "pdfinfo ", base, ".pdf > ", base, ".info");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string text = cellchain::testing::ReadFileOrEmpty(base + ".txt");
  for (const char* expected :
       {"REPRINT", "A9999 26 000017", "31 DEC 2026 14:05", "CH A9999 26 RH0017",
        "For intracoronary use", "Subject RH-017", "DOB 1961-04-02",
        "1.0 × 10^7 viable cells", "2–8 °C", "investigational use",
        "itm_dose_0017_a0"}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  // 4 × 4 in = 288 × 288 pt.
  EXPECT_THAT(cellchain::testing::ReadFileOrEmpty(base + ".info"),
              HasSubstr("288 x 288 pts"));
  std::remove((base + ".pdf").c_str());
  std::remove((base + ".txt").c_str());
  std::remove((base + ".info").c_str());
}

}  // namespace
}  // namespace cellchain::label
