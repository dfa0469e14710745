// cellchain system health|version|ping: the server's health, version and a
// round trip to PostgreSQL. No flags of their own, no session needed.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_SYSTEM_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_SYSTEM_COMMANDS_H_

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct SystemOptions : CallOptions {};

const Group& SystemGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_SYSTEM_COMMANDS_H_
