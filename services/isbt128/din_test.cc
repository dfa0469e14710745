#include "services/isbt128/din.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::isbt128 {
namespace {

// Known answers: each DIN and K below is printed in ICCBBA ST-001 v6.2.2.
// Each was also recomputed independently (python3, weighted sum of
// value * 2^n mod 37 per the JPAC Red Book Annex 2 steps) before being
// written here.
struct KnownDin {
  const char* din;
  char k;
  const char* where;
};
constexpr KnownDin kKnown[] = {
    {"A999921123456", '3', "ST-001 Figure 2 (A9999 21 123456, K 3)"},
    {"A999818123456", 'N', "ST-001 7.5.1.1 (A9998 18 123456 N)"},
    {"W000009123456", 'G', "ST-001 7.4.1 (W0000 09 123456 02 G)"},
    {"A999820123456", 'E', "ST-001 Appendix C blood label (A9998 20 123456 E)"},
    {"A999917123456", '9', "ST-001 Figure 21 labels 1 and 3"},
    {"A999917123654", 'Y', "ST-001 Figure 21 label 4"},
    {"A999917345628", '*', "ST-001 Figure 22 cornea (boxed star)"},
    {"A999917345658", 'O', "ST-001 Figure 22 sclera"},
    {"A999915000001", 'M', "ST-001 Figure 23 human milk"},
    {"A999918000001", '8', "ST-001 Figure 23 human milk"},
    {"G123417654321", 'A', "ST-001 Appendix A.1"},
};

TEST(Din, KnownCheckCharactersFromSt001) {
  for (const KnownDin& known : kKnown) {
    absl::StatusOr<Din> din = Din::Parse(known.din);
    ASSERT_TRUE(din.ok()) << known.where << ": " << din.status();
    EXPECT_EQ(din->CheckCharacter(), known.k) << known.where;
    EXPECT_EQ(din->ToString(), known.din);
  }
}

// ST-001 Appendix A.2: G1234 17 654321 has checksum 10, Type 3 flags 70,
// data content G12341765432170 (Figure 18: "=G12341765432170", printed
// with K = A and without the flags).
TEST(Din, Type3FlagsIccbbaAppendixA2) {
  Din din = *Din::Create("G1234", 17, 654321);
  EXPECT_EQ(Type3Flags(din), "70");
  EXPECT_EQ(*EncodeDonationIdentification(din, "70"), "=G12341765432170");
  DonationIdentification parsed =
      *ParseDonationIdentification("=G12341765432170");
  EXPECT_EQ(parsed.din, din);
  EXPECT_EQ(parsed.flags, "70");
  EXPECT_EQ(parsed.flag_type, FlagType::kType3);
}

// JPAC Red Book Annex 2: checksum 17 -> bar code check characters 77.
TEST(Din, Type3FlagsJpacRedBook) {
  EXPECT_EQ(Type3Flags(*Din::Parse("G123498654321")), "77");
}

TEST(Din, Type3FlagsThatDoNotMatchAreATypingOrPrintingError) {
  absl::StatusOr<DonationIdentification> parsed =
      ParseDonationIdentification("=G12341765432171");
  ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(parsed.status()), "din.check_character");
  EXPECT_EQ(
      FieldOf(EncodeDonationIdentification(*Din::Parse("G123417654321"), "71")
                  .status()),
      "din.flags");
}

// ST-001 Table 3 [RT004].
TEST(Din, FlagClassification) {
  EXPECT_EQ(*ClassifyFlags("00"), FlagType::kNone);
  EXPECT_EQ(*ClassifyFlags("01"), FlagType::kType1);
  EXPECT_EQ(*ClassifyFlags("19"), FlagType::kType1);
  EXPECT_EQ(*ClassifyFlags("14"), FlagType::kReserved);
  EXPECT_EQ(*ClassifyFlags("20"), FlagType::kType2);
  EXPECT_EQ(*ClassifyFlags("59"), FlagType::kType2);
  EXPECT_EQ(*ClassifyFlags("60"), FlagType::kType3);
  EXPECT_EQ(*ClassifyFlags("96"), FlagType::kType3);
  EXPECT_EQ(*ClassifyFlags("97"), FlagType::kReserved);
  EXPECT_EQ(*ClassifyFlags("A1"), FlagType::kReserved);
  EXPECT_EQ(FieldOf(ClassifyFlags("I0").status()), "din.flags");  // no I
  EXPECT_EQ(FieldOf(ClassifyFlags("0").status()), "din.flags");
}

