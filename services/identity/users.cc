// User administration and passwords: the first administrator
// (BootstrapAdmin), CreateUser, SetRoles, DisableUser / EnableUser /
// UnlockUser, ResetPassword, a user's own ChangePassword, GetUser and
// ListUsers. The rules without the database are user_rules.h's and
// password_policy.h's.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/auth/roles.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/identity/identity.h"
#include "services/identity/identity_internal.h"
#include "services/identity/store.h"
#include "services/identity/user_rules.h"
#include "services/ledger/record_once.h"

namespace cellchain::identity {
namespace {

constexpr char kChangePasswordMethod[] =
    "/cellchain.identity.v1.AuthService/ChangePassword";

// INVALID_ARGUMENT context.reason when blank: an administrator's change
// says why, and the reason is its audit record's.
absl::Status RequireReason(const common::v1::RequestContext& context,
                           std::string_view what) {
  if (!fields::Blank(context.reason())) return absl::OkStatus();
  return InvalidField("context.reason",
                      absl::StrCat(std::string(what), " needs a reason"));
}

// Sorted, without duplicates, at least one. INVALID_ARGUMENT field roles.
absl::StatusOr<std::vector<Role>> RequireRoles(
    const google::protobuf::RepeatedField<int>& values) {
  std::vector<Role> roles;
  for (int value : values) roles.push_back(static_cast<Role>(value));
  CC_ASSIGN_OR_RETURN(roles, auth::NormalizeRoles(roles, "roles"));
  if (roles.empty()) return InvalidField("roles", "at least one role");
  return roles;
}

// An administrator's change of another user's status: it applies only in
// the state `applies` accepts (read FOR UPDATE), runs `update`, may end the
// user's sessions, and is audited as `action`.
struct StatusChange {
  std::string_view method;       // "DisableUser"
  std::string_view action;       // "user.disable"
  std::string_view description;  // "disabling a user", for the reason rule
  absl::Status (*update)(pg::Transaction& tx, std::string_view user_id);
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
  return ledger::RecordOnce<Response>(
      pool, ledger, {kServiceName, change.method, auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit, Response& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(AccountState state,
                            LockAccountState(tx, request.user_id()));
        CC_RETURN_IF_ERROR(
            change.applies(request.user_id(), state.locked, state.disabled));
        CC_RETURN_IF_ERROR(change.update(tx, request.user_id()));
        if (!change.end_sessions_because.empty()) {
          CC_RETURN_IF_ERROR(
              EndSessions(tx, request.user_id(), change.end_sessions_because));
        }
        CC_ASSIGN_OR_RETURN(
            *response.mutable_user(),
            AppendUser(audit, std::string(change.action), request.user_id(),
                       request.context().reason()));
        return absl::OkStatus();
      });
}

}  // namespace

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
  CC_RETURN_IF_ERROR(
      pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
        CC_RETURN_IF_ERROR(LockBootstrap(tx));
        CC_ASSIGN_OR_RETURN(std::optional<std::string> existing, AnyAdmin(tx));
        if (existing.has_value()) {
          return FailedRule(
              kReasonAdminExists,
              absl::StrCat("an administrator exists already (", *existing,
                           "); create users through AuthService"));
        }
        CC_RETURN_IF_ERROR(
            InsertUser(tx, {.user_id = std::string(user_id),
                            .printed_name = std::string(printed_name),
                            .roles = {common::v1::ROLE_ADMIN},
                            .password_hash = hash,
                            .password_change_required = false}));
        CC_RETURN_IF_ERROR(KeepInHistory(tx, user_id, hash));
        ledger::Recorder audit = RecorderWithOwnId(tx, *ledger_, actor);
        CC_ASSIGN_OR_RETURN(user, AppendUser(audit, "user.bootstrap_admin",
                                             user_id, "first administrator"));
        return absl::OkStatus();
      }));
  return user;
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
                      {.method = kChangePasswordMethod,
                       .workstation = caller.workstation,
                       .request_id = request.context().request_id()}));
  {
    const int history = std::max(options_.password.history, 1);
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(std::vector<std::string> old_hashes,
                        RecentPasswordHashes(*lease, caller.user_id, history));
    for (const std::string& old_hash : old_hashes) {
      CC_ASSIGN_OR_RETURN(bool same,
                          VerifyPassword(request.new_password(), old_hash));
      if (same) {
        return WithReason(
            InvalidField("new_password",
                         absl::StrCat("the new password must differ from the "
                                      "last ",
                                      history, " passwords")),
            kReasonPasswordReused);
      }
    }
  }
  CC_ASSIGN_OR_RETURN(std::string hash, HashPassword(request.new_password()));
  // An unsalted digest of a password must never be stored: the request a
  // retry is compared against has none.
  v1::ChangePasswordRequest without_passwords = request;
  without_passwords.clear_current_password();
  without_passwords.clear_new_password();
  return ledger::RecordOnce<v1::ChangePasswordResponse>(
      *pool_, *ledger_, {kServiceName, "ChangePassword", auth::ActorOf(caller)},
      without_passwords,
      [&](ledger::Recorder& audit,
          v1::ChangePasswordResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(bool replaced,
                            ReplacePassword(tx, caller.user_id,
                                            credential.password_hash, hash));
        if (!replaced) {
          return WithReason(
              absl::AbortedError("the password changed meanwhile; try again"),
              kReasonCredentialChanged);
        }
        CC_RETURN_IF_ERROR(KeepInHistory(tx, caller.user_id, hash));
        // Whoever else holds a session of this user (perhaps with the old
        // password) is out; the session making the change stays.
        CC_RETURN_IF_ERROR(EndSessions(
            tx, caller.user_id, kEndedByPasswordChange, caller.session_id));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_user(),
            AppendUser(audit, "user.change_password", caller.user_id,
                       request.context().reason()));
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
  v1::CreateUserRequest without_password = request;
  without_password.clear_temporary_password();
  return ledger::RecordOnce<v1::CreateUserResponse>(
      *pool_, *ledger_, {kServiceName, "CreateUser", auth::ActorOf(caller)},
      without_password,
      [&](ledger::Recorder& audit,
          v1::CreateUserResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(bool taken, UserExists(tx, request.user_id()));
        if (taken) {
          return absl::AlreadyExistsError(absl::StrCat(
              "user id \"", request.user_id(),
              "\" is taken: user ids are never reused, even of disabled "
              "users"));
        }
        CC_RETURN_IF_ERROR(
            InsertUser(tx, {.user_id = request.user_id(),
                            .printed_name = request.printed_name(),
                            .roles = roles,
                            .password_hash = hash,
                            .password_change_required = true}));
        CC_RETURN_IF_ERROR(KeepInHistory(tx, request.user_id(), hash));
        CC_ASSIGN_OR_RETURN(*response.mutable_user(),
                            AppendUser(audit, "user.create", request.user_id(),
                                       request.context().reason()));
        return absl::OkStatus();
      });
}

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
  return ledger::RecordOnce<v1::SetRolesResponse>(
      *pool_, *ledger_, {kServiceName, "SetRoles", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::SetRolesResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(LockAccountState(tx, request.user_id()).status());
        CC_RETURN_IF_ERROR(UpdateRoles(tx, request.user_id(), roles));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_user(),
            AppendUser(audit, "user.set_roles", request.user_id(),
                       request.context().reason()));
        return absl::OkStatus();
      });
}

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
       .update = MarkDisabled,
       .end_sessions_because = kEndedByDisable,
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
       .update = ClearDisabled,
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
       .update = ClearLock,
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
  v1::ResetPasswordRequest without_password = request;
  without_password.clear_temporary_password();
  return ledger::RecordOnce<v1::ResetPasswordResponse>(
      *pool_, *ledger_, {kServiceName, "ResetPassword", auth::ActorOf(caller)},
      without_password,
      [&](ledger::Recorder& audit,
          v1::ResetPasswordResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(LockAccountState(tx, request.user_id()).status());
        CC_RETURN_IF_ERROR(ResetPasswordTo(tx, request.user_id(), hash));
        CC_RETURN_IF_ERROR(KeepInHistory(tx, request.user_id(), hash));
        CC_RETURN_IF_ERROR(
            EndSessions(tx, request.user_id(), kEndedByPasswordReset));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_user(),
            AppendUser(audit, "user.reset_password", request.user_id(),
                       request.context().reason()));
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
  return LoadUsers(*lease);
}

}  // namespace cellchain::identity
