// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, and
// transparency-log checkpoints (https://c2sp.org/tlog-checkpoint) carried in
// them. The ledger's sequencer signs a checkpoint of its Merkle tree; QA and
// cellchain-verify check it with nothing but the log's verifier key.
//
// A signed note is its text (ending in "\n"), a blank line, and one or more
// signature lines "— <key name> <base64(key id || signature)>\n" (U+2014 em
// dash). The Ed25519 signature covers the text including its final newline.
// The key id is the first four bytes, big-endian, of
// SHA-256(name || "\n" || 0x01 || 32-byte public key). Keys travel as the
// strings golang.org/x/mod/sumdb/note uses:
//   verifier key  <name>+<8 hex key id>+<base64(0x01 || public key)>
//   signer key    PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || seed)>
//
// Errors:
//   INVALID_ARGUMENT     a malformed note, key string, checkpoint or name;
//   FAILED_PRECONDITION  a well-formed note that does not verify, with a
//                        machine-readable reason (kReasonNote*, below).
//
// Thread-safety: free functions are pure. NoteVerifier and NoteSigner are
// immutable after construction; their const methods are safe to call
// concurrently (see crypto/ed25519.h).
#ifndef CELLCHAIN_SERVICES_LEDGER_NOTE_H_
#define CELLCHAIN_SERVICES_LEDGER_NOTE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/crypto/ed25519.h"
#include "services/ledger/merkle.h"

namespace cellchain::ledger {

// A signature by one of the given keys does not verify: the text or the
// signature was altered.
inline constexpr char kReasonNoteSignatureInvalid[] = "NOTE_SIGNATURE_INVALID";
// The note carries no signature by any of the given keys.
inline constexpr char kReasonNoteNotSigned[] = "NOTE_NOT_SIGNED";
// A verified checkpoint names another log than the one expected.
inline constexpr char kReasonCheckpointOriginMismatch[] =
    "CHECKPOINT_ORIGIN_MISMATCH";

// Notes with more signature lines are refused as malformed (as Go does; the
// spec asks verifiers to accept at least 16).
inline constexpr size_t kMaxNoteSignatures = 100;

// The signature type byte of Ed25519 in key ids and key strings.
inline constexpr uint8_t kNoteAlgEd25519 = 0x01;

// True iff `name` can name a key: non-empty UTF-8 without Unicode spaces,
// '+' or control characters.
bool IsValidKeyName(std::string_view name);

// SHA-256(name || "\n" || 0x01 || public_key)[:4] as a big-endian number.
uint32_t NoteKeyId(std::string_view name, std::string_view ed25519_public_key);

// "<name>+<8 lowercase hex>", how messages name a key.
std::string KeyLabel(std::string_view name, uint32_t key_id);

// A trusted public key. Copyable.
class NoteVerifier {
 public:
  // From a verifier key string (see the file comment). INVALID_ARGUMENT: not
  // three '+'-separated parts, a bad name, a key id that is not 8 hex
  // digits or does not match the key, bad base64, an algorithm other than
  // Ed25519 or a key that is not 32 bytes.
  static absl::StatusOr<NoteVerifier> FromKeyString(std::string_view vkey);
  // INVALID_ARGUMENT: a bad name.
  static absl::StatusOr<NoteVerifier> Create(std::string_view name,
                                             crypto::Ed25519PublicKey key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const crypto::Ed25519PublicKey& public_key() const { return key_; }
  // The verifier key string, as FromKeyString reads it.
  std::string KeyString() const;

  // True iff `signature` (without the key id) signs `text`.
  bool Verify(std::string_view text, std::string_view signature) const {
    return key_.Verify(text, signature);
  }

 private:
  NoteVerifier(std::string name, uint32_t key_id, crypto::Ed25519PublicKey key)
      : name_(std::move(name)), key_id_(key_id), key_(std::move(key)) {}

  std::string name_;
  uint32_t key_id_;
  crypto::Ed25519PublicKey key_;
};

// A private signing key with its name. Move-only.
class NoteSigner {
 public:
  // From a signer key string. INVALID_ARGUMENT as NoteVerifier::FromKeyString,
  // or a missing "PRIVATE+KEY+" prefix. Messages never quote the key.
  static absl::StatusOr<NoteSigner> FromKeyString(std::string_view skey);
  // INVALID_ARGUMENT: a bad name.
  static absl::StatusOr<NoteSigner> Create(std::string_view name,
                                           crypto::Ed25519PrivateKey key);
  // A fresh random key. INVALID_ARGUMENT: a bad name; INTERNAL: key
  // generation failed.
  static absl::StatusOr<NoteSigner> Generate(std::string_view name);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const NoteVerifier& verifier() const { return verifier_; }

