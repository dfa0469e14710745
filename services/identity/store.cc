#include "services/identity/store.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/fields/fields.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/identity/identity.h"
#include "services/identity/reasons.h"
#include "services/ledger/state_registry.h"

namespace cellchain::identity {
namespace {

// ---- Users ----

// v1.User by column name (pg::FillFromRow); `roles` ("{1,3}") and the
// status (from `locked` and `disabled`) are read by hand. A WHERE or ORDER
// BY follows.
std::string SelectUser() {
  return absl::StrCat(
      "SELECT user_id, printed_name, roles::text AS roles, "
      "password_change_required, failed_attempts, "
      "locked_at IS NOT NULL AS locked, disabled_at IS NOT NULL AS disabled, ",
      pg::MicrosColumn("created_at"), ", ",
      pg::MicrosColumn("password_changed_at"),
      ", credential_fingerprint "
      "FROM cellchain_identity.user_states ");
}

constexpr char kSelectUserIds[] =
    "SELECT user_id FROM cellchain_identity.user_states";

// $1 user id.
constexpr char kLockCredential[] =
    "SELECT user_id, printed_name, roles::text AS roles, password_hash, "
    "locked_at IS NOT NULL AS locked, disabled_at IS NOT NULL AS disabled, "
    "failed_attempts "
    "FROM cellchain_identity.users WHERE user_id = $1 FOR UPDATE";

// $1 user id.
constexpr char kCountFailedAttempt[] =
    "UPDATE cellchain_identity.users "
    "SET failed_attempts = failed_attempts + 1 "
    "WHERE user_id = $1 "
    "RETURNING failed_attempts, locked_at IS NOT NULL AS locked";

// $1 user id. The condition spares the row a write when there is nothing
// to reset.
constexpr char kResetFailedAttempts[] =
    "UPDATE cellchain_identity.users SET failed_attempts = 0 "
    "WHERE user_id = $1 AND failed_attempts <> 0";

// $1 user id.
constexpr char kLockAccount[] =
    "UPDATE cellchain_identity.users SET locked_at = now() WHERE user_id = $1";

// ---- Sessions ----

// $1 session id, $2 token hash (bytea), $3 user id, $4 workstation,
// $5 lifetime, $6 idle timeout (intervals), $7 client key, $8 now (the
// service's clock, microseconds since the epoch: a session's times are the
// clock's, so that its expiry is judged by the clock that set it).
std::string InsertSessionSql() {
  const std::string now = fields::TimestampParam(8);
  return absl::StrCat(
      "INSERT INTO cellchain_identity.sessions "
      "(session_id, token_hash, user_id, workstation, client_key, "
      "created_at, expires_at, idle_timeout, last_seen_at) "
      "VALUES ($1, $2, $3, $4, $7, ",
      now, ", ", now, " + $5::interval, $6::interval, ", now,
      ") "
      "RETURNING ",
      pg::MicrosColumn("expires_at"));
}

// $1 token hash (bytea), $2 now (the service's clock, microseconds since
// the epoch, named once as clock.now). A session is touched at most every
// tenth of its idle timeout (at most every 30 s).
std::string SelectSessionByTokenSql() {
  return absl::StrCat(
      "SELECT s.session_id, s.user_id, s.workstation, "
      "s.ended_at IS NOT NULL AS ended, "
      "coalesce(s.end_reason, '') AS end_reason, "
      "s.expires_at <= clock.now AS expired, "
      "s.last_seen_at + s.idle_timeout <= clock.now AS idle, "
      "s.last_seen_at < clock.now - least(s.idle_timeout / 10, "
      "interval '30 seconds') AS needs_touch, "
      "u.printed_name, u.roles::text AS roles, u.password_change_required, "
      "u.locked_at IS NOT NULL AS locked, "
      "u.disabled_at IS NOT NULL AS disabled, "
      "coalesce(s.client_key, '') AS client_key "
      "FROM cellchain_identity.sessions s "
      "JOIN cellchain_identity.users u USING (user_id) "
      "CROSS JOIN (SELECT ",
      fields::TimestampParam(2),
      " AS now) clock "
      "WHERE s.token_hash = $1");
}

constexpr char kSynchronousCommitOff[] = "SET LOCAL synchronous_commit TO off";

// $1 session id, $2 now (the service's clock, microseconds since the
// epoch).
std::string TouchSessionSql() {
  return absl::StrCat("UPDATE cellchain_identity.sessions SET last_seen_at = ",
                      fields::TimestampParam(2), " WHERE session_id = $1");
}

// $1 session id: v1.WhoAmIResponse's expires_at and workstation by name.
std::string SelectSessionOfCaller() {
  return absl::StrCat("SELECT ", pg::MicrosColumn("expires_at"),
                      ", workstation FROM cellchain_identity.sessions "
                      "WHERE session_id = $1");
}

// $1 session id, $2 end reason.
constexpr char kEndSession[] =
    "UPDATE cellchain_identity.sessions "
    "SET ended_at = now(), end_reason = $2 "
    "WHERE session_id = $1 AND ended_at IS NULL";

// $1 user id, $2 end reason, $3 a session to keep open ('' for none).
constexpr char kEndSessions[] =
    "UPDATE cellchain_identity.sessions "
    "SET ended_at = now(), end_reason = $2 "
    "WHERE user_id = $1 AND ended_at IS NULL AND session_id <> $3";

// ---- User administration ----

// One bootstrap at a time, across every process.
constexpr char kLockBootstrap[] =
    "SELECT pg_advisory_xact_lock("
    "hashtextextended('cellchain_identity.bootstrap', 0))";

// $1 the admin role (common.v1.ROLE_ADMIN).
constexpr char kSelectAnyHolderOfRole[] =
    "SELECT user_id FROM cellchain_identity.users "
    "WHERE $1::smallint = ANY (roles) LIMIT 1";

// $1 user id.
constexpr char kSelectUserExists[] =
    "SELECT 1 FROM cellchain_identity.users WHERE user_id = $1";

// $1 user id, $2 printed name, $3 roles (RoleArray), $4 password hash,
// $5 whether the password must be changed at the next login.
constexpr char kInsertUser[] =
    "INSERT INTO cellchain_identity.users (user_id, printed_name, roles, "
    "password_hash, password_changed_at, password_change_required, "
    "created_at) "
    "VALUES ($1, $2, $3::smallint[], $4, now(), $5, now())";

// $1 user id.
constexpr char kLockAccountState[] =
    "SELECT locked_at IS NOT NULL AS locked, "
    "disabled_at IS NOT NULL AS disabled "
    "FROM cellchain_identity.users WHERE user_id = $1 FOR UPDATE";

// $1 user id, $2 roles (RoleArray).
constexpr char kUpdateRoles[] =
    "UPDATE cellchain_identity.users SET roles = $2::smallint[] "
    "WHERE user_id = $1";

// $1 user id.
constexpr char kMarkDisabled[] =
    "UPDATE cellchain_identity.users SET disabled_at = now() "
    "WHERE user_id = $1";
constexpr char kClearDisabled[] =
    "UPDATE cellchain_identity.users SET disabled_at = NULL "
    "WHERE user_id = $1";
constexpr char kClearLock[] =
    "UPDATE cellchain_identity.users SET locked_at = NULL, "
    "failed_attempts = 0 WHERE user_id = $1";

// $1 user id, $2 the hash the user proved, $3 the new hash.
constexpr char kReplacePassword[] =
    "UPDATE cellchain_identity.users SET password_hash = $3, "
    "password_changed_at = now(), password_change_required = false, "
    "failed_attempts = 0 "
    "WHERE user_id = $1 AND password_hash = $2";

// $1 user id, $2 the temporary password's hash.
constexpr char kResetPassword[] =
    "UPDATE cellchain_identity.users SET password_hash = $2, "
    "password_changed_at = now(), password_change_required = true "
    "WHERE user_id = $1";

// $1 user id, $2 password hash.
constexpr char kKeepInHistory[] =
    "INSERT INTO cellchain_identity.password_history "
    "(user_id, set_at, password_hash) VALUES ($1, now(), $2)";

// $1 user id, $2 how many.
constexpr char kSelectRecentPasswordHashes[] =
    "SELECT password_hash FROM cellchain_identity.password_history "
    "WHERE user_id = $1 ORDER BY set_at DESC LIMIT $2";

// ---- Access denials ----

// $1 denial id: v1.AccessDenial by column name. The columns of a count
// (repeated_count, window_*, first_denial_id) are NULL for a single
// refusal and so stay unset: its state's bytes are what they were before
// counts existed.
std::string SelectDenial() {
  return absl::StrCat(
      "SELECT denial_id, ", pg::MicrosColumn("denied_at"),
      ", method, user_id, workstation, code, reason, attempted_user_id, "
      "repeated_count, ",
      pg::MicrosColumn("window_started_at", "window_start"), ", ",
      pg::MicrosColumn("window_ended_at", "window_end"),
      ", first_denial_id "
      "FROM cellchain_identity.access_denials WHERE denial_id = $1");
}

constexpr char kSelectDenialIds[] =
    "SELECT denial_id FROM cellchain_identity.access_denials";

// $1 user id.
constexpr char kSelectPrintedName[] =
    "SELECT printed_name FROM cellchain_identity.users WHERE user_id = $1";

// $1 denial id, $2 method, $3 user id, $4 attempted user id ('' for
// NULL), $5 workstation, $6 code, $7 reason.
constexpr char kInsertDenial[] =
    "INSERT INTO cellchain_identity.access_denials "
    "(denial_id, denied_at, method, user_id, attempted_user_id, "
    "workstation, code, reason) "
    "VALUES ($1, now(), $2, nullif($3, ''), nullif($4, ''), $5, $6, $7)";

// As kInsertDenial, and $8 the last refusal's time, $9 their count,
// $10 and $11 the window's start and end (times as microseconds since the
// epoch), $12 the first refusal's denial id.
std::string InsertRepeatedDenialSql() {
  return absl::StrCat(
      "INSERT INTO cellchain_identity.access_denials "
      "(denial_id, denied_at, method, user_id, attempted_user_id, "
      "workstation, code, reason, repeated_count, window_started_at, "
      "window_ended_at, first_denial_id) "
      "VALUES ($1, ",
      fields::TimestampParam(8),
      ", $2, nullif($3, ''), nullif($4, ''), $5, $6, $7, $9::int4, ",
      fields::TimestampParam(10), ", ", fields::TimestampParam(11), ", $12)");
}

// ---- Roles as stored: smallint[] of common.v1.Role values ----

// "{1,3}" -> {1, 3}
absl::StatusOr<std::vector<Role>> ParseRoleArray(std::string_view text) {
  std::vector<Role> roles;
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
    return absl::InternalError("users.roles is not an array");
  }
  std::string_view inner = text.substr(1, text.size() - 2);
  if (inner.empty()) return roles;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(inner.data(), inner.size()), ',')) {
    int value = 0;
    if (!absl::SimpleAtoi(part, &value) || !common::v1::Role_IsValid(value)) {
      return absl::InternalError("users.roles holds an unknown role");
    }
    roles.push_back(static_cast<Role>(value));
  }
  return roles;
}

