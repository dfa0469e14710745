#include "services/common/auth/roles.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"

namespace cellchain::auth {

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kRoles = {
      common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QC_ANALYST,
      common::v1::ROLE_QA,         common::v1::ROLE_PHARMACIST,
      common::v1::ROLE_CLINICIAN,  common::v1::ROLE_ADMIN};
  return kRoles;
}

std::string RoleName(Role role) {
  if (role == common::v1::ROLE_UNSPECIFIED || !common::v1::Role_IsValid(role)) {
    return "";
  }
  std::string name = common::v1::Role_Name(role).substr(5);  // "ROLE_"
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  std::string upper = absl::AsciiStrToUpper(absl::string_view(name.data(), name.size()));
  if (upper.rfind("ROLE_", 0) != 0) upper = "ROLE_" + upper;
  Role role = common::v1::ROLE_UNSPECIFIED;
  if (!common::v1::Role_Parse(upper, &role) ||
      role == common::v1::ROLE_UNSPECIFIED) {
    return InvalidField("role",
                        absl::StrCat("unknown role \"", std::string(name),
                                     "\" (roles: ", RoleNames(AllRoles()), ")"));
  }
  return role;
}

absl::StatusOr<std::vector<Role>> NormalizeRoles(const std::vector<Role>& roles,
                                                 std::string_view field) {
  std::vector<Role> sorted;
  for (Role role : roles) {
    if (RoleName(role).empty()) {
      return InvalidField(field, absl::StrCat("unknown role value ",
                                              static_cast<int>(role)));
    }
    sorted.push_back(role);
  }
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted;
}

std::string RoleNames(const std::vector<Role>& roles) {
  std::string out;
  for (Role role : roles) {
    if (!out.empty()) out += ", ";
    out += RoleName(role);
  }
  return out;
}

}  // namespace cellchain::auth
