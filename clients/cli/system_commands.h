// cellchain system health|version|ping|clock|clock-advance: the server's
// health, version, a round trip to PostgreSQL, and its clock, which an
// administrator of a training stack may move forward (decision 0017). Only
// clock-advance needs a session.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_SYSTEM_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_SYSTEM_COMMANDS_H_

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct SystemOptions : CallOptions {
  // clock-advance: how far, "1d", "11m", "6h5m" (days, hours, minutes,
  // seconds).
  std::string by;
};

const Group& SystemGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_SYSTEM_COMMANDS_H_