// {1, 3} -> "{1,3}", for a $n::smallint[] parameter.
std::string RoleArray(const std::vector<Role>& roles) {
  std::string out = "{";
  for (size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out += ",";
    out += absl::StrCat(static_cast<int>(roles[i]));
  }
  return out + "}";
}

// "123 microseconds", for a $n::interval parameter.
std::string Interval(absl::Duration d) {
  return absl::StrCat(absl::ToInt64Microseconds(d), " microseconds");
}

absl::Status UserNotFound(std::string_view user_id) {
  return WithReason(absl::NotFoundError(
                        absl::StrCat("no user \"", std::string(user_id), "\"")),
                    kReasonUserNotFound);
}

absl::StatusOr<v1::User> UserFromRow(const pg::Result& r, int row) {
  v1::User user;
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, user));
  CC_ASSIGN_OR_RETURN(std::string roles_text, r.GetString(row, "roles"));
  CC_ASSIGN_OR_RETURN(std::vector<Role> roles, ParseRoleArray(roles_text));
  for (Role role : roles) user.add_roles(role);
  CC_ASSIGN_OR_RETURN(bool locked, r.GetBool(row, "locked"));
  CC_ASSIGN_OR_RETURN(bool disabled, r.GetBool(row, "disabled"));
  user.set_status(disabled ? v1::USER_STATUS_DISABLED
                  : locked ? v1::USER_STATUS_LOCKED
                           : v1::USER_STATUS_ACTIVE);
  return user;
}

}  // namespace

