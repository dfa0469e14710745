// AccessGate: the one place where every RPC's caller is authenticated and
// its declared roles enforced (design brief §3), before any handler runs.
//
// gRPC C++ server interceptors cannot end a call (grpc/grpc#22395), so the
// gate is the server credentials' AuthMetadataProcessor: gRPC runs it for
// every call, after the mTLS handshake and before the handler, and a status
// it returns ends the call with that code and message. It
//   1. lets grpc.health.v1 and server reflection through (infrastructure,
//      for any workstation with a valid certificate);
//   2. refuses a call without a verified client certificate subject
//      (UNAUTHENTICATED reason CLIENT_CERTIFICATE_REQUIRED: there would be
//      no workstation to record);
//   3. looks the method up in the PolicyTable: no policy → PERMISSION_DENIED
//      reason NO_ACCESS_POLICY (deny by default);
//   4. workstation_only methods need nothing more;
//   5. otherwise reads "authorization: Bearer <token>": none →
//      UNAUTHENTICATED reason SESSION_REQUIRED; the SessionAuthority checks
//      the token against the certificate's subject and public key
//      (UNAUTHENTICATED with its reason);
//   6. ActingRole() decides the role (PERMISSION_DENIED otherwise);
//   7. remembers the Principal for this call (call_principal.h: never in
//      the AuthContext, which gRPC shares among a connection's calls); the
//      token is consumed here, or, for a call with a user, by the
//      interceptor that brings the Principal to the call, so handlers never
//      see it.
// Every refusal is recorded through the SessionAuthority
// (an audit record) and logged; its status message starts with the reason
// ("ROLE_NOT_ALLOWED: role technician may not call …"), since a processor
// cannot attach the ErrorDetail trailer.
//
// Thread-safety: Process() runs concurrently on gRPC's threads; the gate is
// immutable and the SessionAuthority must be thread-safe.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_ACCESS_GATE_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_ACCESS_GATE_H_

#include <grpcpp/security/auth_metadata_processor.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/auth/access_policy.h"
#include "services/common/auth/principal_context.h"
#include "services/common/auth/roles.h"

namespace cellchain::auth {

inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kBearerPrefix[] = "Bearer ";

// A valid session, as the SessionAuthority found it.
struct Session {
  std::string session_id;
  std::string user_id;
  std::string printed_name;
  std::vector<Role> roles;  // sorted
  bool password_change_required = false;
};

// A refused call, for the audit trail.
struct Denial {
  std::string method;             // "/pkg.Service/Method"
  std::string workstation;        // certificate subject
  std::string user_id;            // "" when no session named a user
  std::string attempted_user_id;  // a login's user id, else ""
  absl::Status status;            // UNAUTHENTICATED / PERMISSION_DENIED
};

// Sessions and the record of refusals (implemented by the identity service).
// Thread-safety: implementations must be safe to call concurrently.
class SessionAuthority {
 public:
  virtual ~SessionAuthority() = default;

  // The live session of `token`, presented from `workstation` (the client
  // certificate's subject) holding the key of fingerprint `client_key`
  // (grpcx::PeerKeyFingerprint).
  // UNAUTHENTICATED with reason SESSION_INVALID (unknown token),
  //   SESSION_ENDED (logged out, or ended by a lock, disable or password
  //   reset), SESSION_EXPIRED, SESSION_IDLE_TIMEOUT,
  //   SESSION_WORKSTATION_MISMATCH (issued to another workstation),
  //   SESSION_CLIENT_KEY_MISMATCH (issued to a certificate of this subject
  //   but another key: a copied token presented with a reissued or forged
  //   certificate).
  // UNAVAILABLE etc. when the database cannot answer.
  virtual absl::StatusOr<Session> Authenticate(std::string_view token,
                                               std::string_view workstation,
                                               std::string_view client_key) = 0;

  // Writes the audit record of a refusal. Failures are logged, not
  // returned: the caller is refused either way.
  virtual void RecordDenial(const Denial& denial) = 0;
};

class AccessGate final : public grpc::AuthMetadataProcessor {
 public:
  // `authority` is not owned and must outlive the gate.
  AccessGate(PolicyTable policies, SessionAuthority* authority);

  // Blocking: the authority queries PostgreSQL.
  bool IsBlocking() const override { return true; }

  grpc::Status Process(const InputMetadata& metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_metadata,
                       OutputMetadata* response_metadata) override;

  // Process() without gRPC: the decision for one call, given the method
  // path, the certificate subject, the authorization entry ("" when
  // absent) and the fingerprint of the certificate's public key. The
  // principal to record (user_id empty for infrastructure and
  // workstation_only methods), or the refusal, recorded already, with its
  // reason payload.
  absl::StatusOr<Principal> Decide(std::string_view method,
                                   std::string_view workstation,
                                   std::string_view authorization,
                                   std::string_view client_key);

 private:
  absl::Status Refuse(std::string_view method, std::string_view workstation,
                      std::string_view user_id, absl::Status status);

  const PolicyTable policies_;
  SessionAuthority* const authority_;
};

// True for the infrastructure methods every workstation may call
// (grpc.health.v1, server reflection).
bool IsInfrastructureMethod(std::string_view method);

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_ACCESS_GATE_H_
