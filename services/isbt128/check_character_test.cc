#include "services/isbt128/check_character.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::isbt128 {
namespace {

// ICCBBA ST-001 v6.2.2 (ISBT 128 Standard Technical Specification), Appendix
// A.1 "Example of Calculation": DIN G1234 17 654321, weighted sum 146178,
// mod 37 = 28, 38 - 28 = 10, checksum 10, K = 'A'.
TEST(Mod37_2, IccbbaSt001AppendixA1) {
  EXPECT_EQ(*Mod37_2Checksum("G123417654321"), 10);
  EXPECT_EQ(*Mod37_2CheckCharacter("G123417654321"), 'A');
}

// JPAC, Guidelines for the Blood Transfusion Services in the UK ("Red
// Book"), Annex 2 "ISBT 128 check character calculation", Table A2.2:
// donation number G123 498 654 321 -> sum 148354, mod 37 = 21, checksum 17,
// eye-readable check 'H', bar code check characters 77.
// https://www.transfusionguidelines.org/red-book/annex-2-isbt-128-check-character-calculation
TEST(Mod37_2, JpacRedBookAnnex2) {
  EXPECT_EQ(*Mod37_2Checksum("G123498654321"), 17);
  EXPECT_EQ(*Mod37_2CheckCharacter("G123498654321"), 'H');
}

// ST-001 Table 35 / Red Book Table A2.1: value -> character, 0-9, A-Z, *.
TEST(Mod37_2, CharacterTable) {
  EXPECT_EQ(CheckCharacterFor(0), '0');
  EXPECT_EQ(CheckCharacterFor(9), '9');
  EXPECT_EQ(CheckCharacterFor(10), 'A');
  EXPECT_EQ(CheckCharacterFor(17), 'H');
  EXPECT_EQ(CheckCharacterFor(35), 'Z');
  EXPECT_EQ(CheckCharacterFor(36), '*');
  EXPECT_EQ(ChecksumOfCheckCharacter('*'), 36);
  EXPECT_EQ(ChecksumOfCheckCharacter('A'), 10);
  EXPECT_EQ(ChecksumOfCheckCharacter('a'), -1);
}

// ISO/IEC 7064 property: with its check character appended (as a value),
// the pure-system sum is congruent to 1 (mod 37). Checked for every
// single-character change of a DIN: the check character detects all of them.
TEST(Mod37_2, DetectsEverySingleSubstitution) {
  const std::string din = "A999921123456";
  char k = *Mod37_2CheckCharacter(din);
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (size_t i = 0; i < din.size(); ++i) {
    for (char c : alphabet) {
      if (c == din[i]) continue;
      std::string typo = din;
      typo[i] = c;
      EXPECT_NE(*Mod37_2CheckCharacter(typo), k) << typo;
    }
  }
}

TEST(Mod37_2, RefusesCharactersWithoutValue) {
  for (const char* bad : {"", "a9999", "A9999 21", "A*"}) {
    absl::StatusOr<int> sum = Mod37_2Checksum(bad);
    ASSERT_EQ(sum.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(sum.status()), "check_character.data");
  }
}

}  // namespace
}  // namespace cellchain::isbt128
