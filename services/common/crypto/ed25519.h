// Ed25519 signatures (RFC 8032, pure Ed25519, no pre-hash) through OpenSSL 3.
//
// Keys hold one EVP_PKEY for their whole life; each Sign/Verify uses a fresh
// EVP_MD_CTX (Ed25519 is one-shot in OpenSSL: EVP_DigestSignInit with no
// digest, then EVP_DigestSign). Rebuilding the EVP_PKEY per message would
// halve the signing rate.
//
// Key files are PEM: private keys PKCS#8 ("BEGIN PRIVATE KEY", as written by
// `openssl genpkey -algorithm ed25519`), public keys SubjectPublicKeyInfo
// ("BEGIN PUBLIC KEY"). Encrypted private keys are refused: a process reads
// its key at startup without a terminal to ask for a passphrase.
//
// Thread-safety: const methods of both classes are safe to call concurrently
// on one object (an EVP_PKEY that is not mutated may be shared by threads;
// nothing here mutates it after construction). Assigning to an object while
// another thread uses it is not safe.
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_ED25519_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_ED25519_H_

#include <openssl/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::crypto {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// Errors common to the PEM loaders below (messages name the file, or "PEM"
// when the input is a string):
//   INVALID_ARGUMENT  no PEM block, an unparsable or encrypted key, or a key
//                     of another algorithm (the message names it: "RSA");
//   NOT_FOUND         (FromPemFile) the file does not exist;
//   PERMISSION_DENIED (FromPemFile) the file cannot be read;
//   INVALID_ARGUMENT  (FromPemFile) also: a directory, or over 64 KiB.

// An Ed25519 public key. Copyable; copies share the underlying EVP_PKEY.
// A moved-from key may only be destroyed or assigned to.
class Ed25519PublicKey {
 public:
  // INVALID_ARGUMENT: `raw` is not 32 bytes. (A 32-byte string that is not
  // a curve point loads, and verifies nothing.)
  static absl::StatusOr<Ed25519PublicKey> FromRaw(std::string_view raw);
  static absl::StatusOr<Ed25519PublicKey> FromPem(std::string_view pem);
  static absl::StatusOr<Ed25519PublicKey> FromPemFile(const std::string& path);

  Ed25519PublicKey(const Ed25519PublicKey& other);
  Ed25519PublicKey& operator=(const Ed25519PublicKey& other);
  Ed25519PublicKey(Ed25519PublicKey&& other) noexcept;
  Ed25519PublicKey& operator=(Ed25519PublicKey&& other) noexcept;
  ~Ed25519PublicKey();

  // True iff `signature` is a valid signature of `message` by this key.
  // Anything else (wrong size, tampered message or signature) is false.
  bool Verify(std::string_view message, std::string_view signature) const;

  // The 32-byte RFC 8032 encoding of the key.
  std::string Raw() const { return raw_; }

  // SubjectPublicKeyInfo PEM. INTERNAL: OpenSSL failed to encode.
  absl::StatusOr<std::string> ToPem() const;

 private:
  friend class Ed25519PrivateKey;
  Ed25519PublicKey(EVP_PKEY* pkey, std::string raw);  // Takes ownership.
  static absl::StatusOr<Ed25519PublicKey> FromPkey(EVP_PKEY* pkey);  // Same.

  EVP_PKEY* pkey_;
  std::string raw_;
};

// An Ed25519 private key. Move-only, so that key material is not copied
// around by accident. A moved-from key may only be destroyed or assigned to.
class Ed25519PrivateKey {
 public:
  // A fresh random key. INTERNAL: key generation failed.
  static absl::StatusOr<Ed25519PrivateKey> Generate();
  // The key whose RFC 8032 secret (the 32-byte seed) is `seed`.
  // INVALID_ARGUMENT: `seed` is not 32 bytes.
  static absl::StatusOr<Ed25519PrivateKey> FromSeed(std::string_view seed);
  // PKCS#8 PEM.
  static absl::StatusOr<Ed25519PrivateKey> FromPem(std::string_view pem);
  static absl::StatusOr<Ed25519PrivateKey> FromPemFile(const std::string& path);

  Ed25519PrivateKey(Ed25519PrivateKey&& other) noexcept;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&& other) noexcept;
  Ed25519PrivateKey(const Ed25519PrivateKey&) = delete;
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&) = delete;
  ~Ed25519PrivateKey();

  // The 64-byte signature of `message`. Deterministic: the same key and
  // message always give the same signature.
  // INTERNAL: OpenSSL failed (memory exhaustion).
  absl::StatusOr<std::string> Sign(std::string_view message) const;

  // The 32-byte public key.
  std::string PublicKeyRaw() const { return public_key_.Raw(); }
  Ed25519PublicKey public_key() const { return public_key_; }

  // PKCS#8 PEM ("BEGIN PRIVATE KEY"), unencrypted: store it with care.
  // INTERNAL: OpenSSL failed to encode.
  absl::StatusOr<std::string> ToPem() const;
  // SubjectPublicKeyInfo PEM of the public key.
  absl::StatusOr<std::string> PublicKeyPem() const;

 private:
  // Takes ownership of `pkey`.
  Ed25519PrivateKey(EVP_PKEY* pkey, Ed25519PublicKey public_key);
  static absl::StatusOr<Ed25519PrivateKey> FromPkey(EVP_PKEY* pkey);  // Same.

  EVP_PKEY* pkey_;
  // Public-only, so that handing it out never shares private key material.
  Ed25519PublicKey public_key_;
};

}  // namespace cellchain::crypto

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_ED25519_H_
