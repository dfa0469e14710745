// The cellchain CLI's commands as data: for each command ("manufacturing
// batch-start", or "login" alone) the flags it takes, which of them it
// cannot run without, and its --help text; the help of a group and of the
// whole CLI made from them; and, for a refusal that names a request field,
// the flag the person typed for it. main() refuses a flag a command does
// not take instead of ignoring it.
// Thread-safety: constant data and pure functions.
#ifndef CELLCHAIN_CLIENTS_CLI_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

namespace cellchain::cli {

struct CommandSpec {
  const char* command;  // "manufacturing batch-start", "login"
  // The flags it takes besides CommonFlags(), space-separated, without the
  // "--"; a trailing "!" marks one it cannot run without.
  const char* flags;
  const char* help;  // the usage lines, then what it does
};

// Every command, grouped as `cellchain --help` lists them.
const std::vector<CommandSpec>& Commands();

// The command named by `words` ("mfg" is "manufacturing"), or nullptr.
const CommandSpec* FindCommand(const std::vector<std::string>& words);

// "manufacturing batch-start" for {"mfg", "batch-start"}: the words joined,
// the group's alias replaced.
std::string CommandName(const std::vector<std::string>& words);

// The flags every command takes: target, ca, cert, key, deadline,
// session-file.
const std::vector<std::string>& CommonFlags();

// `spec`'s own flags (without "!"), and those it cannot run without.
std::vector<std::string> FlagsOf(const CommandSpec& spec);
std::vector<std::string> RequiredFlagsOf(const CommandSpec& spec);

// True if `name` (without "--") is a flag of some command or common.
bool IsKnownFlag(std::string_view name);

// The text under `cellchain --help`'s usage line: every command in a line.
const char* Summary();

// `cellchain COMMAND --help`: its usage, what it does, the common flags.
std::string CommandHelp(const CommandSpec& spec);

// `cellchain GROUP --help` ("manufacturing", "mfg", "custody", ...): the
// group's commands, each with the first sentence of its help; "" when
// `group` is not a group.
std::string GroupHelp(std::string_view group);

// The flag of `command` that a refusal's `field` stands for
// ("manufacturing batch-start", "donor_lot_id" -> "lot-id";
// "values.seeded_viable_cells" -> "seeded-cells"), or "" when the command
// takes no such flag.
std::string FlagForField(std::string_view command, std::string_view field);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_COMMANDS_H_
