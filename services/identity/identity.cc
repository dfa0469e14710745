#include "services/identity/identity.h"

#include <algorithm>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/common/crypto/crypto.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/log/log.h"
#include "services/common/status/status.h"

namespace cellchain::identity {
namespace {

using common::v1::Role;

constexpr char kAnonymous[] = "(anonymous)";
constexpr char kNotAuthenticated[] = "(not authenticated)";
constexpr int kMaxPrintedName = 200;

constexpr char kUserColumns[] =
    "user_id, printed_name, roles::text, password_change_required, "
    "failed_attempts, locked_at IS NOT NULL, disabled_at IS NOT NULL, "
    "(extract(epoch FROM created_at) * 1000000)::int8, "
    "(extract(epoch FROM password_changed_at) * 1000000)::int8, "
    "credential_fingerprint";

google::protobuf::Timestamp FromMicros(int64_t micros) {
  google::protobuf::Timestamp t;
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  t.set_seconds(seconds);
  t.set_nanos(static_cast<int32_t>(rest * 1000));
  return t;
}

std::string Interval(absl::Duration d) {
  return absl::StrCat(absl::ToInt64Microseconds(d), " microseconds");
}

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

std::string RoleArray(const std::vector<Role>& roles) {
  std::string out = "{";
  for (size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out += ",";
    out += absl::StrCat(static_cast<int>(roles[i]));
  }
  return out + "}";
}

absl::StatusOr<v1::User> UserFromRow(const pg::Result& r, int row) {
  v1::User user;
  CC_ASSIGN_OR_RETURN(std::string user_id, r.GetString(row, 0));
  CC_ASSIGN_OR_RETURN(std::string printed_name, r.GetString(row, 1));
  CC_ASSIGN_OR_RETURN(std::string roles_text, r.GetString(row, 2));
  CC_ASSIGN_OR_RETURN(bool change_required, r.GetBool(row, 3));
  CC_ASSIGN_OR_RETURN(int32_t failed, r.GetInt32(row, 4));
  CC_ASSIGN_OR_RETURN(bool locked, r.GetBool(row, 5));
  CC_ASSIGN_OR_RETURN(bool disabled, r.GetBool(row, 6));
  CC_ASSIGN_OR_RETURN(int64_t created, r.GetInt64(row, 7));
  CC_ASSIGN_OR_RETURN(int64_t changed, r.GetInt64(row, 8));
  CC_ASSIGN_OR_RETURN(std::string fingerprint, r.GetString(row, 9));
  CC_ASSIGN_OR_RETURN(std::vector<Role> roles, ParseRoleArray(roles_text));
  user.set_user_id(user_id);
  user.set_printed_name(printed_name);
  for (Role role : roles) user.add_roles(role);
  user.set_status(disabled ? v1::USER_STATUS_DISABLED
                  : locked ? v1::USER_STATUS_LOCKED
                           : v1::USER_STATUS_ACTIVE);
  user.set_failed_attempts(failed);
  user.set_password_change_required(change_required);
  *user.mutable_created_at() = FromMicros(created);
  *user.mutable_password_changed_at() = FromMicros(changed);
  user.set_credential_fingerprint(fingerprint);
  return user;
}

// Works on a pg::Connection or a pg::Transaction.
template <typename Executor>
absl::StatusOr<v1::User> LoadUser(Executor& executor,
                                  std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      executor.Exec(absl::StrCat("SELECT ", kUserColumns,
                                 " FROM cellchain_identity.user_states "
                                 "WHERE user_id = $1"),
                    {user_id}));
  if (r.rows() == 0) {
    return absl::NotFoundError(
        absl::StrCat("no user \"", std::string(user_id), "\""));
  }
  return UserFromRow(r, 0);
}

template <typename Executor>
absl::StatusOr<v1::AccessDenial> LoadDenial(Executor& executor,
                                            std::string_view denial_id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      executor.Exec("SELECT denial_id, "
                    "(extract(epoch FROM denied_at) * 1000000)::int8, method, "
                    "coalesce(user_id, ''), workstation, code, reason, "
                    "coalesce(attempted_user_id, ''), "
                    "coalesce(repeated_count, 0), "
                    "(extract(epoch FROM window_started_at) * 1000000)::int8, "
                    "(extract(epoch FROM window_ended_at) * 1000000)::int8, "
                    "coalesce(first_denial_id, '') "
                    "FROM cellchain_identity.access_denials "
                    "WHERE denial_id = $1",
                    {denial_id}));
  if (r.rows() == 0) {
    return absl::NotFoundError(
        absl::StrCat("no access denial ", std::string(denial_id)));
  }
  v1::AccessDenial denial;
  CC_ASSIGN_OR_RETURN(std::string id, r.GetString(0, 0));
  CC_ASSIGN_OR_RETURN(int64_t at, r.GetInt64(0, 1));
  CC_ASSIGN_OR_RETURN(std::string method, r.GetString(0, 2));
  CC_ASSIGN_OR_RETURN(std::string user_id, r.GetString(0, 3));
  CC_ASSIGN_OR_RETURN(std::string workstation, r.GetString(0, 4));
  CC_ASSIGN_OR_RETURN(std::string code, r.GetString(0, 5));
  CC_ASSIGN_OR_RETURN(std::string reason, r.GetString(0, 6));
  CC_ASSIGN_OR_RETURN(std::string attempted, r.GetString(0, 7));
  denial.set_denial_id(id);
  *denial.mutable_denied_at() = FromMicros(at);
  denial.set_method(method);
  denial.set_user_id(user_id);
  denial.set_workstation(workstation);
  denial.set_code(code);
  denial.set_reason(reason);
  denial.set_attempted_user_id(attempted);
  CC_ASSIGN_OR_RETURN(int32_t repeated, r.GetInt32(0, 8));
  if (repeated > 0) {
    // Only a record of repeated denials carries these: the bytes of a
    // single denial's state stay what they were before they existed.
    CC_ASSIGN_OR_RETURN(int64_t start, r.GetInt64(0, 9));
    CC_ASSIGN_OR_RETURN(int64_t end, r.GetInt64(0, 10));
    CC_ASSIGN_OR_RETURN(std::string first, r.GetString(0, 11));
    denial.set_repeated_count(repeated);
    *denial.mutable_window_start() = FromMicros(start);
    *denial.mutable_window_end() = FromMicros(end);
    denial.set_first_denial_id(first);
  }
  return denial;
}

common::v1::Actor Unauthenticated(std::string_view claimed_user_id,
                                  std::string_view workstation) {
  common::v1::Actor actor;
  actor.set_user_id(claimed_user_id.empty() ? kAnonymous
                                            : std::string(claimed_user_id));
  actor.set_printed_name(kNotAuthenticated);
  actor.set_workstation(std::string(workstation));
  return actor;
}

