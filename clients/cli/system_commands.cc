// cellchain system health|version|ping
#include <iostream>

#include "absl/time/time.h"
#include "cellchain/system/v1/system.grpc.pb.h"
#include "clients/cli/cli.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace cellchain::cli {
namespace {

int Health(std::shared_ptr<grpc::Channel> channel, const Options& options) {
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

int Version(std::shared_ptr<grpc::Channel> channel, const Options& options) {
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

int Ping(std::shared_ptr<grpc::Channel> channel, const Options& options) {
  auto stub = system::v1::SystemService::NewStub(channel);
  auto context = NewCallContext(options);
  system::v1::PingResponse response;
  grpc::Status status =
      stub->Ping(context.get(), system::v1::PingRequest(), &response);
  if (!status.ok()) return Report("system ping", status);
  absl::Time db_time =
      absl::FromUnixSeconds(response.database_time().seconds()) +
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

}  // namespace

Command FindSystemCommand(const std::string& verb) {
  if (verb == "health") return Health;
  if (verb == "version") return Version;
  if (verb == "ping") return Ping;
  return nullptr;
}

}  // namespace cellchain::cli
