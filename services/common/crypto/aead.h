// Encryption at rest of identifying data (a birth mother's name, date of
// birth, medical record number; a patient's beyond the bedside
// identifiers): AES-256-GCM through OpenSSL 3 EVP, with a key ring so that
// keys can be rotated while older values stay readable.
//
//   CC_ASSIGN_OR_RETURN(crypto::FieldCipher cipher,
//                       crypto::FieldCipher::FromKeyFile(path));
//   CC_ASSIGN_OR_RETURN(std::string sealed,
//                       cipher.Encrypt(name, "donor/dnr_123/name"));
//   ... store `sealed` (text) ...
//   CC_ASSIGN_OR_RETURN(std::string name,
//                       cipher.Decrypt(sealed, "donor/dnr_123/name"));
//
// Sealed form (text, safe for a text column): "cf1.<key id>.<base64 of
// nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)>". The nonce is random per
// encryption. The associated data is "cellchain.field.v1" ‖ 0x00 ‖ key id ‖
// 0x00 ‖ context: a value decrypts only under the context it was sealed
// for, so a ciphertext copied to another row or field is refused, not
// shown.
//
// Thread-safety: a FieldCipher is immutable; its const methods are safe to
// call concurrently. The free functions are pure.
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_AEAD_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_AEAD_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::crypto {

inline constexpr size_t kAes256KeySize = 32;
inline constexpr size_t kGcmNonceSize = 12;
inline constexpr size_t kGcmTagSize = 16;

// AES-256-GCM of `plaintext` with `aad`: ciphertext ‖ 16-byte tag.
// INVALID_ARGUMENT: key not 32 bytes or nonce not 12; INTERNAL from OpenSSL.
absl::StatusOr<std::string> Aes256GcmSeal(std::string_view key,
                                          std::string_view nonce,
                                          std::string_view plaintext,
                                          std::string_view aad);

// The inverse. DATA_LOSS when the tag does not verify (wrong key, nonce or
// aad, or the bytes were changed); INVALID_ARGUMENT for sizes.
absl::StatusOr<std::string> Aes256GcmOpen(std::string_view key,
                                          std::string_view nonce,
                                          std::string_view sealed,
                                          std::string_view aad);

class FieldCipher {
 public:
  struct Key {
    std::string id;     // 1 to 32 of [a-z0-9_-]
    std::string bytes;  // 32 bytes
  };

  // `current_id` names the key new values are sealed with.
  // INVALID_ARGUMENT (field "keys"): none, a malformed id, an id twice, a
  // key not 32 bytes, or current_id not among them.
  static absl::StatusOr<FieldCipher> Create(std::vector<Key> keys,
                                            std::string current_id);

  // A key file: one key per line, "<id> <base64 of 32 bytes>"; blank lines
  // and lines starting with '#' are skipped; the last key listed is the
  // current one (rotation appends a line). Errors name the file and line,
  // never a key's bytes: NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT.
  static absl::StatusOr<FieldCipher> FromKeyFile(const std::string& path);

  // Seals `plaintext` for `context` (e.g. "donor/<id>/name") under the
  // current key. INTERNAL when OpenSSL or the random source fails.
  absl::StatusOr<std::string> Encrypt(std::string_view plaintext,
                                      std::string_view context) const;

  // INVALID_ARGUMENT: not a sealed value; NOT_FOUND: sealed under a key id
  // this ring does not hold; DATA_LOSS: changed, or sealed for another
  // context.
  absl::StatusOr<std::string> Decrypt(std::string_view sealed,
                                      std::string_view context) const;

  // The value sealed again under the current key (key rotation); a value
  // sealed under it already is returned as it is. Errors as Decrypt.
  absl::StatusOr<std::string> Reseal(std::string_view sealed,
                                     std::string_view context) const;

  // The key id a sealed value names, or "" when it is not one.
  static std::string KeyIdOf(std::string_view sealed);

  const std::string& current_key_id() const { return current_id_; }

 private:
  FieldCipher(std::vector<Key> keys, std::string current_id)
      : keys_(std::move(keys)), current_id_(std::move(current_id)) {}
  const Key* Find(std::string_view id) const;

  std::vector<Key> keys_;
  std::string current_id_;
};

}  // namespace cellchain::crypto

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_AEAD_H_
