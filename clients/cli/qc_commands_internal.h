// What the files of the qc command group (qc_commands.cc: lots,
// disposition, the certificate and the group itself; qc_spec_commands.cc:
// specifications; qc_result_commands.cc: samples, results and
// investigations) share: the
// commands' names, enum values as people read them, finding a lot by its
// batch, and the run functions the group lists.
// Thread-safety: as group.h; used from main() only.
#ifndef CELLCHAIN_CLIENTS_CLI_QC_COMMANDS_INTERNAL_H_
#define CELLCHAIN_CLIENTS_CLI_QC_COMMANDS_INTERNAL_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <string_view>

#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "clients/cli/qc_commands.h"

namespace cellchain::cli::qc_cli {

namespace v1 = cellchain::qc::v1;

// "qc result-enter" for "result-enter".
std::string Cmd(std::string_view verb);

// An enum value's name as the CLI prints it: "LOT_STATE_ON_HOLD" without
// `prefix`, "ON_HOLD"; "-" for UNSPECIFIED.
std::string Word(const std::string& name, std::string_view prefix);

// The lot a command names: --lot-id as given, else the lot of --batch-id
// (GetLot by batch). 0 with `*lot_id` set; otherwise the exit code, after
// printing why (2: neither flag given; 1: the server's refusal, NOT_FOUND
// when the batch has no lot).
int LotIdOf(const std::shared_ptr<grpc::Channel>& channel, const QcOptions& o,
            const std::string& command, std::string* lot_id);

// A lookback (a rejected lot's recall and the patients it reached), as
// dispose and result-enter print it.
void PrintLookback(const v1::Lookback& lookback);

// "92.5 %", "no growth": a result's value with its unit, printable.
std::string ValueText(const v1::Result& result);

// The commands of qc_spec_commands.cc.
int SpecCreate(std::shared_ptr<grpc::Channel> channel, const QcOptions& o);
int SpecApprove(std::shared_ptr<grpc::Channel> channel, const QcOptions& o);
int SpecShow(std::shared_ptr<grpc::Channel> channel, const QcOptions& o);
int SpecList(std::shared_ptr<grpc::Channel> channel, const QcOptions& o);

// The commands of qc_result_commands.cc.
int SampleDraw(std::shared_ptr<grpc::Channel> channel, const QcOptions& o);
int ResultEnter(std::shared_ptr<grpc::Channel> channel, const QcOptions& o);
int ResultReview(std::shared_ptr<grpc::Channel> channel, const QcOptions& o);
int ResultInvalidate(std::shared_ptr<grpc::Channel> channel,
                     const QcOptions& o);
int InvestigationClose(std::shared_ptr<grpc::Channel> channel,
                       const QcOptions& o);

}  // namespace cellchain::cli::qc_cli

#endif  // CELLCHAIN_CLIENTS_CLI_QC_COMMANDS_INTERNAL_H_
