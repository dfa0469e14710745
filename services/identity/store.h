// The identity schema (cellchain_identity) as the service reads and writes
// it: one function per statement, the statements themselves named SQL
// constants in store.cc. Users as audited (v1.User, from the user_states
// view: never the hash, only its fingerprint), the credential an attempt
// locks, sessions, the password history and access denials. Each loader
// reads exactly what the audit record's after_state holds, so that the
// state readers (Identity::RegisterStateReaders, defined here) read a
// snapshot again byte for byte.
//
// Timestamps are read as microseconds (pg::MicrosColumn) into protobuf
// fields by name (pg::FillFromRow); roles are stored as smallint[] of
// cellchain.common.v1.Role values and bound from the enum.
//
// Errors: NOT_FOUND (reason USER_NOT_FOUND or ACCESS_DENIAL_NOT_FOUND)
// where a function says so; otherwise the database's, as
// services/common/pg maps them, and INTERNAL when a row does not parse (a
// schema and a proto that disagree).
//
// Thread-safety: free functions; each call uses only the executor passed
// in. The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc).
#ifndef CELLCHAIN_SERVICES_IDENTITY_STORE_H_
#define CELLCHAIN_SERVICES_IDENTITY_STORE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/common/v1/access.pb.h"
#include "cellchain/identity/v1/identity.pb.h"
#include "services/common/auth/access_gate.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"
#include "services/identity/denial_windows.h"

