// The names of cellchain roles as people and audit records spell them
// ("technician", "qc_analyst", "qa", "pharmacist", "clinician", "admin"),
// and their enum values in cellchain.common.v1.Role.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_ROLES_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_ROLES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/common/v1/access.pb.h"

namespace cellchain::auth {

using common::v1::Role;

// Every assignable role, in enum order.
const std::vector<Role>& AllRoles();

// "technician" for ROLE_TECHNICIAN; "" for ROLE_UNSPECIFIED or a value out
// of range.
std::string RoleName(Role role);

// The role named `name` ("qa" or "ROLE_QA").
// INVALID_ARGUMENT (field "role"): no such role.
absl::StatusOr<Role> ParseRole(std::string_view name);

// Sorted by enum value, without duplicates.
// INVALID_ARGUMENT (field `field`): ROLE_UNSPECIFIED or an unknown value.
absl::StatusOr<std::vector<Role>> NormalizeRoles(const std::vector<Role>& roles,
                                                 std::string_view field);

// "qa, admin"
std::string RoleNames(const std::vector<Role>& roles);

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_ROLES_H_
