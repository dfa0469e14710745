// Logs every RPC as one line when its status is sent:
//   event=rpc method=/pkg.Service/Method peer="CN=…" code=OK latency_ms=1.234
//   request_id=…
// Failed RPCs add the status message (which clients see anyway; internal
// details never reach it, see grpc_status.h).
// Thread-safety: one interceptor per RPC; the factory is stateless.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_RPC_LOG_INTERCEPTOR_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_RPC_LOG_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

namespace cellchain::grpcx {

class RpcLogInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// Name of a grpc::StatusCode ("PERMISSION_DENIED").
const char* StatusCodeName(int code);

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_RPC_LOG_INTERCEPTOR_H_
