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
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/resolve.h"
#include "clients/cli/session.h"
#include "services/common/config/config.h"
#include "services/common/crypto/random.h"
#include "services/common/crypto/sha256.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {

int Report(const std::string& command, const grpc::Status& wire) {
  return Report(command, grpcx::FromGrpcStatus(wire));
}

int Report(const std::string& command, const absl::Status& status) {
  std::string reason = ReasonOf(status);
  std::string field = FieldOf(status);
  std::string message(status.message());
  // The access gate's refusals start with their reason, which is printed
  // once, at the end, like every other reason.
  if (!reason.empty() && message.starts_with(reason + ": ")) {
    message.erase(0, reason.size() + 2);
  }
  // A refused field is named by the flag the person typed for it ("--lot-id:
  // required", not "donor_lot_id: required"); the field stays at the end
  // for scripts.
  if (std::string flag = FlagForField(command, field); !flag.empty()) {
    if (message.starts_with(field + ": ")) message.erase(0, field.size() + 2);
    message = "--" + flag + ": " + message;
  }
  std::cerr << "cellchain: " << command << ": "
            << absl::StatusCodeToString(status.code()) << ": " << message;
  if (!reason.empty()) std::cerr << " (reason: " << reason << ")";
  if (!field.empty()) std::cerr << " (field: " << field << ")";
  std::cerr << "\n";
  return 1;
}

std::string DisplayTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  absl::Time time =
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

bool ParseTime(const std::string& text, google::protobuf::Timestamp* out) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return false;
  int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return true;
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

std::string RequestIdOf(std::string_view what,
                        const google::protobuf::Message& request) {
  std::string bytes;
  request.SerializeToString(&bytes);
  std::string text(what);
  text += '\n';
  text += bytes;
  return "cli_" + crypto::Sha256Hex(text).substr(0, 40);
}

namespace {

int Main(int argc, char** argv) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(argc, argv);
  if (!line.ok()) {
    std::cerr << line.status().message() << "\n";
    return 2;
  }
  if (!line->help.empty()) {
    std::cout << line->help;
    return 0;
  }
  Options& o = line->options;
  const std::vector<std::string>& args = line->words;
  Command run = nullptr;
  if (args.size() == 2 && args[0] == "system") run = FindSystemCommand(args[1]);
  if (args.size() == 2 && args[0] == "audit") run = FindAuditCommand(args[1]);
  if (args.size() == 2 && args[0] == "user") run = FindUserCommand(args[1]);
  if (args.size() == 2 && args[0] == "custody") {
    run = FindCustodyCommand(args[1]);
  }
  if (args.size() == 2 && args[0] == "donor") run = FindDonorCommand(args[1]);
  if (args.size() == 2 && (args[0] == "manufacturing" || args[0] == "mfg")) {
    run = FindManufacturingCommand(args[1]);
  }
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
  // What the person typed for a material, equipment, lot, batch or place
  // becomes its id here, once for every command.
  Resolver resolver(*channel, o);
  if (absl::Status resolved = ResolveFlags(*line->command, resolver, o);
      !resolved.ok()) {
    return Report(line->command->command, resolved);
  }
  return run(*channel, o);
}

}  // namespace
}  // namespace cellchain::cli

int main(int argc, char** argv) { return cellchain::cli::Main(argc, argv); }
