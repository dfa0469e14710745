// The growth curve page in a real browser: headless Chromium (chromium.h)
// against a real cellchain-web and cellchaind, on a batch the CLI chain
// made (cli_chain.h). A technician logs in, types the batch id into the
// scan field and sees the curve drawn as an SVG chart: a point per row the
// CLI's `manufacturing growth-curve --format=csv` prints, at the same day
// and doublings, labelled with its passage, and both axes with ticks.
// Screenshot under CELLCHAIN_WEB_SCREENSHOTS/<test>/ (docs/testing.md).
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/web/console_browser.h"

namespace cellchain::web_test {
namespace {

using e2e::kTina;
using e2e::kTinaPassword;

class ManufacturingBrowserTest
    : public ConsoleBrowserTest<e2e::CliChainTest> {
 protected:
  ManufacturingBrowserTest() : ConsoleBrowserTest("web-mfg-browser") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    StartConsole();
  }
};

TEST_F(ManufacturingBrowserTest, ATechnicianSeesABatchsGrowthCurve) {
  AddChainCast();
  if (HasFatalFailure()) return;
  Harvest harvest = VerifiedHarvest();
  ASSERT_FALSE(harvest.batch_id.empty());
  // "day,passage,cumulative_pd,line" rows, as "P<passage> <day> <pd>".
  const std::string csv = Ok(*tina_, {"manufacturing", "growth-curve",
                                      "--batch-id=" + harvest.batch_id,
                                      "--format=csv"});
  std::vector<std::string> expected;
  for (absl::string_view row : absl::StrSplit(csv, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(row, ',');
    if (f.size() != 4 || f[0] == "day") continue;
    expected.push_back("P" + f[1] + " " + f[0] + " " + f[2]);
  }
  ASSERT_FALSE(expected.empty()) << csv;

  OpenTheConsole();
  if (HasFatalFailure()) return;
  SubmitLogin(kTina.user_id, kTinaPassword);
  CC_ASSERT_OK(
      browser_->WaitFor("!document.getElementById('mfg-section').hidden"));
  CC_ASSERT_OK(
      browser_->Type("#mfg-curve-form [name=batchId]", harvest.batch_id));
  CC_ASSERT_OK(browser_->Click("#mfg-curve-form button[type=submit]"));
  const absl::Status drawn = browser_->WaitFor(
      "document.querySelectorAll('#mfg-curve-graph g.point').length > 0");
  ASSERT_TRUE(drawn.ok()) << drawn << "\n" << console_->Log();

  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json points,
      browser_->Evaluate(
          "Array.from(document.querySelectorAll('#mfg-curve-graph g.point'))"
          ".map((p) => p.querySelector('text').textContent + ' ' +"
          " Number(p.dataset.day).toFixed(2) + ' ' +"
          " Number(p.dataset.pd).toFixed(2))"));
  EXPECT_EQ(points.get<std::vector<std::string>>(), expected);
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json ticks,
      browser_->Evaluate(
          "['x', 'y'].map((a) => document.querySelectorAll("
          "'#mfg-curve-graph .axis.' + a + ' g.tick').length)"));
  EXPECT_GE(ticks[0].get<int>(), 2) << ticks;
  EXPECT_GE(ticks[1].get<int>(), 2) << ticks;
  Shot("01-growth-curve");
}

}  // namespace
}  // namespace cellchain::web_test
