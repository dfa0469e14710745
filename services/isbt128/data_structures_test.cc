#include "services/isbt128/data_structures.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::isbt128 {
namespace {

// --- 003 -------------------------------------------------------------------

// Product codes printed in ICCBBA ST-001 v6.2.2: Figure 3 (S12954A0,
// cellular therapy: PDC S1295, collection type 4, division A0), Figure 4
// (T1295003, tissue: division 003), Appendix C (E4306V00, T0326003,
// V0006000, M0001013).
TEST(ProductCode, ExamplesFromSt001) {
  for (const char* code : {"S12954A0", "T1295003", "E4306V00", "T0326003",
                           "V0006000", "M0001013"}) {
    std::string text = std::string("=<") + code;
    absl::StatusOr<ProductCode> parsed = ParseProductCode(text);
    ASSERT_TRUE(parsed.ok()) << code << ": " << parsed.status();
    EXPECT_EQ(parsed->description_code, std::string(code).substr(0, 5));
    EXPECT_EQ(parsed->tds, std::string(code).substr(5, 3));
    EXPECT_EQ(*EncodeProductCode(*parsed), text);
  }
}

TEST(ProductCode, RefusesWhatTheStandardDoesNotAllow) {
  EXPECT_EQ(FieldOf(ParseProductCode("=<1234500").status()), "product_code");
  EXPECT_EQ(FieldOf(ParseProductCode("=<11295000").status()),
            "product_code.description_code");  // α must be a letter
  EXPECT_TRUE(ParseProductCode("=<S1295a00").ok());  // t may be lower case
  EXPECT_EQ(FieldOf(ParseProductCode("=<S12950aA").status()),
            "product_code.tds");  // d lower case
  EXPECT_EQ(FieldOf(ParseProductCode("=<S12950AA").status()),
            "product_code.tds");  // s upper case
  EXPECT_TRUE(ParseProductCode("=<S1295VAa").ok());
}

// --- 005 / 004 / 007 -----------------------------------------------------------

// ST-001 Figure 21, label 4: expiration text "0180292359" printed beside
// "Expiry Date: 29 JAN 2018" (c = 0, yy = 18, day 029, 23:59).
TEST(Expiration, St001Figure21Label4) {
  EXPECT_EQ(*ParseExpiration("&>0180292359"),
            absl::CivilMinute(2018, 1, 29, 23, 59));
  EXPECT_EQ(*EncodeExpiration(absl::CivilMinute(2018, 1, 29, 23, 59)),
            "&>0180292359");
}

// ST-001 2.4.5: "When a time is not specified, the default value of 2359
// shall be encoded".
TEST(Expiration, DateOnlyDefaultsTo2359) {
  EXPECT_EQ(*EncodeExpiration(absl::CivilDay(2018, 1, 29)), "&>0180292359");
}

// No published ISBT 128 example covers leap years. Ordinal days cross-checked
// independently with python3:
//   datetime.date(2024,2,29).timetuple().tm_yday == 60
//   datetime.date(2024,12,31).timetuple().tm_yday == 366
//   datetime.date(2023,12,31).timetuple().tm_yday == 365
TEST(Expiration, LeapYears) {
  EXPECT_EQ(*EncodeExpiration(absl::CivilMinute(2024, 2, 29, 0, 0)),
            "&>0240600000");
  EXPECT_EQ(*EncodeExpiration(absl::CivilMinute(2024, 12, 31, 12, 30)),
            "&>0243661230");
  EXPECT_EQ(*ParseExpiration("&>0243662359"),
            absl::CivilMinute(2024, 12, 31, 23, 59));
  EXPECT_EQ(*ParseExpiration("&>0233652359"),
            absl::CivilMinute(2023, 12, 31, 23, 59));
  // Day 366 of a common year does not exist.
  EXPECT_EQ(FieldOf(ParseExpiration("&>0233662359").status()), "expiration");
  // 2100 is not a leap year (divisible by 100, not by 400); 2000 is.
  EXPECT_EQ(FieldOf(ParseExpiration("&>1003662359").status()), "expiration");
  EXPECT_EQ(*ParseExpiration("&>0003662359"),
            absl::CivilMinute(2000, 12, 31, 23, 59));
}

TEST(Expiration, RefusesMalformedText) {
  for (const char* bad : {"&>018029235", "&>01802923599", "=>0180292359",
                          "&>0180002359", "&>0180292459", "&>0180292360",
                          "&>01802923 9", ""}) {
    absl::StatusOr<absl::CivilMinute> at = ParseExpiration(bad);
    ASSERT_EQ(at.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(at.status()), "expiration") << bad;
  }
  EXPECT_EQ(FieldOf(EncodeExpiration(absl::CivilMinute(1999, 12, 31, 0, 0))
                        .status()),
            "expiration");
}

// Ten digits are past an int: the text was once read as one number, which
// overflowed, so a Debug build refused an expiry from 2215 on as "not
// digits" (found by tests/fuzz/isbt128_scan_fuzzer under UBSan).
TEST(Expiration, LateCenturiesReadBack) {
  for (absl::CivilMinute at : {absl::CivilMinute(2299, 1, 1, 23, 59),
                               absl::CivilMinute(2999, 12, 31, 23, 59)}) {
    absl::StatusOr<std::string> text = EncodeExpiration(at);
    ASSERT_TRUE(text.ok()) << at;
    EXPECT_EQ(ParseExpiration(*text).value_or(absl::CivilMinute()), at)
        << *text;
  }
  EXPECT_EQ(*ParseCollection("&*2990012359"),
            absl::CivilMinute(2299, 1, 1, 23, 59));
  absl::StatusOr<absl::CivilMinute> day_620 = ParseExpiration("&>6156203405");
  EXPECT_THAT(day_620.status().message(),
              ::testing::HasSubstr("day 620 is not a day of 2615"));
}

TEST(ExpirationDate, DataStructure004) {
  EXPECT_EQ(*EncodeExpirationDate(absl::CivilDay(2018, 1, 29)), "=>018029");
  EXPECT_EQ(*ParseExpirationDate("=>018029"), absl::CivilDay(2018, 1, 29));
}

TEST(Collection, DataStructure007) {
  // Same layout as 005 with identifier "&*" (ST-001 2.4.7).
  EXPECT_EQ(*EncodeCollection(absl::CivilMinute(2026, 3, 1, 8, 5)),
            "&*0260600805");  // 31 + 28 + 1 = day 060 of 2026
  EXPECT_EQ(*ParseCollection("&*0260600805"),
            absl::CivilMinute(2026, 3, 1, 8, 5));
  EXPECT_EQ(FieldOf(ParseCollection("&>0260600805").status()), "collection");
}

// --- 040 -------------------------------------------------------------------

// Layout from ST-001 2.4.40 ("&/CHαppppyynnnnnn", sequence alphanumeric).
// No published example of a CoI identifier was found; K below was computed
// independently with python3 (ISO 7064 MOD 37-2 over "CHA999926AB1234"):
// weighted sum mod 37 -> checksum 30 -> 'U'.
TEST(ChainOfIdentity, BuildParse) {
  ChainOfIdentityId id = *ChainOfIdentityId::Create("A9999", 26, "AB1234");
  EXPECT_EQ(id.Content(), "CHA999926AB1234");
  EXPECT_EQ(EncodeChainOfIdentity(id), "&/CHA999926AB1234");
  EXPECT_EQ(*ParseChainOfIdentity("&/CHA999926AB1234"), id);
  EXPECT_EQ(id.CheckCharacter(), 'U');
}

TEST(ChainOfIdentity, RefusesMalformed) {
  EXPECT_EQ(FieldOf(ParseChainOfIdentity("&/XXA999926AB1234").status()), "coi");
  EXPECT_EQ(FieldOf(ParseChainOfIdentity("&/CHA999926AB123").status()), "coi");
  EXPECT_EQ(FieldOf(ParseChainOfIdentity("&/CHO999926AB1234").status()),
            "coi.fin");
  EXPECT_EQ(FieldOf(ParseChainOfIdentity("&/CHA99992XAB1234").status()),
            "coi.year");
  EXPECT_EQ(FieldOf(ParseChainOfIdentity("&/CHA999926ab1234").status()),
            "coi.sequence");
}

}  // namespace
}  // namespace cellchain::isbt128
