#include "services/system/system_service.h"

#include <chrono>

#include "services/common/auth/handle.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/grpc/peer.h"

namespace cellchain::system {

SystemService::SystemService(std::string version,
                             std::vector<std::string> services,
                             DatabaseProbe* probe, ClockAdmin* clock)
    : version_(std::move(version)),
      services_(std::move(services)),
      probe_(probe),
      clock_(clock) {}

grpc::Status SystemService::GetVersion(grpc::ServerContext* context,
                                       const v1::GetVersionRequest* request,
                                       v1::GetVersionResponse* response) {
  response->set_version(version_);
  for (const std::string& service : services_) response->add_services(service);
  return grpc::Status::OK;
}

grpc::Status SystemService::Ping(grpc::ServerContext* context,
                                 const v1::PingRequest* request,
                                 v1::PingResponse* response) {
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ProbeResult> probe = probe_->Probe();
  if (!probe.ok()) return grpcx::ToGrpcStatus(probe.status());
  auto elapsed = std::chrono::steady_clock::now() - start;
  response->set_database_version(probe->server_version);
  response->mutable_database_time()->set_seconds(probe->server_time_us /
                                                 1000000);
  response->mutable_database_time()->set_nanos(
      static_cast<int32_t>(probe->server_time_us % 1000000) * 1000);
  response->set_database_round_trip_us(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  response->set_peer_subject(grpcx::PeerSubject(*context));
  return grpc::Status::OK;
}

grpc::Status SystemService::GetClock(grpc::ServerContext* context,
                                     const v1::GetClockRequest* request,
                                     v1::GetClockResponse* response) {
  *response = clock_->GetClock();
  return grpc::Status::OK;
}

grpc::Status SystemService::AdvanceClock(grpc::ServerContext* context,
                                         const v1::AdvanceClockRequest* request,
                                         v1::AdvanceClockResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return clock_->AdvanceClock(caller, *request);
  });
}

}  // namespace cellchain::system
