// cellchain::crypto: the cryptographic primitives every service uses, on
// OpenSSL 3 EVP only.
//
//   aead.h      Aes256GcmSeal/Open, FieldCipher (encryption at rest, key
//               rotation)
//   encoding.h  HexEncode/HexDecode, Base64Encode/Base64Decode (strict)
//   sha256.h    Sha256, Sha256Hex, Sha256Hasher
//   random.h    RandomBytes, RandomId ("<prefix>_<26 Crockford base32>")
//   ed25519.h   Ed25519PrivateKey, Ed25519PublicKey (sign/verify, PEM I/O)
//   password.h  HashPassword/VerifyPassword (scrypt), Scrypt,
//               ConstantTimeEquals
//
// Errors are absl::Status; a failure inside OpenSSL carries the text of the
// OpenSSL error queue in its message (the queue is then empty). Thread-safety
// is stated per header; in short, free functions and const methods of keys
// are safe to call concurrently, a Sha256Hasher is not.
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_CRYPTO_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_CRYPTO_H_

#include "services/common/crypto/aead.h"      // IWYU pragma: export
#include "services/common/crypto/ed25519.h"   // IWYU pragma: export
#include "services/common/crypto/encoding.h"  // IWYU pragma: export
#include "services/common/crypto/password.h"  // IWYU pragma: export
#include "services/common/crypto/random.h"    // IWYU pragma: export
#include "services/common/crypto/sha256.h"    // IWYU pragma: export

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_CRYPTO_H_
