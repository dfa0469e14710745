// Bulk entry where a person enters many of one thing, through the real
// cellchain binary against a real cellchaind over mTLS: the whole screening
// panel in one command (repeated --test flags or a --panel-file), each
// result its own record; a refusal says which entry and stops; the same
// command run again records only what is missing; a box's positions created
// with the box (--grid=9x9).
#include <algorithm>
#include <fstream>
#include <tuple>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// How many lines of `text` contain `part`.
int Lines(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.find('\n', at), text.size());
    if (text.substr(at, end - at).find(part) != std::string::npos) ++n;
    at = end + 1;
  }
  return n;
}

class CliBulkE2eTest : public E2eTest {
 protected:
  CliBulkE2eTest() : E2eTest("cli-bulk-e2e"), files_("cli-bulk-files") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
    CC_ASSERT_OK_AND_ASSIGN(otto_, AddUser(kOtto));
    CC_ASSERT_OK_AND_ASSIGN(quinn_, AddUser(kQuinn));
  }

  // A file of `text` in files_: its path.
  std::string File(const std::string& name, const std::string& text) {
    std::string path = files_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  TempDir files_;
  std::unique_ptr<CliSession> tina_, otto_, quinn_;
};

TEST_F(CliBulkE2eTest, TheWholeScreeningPanelInOneCommand) {
  absl::Time now = absl::Now();
  std::string out = Ok(*tina_, {"donor", "register"});
  std::string donor = Capture(out, "donor (DNR-[0-9A-Z]{10}) registered");
  ASSERT_FALSE(donor.empty()) << out;
  Ok(*tina_,
     {"donor", "consent", "--donor-code=" + donor, "--form-version=UC-ICF v3.2",
      "--consented-at=" + Rfc3339(now - absl::Hours(24 * 6)),
      "--taken-by=Dr. Ines Obregon", "--witness=Nurse Paul Kim"});
  const std::vector<std::string> common = {
      "donor",
      "screen",
      "--donor-code=" + donor,
      "--drawn-at=" + Rfc3339(now - absl::Hours(24)),
      "--method=CMIA",
      "--kit-lot=K-2291"};

  // A result that is no result is refused before anything is sent.
  std::vector<std::string> bad_result = common;
  bad_result.push_back("--test=HIV12_AB:non_reactive");
  bad_result.push_back("--test=HBSAG:negative");
  RunResult refused = otto_->Run(bad_result);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_THAT(refused.output,
              HasSubstr("cellchain: donor screen: "
                        "--test=HBSAG:negative: the result of HBSAG is "
                        "non_reactive, reactive or indeterminate\n"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.screenings"), 0);

  // Repeated --test flags: the third is no test of the panel; the server
  // refuses it, the two before it are recorded and the fourth is not sent.
  std::vector<std::string> flags = common;
  for (const char* test :
       {"--test=HIV12_AB:non_reactive", "--test=HIV1_NAT:non_reactive:NAT:N-1",
        "--test=HIV3_AB:non_reactive", "--test=HBSAG:non_reactive"}) {
    flags.push_back(test);
  }
  RunResult stopped = otto_->Run(flags);
  EXPECT_EQ(stopped.exit_code, 1) << stopped.output;
  EXPECT_THAT(stopped.output,
              ContainsRegex("screening scr_[A-Za-z0-9_-]+: HIV12_AB "
                            "non_reactive\n"));
  EXPECT_THAT(stopped.output, HasSubstr(": HIV1_NAT non_reactive\n"));
  EXPECT_THAT(stopped.output, HasSubstr("(reason: TEST_NOT_IN_PANEL)"));
  EXPECT_THAT(stopped.output,
              HasSubstr("cellchain: donor screen: stopped at HIV3_AB "
                        "(--test=HIV3_AB:non_reactive): 2 of 4 recorded, 1 "
                        "not sent; run the same command again"));
  EXPECT_THAT(stopped.output, Not(HasSubstr("HBSAG non_reactive")));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.screenings"), 2);

  // The panel put right, as a file: the two recorded are not recorded
  // again, and the cytomegalovirus antibody's own method and kit are kept.
  std::string panel = File("panel.txt",
                           "# RegenHeart panel, drawn the day before birth\n"
                           "HIV12_AB:non_reactive\n"
                           "HIV1_NAT:non_reactive:NAT:N-1\n"
                           "HBSAG:non_reactive\n"
                           "HBC_AB:non_reactive\n"
                           "HBV_NAT:non_reactive:NAT:N-1\n"
                           "HCV_AB:non_reactive\n"
                           "HCV_NAT:non_reactive:NAT:N-1\n"
                           "HTLV_AB:non_reactive\n"
                           "SYPHILIS:non_reactive\n"
                           "WNV_NAT:non_reactive:NAT:N-1\n"
                           "TCRUZI_AB:non_reactive\n"
                           "cmv_ab : reactive : ELISA : E-5  # information\n");
  std::vector<std::string> from_file = common;
  from_file.push_back("--panel-file=" + panel);
  std::string recorded = Ok(*otto_, from_file);
  EXPECT_THAT(recorded, HasSubstr("12 results recorded for " + donor + "\n"));
  EXPECT_THAT(recorded, HasSubstr(": CMV_AB reactive\n"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.screenings"), 12);
  std::string shown = Ok(*tina_, {"donor", "show", "--donor-code=" + donor});
  EXPECT_EQ(Lines(shown, "  screening  "), 12) << shown;
  EXPECT_EQ(Lines(shown, "screening  HIV12_AB  "), 1) << shown;
  EXPECT_THAT(shown, ContainsRegex("screening +CMV_AB +reactive +drawn "
                                   "[^\n]*, ELISA, kit E-5\n"));
  EXPECT_THAT(shown, ContainsRegex("screening +HIV1_NAT +non_reactive +drawn "
                                   "[^\n]*, NAT, kit N-1\n"));

  // The whole command once more: nothing new.
  Ok(*otto_, from_file);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.screenings"), 12);
}

TEST_F(CliBulkE2eTest, ABoxsPositionsAreCreatedWithIt) {
  for (const auto& [kind, name, parent] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"site", "Cell Therapy Unit", ""},
           {"room", "Cryo room", "Cell Therapy Unit"},
           {"freezer", "FRZ-01", "Cryo room"},
           {"rack", "R2", "FRZ-01"}}) {
    std::vector<std::string> args = {"custody", "location-add",
                                     "--kind=" + kind, "--name=" + name};
    if (!parent.empty()) args.push_back("--parent-location=" + parent);
    Ok(*quinn_, args);
  }
  const std::string kPositions =
      "SELECT count(*) FROM cellchain_custody.locations WHERE kind = 6";

  // Not a box, or not a grid: refused before anything is sent.
  RunResult rack =
      quinn_->Run({"custody", "location-add", "--kind=rack", "--name=R3",
                   "--parent-location=FRZ-01", "--grid=9x9"});
  EXPECT_EQ(rack.exit_code, 2) << rack.output;
  EXPECT_THAT(rack.output,
              HasSubstr("cellchain: custody location-add: --grid: only a box "
                        "has a grid of positions (--kind=box)\n"));
  RunResult big =
      quinn_->Run({"custody", "location-add", "--kind=box", "--name=B3",
                   "--parent-location=FRZ-01/R2", "--grid=27x9"});
  EXPECT_EQ(big.exit_code, 2) << big.output;
  EXPECT_THAT(big.output, HasSubstr("--grid: \"27x9\" is not ROWSxCOLUMNS"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.locations "
                  "WHERE kind = 5"),
            0);

  const std::vector<std::string> box = {"custody",
                                        "location-add",
                                        "--kind=box",
                                        "--name=B3",
                                        "--parent-location=FRZ-01/R2",
                                        "--grid=9x9"};
  std::string made = Ok(*quinn_, box);
  std::string id = Capture(made, "location (loc_[A-Za-z0-9_-]+) \\(box B3\\)");
  ASSERT_FALSE(id.empty()) << made;
  EXPECT_THAT(made, HasSubstr("81 positions A1 to I9 in B3\n"));
  std::string listed =
      Ok(*tina_, {"custody", "locations", "--parent-location=FRZ-01/R2/B3"});
  EXPECT_EQ(Lines(listed, " position "), 81) << listed;
  EXPECT_THAT(listed, ContainsRegex("loc_[A-Za-z0-9_-]+ +position +A1\n"));
  EXPECT_THAT(listed, ContainsRegex("loc_[A-Za-z0-9_-]+ +position +E5\n"));
  EXPECT_THAT(listed, ContainsRegex("loc_[A-Za-z0-9_-]+ +position +I9\n"));
  EXPECT_THAT(listed, Not(HasSubstr(" J1")));
  EXPECT_THAT(listed, Not(HasSubstr(" A10")));
  // A position is named through its box, as any place is.
  std::string item =
      Ok(*tina_, {"custody", "register", "--type=reagent_lot",
                  "--local-code=RGT-0009", "--location-id=frz-01/r2/b3/i9"});
  EXPECT_THAT(
      Ok(*tina_, {"custody", "locations", "--parent-location=FRZ-01/R2/B3"}),
      ContainsRegex("position +I9 +\\[" +
                    Capture(item, "(itm_[A-Za-z0-9_-]+)") + "\\]"));

  // The same command again: the same box, no position twice.
  std::string again = Ok(*quinn_, box);
  EXPECT_THAT(again, HasSubstr("location " + id + " (box B3)"));
  EXPECT_EQ(Count(kPositions), 81);
}

}  // namespace
}  // namespace cellchain::e2e