namespace cellchain::identity {

using common::v1::Role;

// ---- Users as audited ----

// NOT_FOUND USER_NOT_FOUND "no user "<id>"" when there is none.
template <typename Executor>
absl::StatusOr<v1::User> LoadUser(Executor& executor, std::string_view user_id);
// Every user, by user id.
absl::StatusOr<std::vector<v1::User>> LoadUsers(pg::Connection& connection);

// ---- Authentication attempts ----

// A user's row as an attempt reads it, locked.
struct Credential {
  std::string user_id;
  std::string printed_name;
  std::vector<Role> roles;
  std::string password_hash;
  bool locked = false;
  bool disabled = false;
  int failed_attempts = 0;
};

// The user's row locked FOR UPDATE (the attempt's first statement: whoever
// holds the lock alone decides whether a password may be checked);
// std::nullopt when there is no such user.
absl::StatusOr<std::optional<Credential>> LockCredential(
    pg::Transaction& tx, std::string_view user_id);

// One more consecutive failure; the count now and whether the account is
// locked. NOT_FOUND USER_NOT_FOUND when there is no such user.
struct FailureCount {
  int failed_attempts = 0;
  bool locked = false;
};
absl::StatusOr<FailureCount> CountFailedAttempt(pg::Transaction& tx,
                                                std::string_view user_id);
absl::Status ResetFailedAttempts(pg::Transaction& tx, std::string_view user_id);
// Locks the account (locked_at = now).
absl::Status LockAccount(pg::Transaction& tx, std::string_view user_id);

// ---- Sessions ----

struct NewSession {
  std::string session_id;
  std::string token_hash;  // SHA-256 of the token, 32 bytes
  std::string user_id;
  std::string workstation;  // the client certificate's subject
  std::string client_key;   // its public key's fingerprint
  absl::Duration lifetime;
  absl::Duration idle_timeout;
};
// Inserts the session opened at `now` (the service's clock, which judges
// its expiry and idleness too); its expiry.
absl::StatusOr<absl::Time> InsertSession(pg::Transaction& tx,
                                         const NewSession& session,
                                         absl::Time now);

// A session as Authenticate judges it, read with its user by token hash.
struct StoredSession {
  auth::Session session;
  std::string workstation;  // bound to
  std::string client_key;   // bound to ("" for a session opened without)
  bool ended = false;
  std::string end_reason;
  bool expired = false;
  bool idle = false;         // idle beyond its timeout
  bool needs_touch = false;  // last seen long enough ago to update
  bool locked = false;       // the user's account
  bool disabled = false;
};
// std::nullopt when no session has that token hash. expired, idle and
// needs_touch as of `now` (the service's clock).
absl::StatusOr<std::optional<StoredSession>> LoadSessionByToken(
    pg::Connection& connection, std::string_view token_hash, absl::Time now);
// last_seen_at = `now` (the service's clock), without waiting for the WAL
// flush (a touch lost in a crash only shortens an idle session).
absl::Status TouchSession(pg::Connection& connection,
                          std::string_view session_id, absl::Time now);
// The session's expiry and workstation into `response` (nothing when there
// is no such session).
absl::Status LoadSessionInto(pg::Connection& connection,
                             std::string_view session_id,
                             v1::WhoAmIResponse& response);
// Ends one live session with end reason `why`: false when it had ended.
absl::StatusOr<bool> EndSession(pg::Transaction& tx,
                                std::string_view session_id,
                                std::string_view why);
// Ends every live session of the user with end reason `why`, but
// `keep_session_id`'s ("" ends them all).
absl::Status EndSessions(pg::Transaction& tx, std::string_view user_id,
                         std::string_view why,
                         std::string_view keep_session_id = "");

// ---- User administration ----

// Serializes bootstrap-admin across processes for the transaction.
absl::Status LockBootstrap(pg::Transaction& tx);
// A user holding the admin role, if any.
absl::StatusOr<std::optional<std::string>> AnyAdmin(pg::Transaction& tx);
absl::StatusOr<bool> UserExists(pg::Transaction& tx, std::string_view user_id);

struct NewUser {
  std::string user_id;
  std::string printed_name;
  std::vector<Role> roles;
  std::string password_hash;
  bool password_change_required = true;
};
absl::Status InsertUser(pg::Transaction& tx, const NewUser& user);

// The user's row locked FOR UPDATE, for an administrator's change.
// NOT_FOUND USER_NOT_FOUND when there is none.
struct AccountState {
  bool locked = false;
  bool disabled = false;
};
absl::StatusOr<AccountState> LockAccountState(pg::Transaction& tx,
                                              std::string_view user_id);

absl::Status UpdateRoles(pg::Transaction& tx, std::string_view user_id,
                         const std::vector<Role>& roles);
absl::Status MarkDisabled(pg::Transaction& tx, std::string_view user_id);
absl::Status ClearDisabled(pg::Transaction& tx, std::string_view user_id);
// Clears the lock and the failure count.
absl::Status ClearLock(pg::Transaction& tx, std::string_view user_id);

// The user's own change: `new_hash` replaces `old_hash` (no longer change
// required, failure count reset); false when the hash is no longer
// `old_hash` (changed meanwhile).
absl::StatusOr<bool> ReplacePassword(pg::Transaction& tx,
                                     std::string_view user_id,
                                     std::string_view old_hash,
                                     std::string_view new_hash);
// An administrator's reset to a temporary password (change required).
absl::Status ResetPasswordTo(pg::Transaction& tx, std::string_view user_id,
                             std::string_view hash);
// Remembers a credential just set, for the no-reuse rule.
absl::Status KeepInHistory(pg::Transaction& tx, std::string_view user_id,
                           std::string_view password_hash);
// The user's last `count` password hashes, newest first.
absl::StatusOr<std::vector<std::string>> RecentPasswordHashes(
    pg::Connection& connection, std::string_view user_id, int count);

// ---- Access denials ----

// NOT_FOUND ACCESS_DENIAL_NOT_FOUND "no access denial <id>" when there is
// none.
template <typename Executor>
absl::StatusOr<v1::AccessDenial> LoadDenial(Executor& executor,
                                            std::string_view denial_id);
// The printed name of `user_id`, if there is such a user.
absl::StatusOr<std::optional<std::string>> PrintedNameOf(
    pg::Transaction& tx, std::string_view user_id);
// One refusal of `call` now, recorded with `reason` (the status's reason,
// or its code when it has none).
absl::Status InsertDenial(pg::Transaction& tx, std::string_view denial_id,
                          const DeniedCall& call, std::string_view reason);
// The count of a window's identical refusals of `call` (denied_at: the
// last of them).
absl::Status InsertRepeatedDenial(pg::Transaction& tx,
                                  std::string_view denial_id,
                                  const DeniedCall& call,
                                  std::string_view reason,
                                  const Repeat& repeat);

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_STORE_H_
