// The rules of user administration that need neither the database nor
// gRPC: what a printed name must be, and which roles may not be held
// together. identity's users.cc applies them; user_rules_test.cc checks
// them.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_IDENTITY_USER_RULES_H_
#define CELLCHAIN_SERVICES_IDENTITY_USER_RULES_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "cellchain/common/v1/access.pb.h"

namespace cellchain::identity {

// The longest printed name (characters of UTF-8, counted as bytes), as it
// appears on signatures.
inline constexpr size_t kMaxPrintedName = 200;

// INVALID_ARGUMENT field printed_name when blank or longer than
// kMaxPrintedName.
absl::Status RequirePrintedName(std::string_view name);

// FAILED_PRECONDITION INCOMPATIBLE_ROLES for technician and qa together
// (who records the work would release it), unless `allow_technician_qa`.
absl::Status CheckCompatibleRoles(const std::vector<common::v1::Role>& roles,
                                  bool allow_technician_qa);

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_USER_RULES_H_
