// The screening panel as a person types it: what each entry records, what
// --result, --method and --kit-lot fill in, and what is refused before
// anything is sent.
#include "clients/cli/screening_panel.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::cli {
namespace {

using ::testing::HasSubstr;

const PanelDefaults kDefaults = {
    .result = "", .method = "CMIA", .kit_lot = "K-2291"};

TEST(ScreeningPanelTest, FlagsThenFileLinesInOrderWithTheDefaults) {
  absl::StatusOr<std::vector<PanelEntry>> panel = ParsePanel(
      {"hiv12_ab:Non_Reactive", "HBV_NAT:reactive:NAT:N-77"}, "panel.txt",
      "# drawn 2026-11-20\n\n  CMV_AB : reactive  # for information\n"
      "SYPHILIS:indeterminate::T-1\n",
      kDefaults);
  ASSERT_TRUE(panel.ok()) << panel.status();
  ASSERT_EQ(panel->size(), 4u);
  EXPECT_EQ((*panel)[0].test, "HIV12_AB");
  EXPECT_EQ((*panel)[0].result, "non_reactive");
  EXPECT_EQ((*panel)[0].method, "CMIA");
  EXPECT_EQ((*panel)[0].kit_lot, "K-2291");
  EXPECT_EQ((*panel)[0].source, "--test=hiv12_ab:Non_Reactive");
  EXPECT_EQ((*panel)[1].method, "NAT");
  EXPECT_EQ((*panel)[1].kit_lot, "N-77");
  EXPECT_EQ((*panel)[2].test, "CMV_AB");
  EXPECT_EQ((*panel)[2].result, "reactive");
  EXPECT_EQ((*panel)[2].source, "panel.txt line 3");
  EXPECT_EQ((*panel)[3].method, "CMIA");
  EXPECT_EQ((*panel)[3].kit_lot, "T-1");
  EXPECT_EQ((*panel)[3].source, "panel.txt line 4");
}

TEST(ScreeningPanelTest, OneTestWithResultIsTheSingleForm) {
  PanelDefaults defaults = kDefaults;
  defaults.result = "reactive";
  absl::StatusOr<std::vector<PanelEntry>> panel =
      ParsePanel({"HBSAG"}, "", "", defaults);
  ASSERT_TRUE(panel.ok()) << panel.status();
  ASSERT_EQ(panel->size(), 1u);
  EXPECT_EQ((*panel)[0].result, "reactive");
}

TEST(ScreeningPanelTest, RefusedBeforeAnythingIsSentNamingTheEntry) {
  auto refusal = [](std::vector<std::string> tests, std::string file) {
    absl::StatusOr<std::vector<PanelEntry>> panel =
        ParsePanel(tests, "p.txt", file, kDefaults);
    EXPECT_EQ(panel.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(panel.status().message());
  };
  EXPECT_EQ(refusal({"HBSAG"}, ""),
            "--test=HBSAG: no result for HBSAG (CODE:RESULT, or "
            "--result for every entry without one)");
  EXPECT_THAT(refusal({"HBSAG:negative"}, ""),
              HasSubstr("--test=HBSAG:negative: the result of HBSAG is "
                        "non_reactive, reactive or indeterminate"));
  EXPECT_THAT(refusal({}, "HBSAG:reactive\n\nhbsag:non_reactive\n"),
              HasSubstr("--panel-file: p.txt line 3: HBSAG is entered twice"));
  EXPECT_THAT(refusal({":reactive"}, ""), HasSubstr("no test code"));
  EXPECT_THAT(refusal({"A:reactive:M:K:extra"}, ""),
              HasSubstr("not CODE:RESULT[:METHOD[:KIT_LOT]]"));
  EXPECT_THAT(refusal({}, "# nothing but comments\n"),
              HasSubstr("no test entered"));
}

}  // namespace
}  // namespace cellchain::cli
