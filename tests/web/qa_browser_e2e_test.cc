// QA's page in a real browser: headless Chromium (chromium.h) against a real
// cellchain-web and cellchaind, with a lot awaiting disposition made by the
// CLI chain (cli_chain.h). QA logs in, finds the lot among those awaiting
// disposition, sees its trace drawn as an SVG graph (a node per item the
// trace RPC answers, an edge per link, each opening its signed record),
// is refused a signature with a wrong password and signs the release with
// the right one, and saves its certificate of analysis; before, QA verifies
// the audit log, its progress shown, to no finding. Screenshots of each
// step go under
// CELLCHAIN_WEB_SCREENSHOTS/<test>/ (docs/testing.md).
#include <algorithm>
#include <memory>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/web/console_browser.h"

namespace cellchain::web_test {
namespace {

using e2e::kQuinn;
using e2e::kQuinnPassword;

class QaBrowserTest : public ConsoleBrowserTest<e2e::CliChainTest> {
 protected:
  QaBrowserTest() : ConsoleBrowserTest("web-qa-browser") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    StartConsole();
  }

  // `expression` evaluated in the page.
  nlohmann::json Eval(const std::string& expression) {
    absl::StatusOr<nlohmann::json> value = browser_->Evaluate(expression);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? *value : nlohmann::json();
  }
};

TEST_F(QaBrowserTest, QaFindsALotSeesItsTraceAndSignsItsRelease) {
  AddChainCast();
  if (HasFatalFailure()) return;
  Harvest harvest = VerifiedHarvest();
  ASSERT_FALSE(harvest.batch_id.empty());
  const std::string lot = QcLotAwaitingDisposition(harvest.batch_id);
  ASSERT_FALSE(lot.empty());

  OpenTheConsole();
  if (HasFatalFailure()) return;
  SubmitLogin(kQuinn.user_id, kQuinnPassword);

  // The lot is listed as awaiting disposition, its one test in spec.
  const std::string row = "#qa-lots tr[data-lot-id=" + JsString(lot) + "]";
  const absl::Status listed = browser_->WaitFor(
      "document.querySelector(" + JsString(row) + ") !== null");
  ASSERT_TRUE(listed.ok()) << listed << "\n" << console_->Log();
  CC_ASSERT_OK_AND_ASSIGN(std::string listed_row, browser_->TextOf(row));
  EXPECT_NE(listed_row.find("testing"), std::string::npos) << listed_row;
  EXPECT_NE(listed_row.find("VIABILITY: in specification"), std::string::npos)
      << listed_row;
  Shot("01-lots-awaiting-disposition");

  // The whole log the CLI's chain wrote, verified: the last phase's
  // progress shown, no finding.
  CC_ASSERT_OK(browser_->Click("#qa-verify"));
  const absl::Status verified = browser_->WaitFor(
      "document.getElementById('qa-verify-summary').innerText.length > 0");
  ASSERT_TRUE(verified.ok()) << verified << "\n" << Eval("$('error').innerText");
  CC_ASSERT_OK_AND_ASSIGN(std::string summary,
                          browser_->TextOf("#qa-verify-summary"));
  EXPECT_NE(summary.find("; 0 finding(s)"), std::string::npos) << summary;
  EXPECT_EQ(Eval("document.querySelectorAll('#qa-findings li').length"), 0);
  EXPECT_EQ(Eval("(() => { const b = $('qa-verify-progress');"
                 " return !b.hidden && b.value === b.max; })()"),
            true);
  // The last phase's progress, done: "proofs: 12 of 12".
  CC_ASSERT_OK_AND_ASSIGN(std::string phase,
                          browser_->TextOf("#qa-verify-phase"));
  EXPECT_TRUE(std::regex_match(phase, std::regex(R"([a-z ]+: (\d+) of \1)")))
      << phase;
  Shot("02-log-verified");

  // Its trace: one node per item the trace RPC counts, an edge per link,
  // each naming the audit record that made the link.
  CC_ASSERT_OK(browser_->Click(row + " button"));
  CC_ASSERT_OK(browser_->WaitFor(
      "document.querySelectorAll('#qa-trace-graph g.node').length > 0"));
  CC_ASSERT_OK_AND_ASSIGN(std::string results,
                          browser_->TextOf("#qa-results"));
  EXPECT_NE(results.find("93 %"), std::string::npos) << results;
  EXPECT_NE(results.find("ana"), std::string::npos) << "the reviewer";
  nlohmann::json expected = Eval(
      "(async () => {"
      " const csrf = document.cookie.match(/cellchain_csrf=([^;]*)/)[1];"
      " const lot = await (await fetch('/api/qc/lot', {method: 'POST',"
      "  headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},"
      "  body: JSON.stringify({lotId: " + JsString(lot) + "})})).json();"
      " const trace = await (await fetch('/api/custody/trace-backward',"
      "  {method: 'POST', headers: {'Content-Type': 'application/json',"
      "   'X-CSRF-Token': csrf},"
      "  body: JSON.stringify({itemId: lot.lot.productItemId})})).json();"
      " return {items: trace.itemCount, root: lot.lot.productItemId,"
      "  donorLots: trace.donorLotIds}; })()");
  nlohmann::json drawn = Eval(
      "(() => { const g = document.getElementById('qa-trace-graph');"
      " const nodes = Array.from(g.querySelectorAll('g.node'));"
      " const edges = Array.from(g.querySelectorAll('a.edge'));"
      " return {nodes: nodes.map(n => n.dataset.itemId),"
      "  types: nodes.map(n => n.querySelector('text').textContent),"
      "  edges: edges.length,"
      "  recorded: edges.filter(e => /^.+$/.test(e.dataset.recordId)).length,"
      "  harvest: edges.filter(e => e.textContent.includes('harvest')).length};"
      " })()");
  ASSERT_TRUE(expected.is_object() && drawn.is_object());
  EXPECT_EQ(drawn["nodes"].size(), expected["items"].get<size_t>())
      << drawn.dump() << "\n" << expected.dump();
  EXPECT_EQ(drawn["nodes"][0], expected["root"]) << "the lot's item first";
  for (const nlohmann::json& donor_lot : expected["donorLots"]) {
    EXPECT_NE(std::find(drawn["nodes"].begin(), drawn["nodes"].end(),
                        donor_lot),
              drawn["nodes"].end())
        << donor_lot;
  }
  EXPECT_NE(drawn["types"].dump().find("donor lot"), std::string::npos)
      << drawn.dump();
  EXPECT_GE(drawn["edges"].get<int>(), drawn["nodes"].size() - 1)
      << "every item but the root is linked";
  EXPECT_EQ(drawn["recorded"], drawn["edges"]) << "each edge has its record";
  EXPECT_GE(drawn["harvest"].get<int>(), 1) << drawn.dump();
  Shot("03-lot-and-trace");

  // An edge opens the signed record that made its link.
  CC_ASSERT_OK(browser_->Click("#qa-trace-graph a.edge"));
  CC_ASSERT_OK(browser_->WaitFor(
      "!document.getElementById('qa-record').hidden"));
  CC_ASSERT_OK_AND_ASSIGN(std::string record, browser_->TextOf("#qa-record"));
  EXPECT_NE(record.find("History verified\tyes"), std::string::npos)
      << record;
  EXPECT_EQ(record.find("not found"), std::string::npos) << record;
  Shot("04-an-edge-s-record");

  // A wrong password: refused with the rule, the lot still awaiting.
  CC_ASSERT_OK(browser_->Type("#qa-dispose-form [name=password]",
                              "not my password"));
  CC_ASSERT_OK(browser_->Click("#qa-dispose-form button[type=submit]"));
  CC_ASSERT_OK(browser_->WaitFor(
      "document.getElementById('error').innerText.length > 0"));
  CC_ASSERT_OK_AND_ASSIGN(std::string refused, browser_->TextOf("#error"));
  EXPECT_NE(refused.find("signature refused: wrong password"),
            std::string::npos)
      << refused;
  CC_ASSERT_OK_AND_ASSIGN(std::string title, browser_->TextOf("#qa-lot-title"));
  EXPECT_NE(title.find("(testing)"), std::string::npos) << title;
  Shot("05-wrong-password-refused");

  CC_ASSERT_OK(browser_->Type("#qa-dispose-form [name=password]",
                              kQuinnPassword));
  CC_ASSERT_OK(browser_->Click("#qa-dispose-form button[type=submit]"));
  const absl::Status signed_ok = browser_->WaitFor(
      "document.getElementById('qa-signed').innerText.includes('released')");
  ASSERT_TRUE(signed_ok.ok()) << signed_ok << "\n" << console_->Log();
  CC_ASSERT_OK_AND_ASSIGN(title, browser_->TextOf("#qa-lot-title"));
  EXPECT_NE(title.find("(released)"), std::string::npos) << title;
  // No longer awaiting disposition.
  CC_EXPECT_OK(browser_->WaitFor(
      "document.querySelector(" + JsString(row) + ") === null"));
  Shot("06-released");

  // The released lot's certificate, saved under the service's name.
  CC_ASSERT_OK(browser_->Click("#qa-certificate"));
  CC_EXPECT_OK(browser_->WaitFor(
      "document.getElementById('qa-saved').innerText.includes('.pdf')"));
  CC_ASSERT_OK_AND_ASSIGN(std::string saved, browser_->TextOf("#qa-saved"));
  EXPECT_NE(saved.find("saved CoA-"), std::string::npos) << saved;

}

}  // namespace
}  // namespace cellchain::web_test