// Appends the record of a change of user `user_id` in `tx`, with the user's
// state as it now is in `tx`; returns that state.
absl::StatusOr<v1::User> AppendUser(
    pg::Transaction& tx, const ledger::Ledger& ledger,
    const common::v1::Actor& actor, std::string action,
    std::string_view user_id, std::string reason, std::string request_id) {
  CC_ASSIGN_OR_RETURN(v1::User user, LoadUser(tx, user_id));
  ledger::Event event;
  event.actor = actor;
  event.action = std::move(action);
  event.entity_type = "user";
  event.entity_id = std::string(user_id);
  event.reason = std::move(reason);
  event.after_state = &user;
  event.request_id =
      request_id.empty() ? crypto::RandomId("req") : std::move(request_id);
  CC_RETURN_IF_ERROR(ledger.Append(tx, event).status());
  return user;
}

// Remembers a credential just set, for the no-reuse rule.
absl::Status KeepInHistory(pg::Transaction& tx, std::string_view user_id,
                           std::string_view password_hash) {
  return tx
      .Exec(
          "INSERT INTO cellchain_identity.password_history "
          "(user_id, set_at, password_hash) VALUES ($1, now(), $2)",
          {user_id, password_hash})
      .status();
}

absl::Status EndSessions(pg::Transaction& tx, std::string_view user_id,
                         std::string_view why) {
  return tx
      .Exec(
          "UPDATE cellchain_identity.sessions "
          "SET ended_at = now(), end_reason = $2 "
          "WHERE user_id = $1 AND ended_at IS NULL",
          {user_id, why})
      .status();
}

// Runs `change` in a transaction under the request's idempotency claim: a
// retry with the same request id gets the stored response back.
// `request_for_hash` is the request with its request id and every password
// cleared: an unsalted digest of a password must never be stored.
template <typename Response>
absl::StatusOr<Response> Mutate(
    pg::Pool& pool, std::string_view method,
    const common::v1::RequestContext& context,
    const google::protobuf::Message& request_for_hash,
    absl::FunctionRef<absl::Status(pg::Transaction&, Response&)> change) {
  CC_ASSIGN_OR_RETURN(std::string request_bytes,
                      ledger::SerializeDeterministic(request_for_hash));
  return idempotency::RunOnce<Response>(
      pool, {kServiceName, method, context.request_id()}, request_bytes,
      change);
}

absl::Status RequireReason(const common::v1::RequestContext& context,
                           std::string_view what) {
  if (!absl::StripAsciiWhitespace(context.reason()).empty()) {
    return absl::OkStatus();
  }
  return InvalidField("context.reason",
                      absl::StrCat(std::string(what), " needs a reason"));
}

absl::Status RequirePrintedName(std::string_view name) {
  if (absl::StripAsciiWhitespace(absl::string_view(name.data(), name.size()))
          .empty()) {
    return InvalidField("printed_name",
                        "the printed name (as on signatures) is required");
  }
  if (name.size() > kMaxPrintedName) {
    return InvalidField("printed_name", "at most 200 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Role>> RequireRoles(
    const google::protobuf::RepeatedField<int>& values) {
  std::vector<Role> roles;
  for (int value : values) roles.push_back(static_cast<Role>(value));
  CC_ASSIGN_OR_RETURN(roles, auth::NormalizeRoles(roles, "roles"));
  if (roles.empty()) return InvalidField("roles", "at least one role");
  return roles;
}

// Technician and qa in one hand: who records the work would release it.
absl::Status CheckCompatibleRoles(const std::vector<Role>& roles,
                                  bool allow_technician_qa) {
  auto holds = [&](Role role) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  };
  if (allow_technician_qa || !holds(common::v1::ROLE_TECHNICIAN) ||
      !holds(common::v1::ROLE_QA)) {
    return absl::OkStatus();
  }
  return FailedRule(kReasonIncompatibleRoles,
                    "technician and qa are not given to one person: who "
                    "records the work must not release it (a deployment "
                    "that must combine them runs cellchaind with "
                    "--allow-technician-qa)");
}

// A refused login: one answer for every refusal that could otherwise tell a
// right password from a wrong one, or a locked account from an unknown
// user; the access_denials row keeps the true reason for the
// administrators. A disabled account is refused before any password is
// checked, so saying so tells nothing of the password; the user learns why
// they cannot log in.
AttemptAnswers LoginAnswers() {
  return {.refused = WithReason(
              absl::UnauthenticatedError("wrong user id or password"),
              kReasonInvalidCredentials),
          .disabled =
              WithReason(absl::UnauthenticatedError(
                             "this account is disabled; ask an administrator"),
                         auth::kReasonAccountDisabled),
          .locked = WithReason(absl::UnauthenticatedError("account locked"),
                               auth::kReasonAccountLocked)};
}

// A refused signature of `user_id`: as for logins, one answer for an
// unknown user, a wrong password and a locked account.
AttemptAnswers SignatureAnswers(std::string_view user_id) {
  return {.refused = WithReason(
              absl::PermissionDeniedError(
                  "signature refused: the user id or password is wrong"),
              auth::kReasonReauthenticationFailed),
          .disabled = WithReason(absl::PermissionDeniedError(absl::StrCat(
                                     "signature refused: the account of ",
                                     std::string(user_id), " is disabled")),
                                 auth::kReasonAccountDisabled),
          .locked = WithReason(absl::PermissionDeniedError("account locked"),
                               auth::kReasonAccountLocked)};
}

}  // namespace

struct Identity::Credential {
  std::string user_id;
  std::string printed_name;
  std::vector<Role> roles;
  std::string password_hash;
  bool locked = false;
  bool disabled = false;
};

// A fixed number of scrypt computations at once in a process: a flood of
// logins waits a bounded time for a slot, then is refused, instead of
// holding every gRPC handler thread.
class Identity::HashSlots {
 public:
  explicit HashSlots(int count) : count_(count) {}

  // `hash()` run in a slot: UNAVAILABLE AUTHENTICATION_BUSY when none frees
  // within `timeout`.
  template <typename T>
  absl::StatusOr<T> Run(absl::Duration timeout,
                        absl::FunctionRef<absl::StatusOr<T>()> hash) {
    {
      absl::MutexLock lock(&mu_);
      if (!mu_.AwaitWithTimeout(absl::Condition(&HasFree, this), timeout)) {
        return WithReason(
            absl::UnavailableError("too many passwords are being checked at "
                                   "once; try again in a moment"),
            kReasonAuthenticationBusy);
      }
      ++busy_;
    }
    absl::StatusOr<T> result = hash();
    absl::MutexLock lock(&mu_);
    --busy_;
    return result;
  }

 private:
  static bool HasFree(HashSlots* slots)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slots->mu_) {
    return slots->busy_ < slots->count_;
  }

  const int count_;
  absl::Mutex mu_;
  int busy_ ABSL_GUARDED_BY(mu_) = 0;
};

