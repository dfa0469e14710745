// cellchain: the command-line client of cellchain's services, over mTLS.
//   cellchain [--target=HOST:PORT --ca=F --cert=F --key=F] GROUP COMMAND
// Every failure prints one line naming the refused rule or field and exits
// non-zero (1: the server refused or could not be reached; 2: usage).
#include <iostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cellchain/system/v1/system.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/config/config.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {
namespace {

constexpr char kSummary[] =
    "Commands:\n"
    "  system health   is the server up and serving? (grpc.health.v1)\n"
    "  system version  the server's version and hosted services\n"
    "  system ping     a round trip through the server to PostgreSQL\n";

struct Options {
  std::string target = "127.0.0.1:7443";
  std::string ca;
  std::string cert;
  std::string key;
  std::chrono::milliseconds deadline{10000};
};

// One line: "cellchain: system ping: UNAVAILABLE: … (reason: X, field: y)".
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

int Health(std::shared_ptr<grpc::Channel> channel, const Options& options) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  auto context = grpcx::NewContext(options.deadline);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(
      context.get(), grpc::health::v1::HealthCheckRequest(), &response);
  if (!status.ok()) return Report("system health", status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                   response.status())
            << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : 1;
}

int Version(std::shared_ptr<grpc::Channel> channel, const Options& options) {
  auto stub = system::v1::SystemService::NewStub(channel);
  auto context = grpcx::NewContext(options.deadline);
  system::v1::GetVersionResponse response;
  grpc::Status status = stub->GetVersion(
      context.get(), system::v1::GetVersionRequest(), &response);
  if (!status.ok()) return Report("system version", status);
  std::cout << "cellchaind " << response.version() << ", hosting:";
  for (const std::string& service : response.services()) {
    std::cout << " " << service;
  }
  std::cout << "\n";
  return 0;
}

int Ping(std::shared_ptr<grpc::Channel> channel, const Options& options) {
  auto stub = system::v1::SystemService::NewStub(channel);
  auto context = grpcx::NewContext(options.deadline);
  system::v1::PingResponse response;
  grpc::Status status =
      stub->Ping(context.get(), system::v1::PingRequest(), &response);
  if (!status.ok()) return Report("system ping", status);
  absl::Time db_time = absl::FromUnixSeconds(response.database_time().seconds()) +
                       absl::Nanoseconds(response.database_time().nanos());
  std::cout << "PostgreSQL " << response.database_version()
            << " answered in " << response.database_round_trip_us()
            << " us; database time "
            << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", db_time,
                                absl::UTCTimeZone())
            << "\nserver saw this client as: " << response.peer_subject()
            << "\n";
  return 0;
}

int Main(int argc, char** argv) {
  Options options;
  config::Loader loader("cellchain", "CELLCHAIN");
  loader.set_summary(kSummary);
  loader.String("target", &options.target, "Server address, HOST:PORT.");
  loader.ReadableFile("ca", &options.ca, "PEM CA that issued the server's "
                      "certificate.").Required();
  loader.ReadableFile("cert", &options.cert,
                      "PEM client certificate of this workstation.")
      .Required();
  loader.ReadableFile("key", &options.key, "PEM private key of this client.")
      .Required();
  loader.Duration("deadline", &options.deadline, "Deadline of each call.");
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
  std::string command;
  for (const std::string& arg : args) command += (command.empty() ? "" : " ") + arg;
  int (*run)(std::shared_ptr<grpc::Channel>, const Options&) = nullptr;
  if (command == "system health") run = Health;
  if (command == "system version") run = Version;
  if (command == "system ping") run = Ping;
  if (run == nullptr) {
    std::cerr << "cellchain: unknown command \"" << command
              << "\"; see cellchain --help\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = grpcx::NewChannel(
      {options.target, {options.cert, options.key, options.ca}});
  if (!channel.ok()) {
    std::cerr << "cellchain: " << channel.status().message() << "\n";
    return 2;
  }
  return run(*channel, options);
}

}  // namespace
}  // namespace cellchain::cli

int main(int argc, char** argv) { return cellchain::cli::Main(argc, argv); }
