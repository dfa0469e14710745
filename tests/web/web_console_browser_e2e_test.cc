// The web console in a real browser: headless Chromium (chromium.h) against
// a real cellchain-web and cellchaind. A QA user logs in through the login
// form, reads the audit trail, filters it, and logs out; the session cookie
// is out of the page script's reach; a change sent without the CSRF token
// is refused. Screenshots of each step are written under the build tree
// (CELLCHAIN_WEB_SCREENSHOTS/<test>/, docs/testing.md).
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"
#include "tests/web/chromium.h"
#include "tests/web/console_browser.h"
#include "tests/web/console_process.h"

namespace cellchain::web_test {
namespace {

using e2e::kQuinn;

constexpr char kOpenSessions[] =
    "SELECT count(*) FROM cellchain_identity.sessions WHERE ended_at IS NULL";

// The text of column `column` (0-based) of every row of the audit table,
// joined by '|'.
std::string ColumnExpression(int column) {
  return absl::StrCat(
      "Array.from(document.querySelectorAll('#audit-table tbody tr'))"
      ".map(r => r.cells[", column, "].innerText).join('|')");
}

class WebConsoleBrowserTest : public ConsoleBrowserTest<e2e::E2eTest> {
 protected:
  WebConsoleBrowserTest() : ConsoleBrowserTest("web-browser-sessions") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK(AddUser(kQuinn).status());
    StartConsole();
  }

  // Logs in as `who` and waits for the audit trail's first rows.
  void LogIn(const e2e::CastMember& who) {
    SubmitLogin(who.user_id, who.password);
    const absl::Status shown = browser_->WaitFor(
        "!document.getElementById('audit-section').hidden &&"
        " document.querySelectorAll('#audit-table tbody tr').length > 0");
    ASSERT_TRUE(shown.ok()) << shown << "\ncellchain-web's log:\n"
                            << console_->Log();
  }

};

TEST_F(WebConsoleBrowserTest, QaLogsInReadsTheAuditTrailAndLogsOut) {
  OpenTheConsole();
  if (HasFatalFailure()) return;
  Shot("01-login-form");

  SubmitLogin(kQuinn.user_id, "not the password");
  CC_ASSERT_OK(browser_->WaitFor(
      "document.getElementById('error').innerText.length > 0"));
  CC_ASSERT_OK_AND_ASSIGN(std::string refused, browser_->TextOf("#error"));
  EXPECT_NE(refused.find("wrong user id or password"), std::string::npos)
      << refused;
  CC_ASSERT_OK_AND_ASSIGN(std::string body, browser_->TextOf("body"));
  EXPECT_EQ(body.find("Audit trail"), std::string::npos)
      << "a wrong password shows no trail: " << body;
  Shot("02-wrong-password");

  LogIn(kQuinn);
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(std::string who, browser_->TextOf("#who"));
  EXPECT_EQ(who, "Quinn Quality (quinn)");
  CC_ASSERT_OK_AND_ASSIGN(body, browser_->TextOf("body"));
  EXPECT_NE(body.find("Audit trail"), std::string::npos) << body;
  EXPECT_EQ(body.find("Log in\n"), std::string::npos) << body;
  // Newest first: quinn's own login heads the trail, the admin who created
  // quinn is further down (bootstrap, login, user.create).
  CC_ASSERT_OK_AND_ASSIGN(nlohmann::json users,
                          browser_->Evaluate(ColumnExpression(5)));
  const std::string user_column = users.get<std::string>();
  EXPECT_EQ(user_column.rfind("quinn|", 0), 0u) << user_column;
  EXPECT_NE(user_column.find("admin"), std::string::npos) << user_column;
  CC_ASSERT_OK_AND_ASSIGN(nlohmann::json actions,
                          browser_->Evaluate(ColumnExpression(3)));
  // The two newest: this login, and the wrong password just before it.
  EXPECT_EQ(actions.get<std::string>().rfind("user.login|user.login_failed|", 0),
            0u)
      << actions.dump();
  Shot("03-audit-trail");

  // Filter on the admin's records: every row shown is the admin's.
  CC_ASSERT_OK(browser_->Type("#audit-form [name=actorUserId]", "admin"));
  CC_ASSERT_OK(browser_->Click("#audit-form button[type=submit]"));
  CC_ASSERT_OK(browser_->WaitFor(absl::StrCat(
      "(() => { const users = ", ColumnExpression(5), ".split('|');",
      " return users.length > 0 && users.every(u => u === 'admin'); })()")));
  Shot("04-filtered-by-user");

  const int64_t open_before = Count(kOpenSessions);
  CC_ASSERT_OK(browser_->Click("#logout"));
  CC_ASSERT_OK(browser_->WaitFor(
      "!document.getElementById('login-section').hidden &&"
      " document.getElementById('audit-section').hidden"));
  CC_ASSERT_OK_AND_ASSIGN(who, browser_->TextOf("#who"));
  EXPECT_EQ(who, "");
  Shot("05-logged-out");
  // Not only the page: the server ended the session, and a reload shows
  // the login form again.
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json status,
      browser_->Evaluate("fetch('/api/session').then(r => r.status)"));
  EXPECT_EQ(status, 401);
  EXPECT_EQ(Count(kOpenSessions), open_before - 1);
  OpenTheConsole();
}

TEST_F(WebConsoleBrowserTest, TheSessionCookieIsHiddenAndAChangeNeedsTheCsrfToken) {
  OpenTheConsole();
  if (HasFatalFailure()) return;
  LogIn(kQuinn);
  if (HasFatalFailure()) return;

  // The browser holds the session cookie, as the server set it...
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json cookies,
      browser_->Call("Network.getCookies",
                     {{"urls", {console_->Origin() + "/"}}}));
  nlohmann::json session;
  for (const nlohmann::json& cookie : cookies["cookies"]) {
    if (cookie["name"] == "cellchain_session") session = cookie;
  }
  ASSERT_TRUE(session.is_object()) << cookies.dump();
  EXPECT_EQ(session["httpOnly"], true);
  EXPECT_EQ(session["secure"], true);
  EXPECT_EQ(session["sameSite"], "Strict");
  // ...and the page's script cannot read it.
  CC_ASSERT_OK_AND_ASSIGN(nlohmann::json visible,
                          browser_->Evaluate("document.cookie"));
  EXPECT_EQ(visible.get<std::string>().find("cellchain_session"),
            std::string::npos)
      << visible.dump();
  EXPECT_EQ(visible.get<std::string>().find(
                session["value"].get<std::string>()),
            std::string::npos);

  // A logout sent by script without the X-CSRF-Token header: the cookie
  // goes with it (same origin), the server refuses it and ends nothing.
  const int64_t open_before = Count(kOpenSessions);
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json refused,
      browser_->Evaluate(
          "fetch('/api/logout', {method: 'POST', credentials: 'same-origin',"
          " headers: {'Content-Type': 'application/json'}, body: '{}'})"
          ".then(async r => ({status: r.status, body: await r.text()}))"));
  EXPECT_EQ(refused["status"], 403) << refused.dump();
  EXPECT_NE(refused["body"].get<std::string>().find("CSRF"), std::string::npos)
      << refused.dump();
  EXPECT_EQ(Count(kOpenSessions), open_before);
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json still,
      browser_->Evaluate("fetch('/api/session').then(r => r.status)"));
  EXPECT_EQ(still, 200) << "the session is still open";
  Shot("01-still-logged-in-after-the-refused-change");
}

}  // namespace
}  // namespace cellchain::web_test
