#include "clients/label/scan_input.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

// DIN A9999 26 000017: check character T, Type 3 flags 89.
TEST(CleanScanLine, DropsTheLineEndAndTheScannersAimIdentifier) {
  EXPECT_EQ(CleanScanLine("=A99992600001789\r\n"), "=A99992600001789");
  EXPECT_EQ(CleanScanLine("=A99992600001789\n"), "=A99992600001789");
  EXPECT_EQ(CleanScanLine("]C0=A99992600001789=<S12950A0\r"),
            "=A99992600001789=<S12950A0");
  EXPECT_EQ(CleanScanLine("]d2=+04000=A99992600001789&>0263651405"),
            "=+04000=A99992600001789&>0263651405");
  // Nothing else is touched: the service compares the bytes as scanned.
  EXPECT_EQ(CleanScanLine(" =A99992600001789 "), " =A99992600001789 ");
  EXPECT_EQ(CleanScanLine(""), "");
  EXPECT_EQ(CleanScanLine("\r\n"), "");
}

TEST(ParseItemInput, AnItemIdIsUsedAsTyped) {
  absl::StatusOr<ItemInput> input = ParseItemInput("  itm_01HV7Q3 \n");
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->kind, ItemInput::Kind::kItemId);
  EXPECT_EQ(input->value, "itm_01HV7Q3");
}

TEST(ParseItemInput, EveryFormOfADinBecomesItsDataStructure) {
  for (const char* typed :
       {"A999926000017", "A9999 26 000017 [T]", "a9999 26 000017 t",
        "A999926000017T", "=A99992600001789", "]C0=A99992600001789\r\n",
        "=A999926000017"}) {
    absl::StatusOr<ItemInput> input = ParseItemInput(typed);
    ASSERT_TRUE(input.ok()) << typed << ": " << input.status();
    EXPECT_EQ(input->kind, ItemInput::Kind::kScan) << typed;
    EXPECT_EQ(input->value, "=A99992600001700") << typed;
  }
}

TEST(ParseItemInput, AScannedLabelIsPassedOnAsScanned) {
  absl::StatusOr<ItemInput> input =
      ParseItemInput("]C0=A99992600001789=<S12950A0\r\n");
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->kind, ItemInput::Kind::kScan);
  EXPECT_EQ(input->value, "=A99992600001789=<S12950A0");
}

TEST(ParseItemInput, ATypingErrorInADinIsRefusedAsOne) {
  // U is not A999926000017's check character (T is).
  absl::StatusOr<ItemInput> input = ParseItemInput("A9999 26 000017 [U]");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(input.status()), "din.check_character");
}

TEST(ParseItemInput, WhatIsNoItemIsRefusedNamingTheItem) {
  for (const char* typed : {"", "   ", "\r\n", "bag 3 on the left"}) {
    absl::StatusOr<ItemInput> input = ParseItemInput(typed);
    ASSERT_FALSE(input.ok()) << typed;
    EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(input.status()), "item") << typed;
  }
}

TEST(ParseDinInput, TheThirteenCharactersOfAnyForm) {
  for (const char* typed : {"A999926000017", "a9999 26 000017 [t]",
                            "=A99992600001789", "]C0=A99992600001789\r\n"}) {
    absl::StatusOr<std::string> din = ParseDinInput(typed);
    ASSERT_TRUE(din.ok()) << typed << ": " << din.status();
    EXPECT_EQ(*din, "A999926000017");
  }
  absl::StatusOr<std::string> bad = ParseDinInput("A9999 26 000017 [U]");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(FieldOf(bad.status()), "din.check_character");
  EXPECT_FALSE(ParseDinInput("itm_01HV7Q3").ok());
}

}  // namespace
}  // namespace cellchain::label
