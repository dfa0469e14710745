#include "services/common/crypto/encoding.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cellchain::crypto {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    hex.push_back(kHexDigits[b >> 4]);
    hex.push_back(kHexDigits[b & 0xf]);
  }
  return hex;
}

absl::StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex has an odd length (", hex.size(), ")"));
  }
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "hex has a non-hex character at offset ", hi < 0 ? i : i + 1));
    }
    bytes.push_back(static_cast<char>((hi << 4) | lo));
  }
  return bytes;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16 |
                 static_cast<uint8_t>(bytes[i + 1]) << 8 |
                 static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

absl::StatusOr<std::string> Base64Decode(std::string_view base64) {
  if (base64.size() % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "base64 length ", base64.size(), " is not a multiple of 4"));
  }
  size_t padding = 0;
  if (!base64.empty() && base64.back() == '=') ++padding;
  if (base64.size() >= 2 && base64[base64.size() - 2] == '=') ++padding;
  std::string out;
  out.reserve(base64.size() / 4 * 3);
  uint32_t acc = 0;
  const size_t data_chars = base64.size() - padding;
  for (size_t i = 0; i < data_chars; ++i) {
    int v = Base64Value(base64[i]);
    if (v < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("base64 has an invalid character at offset ", i));
    }
    acc = acc << 6 | static_cast<uint32_t>(v);
    if (i % 4 == 3) {
      out.push_back(static_cast<char>(acc >> 16));
      out.push_back(static_cast<char>(acc >> 8));
      out.push_back(static_cast<char>(acc));
      acc = 0;
    }
  }
  // 2 data characters carry 1 byte + 4 spare bits, 3 carry 2 bytes + 2 spare
  // bits. Spare bits must be zero, or two strings would decode alike.
  if (padding == 2) {
    if ((acc & 0xf) != 0) {
      return absl::InvalidArgumentError("base64 has non-zero padding bits");
    }
    out.push_back(static_cast<char>(acc >> 4));
  } else if (padding == 1) {
    if ((acc & 0x3) != 0) {
      return absl::InvalidArgumentError("base64 has non-zero padding bits");
    }
    out.push_back(static_cast<char>(acc >> 10));
    out.push_back(static_cast<char>(acc >> 2));
  }
  return out;
}

}  // namespace cellchain::crypto
