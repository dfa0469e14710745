// The cellchain CLI's command groups (group.h) gathered: every command,
// found by the words typed ("mfg" is "manufacturing"); the help of a
// command, of a group and of the whole CLI made from what the groups
// declare; and, for a refusal that names a request field, the flag the
// person typed for it.
// Thread-safety: constant data and pure functions.
#ifndef CELLCHAIN_CLIENTS_CLI_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "clients/cli/group.h"

namespace cellchain::cli {

// Every group, in the order `cellchain --help` lists them.
const std::vector<const Group*>& Groups();

// The group whose commands start with `word` ("manufacturing" or "mfg";
// "login" for the session group), or nullptr.
const Group* FindGroup(std::string_view word);

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
const std::string& Summary();

// `cellchain COMMAND --help`: its usage, what it does, and `flags`, the
// description of its flags (config::Loader::FlagsUsage).
std::string CommandHelp(const CommandSpec& spec, std::string_view flags = "");

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