Identity::Identity(pg::Pool* pool, const ledger::Ledger* ledger,
                   IdentityOptions options)
    : pool_(pool),
      ledger_(ledger),
      options_(std::move(options)),
      hash_slots_(std::make_unique<HashSlots>(
          options_.max_concurrent_hashes > 0
              ? options_.max_concurrent_hashes
              : std::max(
                    1, static_cast<int>(std::thread::hardware_concurrency())))),
      failures_(options_.max_failures_per_user_id,
                options_.max_failures_per_workstation, options_.failure_window),
      denials_(options_.denial_window) {
  absl::StatusOr<std::string> dummy =
      crypto::HashPassword("cellchain-dummy-credential", options_.scrypt);
  if (dummy.ok()) dummy_hash_ = *std::move(dummy);
}

Identity::~Identity() { FlushRepeatedDenials(); }

absl::Time Identity::DenialClockNow() const {
  return options_.clock != nullptr ? options_.clock->Now()
                                   : ledger::RealClock()->Now();
}

absl::StatusOr<bool> Identity::VerifyPassword(std::string_view password,
                                              std::string_view encoded) {
  return hash_slots_->Run<bool>(options_.hash_queue_timeout, [&] {
    return crypto::VerifyPassword(password, encoded);
  });
}

absl::StatusOr<std::string> Identity::HashPassword(std::string_view password) {
  return hash_slots_->Run<std::string>(options_.hash_queue_timeout, [&] {
    return crypto::HashPassword(password, options_.scrypt);
  });
}

absl::Status Identity::CheckFailureRate(std::string_view user_id,
                                        std::string_view workstation,
                                        std::string_view method) {
  const FailureCounts::Limit limit =
      failures_.Check(user_id, workstation, absl::Now());
  if (limit == FailureCounts::Limit::kNone) return absl::OkStatus();
  absl::Status refused =
      WithReason(absl::ResourceExhaustedError(
                     "too many failed sign-ins lately; wait a few minutes"),
                 kReasonTooManyFailedAttempts);
  // A workstation's limit is keyed without the claimed id, so that a spray
  // of made-up ids is one counted denial, not one record per id.
  RecordDenial({.method = std::string(method),
                .workstation = std::string(workstation),
                .user_id = "",
                .attempted_user_id = limit == FailureCounts::Limit::kUserId
                                         ? std::string(user_id)
                                         : "",
                .status = refused});
  return refused;
}

absl::Status Identity::Refuse(Outcome outcome, const AttemptAnswers& answers,
                              std::string_view user_id,
                              std::string_view workstation,
                              std::string_view method) {
  failures_.Note(user_id, workstation, absl::Now());
  Refusal refusal = RefusalOf(outcome, answers);
  if (refusal.denial.has_value()) {
    RecordDenial({.method = std::string(method),
                  .workstation = std::string(workstation),
                  .user_id = "",
                  .attempted_user_id = std::string(user_id),
                  .status = *std::move(refusal.denial)});
  }
  return refusal.answer;
}

absl::Status Identity::RegisterStateReaders(ledger::StateRegistry& registry) {
  CC_RETURN_IF_ERROR(registry.Register(
      "user", v1::User::descriptor()->full_name(),
      [](pg::Connection& connection,
         const std::string& id) -> absl::StatusOr<std::string> {
        CC_ASSIGN_OR_RETURN(v1::User user, LoadUser(connection, id));
        return ledger::SerializeDeterministic(user);
      },
      ledger::IdsFrom("SELECT user_id FROM cellchain_identity.user_states")));
  return registry.Register(
      "access_denial", v1::AccessDenial::descriptor()->full_name(),
      [](pg::Connection& connection,
         const std::string& id) -> absl::StatusOr<std::string> {
        CC_ASSIGN_OR_RETURN(v1::AccessDenial denial,
                            LoadDenial(connection, id));
        return ledger::SerializeDeterministic(denial);
      },
      ledger::IdsFrom(
          "SELECT denial_id FROM cellchain_identity.access_denials"));
}

absl::StatusOr<Outcome> Identity::Attempt(
    std::string_view user_id, std::string_view password,
    std::string_view failure_action, std::string_view workstation,
    Credential& credential,
    absl::FunctionRef<absl::Status(pg::Transaction&, const Credential&)>
        accepted) {
  Outcome outcome = Outcome::kNoSuchUser;
  CC_RETURN_IF_ERROR(pool_->InTransaction([&](pg::Transaction& tx)
                                              -> absl::Status {
    // The row lock comes first: whoever holds it decides alone whether the
    // attempt may check a password, and counts the failure before another
    // attempt of the same user may read the count.
    CC_ASSIGN_OR_RETURN(
        pg::Result r,
        tx.Exec("SELECT user_id, printed_name, roles::text, password_hash, "
                "locked_at IS NOT NULL, disabled_at IS NOT NULL, "
                "failed_attempts "
                "FROM cellchain_identity.users WHERE user_id = $1 FOR UPDATE",
                {user_id}));
    if (r.rows() == 0) {
      outcome = Outcome::kNoSuchUser;
      return absl::OkStatus();
    }
    Credential c;
    CC_ASSIGN_OR_RETURN(c.user_id, r.GetString(0, 0));
    CC_ASSIGN_OR_RETURN(c.printed_name, r.GetString(0, 1));
    CC_ASSIGN_OR_RETURN(std::string roles, r.GetString(0, 2));
    CC_ASSIGN_OR_RETURN(c.roles, ParseRoleArray(roles));
    CC_ASSIGN_OR_RETURN(c.password_hash, r.GetString(0, 3));
    CC_ASSIGN_OR_RETURN(c.locked, r.GetBool(0, 4));
    CC_ASSIGN_OR_RETURN(c.disabled, r.GetBool(0, 5));
    CC_ASSIGN_OR_RETURN(int32_t failed, r.GetInt32(0, 6));
    credential = c;
    if (c.disabled) {
      outcome = Outcome::kDisabled;
      return absl::OkStatus();
    }
    // At the threshold but not locked happens only when the threshold was
    // lowered since: refused all the same, nothing checked.
    if (c.locked || failed >= options_.lockout_threshold) {
      outcome = Outcome::kLocked;
      return absl::OkStatus();
    }
    CC_ASSIGN_OR_RETURN(bool match, VerifyPassword(password, c.password_hash));
    if (!match) {
      outcome = Outcome::kWrongPassword;
      return CountFailure(tx, c, failure_action, workstation);
    }
    outcome = Outcome::kAccepted;
    return accepted(tx, c);
  }));
  if (outcome == Outcome::kNoSuchUser && !dummy_hash_.empty()) {
    // Same work, and the same queue, as for a real user, so that neither
    // timing nor AUTHENTICATION_BUSY tells which user ids exist (outside the
    // transaction: there is no row to hold).
    absl::StatusOr<bool> dummy = VerifyPassword(password, dummy_hash_);
    if (!dummy.ok() && ReasonOf(dummy.status()) == kReasonAuthenticationBusy) {
      return dummy.status();
    }
  }
  return outcome;
}

