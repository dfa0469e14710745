// Password hashing with scrypt (RFC 7914), a memory-hard KDF, through
// OpenSSL 3's EVP_KDF "SCRYPT", and constant-time comparison.
//
// HashPassword returns a self-describing string, stored as is:
//
//   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>
//
// <salt> (16 random bytes) and <hash> (32 bytes by default) are standard
// Base64 with padding. Example:
//   $scrypt$ln=15,r=8,p=1$ddp0e0xL/f/yr9aF1aRIsQ==$xdEJ69qWatSw...z8iIckFIIM=
// VerifyPassword reads the parameters back from the string, so raising the
// cost later does not invalidate stored hashes.
//
// Cost of the defaults (N=2^15, r=8, p=1), by design: 32 MiB of memory and
// about 0.1 s of one core per hash or verification (crypto_bench). Run it off
// latency-critical threads and bound how many run at once.
//
// Thread-safety: pure functions, safe to call concurrently.
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_PASSWORD_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_PASSWORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::crypto {

struct ScryptParams {
  int log2_n = 15;  // N = 2^log2_n, the CPU/memory cost.
  int r = 8;        // Block size.
  int p = 1;        // Parallelism.
  size_t hash_len = 32;
};

// Refused parameters, so that a stored string cannot make a verifier spend
// unbounded memory or time: log2_n outside [1, 24], r outside [1, 64], p
// outside [1, 64], more than 1 GiB of memory (128 * r * N bytes), hash_len
// outside [16, 128].
inline constexpr uint64_t kScryptMaxMemoryBytes = uint64_t{1} << 30;

// The raw scrypt KDF: `dk_len` bytes derived from `password` and `salt`.
// params.hash_len is ignored here; `dk_len` must be in [1, 1024].
// INVALID_ARGUMENT: parameters outside the bounds above.
// INTERNAL: OpenSSL failed (memory exhaustion).
absl::StatusOr<std::string> Scrypt(std::string_view password,
                                   std::string_view salt,
                                   const ScryptParams& params, size_t dk_len);

// Hashes `password` with a fresh 16-byte random salt; see the format above.
// INVALID_ARGUMENT: parameters outside the bounds above.
// INTERNAL: OpenSSL or the random generator failed.
absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         const ScryptParams& params = {});

// Whether `password` matches `encoded`, a string made by HashPassword. The
// final comparison takes the same time wherever the hashes differ.
// INVALID_ARGUMENT: `encoded` is malformed or its parameters are out of
// bounds (the message never contains the password).
// INTERNAL: OpenSSL failed.
absl::StatusOr<bool> VerifyPassword(std::string_view password,
                                    std::string_view encoded);

// a == b in time that depends on the sizes only, not on the contents
// (CRYPTO_memcmp). Use it to compare secrets: MACs, tokens, hashes.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cellchain::crypto

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_PASSWORD_H_
