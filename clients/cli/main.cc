// cellchain: the command-line client of cellchain's services, over mTLS.
//   cellchain [--target=HOST:PORT --ca=F --cert=F --key=F] COMMAND
// Every failure prints one line naming the refused rule or field and exits
// non-zero (1: the server refused or could not be reached, or a check
// failed; 2: usage).
//
// A person logs in once per workstation (`cellchain login`); the session
// token goes to a file that every later command reads and sends as
// "authorization: Bearer <token>".
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "clients/cli/cli.h"
#include "clients/cli/session.h"
#include "services/common/config/config.h"
#include "services/common/crypto/random.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {
namespace {

constexpr char kSummary[] =
    "Commands (`cellchain COMMAND --help` explains one):\n"
    "  login              open a session: --user-id; the password is typed\n"
    "                     (no echo), or --password-stdin / --password-env=VAR\n"
    "  logout             end the session and delete the session file\n"
    "  whoami             the session's user, roles, expiry and workstation\n"
    "  passwd             change your own password\n"
    "  user create        a user with --user-id, --printed-name, --roles and\n"
    "                     a temporary password (admin)\n"
    "  user list          every user (admin, qa)\n"
    "  user show          one user, --user-id (admin, qa)\n"
    "  user roles         replace --user-id's roles with --roles (admin)\n"
    "  user disable|enable|unlock   --user-id, --reason (admin)\n"
    "  user reset-password          a new temporary password (admin)\n"
    "  system health      is the server up and serving? (grpc.health.v1)\n"
    "  system version     the server's version and hosted services\n"
    "  system ping        a round trip through the server to PostgreSQL\n"
    "  audit checkpoint   the latest signed checkpoint (--tree-size: a past "
    "one)\n"
    "  audit query        records by --entity-type/--entity-id, --din, "
    "--actor,\n"
    "                     --action, --from/--before (RFC 3339); "
    "--newest-first\n"
    "  audit history      one entity's records with its chain checked\n"
    "  audit proof        inclusion proof of --record-id, checked locally\n"
    "  audit verify       verify the whole log on the server\n"
    "  audit export       write a bundle of a query's records to --out DIR\n"
    "                     (check it offline: cellchain-verify bundle DIR)\n"
    "Roles: technician, qc_analyst, qa, pharmacist, clinician, admin.\n"
    "Every command but login and system * needs a session; "
    "$CELLCHAIN_SESSION_TOKEN,\nwhen set, is used instead of the session "
    "file.\n";

// `cellchain COMMAND --help`: the command's flags and what it does.
struct CommandHelp {
  const char* command;
  const char* text;
};

constexpr CommandHelp kCommandHelp[] = {
    {"login",
     "cellchain login --user-id=ID [--password-stdin | --password-env=VAR]\n"
     "Opens a session bound to this workstation's certificate and saves its\n"
     "token in the session file (mode 0600). The password is typed without\n"
     "echo, or read as one line from stdin (--password-stdin), or from the\n"
     "environment variable VAR (--password-env); never from an argument.\n"
     "A temporary password must be changed next, with cellchain passwd.\n"},
    {"logout",
     "cellchain logout\n"
     "Ends the session on the server and deletes the session file (also when\n"
     "the server no longer knows the session). A token given in\n"
     "$CELLCHAIN_SESSION_TOKEN is ended, and no file is touched.\n"},
    {"whoami",
     "cellchain whoami\n"
     "The session's user, roles, expiry and the workstation it is bound to.\n"},
    {"passwd",
     "cellchain passwd [--password-stdin] [--password-env=VAR]\n"
     "                 [--new-password-env=VAR]\n"
     "Changes your own password. Typed without echo (the new one twice), or\n"
     "--password-stdin: two lines, current then new; or the current one from\n"
     "--password-env and the new one from --new-password-env. The new one\n"
     "must follow the password policy (length, not your user id, not one of\n"
     "your last passwords).\n"},
    {"user create",
     "cellchain user create --user-id=ID --printed-name=NAME --roles=R,...\n"
     "                      [--password-stdin | --password-env=VAR]"
     " [--reason=TEXT]\n"
     "Creates a user with a temporary password (typed twice, or from stdin or\n"
     "VAR), which they must change at first login. Admin only. User ids are\n"
     "2 to 32 of [a-z0-9._-] and are never reused.\n"},
    {"user list",
     "cellchain user list\n"
     "Every user with roles, status and notes (locked, password change\n"
     "required). Admin or QA.\n"},
    {"user show",
     "cellchain user show --user-id=ID\n"
     "One user in full. Admin or QA.\n"},
    {"user roles",
     "cellchain user roles --user-id=ID --roles=R,... [--reason=TEXT]\n"
     "Replaces the user's roles. Admin only; an admin cannot drop their own\n"
     "admin role.\n"},
    {"user disable",
     "cellchain user disable --user-id=ID --reason=TEXT\n"
     "Disables the user (never deleted) and ends their sessions. Admin\n"
     "only.\n"},
    {"user enable",
     "cellchain user enable --user-id=ID --reason=TEXT\n"
     "Enables a disabled user again. Admin only.\n"},
    {"user unlock",
     "cellchain user unlock --user-id=ID --reason=TEXT\n"
     "Unlocks a user locked out by failed attempts. Admin only.\n"},
    {"user reset-password",
     "cellchain user reset-password --user-id=ID --reason=TEXT\n"
     "                              [--password-stdin | --password-env=VAR]\n"
     "Sets a temporary password (typed twice, or from stdin or VAR) and ends\n"
     "the user's sessions; they must change it at next login. Admin only.\n"},
    {"system health",
     "cellchain system health\n"
     "SERVING when the server is up. No session needed.\n"},
    {"system version",
     "cellchain system version\n"
     "The server's version and hosted services. No session needed.\n"},
    {"system ping",
     "cellchain system ping\n"
     "A round trip through the server to PostgreSQL, and the workstation\n"
     "subject the server saw. No session needed.\n"},
    {"audit checkpoint",
     "cellchain audit checkpoint [--tree-size=N]\n"
     "The latest signed checkpoint, or the one of size N. Any logged-in "
     "user.\n"},
    {"audit query",
     "cellchain audit query [--entity-type=T --entity-id=ID] [--din=DIN]\n"
     "                      [--actor=USER] [--action=A] [--from=TIME]\n"
     "                      [--before=TIME] [--newest-first] "
     "[--page-size=N]\n"
     "Records matching the filter (times RFC 3339). QA or admin.\n"},
    {"audit history",
     "cellchain audit history --entity-type=T --entity-id=ID\n"
     "One entity's records, with its hash chain checked. QA or admin.\n"},
    {"audit proof",
     "cellchain audit proof --record-id=ID [--tree-size=N]\n"
     "The record's inclusion proof, checked here against the signed\n"
     "checkpoint. Any logged-in user.\n"},
    {"audit verify",
     "cellchain audit verify\n"
     "Verifies the whole log on the server; exit 1 on any finding. QA.\n"},
    {"audit export",
     "cellchain audit export --out=DIR [query filters] [--include-state]\n"
     "Writes a bundle of the query's records, keys, checkpoints and proofs;\n"
     "check it offline with cellchain-verify bundle DIR. QA.\n"},
};

constexpr char kCommonFlags[] =
    "\nEvery command also takes --target, --ca, --cert, --key, --deadline "
    "and\n--session-file; `cellchain --help` lists all flags and their "
    "variables.\n";

}  // namespace

