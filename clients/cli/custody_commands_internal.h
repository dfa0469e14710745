// What the custody group's files share (custody_commands.cc holds the group,
// custody_trace.cc the trace): the names of custody's enums as a person reads
// them, and the trace command.
// Thread-safety: pure functions; a command runs on main()'s thread.
#ifndef CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_INTERNAL_H_
#define CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_INTERNAL_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "cellchain/custody/v1/custody.pb.h"
#include "clients/cli/custody_commands.h"

namespace cellchain::cli::custody_cli {

namespace v1 = cellchain::custody::v1;

// "dose_bag", "in_transit", "formulation": the value without its prefix, in
// lower case.
std::string TypeName(v1::ItemType t);
std::string StateName(v1::ItemState s);
std::string KindName(v1::DerivationKind k);

// cellchain custody trace --item-id=ITEM [--direction=backward|forward].
int Trace(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o);

}  // namespace cellchain::cli::custody_cli

#endif  // CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_INTERNAL_H_
