// The identity rules against a real PostgreSQL: login, sessions, lockout,
// administration, e-signatures, four eyes and segregation of duties, and
// that no password ever reaches a table, a record or a log line.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "cellchain/audit/v1/record.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/identity/identity_test_fixture.h"

// The fixture (the service, ada, the owner's reads) is in
// identity_test_fixture.h.
namespace cellchain::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kAdminPassword;
using ::testing::Not;

// A login whose outcome the test does not check (it checks what the attempt
// leaves behind).
void TryLogin(Identity& identity, const std::string& user_id,
              const std::string& password, const std::string& workstation);

// Calls call(0) .. call(n - 1) on n threads released together, so that the
// calls overlap; returns their statuses, by i.
std::vector<absl::Status> AtOnce(int n,
                                 const std::function<absl::Status(int)>& call);

// The after_state of the user's latest audit record, as audit verify
// compares it with the user's current state (StateRegistry::ReadState).
std::string LatestRecordedState(pg::Connection& conn,
                                const std::string& user_id);

TEST_F(IdentityTest, BootstrapHappensOnce) {
  EXPECT_EQ(admin_user_.status(), v1::USER_STATUS_ACTIVE);
  EXPECT_THAT(admin_user_.roles(), ElementsAre(common::v1::ROLE_ADMIN));
  absl::StatusOr<v1::User> again = identity_->BootstrapAdmin(
      "eve", "Eve Intruder", "another long password", "console:test");
  EXPECT_EQ(ReasonOf(again.status()), kReasonAdminExists);
  EXPECT_EQ(identity_->GetUser("eve").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(Actions("user", "ada"),
              ElementsAre("user.bootstrap_admin", "user.login"));
}

TEST_F(IdentityTest, SessionIsBoundToItsWorkstation) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult login,
      identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab)));
  EXPECT_EQ(login.session_token.size(), 43u);
  CC_ASSERT_OK_AND_ASSIGN(
      auth::Session session,
      identity_->Authenticate(login.session_token, kLab, KeyOf(kLab)));
  EXPECT_EQ(session.user_id, "tina");
  EXPECT_EQ(session.printed_name, "Tina Tech");
  EXPECT_THAT(session.roles, ElementsAre(common::v1::ROLE_TECHNICIAN));
  EXPECT_EQ(
      ReasonOf(
          identity_->Authenticate(login.session_token, kQaDesk, KeyOf(kQaDesk))
              .status()),
      "SESSION_WORKSTATION_MISMATCH");
  std::string forged = login.session_token;
  forged[0] = forged[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(
      ReasonOf(identity_->Authenticate(forged, kLab, KeyOf(kLab)).status()),
      "SESSION_INVALID");
}

TEST_F(IdentityTest, SessionIsBoundToItsClientCertificatesKey) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult login,
      identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab)));
  // The same subject with another key: a certificate reissued to the
  // workstation's name, holding a token copied from it.
  const std::string rekeyed = KeyOf("another key of lab-ws-01");
  absl::Status copied =
      identity_->Authenticate(login.session_token, kLab, rekeyed).status();
  EXPECT_EQ(copied.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(copied), kReasonSessionClientKeyMismatch);
  EXPECT_EQ(
      ReasonOf(identity_->Authenticate(login.session_token, kLab, "").status()),
      kReasonSessionClientKeyMismatch);
  // The refusal does not end the session of the real workstation.
  CC_EXPECT_OK(identity_->Authenticate(login.session_token, kLab, KeyOf(kLab)));

  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto stored = conn->Exec(
      "SELECT client_key FROM cellchain_identity.sessions "
      "WHERE session_id = $1",
      {login.session_id});
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->rows(), 1);
  EXPECT_EQ(*stored->GetString(0, 0), KeyOf(kLab));

  // No key, no session.
  absl::Status keyless =
      identity_->Login("tina", kTinaPassword, kLab, "").status();
  EXPECT_EQ(keyless.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(keyless), kReasonClientCertificateRequired);
}

TEST_F(IdentityTest, BruteForceLocksTheAccountUntilAnAdminUnlocksIt) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult before,
      identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab)));
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<LoginResult> wrong = identity_->Login(
        "tina", "guess number " + std::to_string(i), kLab, KeyOf(kLab));
    EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(ReasonOf(wrong.status()), kReasonInvalidCredentials);
  }
  // Locked: even the right password is refused, with exactly the answer a
  // wrong password or an unknown user gets, and the open session ended.
  absl::StatusOr<LoginResult> right =
      identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab));
  absl::StatusOr<LoginResult> wrong =
      identity_->Login("tina", "one more guess", kLab, KeyOf(kLab));
  absl::StatusOr<LoginResult> unknown =
      identity_->Login("nobody", "one more guess", kLab, KeyOf(kLab));
  EXPECT_EQ(right.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(right.status()), kReasonInvalidCredentials);
  EXPECT_EQ(right.status(), wrong.status());
  EXPECT_EQ(right.status(), unknown.status());
  // Administrators see why: the denials keep the true reason.
  identity_->FlushRepeatedDenials();
  EXPECT_EQ(CountDenials("tina", auth::kReasonAccountLocked), 2);
  EXPECT_EQ(
      ReasonOf(identity_->Authenticate(before.session_token, kLab, KeyOf(kLab))
                   .status()),
      "SESSION_ENDED");
  CC_ASSERT_OK_AND_ASSIGN(v1::User tina, identity_->GetUser("tina"));
  EXPECT_EQ(tina.status(), v1::USER_STATUS_LOCKED);
  EXPECT_EQ(tina.failed_attempts(), 3);

  std::vector<std::string> actions = Actions("user", "tina");
  EXPECT_THAT(std::vector<std::string>(actions.end() - 4, actions.end()),
              ElementsAre("user.login_failed", "user.login_failed",
                          "user.login_failed", "user.lock"));

  v1::UnlockUserRequest unlock;
  *unlock.mutable_context() = Ctx();
  unlock.set_user_id("tina");
  EXPECT_EQ(FieldOf(identity_->UnlockUser(admin_, unlock).status()),
            "context.reason");
  unlock.mutable_context()->set_reason("identity confirmed by phone");
  CC_ASSERT_OK_AND_ASSIGN(v1::UnlockUserResponse unlocked,
                          identity_->UnlockUser(admin_, unlock));
  EXPECT_EQ(unlocked.user().status(), v1::USER_STATUS_ACTIVE);
  EXPECT_EQ(unlocked.user().failed_attempts(), 0);
  CC_EXPECT_OK(identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab)));
}

