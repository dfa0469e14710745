#include "clients/label/zpl.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "clients/label/layout.h"
#include "clients/label/sample_labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::label {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ZplEscape, CaretTildeAndUnderscoreAreHexInFieldData) {
  EXPECT_EQ(ZplHexEscape("a^b~c_d"), "a_5Eb_7Ec_5Fd");
  // UTF-8 bytes too, so the format stays ASCII ("×" is C3 97).
  EXPECT_EQ(ZplHexEscape("10^7 \xc3\x97 2"), "10_5E7 _C3_97 2");
  EXPECT_EQ(ZplHexEscape("plain 1-2 (a)"), "plain 1-2 (a)");
}

TEST(ZplEscape, GreaterThanInCode128DataIsInvocationZero) {
  EXPECT_EQ(*ZplCode128Data("A>B"), ">:A>0B");
  // ISBT 128's expiry identifier "&>" then ten digits in subset C.
  EXPECT_EQ(*ZplCode128Data("&>0263651405"), ">:&>0>50263651405");
  EXPECT_EQ(*ZplCode128Data("=<S12950A0"), ">:=<S12950A0");
  EXPECT_EQ(*ZplCode128Data("&/CHA999926RH0017"), ">:&/CHA>5999926>6RH>50017");
  EXPECT_EQ(*ZplCode128Data("0123"), ">;0123");
  // '^' and '~' are hex after the invocation codes are spelled.
  EXPECT_EQ(*ZplCode128Data("^>~"), ">:_5E>0_7E");
}

std::vector<std::string> Lines(const std::string& zpl) {
  return absl::StrSplit(zpl, '\n', absl::SkipEmpty());
}

// A dose bag at 203 dpi, the positions worked out by hand: margin 2.5 mm =
// 20 dots, quiet zone 10 modules of 2 dots, bars 10 mm = 80 dots high; the
// DIN's symbol is 145 modules (code128_test), so the product code's block
// starts at 20 + (145 + 20) * 2 = 350 and its bars at 370; the second row
// starts 80 + 8 + 24 + 20 = 132 dots lower.
TEST(Zpl, DoseBagStructure) {
  absl::StatusOr<Layout> layout = LayOut(
      testing::SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG), /*dpi=*/203);
  ASSERT_TRUE(layout.ok()) << layout.status();
  absl::StatusOr<std::string> zpl = ToZpl(*layout);
  ASSERT_TRUE(zpl.ok()) << zpl.status();
  std::vector<std::string> lines = Lines(*zpl);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "^XA");
  EXPECT_EQ(lines[1], "^CI28");
  EXPECT_EQ(lines[2], "^PW812^LL812^LH0,0");
  EXPECT_EQ(lines.back(), "^XZ");

  std::vector<std::string> codes;
  std::vector<std::string> matrices;
  int boxes = 0;
  for (const std::string& line : lines) {
    if (line.find("^BC") != std::string::npos) codes.push_back(line);
    if (line.find("^BX") != std::string::npos) matrices.push_back(line);
    if (line.find("^GB") != std::string::npos) ++boxes;
  }
  EXPECT_THAT(
      codes,
      ElementsAre("^FO40,20^BY2^BCN,80,N,N,N,N^FH_^FD>:=A>599992600001789^FS",
                  "^FO370,20^BY2^BCN,80,N,N,N,N^FH_^FD>:=<S12950A0^FS",
                  "^FO40,152^BY2^BCN,80,N,N,N,N^FH_^FD>:&>0>50263651405^FS",
                  StartsWith("^FO")));
  EXPECT_THAT(codes[3],
              HasSubstr("^BY2^BCN,80,N,N,N,N^FH_^FD>:&/CHA>5999926>6RH>50017"
                        "^FS"));
  ASSERT_EQ(matrices.size(), 1u);
  EXPECT_THAT(matrices[0], HasSubstr("^BXN,4,200,"));
  EXPECT_THAT(matrices[0],
              HasSubstr("^FH_^FD=+04000=A99992600001789=<S12950A0&>0263651405"
                        "&/CHA999926RH0017^FS"));
  // The boxed check characters of the DIN and of the chain of identity.
  EXPECT_EQ(boxes, 2);
  EXPECT_THAT(*zpl, HasSubstr("^FH_^FDA9999 26 000017^FS"));
  EXPECT_THAT(*zpl, HasSubstr("^FH_^FDT^FS"));
  EXPECT_THAT(*zpl, HasSubstr("^FH_^FDSubject RH-017, DOB 1961-04-02^FS"));
  // "1.0 × 10^7": the multiplication sign's UTF-8 and the caret in hex.
  EXPECT_THAT(*zpl, HasSubstr("^FD1.0 _C3_97 10_5E7 viable cells"));
}

TEST(Zpl, TextCannotInjectCommands) {
  labels::v1::Label label =
      testing::SampleLabel(labels::v1::LABEL_TYPE_CULTURE_VESSEL);
  // ~JA cancels every format in the printer's buffer; ^XZ would end this one.
  label.mutable_text()->add_details("P2^XZ^XA~JA_x");
  absl::StatusOr<Layout> layout = LayOut(label, 300);
  ASSERT_TRUE(layout.ok()) << layout.status();
  std::string zpl = *ToZpl(*layout);
  EXPECT_THAT(zpl, HasSubstr("^FDP2_5EXZ_5EXA_7EJA_5Fx^FS"));
  EXPECT_EQ(zpl.find('~'), std::string::npos);
  EXPECT_EQ(zpl.find("^XZ"), zpl.size() - 4);
  EXPECT_EQ(zpl.find("^XA", 1), std::string::npos);
}

TEST(Zpl, CopiesAndDpi) {
  absl::StatusOr<Layout> layout = LayOut(
      testing::SampleLabel(labels::v1::LABEL_TYPE_CRYOVIAL), /*dpi=*/300);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_THAT(*ToZpl(*layout, 3), HasSubstr("^PW600^LL300^LH0,0\n"));
  EXPECT_THAT(*ToZpl(*layout, 3), HasSubstr("\n^PQ3\n^XZ\n"));
  EXPECT_EQ(ToZpl(*layout, 1)->find("^PQ"), std::string::npos);
  EXPECT_FALSE(ToZpl(*layout, 0).ok());
  EXPECT_FALSE(ToZpl(*layout, 100).ok());
  // A cryovial carries no linear code: the Data Matrix holds everything.
  EXPECT_EQ(ToZpl(*layout)->find("^BC"), std::string::npos);
  EXPECT_THAT(*ToZpl(*layout), HasSubstr("^BXN,4,200,"));
  EXPECT_FALSE(
      LayOut(testing::SampleLabel(labels::v1::LABEL_TYPE_CRYOVIAL), 600).ok());
}

}  // namespace
}  // namespace cellchain::label
