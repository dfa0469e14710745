// cellchain login|logout|whoami|passwd and
// cellchain user create|list|show|roles|disable|enable|unlock|reset-password
// (cellchain.identity.v1.AuthService).
#include "clients/cli/identity_commands.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "absl/time/time.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/session.h"
#include "clients/cli/table.h"
#include "services/common/auth/roles.h"
#include "services/common/grpc/client.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {
namespace {

namespace v1 = cellchain::identity::v1;

std::string Roles(const v1::User& user) {
  std::vector<auth::Role> roles;
  for (int role : user.roles()) roles.push_back(static_cast<auth::Role>(role));
  return roles.empty() ? "(none)" : auth::RoleNames(roles);
}

// "active", "locked", "disabled".
std::string StatusName(v1::UserStatus status) {
  std::string name = v1::UserStatus_Name(status);
  constexpr std::string_view kPrefix = "USER_STATUS_";
  if (name.starts_with(kPrefix)) name = name.substr(kPrefix.size());
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return name.empty() ? "unknown" : name;
}

// What a person should know about a user beyond id, name, roles and status.
std::string Notes(const v1::User& user) {
  std::string notes;
  if (user.password_change_required()) notes = "password change required";
  if (user.failed_attempts() > 0) {
    notes += (notes.empty() ? "" : "; ") +
             std::to_string(user.failed_attempts()) + " failed attempt(s)";
  }
  return notes;
}

void PrintUser(const v1::User& user) {
  auto line = [](const char* label, const std::string& value) {
    std::cout << "  " << PadLabel(label, 18) << Printable(value) << "\n";
  };
  line("user id", user.user_id());
  line("printed name", user.printed_name());
  line("roles", Roles(user));
  line("status", StatusName(user.status()));
  line("failed attempts", std::to_string(user.failed_attempts()));
  line("password", user.password_change_required()
                       ? "temporary: must be changed at next login"
                       : "set " + DisplayTime(user.password_changed_at()));
  line("created", DisplayTime(user.created_at()));
  line("credential", user.credential_fingerprint().empty()
                         ? "-"
                         : "sha256 " + user.credential_fingerprint());
}

constexpr char kChangeHint[] =
    "your password is temporary: set your own now with `cellchain passwd`;\n"
    "every other command is refused (PASSWORD_CHANGE_REQUIRED) until you do\n";

PasswordSource Source(const IdentityOptions& o) {
  return {.env_var = o.password_env, .from_stdin = o.password_stdin};
}

// The roles of --roles; false (and a message) for an unknown name.
bool ParseRoles(const IdentityOptions& o, std::vector<auth::Role>* roles,
                std::string* error) {
  for (const std::string& name : o.roles) {
    absl::StatusOr<auth::Role> role = auth::ParseRole(name);
    if (!role.ok()) {
      std::vector<std::string> known;
      for (auth::Role r : auth::AllRoles()) known.push_back(auth::RoleName(r));
      *error = "--roles: no role \"" + name + "\" (roles: ";
      for (size_t i = 0; i < known.size(); ++i) {
        *error += (i == 0 ? "" : ", ") + known[i];
      }
      *error += ")";
      return false;
    }
    roles->push_back(*role);
  }
  if (roles->empty()) {
    *error = "--roles is required, e.g. --roles=qa,technician";
    return false;
  }
  return true;
}

// --- the session ------------------------------------------------------------

int LoginCommand(std::shared_ptr<grpc::Channel> channel,
                 const IdentityOptions& o) {
  if (o.user_id.empty()) return Fail("login", "--user-id is required", 2);
  if (o.session_file.empty()) {
    return Fail("login", "no home directory: give --session-file=F", 2);
  }
  absl::StatusOr<std::string> password =
      ReadPassword(Source(o), "password for " + o.user_id, false);
  if (!password.ok()) {
    return Fail("login", std::string(password.status().message()), 2);
  }
  auto stub = v1::AuthService::NewStub(channel);
  v1::LoginRequest request;
  request.set_user_id(o.user_id);
  request.set_password(*password);
  v1::LoginResponse response;
  // No session token: a login opens a new session whatever the old one was.
  auto context = grpcx::NewContext(o.deadline);
  grpc::Status status = stub->Login(context.get(), request, &response);
  if (!status.ok()) return Report("login", status);
  absl::Status saved =
      WriteSessionFile(o.session_file, response.session_token());
  if (!saved.ok()) {
    // A session nobody can use or end would stay open until it times out.
    auto logout = grpcx::NewContext(o.deadline);
    logout->AddMetadata("authorization", "Bearer " + response.session_token());
    v1::LogoutResponse ignored;
    stub->Logout(logout.get(), v1::LogoutRequest(), &ignored);
    return Fail("login", std::string(saved.message()) + "; logged out again",
                1);
  }
  const v1::User& user = response.user();
  std::cout << "logged in as " << Printable(user.user_id()) << " ("
            << Printable(user.printed_name()) << "); roles: " << Roles(user)
            << "\nsession " << response.session_id() << " ends "
            << DisplayTime(response.expires_at());
  if (response.idle_timeout_seconds() > 0) {
    std::cout << ", or after " << response.idle_timeout_seconds() / 60
              << " min without a call";
  }
  std::cout << "\nsession saved in " << o.session_file << "\n";
  if (user.password_change_required()) std::cout << kChangeHint;
  return 0;
}

int LogoutCommand(std::shared_ptr<grpc::Channel> channel,
                  const IdentityOptions& o) {
  v1::LogoutResponse response;
  grpc::Status status = Call(channel, o, &v1::AuthService::Stub::Logout,
                             v1::LogoutRequest(), &response);
  // A session the server no longer knows (ended, expired) is gone anyway:
  // the file is useless. Any other failure keeps it, to log out later.
  bool gone = status.ok() || status.error_code() == grpc::UNAUTHENTICATED;
  if (gone && o.session_from_file) {
    absl::Status removed = RemoveSessionFile(o.session_file);
    if (!removed.ok()) {
      if (!status.ok()) Report("logout", status);
      return Fail("logout", std::string(removed.message()), 1);
    }
  }
  if (!status.ok()) return Report("logout", status);
  std::cout << "logged out";
  if (o.session_from_file) std::cout << "; removed " << o.session_file;
  std::cout << "\n";
  return 0;
}

int WhoAmICommand(std::shared_ptr<grpc::Channel> channel,
                  const IdentityOptions& o) {
  v1::WhoAmIResponse response;
  grpc::Status status = Call(channel, o, &v1::AuthService::Stub::WhoAmI,
                             v1::WhoAmIRequest(), &response);
  if (!status.ok()) return Report("whoami", status);
  const v1::User& user = response.user();
  auto line = [](const char* label, const std::string& value) {
    std::cout << PadLabel(label, 13) << Printable(value) << "\n";
  };
  line("user", user.user_id() + " (" + user.printed_name() + ")");
  line("roles", Roles(user));
  line("session",
       response.session_id() + ", ends " + DisplayTime(response.expires_at()));
  line("workstation", response.workstation());
  if (user.password_change_required()) {
    line("password", "temporary: change it with `cellchain passwd`");
  }
  return 0;
}

int PasswdCommand(std::shared_ptr<grpc::Channel> channel,
                  const IdentityOptions& o) {
  absl::StatusOr<std::string> current =
      ReadPassword(Source(o), "current password", false);
  if (!current.ok()) {
    return Fail("passwd", std::string(current.status().message()), 2);
  }
  absl::StatusOr<std::string> next = ReadPassword(
      {.env_var = o.new_password_env, .from_stdin = o.password_stdin},
      "new password", true);
  if (!next.ok()) {
    return Fail("passwd", std::string(next.status().message()), 2);
  }
  auto stub = v1::AuthService::NewStub(channel);
  v1::ChangePasswordRequest request;
  request.mutable_context()->set_request_id(NewRequestId());
  request.set_current_password(*current);
  request.set_new_password(*next);
  v1::ChangePasswordResponse response;
  auto context = NewCallContext(o, o.deadline, request.context().request_id());
  grpc::Status status = stub->ChangePassword(context.get(), request, &response);
  if (!status.ok()) return Report("passwd", status);
  std::cout << "password changed for " << response.user().user_id() << "\n";
  return 0;
}

// --- user administration -----------------------------------------------------

// Runs one mutating AuthService call whose response holds the changed user,
// with a new request id and --reason in its RequestContext, then prints
// `done` and the user.
template <typename Request, typename Response>
int Mutate(const char* command, const IdentityOptions& o, Request request,
           grpc::Status (v1::AuthService::Stub::*method)(grpc::ClientContext*,
                                                         const Request&,
                                                         Response*),
           std::shared_ptr<grpc::Channel> channel, const std::string& done) {
  request.mutable_context()->set_request_id(NewRequestId());
  request.mutable_context()->set_reason(o.reason);
  auto stub = v1::AuthService::NewStub(channel);
  Response response;
  auto context = NewCallContext(o, o.deadline, request.context().request_id());
  grpc::Status status = ((*stub).*method)(context.get(), request, &response);
  if (!status.ok()) return Report(command, status);
  std::cout << done << "\n";
  PrintUser(response.user());
  return 0;
}

int CreateCommand(std::shared_ptr<grpc::Channel> channel,
                  const IdentityOptions& o) {
  constexpr char kCommand[] = "user create";
  if (o.user_id.empty() || o.printed_name.empty()) {
    return Fail(kCommand, "--user-id and --printed-name are required", 2);
  }
  std::vector<auth::Role> roles;
  std::string error;
  if (!ParseRoles(o, &roles, &error)) return Fail(kCommand, error, 2);
  absl::StatusOr<std::string> password =
      ReadPassword(Source(o), "temporary password for " + o.user_id, true);
  if (!password.ok()) {
    return Fail(kCommand, std::string(password.status().message()), 2);
  }
  v1::CreateUserRequest request;
  request.set_user_id(o.user_id);
  request.set_printed_name(o.printed_name);
  for (auth::Role role : roles) request.add_roles(role);
  request.set_temporary_password(*password);
  int rc = Mutate(kCommand, o, std::move(request),
                  &v1::AuthService::Stub::CreateUser, channel,
                  "created user " + o.user_id + ":");
  if (rc == 0) {
    std::cout << o.user_id
              << " logs in with the temporary password and must change it "
                 "(cellchain passwd) before anything else\n";
  }
  return rc;
}

int ListCommand(std::shared_ptr<grpc::Channel> channel,
                const IdentityOptions& o) {
  v1::ListUsersResponse response;
  grpc::Status status = Call(channel, o, &v1::AuthService::Stub::ListUsers,
                             v1::ListUsersRequest(), &response);
  if (!status.ok()) return Report("user list", status);
  Table table({"USER ID", "PRINTED NAME", "ROLES", "STATUS", "NOTES"});
  for (const v1::User& user : response.users()) {
    table.AddRow({Printable(user.user_id()), Printable(user.printed_name()),
                  Roles(user), StatusName(user.status()), Notes(user)});
  }
  table.Print(std::cout);
  std::cout << table.rows() << " user(s)\n";
  return 0;
}

int ShowCommand(std::shared_ptr<grpc::Channel> channel,
                const IdentityOptions& o) {
  if (o.user_id.empty()) return Fail("user show", "--user-id is required", 2);
  v1::GetUserRequest request;
  request.set_user_id(o.user_id);
  v1::GetUserResponse response;
  grpc::Status status =
      Call(channel, o, &v1::AuthService::Stub::GetUser, request, &response);
  if (!status.ok()) return Report("user show", status);
  std::cout << "user " << o.user_id << ":\n";
  PrintUser(response.user());
  return 0;
}

int RolesCommand(std::shared_ptr<grpc::Channel> channel,
                 const IdentityOptions& o) {
  constexpr char kCommand[] = "user roles";
  if (o.user_id.empty()) return Fail(kCommand, "--user-id is required", 2);
  // The server refuses a blank reason too; asking here saves a round trip.
  if (o.reason.empty()) {
    return Fail(kCommand,
                "--reason is required: the audit record says why roles "
                "changed",
                2);
  }
  std::vector<auth::Role> roles;
  std::string error;
  if (!ParseRoles(o, &roles, &error)) return Fail(kCommand, error, 2);
  v1::SetRolesRequest request;
  request.set_user_id(o.user_id);
  for (auth::Role role : roles) request.add_roles(role);
  return Mutate(kCommand, o, std::move(request),
                &v1::AuthService::Stub::SetRoles, channel,
                "roles of " + o.user_id + " set:");
}

// disable, enable, unlock: a user id and a reason, answered with the user.
template <typename Request, typename Response>
int ReasonedChange(const char* command, const char* done,
                   grpc::Status (v1::AuthService::Stub::*method)(
                       grpc::ClientContext*, const Request&, Response*),
                   std::shared_ptr<grpc::Channel> channel,
                   const IdentityOptions& o) {
  if (o.user_id.empty() || o.reason.empty()) {
    return Fail(command, "--user-id and --reason are required", 2);
  }
  Request request;
  request.set_user_id(o.user_id);
  return Mutate(command, o, std::move(request), method, channel,
                o.user_id + " " + done + ":");
}

int DisableCommand(std::shared_ptr<grpc::Channel> channel,
                   const IdentityOptions& o) {
  return ReasonedChange("user disable", "disabled; their sessions ended",
                        &v1::AuthService::Stub::DisableUser, channel, o);
}

int EnableCommand(std::shared_ptr<grpc::Channel> channel,
                  const IdentityOptions& o) {
  return ReasonedChange("user enable", "enabled",
                        &v1::AuthService::Stub::EnableUser, channel, o);
}

int UnlockCommand(std::shared_ptr<grpc::Channel> channel,
                  const IdentityOptions& o) {
  return ReasonedChange("user unlock", "unlocked",
                        &v1::AuthService::Stub::UnlockUser, channel, o);
}

int ResetPasswordCommand(std::shared_ptr<grpc::Channel> channel,
                         const IdentityOptions& o) {
  constexpr char kCommand[] = "user reset-password";
  if (o.user_id.empty() || o.reason.empty()) {
    return Fail(kCommand, "--user-id and --reason are required", 2);
  }
  absl::StatusOr<std::string> password =
      ReadPassword(Source(o), "temporary password for " + o.user_id, true);
  if (!password.ok()) {
    return Fail(kCommand, std::string(password.status().message()), 2);
  }
  v1::ResetPasswordRequest request;
  request.set_user_id(o.user_id);
  request.set_temporary_password(*password);
  return Mutate(kCommand, o, std::move(request),
                &v1::AuthService::Stub::ResetPassword, channel,
                "temporary password set for " + o.user_id +
                    "; their sessions ended, and they must change it at "
                    "next login:");
}

void DeclareIdentityFlags(config::Loader& loader, IdentityOptions& o) {
  loader.String("user-id", &o.user_id, "login, user *: the user id.");
  loader.String("printed-name", &o.printed_name,
                "user create: the name e-signatures show.");
  loader.List("roles", &o.roles,
              "user create/roles: technician, qc_analyst, qa, pharmacist,\n"
              "clinician, admin (comma-separated).");
  loader.String("reason", &o.reason,
                "user *: why the change is made (audited).");
  loader.Bool("password-stdin", &o.password_stdin,
              "Read passwords from stdin, one line each (passwd: current,\n"
              "then new) instead of prompting at the terminal.");
  loader.String("password-env", &o.password_env,
                "Read the password from this environment variable (its "
                "name,\nnot the password).");
  loader.String("new-password-env", &o.new_password_env,
                "passwd: read the new password from this environment "
                "variable.");
}

}  // namespace

