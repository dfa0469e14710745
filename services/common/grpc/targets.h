// What a client's --target names: one cellchaind address, or a comma list
// of them that one gRPC channel balances over (issue 26).
//
// One address ("127.0.0.1:7443", "cellchain.lab:7443", or any gRPC target
// URI) is passed to gRPC unchanged, as it always was. A list
// ("127.0.0.1:7443,127.0.0.1:7444") becomes a static address list,
// "ipv4:127.0.0.1:7443,127.0.0.1:7444": IP literals as given, names
// resolved here once (getaddrinfo; every IPv4 address of each name, or
// every IPv6 address when some entry has no IPv4 one). The first entry's
// HOST:PORT is the channel's authority, so TLS checks every server's
// certificate against the first entry's host name: every replica must
// present a certificate valid for that name.
//
// Thread-safety: pure functions (getaddrinfo is thread-safe).
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_TARGETS_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_TARGETS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::grpcx {

struct ChannelTarget {
  std::string uri;        // what grpc::CreateCustomChannel gets
  std::string authority;  // a list's first HOST:PORT; "" for one address
  size_t addresses = 1;   // entries given (a list: 2 or more)
};

// `target` as above. A list's entries must each be HOST:PORT or
// [IPV6]:PORT with a port in 1-65535; otherwise INVALID_ARGUMENT naming the
// entry. UNAVAILABLE naming the host when a name does not resolve;
// INVALID_ARGUMENT when the hosts have no address family in common.
absl::StatusOr<ChannelTarget> ParseTarget(std::string_view target);

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_TARGETS_H_
