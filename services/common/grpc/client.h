// Client side of mTLS: channels to cellchain services and call contexts that
// always carry a deadline.
// Thread-safety: channels are thread-safe; a ClientContext serves one call.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_CLIENT_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/common/grpc/server.h"

namespace cellchain::grpcx {

inline constexpr std::chrono::milliseconds kDefaultDeadline{10000};

struct ChannelOptions {
  std::string target;  // "127.0.0.1:7443"
  TlsFiles tls;        // this client's certificate, key, and the server's CA
};

// NOT_FOUND naming the file when a PEM file cannot be read. Connection
// errors surface on the first call (UNAVAILABLE).
absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannel(
    const ChannelOptions& options);

// A context whose call fails with DEADLINE_EXCEEDED after `deadline`, sending
// `request_id` as x-request-id metadata when it is not empty.
std::unique_ptr<grpc::ClientContext> NewContext(
    std::chrono::milliseconds deadline = kDefaultDeadline,
    std::string_view request_id = "");

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_CLIENT_H_
