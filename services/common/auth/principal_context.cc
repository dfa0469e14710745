#include "services/common/auth/principal_context.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/grpc/peer.h"

namespace cellchain::auth {
namespace {

std::string One(const grpc::AuthContext& context, const char* name) {
  std::vector<grpc::string_ref> values = context.FindPropertyValues(name);
  if (values.empty()) return "";
  return std::string(values.front().data(), values.front().size());
}

}  // namespace

void SetPrincipal(const Principal& principal, grpc::AuthContext& context) {
  context.AddProperty(kUserIdProperty, principal.user_id);
  context.AddProperty(kPrintedNameProperty, principal.printed_name);
  context.AddProperty(kActingRoleProperty, RoleName(principal.acting_role));
  for (Role role : principal.roles) {
    context.AddProperty(kRoleProperty, RoleName(role));
  }
  context.AddProperty(kSessionIdProperty, principal.session_id);
}

absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || One(*auth, kUserIdProperty).empty()) {
    return absl::UnauthenticatedError("this call carries no logged-in user");
  }
  Principal principal;
  principal.user_id = One(*auth, kUserIdProperty);
  principal.printed_name = One(*auth, kPrintedNameProperty);
  std::string acting = One(*auth, kActingRoleProperty);
  if (!acting.empty()) {
    absl::StatusOr<Role> role = ParseRole(acting);
    if (role.ok()) principal.acting_role = *role;
  }
  for (const grpc::string_ref& value : auth->FindPropertyValues(kRoleProperty)) {
    absl::StatusOr<Role> role =
        ParseRole(std::string_view(value.data(), value.size()));
    if (role.ok()) principal.roles.push_back(*role);
  }
  principal.session_id = One(*auth, kSessionIdProperty);
  principal.workstation = grpcx::PeerSubject(context);
  return principal;
}

}  // namespace cellchain::auth
