// Renders every label type at both resolutions and reads the previews back
// the way a scanner would: every Code 128 with zbar, the Data Matrix with
// libdmtx (zbar does not read Data Matrix). What they decode must be the
// item's ISBT 128 data byte for byte, and nothing else may be found.
#include "clients/label/preview.h"

#include <cairo.h>
#include <dmtx.h>
#include <zbar.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/label/layout.h"
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

struct Gray {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> pixels;  // one byte per pixel, rows top down
};

struct PngReader {
  const std::string* png;
  size_t offset = 0;
};

cairo_status_t ReadPng(void* closure, unsigned char* data,
                       unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->offset + length > reader->png->size()) {
    return CAIRO_STATUS_READ_ERROR;
  }
  std::copy_n(reader->png->data() + reader->offset, length, data);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

// Decodes the PNG file (not the layout): what a reader of the file sees.
Gray Decode(const std::string& png) {
  PngReader reader{&png};
  cairo_surface_t* surface =
      cairo_image_surface_create_from_png_stream(ReadPng, &reader);
  Gray gray;
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    ADD_FAILURE() << "not a PNG";
    cairo_surface_destroy(surface);
    return gray;
  }
  gray.width = cairo_image_surface_get_width(surface);
  gray.height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  gray.pixels.resize(static_cast<size_t>(gray.width) * gray.height);
  for (int y = 0; y < gray.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < gray.width; ++x) {
      const uint32_t p = row[x];
      const int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
      gray.pixels[static_cast<size_t>(y) * gray.width + x] =
          static_cast<unsigned char>((r * 299 + g * 587 + b * 114) / 1000);
    }
  }
  cairo_surface_destroy(surface);
  return gray;
}

// Every symbol zbar finds, with its symbology's name.
std::vector<std::string> ZbarSymbols(const Gray& gray,
                                     std::vector<std::string>* kinds) {
  zbar::zbar_image_scanner_t* scanner = zbar::zbar_image_scanner_create();
  // Every symbology zbar knows, so that a stray reading would show.
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_NONE,
                                      zbar::ZBAR_CFG_ENABLE, 1);
  zbar::zbar_image_t* image = zbar::zbar_image_create();
  zbar::zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(image, gray.width, gray.height);
  zbar::zbar_image_set_data(image, gray.pixels.data(), gray.pixels.size(),
                            nullptr);
  zbar::zbar_scan_image(scanner, image);
  std::vector<std::string> out;
  for (const zbar::zbar_symbol_t* s = zbar::zbar_image_first_symbol(image);
       s != nullptr; s = zbar::zbar_symbol_next(s)) {
    out.emplace_back(zbar::zbar_symbol_get_data(s),
                     zbar::zbar_symbol_get_data_length(s));
    kinds->push_back(zbar::zbar_get_symbol_name(zbar::zbar_symbol_get_type(s)));
  }
  zbar::zbar_image_destroy(image);
  zbar::zbar_image_scanner_destroy(scanner);
  return out;
}

std::vector<std::string> DataMatrices(const Gray& gray) {
  std::vector<unsigned char> pixels = gray.pixels;
  DmtxImage* image =
      dmtxImageCreate(pixels.data(), gray.width, gray.height, DmtxPack8bppK);
  dmtxImageSetProp(image, DmtxPropImageFlip, DmtxFlipNone);
  DmtxDecode* decode = dmtxDecodeCreate(image, 1);
  std::vector<std::string> out;
  for (;;) {
    DmtxTime timeout = dmtxTimeAdd(dmtxTimeNow(), 5000);
    DmtxRegion* region = dmtxRegionFindNext(decode, &timeout);
    if (region == nullptr) break;
    DmtxMessage* message =
        dmtxDecodeMatrixRegion(decode, region, DmtxUndefined);
    if (message != nullptr) {
      out.emplace_back(reinterpret_cast<const char*>(message->output),
                       message->outputIdx);
      dmtxMessageDestroy(&message);
    }
    dmtxRegionDestroy(&region);
  }
  dmtxDecodeDestroy(&decode);
  dmtxImageDestroy(&image);
  return out;
}

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
    Gray gray = Decode(*png);
    EXPECT_EQ(gray.width, layout->width);
    EXPECT_EQ(gray.height, layout->height);

    std::vector<std::string> kinds;
    std::vector<std::string> linear = ZbarSymbols(gray, &kinds);
    EXPECT_THAT(linear, UnorderedElementsAreArray(ExpectedLinear(type)));
    for (const std::string& kind : kinds) EXPECT_EQ(kind, "CODE-128");
    EXPECT_THAT(DataMatrices(gray),
                ::testing::ElementsAre(ExpectedMatrix(type)));
  }
}

INSTANTIATE_TEST_SUITE_P(Dpi, PreviewTest, ::testing::Values(203, 300));

// A patient's data is text on the label, never in a bar code.
TEST(PreviewTest, NoBarCodeHoldsThePatientsData) {
  Label label = testing::SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  Gray gray = Decode(*RenderPng(*LayOut(label, 300)));
  std::vector<std::string> kinds;
  std::vector<std::string> all = ZbarSymbols(gray, &kinds);
  for (const std::string& m : DataMatrices(gray)) all.push_back(m);
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
