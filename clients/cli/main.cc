// cellchain: the command-line client of cellchain's services, over mTLS.
//   cellchain [--target=HOST:PORT --ca=F --cert=F --key=F] GROUP COMMAND
// Every failure prints one line naming the refused rule or field and exits
// non-zero (1: the server refused or could not be reached, or a check
// failed; 2: usage).
#include <iostream>
#include <string>
#include <vector>

#include "clients/cli/cli.h"
#include "services/common/config/config.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {
namespace {

constexpr char kSummary[] =
    "Commands:\n"
    "  system health      is the server up and serving? (grpc.health.v1)\n"
    "  system version     the server's version and hosted services\n"
    "  system ping        a round trip through the server to PostgreSQL\n"
    "  audit checkpoint   the latest signed checkpoint (--tree-size: a past "
    "one)\n"
    "  audit query        records by --entity-type/--entity-id, --din, "
    "--actor,\n"
    "                     --action, --from/--before (RFC 3339); "
    "--newest-first\n"
    "  audit history      one entity's records with its chain checked\n"
    "  audit proof        inclusion proof of --record-id, checked locally\n"
    "  audit verify       verify the whole log on the server\n"
    "  audit export       write a bundle of a query's records to --out DIR\n"
    "                     (check it offline: cellchain-verify bundle DIR)\n";

}  // namespace

int Report(const std::string& command, const grpc::Status& wire) {
  absl::Status status = grpcx::FromGrpcStatus(wire);
  std::cerr << "cellchain: " << command << ": "
            << absl::StatusCodeToString(status.code()) << ": "
            << status.message();
  std::string reason = ReasonOf(status);
  std::string field = FieldOf(status);
  if (!reason.empty()) std::cerr << " (reason: " << reason << ")";
  if (!field.empty()) std::cerr << " (field: " << field << ")";
  std::cerr << "\n";
  return 1;
}

int Fail(const std::string& command, const std::string& message, int code) {
  std::cerr << "cellchain: " << command << ": " << message << "\n";
  return code;
}

namespace {

int Main(int argc, char** argv) {
  Options o;
  config::Loader loader("cellchain", "CELLCHAIN");
  loader.set_summary(kSummary);
  loader.String("target", &o.target, "Server address, HOST:PORT.");
  loader.ReadableFile("ca", &o.ca,
                      "PEM CA that issued the server's certificate.")
      .Required();
  loader.ReadableFile("cert", &o.cert,
                      "PEM client certificate of this workstation.")
      .Required();
  loader.ReadableFile("key", &o.key, "PEM private key of this client.")
      .Required();
  loader.Duration("deadline", &o.deadline, "Deadline of each call.");
  loader.String("entity-type", &o.entity_type, "audit: entity type filter.");
  loader.String("entity-id", &o.entity_id, "audit: entity id filter.");
  loader.String("din", &o.din, "audit: ISBT 128 DIN filter.");
  loader.String("actor", &o.actor, "audit: actor user id filter.");
  loader.String("action", &o.action, "audit: action filter.");
  loader.String("from", &o.from, "audit: records at or after (RFC 3339).");
  loader.String("before", &o.before, "audit: records before (RFC 3339).");
  loader.Bool("newest-first", &o.newest_first, "audit query: newest first.");
  loader.Int64("page-size", &o.page_size, 1, 1000,
               "audit query: records per page.");
  loader.String("record-id", &o.record_id, "audit proof: the record.");
  loader.Int64("tree-size", &o.tree_size, 0, INT64_MAX,
               "audit checkpoint/proof: a checkpointed size (0: latest).");
  loader.String("out", &o.out, "audit export: the bundle directory.");
  loader.Bool("include-state", &o.include_state,
              "audit export: include each entity's current state.");
  absl::Status status = loader.Load(argc, argv);
  if (config::IsHelpRequested(status)) {
    std::cout << loader.Usage();
    return 0;
  }
  if (!status.ok()) {
    std::cerr << "cellchain: " << status.message() << "\n";
    return 2;
  }
  const std::vector<std::string>& args = loader.positional();
  Command run = nullptr;
  if (args.size() == 2 && args[0] == "system") run = FindSystemCommand(args[1]);
  if (args.size() == 2 && args[0] == "audit") run = FindAuditCommand(args[1]);
  if (run == nullptr) {
    std::string command;
    for (const std::string& arg : args) {
      command += (command.empty() ? "" : " ") + arg;
    }
    std::cerr << "cellchain: unknown command \"" << command
              << "\"; see cellchain --help\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      grpcx::NewChannel({o.target, {o.cert, o.key, o.ca}});
  if (!channel.ok()) {
    std::cerr << "cellchain: " << channel.status().message() << "\n";
    return 2;
  }
  return run(*channel, o);
}

}  // namespace
}  // namespace cellchain::cli

int main(int argc, char** argv) { return cellchain::cli::Main(argc, argv); }
