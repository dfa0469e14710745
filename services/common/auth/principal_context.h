// The caller of an RPC in the call's AuthContext: the access gate writes
// the Principal there (server side, before the handler runs; a client
// cannot), and the gRPC adapters read it back. Only the gate and the
// adapters include this header; domain code takes a Principal
// (principal.h) and never sees gRPC.
// Thread-safety: pure functions over the context given.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_CONTEXT_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_CONTEXT_H_

#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "services/common/auth/principal.h"

namespace cellchain::auth {

// AuthContext property names the gate sets.
inline constexpr char kUserIdProperty[] = "cellchain.user_id";
inline constexpr char kPrintedNameProperty[] = "cellchain.printed_name";
inline constexpr char kActingRoleProperty[] = "cellchain.acting_role";
inline constexpr char kRoleProperty[] = "cellchain.role";  // one per role
inline constexpr char kSessionIdProperty[] = "cellchain.session_id";

// Writes `principal` into the call's AuthContext (the gate does this).
void SetPrincipal(const Principal& principal, grpc::AuthContext& context);

// The caller of an RPC whose policy names roles or any_user.
// UNAUTHENTICATED: no user on this call (a workstation_only RPC, or a call
// that did not pass the gate).
absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& context);

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_CONTEXT_H_
