// Identity: users, credentials, sessions and lockout, over PostgreSQL
// (schema cellchain_identity) with every change audited through the ledger
// (docs/services/identity.md). It is also the SessionAuthority of the access
// gate and the SignatureAuthority of e-signatures: cellchaind hosts it in
// every process.
//
// Audit records (entity "user", after_state cellchain.identity.v1.User):
//   user.bootstrap_admin, user.create, user.login, user.login_failed,
//   user.reauthentication_failed, user.reauthenticated, user.lock,
//   user.logout, user.change_password, user.reset_password, user.set_roles,
//   user.disable, user.enable, user.unlock;
// and "access_denial.record" for a refused call (entity "access_denial",
// after_state cellchain.identity.v1.AccessDenial), including a login for a
// user id that does not exist, of a disabled or locked user, or refused by
// the failed-attempt rate limits. Identical refusals (same workstation,
// method, code, reason, user id and attempted user id) within
// `denial_window` of the first are counted in memory, not recorded one by
// one; their count is recorded as "access_denial.repeated" (repeated_count,
// window, first_denial_id) at the first denial of any key after the window
// closes, or by FlushRepeatedDenials() (the destructor calls it, so a
// clean shutdown writes every count). A crash loses the counts not yet
// written, never a first denial; a count waits in memory until the next
// denial of any key after its window, or shutdown.
//
// An authentication attempt (login, signature re-authentication, the
// current password of a password change) is one transaction that locks the
// user's row (SELECT ... FOR UPDATE) before anything else, refuses without
// checking the password when the account is locked or its failure count has
// reached the threshold, checks the password with scrypt while holding the
// lock, and counts a failure (locking the account at the threshold) before it
// commits. Attempts on one user are therefore serialized across every
// process: N parallel wrong passwords make exactly `lockout_threshold`
// scrypt checks and failures, never more. The wait for the row is bounded by
// threshold x one scrypt check, after which every attempt is refused cheaply.
// Every refused attempt of an unknown user, a wrong password or a locked
// account gets one identical answer; the access_denials row keeps the true
// reason. A password longer than kMaxPasswordBytes is refused before any
// hashing. A password, or anything derived from it other than the scrypt
// hash in users.password_hash, is never logged, stored, audited or echoed.
//
// The methods are defined one idea per file (login.cc, sessions.cc,
// users.cc, denials.cc, store.cc; the pure rules in attempt_rules.h,
// denial_windows.h, user_rules.h and password_policy.h): see
// docs/services/identity.md, "Where the code is".
//
// Thread-safety: all methods are safe to call concurrently.
#ifndef CELLCHAIN_SERVICES_IDENTITY_IDENTITY_H_
#define CELLCHAIN_SERVICES_IDENTITY_IDENTITY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/identity/v1/identity.pb.h"
#include "services/common/auth/access_gate.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/password.h"
#include "services/common/pg/pool.h"
#include "services/identity/attempt_rules.h"
#include "services/identity/denial_windows.h"
#include "services/identity/password_policy.h"
#include "services/identity/reasons.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::identity {

inline constexpr char kServiceName[] = "cellchain.identity.v1.AuthService";

// How long identical access denials are aggregated into one count.
inline constexpr absl::Duration kDenialWindow = absl::Seconds(60);

struct IdentityOptions {
  absl::Duration session_lifetime = absl::Hours(8);
  absl::Duration idle_timeout = absl::Minutes(15);
  // Consecutive failed authentications that lock an account.
  int lockout_threshold = 5;
  PasswordPolicy password;
  crypto::ScryptParams scrypt;
  // scrypt computations running at once in this process (0: one per
  // hardware thread), and how long a call waits for one before UNAVAILABLE
  // AUTHENTICATION_BUSY: a flood of logins is refused quickly instead of
  // holding every gRPC handler thread.
  int max_concurrent_hashes = 0;
  absl::Duration hash_queue_timeout = absl::Milliseconds(500);
  // Refused authentications (wrong password, unknown user, locked account)
  // allowed per claimed user id and per workstation within failure_window;
  // beyond, attempts are refused with RESOURCE_EXHAUSTED
  // TOO_MANY_FAILED_ATTEMPTS before anything is read or hashed. Counted in
  // memory, per process: a restart forgets them and N processes allow N
  // times as many; the lockout, in the database, is the hard limit.
  int max_failures_per_user_id = 20;
  int max_failures_per_workstation = 50;
  absl::Duration failure_window = absl::Minutes(5);
  // Whether one user may hold technician and qa together (cellchaind
  // --allow-technician-qa). Off, CreateUser and SetRoles refuse the pair:
  // whoever records the work should not be the one who releases it
  // (design brief §3). A small site that must combine them still gets
  // segregation of duties per signature (auth::CheckSegregationOfDuties).
  bool allow_technician_qa = false;
  // Identical access denials within this window of the first one are
  // counted, not recorded one by one (see above).
  absl::Duration denial_window = kDenialWindow;
  // The time of sessions (opened, last seen, expired, idle), the denial
  // windows and the failed-attempt rate limits; nullptr:
  // ledger::RealClock(). Not owned.
  ledger::Clock* clock = nullptr;
};

