#include "services/common/auth/access_policy.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"

namespace cellchain::auth {

std::string MethodPath(std::string_view service_full_name,
                       std::string_view method_name) {
  return absl::StrCat("/", absl::string_view(service_full_name.data(),
                                             service_full_name.size()),
                      "/",
                      absl::string_view(method_name.data(), method_name.size()));
}

absl::Status ValidatePolicy(const AccessPolicy& policy,
                            std::string_view method_path) {
  auto malformed = [&](std::string_view why) {
    return WithReason(
        absl::InvalidArgumentError(absl::StrCat(
            "access policy of ", std::string(method_path), ": ",
            std::string(why))),
        "ACCESS_POLICY_MALFORMED");
  };
  if (policy.workstation_only() &&
      (policy.any_user() || policy.roles_size() > 0)) {
    return malformed("workstation_only excludes roles and any_user");
  }
  if (!policy.workstation_only() && !policy.any_user() &&
      policy.roles_size() == 0) {
    return malformed("names no role, not any_user, not workstation_only");
  }
  for (int role : policy.roles()) {
    if (RoleName(static_cast<Role>(role)).empty()) {
      return malformed(absl::StrCat("unknown role value ", role));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PolicyTable> PolicyTable::ForServices(
    const std::vector<std::string>& service_full_names) {
  PolicyTable table;
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : service_full_names) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("service ", name, " is not linked into this binary"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      std::string path = MethodPath(service->full_name(), method->name());
      if (!method->options().HasExtension(common::v1::access)) {
        table.unprotected_.push_back(path);
        continue;
      }
      const AccessPolicy& policy =
          method->options().GetExtension(common::v1::access);
      CC_RETURN_IF_ERROR(ValidatePolicy(policy, path));
      table.policies_.emplace(path, policy);
    }
  }
  return table;
}

std::vector<std::string> PolicyTable::LinkedCellchainServices() {
  // Every .proto compiled into the binary registers itself in the generated
  // database; list its files, keep ours.
  std::vector<std::string> files;
  google::protobuf::DescriptorPool::internal_generated_database()
      ->FindAllFileNames(&files);
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  std::vector<std::string> names;
  for (const std::string& file_name : files) {
    if (file_name.rfind("cellchain/", 0) != 0) continue;
    const google::protobuf::FileDescriptor* file =
        pool->FindFileByName(file_name);
    if (file == nullptr) continue;
    for (int i = 0; i < file->service_count(); ++i) {
      names.push_back(file->service(i)->full_name());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

const AccessPolicy* PolicyTable::Find(std::string_view method_path) const {
  auto it = policies_.find(
      absl::string_view(method_path.data(), method_path.size()));
  return it == policies_.end() ? nullptr : &it->second;
}

std::vector<std::string> PolicyTable::methods() const {
  std::vector<std::string> paths = unprotected_;
  for (const auto& [path, policy] : policies_) paths.push_back(path);
  std::sort(paths.begin(), paths.end());
  return paths;
}

absl::StatusOr<Role> ActingRole(const AccessPolicy& policy,
                                std::string_view method_path,
                                const std::vector<Role>& roles,
                                bool password_change_required) {
  if (password_change_required && !policy.before_password_change()) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            "the password must be changed before calling ",
            std::string(method_path))),
        kReasonPasswordChangeRequired);
  }
  if (policy.any_user()) {
    return roles.empty() ? common::v1::ROLE_UNSPECIFIED : roles.front();
  }
  for (int allowed : policy.roles()) {
    if (std::find(roles.begin(), roles.end(), static_cast<Role>(allowed)) !=
        roles.end()) {
      return static_cast<Role>(allowed);
    }
  }
  std::vector<Role> allowed_roles;
  for (int allowed : policy.roles()) {
    allowed_roles.push_back(static_cast<Role>(allowed));
  }
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat(
          "role ", roles.empty() ? "(none)" : RoleNames(roles),
          " may not call ", std::string(method_path),
          " (allowed: ", RoleNames(allowed_roles), ")")),
      kReasonRoleNotAllowed);
}

}  // namespace cellchain::auth
