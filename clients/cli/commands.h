// The cellchain CLI's command groups (group.h) gathered: the `cellchain`
// program (program.h) that offers them all, the flags of a command, and, for
// a refusal that names a request field, the flag the person typed for it.
// Thread-safety: constant data and pure functions.
#ifndef CELLCHAIN_CLIENTS_CLI_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/program.h"

namespace cellchain::cli {

// Every group, in the order `cellchain --help` lists them.
const std::vector<const Group*>& Groups();

// The `cellchain` CLI: every group, every command.
const Program& Cellchain();

// Every command of every group, as `cellchain --help` lists them.
const std::vector<CommandSpec>& Commands();

// The flags every command takes: target, ca, cert, key, deadline,
// session-file.
const std::vector<std::string>& CommonFlags();

// `spec`'s own flags (without "!"), and those it cannot run without.
std::vector<std::string> FlagsOf(const CommandSpec& spec);
std::vector<std::string> RequiredFlagsOf(const CommandSpec& spec);

// The flag of `command` that a refusal's `field` stands for
// ("manufacturing batch-start", "donor_lot_id" -> "lot-id";
// "values.seeded_viable_cells" -> "seeded-cells"), or "" when the command
// takes no such flag.
std::string FlagForField(std::string_view command, std::string_view field);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_COMMANDS_H_
