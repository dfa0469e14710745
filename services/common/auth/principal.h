// Who is calling, as the access gate established it before the handler ran:
// the user of a valid session, the role they act in for this RPC, and the
// workstation whose mTLS certificate carried the call. Handlers read it from
// the call's AuthContext, where only the gate (server side) can write.
// Thread-safety: pure functions over the context given.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_H_

#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/common/v1/common.pb.h"
#include "services/common/auth/roles.h"

namespace cellchain::auth {

// AuthContext property names the gate sets.
inline constexpr char kUserIdProperty[] = "cellchain.user_id";
inline constexpr char kPrintedNameProperty[] = "cellchain.printed_name";
inline constexpr char kActingRoleProperty[] = "cellchain.acting_role";
inline constexpr char kRoleProperty[] = "cellchain.role";  // one per role
inline constexpr char kSessionIdProperty[] = "cellchain.session_id";

struct Principal {
  std::string user_id;
  std::string printed_name;
  Role acting_role = common::v1::ROLE_UNSPECIFIED;
  std::vector<Role> roles;  // sorted
  std::string session_id;
  // Subject of the workstation's client certificate.
  std::string workstation;

  bool HasRole(Role role) const;
};

// Writes `principal` into the call's AuthContext (the gate does this).
void SetPrincipal(const Principal& principal, grpc::AuthContext& context);

// The caller of an RPC whose policy names roles or any_user.
// UNAUTHENTICATED: no user on this call (a workstation_only RPC, or a call
// that did not pass the gate).
absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& context);

// The Actor of audit records for `principal` (role = the acting role).
common::v1::Actor ActorOf(const Principal& principal);

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_H_