struct LoginResult {
  std::string session_token;
  std::string session_id;
  absl::Time expires_at;
  int64_t idle_timeout_seconds = 0;
  v1::User user;
};

struct Credential;  // a user's row as an attempt reads it (store.h)

class Identity final : public auth::SessionAuthority,
                       public auth::SignatureAuthority {
 public:
  // `pool` connects as cellchain_identity; `ledger` signs as "identity".
  // Neither is owned; both must outlive the Identity.
  Identity(pg::Pool* pool, const ledger::Ledger* ledger,
           IdentityOptions options);
  ~Identity() override;

  // Registers the state readers of "user" and "access_denial".
  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  // The first administrator, created from the console: `console` names
  // where (host and OS user) for the audit record. The password policy
  // applies; the password is permanent.
  // FAILED_PRECONDITION reason ADMIN_EXISTS: a user with the admin role
  //   exists already; INVALID_ARGUMENT for a bad user id, printed name or
  //   password.
  absl::StatusOr<v1::User> BootstrapAdmin(std::string_view user_id,
                                          std::string_view printed_name,
                                          std::string_view password,
                                          std::string_view console);

  // UNAUTHENTICATED reason INVALID_CREDENTIALS, with one identical message,
  // for an unknown user, a wrong password and a locked account (whatever the
  // password); ACCOUNT_DISABLED for a disabled account (before any password
  // is checked); INVALID_ARGUMENT field user_id / password when empty or
  // malformed, field password reason PASSWORD_TOO_LONG beyond
  // kMaxPasswordBytes (nothing hashed, nothing counted); RESOURCE_EXHAUSTED
  // TOO_MANY_FAILED_ATTEMPTS and UNAVAILABLE AUTHENTICATION_BUSY (see
  // IdentityOptions).
  // The session is bound to `workstation` (the client certificate's
  // subject) and `client_key` (its public key's fingerprint,
  // grpcx::PeerKeyFingerprint); UNAUTHENTICATED CLIENT_CERTIFICATE_REQUIRED
  // when `client_key` is empty.
  absl::StatusOr<LoginResult> Login(std::string_view user_id,
                                    std::string_view password,
                                    std::string_view workstation,
                                    std::string_view client_key);

  absl::Status Logout(const auth::Principal& caller);
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const auth::Principal& caller);

  // Ends every other session of the caller (end reason "password
  // changed"); the caller's own session stays open.
  // PERMISSION_DENIED reason SIGNATURE_REAUTHENTICATION_FAILED for a wrong
  // current password (counted toward lockout) or a locked account;
  // INVALID_ARGUMENT current_password (PASSWORD_TOO_LONG beyond
  // kMaxPasswordBytes, before any hashing) or new_password (the policy).
  absl::StatusOr<v1::ChangePasswordResponse> ChangePassword(
      const auth::Principal& caller, const v1::ChangePasswordRequest& request);
  // FAILED_PRECONDITION INCOMPATIBLE_ROLES: technician and qa together,
  // unless allow_technician_qa.
  absl::StatusOr<v1::CreateUserResponse> CreateUser(
      const auth::Principal& caller, const v1::CreateUserRequest& request);
  // INVALID_ARGUMENT context.reason when blank (the reason is the audit
  // record's); PERMISSION_DENIED CANNOT_CHANGE_OWN_ROLES for the caller's
  // own roles (another admin must); FAILED_PRECONDITION INCOMPATIBLE_ROLES
  // as for CreateUser; NOT_FOUND USER_NOT_FOUND for an unknown user.
  absl::StatusOr<v1::SetRolesResponse> SetRoles(
      const auth::Principal& caller, const v1::SetRolesRequest& request);
  absl::StatusOr<v1::DisableUserResponse> DisableUser(
      const auth::Principal& caller, const v1::DisableUserRequest& request);
  absl::StatusOr<v1::EnableUserResponse> EnableUser(
      const auth::Principal& caller, const v1::EnableUserRequest& request);
  absl::StatusOr<v1::UnlockUserResponse> UnlockUser(
      const auth::Principal& caller, const v1::UnlockUserRequest& request);
  absl::StatusOr<v1::ResetPasswordResponse> ResetPassword(
      const auth::Principal& caller, const v1::ResetPasswordRequest& request);

  // NOT_FOUND USER_NOT_FOUND for an unknown user.
  absl::StatusOr<v1::User> GetUser(std::string_view user_id);
  absl::StatusOr<std::vector<v1::User>> ListUsers();

  // auth::SessionAuthority
  absl::StatusOr<auth::Session> Authenticate(
      std::string_view token, std::string_view workstation,
      std::string_view client_key) override;
  // Records the first of identical denials in a window, counts the others
  // (see the header comment); writes the counts of windows that closed.
  void RecordDenial(const auth::Denial& denial) override;

  // Writes the count of every window holding counted denials, closed or
  // not (a window still open ends now: later identical denials open a new
  // one). Failures are logged with the count.
  void FlushRepeatedDenials();

  // auth::SignatureAuthority. Also INVALID_ARGUMENT field password reason
  // PASSWORD_TOO_LONG beyond kMaxPasswordBytes (nothing hashed or counted).
  absl::StatusOr<auth::Reauthenticated> Reauthenticate(
      std::string_view user_id, std::string_view password,
      const auth::SignatureAttempt& attempt) override;

 private:
  // One attempt of `user_id` with `password`, in one transaction that holds
  // the user's row lock from before the check until the failure is counted
  // or `accepted` (run in the same transaction) has done its work.
  // `failure_action` is "user.login_failed" or
  // "user.reauthentication_failed". `credential` receives the user's row
  // when there is one. Errors: the database's, and `accepted`'s.
  absl::StatusOr<Outcome> Attempt(
      std::string_view user_id, std::string_view password,
      std::string_view failure_action, std::string_view workstation,
      Credential& credential,
      absl::FunctionRef<absl::Status(pg::Transaction&, const Credential&)>
          accepted);
  // Counts a failed authentication of the user whose row `tx` holds locked,
  // locking the account at the threshold; writes the audit records.
  absl::Status CountFailure(pg::Transaction& tx, const Credential& credential,
                            std::string_view failure_action,
                            std::string_view workstation);
  // A right password in a re-authentication (signature, password change)
  // of the user whose row `tx` holds locked: ends a run of failed attempts
  // with the "user.reauthenticated" record; nothing when there was none.
  absl::Status EndFailureRun(pg::Transaction& tx, const Credential& credential,
                             const auth::SignatureAttempt& attempt);
  // The answer to an attempt refused with `outcome`, after recording its
  // access denial of `method` (attempt_rules.h RefusalOf) and counting the
  // failure toward the rate limits.
  absl::Status Refuse(Outcome outcome, const AttemptAnswers& answers,
                      std::string_view user_id, std::string_view workstation,
                      std::string_view method);
  // Writes one access_denials row and its record: a single refusal
  // (repeat == nullptr, "access_denial.record") or the count of a window
  // ("access_denial.repeated").
  absl::Status WriteDenial(const DeniedCall& call, const std::string& denial_id,
                           const Repeat* repeat);
  void WriteRepeats(const std::vector<Counted>& counted);
  // scrypt through the bounded set of hashing slots: UNAVAILABLE
  // AUTHENTICATION_BUSY when no slot frees within hash_queue_timeout.
  absl::StatusOr<bool> VerifyPassword(std::string_view password,
                                      std::string_view encoded);
  absl::StatusOr<std::string> HashPassword(std::string_view password);
  // RESOURCE_EXHAUSTED TOO_MANY_FAILED_ATTEMPTS when `user_id` or
  // `workstation` has failed too often lately (failures_).
  // The refusal is recorded as an access denial of `method` (aggregated as
  // every denial; a workstation's limit without the claimed user id).
  absl::Status CheckFailureRate(std::string_view user_id,
                                std::string_view workstation,
                                std::string_view method);
  // Reauthenticate(), returning the credential checked.
  absl::StatusOr<Credential> CheckCredential(
      std::string_view user_id, std::string_view password,
      const auth::SignatureAttempt& attempt);
  // Policy check, request id check, then the scrypt hash of a request's
  // temporary_password (CreateUser, ResetPassword).
  template <typename Request>
  absl::StatusOr<std::string> HashTemporaryPassword(const Request& request);
  // The service's time (options_.clock): sessions, the denial windows and
  // the rate limits of failed attempts.
  absl::Time Now() const;

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  const IdentityOptions options_;
  std::string dummy_hash_;
  class HashSlots;  // the scrypt computations allowed at once
  const std::unique_ptr<HashSlots> hash_slots_;
  FailureCounts failures_;
  DenialWindows denials_;
};

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_IDENTITY_H_
