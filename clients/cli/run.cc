#include "clients/cli/run.h"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "clients/cli/cli.h"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/resolve.h"
#include "clients/cli/session.h"
#include "services/common/config/config.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {

int RunProgram(const Program& program, int argc, char** argv) {
  SetProgramName(program.name());
  absl::StatusOr<CommandLine> line = ParseCommandLine(program, argc, argv);
  if (!line.ok()) {
    std::cerr << line.status().message() << "\n";
    return 2;
  }
  if (!line->help.empty()) {
    std::cout << line->help;
    return 0;
  }
  CallOptions& o = line->invocation->call();
  const std::vector<std::string>& args = line->words;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      grpcx::NewChannel({o.target, {o.cert, o.key, o.ca}});
  if (!channel.ok()) {
    std::cerr << program.name() << ": " << channel.status().message() << "\n";
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
      std::cerr << program.name() << ": warning: " << saved.status().message()
                << "; sending no session\n";
    }
  }
  // What the person typed for a material, equipment, lot, batch or place
  // becomes its id here, once for every command.
  Resolver resolver(*channel, o);
  if (absl::Status resolved = ResolveFlags(*line->command, resolver,
                                           line->invocation->named_flags());
      !resolved.ok()) {
    return Report(line->command->command, resolved);
  }
  return line->invocation->Run(*line->command, *channel);
}

}  // namespace cellchain::cli
