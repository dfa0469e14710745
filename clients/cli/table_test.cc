// What the CLI's tables look like: columns never run together; and what
// tools read with --format=json or csv: the server's values exactly, however
// odd the characters in them.
#include "clients/cli/table.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace cellchain::cli {
namespace {

TEST(TableTest, ColumnsAreAsWideAsTheirWidestCellPlusTwoSpaces) {
  Table table({"LOT", "DIN", "STATE"});
  table.AddRow({"lot_01", "A9999 26 000002 [6]", "quarantine"});
  table.AddRow(
      {"lot_0000000000000000000002", "A9999 26 000003 [4]", "available"});
  EXPECT_EQ(table.ToString(),
            "LOT                         DIN                  STATE\n"
            "lot_01                      A9999 26 000002 [6]  quarantine\n"
            "lot_0000000000000000000002  A9999 26 000003 [4]  available\n");
}

TEST(TableTest, ACellLongerThanItsHeaderStillLeavesASeparator) {
  // What audit query printed: the entity ran into the actor.
  Table table({"ENTITY", "ACTOR"});
  table.AddRow(
      {"item/itm_6J1dQX0xhD2Jk8aL3vN5pR7tW9", "Tina Tech (technician)"});
  std::string text = table.ToString();
  EXPECT_NE(text.find("item/itm_6J1dQX0xhD2Jk8aL3vN5pR7tW9  Tina Tech"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("W9Tina"), std::string::npos) << text;
}

TEST(TableTest, NothingIsCutAndNoLineEndsInBlanks) {
  Table table({"A", "B"});
  table.AddRow({std::string(120, 'x'), ""});
  table.AddRow({"y", "z"});
  EXPECT_EQ(table.ToString(), "A" + std::string(121, ' ') + "B\n" +
                                  std::string(120, 'x') + "\n" + "y" +
                                  std::string(121, ' ') + "z\n");
}

TEST(TableTest, WidthCountsCharactersNotBytes) {
  Table table({"NAME", "ROLE"});
  table.AddRow({"Zoë Ångström", "qa"});
  table.AddRow({"Ann Smith", "technician"});
  EXPECT_EQ(table.ToString(),
            "NAME          ROLE\n"
            "Zoë Ångström  qa\n"
            "Ann Smith     technician\n");
  EXPECT_EQ(DisplayWidth("Zoë 🧪"), 5u);
}

TEST(TableTest, ALabelLongerThanItsWidthStillLeavesASeparator) {
  EXPECT_EQ(PadLabel("state", 10), "state     ");
  EXPECT_EQ(PadLabel("chain_of_identity", 18), "chain_of_identity  ");
}

TEST(TableTest, RightAlignedColumnsAndIndent) {
  Table table({"DAY", "CUMULATIVE PD", "STEP"}, "  ");
  table.AlignRight(0).AlignRight(1);
  table.AddRow({"7.00", "4.00", "stp_1"});
  table.AddRow({"11.04", "7.00", "stp_2"});
  EXPECT_EQ(table.ToString(),
            "    DAY  CUMULATIVE PD  STEP\n"
            "   7.00           4.00  stp_1\n"
            "  11.04           7.00  stp_2\n");
}

// A name as someone could have typed it before the server refused control
// characters: an escape sequence that clears the screen, a line break, a
// quote, a comma, a backslash, a C1 CSI and a byte that is not UTF-8.
const std::string kOddName =
    "Zo\xc3\xab \x1b[2J\"Q\",\r\nnext\\line\xc2\x9b\xff";

TEST(TableTest, JsonIsAnArrayOfObjectsKeyedByTheHeaderInSnakeCase) {
  Table table({"RECORDED (UTC)", "LOG INDEX", "ACTOR / SIGNATURE"});
  table.Number(1);
  table.AddRow({"2026-12-02T08:15:30Z", "41", "Quinn Quality (qa)"});
  table.AddRow({"2026-12-02T08:16:00Z", "", ""});
  EXPECT_EQ(table.Render(OutputFormat::kJson),
            "[\n"
            "  {\n"
            "    \"recorded_utc\": \"2026-12-02T08:15:30Z\",\n"
            "    \"log_index\": 41,\n"
            "    \"actor_signature\": \"Quinn Quality (qa)\"\n"
            "  },\n"
            "  {\n"
            "    \"recorded_utc\": \"2026-12-02T08:16:00Z\",\n"
            "    \"log_index\": null,\n"
            "    \"actor_signature\": \"\"\n"
            "  }\n"
            "]\n");
  EXPECT_EQ(Table({"A"}).Render(OutputFormat::kJson), "[]\n");
}

TEST(TableTest, JsonNumbersAreNumbersAndTheRestNull) {
  Table table({"N"});
  table.Number(0);
  for (const char* cell : {"-7", "2.5e6", "0.93", "-", "12 kg", "0x10"}) {
    table.AddRow({cell});
  }
  nlohmann::json parsed =
      nlohmann::json::parse(table.Render(OutputFormat::kJson));
  ASSERT_EQ(parsed.size(), 6u);
  EXPECT_EQ(parsed[0]["n"], -7);
  EXPECT_EQ(parsed[1]["n"], 2.5e6);
  EXPECT_EQ(parsed[2]["n"], 0.93);
  for (size_t i = 3; i < 6; ++i) EXPECT_TRUE(parsed[i]["n"].is_null()) << i;
}

TEST(TableTest, JsonKeepsEveryValueAndIsSafeToShowOnATerminal) {
  Table table({"NAME", "ROLE"});
  table.AddRow({kOddName, "qa"});
  std::string text = table.Render(OutputFormat::kJson);
  for (unsigned char c : text) {
    ASSERT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f))
        << "byte " << static_cast<int>(c) << " in " << text;
  }
  nlohmann::json parsed = nlohmann::json::parse(text);
  ASSERT_EQ(parsed.size(), 1u);
  // Every character comes back as it was but the byte that is not UTF-8,
  // which JSON cannot hold: U+FFFD in its place.
  std::string expected = kOddName;
  expected.replace(expected.size() - 1, 1, "\xef\xbf\xbd");
  EXPECT_EQ(parsed[0]["name"], expected);
  EXPECT_EQ(parsed[0]["role"], "qa");
}