absl::Status Identity::CountFailure(pg::Transaction& tx,
                                    const Credential& credential,
                                    std::string_view failure_action,
                                    std::string_view workstation) {
  common::v1::Actor actor = Unauthenticated(credential.user_id, workstation);
  CC_ASSIGN_OR_RETURN(
      pg::Result r, tx.Exec("UPDATE cellchain_identity.users "
                            "SET failed_attempts = failed_attempts + 1 "
                            "WHERE user_id = $1 "
                            "RETURNING failed_attempts, locked_at IS NOT NULL",
                            {credential.user_id}));
  if (r.rows() == 0) return absl::NotFoundError("no such user");
  CC_ASSIGN_OR_RETURN(int32_t failed, r.GetInt32(0, 0));
  CC_ASSIGN_OR_RETURN(bool locked, r.GetBool(0, 1));
  CC_RETURN_IF_ERROR(AppendUser(tx, *ledger_, actor,
                                std::string(failure_action), credential.user_id,
                                "", "")
                         .status());
  if (!locked && failed >= options_.lockout_threshold) {
    CC_RETURN_IF_ERROR(tx.Exec("UPDATE cellchain_identity.users "
                               "SET locked_at = now() WHERE user_id = $1",
                               {credential.user_id})
                           .status());
    CC_RETURN_IF_ERROR(EndSessions(tx, credential.user_id, "locked"));
    CC_RETURN_IF_ERROR(
        AppendUser(tx, *ledger_, actor, "user.lock", credential.user_id,
                   absl::StrCat(failed, " consecutive failed authentications"),
                   "")
            .status());
    log::Warning("user_locked", {{"user", credential.user_id},
                                 {"failed_attempts", absl::StrCat(failed)}});
  }
  return absl::OkStatus();
}

absl::Status Identity::WriteDenial(const DeniedCall& denial,
                                   const std::string& denial_id,
                                   const Repeat* repeat) {
  const std::string& code = denial.code;
  const std::string& reason = denial.reason.empty() ? code : denial.reason;
  return pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    common::v1::Actor actor = Unauthenticated(
        denial.user_id.empty() ? denial.attempted_user_id : denial.user_id,
        denial.workstation);
    if (!denial.user_id.empty()) {
      CC_ASSIGN_OR_RETURN(pg::Result r,
                          tx.Exec("SELECT printed_name FROM "
                                  "cellchain_identity.users WHERE user_id = $1",
                                  {denial.user_id}));
      if (r.rows() == 1) {
        CC_ASSIGN_OR_RETURN(std::string printed, r.GetString(0, 0));
        actor.set_printed_name(printed);
      }
    }
    if (repeat == nullptr) {
      CC_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO cellchain_identity.access_denials "
                  "(denial_id, denied_at, method, user_id, attempted_user_id, "
                  " workstation, code, reason) "
                  "VALUES ($1, now(), $2, nullif($3, ''), nullif($4, ''), $5, "
                  "$6, $7)",
                  {denial_id, denial.method, denial.user_id,
                   denial.attempted_user_id, denial.workstation, code, reason})
              .status());
    } else {
      auto at = [](absl::Time t) {
        return absl::StrCat(absl::ToUnixMicros(t));
      };
      CC_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO cellchain_identity.access_denials "
                  "(denial_id, denied_at, method, user_id, attempted_user_id, "
                  " workstation, code, reason, repeated_count, "
                  " window_started_at, window_ended_at, first_denial_id) "
                  "VALUES ($1, to_timestamp($8::int8 / 1000000.0), $2, "
                  "nullif($3, ''), nullif($4, ''), $5, $6, $7, $9::int4, "
                  "to_timestamp($10::int8 / 1000000.0), "
                  "to_timestamp($11::int8 / 1000000.0), $12)",
                  {denial_id, denial.method, denial.user_id,
                   denial.attempted_user_id, denial.workstation, code, reason,
                   at(repeat->last_at), absl::StrCat(repeat->count),
                   at(repeat->window_start), at(repeat->window_end),
                   repeat->first_denial_id})
              .status());
    }
    CC_ASSIGN_OR_RETURN(v1::AccessDenial state, LoadDenial(tx, denial_id));
    ledger::Event event;
    event.actor = actor;
    event.action =
        repeat == nullptr ? "access_denial.record" : "access_denial.repeated";
    event.entity_type = "access_denial";
    event.entity_id = denial_id;
    event.after_state = &state;
    event.request_id = crypto::RandomId("req");
    return ledger_->Append(tx, event).status();
  });
}

void Identity::RecordDenial(const auth::Denial& denial) {
  const DeniedCall call{
      .method = denial.method,
      .workstation = denial.workstation,
      .user_id = denial.user_id,
      .attempted_user_id = denial.attempted_user_id,
      .code = std::string(absl::StatusCodeToString(denial.status.code())),
      .reason = ReasonOf(denial.status)};
  DenialWindows::Noted noted = denials_.Note(
      call, DenialClockNow(), [] { return crypto::RandomId("acd"); });
  WriteRepeats(noted.closed);
  if (noted.first_denial_id.empty()) return;  // counted
  absl::Status status = WriteDenial(call, noted.first_denial_id, nullptr);
  if (!status.ok()) {
    log::Error("access_denial_not_recorded", {{"method", denial.method},
                                              {"peer", denial.workstation},
                                              {"error", status.ToString()}});
  }
}

void Identity::FlushRepeatedDenials() {
  WriteRepeats(denials_.Flush(DenialClockNow()));
}

void Identity::WriteRepeats(const std::vector<Counted>& counted) {
  for (const auto& [denial, repeat] : counted) {
    absl::Status status = WriteDenial(denial, crypto::RandomId("acd"), &repeat);
    if (!status.ok()) {
      log::Error("access_denials_not_recorded",
                 {{"method", denial.method},
                  {"peer", denial.workstation},
                  {"repeated_count", absl::StrCat(repeat.count)},
                  {"first_denial_id", repeat.first_denial_id},
                  {"error", status.ToString()}});
    }
  }
}