TEST_F(IdentityTest,
       ParallelWrongPasswordsAreCountedAtomicallyUpToTheThreshold) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  // As many connections as attackers, so that the attempts really overlap in
  // the database, and a threshold of 5.
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<pg::Pool> wide,
                          pg::Pool::Create({.name = "identity-wide",
                                            .conninfo = db_->ConninfoAs(role_),
                                            .size = 12}));
  IdentityOptions options;
  options.lockout_threshold = 5;
  options.scrypt.log2_n = 12;
  Identity identity(wide.get(), ledger_.get(), options);

  constexpr int kAttackers = 12;
  std::vector<absl::Status> results = AtOnce(kAttackers, [&](int i) {
    return identity
        .Login("tina", "wrong guess " + std::to_string(i), kLab, KeyOf(kLab))
        .status();
  });

  // Every attempt got the same answer, whether its password was checked or
  // it was refused at the threshold.
  for (int i = 0; i < kAttackers; ++i) {
    EXPECT_EQ(results[i].code(), absl::StatusCode::kUnauthenticated) << i;
    EXPECT_EQ(ReasonOf(results[i]), kReasonInvalidCredentials) << i;
    EXPECT_EQ(results[i], results[0]) << i;
  }
  // Exactly 5 passwords were checked and counted; the other 7 were refused
  // without a check, and the account is locked.
  CC_ASSERT_OK_AND_ASSIGN(v1::User tina, identity.GetUser("tina"));
  EXPECT_EQ(tina.failed_attempts(), 5);
  EXPECT_EQ(tina.status(), v1::USER_STATUS_LOCKED);
  EXPECT_EQ(CountActions("user", "tina", "user.login_failed"), 5);
  EXPECT_EQ(CountActions("user", "tina", "user.lock"), 1);
  identity.FlushRepeatedDenials();
  EXPECT_EQ(CountDenials("tina", auth::kReasonAccountLocked), kAttackers - 5);

  // Afterwards the right password is refused exactly like a wrong one, and
  // neither is checked or counted.
  absl::Status right =
      identity.Login("tina", kTinaPassword, kLab, KeyOf(kLab)).status();
  absl::Status wrong =
      identity.Login("tina", "yet another guess", kLab, KeyOf(kLab)).status();
  EXPECT_EQ(right, results[0]);
  EXPECT_EQ(wrong, results[0]);
  EXPECT_EQ(identity.GetUser("tina")->failed_attempts(), 5);
  EXPECT_EQ(CountActions("user", "tina", "user.login_failed"), 5);
}

TEST_F(IdentityTest, ASuccessfulLoginResetsTheFailureCount) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  for (int round = 0; round < 3; ++round) {
    // Two failures, one short of the threshold of 3, then the right one.
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(
          ReasonOf(identity_
                       ->Login("tina", "guess number " + std::to_string(i),
                               kLab, KeyOf(kLab))
                       .status()),
          kReasonInvalidCredentials);
    }
    EXPECT_EQ(identity_->GetUser("tina")->failed_attempts(), 2);
    CC_ASSERT_OK_AND_ASSIGN(
        LoginResult login,
        identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab)));
    EXPECT_EQ(login.user.failed_attempts(), 0);
    EXPECT_EQ(login.user.status(), v1::USER_STATUS_ACTIVE);
  }
}

TEST_F(IdentityTest, AnOverlongPasswordIsRefusedBeforeHashing) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(auth::Principal tina,
                          LogInAtLab("tina", kTinaPassword));
  const std::string huge(3 << 20, 'x');  // 3 MB took 0.5 s of scrypt
  auto expect_refused = [](const absl::Status& status,
                           const std::string& field) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_EQ(FieldOf(status), field) << status;
    EXPECT_EQ(ReasonOf(status), kReasonPasswordTooLong) << status;
  };
  expect_refused(identity_->Login("tina", huge, kLab, KeyOf(kLab)).status(),
                 "password");
  expect_refused(identity_->Login("nobody", huge, kLab, KeyOf(kLab)).status(),
                 "password");
  expect_refused(
      identity_
          ->Reauthenticate(
              "tina", huge,
              {.method = "/x.v1.X/Sign", .workstation = kLab, .request_id = ""})
          .status(),
      "password");
  v1::ChangePasswordRequest change;
  *change.mutable_context() = Ctx();
  change.set_current_password(huge);
  change.set_new_password("a brand new passphrase");
  expect_refused(identity_->ChangePassword(tina, change).status(),
                 "current_password");
  change.set_current_password(kTinaPassword);
  change.set_new_password(huge);
  expect_refused(identity_->ChangePassword(tina, change).status(),
                 "new_password");
  v1::ResetPasswordRequest reset;
  *reset.mutable_context() = Ctx("forgot it");
  reset.set_user_id("tina");
  reset.set_temporary_password(huge);
  expect_refused(identity_->ResetPassword(admin_, reset).status(),
                 "temporary_password");
  // None of them reached a password check: nothing counted, nothing audited.
  EXPECT_EQ(identity_->GetUser("tina")->failed_attempts(), 0);
  EXPECT_EQ(CountActions("user", "tina", "user.login_failed"), 0);
  EXPECT_EQ(CountActions("user", "tina", "user.reauthentication_failed"), 0);
  // At the limit a password is still checked (and this one is wrong).
  absl::Status at_limit =
      identity_
          ->Login("tina", std::string(kMaxPasswordBytes, 'y'), kLab,
                  KeyOf(kLab))
          .status();
  EXPECT_EQ(ReasonOf(at_limit), kReasonInvalidCredentials);
  EXPECT_EQ(identity_->GetUser("tina")->failed_attempts(), 1);
}

