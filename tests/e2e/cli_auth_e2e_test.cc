// Logging in and administering users with the cellchain CLI, as people do
// it: the real cellchaind and cellchain binaries over mTLS with the test PKI,
// one session file per person, passwords through stdin or the environment.
// Whatever a test does, no password shows up in the CLI's output or the
// daemon's log (checked after every test).
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kQaPassword[] = "quality is never an accident";

bool Exists(const std::string& path);
std::string Slurp(const std::string& path);  // the file's contents

class CliAuthTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    RunResult boot = Bootstrap();
    ASSERT_EQ(boot.exit_code, 0) << boot.output;
    outputs_.push_back(boot.output);
    secrets_.insert(kAdminPassword);
  }

  // No password in any output kept or in the daemon's log.
  void TearDown() override;

  // Runs the CLI and keeps its output for the leak check.
  RunResult Run(const CliSession& who, const std::vector<std::string>& args,
                const std::string& input = "",
                const std::vector<std::string>& env = {});

  // Logs in, keeping the password as a secret to look for.
  RunResult Login(const CliSession& who, const std::string& user_id,
                  const std::string& password);

  // qa.quinn, QA, with kQaPassword, logged in at qa-ws-01.
  std::unique_ptr<CliSession> ProvisionQuinn();

  std::vector<std::string> outputs_;
  std::set<std::string> secrets_;
};