absl::StatusOr<v1::User> Identity::BootstrapAdmin(std::string_view user_id,
                                                  std::string_view printed_name,
                                                  std::string_view password,
                                                  std::string_view console) {
  CC_RETURN_IF_ERROR(CheckUserId(user_id, "user_id"));
  CC_RETURN_IF_ERROR(RequirePrintedName(printed_name));
  CC_RETURN_IF_ERROR(::cellchain::identity::CheckPassword(
      options_.password, user_id, password, "password"));
  CC_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  common::v1::Actor actor;
  actor.set_user_id(std::string(user_id));
  actor.set_printed_name(std::string(printed_name));
  actor.set_role(auth::RoleName(common::v1::ROLE_ADMIN));
  actor.set_workstation(std::string(console));
  v1::User user;
  CC_RETURN_IF_ERROR(pool_->InTransaction([&](pg::Transaction& tx)
                                              -> absl::Status {
    CC_RETURN_IF_ERROR(
        tx.Exec("SELECT pg_advisory_xact_lock("
                "hashtextextended('cellchain_identity.bootstrap', 0))")
            .status());
    CC_ASSIGN_OR_RETURN(pg::Result admins,
                        tx.Exec("SELECT user_id FROM cellchain_identity.users "
                                "WHERE $1::smallint = ANY (roles) LIMIT 1",
                                {static_cast<int>(common::v1::ROLE_ADMIN)}));
    if (admins.rows() > 0) {
      CC_ASSIGN_OR_RETURN(std::string existing, admins.GetString(0, 0));
      return FailedRule(
          kReasonAdminExists,
          absl::StrCat("an administrator exists already (", existing,
                       "); create users through AuthService"));
    }
    CC_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO cellchain_identity.users (user_id, printed_name, "
                "roles, password_hash, password_changed_at, "
                "password_change_required, created_at) "
                "VALUES ($1, $2, $3::smallint[], $4, now(), false, now())",
                {user_id, printed_name, RoleArray({common::v1::ROLE_ADMIN}),
                 hash})
            .status());
    CC_RETURN_IF_ERROR(KeepInHistory(tx, user_id, hash));
    CC_ASSIGN_OR_RETURN(
        user, AppendUser(tx, *ledger_, actor, "user.bootstrap_admin", user_id,
                         "first administrator", ""));
    return absl::OkStatus();
  }));
  return user;
}

absl::StatusOr<LoginResult> Identity::Login(std::string_view user_id,
                                            std::string_view password,
                                            std::string_view workstation,
                                            std::string_view client_key) {
  if (client_key.empty()) {
    // mTLS makes this unreachable over the network: there would be no key
    // to bind the session to.
    return WithReason(
        absl::UnauthenticatedError("no verified client certificate"),
        kReasonClientCertificateRequired);
  }
  if (user_id.empty())
    return InvalidField("user_id", "the user id is required");
  CC_RETURN_IF_ERROR(CheckUserId(user_id, "user_id"));
  if (password.empty()) {
    return InvalidField("password", "the password is required");
  }
  CC_RETURN_IF_ERROR(CheckPasswordBytes(password, "password"));
  const std::string method = "/cellchain.identity.v1.AuthService/Login";
  CC_RETURN_IF_ERROR(CheckFailureRate(user_id, workstation, method));

  CC_ASSIGN_OR_RETURN(std::string random, crypto::RandomBytes(32));
  // base64url without padding: 43 characters, safe in a header.
  std::string token = crypto::Base64Encode(random);
  while (!token.empty() && token.back() == '=') token.pop_back();
  std::replace(token.begin(), token.end(), '+', '-');
  std::replace(token.begin(), token.end(), '/', '_');
  crypto::Sha256Digest digest = crypto::Sha256(token);
  std::string token_hash(reinterpret_cast<const char*>(digest.data()),
                         digest.size());
  LoginResult result;
  result.session_token = token;
  result.session_id = crypto::RandomId("ses");
  result.idle_timeout_seconds = absl::ToInt64Seconds(options_.idle_timeout);

  Credential credential;
  CC_ASSIGN_OR_RETURN(
      Outcome outcome,
      Attempt(user_id, password, "user.login_failed", workstation, credential,
              [&](pg::Transaction& tx, const Credential& c) -> absl::Status {
                common::v1::Actor actor;
                actor.set_user_id(c.user_id);
                actor.set_printed_name(c.printed_name);
                actor.set_role(
                    c.roles.empty() ? "" : auth::RoleName(c.roles.front()));
                actor.set_workstation(std::string(workstation));
                CC_RETURN_IF_ERROR(
                    tx.Exec("UPDATE cellchain_identity.users "
                            "SET failed_attempts = 0 WHERE user_id = $1 "
                            "AND failed_attempts <> 0",
                            {c.user_id})
                        .status());
                CC_ASSIGN_OR_RETURN(
                    pg::Result session,
                    tx.Exec("INSERT INTO cellchain_identity.sessions "
                            "(session_id, token_hash, user_id, workstation, "
                            "client_key, created_at, expires_at, "
                            "idle_timeout, last_seen_at) "
                            "VALUES ($1, $2, $3, $4, $7, now(), "
                            "now() + $5::interval, $6::interval, now()) "
                            "RETURNING (extract(epoch FROM expires_at) * "
                            "1000000)::int8",
                            {result.session_id, pg::Param::Bytes(token_hash),
                             c.user_id, workstation,
                             Interval(options_.session_lifetime),
                             Interval(options_.idle_timeout), client_key}));
                CC_ASSIGN_OR_RETURN(int64_t expires, session.GetInt64(0, 0));
                result.expires_at = absl::FromUnixMicros(expires);
                CC_ASSIGN_OR_RETURN(
                    result.user, AppendUser(tx, *ledger_, actor, "user.login",
                                            c.user_id, "", ""));
                return absl::OkStatus();
              }));
  if (outcome == Outcome::kAccepted) return result;
  return Refuse(outcome, LoginAnswers(), user_id, workstation, method);
}

