// SystemService: version and a database round trip, to prove the plumbing
// (mTLS, logging, the pool, PostgreSQL) of a cellchaind process.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_SYSTEM_SYSTEM_SERVICE_H_
#define CELLCHAIN_SERVICES_SYSTEM_SYSTEM_SERVICE_H_

#include <string>
#include <vector>

#include "cellchain/system/v1/system.grpc.pb.h"
#include "services/system/database_probe.h"

namespace cellchain::system {

class SystemService final : public cellchain::system::v1::SystemService::Service {
 public:
  // `probe` must outlive the service.
  SystemService(std::string version, std::vector<std::string> services,
                DatabaseProbe* probe);

  grpc::Status GetVersion(grpc::ServerContext* context,
                          const v1::GetVersionRequest* request,
                          v1::GetVersionResponse* response) override;

  grpc::Status Ping(grpc::ServerContext* context,
                    const v1::PingRequest* request,
                    v1::PingResponse* response) override;

 private:
  std::string version_;
  std::vector<std::string> services_;
  DatabaseProbe* probe_;
};

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_SYSTEM_SERVICE_H_
