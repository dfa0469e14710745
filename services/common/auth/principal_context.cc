#include "services/common/auth/principal_context.h"

#include <optional>

#include "services/common/auth/call_principal.h"
#include "services/common/grpc/peer.h"

namespace cellchain::auth {

absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& context) {
  std::optional<Principal> principal = CallPrincipals::Global().Bound(&context);
  if (!principal.has_value()) {
    return absl::UnauthenticatedError("this call carries no logged-in user");
  }
  principal->workstation = grpcx::PeerSubject(context);
  return *std::move(principal);
}

}  // namespace cellchain::auth
