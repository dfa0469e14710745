// cellchain donor ...: birth mothers, consent, screening, eligibility and
// donor lots over the donor service.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_DONOR_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_DONOR_COMMANDS_H_

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

const Group& DonorGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_DONOR_COMMANDS_H_