TEST_F(IdentityTest, FailedAttemptsAreLimitedPerWorkstationAndPerUserId) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  auto expect_limited = [](const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    EXPECT_EQ(ReasonOf(status), kReasonTooManyFailedAttempts) << status;
  };
  {
    // A workstation spraying made-up user ids.
    IdentityOptions options;
    options.scrypt.log2_n = 12;
    options.max_failures_per_workstation = 3;
    Identity identity(pool_.get(), ledger_.get(), options);
    for (const char* ghost : {"ghost-a", "ghost-b", "ghost-c"}) {
      EXPECT_EQ(
          ReasonOf(identity.Login(ghost, "some password", kLab, KeyOf(kLab))
                       .status()),
          kReasonInvalidCredentials);
    }
    // Now even the right password of a real user is not checked there...
    expect_limited(
        identity.Login("tina", kTinaPassword, kLab, KeyOf(kLab)).status());
    EXPECT_EQ(identity.GetUser("tina")->failed_attempts(), 0);
    // ...but is at another workstation.
    CC_EXPECT_OK(
        identity.Login("tina", kTinaPassword, kQaDesk, KeyOf(kQaDesk)));
  }
  {
    // One user id guessed at from several workstations.
    IdentityOptions options;
    options.scrypt.log2_n = 12;
    options.max_failures_per_user_id = 2;
    Identity identity(pool_.get(), ledger_.get(), options);
    EXPECT_EQ(
        ReasonOf(identity.Login("tina", "wrong guess one", kLab, KeyOf(kLab))
                     .status()),
        kReasonInvalidCredentials);
    EXPECT_EQ(
        ReasonOf(
            identity.Login("tina", "wrong guess two", kQaDesk, KeyOf(kQaDesk))
                .status()),
        kReasonInvalidCredentials);
    expect_limited(identity
                       .Login("tina", kTinaPassword,
                              "CN=third-ws,O=cellchain dev",
                              KeyOf("CN=third-ws,O=cellchain dev"))
                       .status());
    expect_limited(identity
                       .Reauthenticate("tina", kTinaPassword,
                                       {.method = "/x.v1.X/Sign",
                                        .workstation = kLab,
                                        .request_id = ""})
                       .status());
    EXPECT_EQ(identity.GetUser("tina")->failed_attempts(), 2);
    // An unknown user id is limited alike: the limit tells nothing of which
    // ids exist.
    TryLogin(identity, "ghost", "some password", kLab);
    TryLogin(identity, "ghost", "some password", kQaDesk);
    expect_limited(
        identity.Login("ghost", "some password", kLab, KeyOf(kLab)).status());
  }
}

TEST_F(IdentityTest, TheFailedAttemptLimitLiftsWhenItsWindowHasPassed) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  IdentityOptions options;
  options.scrypt.log2_n = 12;
  options.max_failures_per_workstation = 2;
  options.failure_window = absl::Minutes(5);
  options.clock = &clock_;
  Identity identity(pool_.get(), ledger_.get(), options);
  for (const char* ghost : {"ghost-a", "ghost-b"}) {
    TryLogin(identity, ghost, "some password", kLab);
  }
  EXPECT_EQ(
      ReasonOf(
          identity.Login("tina", kTinaPassword, kLab, KeyOf(kLab)).status()),
      kReasonTooManyFailedAttempts);
  // Four minutes on the service's clock: still inside the window.
  clock_.Advance(absl::Minutes(4));
  EXPECT_EQ(
      ReasonOf(
          identity.Login("tina", kTinaPassword, kLab, KeyOf(kLab)).status()),
      kReasonTooManyFailedAttempts);
  // Past it, the workstation may try again.
  clock_.Advance(absl::Minutes(2));
  CC_EXPECT_OK(identity.Login("tina", kTinaPassword, kLab, KeyOf(kLab)));
}

TEST_F(IdentityTest, PasswordHashingBeyondItsSlotsIsRefusedNotQueued) {
  IdentityOptions options;
  options.scrypt.log2_n = 16;  // a check long enough for the others to arrive
  options.max_concurrent_hashes = 1;
  options.hash_queue_timeout = absl::ZeroDuration();
  Identity identity(pool_.get(), ledger_.get(), options);
  int busy = 0;
  int refused = 0;
  for (int round = 0; round < 3 && (busy == 0 || refused == 0); ++round) {
    constexpr int kCallers = 8;
    std::vector<absl::Status> results = AtOnce(kCallers, [&](int i) {
      // Unknown users: each costs one scrypt check of the dummy hash.
      const std::string workstation = "CN=ws-" + std::to_string(i);
      return identity
          .Login("ghost-" + std::to_string(i), "some password", workstation,
                 KeyOf(workstation))
          .status();
    });
    for (const absl::Status& status : results) {
      if (ReasonOf(status) == kReasonAuthenticationBusy) {
        EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
        ++busy;
      } else {
        EXPECT_EQ(ReasonOf(status), kReasonInvalidCredentials) << status;
        ++refused;
      }
    }
  }
  EXPECT_GT(busy, 0);
  EXPECT_GT(refused, 0);
}

TEST_F(IdentityTest, UnknownUserLooksLikeAWrongPasswordAndIsRecorded) {
  absl::StatusOr<LoginResult> result =
      identity_->Login("nobody", "whatever password", kLab, KeyOf(kLab));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(result.status()), kReasonInvalidCredentials);
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  auto r = conn->Exec(
      "SELECT d.attempted_user_id, d.reason, r.action FROM "
      "cellchain_identity.access_denials d JOIN cellchain_audit.records r "
      "ON r.entity_type = 'access_denial' AND r.entity_id = d.denial_id");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows(), 1);
  EXPECT_EQ(*r->GetString(0, 0), "nobody");
  EXPECT_EQ(*r->GetString(0, 1), kReasonInvalidCredentials);
  EXPECT_EQ(*r->GetString(0, 2), "access_denial.record");
}

// The access_denial records as an admin reads them in the audit trail
// (their after_state), oldest first.
std::vector<std::pair<std::string, v1::AccessDenial>> DenialRecords(
    const std::string& conninfo) {
  std::vector<std::pair<std::string, v1::AccessDenial>> out;
  auto conn = pg::Connection::Open(conninfo);
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (!conn.ok()) return out;
  auto r = conn->Exec(
      "SELECT action, record_bytes FROM cellchain_audit.records "
      "WHERE entity_type = 'access_denial' ORDER BY recorded_at, record_id");
  EXPECT_TRUE(r.ok()) << r.status();
  for (int row = 0; r.ok() && row < r->rows(); ++row) {
    audit::v1::AuditRecord record;
    EXPECT_TRUE(record.ParseFromString(*r->GetBytes(row, 1)));
    v1::AccessDenial denial;
    EXPECT_TRUE(record.after_state().UnpackTo(&denial));
    out.emplace_back(*r->GetString(row, 0), denial);
  }
  return out;
}