TEST_F(CliAuthTest, LoginWhoAmIAndLogout) {
  Start();
  RunResult login = Login(*admin_, "admin", kAdminPassword);
  ASSERT_EQ(login.exit_code, 0) << login.output;
  EXPECT_THAT(login.output,
              HasSubstr("logged in as admin (Ada Admin); roles: admin"));
  EXPECT_THAT(login.output,
              HasSubstr("session saved in " + admin_->session_file()));
  EXPECT_THAT(login.output, Not(HasSubstr("cellchain passwd")));
  struct stat st;
  ASSERT_EQ(stat(admin_->session_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the token is for its owner only";
  std::string token = Slurp(admin_->session_file());
  token.erase(token.find_last_not_of('\n') + 1);

  RunResult whoami = Run(*admin_, {"whoami"});
  EXPECT_EQ(whoami.exit_code, 0) << whoami.output;
  EXPECT_THAT(whoami.output, HasSubstr("admin (Ada Admin)"));
  EXPECT_THAT(whoami.output, HasSubstr("CN=admin-cli"));

  RunResult logout = Run(*admin_, {"logout"});
  EXPECT_EQ(logout.exit_code, 0) << logout.output;
  EXPECT_THAT(logout.output, HasSubstr("logged out"));
  EXPECT_FALSE(Exists(admin_->session_file()));

  // No session file: the server says a session is needed.
  RunResult after = Run(*admin_, {"whoami"});
  EXPECT_EQ(after.exit_code, 1) << after.output;
  EXPECT_THAT(after.output, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(after.output, HasSubstr("(reason: SESSION_REQUIRED)"));
  // The token of the ended session, kept by someone, is worthless.
  RunResult replayed =
      Run(*admin_, {"whoami"}, "", {"CELLCHAIN_SESSION_TOKEN=" + token});
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_THAT(replayed.output, HasSubstr("(reason: SESSION_ENDED)"));
}

TEST_F(CliAuthTest, WrongPasswordIsOneLineNamingInvalidCredentials) {
  Start();
  RunResult wrong = Login(*admin_, "admin", "not the password at all");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_EQ(std::count(wrong.output.begin(), wrong.output.end(), '\n'), 1)
      << wrong.output;
  EXPECT_THAT(wrong.output, StartsWith("cellchain: login: UNAUTHENTICATED: "));
  EXPECT_THAT(wrong.output, HasSubstr("(reason: INVALID_CREDENTIALS)"));
  EXPECT_FALSE(Exists(admin_->session_file()));

  // An unknown user gets the same answer: user ids cannot be probed.
  RunResult unknown = Login(*admin_, "nobody", "not the password at all");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("(reason: INVALID_CREDENTIALS)"));
}

TEST_F(CliAuthTest, PasswordComesFromStdinOrAVariableNeverAnArgument) {
  Start();
  // No terminal and no source: told how to give it, nothing is sent.
  RunResult no_tty = Run(*admin_, {"login", "--user-id=admin"});
  EXPECT_EQ(no_tty.exit_code, 2) << no_tty.output;
  EXPECT_THAT(no_tty.output,
              HasSubstr("use --password-stdin or --password-env=VAR"));
  RunResult unset = Run(*admin_, {"login", "--user-id=admin",
                                  "--password-env=CELLCHAIN_TEST_NO_SUCH_VAR"});
  EXPECT_EQ(unset.exit_code, 2) << unset.output;
  EXPECT_THAT(unset.output,
              HasSubstr("CELLCHAIN_TEST_NO_SUCH_VAR is unset or empty"));
  // There is no flag that takes the password itself.
  RunResult argument =
      Run(*admin_, {"login", "--user-id=admin", "--password=whatever-pw"});
  EXPECT_EQ(argument.exit_code, 2) << argument.output;
  EXPECT_THAT(argument.output, HasSubstr("unknown flag --password"));
  EXPECT_THAT(argument.output, Not(HasSubstr("whatever-pw")));

  RunResult from_env =
      Run(*admin_, {"login", "--user-id=admin", "--password-env=ADMIN_PW"}, "",
          {std::string("ADMIN_PW=") + kAdminPassword});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.output;
  EXPECT_EQ(Run(*admin_, {"whoami"}).exit_code, 0);
}

TEST_F(CliAuthTest, TemporaryPasswordMustBeChangedBeforeAnythingElse) {
  Start();
  ASSERT_EQ(Login(*admin_, "admin", kAdminPassword).exit_code, 0);
  const std::string temporary = "first day temporary 1";
  secrets_.insert(temporary);
  secrets_.insert(kQaPassword);
  RunResult created =
      Run(*admin_,
          {"user", "create", "--user-id=qa.quinn",
           "--printed-name=Quinn Quality", "--roles=qa", "--password-stdin"},
          temporary + "\n");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_THAT(created.output, HasSubstr("created user qa.quinn"));
  EXPECT_THAT(created.output, HasSubstr("temporary: must be changed"));

  std::unique_ptr<CliSession> quinn = Person("qa-ws-01", "quinn");
  RunResult login = Login(*quinn, "qa.quinn", temporary);
  ASSERT_EQ(login.exit_code, 0) << login.output;
  EXPECT_THAT(login.output, HasSubstr("`cellchain passwd`"));

  RunResult refused = Run(*quinn, {"user", "list"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(refused.output, HasSubstr("(reason: PASSWORD_CHANGE_REQUIRED)"));
  RunResult whoami = Run(*quinn, {"whoami"});
  EXPECT_EQ(whoami.exit_code, 0) << whoami.output;
  EXPECT_THAT(whoami.output, HasSubstr("temporary"));

  // A new password breaking the policy is refused, naming the rule.
  RunResult too_short =
      Run(*quinn, {"passwd", "--password-stdin"}, temporary + "\nabc\n");
  EXPECT_EQ(too_short.exit_code, 1) << too_short.output;
  EXPECT_THAT(too_short.output, HasSubstr("(reason: PASSWORD_TOO_SHORT)"));
  RunResult changed = Run(*quinn, {"passwd", "--password-stdin"},
                          temporary + "\n" + kQaPassword + "\n");
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_THAT(changed.output, HasSubstr("password changed for qa.quinn"));

  RunResult list = Run(*quinn, {"user", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("Ada Admin"));
  EXPECT_THAT(list.output, HasSubstr("Quinn Quality"));
  EXPECT_THAT(list.output, HasSubstr("2 user(s)"));
  // QA reads the users but does not administer them.
  RunResult create =
      Run(*quinn,
          {"user", "create", "--user-id=tech.tara", "--printed-name=Tara Tech",
           "--roles=technician", "--password-stdin"},
          "another temporary 1\n");
  EXPECT_EQ(create.exit_code, 1) << create.output;
  EXPECT_THAT(create.output, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(create.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));
}

TEST_F(CliAuthTest, SessionWorksOnlyAtItsWorkstation) {
  Start();
  ASSERT_EQ(Login(*admin_, "admin", kAdminPassword).exit_code, 0);
  // The session file copied to, or shared with, another workstation.
  CliSession elsewhere(*daemon_, "lab-ws-01", admin_->session_file());
  RunResult stolen = Run(elsewhere, {"whoami"});
  EXPECT_EQ(stolen.exit_code, 1) << stolen.output;
  EXPECT_THAT(stolen.output,
              HasSubstr("(reason: SESSION_WORKSTATION_MISMATCH)"));
}

TEST_F(CliAuthTest, AdminShowsChangesDisablesAndResetsUsers) {
  Start();
  ASSERT_EQ(Login(*admin_, "admin", kAdminPassword).exit_code, 0);
  std::unique_ptr<CliSession> quinn = ProvisionQuinn();
  ASSERT_FALSE(HasFailure());

  RunResult show = Run(*admin_, {"user", "show", "--user-id=qa.quinn"});
  EXPECT_EQ(show.exit_code, 0) << show.output;
  EXPECT_THAT(show.output, HasSubstr("Quinn Quality"));
  EXPECT_THAT(show.output, HasSubstr("active"));

  RunResult unreasoned = Run(*admin_, {"user", "roles", "--user-id=qa.quinn",
                                       "--roles=qa,qc_analyst"});
  EXPECT_EQ(unreasoned.exit_code, 2) << unreasoned.output;
  EXPECT_THAT(unreasoned.output, HasSubstr("--reason is required"));
  RunResult roles = Run(
      *admin_, {"user", "roles", "--user-id=qa.quinn", "--roles=qa,qc_analyst",
                "--reason=second reviewer for QC"});
  EXPECT_EQ(roles.exit_code, 0) << roles.output;
  EXPECT_THAT(roles.output, HasSubstr("qc_analyst, qa"));
  RunResult bad_role = Run(*admin_, {"user", "roles", "--user-id=qa.quinn",
                                     "--roles=boss", "--reason=typo"});
  EXPECT_EQ(bad_role.exit_code, 2) << bad_role.output;
  EXPECT_THAT(bad_role.output, HasSubstr("no role \"boss\""));
  // Technician and qa together: refused by the server (the e2e daemon runs
  // without --allow-technician-qa); an admin's own roles likewise.
  RunResult both =
      Run(*admin_, {"user", "roles", "--user-id=qa.quinn",
                    "--roles=qa,technician", "--reason=short of staff"});
  EXPECT_EQ(both.exit_code, 1) << both.output;
  EXPECT_THAT(both.output, HasSubstr("(reason: INCOMPATIBLE_ROLES)"));
  RunResult own = Run(*admin_, {"user", "roles", "--user-id=admin",
                                "--roles=admin,qa", "--reason=audit review"});
  EXPECT_EQ(own.exit_code, 1) << own.output;
  EXPECT_THAT(own.output, HasSubstr("(reason: CANNOT_CHANGE_OWN_ROLES)"));

  RunResult no_reason = Run(*admin_, {"user", "disable", "--user-id=qa.quinn"});
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason.output;
  EXPECT_THAT(no_reason.output, HasSubstr("--reason"));
  RunResult disabled = Run(*admin_, {"user", "disable", "--user-id=qa.quinn",
                                     "--reason=left the company"});
  EXPECT_EQ(disabled.exit_code, 0) << disabled.output;
  EXPECT_THAT(disabled.output, HasSubstr("disabled"));
  // Her open session ended with it, and she cannot log in again.
  RunResult ended = Run(*quinn, {"whoami"});
  EXPECT_EQ(ended.exit_code, 1) << ended.output;
  EXPECT_THAT(ended.output, HasSubstr("(reason: SESSION_ENDED)"));
  RunResult refused = Login(*quinn, "qa.quinn", kQaPassword);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("(reason: ACCOUNT_DISABLED)"));

  RunResult enabled = Run(
      *admin_, {"user", "enable", "--user-id=qa.quinn", "--reason=came back"});
  EXPECT_EQ(enabled.exit_code, 0) << enabled.output;
  const std::string fresh = "fresh temporary 22";
  secrets_.insert(fresh);
  RunResult reset = Run(*admin_,
                        {"user", "reset-password", "--user-id=qa.quinn",
                         "--reason=forgot it", "--password-stdin"},
                        fresh + "\n");
  EXPECT_EQ(reset.exit_code, 0) << reset.output;
  RunResult again = Login(*quinn, "qa.quinn", fresh);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("`cellchain passwd`"));
}

TEST_F(CliAuthTest, LockedOutUserIsUnlockedByAdmin) {
  Start({"--lockout-threshold=2"});
  ASSERT_EQ(Login(*admin_, "admin", kAdminPassword).exit_code, 0);
  std::unique_ptr<CliSession> quinn = ProvisionQuinn();
  ASSERT_FALSE(HasFailure());
  Login(*quinn, "qa.quinn", "wrong guess number 1");
  Login(*quinn, "qa.quinn", "wrong guess number 2");
  RunResult locked = Login(*quinn, "qa.quinn", kQaPassword);
  EXPECT_EQ(locked.exit_code, 1) << locked.output;
  // Locked: the right password gets the answer a wrong one gets.
  EXPECT_THAT(locked.output, HasSubstr("(reason: INVALID_CREDENTIALS)"));
  RunResult list = Run(*admin_, {"user", "list"});
  EXPECT_THAT(list.output, HasSubstr("locked"));

  RunResult unlocked = Run(*admin_, {"user", "unlock", "--user-id=qa.quinn",
                                     "--reason=called the help desk"});
  EXPECT_EQ(unlocked.exit_code, 0) << unlocked.output;
  EXPECT_EQ(Login(*quinn, "qa.quinn", kQaPassword).exit_code, 0);
}

// The helpers declared above.

void CliAuthTest::TearDown() {
  std::vector<std::string> seen = outputs_;
  if (daemon_ != nullptr) seen.push_back(daemon_->Log());
  for (const std::string& secret : secrets_) {
    for (const std::string& text : seen) {
      EXPECT_THAT(text, Not(HasSubstr(secret))) << "a password leaked";
    }
  }
}

RunResult CliAuthTest::Run(const CliSession& who,
                           const std::vector<std::string>& args,
                           const std::string& input,
                           const std::vector<std::string>& env) {
  RunResult run = who.Run(args, input, env);
  outputs_.push_back(run.output);
  return run;
}

RunResult CliAuthTest::Login(const CliSession& who, const std::string& user_id,
                             const std::string& password) {
  secrets_.insert(password);
  RunResult run = who.Login(user_id, password);
  outputs_.push_back(run.output);
  return run;
}

std::unique_ptr<CliSession> CliAuthTest::ProvisionQuinn() {
  std::unique_ptr<CliSession> quinn = Person("qa-ws-01", "quinn");
  secrets_.insert(kQaPassword);
  secrets_.insert(std::string("temporary-") + kQaPassword);
  absl::Status provisioned = ProvisionUser(*admin_, *quinn, "qa.quinn",
                                           "Quinn Quality", "qa", kQaPassword);
  EXPECT_TRUE(provisioned.ok()) << provisioned;
  return quinn;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace
}  // namespace cellchain::e2e