TEST(TableTest, CsvHasAHeaderLineAndQuotesWhatWouldBreakALine) {
  Table table({"LOT", "DIN", "STATE", "DEVIATIONS"});
  table.AddRow({"lot_01", "A9999 26 000002 [6]", "quarantine", "0"});
  table.AddRow({"lot_02", "said \"no\", twice", "line\nbreak", ""});
  EXPECT_EQ(table.Render(OutputFormat::kCsv),
            "lot,din,state,deviations\n"
            "lot_01,A9999 26 000002 [6],quarantine,0\n"
            "lot_02,\"said \"\"no\"\", twice\",\"line\nbreak\",\n");
}

TEST(TableTest, CsvKeepsEveryByteOfAValue) {
  Table table({"NAME", "ROLE"});
  table.AddRow({kOddName, "qa"});
  std::string quoted;
  for (char c : kOddName) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  EXPECT_EQ(table.Render(OutputFormat::kCsv),
            "name,role\n\"" + quoted + "\",qa\n");
}

TEST(TableTest, ForPeopleRawValuesArePrintableAndAnEmptyCellIsADash) {
  Table table({"NAME", "REASON", "ROLE"});
  table.AddRow({"Eve\x1b[2J", "", "qa"});
  EXPECT_EQ(table.Render(OutputFormat::kTable),
            "NAME        REASON  ROLE\n"
            "Eve\\x1b[2J  -       qa\n");
}

TEST(TableTest, KeysAreUniqueAndNamed) {
  Table table({"ITEM", "", "Item", "Opened (UTC)"});
  table.AddRow({"a", "b", "c", "d", "e"});
  EXPECT_EQ(table.Keys(),
            (std::vector<std::string>{"item", "column_2", "item_2",
                                      "opened_utc", "column_5"}));
}

TEST(TableTest, OutputFormatsByName) {
  EXPECT_EQ(ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_EQ(ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(ParseOutputFormat("csv"), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("JSON"), std::nullopt);
  EXPECT_EQ(ParseOutputFormat("xml"), std::nullopt);
}

}  // namespace
}  // namespace cellchain::cli
