#include "services/common/grpc/rpc_log_interceptor.h"

#include <chrono>
#include <string>

#include "absl/strings/str_format.h"
#include "services/common/grpc/peer.h"
#include "services/common/log/log.h"

namespace cellchain::grpcx {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RpcLogInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      LogStatus(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void LogStatus(const grpc::Status& status) {
    double latency_ms =
        std::chrono::duration<double, std::milli>(
            std::chrono::steady_clock::now() - start_)
            .count();
    const grpc::ServerContextBase* context = info_->server_context();
    std::string peer = context != nullptr ? PeerSubject(*context) : "";
    std::string request_id = context != nullptr ? RequestIdOf(*context) : "";
    std::string latency = absl::StrFormat("%.3f", latency_ms);
    const char* code = StatusCodeName(status.error_code());
    if (status.ok()) {
      log::Info("rpc", {{"method", info_->method()},
                        {"peer", peer},
                        {"code", code},
                        {"latency_ms", latency},
                        {"request_id", request_id}});
    } else {
      log::Warning("rpc", {{"method", info_->method()},
                           {"peer", peer},
                           {"code", code},
                           {"latency_ms", latency},
                           {"request_id", request_id},
                           {"message", status.error_message()}});
    }
  }

  grpc::experimental::ServerRpcInfo* info_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

grpc::experimental::Interceptor*
RpcLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcLogInterceptor(info);
}

const char* StatusCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) return "UNKNOWN";
  return kNames[code];
}

}  // namespace cellchain::grpcx