TEST_F(IdentityTest, RepeatedIdenticalDenialsAreOneRecordAndACount) {
  testing::TestClock clock;
  IdentityOptions options;
  options.scrypt.log2_n = 12;
  options.max_failures_per_user_id = 1000;
  options.max_failures_per_workstation = 1000;
  options.clock = &clock;
  Identity identity(pool_.get(), ledger_.get(), options);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(
        ReasonOf(identity.Login("ghost", "some password", kLab, KeyOf(kLab))
                     .status()),
        kReasonInvalidCredentials);
    clock.Advance(absl::Seconds(1));
  }
  // Another claimed id, another workstation: each a record of its own.
  TryLogin(identity, "wraith", "some password", kLab);
  TryLogin(identity, "ghost", "some password", kQaDesk);
  auto records = DenialRecords(db_->conninfo());
  ASSERT_EQ(records.size(), 3u);
  for (const auto& [action, denial] : records) {
    EXPECT_EQ(action, "access_denial.record");
    EXPECT_EQ(denial.repeated_count(), 0);
  }
  EXPECT_EQ(records[0].second.attempted_user_id(), "ghost");
  EXPECT_EQ(records[0].second.workstation(), kLab);
  EXPECT_EQ(records[1].second.attempted_user_id(), "wraith");
  EXPECT_EQ(records[2].second.workstation(), kQaDesk);
  const std::string first_id = records[0].second.denial_id();

  // The window closes; the next denial (of any key) writes the count.
  clock.Advance(kDenialWindow);
  TryLogin(identity, "ghost", "some password", kLab);
  records = DenialRecords(db_->conninfo());
  ASSERT_EQ(records.size(), 5u);
  const auto& [action, repeated] = records[3];
  EXPECT_EQ(action, "access_denial.repeated");
  EXPECT_EQ(repeated.repeated_count(), 9);
  EXPECT_EQ(repeated.first_denial_id(), first_id);
  EXPECT_EQ(repeated.attempted_user_id(), "ghost");
  EXPECT_EQ(repeated.workstation(), kLab);
  EXPECT_EQ(repeated.reason(), kReasonInvalidCredentials);
  EXPECT_EQ(repeated.window_start().seconds(), 1'800'000'000);
  EXPECT_EQ(repeated.window_end().seconds(), 1'800'000'060);
  EXPECT_EQ(repeated.denied_at().seconds(), 1'800'000'009);
  // The denial that came after the window opens a new one, recorded.
  EXPECT_EQ(records[4].first, "access_denial.record");
  EXPECT_EQ(records[4].second.attempted_user_id(), "ghost");
  EXPECT_NE(records[4].second.denial_id(), first_id);
  // Single denials' windows counted nothing: no record of a zero count.
}

TEST_F(IdentityTest, RateLimitRefusalsAreRecordedAggregated) {
  testing::TestClock clock;
  IdentityOptions options;
  options.scrypt.log2_n = 12;
  options.max_failures_per_user_id = 2;
  options.clock = &clock;
  {
    Identity identity(pool_.get(), ledger_.get(), options);
    for (int i = 0; i < 2; ++i) {
      TryLogin(identity, "ghost", "some password", kLab);
    }
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(
          ReasonOf(identity.Login("ghost", "some password", kLab, KeyOf(kLab))
                       .status()),
          kReasonTooManyFailedAttempts);
    }
    auto records = DenialRecords(db_->conninfo());
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].second.reason(), kReasonInvalidCredentials);
    EXPECT_EQ(records[1].second.reason(), kReasonTooManyFailedAttempts);
    EXPECT_EQ(records[1].second.code(), "RESOURCE_EXHAUSTED");
    EXPECT_EQ(records[1].second.attempted_user_id(), "ghost");
    EXPECT_EQ(records[1].second.method(),
              "/cellchain.identity.v1.AuthService/Login");
  }  // shutdown writes the counts of the windows still open
  auto records = DenialRecords(db_->conninfo());
  ASSERT_EQ(records.size(), 4u);
  std::map<std::string, int64_t> counts;
  for (size_t i = 2; i < records.size(); ++i) {
    EXPECT_EQ(records[i].first, "access_denial.repeated");
    counts[records[i].second.reason()] = records[i].second.repeated_count();
  }
  EXPECT_EQ(counts[kReasonInvalidCredentials], 1);
  EXPECT_EQ(counts[kReasonTooManyFailedAttempts], 4);
}

TEST_F(IdentityTest, ExpiredIdleAndDisabledSessionsAreRefused) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  // Time passes on the service's clock (8 h sessions, 15 min idle): a is
  // opened 8 h 16 min before the checks, b 16 min before, c just before.
  CC_ASSERT_OK_AND_ASSIGN(LoginResult a, identity_->Login("tina", kTinaPassword,
                                                          kLab, KeyOf(kLab)));
  clock_.Advance(absl::Hours(8));
  CC_ASSERT_OK_AND_ASSIGN(LoginResult b, identity_->Login("tina", kTinaPassword,
                                                          kLab, KeyOf(kLab)));
  clock_.Advance(absl::Minutes(16));
  CC_ASSERT_OK_AND_ASSIGN(LoginResult c, identity_->Login("tina", kTinaPassword,
                                                          kLab, KeyOf(kLab)));
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(
      ReasonOf(
          identity_->Authenticate(a.session_token, kLab, KeyOf(kLab)).status()),
      "SESSION_EXPIRED");
  EXPECT_EQ(
      ReasonOf(
          identity_->Authenticate(b.session_token, kLab, KeyOf(kLab)).status()),
      "SESSION_IDLE_TIMEOUT");
  CC_EXPECT_OK(identity_->Authenticate(c.session_token, kLab, KeyOf(kLab)));

  v1::DisableUserRequest disable;
  *disable.mutable_context() = Ctx("left the company");
  disable.set_user_id("tina");
  CC_ASSERT_OK(identity_->DisableUser(admin_, disable));
  EXPECT_EQ(identity_->Authenticate(c.session_token, kLab, KeyOf(kLab))
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(
      ReasonOf(
          identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab)).status()),
      auth::kReasonAccountDisabled);
  // Disabled, never deleted: the id stays taken.
  v1::CreateUserRequest again;
  *again.mutable_context() = Ctx();
  again.set_user_id("tina");
  again.set_printed_name("Another Tina");
  again.add_roles(common::v1::ROLE_QA);
  again.set_temporary_password(kTempPassword);
  EXPECT_EQ(identity_->CreateUser(admin_, again).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(conn->Exec("DELETE FROM cellchain_identity.users "
                          "WHERE user_id = 'tina'")
                   .ok());
}

