// Donor intake as people do it, through the cellchain CLI against a real
// cellchaind over real mTLS: a technician registers a birth mother (her
// name typed on stdin, sealed at rest), records consent and the cord's
// receipt; an analyst enters the panel; QA signs the eligibility and
// releases the lot. A second donor with a reactive result is refused
// release, and her withdrawal of consent holds her lot in custody. Her name
// is in no audit record or snapshot, and the log verifies.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kName[] = "Maria Fernandes-Ortega";

const char* const kPanel[] = {"HIV12_AB", "HIV1_NAT", "HBSAG",     "HBC_AB",
                              "HBV_NAT",  "HCV_AB",   "HCV_NAT",   "HTLV_AB",
                              "SYPHILIS", "WNV_NAT",  "TCRUZI_AB", "CMV_AB"};

// RFC 3339, UTC.
std::string HoursAgo(int hours);

class DonorE2eTest : public E2eTest {
 protected:
  DonorE2eTest() : E2eTest("donor-e2e") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
    CC_ASSERT_OK_AND_ASSIGN(otto_, AddUser(kOtto));
    CC_ASSERT_OK_AND_ASSIGN(quinn_, AddUser(kQuinn));
  }

  // A registered, consenting donor with every test but `reactive`
  // non-reactive (that one reactive), and her cord received: {code, lot}.
  std::pair<std::string, std::string> Intake(const std::string& reactive,
                                             const std::string& input);

  std::unique_ptr<CliSession> tina_, otto_, quinn_;
};

TEST_F(DonorE2eTest, IntakeToReleasedLotWithRefusalsWithdrawalAndVerify) {
  auto [code, lot] =
      Intake("", std::string("name=") + kName +
                     "\ndate_of_birth=1991-04-17\nmrn=MRN-4471923\n");

  // Bad input names its field; the technician may not release; QA may not
  // release before signing the determination.
  RunResult bad = tina_->Run(
      {"donor", "receive", "--donor-code=" + code,
       "--delivered-at=" + HoursAgo(72), "--collected-at=" + HoursAgo(71),
       "--received-at=" + HoursAgo(66), "--min-celsius=3", "--max-celsius=6",
       "--weight-grams=0"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, HasSubstr("(field: tissue_weight_grams)"));
  RunResult tech = tina_->Run(
      {"donor", "release-lot", "--lot-id=" + lot, "--password-stdin"},
      std::string(kTinaPassword) + "\n");
  EXPECT_THAT(tech.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));
  RunResult early = quinn_->Run(
      {"donor", "release-lot", "--lot-id=" + lot, "--password-stdin"},
      std::string(kQuinnPassword) + "\n");
  EXPECT_THAT(early.output, HasSubstr("(reason: ELIGIBILITY_NOT_DETERMINED)"));

  std::string determined =
      Ok(*quinn_,
         {"donor", "determine", "--donor-code=" + code, "--password-stdin"},
         std::string(kQuinnPassword) + "\n");
  EXPECT_THAT(determined, HasSubstr("ELIGIBLE"));
  std::string released = Ok(
      *quinn_, {"donor", "release-lot", "--lot-id=" + lot, "--password-stdin"},
      std::string(kQuinnPassword) + "\n");
  EXPECT_THAT(released, HasSubstr("is available"));

  // QA finds the lot's records by its DIN exactly as the CLI prints it
  // (with the check character), and in lower case as typed in a hurry.
  std::string printed =
      Capture(Ok(*quinn_, {"donor", "lot", "--lot-id=" + lot}),
              "(A9999 [0-9]{2} [0-9]{6} \\[.\\])");
  ASSERT_FALSE(printed.empty());
  for (const std::string& din : {printed, absl::AsciiStrToLower(printed)}) {
    std::string by_din = Ok(*quinn_, {"audit", "query", "--din=" + din});
    EXPECT_THAT(by_din, HasSubstr(" lot.receive ")) << din;
    EXPECT_THAT(by_din, HasSubstr(" lot.release ")) << din;
    // And her screening results and eligibility determination, made
    // before the cord had a DIN: each screening's record linking it to the
    // DIN at receipt, the determination signed after it carries the DIN.
    int linked = 0;
    for (size_t at = by_din.find(" screening.din_linked ");
         at != std::string::npos;
         at = by_din.find(" screening.din_linked ", at + 1)) {
      ++linked;
    }
    EXPECT_EQ(linked, static_cast<int>(std::size(kPanel))) << by_din;
    EXPECT_THAT(by_din, HasSubstr(" determination.sign ")) << din;
  }

  // Her name: not to the technician, to QA on an audited request only.
  std::string shown = Ok(*tina_, {"donor", "show", "--donor-code=" + code});
  EXPECT_THAT(shown, Not(HasSubstr(kName)));
  EXPECT_THAT(shown, HasSubstr("sealed"));
  RunResult peek = tina_->Run({"donor", "show", "--donor-code=" + code,
                               "--reveal", "--reason=curious"});
  EXPECT_THAT(peek.output, HasSubstr("(reason: IDENTIFYING_DATA_RESTRICTED)"));
  std::string revealed =
      Ok(*quinn_, {"donor", "show", "--donor-code=" + code, "--reveal",
                   "--reason=lookback notification to the obstetrician"});
  EXPECT_THAT(revealed, HasSubstr(kName));

  // A second donor, HBsAg reactive: INELIGIBLE, her lot stays in
  // quarantine; her withdrawal of consent puts it on hold in custody.
  auto [second, second_lot] = Intake("HBSAG", "");
  std::string ineligible =
      Ok(*quinn_,
         {"donor", "determine", "--donor-code=" + second, "--password-stdin"},
         std::string(kQuinnPassword) + "\n");
  EXPECT_THAT(ineligible, HasSubstr("INELIGIBLE"));
  EXPECT_THAT(ineligible, HasSubstr("TEST_REACTIVE HBSAG"));
  RunResult refused = quinn_->Run(
      {"donor", "release-lot", "--lot-id=" + second_lot, "--password-stdin"},
      std::string(kQuinnPassword) + "\n");
  EXPECT_THAT(refused.output, HasSubstr("(reason: DONOR_NOT_ELIGIBLE)"));
  std::string withdrawn =
      Ok(*tina_, {"donor", "withdraw", "--donor-code=" + second,
                  "--reason=mother withdrew consent by phone"});
  EXPECT_THAT(withdrawn, HasSubstr("1 lot(s) on hold"));
  std::string item = Capture(withdrawn, "on hold (itm_[A-Za-z0-9_-]+)");
  ASSERT_FALSE(item.empty()) << withdrawn;
  std::string custody = Ok(*quinn_, {"custody", "show", "--item-id=" + item});
  EXPECT_THAT(custody, HasSubstr("(held)"));
  EXPECT_THAT(custody, HasSubstr("donor consent withdrawn"));

  std::string lots = Ok(*quinn_, {"donor", "lots", "--state=available"});
  EXPECT_THAT(lots, HasSubstr(lot));
  // Each column stands apart: "lot_…A9999 26 000002 [6]" ran together.
  EXPECT_THAT(lots, ::testing::ContainsRegex(
                        lot + "  +A9999 [0-9]{2} [0-9]{6} \\[.\\]  +" + code +
                        "  +available  "))
      << lots;
  EXPECT_THAT(lots, Not(HasSubstr(second_lot)));

  // The records and snapshots QA exports carry no name; the log verifies.
  TempDir bundle("donor-bundle");
  Ok(*quinn_,
     {"audit", "export", "--out=" + bundle.path() + "/b", "--include-state"});
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(bundle.path())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_THAT(content.str(), Not(HasSubstr(kName))) << entry.path();
    EXPECT_THAT(content.str(), Not(HasSubstr("MRN-4471923"))) << entry.path();
  }
  EXPECT_GT(files, 0);
  std::string verified = Ok(*quinn_, {"audit", "verify"});
  EXPECT_THAT(verified, Not(HasSubstr("FINDING")));
}

