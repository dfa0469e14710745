#include "services/common/crypto/encoding.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings/absl_view.h"

// The conversions are Abseil's; what stays here is the strictness Abseil
// does not promise (decision 0016, "Kept by hand, and why"): its
// HexStringToBytes (20220623) does not check its input, and its
// Base64Unescape accepts missing padding and whitespace.

namespace cellchain::crypto {
namespace {

bool IsBase64Char(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' ||
         c == '/';
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  return absl::BytesToHexString(ToAbsl(bytes));
}

absl::StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex has an odd length (", hex.size(), ")"));
  }
  for (size_t i = 0; i < hex.size(); ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(hex[i]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("hex has a non-hex character at offset ", i));
    }
  }
  return absl::HexStringToBytes(ToAbsl(hex));
}

std::string Base64Encode(std::string_view bytes) {
  return absl::Base64Escape(ToAbsl(bytes));
}

absl::StatusOr<std::string> Base64Decode(std::string_view base64) {
  if (base64.size() % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "base64 length ", base64.size(), " is not a multiple of 4"));
  }
  // At most two '=', and only at the end.
  size_t padding = 0;
  if (!base64.empty() && base64.back() == '=') ++padding;
  if (base64.size() >= 2 && base64[base64.size() - 2] == '=') ++padding;
  for (size_t i = 0; i + padding < base64.size(); ++i) {
    if (!IsBase64Char(base64[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("base64 has an invalid character at offset ", i));
    }
  }
  // What is left to refuse is spare bits in the last character before the
  // padding that are not zero: two strings would then decode alike. Such a
  // string is not what the encoder writes for the bytes it decodes to.
  std::string bytes;
  if (!absl::Base64Unescape(ToAbsl(base64), &bytes) ||
      absl::Base64Escape(bytes) != ToAbsl(base64)) {
    return absl::InvalidArgumentError("base64 has non-zero padding bits");
  }
  return bytes;
}

}  // namespace cellchain::crypto