TEST_F(IdentityTest, AdminCannotDisableSelfOrChangeOwnRoles) {
  v1::DisableUserRequest disable;
  *disable.mutable_context() = Ctx("oops");
  disable.set_user_id("ada");
  EXPECT_EQ(ReasonOf(identity_->DisableUser(admin_, disable).status()),
            "CANNOT_DISABLE_SELF");
  auto records = [&]() {
    auto conn = pg::Connection::Open(db_->conninfo());
    EXPECT_TRUE(conn.ok());
    auto r = conn->Exec("SELECT count(*) FROM cellchain_audit.records");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r->GetInt64(0, 0) : -1;
  };
  const int64_t before = records();
  // The issue: an admin gave itself qa. Dropping admin is refused alike.
  for (std::vector<common::v1::Role> roles :
       {std::vector{common::v1::ROLE_ADMIN, common::v1::ROLE_QA},
        std::vector{common::v1::ROLE_QA}}) {
    v1::SetRolesRequest request;
    *request.mutable_context() = Ctx("audit trail review");
    request.set_user_id("ada");
    for (common::v1::Role role : roles) request.add_roles(role);
    absl::Status refused = identity_->SetRoles(admin_, request).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
    EXPECT_EQ(ReasonOf(refused), kReasonCannotChangeOwnRoles);
    EXPECT_THAT(std::string(refused.message()),
                HasSubstr("another administrator must"));
  }
  EXPECT_EQ(records(), before);
  CC_ASSERT_OK_AND_ASSIGN(v1::User ada, identity_->GetUser("ada"));
  EXPECT_THAT(ada.roles(), ElementsAre(common::v1::ROLE_ADMIN));
}

TEST_F(IdentityTest, RoleChangesNeedAReasonAndCompatibleRoles) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  auto set_roles = [&](Identity& identity, const std::string& reason,
                       std::vector<common::v1::Role> roles) {
    v1::SetRolesRequest request;
    *request.mutable_context() = Ctx(reason);
    request.set_user_id("tina");
    for (common::v1::Role role : roles) request.add_roles(role);
    return identity.SetRoles(admin_, request);
  };
  const std::vector<std::string> history = Actions("user", "tina");

  for (const char* blank : {"", "   "}) {
    absl::Status refused =
        set_roles(*identity_, blank, {common::v1::ROLE_QC_ANALYST}).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
    EXPECT_EQ(FieldOf(refused), "context.reason");
  }
  absl::Status both =
      set_roles(*identity_, "covering QA this month",
                {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QA})
          .status();
  EXPECT_EQ(both.code(), absl::StatusCode::kFailedPrecondition) << both;
  EXPECT_EQ(ReasonOf(both), kReasonIncompatibleRoles);
  EXPECT_THAT(std::string(both.message()), HasSubstr("--allow-technician-qa"));
  EXPECT_EQ(Actions("user", "tina"), history);
  CC_ASSERT_OK_AND_ASSIGN(v1::User unchanged, identity_->GetUser("tina"));
  EXPECT_THAT(unchanged.roles(), ElementsAre(common::v1::ROLE_TECHNICIAN));

  v1::CreateUserRequest create;
  *create.mutable_context() = Ctx();
  create.set_user_id("terry");
  create.set_printed_name("Terry Two-Hats");
  create.add_roles(common::v1::ROLE_QA);
  create.add_roles(common::v1::ROLE_TECHNICIAN);
  create.set_temporary_password(kTempPassword);
  EXPECT_EQ(ReasonOf(identity_->CreateUser(admin_, create).status()),
            kReasonIncompatibleRoles);
  EXPECT_EQ(identity_->GetUser("terry").status().code(),
            absl::StatusCode::kNotFound);

  // A good change: its reason is in the audit record.
  CC_ASSERT_OK_AND_ASSIGN(
      auto changed,
      set_roles(*identity_, "covers QC on night shifts",
                {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QC_ANALYST}));
  EXPECT_THAT(changed.user().roles(), ElementsAre(common::v1::ROLE_TECHNICIAN,
                                                  common::v1::ROLE_QC_ANALYST));
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  auto r = conn->Exec(
      "SELECT record_bytes FROM cellchain_audit.records WHERE entity_type = "
      "'user' AND entity_id = 'tina' AND action = 'user.set_roles'",
      {}, pg::ResultFormat::kBinary);
  ASSERT_TRUE(r.ok() && r->rows() == 1) << r.status();
  audit::v1::AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(*r->GetBytes(0, 0)));
  EXPECT_EQ(record.reason(), "covers QC on night shifts");
  EXPECT_EQ(record.actor().user_id(), "ada");

  // A deployment that allows the pair (--allow-technician-qa).
  IdentityOptions allowing;
  allowing.scrypt.log2_n = 12;
  allowing.allow_technician_qa = true;
  Identity lenient(pool_.get(), ledger_.get(), allowing);
  CC_ASSERT_OK_AND_ASSIGN(
      auto combined,
      set_roles(lenient, "two-person site: both hats",
                {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QA}));
  EXPECT_THAT(combined.user().roles(),
              ElementsAre(common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QA));
}

