// cellchain-web against a real cellchaind: a QA user logs in over HTTPS and
// reads the audit trail; every route of the table refused without a
// session (401) and to every role it does not name (403), served to those
// it names; a change without the CSRF token refused with nothing written;
// the cookie of a session logged out refused.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "clients/web/console.h"
#include "clients/web/routes.h"
#include "gtest/gtest.h"
#include "services/common/auth/roles.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"
#include "tests/web/console_process.h"
#include "tests/web/https_browser.h"

namespace cellchain::e2e {
namespace {

constexpr char kOpenSessions[] =
    "SELECT count(*) FROM cellchain_identity.sessions WHERE ended_at IS NULL";

class WebConsoleE2eTest : public E2eTest {
 protected:
  WebConsoleE2eTest() : E2eTest("web-console-sessions") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    log_path_ =
        std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
        "/cellchain-web-log-" + std::to_string(getpid());
    std::string error;
    web_ =
        web_test::ConsoleProcess::Start(daemon_->target(), log_path_, &error);
    ASSERT_NE(web_, nullptr) << error;
  }

  void TearDown() override {
    web_.reset();
    unlink(log_path_.c_str());
    E2eTest::TearDown();
  }

  std::string log_path_;
  std::unique_ptr<web_test::ConsoleProcess> web_;
};

TEST_F(WebConsoleE2eTest, QaLogsInAndReadsTheAuditTrail) {
  CC_ASSERT_OK(AddUser(kQuinn).status());
  Browser browser(web_->port());

  httplib::Result page = browser.Send("GET", "/");
  ASSERT_EQ(StatusOf(page), 200);
  EXPECT_NE(page->body.find("Audit trail"), std::string::npos);
  EXPECT_EQ(page->get_header_value("Content-Security-Policy"),
            "default-src 'self'; script-src 'self'; frame-ancestors 'none'");
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(page->body.find("<script>"), std::string::npos)
      << "no inline script";
  httplib::Result script = browser.Send("GET", "/console.js");
  ASSERT_EQ(StatusOf(script), 200);
  EXPECT_NE(script->get_header_value("Content-Type").find("javascript"),
            std::string::npos);

  httplib::Result wrong = browser.Login(kQuinn.user_id, "not the password");
  EXPECT_EQ(StatusOf(wrong), 401);
  EXPECT_EQ(browser.cookies().count(web::kSessionCookie), 0u);

  httplib::Result login = browser.Login(kQuinn.user_id, kQuinn.password);
  ASSERT_EQ(StatusOf(login), 200) << (login ? login->body : "");
  EXPECT_EQ(login->get_header_value("Cache-Control"), "no-store");
  const std::string token = browser.cookies()[web::kSessionCookie];
  ASSERT_EQ(token.size(), 43u);
  EXPECT_EQ(login->body.find(token), std::string::npos)
      << "the script never sees the session token";
  bool secure_cookie = false;
  for (size_t i = 0; i < login->get_header_value_count("Set-Cookie"); ++i) {
    std::string line = login->get_header_value("Set-Cookie", i);
    if (line.rfind(std::string(web::kSessionCookie) + "=", 0) == 0) {
      secure_cookie = line.find("; Secure;") != std::string::npos &&
                      line.find("HttpOnly") != std::string::npos &&
                      line.find("SameSite=Strict") != std::string::npos &&
                      line.find("Path=/") != std::string::npos;
    }
  }
  EXPECT_TRUE(secure_cookie);
  EXPECT_NE(login->body.find("Quinn Quality"), std::string::npos);

  // The login itself is in the trail: newest first, two a page.
  httplib::Result records = browser.Send(
      "POST", "/api/audit/records",
      R"({"filter":{"actorUserId":"quinn"},"order":"ORDER_NEWEST_FIRST",)"
      R"("page":{"pageSize":2}})");
  ASSERT_EQ(StatusOf(records), 200) << (records ? records->body : "");
  EXPECT_NE(records->body.find("\"userId\":\"quinn\""), std::string::npos)
      << records->body;
  EXPECT_EQ(records->get_header_value("Cache-Control"), "no-store");
  std::smatch next;
  ASSERT_TRUE(std::regex_search(records->body, next,
                                std::regex("\"nextPageToken\":\"([^\"]+)\"")))
      << "quinn has more than 2 records (user created, password set, logins)";
  httplib::Result page2 = browser.Send(
      "POST", "/api/audit/records",
      R"({"filter":{"actorUserId":"quinn"},"order":"ORDER_NEWEST_FIRST",)"
      R"("page":{"pageSize":2,"pageToken":")" +
          next[1].str() + "\"}}");
  ASSERT_EQ(StatusOf(page2), 200);
  EXPECT_NE(page2->body, records->body);

