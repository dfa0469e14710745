// The limits of the process shown by a command, through the real cellchain
// binary against a real cellchaind over mTLS: a technician reads the max
// passage, max cumulative population doublings, minimum doubling time and
// the windows before a step is refused by one of them (they were only in
// code and in the refusals).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

class CliProcessE2eTest : public E2eTest {
 protected:
  CliProcessE2eTest() : E2eTest("cli-process-e2e") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
  }

  std::unique_ptr<CliSession> tina_;
};

TEST_F(CliProcessE2eTest, ATechnicianReadsTheProcessLimits) {
  // cellchaind as started here: the built-in default process.
  std::string shown = Ok(*tina_, {"manufacturing", "process-show"});
  EXPECT_THAT(shown, ContainsRegex("process +RH-UCMSC-1.0 \\(default\\)\n"));
  EXPECT_THAT(shown, ContainsRegex("max passage +P5\n"));
  EXPECT_THAT(shown, ContainsRegex("max cumulative PD +30.00\n"));
  EXPECT_THAT(shown, ContainsRegex("min doubling time +15.0 h\n"));
  EXPECT_THAT(shown, ContainsRegex("past a limit +refused\n"));
  EXPECT_THAT(shown, ContainsRegex("verified steps +[a-z_, ]*harvest"));
  EXPECT_THAT(shown, ContainsRegex("collection to processing +within 48.0 h, "
                                   "else a MAJOR deviation\n"));
  EXPECT_THAT(shown, ContainsRegex("late entry after +1.0 h "
                                   "\\(then --late-entry-reason\\)\n"));
  EXPECT_THAT(shown, ContainsRegex("versions +RH-UCMSC-1.0"));
  EXPECT_EQ(
      Ok(*tina_, {"manufacturing", "process-show", "--process=RH-UCMSC-1.0"}),
      shown);

  RunResult unknown =
      tina_->Run({"manufacturing", "process-show", "--process=RH-9"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_THAT(unknown.output,
              HasSubstr("cellchain: manufacturing process-show: NOT_FOUND: "));
  EXPECT_THAT(unknown.output, HasSubstr("(reason: PROCESS_NOT_FOUND)"));
}

}  // namespace
}  // namespace cellchain::e2e
