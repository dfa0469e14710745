// Custody as people do it, through the cellchain CLI against a real
// cellchaind over real mTLS: a technician allocates a DIN and registers a
// donor lot and what is made from it, hands the dose to the pharmacy, whose
// scan of the wrong bag is refused; QA recalls the lot, traces the dose
// back to its donor, and the whole audit trail — custody's signed
// snapshots included — verifies.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CustodyE2eTest : public E2eTest {
 protected:
  CustodyE2eTest() : E2eTest("custody-e2e") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
    CC_ASSERT_OK_AND_ASSIGN(phil_, AddUser(kPhil));
    CC_ASSERT_OK_AND_ASSIGN(quinn_, AddUser(kQuinn));
  }

  // "registered itm_... (...)" -> the item id.
  std::string Register(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"custody", "register"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string id = Capture(Ok(*tina_, argv), "registered (itm_[A-Za-z0-9]+)");
    EXPECT_FALSE(id.empty());
    return id;
  }

  std::unique_ptr<CliSession> tina_, phil_, quinn_;
};

TEST_F(CustodyE2eTest, FromDonorLotToPharmacyWithScansRecallTraceAndVerify) {
  // A DIN for the donor lot, with its boxed check character.
  std::string din_out = Ok(*tina_, {"custody", "din", "--fin=A9999"});
  std::string data =
      Capture(din_out, "data structure +(=A9999[0-9]{8}[0-9]{2})");
  ASSERT_FALSE(data.empty()) << din_out;
  EXPECT_THAT(din_out,
              ::testing::ContainsRegex("A9999 [0-9]{2} 000001 \\[.\\]"));

  std::string lot = Register({"--type=donor_lot", "--din=" + data});
  std::string medium = Register({"--type=reagent_lot", "--local-code=MED-7"});
  std::string vessel =
      Register({"--type=culture_vessel", "--local-code=P0-7",
                "--parents=" + lot + ":processing," + medium + ":material"});
  std::string dose =
      Register({"--type=dose_bag", "--local-code=DOSE-7", "--patient-id=RH-017",
                "--parents=" + vessel + ":formulation"});
  std::string other = Register({"--type=dose_bag", "--local-code=DOSE-8",
                                "--parents=" + vessel + ":formulation"});

  // To the pharmacy: the wrong bag scanned is refused, the right one taken.
  std::string handoff_out =
      Ok(*tina_, {"custody", "handoff", "--item-id=" + dose, "--to-user=phil",
                  "--condition=cool box"});
  std::string handoff = Capture(handoff_out, "handoff (hnd_[A-Za-z0-9]+)");
  ASSERT_FALSE(handoff.empty()) << handoff_out;
  RunResult wrong = phil_->Run(
      {"custody", "accept", "--handoff-id=" + handoff, "--scan=-"}, "DOSE-8\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.output, HasSubstr("(reason: SCAN_MISMATCH)"));
  std::string accepted =
      Ok(*phil_, {"custody", "accept", "--handoff-id=" + handoff, "--scan=-"},
         "DOSE-7\n");
  EXPECT_THAT(accepted, HasSubstr("custodian phil"));
  // Only the custodian hands it on.
  RunResult not_hers =
      tina_->Run({"custody", "handoff", "--item-id=" + dose, "--to-user=tina"});
  EXPECT_THAT(not_hers.output, HasSubstr("(reason: NOT_CUSTODIAN)"));
  // A technician may not recall.
  RunResult not_qa = tina_->Run({"custody", "recall", "--item-id=" + lot,
                                 "--reason=suspected contamination"});
  EXPECT_THAT(not_qa.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));

  // QA recalls the donor lot: it and everything made from it is held.
  std::string recalled = Ok(*quinn_, {"custody", "recall", "--item-id=" + lot,
                                      "--reason=maternal HBV NAT reactive"});
  EXPECT_THAT(recalled, HasSubstr("4 item(s) on hold"));
  EXPECT_THAT(recalled, HasSubstr(dose));
  EXPECT_THAT(recalled, HasSubstr(other));
  EXPECT_THAT(Ok(*phil_, {"custody", "show", "--item-id=" + dose}),
              HasSubstr("on_hold (held)"));
  RunResult infuse = phil_->Run({"custody", "end", "--item-id=" + dose,
                                 "--outcome=infused", "--patient-id=RH-017"});
  EXPECT_THAT(infuse.output, HasSubstr("(reason: ITEM_ON_HOLD)"));

  // The dose traced back: donor lot, reagent lot, operators, patient.
  std::string trace = Ok(*quinn_, {"custody", "trace", "--item-id=" + dose});
  EXPECT_THAT(trace, ::testing::ContainsRegex(
                         "donor lots    A9999 [0-9]{2} 000001 \\[.\\]\n"));
  EXPECT_THAT(trace, HasSubstr("reagent lots  MED-7\n"));
  EXPECT_THAT(trace, HasSubstr("operators     phil, quinn, tina"));
  EXPECT_THAT(trace, HasSubstr("RH-017"));
  // The tree names items as people do; ids stay in the detail column.
  EXPECT_THAT(trace,
              ::testing::ContainsRegex(
                  "<- formulation P0-7  culture_vessel .* itm_.* \\(rec_"));

  // Every custody record verifies, snapshots against rows included.
  std::string verified = Ok(*quinn_, {"audit", "verify"});
  EXPECT_THAT(verified, Not(HasSubstr("FINDING")));
}