  httplib::Result bad = browser.Send("POST", "/api/audit/records",
                                     R"({"filter":{"colour":"red"}})");
  EXPECT_EQ(StatusOf(bad), 400);

  // The server's log names routes and statuses, never a body.
  const std::string log = web_->Log();
  EXPECT_NE(log.find("route=/api/audit/records"), std::string::npos) << log;
  EXPECT_EQ(log.find(kQuinn.password), std::string::npos);
  EXPECT_EQ(log.find("actorUserId"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
}

// The route x role matrix, from the table: no session 401 everywhere; each
// role not named 403; each role named neither 401 nor 403.
TEST_F(WebConsoleE2eTest, EveryRouteRefusesWithoutSessionAndToOtherRoles) {
  std::map<auth::Role, std::unique_ptr<Browser>> browsers;
  for (auth::Role role : auth::AllRoles()) {
    const std::string name = auth::RoleName(role);
    const std::string user = "web-" + absl::StrReplaceAll(name, {{"_", "-"}});
    const std::string password = "the console for " + name + " works";
    CC_ASSERT_OK(
        AddUser("qa-ws-01", user, "Web " + name, name, password).status());
    browsers[role] = std::make_unique<Browser>(web_->port());
    ASSERT_EQ(StatusOf(browsers[role]->Login(user, password)), 200) << name;
  }
  Browser anonymous(web_->port());
  int checked = 0;
  for (const web::Route& route : web::Routes()) {
    if (route.access == web::Access::kPublic) continue;
    if (route.effect == web::SessionEffect::kEnds) continue;  // below
    EXPECT_EQ(StatusOf(anonymous.Send(route.method, route.path, "{}")), 401)
        << route.method << " " << route.path;
    for (auth::Role role : auth::AllRoles()) {
      const int status =
          StatusOf(browsers[role]->Send(route.method, route.path, "{}"));
      if (web::Allows(route, {role})) {
        EXPECT_NE(status, 401) << route.path << " " << auth::RoleName(role);
        EXPECT_NE(status, 403) << route.path << " " << auth::RoleName(role);
      } else {
        EXPECT_EQ(status, 403) << route.path << " " << auth::RoleName(role);
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 3 * static_cast<int>(auth::AllRoles().size()));
  EXPECT_EQ(StatusOf(anonymous.Send("GET", "/api/no-such-route")), 404);
  EXPECT_EQ(StatusOf(anonymous.Send("POST", "/api/logout", "{}")), 401);
}

TEST_F(WebConsoleE2eTest, AChangeWithoutTheCsrfTokenIsRefusedAndWritesNothing) {
  CC_ASSERT_OK(AddUser(kQuinn).status());
  Browser browser(web_->port());
  ASSERT_EQ(StatusOf(browser.Login(kQuinn.user_id, kQuinn.password)), 200);
  const int64_t sessions_before = Count(kOpenSessions);

  httplib::Result refused =
      browser.Send("POST", "/api/logout", "{}", /*with_csrf=*/false);
  EXPECT_EQ(StatusOf(refused), 403);
  EXPECT_NE(refused->body.find("CSRF_TOKEN_MISSING"), std::string::npos);
  browser.cookies()[web::kCsrfCookie] = std::string(64, '0');
  EXPECT_EQ(StatusOf(browser.Send("POST", "/api/logout", "{}")), 403)
      << "a value not bound to this session";
  EXPECT_EQ(Count(kOpenSessions), sessions_before)
      << "nothing written: the session is still open";
  EXPECT_EQ(StatusOf(browser.Send("GET", "/api/session")), 200);
}

TEST_F(WebConsoleE2eTest, TheCookieOfASessionLoggedOutIsRefused) {
  CC_ASSERT_OK(AddUser(kQuinn).status());
  Browser browser(web_->port());
  ASSERT_EQ(StatusOf(browser.Login(kQuinn.user_id, kQuinn.password)), 200);
  const auto kept = browser.cookies();  // what another profile copied

  httplib::Result out = browser.Send("POST", "/api/logout", "{}");
  ASSERT_EQ(StatusOf(out), 200) << (out ? out->body : "");
  EXPECT_EQ(browser.cookies().count(web::kSessionCookie), 0u)
      << "logout clears the cookie";

  Browser other(web_->port());
  other.cookies() = kept;
  EXPECT_EQ(StatusOf(other.Send("GET", "/api/session")), 401);
  EXPECT_EQ(StatusOf(other.Send("POST", "/api/audit/records", "{}")), 401);
}

}  // namespace
}  // namespace cellchain::e2e