TEST(Din, EncodesAndParsesType1And2Flags) {
  Din din = *Din::Create("A9999", 21, 123456);
  EXPECT_EQ(*EncodeDonationIdentification(din, "01"), "=A99992112345601");
  EXPECT_EQ(*EncodeDonationIdentification(din, "00"), "=A99992112345600");
  DonationIdentification parsed =
      *ParseDonationIdentification("=A99992112345625");
  EXPECT_EQ(parsed.flag_type, FlagType::kType2);
  EXPECT_EQ(FieldOf(EncodeDonationIdentification(din, "97").status()),
            "din.flags");
}

// Eye-readable form: ST-001 7.5.1.1 prints K boxed after the DIN; Figure 2
// groups FIN, year, sequence. Brackets stand for the box.
TEST(Din, EyeReadable) {
  EXPECT_EQ(Din::Create("A9999", 21, 123456)->EyeReadable(),
            "A9999 21 123456 [3]");
  EXPECT_EQ(Din::Create("A9999", 17, 345628)->EyeReadable(),
            "A9999 17 345628 [*]");
  EXPECT_EQ(Din::Create("A9999", 5, 7)->EyeReadable().substr(0, 15),
            "A9999 05 000007");
}

TEST(Din, KeyboardEntryChecksK) {
  EXPECT_EQ(*Din::FromKeyboardEntry("A9998 18 123456 N"),
            *Din::Parse("A999818123456"));
  EXPECT_EQ(*Din::FromKeyboardEntry("A9999 21 123456 [3]"),
            *Din::Parse("A999921123456"));
  // One digit mistyped (123465): K no longer matches.
  absl::StatusOr<Din> typo = Din::FromKeyboardEntry("A9998 18 123465 N");
  EXPECT_EQ(FieldOf(typo.status()), "din.check_character");
  EXPECT_EQ(FieldOf(Din::FromKeyboardEntry("A9998 18 123456").status()), "din");
}

TEST(Din, ParseDinTextTakesEveryFormAPersonOrScannerGives) {
  const Din expected = *Din::Parse("A999921123456");
  for (const char* form : {
           "A999921123456",        // as stored
           "a999921123456",        // lower case
           "A9999 21 123456 [3]",  // as printed under the bar code
           "a9999 21 123456 [3]",
           "A9999211234563",    // 13 characters and K
           "=A99992112345663",  // data structure 001 scanned (Type 3)
           "=A99992112345600",  // ... with no flags
           "=a99992112345600",
           "=A999921123456",     // typed without flags
           "  A999921123456\n",  // a scanner's trailing newline
       }) {
    absl::StatusOr<Din> din = ParseDinText(form);
    ASSERT_TRUE(din.ok()) << form << ": " << din.status();
    EXPECT_EQ(*din, expected) << form;
  }
}

TEST(Din, ParseDinTextVerifiesTheCheckCharacterWhenThereIsOne) {
  // One digit mistyped (123465): K or the Type 3 flags no longer match.
  EXPECT_EQ(FieldOf(ParseDinText("A9999 21 123465 [3]").status()),
            "din.check_character");
  EXPECT_EQ(FieldOf(ParseDinText("A9999211234653").status()),
            "din.check_character");
  EXPECT_EQ(FieldOf(ParseDinText("=A99992112346563").status()),
            "din.check_character");
  // Neither 13 characters nor 13 and K.
  absl::Status shape = ParseDinText("A9999 21 12345").status();
  EXPECT_EQ(FieldOf(shape), "din");
  EXPECT_NE(shape.message().find("check character"), std::string::npos);
  EXPECT_EQ(FieldOf(ParseDinText("").status()), "din");
  EXPECT_EQ(FieldOf(ParseDinText("=A9999211234").status()), "din");
}

TEST(Din, FinRules) {
  EXPECT_TRUE(Din::Create("A9999", 0, 0).ok());
  EXPECT_TRUE(Din::Create("1BC12", 0, 0).ok());  // alpha may come later
  EXPECT_TRUE(Din::Create("ABC12", 0, 0).ok());
  for (const char* bad : {"O9999", "09999", "a9999", "AB1C2", "A999", "A99999",
                          "AO999", "A99*9"}) {
    absl::StatusOr<Din> din = Din::Create(bad, 21, 1);
    EXPECT_EQ(FieldOf(din.status()), "din.fin") << bad;
  }
  EXPECT_EQ(FieldOf(Din::Create("A9999", 100, 1).status()), "din.year");
  EXPECT_EQ(FieldOf(Din::Create("A9999", 21, 1000000).status()),
            "din.sequence");
  EXPECT_EQ(FieldOf(Din::Create("A9999", 21, -1).status()), "din.sequence");
  EXPECT_EQ(FieldOf(Din::Parse("A99992112345X").status()), "din.sequence");
  EXPECT_EQ(FieldOf(ParseDonationIdentification("A99992112345600").status()),
            "din");
}

}  // namespace
}  // namespace cellchain::isbt128