absl::Status Identity::RegisterStateReaders(ledger::StateRegistry& registry) {
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::User>(
      registry, "user",
      [](pg::Connection& connection, const std::string& id) {
        return LoadUser(connection, id);
      },
      ledger::IdsFrom(kSelectUserIds)));
  return ledger::RegisterProtoReader<v1::AccessDenial>(
      registry, "access_denial",
      [](pg::Connection& connection, const std::string& id) {
        return LoadDenial(connection, id);
      },
      ledger::IdsFrom(kSelectDenialIds));
}

template <typename Executor>
absl::StatusOr<v1::User> LoadUser(Executor& executor,
                                  std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      executor.Exec(absl::StrCat(SelectUser(), "WHERE user_id = $1"),
                    {user_id}));
  if (r.rows() == 0) return UserNotFound(user_id);
  return UserFromRow(r, 0);
}
template absl::StatusOr<v1::User> LoadUser(pg::Connection&, std::string_view);
template absl::StatusOr<v1::User> LoadUser(pg::Transaction&, std::string_view);

absl::StatusOr<std::vector<v1::User>> LoadUsers(pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(pg::Result r, connection.Exec(absl::StrCat(
                                        SelectUser(), "ORDER BY user_id")));
  std::vector<v1::User> users;
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(v1::User user, UserFromRow(r, row));
    users.push_back(std::move(user));
  }
  return users;
}