const Group& SessionGroup() {
  static const auto* const group = new GroupOf<IdentityOptions>({
      .name = "",
      .alias = "",
      .about = "The session, who you are and your password",
      .declare = DeclareIdentityFlags,
      .commands =
          {
              {{"login", "user-id password-stdin password-env",
                "cellchain login --user-id=ID [--password-stdin | "
                "--password-env=VAR]\n"
                "Opens a session bound to this workstation's certificate and "
                "saves its\n"
                "token in the session file (mode 0600). The password is typed "
                "without\n"
                "echo, or read as one line from stdin (--password-stdin), or "
                "from the\n"
                "environment variable VAR (--password-env); never from an "
                "argument.\n"
                "A temporary password must be changed next, with cellchain "
                "passwd.\n"},
               LoginCommand},
              {{"logout", "",
                "cellchain logout\n"
                "Ends the session on the server and deletes the session file "
                "(also when\n"
                "the server no longer knows the session). A token given in\n"
                "$CELLCHAIN_SESSION_TOKEN is ended, and no file is touched.\n"},
               LogoutCommand},
              {{"whoami", "",
                "cellchain whoami\n"
                "The session's user, roles, expiry and the workstation it is "
                "bound to.\n"},
               WhoAmICommand},
              {{"passwd", "password-stdin password-env new-password-env",
                "cellchain passwd [--password-stdin] [--password-env=VAR]\n"
                "                 [--new-password-env=VAR]\n"
                "Changes your own password. Typed without echo (the new one "
                "twice), or\n"
                "--password-stdin: two lines, current then new; or the current "
                "one from\n"
                "--password-env and the new one from --new-password-env. The "
                "new one\n"
                "must follow the password policy (length, not your user id, "
                "not one of\n"
                "your last passwords).\n"},
               PasswdCommand},
          },
      .field_aliases = {},
      .named_flags = nullptr,
  });
  return *group;
}

