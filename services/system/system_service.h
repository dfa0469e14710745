// SystemService: version and a database round trip, to prove the plumbing
// (mTLS, logging, the pool, PostgreSQL) of a cellchaind process; and the
// server's clock, which a training stack's administrator may move forward
// (clock_admin.h).
// Thread-safety: handlers run concurrently; the service holds no mutable
// state of its own.
#ifndef CELLCHAIN_SERVICES_SYSTEM_SYSTEM_SERVICE_H_
#define CELLCHAIN_SERVICES_SYSTEM_SYSTEM_SERVICE_H_

#include <string>
#include <vector>

#include "cellchain/system/v1/system.grpc.pb.h"
#include "services/system/clock_admin.h"
#include "services/system/database_probe.h"

namespace cellchain::system {

class SystemService final
    : public cellchain::system::v1::SystemService::Service {
 public:
  // `probe` and `clock` must outlive the service.
  SystemService(std::string version, std::vector<std::string> services,
                DatabaseProbe* probe, ClockAdmin* clock);

  grpc::Status GetVersion(grpc::ServerContext* context,
                          const v1::GetVersionRequest* request,
                          v1::GetVersionResponse* response) override;

  grpc::Status Ping(grpc::ServerContext* context,
                    const v1::PingRequest* request,
                    v1::PingResponse* response) override;

  grpc::Status GetClock(grpc::ServerContext* context,
                        const v1::GetClockRequest* request,
                        v1::GetClockResponse* response) override;

  grpc::Status AdvanceClock(grpc::ServerContext* context,
                            const v1::AdvanceClockRequest* request,
                            v1::AdvanceClockResponse* response) override;

 private:
  std::string version_;
  std::vector<std::string> services_;
  DatabaseProbe* probe_;
  ClockAdmin* clock_;
};

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_SYSTEM_SERVICE_H_