absl::StatusOr<std::optional<Credential>> LockCredential(
    pg::Transaction& tx, std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kLockCredential, {user_id}));
  if (r.rows() == 0) return std::nullopt;
  Credential c;
  CC_ASSIGN_OR_RETURN(c.user_id, r.GetString(0, "user_id"));
  CC_ASSIGN_OR_RETURN(c.printed_name, r.GetString(0, "printed_name"));
  CC_ASSIGN_OR_RETURN(std::string roles, r.GetString(0, "roles"));
  CC_ASSIGN_OR_RETURN(c.roles, ParseRoleArray(roles));
  CC_ASSIGN_OR_RETURN(c.password_hash, r.GetString(0, "password_hash"));
  CC_ASSIGN_OR_RETURN(c.locked, r.GetBool(0, "locked"));
  CC_ASSIGN_OR_RETURN(c.disabled, r.GetBool(0, "disabled"));
  CC_ASSIGN_OR_RETURN(c.failed_attempts, r.GetInt32(0, "failed_attempts"));
  return c;
}

absl::StatusOr<FailureCount> CountFailedAttempt(pg::Transaction& tx,
                                                std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kCountFailedAttempt, {user_id}));
  if (r.rows() == 0) return UserNotFound(user_id);
  FailureCount count;
  CC_ASSIGN_OR_RETURN(count.failed_attempts, r.GetInt32(0, "failed_attempts"));
  CC_ASSIGN_OR_RETURN(count.locked, r.GetBool(0, "locked"));
  return count;
}

absl::Status ResetFailedAttempts(pg::Transaction& tx,
                                 std::string_view user_id) {
  return tx.Exec(kResetFailedAttempts, {user_id}).status();
}

absl::Status LockAccount(pg::Transaction& tx, std::string_view user_id) {
  return tx.Exec(kLockAccount, {user_id}).status();
}

absl::StatusOr<absl::Time> InsertSession(pg::Transaction& tx,
                                         const NewSession& session,
                                         absl::Time now) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      tx.Exec(InsertSessionSql(),
              {session.session_id, pg::Param::Bytes(session.token_hash),
               session.user_id, session.workstation, Interval(session.lifetime),
               Interval(session.idle_timeout), session.client_key,
               absl::ToUnixMicros(now)}));
  CC_ASSIGN_OR_RETURN(int64_t expires, r.GetInt64(0, "expires_at"));
  return absl::FromUnixMicros(expires);
}

