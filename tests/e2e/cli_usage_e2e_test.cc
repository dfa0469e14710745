// What a person meets on first use of the cellchain CLI, through the real
// binary against a real cellchaind (issue 28): tables whose columns stand
// apart however long an id is.
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

}  // namespace
}  // namespace cellchain::e2e