absl::StatusOr<auth::Session> Identity::Authenticate(
    std::string_view token, std::string_view workstation,
    std::string_view client_key) {
  auto refuse = [](std::string_view reason, std::string_view message) {
    return WithReason(absl::UnauthenticatedError(std::string(message)), reason);
  };
  if (token.size() != 43) {
    return refuse(kReasonSessionInvalid, "unknown session token; log in again");
  }
  crypto::Sha256Digest digest = crypto::Sha256(token);
  std::string token_hash(reinterpret_cast<const char*>(digest.data()),
                         digest.size());
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      lease->Exec(
          "SELECT s.session_id, s.user_id, s.workstation, "
          "s.ended_at IS NOT NULL, coalesce(s.end_reason, ''), "
          "s.expires_at <= now(), s.last_seen_at + s.idle_timeout <= now(), "
          "s.last_seen_at < now() - least(s.idle_timeout / 10, "
          "interval '30 seconds'), "
          "u.printed_name, u.roles::text, u.password_change_required, "
          "u.locked_at IS NOT NULL, u.disabled_at IS NOT NULL, "
          "coalesce(s.client_key, '') "
          "FROM cellchain_identity.sessions s "
          "JOIN cellchain_identity.users u USING (user_id) "
          "WHERE s.token_hash = $1",
          {pg::Param::Bytes(token_hash)}));
  if (r.rows() == 0) {
    return refuse(kReasonSessionInvalid, "unknown session token; log in again");
  }
  auth::Session session;
  CC_ASSIGN_OR_RETURN(session.session_id, r.GetString(0, 0));
  CC_ASSIGN_OR_RETURN(session.user_id, r.GetString(0, 1));
  CC_ASSIGN_OR_RETURN(std::string bound_to, r.GetString(0, 2));
  CC_ASSIGN_OR_RETURN(bool ended, r.GetBool(0, 3));
  CC_ASSIGN_OR_RETURN(std::string end_reason, r.GetString(0, 4));
  CC_ASSIGN_OR_RETURN(bool expired, r.GetBool(0, 5));
  CC_ASSIGN_OR_RETURN(bool idle, r.GetBool(0, 6));
  CC_ASSIGN_OR_RETURN(bool touch, r.GetBool(0, 7));
  CC_ASSIGN_OR_RETURN(session.printed_name, r.GetString(0, 8));
  CC_ASSIGN_OR_RETURN(std::string roles, r.GetString(0, 9));
  CC_ASSIGN_OR_RETURN(session.roles, ParseRoleArray(roles));
  CC_ASSIGN_OR_RETURN(session.password_change_required, r.GetBool(0, 10));
  CC_ASSIGN_OR_RETURN(bool locked, r.GetBool(0, 11));
  CC_ASSIGN_OR_RETURN(bool disabled, r.GetBool(0, 12));
  CC_ASSIGN_OR_RETURN(std::string bound_key, r.GetString(0, 13));
  if (ended) {
    return refuse(kReasonSessionEnded,
                  absl::StrCat("this session has ended (", end_reason,
                               "); log in again"));
  }
  if (disabled) {
    return refuse(auth::kReasonAccountDisabled, "this account is disabled");
  }
  if (locked)
    return refuse(auth::kReasonAccountLocked, "this account is locked");
  if (expired) {
    return refuse(kReasonSessionExpired,
                  "the session has expired; log in again");
  }
  if (idle) {
    return refuse(kReasonSessionIdleTimeout,
                  "the session timed out after inactivity; log in again");
  }
  if (bound_to != workstation) {
    return refuse(kReasonSessionWorkstationMismatch,
                  "this session belongs to another workstation; log in here");
  }
  if (bound_key.empty() || bound_key != client_key) {
    // The subject matches but the key does not: the token was copied to a
    // machine holding another certificate of that name.
    return refuse(kReasonSessionClientKeyMismatch,
                  "this session belongs to another client certificate (same "
                  "name, another key); log in with this one");
  }
  if (touch) {
    // Losing a touch in a crash only shortens an idle session: no need to
    // wait for the WAL flush.
    absl::Status touched = [&]() -> absl::Status {
      CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(*lease));
      CC_RETURN_IF_ERROR(
          tx.Exec("SET LOCAL synchronous_commit TO off").status());
      CC_RETURN_IF_ERROR(tx.Exec("UPDATE cellchain_identity.sessions "
                                 "SET last_seen_at = now() "
                                 "WHERE session_id = $1",
                                 {session.session_id})
                             .status());
      return tx.Commit();
    }();
    if (!touched.ok()) {
      log::Warning("session_touch_failed", {{"error", touched.ToString()}});
    }
  }
  return session;
}

absl::StatusOr<auth::Reauthenticated> Identity::Reauthenticate(
    std::string_view user_id, std::string_view password,
    const auth::SignatureAttempt& attempt) {
  CC_ASSIGN_OR_RETURN(Credential credential,
                      CheckCredential(user_id, password, attempt));
  return auth::Reauthenticated{.user_id = credential.user_id,
                               .printed_name = credential.printed_name,
                               .roles = credential.roles};
}

absl::StatusOr<Identity::Credential> Identity::CheckCredential(
    std::string_view user_id, std::string_view password,
    const auth::SignatureAttempt& attempt) {
  CC_RETURN_IF_ERROR(CheckPasswordBytes(password, "password"));
  CC_RETURN_IF_ERROR(
      CheckFailureRate(user_id, attempt.workstation, attempt.method));
  Credential credential;
  CC_ASSIGN_OR_RETURN(Outcome outcome,
                      Attempt(user_id, password, "user.reauthentication_failed",
                              attempt.workstation, credential,
                              [](pg::Transaction&, const Credential&) {
                                return absl::OkStatus();
                              }));
  if (outcome == Outcome::kAccepted) return credential;
  return Refuse(outcome, SignatureAnswers(user_id), user_id,
                attempt.workstation, attempt.method);
}

absl::Status Identity::Logout(const auth::Principal& caller) {
  return pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    CC_ASSIGN_OR_RETURN(pg::Result r,
                        tx.Exec("UPDATE cellchain_identity.sessions "
                                "SET ended_at = now(), end_reason = 'logout' "
                                "WHERE session_id = $1 AND ended_at IS NULL",
                                {caller.session_id}));
    if (r.affected_rows() == 0) {
      return WithReason(absl::UnauthenticatedError("this session has ended"),
                        kReasonSessionEnded);
    }
    return AppendUser(tx, *ledger_, auth::ActorOf(caller), "user.logout",
                      caller.user_id, "", "")
        .status();
  });
}

absl::StatusOr<v1::WhoAmIResponse> Identity::WhoAmI(
    const auth::Principal& caller) {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::WhoAmIResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_user(),
                      LoadUser(*lease, caller.user_id));
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      lease->Exec("SELECT (extract(epoch FROM expires_at) * 1000000)::int8, "
                  "workstation FROM cellchain_identity.sessions "
                  "WHERE session_id = $1",
                  {caller.session_id}));
  if (r.rows() == 1) {
    CC_ASSIGN_OR_RETURN(int64_t expires, r.GetInt64(0, 0));
    *response.mutable_expires_at() = FromMicros(expires);
    CC_ASSIGN_OR_RETURN(std::string workstation, r.GetString(0, 1));
    response.set_workstation(workstation);
  }
  response.set_session_id(caller.session_id);
  response.set_acting_role(caller.acting_role);
  return response;
}