// The helpers declared above.

std::pair<std::string, std::string> DonorE2eTest::Intake(
    const std::string& reactive, const std::string& input) {
  std::string out =
      Ok(*tina_, {"donor", "register", "--identifying-stdin"}, input);
  std::string code = Capture(out, "donor (DNR-[0-9A-Z]{10}) registered");
  EXPECT_FALSE(code.empty()) << out;
  Ok(*tina_,
     {"donor", "consent", "--donor-code=" + code, "--form-version=UC-ICF v3.2",
      "--consented-at=" + HoursAgo(24 * 20), "--taken-by=Dr. Ines Obregon",
      "--witness=Nurse Paul Kim"});
  for (const char* test : kPanel) {
    Ok(*otto_, {"donor", "screen", "--donor-code=" + code,
                std::string("--test=") + test, "--method=CMIA",
                "--kit-lot=K-2291", "--drawn-at=" + HoursAgo(24 * 4),
                "--result=" + std::string(test == reactive ? "reactive"
                                                           : "non_reactive")});
  }
  out = Ok(*tina_,
           {"donor", "receive", "--donor-code=" + code,
            "--delivered-at=" + HoursAgo(72), "--collected-at=" + HoursAgo(71),
            "--received-at=" + HoursAgo(66), "--min-celsius=3.5",
            "--max-celsius=6", "--weight-grams=42.5"});
  std::string lot = Capture(out, "lot (lot_[A-Za-z0-9_-]+) received");
  EXPECT_FALSE(lot.empty()) << out;
  EXPECT_THAT(out,
              ::testing::ContainsRegex("DIN A9999 [0-9]{2} [0-9]{6} \\[.\\]"));
  EXPECT_THAT(out, HasSubstr("quarantine"));
  return {code, lot};
}

std::string HoursAgo(int hours) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::Now() - absl::Hours(hours),
                          absl::UTCTimeZone());
}

}  // namespace
}  // namespace cellchain::e2e
