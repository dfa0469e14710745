// The caller of an RPC, as the access gate established it for this very
// call (server side, before the handler runs; a client cannot) and
// call_principal.h brings it to the call: the gRPC adapters read it here.
// Only the adapters include this header; domain code takes a Principal
// (principal.h) and never sees gRPC.
// Thread-safety: pure functions over the context given.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_CONTEXT_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_CONTEXT_H_

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "services/common/auth/principal.h"

namespace cellchain::auth {

// The caller of an RPC whose policy names roles or any_user.
// UNAUTHENTICATED: no user on this call (a workstation_only RPC, or a call
// that did not pass the gate).
absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& context);

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_CONTEXT_H_