  // The raw Ed25519 signature of `text`. INTERNAL: OpenSSL failed.
  absl::StatusOr<std::string> Sign(std::string_view text) const {
    return key_.Sign(text);
  }

 private:
  NoteSigner(crypto::Ed25519PrivateKey key, NoteVerifier verifier)
      : name_(verifier.name()),
        key_id_(verifier.key_id()),
        key_(std::move(key)),
        verifier_(std::move(verifier)) {}

  std::string name_;
  uint32_t key_id_;
  crypto::Ed25519PrivateKey key_;
  NoteVerifier verifier_;
};

// One signature line of a note.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // Raw bytes, without the key id.

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// A note split into its text and signature lines, nothing verified.
struct Note {
  std::string text;  // Ends in "\n".
  std::vector<NoteSignature> signatures;
};

// Splits a signed note. INVALID_ARGUMENT: not UTF-8, a control character
// other than newline, no blank line before the signatures, no signature
// line, a line without its final newline, a line that does not start with
// "— ", a bad key name, bad base64, a signature shorter than 5 bytes, more
// than kMaxNoteSignatures lines.
absl::StatusOr<Note> ParseNote(std::string_view note);

// Signs `text` with every signer and returns the signed note. The signature
// lines follow the order of `signers`.
// INVALID_ARGUMENT: no signer, or `text` is not a valid note text (empty,
// not ending in "\n", not UTF-8, a control character other than newline).
// INTERNAL: OpenSSL failed.
absl::StatusOr<std::string> SignNote(
    std::string_view text, const std::vector<const NoteSigner*>& signers);
absl::StatusOr<std::string> SignNote(std::string_view text,
                                     const NoteSigner& signer);

// A note whose signatures were checked against a set of keys.
struct VerifiedNote {
  std::string text;
  // Signatures by the given keys, each key once, in note order.
  std::vector<NoteSignature> verified;
  // Signatures by other keys, ignored (identical lines once).
  std::vector<NoteSignature> unverified;
};

// Verifies a signed note against `verifiers`. A signature line is by one of
// them when both its name and key id match; other lines are ignored. Every
// line by a given key must verify.
// INVALID_ARGUMENT: as ParseNote; or two verifiers share a name and key id
// but differ in key, and a line matches them.
// FAILED_PRECONDITION kReasonNoteSignatureInvalid: a signature by a given
// key does not verify.
// FAILED_PRECONDITION kReasonNoteNotSigned: no line is by a given key.
absl::StatusOr<VerifiedNote> VerifyNote(
    std::string_view note, std::span<const NoteVerifier> verifiers);

// ---------------------------------------------------------------------------
// Checkpoints.

// The head of a transparency log: "<origin>\n<size>\n<base64 root>\n"
// followed by optional extension lines.
struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // Non-empty lines, without "\n".

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text of `checkpoint`. INVALID_ARGUMENT: the origin is not a valid
// key name (our logs name their key after their origin), or an extension
// line is empty or holds a newline or a control character.
absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint note text. INVALID_ARGUMENT: fewer than three lines,
// no final newline, an empty origin or extension line, a size that is not
// plain decimal (no sign, no leading zero) or overflows 64 bits, a root that
// is not strict base64 of 32 bytes.
absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);

// FormatCheckpoint then SignNote. Errors: theirs.
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const NoteSigner& signer);

// VerifyNote then ParseCheckpoint, and checks the origin.
// Errors: theirs; FAILED_PRECONDITION kReasonCheckpointOriginMismatch: the
// checkpoint's origin is not `origin`.
absl::StatusOr<Checkpoint> VerifyCheckpoint(
    std::string_view note, std::string_view origin,
    std::span<const NoteVerifier> verifiers);

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_NOTE_H_