TEST_F(IdentityTest, PasswordPolicyAndNoReuse) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(auth::Principal tina,
                          LogInAtLab("tina", kTinaPassword));
  v1::ChangePasswordRequest change;
  *change.mutable_context() = Ctx();
  change.set_current_password(kTinaPassword);
  change.set_new_password(kTempPassword);  // the first, temporary one
  absl::Status reused = identity_->ChangePassword(tina, change).status();
  EXPECT_EQ(ReasonOf(reused), kReasonPasswordReused);
  EXPECT_EQ(FieldOf(reused), "new_password");
  change.set_new_password("short");
  EXPECT_EQ(ReasonOf(identity_->ChangePassword(tina, change).status()),
            "PASSWORD_TOO_SHORT");
  change.set_new_password("a brand new passphrase");
  CC_EXPECT_OK(identity_->ChangePassword(tina, change));
}

TEST_F(IdentityTest, ChangingThePasswordEndsTheOtherSessions) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult here,
      identity_->Login("tina", kTinaPassword, kLab, KeyOf(kLab)));
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult elsewhere,
      identity_->Login("tina", kTinaPassword, kQaDesk, KeyOf(kQaDesk)));
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult ada,
      identity_->Login("ada", kAdminPassword, kQaDesk, KeyOf(kQaDesk)));
  CC_ASSERT_OK_AND_ASSIGN(auth::Principal tina,
                          PrincipalOf(here.session_token, kLab));
  v1::ChangePasswordRequest change;
  *change.mutable_context() = Ctx();
  change.set_current_password(kTinaPassword);
  change.set_new_password("a brand new passphrase");
  CC_ASSERT_OK(identity_->ChangePassword(tina, change));

  absl::Status other =
      identity_->Authenticate(elsewhere.session_token, kQaDesk, KeyOf(kQaDesk))
          .status();
  EXPECT_EQ(other.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(other), "SESSION_ENDED");
  EXPECT_THAT(std::string(other.message()), HasSubstr("password changed"));
  // The session that made the change goes on.
  CC_EXPECT_OK(identity_->Authenticate(here.session_token, kLab, KeyOf(kLab)));
  // Another user's sessions are untouched.
  CC_EXPECT_OK(
      identity_->Authenticate(ada.session_token, kQaDesk, KeyOf(kQaDesk)));
}

TEST_F(IdentityTest, TemporaryPasswordMustBeChangedFirst) {
  v1::CreateUserRequest create;
  *create.mutable_context() = Ctx();
  create.set_user_id("nina");
  create.set_printed_name("Nina New");
  create.add_roles(common::v1::ROLE_QA);
  create.set_temporary_password(kTempPassword);
  CC_ASSERT_OK_AND_ASSIGN(v1::CreateUserResponse created,
                          identity_->CreateUser(admin_, create));
  EXPECT_TRUE(created.user().password_change_required());
  CC_ASSERT_OK_AND_ASSIGN(
      LoginResult login,
      identity_->Login("nina", kTempPassword, kLab, KeyOf(kLab)));
  CC_ASSERT_OK_AND_ASSIGN(
      auth::Session session,
      identity_->Authenticate(login.session_token, kLab, KeyOf(kLab)));
  EXPECT_TRUE(session.password_change_required);
}

TEST_F(IdentityTest, CreateUserIsIdempotentPerRequestId) {
  v1::CreateUserRequest create;
  *create.mutable_context() = Ctx();
  create.set_user_id("quinn");
  create.set_printed_name("Quinn Quality");
  create.add_roles(common::v1::ROLE_QA);
  create.set_temporary_password(kTempPassword);
  CC_ASSERT_OK_AND_ASSIGN(v1::CreateUserResponse first,
                          identity_->CreateUser(admin_, create));
  CC_ASSERT_OK_AND_ASSIGN(v1::CreateUserResponse retry,
                          identity_->CreateUser(admin_, create));
  EXPECT_EQ(first.SerializeAsString(), retry.SerializeAsString());
  EXPECT_THAT(Actions("user", "quinn"), ElementsAre("user.create"));
  create.set_printed_name("Someone Else");
  EXPECT_EQ(ReasonOf(identity_->CreateUser(admin_, create).status()),
            "REQUEST_ID_REUSED");
}

TEST_F(IdentityTest, AnUnknownUserIsNotFoundWithItsReasonAndChangesNothing) {
  absl::Status missing = identity_->GetUser("nobody").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_EQ(ReasonOf(missing), kReasonUserNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("\"nobody\""));

  v1::UnlockUserRequest unlock;
  *unlock.mutable_context() = Ctx("ticket 42");
  unlock.set_user_id("nobody");
  absl::Status refused = identity_->UnlockUser(admin_, unlock).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound) << refused;
  EXPECT_EQ(ReasonOf(refused), kReasonUserNotFound);
  EXPECT_TRUE(Actions("user", "nobody").empty());
}

TEST_F(IdentityTest, SignatureNeedsThePasswordAgainAndFailuresCount) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(auth::Principal tina,
                          LogInAtLab("tina", kTinaPassword));
  auth::SignatureAttempt attempt{
      .method = "/x.v1.X/Sign", .workstation = kLab, .request_id = ""};
  common::v1::ESignature esig;
  esig.set_meaning(common::v1::SIGNATURE_MEANING_PERFORMED);
  esig.set_password("not my password");
  absl::StatusOr<auth::Signature> refused =
      auth::Sign(*identity_, tina, esig,
                 {common::v1::SIGNATURE_MEANING_PERFORMED}, attempt);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), auth::kReasonReauthenticationFailed);
  EXPECT_EQ(identity_->GetUser("tina")->failed_attempts(), 1);
  EXPECT_EQ(Actions("user", "tina").back(), "user.reauthentication_failed");

  esig.set_meaning(common::v1::SIGNATURE_MEANING_RELEASED);
  EXPECT_EQ(
      FieldOf(auth::Sign(*identity_, tina, esig,
                         {common::v1::SIGNATURE_MEANING_PERFORMED}, attempt)
                  .status()),
      "signature.meaning");

  esig.set_meaning(common::v1::SIGNATURE_MEANING_PERFORMED);
  esig.set_password(kTinaPassword);
  CC_ASSERT_OK_AND_ASSIGN(
      auth::Signature signature,
      auth::Sign(*identity_, tina, esig,
                 {common::v1::SIGNATURE_MEANING_PERFORMED}, attempt));
  EXPECT_EQ(signature.manifestation.printed_name(), "Tina Tech");
  EXPECT_EQ(signature.manifestation.meaning(),
            common::v1::SIGNATURE_MEANING_PERFORMED);
  EXPECT_EQ(signature.actor.user_id(), "tina");
  EXPECT_EQ(signature.actor.workstation(), kLab);
}

