#include "services/isbt128/scan.h"

#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::isbt128 {
namespace {

// ST-001 v6.2.2 10.2: a concatenated read is the left bar code's data then
// the right one's, identifiers included, nothing between. 10.5 lists
// DIN [001] + Blood Groups [002] and Product Code [003] + Expiration [005]
// as common pairs. Values from ST-001 Figure 21 label 4 (T0269000,
// 0180292359) and Appendix A.2 (=G12341765432170).
TEST(ParseScan, ConcatenatedProductCodeAndExpiration) {
  std::vector<DataStructure> parsed = *ParseScan("=<T0269000&>0180292359");
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].number, 3);
  EXPECT_EQ(std::get<ProductCode>(parsed[0].value),
            (ProductCode{"T0269", "000"}));
  EXPECT_EQ(parsed[1].number, 5);
  EXPECT_EQ(std::get<Expiration>(parsed[1].value).at,
            absl::CivilMinute(2018, 1, 29, 23, 59));
}

TEST(ParseScan, ConcatenatedDinAndBloodGroups) {
  // "=%5100": O RhD positive (ST-001 Table 4: 51), r = 0, e = 0.
  std::vector<DataStructure> parsed = *ParseScan("=G12341765432170=%5100");
  ASSERT_EQ(parsed.size(), 2u);
  const auto& din = std::get<DonationIdentification>(parsed[0].value);
  EXPECT_EQ(din.din.ToString(), "G123417654321");
  EXPECT_EQ(din.flag_type, FlagType::kType3);
  EXPECT_EQ(std::get<BloodGroups>(parsed[1].value).content, "5100");
}

// ST-001 2.4.23: "=+aabbb", aa structures follow, bbb = 000 for an
// undefined sequence. No published compound message string was found; this
// one is assembled by hand from the rules.
TEST(ParseScan, CompoundMessage) {
  const std::string message =
      "=+03000=A99992112345663=<S12954A0&>0260600805";
  std::vector<DataStructure> parsed = *ParseScan(message);
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0].number, 1);
  EXPECT_EQ(parsed[0].text, "=A99992112345663");
  EXPECT_EQ(parsed[1].number, 3);
  EXPECT_EQ(parsed[2].number, 5);

  EXPECT_EQ(*EncodeCompound({"=A99992112345663", "=<S12954A0",
                             "&>0260600805"}),
            message);
}

TEST(ParseScan, CompoundCountMustMatch) {
  absl::StatusOr<std::vector<DataStructure>> parsed =
      ParseScan("=+04000=A99992112345663=<S12954A0&>0260600805");
  ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(parsed.status()), "compound.count");
  EXPECT_EQ(FieldOf(ParseScan("=+00000").status()), "compound.count");
  EXPECT_EQ(FieldOf(ParseScan("=+0A000=<S12954A0").status()), "compound");
  EXPECT_EQ(FieldOf(ParseScan("=<S12954A0=+01000=<S12954A0").status()),
            "compound");
  EXPECT_EQ(FieldOf(EncodeCompound({}).status()), "compound.count");
  EXPECT_EQ(FieldOf(EncodeCompound({"=<S12954A0X"}).status()), "compound");
}

TEST(ParseScan, SpecifiedSequenceIsNotSupported) {
  absl::StatusOr<std::vector<DataStructure>> parsed =
      ParseScan("=+01001=<S12954A0");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(ReasonOf(parsed.status()), "COMPOUND_SEQUENCE_UNSUPPORTED");
}

TEST(ParseScan, NamesWhatIsMalformed) {
  // Type 3 flags 64 instead of 63.
  EXPECT_EQ(FieldOf(ParseScan("=A99992112345664").status()),
            "din.check_character");
  EXPECT_EQ(FieldOf(ParseScan("=A9999211234566").status()), "scan");  // short
  EXPECT_EQ(FieldOf(ParseScan("").status()), "scan");
  EXPECT_EQ(FieldOf(ParseScan("&(12345").status()), "scan");  // unsupported
  EXPECT_EQ(FieldOf(ParseScan("=<S12954A0 ").status()), "scan");
  EXPECT_EQ(FieldOf(ParseScan("=<S12954A0&>0180002359").status()),
            "expiration");
  EXPECT_EQ(FieldOf(ParseScan("=<s12954A0").status()),
            "product_code.description_code");
  absl::Status unknown = ParseScan("=<S12954A0\x01x").status();
  EXPECT_NE(std::string(unknown.message()).find("offset 10"),
            std::string::npos)
      << unknown;
}

TEST(ParseScan, ChainOfIdentityAndCollection) {
  std::vector<DataStructure> parsed =
      *ParseScan("&/CHA999926AB1234&*0260600805");
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(std::get<ChainOfIdentityId>(parsed[0].value).sequence(), "AB1234");
  EXPECT_EQ(std::get<Collection>(parsed[1].value).at,
            absl::CivilMinute(2026, 3, 1, 8, 5));
}

}  // namespace
}  // namespace cellchain::isbt128
