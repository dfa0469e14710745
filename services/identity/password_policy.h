// The password policy (21 CFR 11.300): what a new password must be, how
// long any password presented may be before it is hashed, and what a user id
// looks like. Pure: no database, no gRPC.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_IDENTITY_PASSWORD_POLICY_H_
#define CELLCHAIN_SERVICES_IDENTITY_PASSWORD_POLICY_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace cellchain::identity {

// No password longer than this (bytes) is ever hashed: a login, signature or
// current password beyond it is refused with INVALID_ARGUMENT before scrypt
// runs or anything is counted (a 3 MB password took 0.5 s). New and
// temporary passwords are bounded tighter by the policy, also before
// hashing (PasswordPolicy::max_length characters, at most 4 bytes each).
inline constexpr size_t kMaxPasswordBytes = 1024;

struct PasswordPolicy {
  int min_length = 12;   // characters (UTF-8 code points)
  int max_length = 256;  // bounds the work of hashing
  int history = 5;       // the last N passwords cannot be reused
};

// INVALID_ARGUMENT (field `field`) with reason PASSWORD_TOO_SHORT,
// PASSWORD_TOO_LONG, PASSWORD_NOT_UTF8 or PASSWORD_CONTAINS_USER_ID (case
// insensitive). The message never contains the password. Reuse is checked
// against stored hashes by the caller (reason PASSWORD_REUSED).
absl::Status CheckPassword(const PasswordPolicy& policy,
                           std::string_view user_id, std::string_view password,
                           std::string_view field);

// INVALID_ARGUMENT (field `field`) reason PASSWORD_TOO_LONG when `password`
// has more than kMaxPasswordBytes bytes; checked before any hashing, since
// scrypt's time grows with the password's length.
absl::Status CheckPasswordBytes(std::string_view password,
                                std::string_view field);

// User ids: 2 to 32 characters of [a-z0-9._-], starting with a letter.
// INVALID_ARGUMENT (field `field`) otherwise.
absl::Status CheckUserId(std::string_view user_id, std::string_view field);

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_PASSWORD_POLICY_H_
