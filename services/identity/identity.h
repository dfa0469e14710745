// Identity: users, credentials, sessions and lockout, over PostgreSQL
// (schema cellchain_identity) with every change audited through the ledger
// (docs/services/identity.md). It is also the SessionAuthority of the access
// gate and the SignatureAuthority of e-signatures: cellchaind hosts it in
// every process.
//
// Audit records (entity "user", after_state cellchain.identity.v1.User):
//   user.bootstrap_admin, user.create, user.login, user.login_failed,
//   user.reauthentication_failed, user.lock, user.logout,
//   user.change_password, user.reset_password, user.set_roles,
//   user.disable, user.enable, user.unlock;
// and one "access_denial.record" per refused call (entity "access_denial",
// after_state cellchain.identity.v1.AccessDenial), including a login for a
// user id that does not exist, or of a disabled or locked user.
//
// Passwords are checked with scrypt outside any transaction (they take tens
// of milliseconds); the change that follows re-reads the user's row FOR
// UPDATE and proceeds only if the credential it checked is still the one
// stored. A password, or anything derived from it other than the scrypt hash
// in users.password_hash, is never logged, stored, audited or echoed.
//
// Thread-safety: all methods are safe to call concurrently.
#ifndef CELLCHAIN_SERVICES_IDENTITY_IDENTITY_H_
#define CELLCHAIN_SERVICES_IDENTITY_IDENTITY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/identity/v1/identity.pb.h"
#include "services/common/auth/access_gate.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/password.h"
#include "services/common/pg/pool.h"
#include "services/identity/password_policy.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::identity {

inline constexpr char kServiceName[] = "cellchain.identity.v1.AuthService";

struct IdentityOptions {
  absl::Duration session_lifetime = absl::Hours(8);
  absl::Duration idle_timeout = absl::Minutes(15);
  // Consecutive failed authentications that lock an account.
  int lockout_threshold = 5;
  PasswordPolicy password;
  crypto::ScryptParams scrypt;
};

// Reasons of refusals.
inline constexpr char kReasonInvalidCredentials[] = "INVALID_CREDENTIALS";
inline constexpr char kReasonPasswordReused[] = "PASSWORD_REUSED";
inline constexpr char kReasonAdminExists[] = "ADMIN_EXISTS";

struct LoginResult {
  std::string session_token;
  std::string session_id;
  absl::Time expires_at;
  int64_t idle_timeout_seconds = 0;
  v1::User user;
};

class Identity final : public auth::SessionAuthority,
                       public auth::SignatureAuthority {
 public:
  // `pool` connects as cellchain_identity; `ledger` signs as "identity".
  // Neither is owned; both must outlive the Identity.
  Identity(pg::Pool* pool, const ledger::Ledger* ledger,
           IdentityOptions options);

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

  // UNAUTHENTICATED reason INVALID_CREDENTIALS (unknown user or wrong
  // password), ACCOUNT_LOCKED, ACCOUNT_DISABLED; INVALID_ARGUMENT field
  // user_id / password when empty or malformed.
  absl::StatusOr<LoginResult> Login(std::string_view user_id,
                                    std::string_view password,
                                    std::string_view workstation);

  absl::Status Logout(const auth::Principal& caller);
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const auth::Principal& caller);

  absl::StatusOr<v1::ChangePasswordResponse> ChangePassword(
      const auth::Principal& caller, const v1::ChangePasswordRequest& request);
  absl::StatusOr<v1::CreateUserResponse> CreateUser(
      const auth::Principal& caller, const v1::CreateUserRequest& request);
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

  // NOT_FOUND for an unknown user.
  absl::StatusOr<v1::User> GetUser(std::string_view user_id);
  absl::StatusOr<std::vector<v1::User>> ListUsers();

  // auth::SessionAuthority
  absl::StatusOr<auth::Session> Authenticate(
      std::string_view token, std::string_view workstation) override;
  void RecordDenial(const auth::Denial& denial) override;

  // auth::SignatureAuthority
  absl::StatusOr<auth::Reauthenticated> Reauthenticate(
      std::string_view user_id, std::string_view password,
      const auth::SignatureAttempt& attempt) override;

 private:
  struct Credential;
  // The row of `user_id`, read outside any transaction. NOT_FOUND.
  absl::StatusOr<Credential> LoadCredential(std::string_view user_id);
  // Checks `password` against `credential` (or against a dummy hash when
  // there is no credential, so that unknown users cost the same time).
  absl::StatusOr<bool> CheckPassword(const Credential* credential,
                                     std::string_view password);
  // Counts a failed authentication of an existing user, locking the account
  // at the threshold; writes the audit records. `kind` is "login_failed" or
  // "reauthentication_failed".
  absl::Status RecordFailure(const Credential& credential,
                             std::string_view kind,
                             std::string_view workstation,
                             std::string_view method);
  absl::Status RecordDenialOrLog(const auth::Denial& denial);
  // Reauthenticate() on a credential already loaded (NOT_FOUND: no user).
  absl::StatusOr<auth::Reauthenticated> CheckCredential(
      const absl::StatusOr<Credential>& credential, std::string_view user_id,
      std::string_view password, const auth::SignatureAttempt& attempt);
  // Policy check, request id check, then the scrypt hash of a request's
  // temporary_password (CreateUser, ResetPassword).
  template <typename Request>
  absl::StatusOr<std::string> HashTemporaryPassword(const Request& request);

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  const IdentityOptions options_;
  std::string dummy_hash_;
};

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_IDENTITY_H_
