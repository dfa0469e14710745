// cellchain custody ...: items, locations, handoffs, holds, temperatures and
// traces over the custody service.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_H_

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

const Group& CustodyGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_H_
