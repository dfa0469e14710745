// The flags of the command groups that have no options struct of their own
// yet (custody, donor, manufacturing): every one bound to its field of the
// shared Options, and those that name things. Each group moves to an
// options struct and declarations of its own (group.h) and stops using
// these.
// Thread-safety: pure functions of their arguments.
#ifndef CELLCHAIN_CLIENTS_CLI_LEGACY_FLAGS_H_
#define CELLCHAIN_CLIENTS_CLI_LEGACY_FLAGS_H_

#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"
#include "services/common/config/config.h"

namespace cellchain::cli {

void DeclareLegacyFlags(config::Loader& loader, Options& o);

// --material-id, --equipment-id, --lot-id, --batch-id, --item-id,
// --location-id, --parent-location, --to-location, --material, --equipment,
// --parents and --positions.
std::vector<NamedFlag> LegacyNamedFlags(Options& o);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_LEGACY_FLAGS_H_
