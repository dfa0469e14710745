// `isbt parse`'s JSON as a script reads it: valid JSON whatever text a data
// structure carries, and the layout the command has always printed.
#include "clients/label/isbt_json.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/isbt128/scan.h"

namespace cellchain::label {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// ParseScan refuses control characters in every field it reads, so text
// holding them is built by hand: what the JSON writer must survive if a
// reader ever lets one through (or a field is added that is not checked).
TEST(ScanJsonTest, ControlCharactersComeOutAsJsonThatParsesBackToTheText) {
  const std::string content = "A\nB\tC\r\x01\x1b[2J\x7f\"\\";
  const std::string text = "=%" + content;
  std::vector<isbt128::DataStructure> structures = {
      {.number = 2, .text = text, .value = isbt128::BloodGroups{content}},
      {.number = 3,
       .text = "=<S1295\n0A0",
       .value = isbt128::ProductCode{.description_code = "S1295\b\f",
                                     .tds = "\t0A"}}};
  const std::string json = ScanJson(false, structures);

  // The usual short escapes, as any JSON writer writes them.
  EXPECT_THAT(json, HasSubstr(R"("content": "A\nB\tC\r\u0001\u001b[2J)"));
  EXPECT_THAT(json, HasSubstr(R"("tds": "\t0A")"));
  // No raw control character anywhere but the layout's line breaks.
  for (char c : json) {
    if (c == '\n') continue;
    EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20)
        << "raw control character " << static_cast<int>(c) << " in " << json;
  }

  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << json;
  ASSERT_EQ(parsed["data_structures"].size(), 2u);
  EXPECT_EQ(parsed["data_structures"][0]["data"], text);
  EXPECT_EQ(parsed["data_structures"][0]["content"], content);
  EXPECT_EQ(parsed["data_structures"][1]["data"], "=<S1295\n0A0");
  EXPECT_EQ(parsed["data_structures"][1]["description_code"], "S1295\b\f");
  EXPECT_EQ(parsed["data_structures"][1]["tds"], "\t0A");
}

TEST(ScanJsonTest, TextThatIsNotUtf8IsReplacedNotPassedThrough) {
  const std::string content = "AB\xff\xfe";
  const std::string json =
      ScanJson(false, {{.number = 2,
                        .text = "=%" + content,
                        .value = isbt128::BloodGroups{content}}});
  EXPECT_THAT(json, Not(HasSubstr("\xff")));
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << json;
  EXPECT_EQ(parsed["data_structures"][0]["content"], "AB\uFFFD\uFFFD");
}

// The layout scripts have read since issue 11: the top-level object
// indented, one data structure a line, a space after every ':' and ','.
TEST(ScanJsonTest, KeepsTheCommandsLayoutAndFieldOrder) {
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan("=A99992600001789=%5100");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(ScanJson(false, *parsed),
            "{\n"
            "  \"compound_message\": false,\n"
            "  \"data_structures\": [\n"
            "    {\"number\": \"001\", \"data\": \"=A99992600001789\", "
            "\"name\": \"donation identification number\", "
            "\"din\": \"A999926000017\", \"fin\": \"A9999\", "
            "\"year\": 26, \"sequence\": 17, \"flags\": \"89\", "
            "\"flag_type\": \"type3\", \"check_character\": \"T\", "
            "\"eye_readable\": \"A9999 26 000017\"},\n"
            "    {\"number\": \"002\", \"data\": \"=%5100\", "
            "\"name\": \"blood groups\", \"content\": \"5100\"}\n"
            "  ]\n"
            "}\n");
  EXPECT_EQ(ScanJson(true, {}),
            "{\n  \"compound_message\": true,\n  \"data_structures\": [\n  "
            "]\n}\n");
}

}  // namespace
}  // namespace cellchain::label