TEST_F(IdentityTest, ASuccessfulSignatureResetsTheFailureCount) {
  // The lockout counts consecutive failures: someone who mistypes now and
  // then between good signatures is never locked out (threshold 3).
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  ledger::StateRegistry registry;
  CC_ASSERT_OK(Identity::RegisterStateReaders(registry));
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  CC_ASSERT_OK_AND_ASSIGN(auth::Principal tina,
                          LogInAtLab("tina", kTinaPassword));
  auth::SignatureAttempt attempt{
      .method = "/x.v1.X/Sign", .workstation = kLab, .request_id = ""};
  common::v1::ESignature esig;
  esig.set_meaning(common::v1::SIGNATURE_MEANING_PERFORMED);
  const std::vector<common::v1::SignatureMeaning> performed = {
      common::v1::SIGNATURE_MEANING_PERFORMED};
  for (int round = 0; round < 3; ++round) {
    esig.set_password("not my password");
    absl::Status first =
        auth::Sign(*identity_, tina, esig, performed, attempt).status();
    // No user id was typed: the answer speaks of the password alone, and of
    // how many tries are left.
    EXPECT_EQ(ReasonOf(first), auth::kReasonReauthenticationFailed);
    EXPECT_EQ(first.message(),
              "signature refused: wrong password; 2 more wrong passwords "
              "lock your account");
    absl::Status second =
        auth::Sign(*identity_, tina, esig, performed, attempt).status();
    EXPECT_EQ(second.message(),
              "signature refused: wrong password; 1 more wrong password "
              "locks your account");
    EXPECT_EQ(identity_->GetUser("tina")->failed_attempts(), 2);
    esig.set_password(kTinaPassword);
    CC_EXPECT_OK(auth::Sign(*identity_, tina, esig, performed, attempt));
    EXPECT_EQ(identity_->GetUser("tina")->failed_attempts(), 0);
    // The reset is recorded: audit verify finds the user as her latest
    // record says, not a CURRENT_STATE finding after every typo.
    EXPECT_EQ(Actions("user", "tina").back(), "user.reauthenticated");
    CC_ASSERT_OK_AND_ASSIGN(ledger::EntityState state,
                            registry.ReadState(*conn, "user", "tina"));
    EXPECT_EQ(state.bytes, LatestRecordedState(*conn, "tina"));
  }
  EXPECT_EQ(identity_->GetUser("tina")->status(), v1::USER_STATUS_ACTIVE);
  // A right password with no failures to end changes nothing and records
  // nothing.
  const int records = static_cast<int>(Actions("user", "tina").size());
  CC_EXPECT_OK(auth::Sign(*identity_, tina, esig, performed, attempt));
  EXPECT_EQ(Actions("user", "tina").size(), records);

  // The third consecutive failure locks, and says so.
  esig.set_password("not my password");
  for (int i = 0; i < 2; ++i) {
    (void)auth::Sign(*identity_, tina, esig, performed, attempt);
  }
  EXPECT_EQ(
      auth::Sign(*identity_, tina, esig, performed, attempt).status().message(),
      "signature refused: wrong password; your account is now locked "
      "after 3 consecutive failures; an administrator can unlock it");
  EXPECT_EQ(identity_->GetUser("tina")->status(), v1::USER_STATUS_LOCKED);
}

TEST_F(IdentityTest, FourEyesNeedsASecondDistinctPersonWithAnAllowedRole) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  CreateUser("theo", "Theo Tech", {common::v1::ROLE_TECHNICIAN},
             "second own secret phrase");
  CreateUser("quinn", "Quinn Quality", {common::v1::ROLE_QA},
             "third own secret phrase");
  CC_ASSERT_OK_AND_ASSIGN(auth::Principal tina,
                          LogInAtLab("tina", kTinaPassword));
  auth::SignatureAttempt attempt{
      .method = "/x.v1.X/Verify", .workstation = kLab, .request_id = ""};
  std::vector<common::v1::SignatureMeaning> verified = {
      common::v1::SIGNATURE_MEANING_VERIFIED};
  common::v1::CoSignature second;
  second.set_user_id("tina");
  second.set_password(kTinaPassword);
  second.set_meaning(common::v1::SIGNATURE_MEANING_VERIFIED);
  absl::StatusOr<auth::Signature> same =
      auth::CoSign(*identity_, tina, second, {common::v1::ROLE_TECHNICIAN},
                   verified, attempt);
  EXPECT_EQ(same.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(same.status()), auth::kReasonSamePerson);

  second.set_user_id("quinn");
  second.set_password("third own secret phrase");
  EXPECT_EQ(
      ReasonOf(auth::CoSign(*identity_, tina, second,
                            {common::v1::ROLE_TECHNICIAN}, verified, attempt)
                   .status()),
      "ROLE_NOT_ALLOWED");

  second.set_user_id("theo");
  second.set_password("second own secret phrase");
  CC_ASSERT_OK_AND_ASSIGN(
      auth::Signature theo,
      auth::CoSign(*identity_, tina, second, {common::v1::ROLE_TECHNICIAN},
                   verified, attempt));
  EXPECT_EQ(theo.actor.user_id(), "theo");
  EXPECT_EQ(theo.actor.role(), "technician");
  EXPECT_EQ(theo.actor.workstation(), kLab);
  EXPECT_EQ(theo.manifestation.printed_name(), "Theo Tech");
  EXPECT_EQ(ReasonOf(auth::RequireDistinct("tina", "tina", "verification")),
            auth::kReasonSamePerson);
}

