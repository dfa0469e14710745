// What clinical_commands.cc (the cath lab's commands and the group) and
// clinical_record_commands.cc (the observation, adverse events and the
// queries) share: the run functions the group lists, an infusion as people
// read it, and the co-signature a second person enters at the same
// workstation.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_CLINICAL_COMMANDS_INTERNAL_H_
#define CELLCHAIN_CLIENTS_CLI_CLINICAL_COMMANDS_INTERNAL_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "cellchain/clinical/v1/clinical.pb.h"
#include "cellchain/common/v1/common.pb.h"
#include "clients/cli/clinical_commands.h"

namespace cellchain::cli::clinical_cli {

using Channel = std::shared_ptr<grpc::Channel>;

// The cath lab (clinical_commands.cc).
int Receive(Channel channel, const ClinicalOptions& o);
int BedsideCheck(Channel channel, const ClinicalOptions& o);
int Infuse(Channel channel, const ClinicalOptions& o);
int DisposeUnused(Channel channel, const ClinicalOptions& o);
// The ward and the queries (clinical_record_commands.cc).
int Observe(Channel channel, const ClinicalOptions& o);
int AdverseEvent(Channel channel, const ClinicalOptions& o);
int Record(Channel channel, const ClinicalOptions& o);
int Infusions(Channel channel, const ClinicalOptions& o);

// "received", "bedside_verified", "infused", ...
std::string InfusionStateName(clinical::v1::InfusionState state);

// The infusion's "label  value" lines under `indent`: its ids, state, the
// receipt, the bedside checks, the infusion with its rate (and whether it
// is a deviation), and what became of unused product.
void PrintInfusion(const clinical::v1::Infusion& infusion, std::ostream& out,
                   const std::string& indent = "  ");

}  // namespace cellchain::cli::clinical_cli

#endif  // CELLCHAIN_CLIENTS_CLI_CLINICAL_COMMANDS_INTERNAL_H_
