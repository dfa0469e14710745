#include "services/identity/password_policy.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/identity/reasons.h"

namespace cellchain::identity {
namespace {

// Code points of valid UTF-8, or -1.
int Utf8Length(std::string_view text) {
  int count = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80           ? 1
               : (c >> 5) == 0x6  ? 2
               : (c >> 4) == 0xE  ? 3
               : (c >> 3) == 0x1E ? 4
                                  : 0;
    if (n == 0 || i + n > text.size()) return -1;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return -1;
    }
    i += n;
    ++count;
  }
  return count;
}

absl::Status Refuse(std::string_view field, std::string_view reason,
                    std::string message) {
  return WithReason(InvalidField(field, message), reason);
}

}  // namespace

absl::Status CheckPassword(const PasswordPolicy& policy,
                           std::string_view user_id, std::string_view password,
                           std::string_view field) {
  int length = Utf8Length(password);
  if (length < 0) {
    return Refuse(field, kReasonPasswordNotUtf8,
                  "the password is not valid UTF-8");
  }
  if (length < policy.min_length) {
    return Refuse(field, kReasonPasswordTooShort,
                  absl::StrCat("the password must have at least ",
                               policy.min_length, " characters"));
  }
  if (length > policy.max_length) {
    return Refuse(field, kReasonPasswordTooLong,
                  absl::StrCat("the password may have at most ",
                               policy.max_length, " characters"));
  }
  std::string lower = absl::AsciiStrToLower(
      absl::string_view(password.data(), password.size()));
  if (!user_id.empty() && lower.find(user_id) != std::string::npos) {
    return Refuse(field, kReasonPasswordContainsUserId,
                  "the password must not contain the user id");
  }
  return absl::OkStatus();
}

absl::Status CheckPasswordBytes(std::string_view password,
                                std::string_view field) {
  if (password.size() <= kMaxPasswordBytes) return absl::OkStatus();
  return Refuse(
      field, kReasonPasswordTooLong,
      absl::StrCat("a password has at most ", kMaxPasswordBytes, " bytes"));
}

absl::Status CheckUserId(std::string_view user_id, std::string_view field) {
  bool ok = user_id.size() >= 2 && user_id.size() <= 32 && user_id[0] >= 'a' &&
            user_id[0] <= 'z';
  for (char c : user_id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-');
  }
  if (ok) return absl::OkStatus();
  return InvalidField(field,
                      "a user id is 2 to 32 characters of a-z, 0-9, '.', '_' "
                      "or '-', starting with a letter");
}

}  // namespace cellchain::identity
