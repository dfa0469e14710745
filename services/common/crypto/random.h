// Cryptographically secure random bytes and identifiers, from OpenSSL's
// DRBG (RAND_bytes), which is seeded from the OS and reseeds itself.
//
// Thread-safety: safe to call concurrently (OpenSSL keeps a DRBG per thread).
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_RANDOM_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_RANDOM_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::crypto {

// `n` random bytes.
// INTERNAL: the DRBG failed (not seeded: the OS gave no entropy).
absl::StatusOr<std::string> RandomBytes(size_t n);

// An identifier for a new record: `prefix`, '_', then 26 characters of
// Crockford base32 (alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ, uppercase)
// encoding 128 random bits as one big-endian number, so the first character
// is always 0-7. Example: "don_7E4PMWMJ3CANSM00QDXKXVZRBF".
// The 26-character body has the length and alphabet of a ULID, but carries
// no timestamp. Collisions are as likely as for a random UUID (negligible).
// Aborts if the DRBG fails, which only happens in a process that has no
// entropy source at all.
std::string RandomId(std::string_view prefix);

}  // namespace cellchain::crypto

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_RANDOM_H_
