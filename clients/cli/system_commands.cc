// cellchain system health|version|ping
#include "clients/cli/system_commands.h"

#include <iostream>

#include "absl/time/time.h"
#include "cellchain/system/v1/system.grpc.pb.h"
#include "clients/cli/cli.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace cellchain::cli {
namespace {

int Health(std::shared_ptr<grpc::Channel> channel,
           const SystemOptions& options) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  auto context = NewCallContext(options);
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

int Version(std::shared_ptr<grpc::Channel> channel,
            const SystemOptions& options) {
  auto stub = system::v1::SystemService::NewStub(channel);
  auto context = NewCallContext(options);
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

int Ping(std::shared_ptr<grpc::Channel> channel, const SystemOptions& options) {
  auto stub = system::v1::SystemService::NewStub(channel);
  auto context = NewCallContext(options);
  system::v1::PingResponse response;
  grpc::Status status =
      stub->Ping(context.get(), system::v1::PingRequest(), &response);
  if (!status.ok()) return Report("system ping", status);
  absl::Time db_time =
      absl::FromUnixSeconds(response.database_time().seconds()) +
      absl::Nanoseconds(response.database_time().nanos());
  std::cout << "PostgreSQL " << response.database_version() << " answered in "
            << response.database_round_trip_us() << " us; database time "
            << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", db_time,
                                absl::UTCTimeZone())
            << "\nserver saw this client as: " << response.peer_subject()
            << "\n";
  return 0;
}

void DeclareSystemFlags(config::Loader&, SystemOptions&) {}

}  // namespace

const Group& SystemGroup() {
  static const auto* const group = new GroupOf<SystemOptions>({
      .name = "system",
      .alias = "",
      .summary =
          "  system health      is the server up and serving? "
          "(grpc.health.v1)\n"
          "  system version     the server's version and hosted services\n"
          "  system ping        a round trip through the server to "
          "PostgreSQL\n",
      .declare = DeclareSystemFlags,
      .commands =
          {
              {{"system health", "",
                "cellchain system health\n"
                "SERVING when the server is up. No session needed.\n"},
               Health},
              {{"system version", "",
                "cellchain system version\n"
                "The server's version and hosted services. No session "
                "needed.\n"},
               Version},
              {{"system ping", "",
                "cellchain system ping\n"
                "A round trip through the server to PostgreSQL, and the "
                "workstation\n"
                "subject the server saw. No session needed.\n"},
               Ping},
          },
      .field_aliases = {},
      .named_flags = nullptr,
  });
  return *group;
}

}  // namespace cellchain::cli
