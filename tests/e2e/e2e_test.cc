#include "tests/e2e/e2e_test.h"

#include <regex>
#include <utility>

#include "services/common/pg/connection.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::e2e {

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern))) return m[1];
  return "";
}

E2eTest::E2eTest(const std::string& sessions_stem) : sessions_(sessions_stem) {}

void E2eTest::SetUp() {
  ASSERT_FALSE(Pki().empty()) << "run through ctest";
  ASSERT_FALSE(sessions_.path().empty());
  CC_ASSERT_OK_AND_ASSIGN(db_, testing::TestDatabase::Create());
}

std::string E2eTest::ServiceConninfo() const {
  return WithoutUser(db_->conninfo());
}

RunResult E2eTest::Bootstrap() {
  RunResult boot =
      BootstrapAdmin(ServiceConninfo(), "admin", "Ada Admin", kAdminPassword);
  EXPECT_EQ(boot.exit_code, 0) << boot.output;
  return boot;
}

std::unique_ptr<Daemon> E2eTest::StartDaemon(
    const std::vector<std::string>& extra) {
  std::string error;
  std::unique_ptr<Daemon> daemon =
      Daemon::Start(ServiceConninfo(), extra, &error);
  EXPECT_NE(daemon, nullptr) << error;
  return daemon;
}

void E2eTest::Start(const std::vector<std::string>& extra) {
  daemon_ = StartDaemon(extra);
  ASSERT_NE(daemon_, nullptr);
  admin_ = Person("admin-cli", "admin");
}

void E2eTest::StartWithAdmin() {
  ASSERT_EQ(Bootstrap().exit_code, 0);
  Start();
  if (HasFatalFailure()) return;
  RunResult login = admin_->Login("admin", kAdminPassword);
  ASSERT_EQ(login.exit_code, 0) << login.output;
}

void E2eTest::SetUpWithAdmin() {
  E2eTest::SetUp();
  if (HasFatalFailure()) return;
  StartWithAdmin();
}

void E2eTest::SetUpWithAdminToken(std::string* token) {
  E2eTest::SetUp();
  if (HasFatalFailure()) return;
  ASSERT_EQ(Bootstrap().exit_code, 0);
  Start();
  if (HasFatalFailure()) return;
  auto login = daemon_->Login("admin-cli", "admin", kAdminPassword);
  ASSERT_TRUE(login.ok()) << login.status();
  *token = *login;
}

std::unique_ptr<CliSession> E2eTest::Person(const std::string& workstation,
                                            const std::string& name) {
  return std::make_unique<CliSession>(*daemon_, workstation,
                                      sessions_.path() + "/" + name);
}

absl::StatusOr<std::unique_ptr<CliSession>> E2eTest::AddUser(
    const std::string& workstation, const std::string& user_id,
    const std::string& printed_name, const std::string& roles,
    const std::string& password) {
  std::unique_ptr<CliSession> user = Person(workstation, user_id);
  absl::Status provisioned =
      ProvisionUser(*admin_, *user, user_id, printed_name, roles, password);
  if (!provisioned.ok()) return provisioned;
  return user;
}

absl::StatusOr<std::unique_ptr<CliSession>> E2eTest::AddUser(
    const CastMember& who) {
  return AddUser(who.workstation, who.user_id, who.printed_name, who.roles,
                 who.password);
}

std::string E2eTest::Ok(const CliSession& who,
                        const std::vector<std::string>& args,
                        const std::string& input) {
  RunResult r = who.Run(args, input);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

int64_t E2eTest::Count(const std::string& sql) {
  auto conn = pg::Connection::Open(db_->conninfo());
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (!conn.ok()) return -1;
  auto r = conn->Exec(sql);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r->GetInt64(0, 0) : -1;
}

}  // namespace cellchain::e2e
