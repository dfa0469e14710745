// ParseCommandLine: a command line of cellchain or another Program
// (program.h) read into its group's options
// (group.h) and checked against its command before anything is sent. Flags
// come from the command line and from $CELLCHAIN_* variables
// (config::Loader, on CLI11); each group declares its own. A flag typed for a
// command that does not take it is refused, as is an unknown one, each named
// with the command (`cellchain manufacturing batch-show --format=csv` used to
// print the batch and ignore --format), and so is a command without a flag
// it cannot run without. A variable set in the environment is not refused:
// a workstation's environment serves every command.
// Thread-safety: a pure function of its arguments and the environment.
#ifndef CELLCHAIN_CLIENTS_CLI_COMMAND_LINE_H_
#define CELLCHAIN_CLIENTS_CLI_COMMAND_LINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/cli/commands.h"
#include "clients/cli/group.h"
#include "services/common/config/config.h"

namespace cellchain::cli {

struct CommandLine {
  // The command's group options, filled; null with `help`.
  std::unique_ptr<Invocation> invocation;
  std::vector<std::string> words;  // {"mfg", "batch-show"}, as typed
  const CommandSpec* command = nullptr;
  // Set when --help or -h was given: what to print (exit 0); nothing else
  // was checked.
  std::string help;
};

// `argv[0]` is the program; `program` says which commands it offers
// (`cellchain`'s every one by default). Returns the parsed line, or
//   INVALID_ARGUMENT  with the message to print (one or more lines, each
//                     "PROGRAM: ..."; exit 2): an unknown flag, a flag the
//                     command does not take, a required flag missing, a bad
//                     value, or a command the program does not offer.
absl::StatusOr<CommandLine> ParseCommandLine(
    const Program& program, int argc, const char* const* argv,
    const config::EnvLookup& env = config::GetEnv);
inline absl::StatusOr<CommandLine> ParseCommandLine(
    int argc, const char* const* argv,
    const config::EnvLookup& env = config::GetEnv) {
  return ParseCommandLine(Cellchain(), argc, argv, env);
}

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_COMMAND_LINE_H_
