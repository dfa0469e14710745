// The checkpoint (sequencer) keys of a signing-key directory, and how a
// rotation of them is laid out there (decision 0021):
//   sequencer.key, sequencer.pub            the current key: it signs every
//                                           checkpoint and is the key the
//                                           audit service publishes;
//   sequencer.next.key, sequencer.next.pub  optional, during a rotation: the
//                                           next key, which signs every
//                                           checkpoint too;
//   sequencer.retired-*.pub                 optional: keys that signed older
//                                           checkpoints and sign no more.
// The audit service trusts all of them to verify the log's checkpoints; the
// sequencer signs with the current key and, when present, the next.
//
// Thread-safety: free functions reading files; values are plain copies.
#ifndef CELLCHAIN_SERVICES_AUDIT_CHECKPOINT_KEYS_H_
#define CELLCHAIN_SERVICES_AUDIT_CHECKPOINT_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/crypto/ed25519.h"
#include "services/ledger/note.h"

namespace cellchain::audit {

struct CheckpointKeys {
  ledger::NoteVerifier current;  // sequencer.pub
  // sequencer.next.pub first when present, then the retired keys by file
  // name.
  std::vector<ledger::NoteVerifier> others;

  // current, then others.
  std::vector<ledger::NoteVerifier> All() const;
};

// The public checkpoint keys in `dir`, named `origin` (note key names).
// NOT_FOUND / PERMISSION_DENIED: sequencer.pub cannot be read;
// INVALID_ARGUMENT (field "signing-key-dir"): a file that is not an Ed25519
// public key in PEM (naming it), or the same key in two files.
absl::StatusOr<CheckpointKeys> ReadCheckpointKeys(const std::string& dir,
                                                  std::string_view origin);

// The keys a sequencer signs checkpoints with: sequencer.key, then
// sequencer.next.key when the directory has a sequencer.next.pub.
// Errors as ReadCheckpointKeys, and INVALID_ARGUMENT (field
// "signing-key-dir"): a private key that does not match its .pub, or a
// sequencer.next.pub without its sequencer.next.key (a sequencer signs with
// every key the audit service announces) or the reverse.
absl::StatusOr<std::vector<crypto::Ed25519PrivateKey>>
ReadCheckpointSigningKeys(const std::string& dir);

}  // namespace cellchain::audit

#endif  // CELLCHAIN_SERVICES_AUDIT_CHECKPOINT_KEYS_H_
