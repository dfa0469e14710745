// The access policies of RPCs, read from the (cellchain.common.v1.access)
// method option of the compiled proto descriptors, and the decision they
// give for a caller. Pure: no gRPC, no database.
//
//   PolicyTable table = PolicyTable::ForServices({"cellchain.audit.v1.AuditService"});
//   const AccessPolicy* policy = table.Find("/cellchain.audit.v1.AuditService/VerifyLog");
//   absl::StatusOr<Role> acting = Decide(*policy, caller_roles, ...);
//
// Thread-safety: a PolicyTable is immutable after construction.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_ACCESS_POLICY_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_ACCESS_POLICY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "cellchain/common/v1/access.pb.h"
#include "services/common/auth/roles.h"

namespace cellchain::auth {

using common::v1::AccessPolicy;

// Reasons of the refusals the access gate gives.
inline constexpr char kReasonNoAccessPolicy[] = "NO_ACCESS_POLICY";
inline constexpr char kReasonRoleNotAllowed[] = "ROLE_NOT_ALLOWED";
inline constexpr char kReasonPasswordChangeRequired[] =
    "PASSWORD_CHANGE_REQUIRED";
inline constexpr char kReasonSessionRequired[] = "SESSION_REQUIRED";

// "/cellchain.audit.v1.AuditService/VerifyLog"
std::string MethodPath(std::string_view service_full_name,
                       std::string_view method_name);

class PolicyTable {
 public:
  // The policies of every method of the named services, looked up in the
  // generated descriptor pool (the service's generated code must be linked
  // in). A method without the option is left out: Find() returns nullptr
  // and the gate refuses it.
  // NOT_FOUND: a service name the pool does not know.
  // INVALID_ARGUMENT (reason "ACCESS_POLICY_MALFORMED"): a policy that is
  //   empty (no role, not any_user, not workstation_only), or combines
  //   workstation_only with roles or any_user.
  static absl::StatusOr<PolicyTable> ForServices(
      const std::vector<std::string>& service_full_names);

  // The full names of the services of every cellchain/*.proto file linked
  // into the binary, sorted (the role-matrix test enumerates them).
  static std::vector<std::string> LinkedCellchainServices();

  // nullptr when the method has no policy (deny).
  const AccessPolicy* Find(std::string_view method_path) const;

  // Method paths that have no policy.
  const std::vector<std::string>& unprotected() const { return unprotected_; }
  // Every method path the table knows, with or without policy, sorted.
  std::vector<std::string> methods() const;

 private:
  absl::flat_hash_map<std::string, AccessPolicy> policies_;
  std::vector<std::string> unprotected_;
};

// Checks a policy is well formed (see ForServices).
absl::Status ValidatePolicy(const AccessPolicy& policy,
                            std::string_view method_path);

// The role a logged-in user with `roles` (sorted) acts in when calling a
// method with `policy`:
//   - roles policy: the first of the policy's roles the user holds;
//   - any_user: the user's first role (ROLE_UNSPECIFIED for a user without
//     roles).
// PERMISSION_DENIED reason ROLE_NOT_ALLOWED: none of the user's roles is
//   allowed; reason PASSWORD_CHANGE_REQUIRED: `password_change_required`
//   and the policy does not allow that.
absl::StatusOr<Role> ActingRole(const AccessPolicy& policy,
                                std::string_view method_path,
                                const std::vector<Role>& roles,
                                bool password_change_required);

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_ACCESS_POLICY_H_