absl::StatusOr<v1::ChangePasswordResponse> Identity::ChangePassword(
    const auth::Principal& caller, const v1::ChangePasswordRequest& request) {
  if (request.current_password().empty()) {
    return InvalidField("current_password", "the current password is required");
  }
  CC_RETURN_IF_ERROR(
      CheckPasswordBytes(request.current_password(), "current_password"));
  CC_RETURN_IF_ERROR(::cellchain::identity::CheckPassword(
      options_.password, caller.user_id, request.new_password(),
      "new_password"));
  CC_ASSIGN_OR_RETURN(
      const Credential credential,
      CheckCredential(caller.user_id, request.current_password(),
                      {.method = "/cellchain.identity.v1.AuthService/"
                                 "ChangePassword",
                       .workstation = caller.workstation,
                       .request_id = request.context().request_id()}));
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(
        pg::Result history,
        lease->Exec(
            "SELECT password_hash FROM cellchain_identity.password_history "
            "WHERE user_id = $1 ORDER BY set_at DESC LIMIT $2",
            {caller.user_id, std::max(options_.password.history, 1)}));
    for (int row = 0; row < history.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string old_hash, history.GetString(row, 0));
      CC_ASSIGN_OR_RETURN(bool same,
                          VerifyPassword(request.new_password(), old_hash));
      if (same) {
        return WithReason(
            InvalidField("new_password",
                         absl::StrCat("the new password must differ from the "
                                      "last ",
                                      std::max(options_.password.history, 1),
                                      " passwords")),
            kReasonPasswordReused);
      }
    }
  }
  CC_ASSIGN_OR_RETURN(std::string hash, HashPassword(request.new_password()));
  v1::ChangePasswordRequest for_hash = request;
  for_hash.mutable_context()->clear_request_id();
  for_hash.clear_current_password();
  for_hash.clear_new_password();
  return Mutate<v1::ChangePasswordResponse>(
      *pool_, "ChangePassword", request.context(), for_hash,
      [&](pg::Transaction& tx,
          v1::ChangePasswordResponse& response) -> absl::Status {
        CC_ASSIGN_OR_RETURN(
            pg::Result r,
            tx.Exec("UPDATE cellchain_identity.users SET password_hash = $3, "
                    "password_changed_at = now(), "
                    "password_change_required = false, failed_attempts = 0 "
                    "WHERE user_id = $1 AND password_hash = $2",
                    {caller.user_id, credential.password_hash, hash}));
        if (r.affected_rows() == 0) {
          return WithReason(
              absl::AbortedError("the password changed meanwhile; try again"),
              kReasonCredentialChanged);
        }
        CC_RETURN_IF_ERROR(KeepInHistory(tx, caller.user_id, hash));
        // Whoever else holds a session of this user (perhaps with the old
        // password) is out; the session making the change stays.
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_identity.sessions "
                    "SET ended_at = now(), end_reason = 'password changed' "
                    "WHERE user_id = $1 AND ended_at IS NULL "
                    "AND session_id <> $2",
                    {caller.user_id, caller.session_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_user(),
                            AppendUser(tx, *ledger_, auth::ActorOf(caller),
                                       "user.change_password", caller.user_id,
                                       request.context().reason(),
                                       request.context().request_id()));
        return absl::OkStatus();
      });
}

template <typename Request>
absl::StatusOr<std::string> Identity::HashTemporaryPassword(
    const Request& request) {
  CC_RETURN_IF_ERROR(::cellchain::identity::CheckPassword(
      options_.password, request.user_id(), request.temporary_password(),
      "temporary_password"));
  // Before the expensive hash: a malformed request id fails fast.
  CC_RETURN_IF_ERROR(
      idempotency::ValidateRequestId(request.context().request_id()));
  return HashPassword(request.temporary_password());
}

absl::StatusOr<v1::CreateUserResponse> Identity::CreateUser(
    const auth::Principal& caller, const v1::CreateUserRequest& request) {
  CC_RETURN_IF_ERROR(CheckUserId(request.user_id(), "user_id"));
  CC_RETURN_IF_ERROR(RequirePrintedName(request.printed_name()));
  CC_ASSIGN_OR_RETURN(std::vector<Role> roles, RequireRoles(request.roles()));
  CC_RETURN_IF_ERROR(CheckCompatibleRoles(roles, options_.allow_technician_qa));
  CC_ASSIGN_OR_RETURN(std::string hash, HashTemporaryPassword(request));
  v1::CreateUserRequest for_hash = request;
  for_hash.mutable_context()->clear_request_id();
  for_hash.clear_temporary_password();
  return Mutate<v1::CreateUserResponse>(
      *pool_, "CreateUser", request.context(), for_hash,
      [&](pg::Transaction& tx,
          v1::CreateUserResponse& response) -> absl::Status {
        CC_ASSIGN_OR_RETURN(
            pg::Result existing,
            tx.Exec("SELECT 1 FROM cellchain_identity.users WHERE user_id = $1",
                    {request.user_id()}));
        if (existing.rows() > 0) {
          return absl::AlreadyExistsError(absl::StrCat(
              "user id \"", request.user_id(),
              "\" is taken: user ids are never reused, even of disabled "
              "users"));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_identity.users (user_id, "
                    "printed_name, roles, password_hash, password_changed_at, "
                    "password_change_required, created_at) "
                    "VALUES ($1, $2, $3::smallint[], $4, now(), true, now())",
                    {request.user_id(), request.printed_name(),
                     RoleArray(roles), hash})
                .status());
        CC_RETURN_IF_ERROR(KeepInHistory(tx, request.user_id(), hash));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_user(),
            AppendUser(tx, *ledger_, auth::ActorOf(caller), "user.create",
                       request.user_id(), request.context().reason(),
                       request.context().request_id()));
        return absl::OkStatus();
      });
}

namespace {

// Reads the target user FOR UPDATE: NOT_FOUND when there is none.
absl::StatusOr<std::pair<bool, bool>> LockUser(pg::Transaction& tx,
                                               std::string_view user_id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      tx.Exec("SELECT locked_at IS NOT NULL, disabled_at IS NOT NULL "
              "FROM cellchain_identity.users WHERE user_id = $1 FOR UPDATE",
              {user_id}));
  if (r.rows() == 0) {
    return absl::NotFoundError(
        absl::StrCat("no user \"", std::string(user_id), "\""));
  }
  CC_ASSIGN_OR_RETURN(bool locked, r.GetBool(0, 0));
  CC_ASSIGN_OR_RETURN(bool disabled, r.GetBool(0, 1));
  return std::make_pair(locked, disabled);
}

}  // namespace

absl::StatusOr<v1::SetRolesResponse> Identity::SetRoles(
    const auth::Principal& caller, const v1::SetRolesRequest& request) {
  CC_RETURN_IF_ERROR(CheckUserId(request.user_id(), "user_id"));
  CC_ASSIGN_OR_RETURN(std::vector<Role> roles, RequireRoles(request.roles()));
  CC_RETURN_IF_ERROR(
      RequireReason(request.context(), "changing a user's roles"));
  if (request.user_id() == caller.user_id) {
    // Nobody grants themselves a power (an admin giving itself qa), nor
    // drops their own admin role by mistake.
    return WithReason(
        absl::PermissionDeniedError(
            "an administrator cannot change their own roles: another "
            "administrator must"),
        kReasonCannotChangeOwnRoles);
  }
  CC_RETURN_IF_ERROR(CheckCompatibleRoles(roles, options_.allow_technician_qa));
  v1::SetRolesRequest for_hash = request;
  for_hash.mutable_context()->clear_request_id();
  return Mutate<v1::SetRolesResponse>(
      *pool_, "SetRoles", request.context(), for_hash,
      [&](pg::Transaction& tx, v1::SetRolesResponse& response) -> absl::Status {
        CC_RETURN_IF_ERROR(LockUser(tx, request.user_id()).status());
        CC_RETURN_IF_ERROR(tx.Exec("UPDATE cellchain_identity.users "
                                   "SET roles = $2::smallint[] "
                                   "WHERE user_id = $1",
                                   {request.user_id(), RoleArray(roles)})
                               .status());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_user(),
            AppendUser(tx, *ledger_, auth::ActorOf(caller), "user.set_roles",
                       request.user_id(), request.context().reason(),
                       request.context().request_id()));
        return absl::OkStatus();
      });
}