// Two vessels made from one donor lot and one medium, pooled into a dose:
// the trace names the lot by its DIN as printed on its label, and prints
// the lot and the medium once each, saying which other vessel reaches them.
TEST_F(CustodyE2eTest,
       TraceNamesItemsByDinAndCodeAndPrintsSharedAncestorsOnce) {
  std::string din_out = Ok(*tina_, {"custody", "din", "--fin=A9999"});
  std::string data =
      Capture(din_out, "data structure +(=A9999[0-9]{8}[0-9]{2})");
  std::string eye = Capture(din_out, "(A9999 [0-9]{2} 000001 \\[.\\])");
  ASSERT_FALSE(data.empty()) << din_out;
  ASSERT_FALSE(eye.empty()) << din_out;
  std::string lot = Register({"--type=donor_lot", "--din=" + data});
  std::string medium =
      Register({"--type=reagent_lot", "--local-code=MAT-0042"});
  std::string parents =
      "--parents=" + lot + ":processing," + medium + ":material";
  std::string first =
      Register({"--type=culture_vessel", "--local-code=P0-A", parents});
  std::string second =
      Register({"--type=culture_vessel", "--local-code=P0-B", parents});
  std::string dose = Register(
      {"--type=dose_bag", "--local-code=DOSE-9",
       "--parents=" + first + ":formulation," + second + ":formulation"});

  std::string trace = Ok(*quinn_, {"custody", "trace", "--item-id=" + dose});
  auto count = [&trace](const std::string& text) {
    int n = 0;
    for (size_t at = trace.find(text); at != std::string::npos;
         at = trace.find(text, at + 1)) {
      ++n;
    }
    return n;
  };
  // Once in the tree, once in the summary: not once per vessel.
  EXPECT_EQ(count(eye), 2) << trace;
  EXPECT_EQ(count("MAT-0042"), 2) << trace;
  EXPECT_EQ(count(lot), 1) << trace;  // the detail column only
  EXPECT_THAT(trace, HasSubstr("donor lots    " + eye + "\n"));
  EXPECT_THAT(trace, HasSubstr("reagent lots  MAT-0042\n"));
  EXPECT_THAT(trace,
              ::testing::ContainsRegex("processing " +
                                       std::string("A9999 [0-9]{2} 000001 "
                                                   "\\[.\\]  donor_lot .*"
                                                   "\\(also via P0-[AB]\\)")));
  EXPECT_THAT(trace, HasSubstr("5 item(s)"));
  EXPECT_THAT(trace, HasSubstr("operators     tina"));
}

}  // namespace
}  // namespace cellchain::e2e
