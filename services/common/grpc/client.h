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

// How soon a channel tries again after a failed connection attempt: from
// kInitialReconnectBackoff, growing (x1.6, jittered) to at most
// kMaxReconnectBackoff. gRPC's defaults are 1 s and 120 s.
inline constexpr std::chrono::milliseconds kInitialReconnectBackoff{250};
inline constexpr std::chrono::milliseconds kMaxReconnectBackoff{2000};
// How often gRPC's backup poller drives connections no call is waiting on
// (its default: 5 s); see NewChannel.
inline constexpr std::chrono::milliseconds kBackupPollInterval{100};

struct ChannelOptions {
  // "127.0.0.1:7443", or a comma list of cellchaind replicas
  // "127.0.0.1:7443,127.0.0.1:7444" (targets.h).
  std::string target;
  TlsFiles tls;  // this client's certificate, key, and the server's CA
};

// A channel to `options.target`. One address: gRPC's pick_first, as a
// plain channel has. A list: one channel over every address, round robin
// among those whose grpc.health.v1 answers SERVING, so that a dead or
// draining cellchaind is skipped; TLS checks each server's certificate
// against the first entry's host. A call fails fast (UNAVAILABLE) only when
// no address is usable. Reconnection backs off at most kMaxReconnectBackoff.
// Every program linked with NewChannel has
// GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS set to kBackupPollInterval
// before its main() (unless it was set), so that a reconnecting channel's
// handshake progresses between fail-fast calls, however early the program
// starts gRPC (gRPC reads it once, when first initialized; client.cc).
//
// INVALID_ARGUMENT / UNAVAILABLE for a bad list (targets.h), NOT_FOUND
// naming the file when a PEM file cannot be read. Connection errors surface
// on the first call (UNAVAILABLE).
absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannel(
    const ChannelOptions& options);

// A context whose call fails with DEADLINE_EXCEEDED after `deadline`, sending
// `request_id` as x-request-id metadata when it is not empty.
std::unique_ptr<grpc::ClientContext> NewContext(
    std::chrono::milliseconds deadline = kDefaultDeadline,
    std::string_view request_id = "");

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_CLIENT_H_