int Report(const std::string& command, const grpc::Status& wire) {
  absl::Status status = grpcx::FromGrpcStatus(wire);
  std::string reason = ReasonOf(status);
  std::string field = FieldOf(status);
  std::string message(status.message());
  // The access gate's refusals start with their reason, which is printed
  // once, at the end, like every other reason.
  if (!reason.empty() && message.starts_with(reason + ": ")) {
    message.erase(0, reason.size() + 2);
  }
  std::cerr << "cellchain: " << command << ": "
            << absl::StatusCodeToString(status.code()) << ": " << message;
  if (!reason.empty()) std::cerr << " (reason: " << reason << ")";
  if (!field.empty()) std::cerr << " (field: " << field << ")";
  std::cerr << "\n";
  return 1;
}

int Fail(const std::string& command, const std::string& message, int code) {
  std::cerr << "cellchain: " << command << ": " << message << "\n";
  return code;
}

std::unique_ptr<grpc::ClientContext> NewCallContext(
    const Options& options, std::chrono::milliseconds deadline,
    const std::string& request_id) {
  std::unique_ptr<grpc::ClientContext> context =
      grpcx::NewContext(deadline, request_id);
  if (!options.session_token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options.session_token);
  }
  return context;
}

std::string NewRequestId() { return crypto::RandomId("cli"); }

