// Keyring: the record-signing public keys that QA trusts, held outside the
// database (design brief §2, "Who is trusted with what"; issue 23).
//
// cellchain_audit.signing_keys says which key a service registered, but the
// database and whoever administers it are trusted to keep data, never to
// vouch for it: a key found only in the database proves nothing. A keyring
// is a small text file that QA keeps (and the deployment gives to the
// sequencer, the audit service and cellchain-verify); a key is trusted only
// if the keyring lists it, under the same key id with the same public key.
//
// File format (UTF-8 text, one key per line):
//   # comments and blank lines are ignored
//   <key id> <base64 of the raw 32-byte Ed25519 public key>
// where the key id is "<service>:<16 lowercase hex>" as KeyIdFor /
// SigningKeyId derive it from the key, so a line whose id does not match its
// key is refused rather than trusted under a wrong name. The dev PKI writes
// DIR/signing/keyring (deploy/local/pki.sh); the same line can be made with
// openssl alone (docs/services/audit.md).
//
// Thread-safety: a Keyring is immutable once made; const methods are safe
// from any number of threads. Copyable.
#ifndef CELLCHAIN_SERVICES_LEDGER_KEYRING_H_
#define CELLCHAIN_SERVICES_LEDGER_KEYRING_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::ledger {

struct TrustedKey {
  std::string key_id;      // "<service>:<16 hex>"
  std::string service;     // The part of key_id before ':'.
  std::string public_key;  // Raw 32 bytes.
};

class Keyring {
 public:
  // An empty keyring trusts nothing.
  Keyring() = default;

  // INVALID_ARGUMENT naming the line ("keyring line 3: ..."): not two
  // fields, a malformed key id or service, a key that is not base64 of 32
  // bytes, a key id that is not the key's, one key id listed twice with
  // different keys.
  static absl::StatusOr<Keyring> Parse(std::string_view text);
  // Parse() of the file's contents; NOT_FOUND / PERMISSION_DENIED naming
  // the path when it cannot be read; Parse's errors prefixed with the path.
  static absl::StatusOr<Keyring> FromFile(const std::string& path);
  // The keyring of these keys (their ids derived here), for the dev PKI and
  // tests. INVALID_ARGUMENT as Parse.
  static absl::StatusOr<Keyring> Of(
      const std::vector<std::pair<std::string, std::string>>&
          service_and_raw_key);

  // The key listed under `key_id`, or nullptr.
  const TrustedKey* Find(std::string_view key_id) const;
  // True when `key_id` is listed with exactly this raw public key.
  bool Trusts(std::string_view key_id, std::string_view public_key) const;

  const std::vector<TrustedKey>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }

  // The file text, one line per key in the order given, with a header
  // comment; Parse(Format()) gives the same keyring.
  std::string Format() const;

 private:
  std::vector<TrustedKey> keys_;
};

// One keyring line (without newline) for a service's raw public key.
std::string KeyringLine(std::string_view service, std::string_view raw_key);

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_KEYRING_H_