const Group& UserGroup() {
  static const auto* const group = new GroupOf<IdentityOptions>({
      .name = "user",
      .alias = "",
      .about = "Users and their roles",
      .declare = DeclareIdentityFlags,
      .commands =
          {
              {{"user create",
                "user-id! printed-name roles reason password-stdin "
                "password-env",
                "cellchain user create --user-id=ID --printed-name=NAME "
                "--roles=R,...\n"
                "                      [--password-stdin | --password-env=VAR]"
                " [--reason=TEXT]\n"
                "Creates a user with a temporary password (typed twice, or "
                "from stdin or\n"
                "VAR), which they must change at first login. Admin only. User "
                "ids are\n"
                "2 to 32 of [a-z0-9._-] and are never reused.\n"},
               CreateCommand},
              {{"user list", "",
                "cellchain user list\n"
                "Every user with roles, status and notes (locked, password "
                "change\n"
                "required). Admin or QA.\n"},
               ListCommand},
              {{"user show", "user-id!",
                "cellchain user show --user-id=ID\n"
                "One user in full. Admin or QA.\n"},
               ShowCommand},
              {{"user roles", "user-id! roles reason",
                "cellchain user roles --user-id=ID --roles=R,... "
                "--reason=TEXT\n"
                "Replaces the user's roles; the reason goes into the audit "
                "record.\n"
                "Admin only; an admin cannot change their own roles; "
                "technician and qa\n"
                "are not given together unless cellchaind runs "
                "--allow-technician-qa.\n"},
               RolesCommand},
              {{"user disable", "user-id! reason",
                "cellchain user disable --user-id=ID --reason=TEXT\n"
                "Disables the user (never deleted) and ends their sessions. "
                "Admin\n"
                "only.\n"},
               DisableCommand},
              {{"user enable", "user-id! reason",
                "cellchain user enable --user-id=ID --reason=TEXT\n"
                "Enables a disabled user again. Admin only.\n"},
               EnableCommand},
              {{"user unlock", "user-id! reason",
                "cellchain user unlock --user-id=ID --reason=TEXT\n"
                "Unlocks a user locked out by failed attempts. Admin only.\n"},
               UnlockCommand},
              {{"user reset-password",
                "user-id! reason password-stdin password-env",
                "cellchain user reset-password --user-id=ID --reason=TEXT\n"
                "                              [--password-stdin | "
                "--password-env=VAR]\n"
                "Sets a temporary password (typed twice, or from stdin or VAR) "
                "and ends\n"
                "the user's sessions; they must change it at next login. Admin "
                "only.\n"},
               ResetPasswordCommand},
          },
      .field_aliases = {},
      .named_flags = nullptr,
  });
  return *group;
}

}  // namespace cellchain::cli
