// Hex and Base64 codecs for binary values (digests, keys, signatures, salts).
//
// Decoders are strict so that every value has exactly one encoding: anything
// the matching encoder would not produce is refused. The conversions are
// Abseil's (BytesToHexString, HexStringToBytes, Base64Escape,
// Base64Unescape); the checks that make them strict are ours, since
// Abseil's decoders accept more (decision 0016).
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_ENCODING_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_ENCODING_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::crypto {

// Lowercase hex, two characters per byte.
std::string HexEncode(std::string_view bytes);

// Decodes hex of either case.
// INVALID_ARGUMENT: odd length or a character outside [0-9a-fA-F].
absl::StatusOr<std::string> HexDecode(std::string_view hex);

// RFC 4648 section 4: standard alphabet (A-Z a-z 0-9 + /), '=' padding to a
// multiple of 4 characters.
std::string Base64Encode(std::string_view bytes);

// Decodes what Base64Encode produces and nothing else.
// INVALID_ARGUMENT: length not a multiple of 4, a character outside the
// alphabet (whitespace and the URL-safe '-' '_' included), misplaced or
// excess '=', or non-zero bits in the last character before the padding.
absl::StatusOr<std::string> Base64Decode(std::string_view base64);

}  // namespace cellchain::crypto

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_ENCODING_H_