absl::StatusOr<std::optional<StoredSession>> LoadSessionByToken(
    pg::Connection& connection, std::string_view token_hash, absl::Time now) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      connection.Exec(SelectSessionByTokenSql(),
                      {pg::Param::Bytes(token_hash), absl::ToUnixMicros(now)}));
  if (r.rows() == 0) return std::nullopt;
  StoredSession s;
  CC_ASSIGN_OR_RETURN(s.session.session_id, r.GetString(0, "session_id"));
  CC_ASSIGN_OR_RETURN(s.session.user_id, r.GetString(0, "user_id"));
  CC_ASSIGN_OR_RETURN(s.workstation, r.GetString(0, "workstation"));
  CC_ASSIGN_OR_RETURN(s.ended, r.GetBool(0, "ended"));
  CC_ASSIGN_OR_RETURN(s.end_reason, r.GetString(0, "end_reason"));
  CC_ASSIGN_OR_RETURN(s.expired, r.GetBool(0, "expired"));
  CC_ASSIGN_OR_RETURN(s.idle, r.GetBool(0, "idle"));
  CC_ASSIGN_OR_RETURN(s.needs_touch, r.GetBool(0, "needs_touch"));
  CC_ASSIGN_OR_RETURN(s.session.printed_name, r.GetString(0, "printed_name"));
  CC_ASSIGN_OR_RETURN(std::string roles, r.GetString(0, "roles"));
  CC_ASSIGN_OR_RETURN(s.session.roles, ParseRoleArray(roles));
  CC_ASSIGN_OR_RETURN(s.session.password_change_required,
                      r.GetBool(0, "password_change_required"));
  CC_ASSIGN_OR_RETURN(s.locked, r.GetBool(0, "locked"));
  CC_ASSIGN_OR_RETURN(s.disabled, r.GetBool(0, "disabled"));
  CC_ASSIGN_OR_RETURN(s.client_key, r.GetString(0, "client_key"));
  return s;
}

absl::Status TouchSession(pg::Connection& connection,
                          std::string_view session_id, absl::Time now) {
  CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(connection));
  CC_RETURN_IF_ERROR(tx.Exec(kSynchronousCommitOff).status());
  CC_RETURN_IF_ERROR(
      tx.Exec(TouchSessionSql(), {session_id, absl::ToUnixMicros(now)})
          .status());
  return tx.Commit();
}

absl::Status LoadSessionInto(pg::Connection& connection,
                             std::string_view session_id,
                             v1::WhoAmIResponse& response) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      connection.Exec(SelectSessionOfCaller(), {session_id}));
  if (r.rows() == 0) return absl::OkStatus();
  return pg::FillFromRow(r, 0, response);
}

absl::StatusOr<bool> EndSession(pg::Transaction& tx,
                                std::string_view session_id,
                                std::string_view why) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kEndSession, {session_id, why}));
  return r.affected_rows() > 0;
}

absl::Status EndSessions(pg::Transaction& tx, std::string_view user_id,
                         std::string_view why,
                         std::string_view keep_session_id) {
  return tx.Exec(kEndSessions, {user_id, why, keep_session_id}).status();
}

absl::Status LockBootstrap(pg::Transaction& tx) {
  return tx.Exec(kLockBootstrap).status();
}

absl::StatusOr<std::optional<std::string>> AnyAdmin(pg::Transaction& tx) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      tx.Exec(kSelectAnyHolderOfRole,
                              {static_cast<int>(common::v1::ROLE_ADMIN)}));
  if (r.rows() == 0) return std::nullopt;
  return r.GetString(0, "user_id");
}

absl::StatusOr<bool> UserExists(pg::Transaction& tx, std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kSelectUserExists, {user_id}));
  return r.rows() > 0;
}

absl::Status InsertUser(pg::Transaction& tx, const NewUser& user) {
  return tx
      .Exec(kInsertUser,
            {user.user_id, user.printed_name, RoleArray(user.roles),
             user.password_hash, user.password_change_required})
      .status();
}