TEST_F(IdentityTest, SegregationOfDutiesRefusesWhoPerformedOrReviewed) {
  // A manufacturing step on lot L1 performed and signed by tina.
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey key,
                          crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ledger::Ledger> manufacturing,
      ledger::Ledger::Create("manufacturing", std::move(key),
                             ledger::RealClock()));
  common::v1::EntityRef lot;
  lot.set_type("donor_lot");
  lot.set_id("L1");
  // Written as the database owner: only manufacturing's role may write
  // manufacturing's records, and identity's pool is not it.
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection owner,
                          pg::Connection::Open(db_->conninfo()));
  CC_ASSERT_OK(manufacturing->RegisterKey(owner));
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction write, pg::Transaction::Begin(owner));
  CC_ASSERT_OK([&]() -> absl::Status {
    pg::Transaction& tx = write;
    google::protobuf::Timestamp state;
    ledger::Event event;
    event.actor.set_user_id("tina");
    event.actor.set_printed_name("Tina Tech");
    event.action = "donor_lot.passage";
    event.entity_type = lot.type();
    event.entity_id = lot.id();
    event.after_state = &state;
    event.request_id = crypto::RandomId("req");
    common::v1::SignatureManifestation signature;
    signature.set_user_id("tina");
    signature.set_printed_name("Tina Tech");
    signature.set_meaning(common::v1::SIGNATURE_MEANING_PERFORMED);
    event.signature = signature;
    return manufacturing->Append(tx, event).status();
  }());
  CC_ASSERT_OK(write.Commit());
  CC_ASSERT_OK(pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    absl::Status tina = auth::CheckSegregationOfDuties(tx, "tina", {lot});
    EXPECT_EQ(tina.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(ReasonOf(tina), auth::kReasonSegregationOfDuties);
    EXPECT_THAT(std::string(tina.message()), HasSubstr("donor_lot.passage"));
    CC_EXPECT_OK(auth::CheckSegregationOfDuties(tx, "quinn", {lot}));
    return absl::OkStatus();
  }));

  // Recording a step is performing it, signed or not; a disposition
  // (APPROVED, RELEASED, REJECTED) and what the caller calls oversight are
  // not steps.
  auto append = [&](const std::string& user, const std::string& action,
                    std::optional<common::v1::SignatureMeaning> meaning) {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx, pg::Transaction::Begin(owner));
    google::protobuf::Timestamp state;
    ledger::Event event;
    event.actor.set_user_id(user);
    event.actor.set_printed_name(user);
    event.action = action;
    event.entity_type = lot.type();
    event.entity_id = lot.id();
    event.after_state = &state;
    event.request_id = crypto::RandomId("req");
    if (meaning.has_value()) {
      common::v1::SignatureManifestation signature;
      signature.set_user_id(user);
      signature.set_printed_name(user);
      signature.set_meaning(*meaning);
      event.signature = signature;
    }
    CC_ASSERT_OK(manufacturing->Append(tx, event).status());
    CC_ASSERT_OK(tx.Commit());
  };
  append("quinn", "donor_lot.deviation_assessed",
         common::v1::SIGNATURE_MEANING_APPROVED);
  append("quinn", "donor_lot.looked_at", std::nullopt);
  CC_ASSERT_OK(pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    absl::Status quinn = auth::CheckSegregationOfDuties(tx, "quinn", {lot});
    EXPECT_EQ(ReasonOf(quinn), auth::kReasonSegregationOfDuties);
    EXPECT_THAT(std::string(quinn.message()),
                HasSubstr("quinn recorded donor_lot.looked_at"));
    CC_EXPECT_OK(auth::CheckSegregationOfDuties(tx, "quinn", {lot},
                                                {"donor_lot.looked_at"}));
    return absl::OkStatus();
  }));
}

TEST_F(IdentityTest, UserStateMatchesItsLatestRecordAndCatchesACredentialSwap) {
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  ledger::StateRegistry registry;
  CC_ASSERT_OK(Identity::RegisterStateReaders(registry));
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  auto latest = [&]() { return LatestRecordedState(*conn, "tina"); };
  CC_ASSERT_OK_AND_ASSIGN(ledger::EntityState state,
                          registry.ReadState(*conn, "user", "tina"));
  EXPECT_EQ(state.bytes, latest());
  // Someone with database access plants a credential they know.
  CC_ASSERT_OK(conn->Exec("UPDATE cellchain_identity.users SET password_hash = "
                          "(SELECT password_hash FROM cellchain_identity.users "
                          "WHERE user_id = 'ada') WHERE user_id = 'tina'")
                   .status());
  CC_ASSERT_OK_AND_ASSIGN(ledger::EntityState swapped,
                          registry.ReadState(*conn, "user", "tina"));
  EXPECT_NE(swapped.bytes, latest());
}

TEST_F(IdentityTest, NoPasswordIsStoredAuditedOrLogged) {
  ::testing::internal::CaptureStderr();
  CreateUser("tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN}, kTinaPassword);
  TryLogin(*identity_, "tina", "a wrong guess here", kLab);
  TryLogin(*identity_, "ghost", "ghostly password", kLab);
  std::string log = ::testing::internal::GetCapturedStderr();
  std::string stored = EverythingStored();
  for (const char* secret : {kAdminPassword, kTempPassword, kTinaPassword,
                             "a wrong guess here", "ghostly password"}) {
    EXPECT_THAT(stored, Not(HasSubstr(secret))) << secret;
    EXPECT_THAT(log, Not(HasSubstr(secret))) << secret;
  }
  // The stored credential is an scrypt hash.
  EXPECT_THAT(stored, HasSubstr("$scrypt$ln=12"));
}

std::string LatestRecordedState(pg::Connection& conn,
                                const std::string& user_id) {
  auto r = conn.Exec(
      "SELECT record_bytes FROM cellchain_audit.records WHERE "
      "entity_type = 'user' AND entity_id = $1 "
      "ORDER BY entity_seq DESC LIMIT 1",
      {user_id});
  EXPECT_TRUE(r.ok());
  audit::v1::AuditRecord record;
  EXPECT_TRUE(record.ParseFromString(*r->GetBytes(0, 0)));
  return record.after_state().value();
}

void TryLogin(Identity& identity, const std::string& user_id,
              const std::string& password, const std::string& workstation) {
  identity.Login(user_id, password, workstation, KeyOf(workstation))
      .status()
      .IgnoreError();
}

std::vector<absl::Status> AtOnce(int n,
                                 const std::function<absl::Status(int)>& call) {
  std::vector<absl::Status> results(n);
  absl::Notification go;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      go.WaitForNotification();
      results[i] = call(i);
    });
  }
  go.Notify();
  for (std::thread& thread : threads) thread.join();
  return results;
}

}  // namespace
}  // namespace cellchain::identity
