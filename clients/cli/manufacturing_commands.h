// cellchain manufacturing ... (or mfg): materials, equipment, batches and
// their steps over the manufacturing service.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_MANUFACTURING_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_MANUFACTURING_COMMANDS_H_

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

const Group& ManufacturingGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_MANUFACTURING_COMMANDS_H_
