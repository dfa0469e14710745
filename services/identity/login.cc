// Authentication attempts: Login, a signature's re-authentication (and the
// current password of a password change, through CheckCredential), the row
// lock that serializes the attempts on one user, the failure count and the
// lockout, and the failed-attempt rate limits. The rules without the
// database are attempt_rules.h's.
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/auth/roles.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/crypto.h"
#include "services/common/log/log.h"
#include "services/common/status/status.h"
#include "services/identity/identity.h"
#include "services/identity/identity_internal.h"
#include "services/identity/store.h"

namespace cellchain::identity {
namespace {

constexpr char kLoginMethod[] = "/cellchain.identity.v1.AuthService/Login";

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

// The actor of a right password: the user as they now stand, at
// `workstation`.
common::v1::Actor Authenticated(const Credential& c,
                                std::string_view workstation) {
  common::v1::Actor actor;
  actor.set_user_id(c.user_id);
  actor.set_printed_name(c.printed_name);
  actor.set_role(c.roles.empty() ? "" : auth::RoleName(c.roles.front()));
  actor.set_workstation(std::string(workstation));
  return actor;
}

}  // namespace

absl::Status Identity::CheckFailureRate(std::string_view user_id,
                                        std::string_view workstation,
                                        std::string_view method) {
  const FailureCounts::Limit limit =
      failures_.Check(user_id, workstation, Now());
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
  failures_.Note(user_id, workstation, Now());
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

absl::StatusOr<Outcome> Identity::Attempt(
    std::string_view user_id, std::string_view password,
    std::string_view failure_action, std::string_view workstation,
    Credential& credential,
    absl::FunctionRef<absl::Status(pg::Transaction&, const Credential&)>
        accepted) {
  Outcome outcome = Outcome::kNoSuchUser;
  CC_RETURN_IF_ERROR(
      pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
        // The row lock comes first: whoever holds it decides alone whether
        // the attempt may check a password, and counts the failure before
        // another attempt of the same user may read the count.
        CC_ASSIGN_OR_RETURN(std::optional<Credential> row,
                            LockCredential(tx, user_id));
        if (!row.has_value()) {
          outcome = Outcome::kNoSuchUser;
          return absl::OkStatus();
        }
        credential = *row;
        if (std::optional<Outcome> refused = OutcomeBeforeCheck(
                row->disabled, row->locked, row->failed_attempts,
                options_.lockout_threshold)) {
          outcome = *refused;
          return absl::OkStatus();
        }
        CC_ASSIGN_OR_RETURN(bool match,
                            VerifyPassword(password, row->password_hash));
        if (!match) {
          outcome = Outcome::kWrongPassword;
          return CountFailure(tx, *row, failure_action, workstation);
        }
        outcome = Outcome::kAccepted;
        return accepted(tx, *row);
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
  ledger::Recorder audit = RecorderWithOwnId(
      tx, *ledger_, Unauthenticated(credential.user_id, workstation));
  CC_ASSIGN_OR_RETURN(FailureCount count,
                      CountFailedAttempt(tx, credential.user_id));
  CC_RETURN_IF_ERROR(
      AppendUser(audit, std::string(failure_action), credential.user_id)
          .status());
  if (LocksAccount(count.locked, count.failed_attempts,
                   options_.lockout_threshold)) {
    CC_RETURN_IF_ERROR(LockAccount(tx, credential.user_id));
    CC_RETURN_IF_ERROR(EndSessions(tx, credential.user_id, kEndedByLock));
    CC_RETURN_IF_ERROR(
        AppendUser(audit, "user.lock", credential.user_id,
                   absl::StrCat(count.failed_attempts,
                                " consecutive failed authentications"))
            .status());
    log::Warning("user_locked",
                 {{"user", credential.user_id},
                  {"failed_attempts", absl::StrCat(count.failed_attempts)}});
  }
  return absl::OkStatus();
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
  if (user_id.empty()) {
    return InvalidField("user_id", "the user id is required");
  }
  CC_RETURN_IF_ERROR(CheckUserId(user_id, "user_id"));
  if (password.empty()) {
    return InvalidField("password", "the password is required");
  }
  CC_RETURN_IF_ERROR(CheckPasswordBytes(password, "password"));
  CC_RETURN_IF_ERROR(CheckFailureRate(user_id, workstation, kLoginMethod));

  CC_ASSIGN_OR_RETURN(SessionToken token, NewSessionToken());
  LoginResult result;
  result.session_token = token.token;
  result.session_id = crypto::RandomId("ses");
  result.idle_timeout_seconds = absl::ToInt64Seconds(options_.idle_timeout);

  Credential credential;
  CC_ASSIGN_OR_RETURN(
      Outcome outcome,
      Attempt(user_id, password, "user.login_failed", workstation, credential,
              [&](pg::Transaction& tx, const Credential& c) -> absl::Status {
                CC_RETURN_IF_ERROR(ResetFailedAttempts(tx, c.user_id));
                CC_ASSIGN_OR_RETURN(
                    result.expires_at,
                    InsertSession(tx,
                                  {.session_id = result.session_id,
                                   .token_hash = token.hash,
                                   .user_id = c.user_id,
                                   .workstation = std::string(workstation),
                                   .client_key = std::string(client_key),
                                   .lifetime = options_.session_lifetime,
                                   .idle_timeout = options_.idle_timeout},
                                  Now()));
                ledger::Recorder audit = RecorderWithOwnId(
                    tx, *ledger_, Authenticated(c, workstation));
                CC_ASSIGN_OR_RETURN(result.user,
                                    AppendUser(audit, "user.login", c.user_id));
                return absl::OkStatus();
              }));
  if (outcome == Outcome::kAccepted) return result;
  return Refuse(outcome, LoginAnswers(), user_id, workstation, kLoginMethod);
}

absl::Status Identity::EndFailureRun(pg::Transaction& tx,
                                     const Credential& credential,
                                     const auth::SignatureAttempt& attempt) {
  // The lockout counts consecutive failures: a right password ends the run,
  // as a login does. The count is part of the audited user, so its reset is
  // a record in the same transaction (else audit verify would report the
  // user's current state as differing from its latest record); with no run
  // to end nothing changes and nothing is recorded.
  if (credential.failed_attempts == 0) return absl::OkStatus();
  CC_RETURN_IF_ERROR(ResetFailedAttempts(tx, credential.user_id));
  ledger::Recorder audit = RecorderWithOwnId(
      tx, *ledger_, Authenticated(credential, attempt.workstation));
  return AppendUser(audit, "user.reauthenticated", credential.user_id,
                    absl::StrCat("right password for ", attempt.method,
                                 " after ", credential.failed_attempts,
                                 " consecutive failed authentications"))
      .status();
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

absl::StatusOr<Credential> Identity::CheckCredential(
    std::string_view user_id, std::string_view password,
    const auth::SignatureAttempt& attempt) {
  CC_RETURN_IF_ERROR(CheckPasswordBytes(password, "password"));
  CC_RETURN_IF_ERROR(
      CheckFailureRate(user_id, attempt.workstation, attempt.method));
  Credential credential;
  CC_ASSIGN_OR_RETURN(Outcome outcome,
                      Attempt(user_id, password, "user.reauthentication_failed",
                              attempt.workstation, credential,
                              [&](pg::Transaction& tx, const Credential& c) {
                                return EndFailureRun(tx, c, attempt);
                              }));
  if (outcome == Outcome::kAccepted) return credential;
  AttemptAnswers answers = SignatureAnswers(user_id);
  if (attempt.signer_is_caller && outcome == Outcome::kWrongPassword) {
    // The row was locked while this failure was counted: the count is the
    // one read plus this failure.
    answers.refused = WithReason(
        absl::PermissionDeniedError(OwnSignatureRefusal(
            credential.failed_attempts + 1, options_.lockout_threshold)),
        auth::kReasonReauthenticationFailed);
  }
  return Refuse(outcome, answers, user_id, attempt.workstation, attempt.method);
}

}  // namespace cellchain::identity
