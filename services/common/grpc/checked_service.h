// CheckedService: hosts a generated gRPC service so that every request's
// text is checked (request_text.h) once, before protobuf parses it and
// before the handler runs — the one place every request passes through
// (docs/decisions/0013-request-text.md).
//
// Why here: gRPC C++ server interceptors cannot end a call, and the access
// gate (an AuthMetadataProcessor) sees only metadata. A sync server hands
// each request's bytes to its method handler's Deserialize(); a status it
// returns is sent to the client instead of running the handler. Protobuf's
// parser there refuses invalid UTF-8 in a proto3 string as INTERNAL with an
// empty message, so the check runs on the bytes first and answers
// INVALID_ARGUMENT naming the field. CheckedService is a grpc::Service whose
// methods carry the wrapped service's names and types and a handler that
// checks, then delegates to the wrapped service's own handler.
//
// Only sync methods with a request message are checked (unary and
// server-streaming: every cellchain RPC); a client-streaming method's
// messages are read by its handler and are passed through unchecked.
//
// Thread-safety: immutable after construction; handlers run concurrently.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_CHECKED_SERVICE_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_CHECKED_SERVICE_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/service_type.h>

#include <deque>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace cellchain::grpcx {

// A service to host and the proto service it implements.
struct HostedService {
  grpc::Service* service = nullptr;
  const google::protobuf::ServiceDescriptor* descriptor = nullptr;
};

// Hosted<cellchain::custody::v1::CustodyService>(&impl).
template <typename Generated>
HostedService Hosted(typename Generated::Service* service) {
  return {service, google::protobuf::DescriptorPool::generated_pool()
                       ->FindServiceByName(Generated::service_full_name())};
}

class CheckedService final : public grpc::Service {
 public:
  // `hosted.service` is not owned and must outlive this. INVALID_ARGUMENT
  // when the descriptor is missing or a method of the service is not a
  // sync method (async, raw, generic or callback).
  static absl::StatusOr<std::unique_ptr<CheckedService>> Create(
      HostedService hosted);

 private:
  CheckedService() = default;

  std::deque<std::string> names_;  // RpcServiceMethod keeps a const char*
};

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_CHECKED_SERVICE_H_
