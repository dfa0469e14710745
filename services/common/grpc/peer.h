// What the server knows of its caller from the mTLS handshake.
// Thread-safety: pure functions over the context given.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_PEER_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_PEER_H_

#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include <string>
#include <string_view>

namespace cellchain::grpcx {

// Subject of the verified client certificate ("CN=lab-ws-01,OU=…"), or ""
// when there is none.
std::string PeerSubject(const grpc::ServerContextBase& context);

// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo of the verified
// client certificate (64 characters), or "" when there is none: the key a
// session is bound to, since a subject name alone can be reissued to another
// key by the CA.
std::string PeerKeyFingerprint(const grpc::ServerContextBase& context);
std::string PeerKeyFingerprint(const grpc::AuthContext& auth);

// The same fingerprint of a PEM certificate; "" when `pem` holds none.
std::string CertificateKeyFingerprint(std::string_view pem);

// The client's x-request-id metadata, or "" when it sent none.
std::string RequestIdOf(const grpc::ServerContextBase& context);

inline constexpr char kRequestIdHeader[] = "x-request-id";

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_PEER_H_
