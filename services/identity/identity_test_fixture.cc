#include "services/identity/identity_test_fixture.h"

#include <algorithm>
#include <utility>

#include "services/common/crypto/crypto.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::identity {

using testing::kAdminPassword;

std::string KeyOf(std::string_view workstation) {
  return crypto::Sha256Hex(workstation);
}

void IdentityTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(role_, db_->CreateServiceRole("identity"));
  CC_ASSERT_OK_AND_ASSIGN(
      pool_,
      pg::Pool::Create(
          {.name = "identity", .conninfo = db_->ConninfoAs(role_), .size = 2}));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("identity"));
  IdentityOptions options;
  options.lockout_threshold = 3;
  options.scrypt.log2_n = 12;  // cheaper, still scrypt
  // Sessions expire and idle by this clock: tests move it rather than
  // sleep or rewrite the sessions' times.
  options.clock = &clock_;
  identity_ = std::make_unique<Identity>(pool_.get(), ledger_.get(), options);
  CC_ASSERT_OK_AND_ASSIGN(
      admin_user_, identity_->BootstrapAdmin("ada", "Ada Admin", kAdminPassword,
                                             "console:test"));
  CC_ASSERT_OK_AND_ASSIGN(admin_, LogInAtLab("ada", kAdminPassword));
}

absl::StatusOr<auth::Principal> IdentityTest::LogInAtLab(
    const std::string& user_id, const std::string& password) {
  CC_ASSIGN_OR_RETURN(LoginResult login,
                      identity_->Login(user_id, password, kLab, KeyOf(kLab)));
  return PrincipalOf(login.session_token, kLab);
}

absl::StatusOr<auth::Principal> IdentityTest::PrincipalOf(
    const std::string& token, const std::string& workstation) {
  CC_ASSIGN_OR_RETURN(
      auth::Session session,
      identity_->Authenticate(token, workstation, KeyOf(workstation)));
  auth::Principal p;
  p.user_id = session.user_id;
  p.printed_name = session.printed_name;
  p.roles = session.roles;
  p.acting_role = session.roles.empty() ? common::v1::ROLE_UNSPECIFIED
                                        : session.roles.front();
  p.session_id = session.session_id;
  p.workstation = workstation;
  return p;
}

void IdentityTest::CreateUser(const std::string& user_id,
                              const std::string& name,
                              std::vector<common::v1::Role> roles,
                              const std::string& password) {
  v1::CreateUserRequest create;
  *create.mutable_context() = Ctx();
  create.set_user_id(user_id);
  create.set_printed_name(name);
  for (common::v1::Role role : roles) create.add_roles(role);
  create.set_temporary_password(kTempPassword);
  CC_ASSERT_OK(identity_->CreateUser(admin_, create));
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult login,
      identity_->Login(user_id, kTempPassword, kLab, KeyOf(kLab)));
  EXPECT_TRUE(login.user.password_change_required());
  CC_ASSERT_OK_AND_ASSIGN(auth::Principal self,
                          PrincipalOf(login.session_token, kLab));
  v1::ChangePasswordRequest change;
  *change.mutable_context() = Ctx();
  change.set_current_password(kTempPassword);
  change.set_new_password(password);
  CC_ASSERT_OK_AND_ASSIGN(v1::ChangePasswordResponse changed,
                          identity_->ChangePassword(self, change));
  EXPECT_FALSE(changed.user().password_change_required());
}

std::string IdentityTest::EverythingStored() {
  auto conn = pg::Connection::Open(db_->conninfo());
  EXPECT_TRUE(conn.ok());
  std::string all;
  for (const char* sql :
       {"SELECT encode(record_bytes, 'escape') FROM cellchain_audit.records",
        "SELECT row_to_json(d)::text FROM cellchain_identity.access_denials d",
        "SELECT row_to_json(i)::text FROM cellchain_meta.idempotency i",
        "SELECT row_to_json(s)::text FROM cellchain_identity.sessions s",
        "SELECT password_hash FROM cellchain_identity.users"}) {
    auto r = conn->Exec(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    for (int row = 0; r.ok() && row < r->rows(); ++row) {
      all += *r->GetString(row, 0);
      all += "\n";
    }
  }
  return all;
}

int IdentityTest::CountActions(const std::string& type, const std::string& id,
                               const std::string& action) {
  std::vector<std::string> actions = Actions(type, id);
  return static_cast<int>(std::count(actions.begin(), actions.end(), action));
}

int IdentityTest::CountDenials(const std::string& attempted_user_id,
                               const std::string& reason) {
  auto conn = pg::Connection::Open(db_->conninfo());
  EXPECT_TRUE(conn.ok());
  auto r = conn->Exec(
      "SELECT coalesce(sum(coalesce(repeated_count, 1)), 0)::int4 "
      "FROM cellchain_identity.access_denials "
      "WHERE attempted_user_id = $1 AND reason = $2",
      {attempted_user_id, reason});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r->GetInt32(0, 0) : -1;
}

}  // namespace cellchain::identity
