#include "services/common/auth/principal.h"

#include <algorithm>

namespace cellchain::auth {

bool Principal::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

common::v1::Actor ActorOf(const Principal& principal) {
  common::v1::Actor actor;
  actor.set_user_id(principal.user_id);
  actor.set_printed_name(principal.printed_name);
  actor.set_role(RoleName(principal.acting_role));
  actor.set_workstation(principal.workstation);
  return actor;
}

}  // namespace cellchain::auth
