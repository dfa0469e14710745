// What the CLI's tables look like: columns never run together.
#include "clients/cli/table.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace cellchain::cli