namespace {

// An administrator's change of another user's status: it applies only in
// the state `applies` accepts (read FOR UPDATE), runs `update_sql` ($1 =
// user id), may end the user's sessions, and is audited as `action`.
struct StatusChange {
  std::string_view method;       // "DisableUser"
  std::string_view action;       // "user.disable"
  std::string_view description;  // "disabling a user", for the reason rule
  std::string_view update_sql;
  std::string_view end_sessions_because;  // "" keeps the sessions
  // FAILED_PRECONDITION when the change does not apply to a user that is
  // (locked, disabled).
  absl::Status (*applies)(std::string_view user_id, bool locked, bool disabled);
};

template <typename Response, typename Request>
absl::StatusOr<Response> ChangeStatus(pg::Pool& pool,
                                      const ledger::Ledger& ledger,
                                      const auth::Principal& caller,
                                      const Request& request,
                                      const StatusChange& change) {
  CC_RETURN_IF_ERROR(CheckUserId(request.user_id(), "user_id"));
  CC_RETURN_IF_ERROR(RequireReason(request.context(), change.description));
  Request for_hash = request;
  for_hash.mutable_context()->clear_request_id();
  return Mutate<Response>(
      pool, change.method, request.context(), for_hash,
      [&](pg::Transaction& tx, Response& response) -> absl::Status {
        CC_ASSIGN_OR_RETURN(auto state, LockUser(tx, request.user_id()));
        CC_RETURN_IF_ERROR(
            change.applies(request.user_id(), state.first, state.second));
        CC_RETURN_IF_ERROR(
            tx.Exec(change.update_sql, {request.user_id()}).status());
        if (!change.end_sessions_because.empty()) {
          CC_RETURN_IF_ERROR(
              EndSessions(tx, request.user_id(), change.end_sessions_because));
        }
        CC_ASSIGN_OR_RETURN(
            *response.mutable_user(),
            AppendUser(tx, ledger, auth::ActorOf(caller),
                       std::string(change.action), request.user_id(),
                       request.context().reason(),
                       request.context().request_id()));
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<v1::DisableUserResponse> Identity::DisableUser(
    const auth::Principal& caller, const v1::DisableUserRequest& request) {
  if (request.user_id() == caller.user_id) {
    return FailedRule(kReasonCannotDisableSelf,
                      "an administrator cannot disable their own account");
  }
  return ChangeStatus<v1::DisableUserResponse>(
      *pool_, *ledger_, caller, request,
      {.method = "DisableUser",
       .action = "user.disable",
       .description = "disabling a user",
       .update_sql = "UPDATE cellchain_identity.users SET disabled_at = now() "
                     "WHERE user_id = $1",
       .end_sessions_because = "user disabled",
       .applies = [](std::string_view user_id, bool, bool disabled) {
         return disabled ? FailedRule(kReasonAlreadyDisabled,
                                      absl::StrCat(std::string(user_id),
                                                   " is disabled already"))
                         : absl::OkStatus();
       }});
}

absl::StatusOr<v1::EnableUserResponse> Identity::EnableUser(
    const auth::Principal& caller, const v1::EnableUserRequest& request) {
  return ChangeStatus<v1::EnableUserResponse>(
      *pool_, *ledger_, caller, request,
      {.method = "EnableUser",
       .action = "user.enable",
       .description = "enabling a user",
       .update_sql = "UPDATE cellchain_identity.users SET disabled_at = NULL "
                     "WHERE user_id = $1",
       .end_sessions_because = "",
       .applies = [](std::string_view user_id, bool, bool disabled) {
         return disabled ? absl::OkStatus()
                         : FailedRule(kReasonNotDisabled,
                                      absl::StrCat(std::string(user_id),
                                                   " is not disabled"));
       }});
}

absl::StatusOr<v1::UnlockUserResponse> Identity::UnlockUser(
    const auth::Principal& caller, const v1::UnlockUserRequest& request) {
  return ChangeStatus<v1::UnlockUserResponse>(
      *pool_, *ledger_, caller, request,
      {.method = "UnlockUser",
       .action = "user.unlock",
       .description = "unlocking a user",
       .update_sql = "UPDATE cellchain_identity.users SET locked_at = NULL, "
                     "failed_attempts = 0 WHERE user_id = $1",
       .end_sessions_because = "",
       .applies = [](std::string_view user_id, bool locked, bool) {
         return locked ? absl::OkStatus()
                       : FailedRule(kReasonNotLocked,
                                    absl::StrCat(std::string(user_id),
                                                 " is not locked"));
       }});
}

absl::StatusOr<v1::ResetPasswordResponse> Identity::ResetPassword(
    const auth::Principal& caller, const v1::ResetPasswordRequest& request) {
  CC_RETURN_IF_ERROR(CheckUserId(request.user_id(), "user_id"));
  CC_RETURN_IF_ERROR(RequireReason(request.context(), "resetting a password"));
  CC_ASSIGN_OR_RETURN(std::string hash, HashTemporaryPassword(request));
  v1::ResetPasswordRequest for_hash = request;
  for_hash.mutable_context()->clear_request_id();
  for_hash.clear_temporary_password();
  return Mutate<v1::ResetPasswordResponse>(
      *pool_, "ResetPassword", request.context(), for_hash,
      [&](pg::Transaction& tx,
          v1::ResetPasswordResponse& response) -> absl::Status {
        CC_RETURN_IF_ERROR(LockUser(tx, request.user_id()).status());
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_identity.users SET password_hash = $2, "
                    "password_changed_at = now(), "
                    "password_change_required = true WHERE user_id = $1",
                    {request.user_id(), hash})
                .status());
        CC_RETURN_IF_ERROR(KeepInHistory(tx, request.user_id(), hash));
        CC_RETURN_IF_ERROR(
            EndSessions(tx, request.user_id(), "password reset"));
        CC_ASSIGN_OR_RETURN(*response.mutable_user(),
                            AppendUser(tx, *ledger_, auth::ActorOf(caller),
                                       "user.reset_password", request.user_id(),
                                       request.context().reason(),
                                       request.context().request_id()));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::User> Identity::GetUser(std::string_view user_id) {
  CC_RETURN_IF_ERROR(CheckUserId(user_id, "user_id"));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  return LoadUser(*lease, user_id);
}

absl::StatusOr<std::vector<v1::User>> Identity::ListUsers() {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(pg::Result r, lease->Exec(absl::StrCat(
                                        "SELECT ", kUserColumns,
                                        " FROM cellchain_identity.user_states "
                                        "ORDER BY user_id")));
  std::vector<v1::User> users;
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(v1::User user, UserFromRow(r, row));
    users.push_back(std::move(user));
  }
  return users;
}

}  // namespace cellchain::identity
