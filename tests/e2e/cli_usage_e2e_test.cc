// What a person meets on first use of the cellchain CLI, through the real
// binary against a real cellchaind (issue 28): tables whose columns stand
// apart however long an id is; a group's --help that lists its commands; a
// flag that does not apply, or does not exist, refused naming the flag and
// the command before anything is sent; refusals naming the flag typed, not
// the request's field.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class CliUsageE2eTest : public E2eTest {
 protected:
  CliUsageE2eTest() : E2eTest("cli-usage-e2e") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
  }

  std::unique_ptr<CliSession> tina_;
};

TEST_F(CliUsageE2eTest, AuditQueryKeepsTheEntityApartFromTheActor) {
  std::string registered =
      Ok(*tina_,
         {"custody", "register", "--type=reagent_lot", "--local-code=MED-28"});
  std::string item = Capture(registered, "registered (itm_[A-Za-z0-9_-]+)");
  ASSERT_FALSE(item.empty()) << registered;

  // An item id is longer than the column the table used to give it:
  // "item/itm_…Tina Tech (technician)" ran together.
  std::string query = Ok(
      *admin_, {"audit", "query", "--entity-type=item", "--entity-id=" + item});
  EXPECT_THAT(query,
              ContainsRegex("item/" + item + "  +Tina Tech \\(technician\\)"))
      << query;
  std::string history = Ok(*admin_, {"audit", "history", "--entity-type=item",
                                     "--entity-id=" + item});
  EXPECT_THAT(history,
              ContainsRegex("item/" + item + "  +Tina Tech \\(technician\\)"))
      << history;
  EXPECT_THAT(history, HasSubstr("chain intact"));
}

TEST_F(CliUsageE2eTest, AGroupsHelpListsItsOwnCommands) {
  for (const char* group : {"manufacturing", "mfg"}) {
    RunResult help = tina_->Run({group, "--help"});
    EXPECT_EQ(help.exit_code, 0) << help.output;
    EXPECT_THAT(help.output,
                HasSubstr("Usage: cellchain manufacturing COMMAND"));
    EXPECT_THAT(help.output, ContainsRegex("\n  batch-start +A batch from"));
    EXPECT_THAT(help.output, ContainsRegex("\n  growth-curve +"));
    // Not the global help.
    EXPECT_THAT(help.output, Not(HasSubstr("custody register")));
    EXPECT_THAT(help.output, Not(HasSubstr("--page-size")));
  }
  RunResult custody = tina_->Run({"custody", "--help"});
  EXPECT_THAT(custody.output, ContainsRegex("\n  release-hold +"));
  EXPECT_THAT(custody.output, Not(HasSubstr("batch-start")));
}

TEST_F(CliUsageE2eTest, AFlagThatDoesNotApplyIsRefusedNotIgnored) {
  RunResult csv = tina_->Run(
      {"manufacturing", "batch-show", "--batch-id=bat_none", "--format=csv"});
  EXPECT_EQ(csv.exit_code, 2) << csv.output;
  EXPECT_THAT(csv.output, HasSubstr("cellchain: manufacturing batch-show: "
                                    "--format does not apply to this command"));
  // Refused before the call: the server would have said BATCH_NOT_FOUND.
  EXPECT_THAT(csv.output, Not(HasSubstr("NOT_FOUND")));

  RunResult din = tina_->Run({"manufacturing", "batch-start",
                              "--lot-id=lot_none", "--din=A999926000003"});
  EXPECT_EQ(din.exit_code, 2) << din.output;
  EXPECT_THAT(din.output, HasSubstr("cellchain: manufacturing batch-start: "
                                    "--din does not apply"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_manufacturing.batches"), 0);

  RunResult unknown =
      tina_->Run({"custody", "show", "--item-id=itm_none", "--colour=red"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_THAT(unknown.output,
              HasSubstr("cellchain: custody show: unknown flag --colour"));
}

TEST_F(CliUsageE2eTest, RefusalsNameTheFlagThePersonTyped) {
  RunResult missing = tina_->Run({"manufacturing", "batch-start"});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("cellchain: manufacturing batch-start: "
                                        "--lot-id is required"));
  // Given empty, the server refuses its field; the person reads the flag.
  RunResult empty = tina_->Run({"manufacturing", "batch-start", "--lot-id="});
  EXPECT_EQ(empty.exit_code, 1) << empty.output;
  EXPECT_THAT(empty.output, HasSubstr("cellchain: manufacturing batch-start: "
                                      "INVALID_ARGUMENT: --lot-id: required"));
  EXPECT_THAT(empty.output, Not(HasSubstr("donor_lot_id: required")));
  RunResult code = tina_->Run(
      {"custody", "register", "--type=reagent_lot", "--local-code=MED 28"});
  EXPECT_EQ(code.exit_code, 1) << code.output;
  EXPECT_THAT(code.output, ContainsRegex("INVALID_ARGUMENT: --local-code: .*"
                                         "\\(field: local_code\\)"));
}

}  // namespace
}  // namespace cellchain::e2e