absl::StatusOr<AccountState> LockAccountState(pg::Transaction& tx,
                                              std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kLockAccountState, {user_id}));
  if (r.rows() == 0) return UserNotFound(user_id);
  AccountState state;
  CC_ASSIGN_OR_RETURN(state.locked, r.GetBool(0, "locked"));
  CC_ASSIGN_OR_RETURN(state.disabled, r.GetBool(0, "disabled"));
  return state;
}

absl::Status UpdateRoles(pg::Transaction& tx, std::string_view user_id,
                         const std::vector<Role>& roles) {
  return tx.Exec(kUpdateRoles, {user_id, RoleArray(roles)}).status();
}

absl::Status MarkDisabled(pg::Transaction& tx, std::string_view user_id) {
  return tx.Exec(kMarkDisabled, {user_id}).status();
}

absl::Status ClearDisabled(pg::Transaction& tx, std::string_view user_id) {
  return tx.Exec(kClearDisabled, {user_id}).status();
}

absl::Status ClearLock(pg::Transaction& tx, std::string_view user_id) {
  return tx.Exec(kClearLock, {user_id}).status();
}

absl::StatusOr<bool> ReplacePassword(pg::Transaction& tx,
                                     std::string_view user_id,
                                     std::string_view old_hash,
                                     std::string_view new_hash) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      tx.Exec(kReplacePassword, {user_id, old_hash, new_hash}));
  return r.affected_rows() > 0;
}

absl::Status ResetPasswordTo(pg::Transaction& tx, std::string_view user_id,
                             std::string_view hash) {
  return tx.Exec(kResetPassword, {user_id, hash}).status();
}

absl::Status KeepInHistory(pg::Transaction& tx, std::string_view user_id,
                           std::string_view password_hash) {
  return tx.Exec(kKeepInHistory, {user_id, password_hash}).status();
}

absl::StatusOr<std::vector<std::string>> RecentPasswordHashes(
    pg::Connection& connection, std::string_view user_id, int count) {
  CC_ASSIGN_OR_RETURN(pg::Result r, connection.Exec(kSelectRecentPasswordHashes,
                                                    {user_id, count}));
  std::vector<std::string> hashes;
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string hash, r.GetString(row, "password_hash"));
    hashes.push_back(std::move(hash));
  }
  return hashes;
}

template <typename Executor>
absl::StatusOr<v1::AccessDenial> LoadDenial(Executor& executor,
                                            std::string_view denial_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r, executor.Exec(SelectDenial(), {denial_id}));
  if (r.rows() == 0) {
    return WithReason(absl::NotFoundError(absl::StrCat("no access denial ",
                                                       std::string(denial_id))),
                      kReasonAccessDenialNotFound);
  }
  v1::AccessDenial denial;
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, 0, denial));
  return denial;
}
template absl::StatusOr<v1::AccessDenial> LoadDenial(pg::Connection&,
                                                     std::string_view);
template absl::StatusOr<v1::AccessDenial> LoadDenial(pg::Transaction&,
                                                     std::string_view);

absl::StatusOr<std::optional<std::string>> PrintedNameOf(
    pg::Transaction& tx, std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kSelectPrintedName, {user_id}));
  if (r.rows() != 1) return std::nullopt;
  return r.GetString(0, "printed_name");
}

absl::Status InsertDenial(pg::Transaction& tx, std::string_view denial_id,
                          const DeniedCall& call, std::string_view reason) {
  return tx
      .Exec(kInsertDenial,
            {denial_id, call.method, call.user_id, call.attempted_user_id,
             call.workstation, call.code, reason})
      .status();
}

absl::Status InsertRepeatedDenial(pg::Transaction& tx,
                                  std::string_view denial_id,
                                  const DeniedCall& call,
                                  std::string_view reason,
                                  const Repeat& repeat) {
  return tx
      .Exec(InsertRepeatedDenialSql(),
            {denial_id, call.method, call.user_id, call.attempted_user_id,
             call.workstation, call.code, reason,
             absl::ToUnixMicros(repeat.last_at), repeat.count,
             absl::ToUnixMicros(repeat.window_start),
             absl::ToUnixMicros(repeat.window_end), repeat.first_denial_id})
      .status();
}

}  // namespace cellchain::identity