namespace {

int Main(int argc, char** argv) {
  Options o;
  config::Loader loader("cellchain", "CELLCHAIN");
  loader.set_summary(kSummary);
  loader.String("target", &o.target, "Server address, HOST:PORT.");
  loader.ReadableFile("ca", &o.ca,
                      "PEM CA that issued the server's certificate.")
      .Required();
  loader.ReadableFile("cert", &o.cert,
                      "PEM client certificate of this workstation.")
      .Required();
  loader.ReadableFile("key", &o.key, "PEM private key of this client.")
      .Required();
  loader.Duration("deadline", &o.deadline, "Deadline of each call.");
  loader.String("entity-type", &o.entity_type, "audit: entity type filter.");
  loader.String("entity-id", &o.entity_id, "audit: entity id filter.");
  loader.String("din", &o.din, "audit: ISBT 128 DIN filter.");
  loader.String("actor", &o.actor, "audit: actor user id filter.");
  loader.String("action", &o.action, "audit: action filter.");
  loader.String("from", &o.from, "audit: records at or after (RFC 3339).");
  loader.String("before", &o.before, "audit: records before (RFC 3339).");
  loader.Bool("newest-first", &o.newest_first, "audit query: newest first.");
  loader.Int64("page-size", &o.page_size, 1, 1000,
               "audit query: records per page.");
  loader.String("record-id", &o.record_id, "audit proof: the record.");
  loader.Int64("tree-size", &o.tree_size, 0, INT64_MAX,
               "audit checkpoint/proof: a checkpointed size (0: latest).");
  loader.String("out", &o.out, "audit export: the bundle directory.");
  loader.Bool("include-state", &o.include_state,
              "audit export: include each entity's current state.");
  o.session_file = DefaultSessionFile();
  loader.String("session-file", &o.session_file,
                "Where login saves the session token and other commands "
                "read it.\n$CELLCHAIN_SESSION_TOKEN, when set, is used "
                "instead.");
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
  absl::Status status = loader.Load(argc, argv);
  if (config::IsHelpRequested(status)) {
    std::string command;
    for (const std::string& arg : loader.positional()) {
      command += (command.empty() ? "" : " ") + arg;
    }
    for (const CommandHelp& help : kCommandHelp) {
      if (command == help.command) {
        std::cout << "Usage: " << help.text << kCommonFlags;
        return 0;
      }
    }
    std::cout << loader.Usage();
    return 0;
  }
  if (!status.ok()) {
    std::cerr << "cellchain: " << status.message() << "\n";
    return 2;
  }
  const std::vector<std::string>& args = loader.positional();
  Command run = nullptr;
  if (args.size() == 2 && args[0] == "system") run = FindSystemCommand(args[1]);
  if (args.size() == 2 && args[0] == "audit") run = FindAuditCommand(args[1]);
  if (args.size() == 2 && args[0] == "user") run = FindUserCommand(args[1]);
  if (args.size() == 1) run = FindSessionCommand(args[0]);
  if (run == nullptr) {
    std::string command;
    for (const std::string& arg : args) {
      command += (command.empty() ? "" : " ") + arg;
    }
    std::cerr << "cellchain: unknown command \"" << command
              << "\"; see cellchain --help\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      grpcx::NewChannel({o.target, {o.cert, o.key, o.ca}});
  if (!channel.ok()) {
    std::cerr << "cellchain: " << channel.status().message() << "\n";
    return 2;
  }
  // The variable wins so that scripts and tests can act as someone without
  // writing a file. Without either the call goes out anyway: the server
  // decides what needs a session, and says so (SESSION_REQUIRED). A login
  // needs neither, and an unreadable old session must not prevent it.
  if (args[0] == "login") {
    // nothing to send
  } else if (std::optional<std::string> token =
                 config::GetEnv("CELLCHAIN_SESSION_TOKEN");
             token.has_value() && !token->empty()) {
    o.session_token = *token;
  } else if (!o.session_file.empty()) {
    absl::StatusOr<std::string> saved = ReadSessionFile(o.session_file);
    if (saved.ok()) {
      o.session_token = *saved;
      o.session_from_file = true;
    } else if (!absl::IsNotFound(saved.status())) {
      // Still call: `system health` needs no session, and for the rest the
      // server's refusal says what is missing.
      std::cerr << "cellchain: warning: " << saved.status().message()
                << "; sending no session\n";
    }
  }
  return run(*channel, o);
}

}  // namespace
}  // namespace cellchain::cli

int main(int argc, char** argv) { return cellchain::cli::Main(argc, argv); }
