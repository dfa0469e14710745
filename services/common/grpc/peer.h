// What the server knows of its caller from the mTLS handshake.
// Thread-safety: pure functions over the context given.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_PEER_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_PEER_H_

#include <grpcpp/server_context.h>

#include <string>

namespace cellchain::grpcx {

// Subject of the verified client certificate ("CN=lab-ws-01,OU=…"), or ""
// when there is none.
std::string PeerSubject(const grpc::ServerContextBase& context);

// The client's x-request-id metadata, or "" when it sent none.
std::string RequestIdOf(const grpc::ServerContextBase& context);

inline constexpr char kRequestIdHeader[] = "x-request-id";

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_PEER_H_
