// Who is calling, as the access gate established it before the handler ran:
// the user of a valid session, the role they act in for this RPC, and the
// workstation whose mTLS certificate carried the call. A plain value: domain
// code takes it without seeing gRPC. How the gate hands it to a handler is
// in call_principal.h and principal_context.h.
// Thread-safety: a value type and pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_H_

#include <string>
#include <vector>

#include "cellchain/common/v1/common.pb.h"
#include "services/common/auth/roles.h"

namespace cellchain::auth {

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

// The Actor of audit records for `principal` (role = the acting role).
common::v1::Actor ActorOf(const Principal& principal);

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_PRINCIPAL_H_
