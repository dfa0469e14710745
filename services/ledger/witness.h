// Witness: what a client remembers of the audit log between contacts, so that
// a log shortened or rewritten behind the service's back is noticed (issue
// 23, "Truncation is invisible"), the way Go's checksum-database client keeps
// the latest tree head it verified and asks for a consistency proof from it
// on every contact.
//
// The memory is a small text file: the checkpoint verifier keys it pinned
// (the one offered at its first contact, trust on first use, or the key QA
// configured; a second one while the log's checkpoint key is rotated,
// decision 0021), then the latest signed checkpoint note it verified:
//   vkey <name>+<key id hex>+<base64 key>
//   [vkey <name>+<key id hex>+<base64 key> ...]
//   <the signed note, verbatim>
// QA keeps such files outside the database (`cellchain audit checkpoint
// --save`); a deployment publishes them where the database's owner cannot
// rewrite them (docs/operations.md).
//
// Pure: no database, no network. Thread-safety: free functions on values.
#ifndef CELLCHAIN_SERVICES_LEDGER_WITNESS_H_
#define CELLCHAIN_SERVICES_LEDGER_WITNESS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"

namespace cellchain::ledger {

// DATA_LOSS reasons of Advance().
inline constexpr char kReasonLogTruncated[] = "LOG_TRUNCATED";
inline constexpr char kReasonLogForked[] = "LOG_FORKED";

struct Witnessed {
  // The pinned checkpoint key strings, at least one; a checkpoint signed by
  // any of them verifies.
  std::vector<std::string> verifier_keys;
  std::string note;          // the latest signed checkpoint, verbatim
  Checkpoint checkpoint;     // parsed from `note`
};

// The file text of `witnessed`; ParseWitnessed reads it back.
std::string FormatWitnessed(const Witnessed& witnessed);

// INVALID_ARGUMENT: not "vkey" lines then a note, a malformed key, or a
// note that does not verify with those keys (the file was edited).
absl::StatusOr<Witnessed> ParseWitnessed(std::string_view text);

// The log's latest checkpoint `latest_note` checked against what was seen
// before: it must verify with a pinned key (or, at first contact,
// `offered_key`, which is then pinned), be at least as large, and extend the
// seen tree by `proof` (the consistency proof from the seen size to its
// size; empty when the sizes are equal, and then the roots must be equal).
// Returns what to remember from now on.
// FAILED_PRECONDITION: the note does not verify with the pinned keys, or its
//   origin differs (the message says which).
// DATA_LOSS reason kReasonLogTruncated: the log is smaller than the
//   checkpoint seen; kReasonLogForked: same size, another root, or the
//   proof does not lead from the seen root to the new one.
absl::StatusOr<Witnessed> Advance(const std::optional<Witnessed>& seen,
                                  std::string_view offered_key,
                                  std::string_view latest_note,
                                  std::span<const Hash> proof);

// Advance with `vkey` pinned as well: the explicit step by which a reviewer
// trusts the log's new checkpoint key, given out of band, during or after
// its rotation (decision 0021). At first contact `vkey` is pinned alone.
// INVALID_ARGUMENT: a malformed `vkey`; FAILED_PRECONDITION: the latest
// note carries no valid signature by `vkey` (a wrong key, or the log does
// not sign with it yet); otherwise as Advance.
absl::StatusOr<Witnessed> AdvancePinning(const std::optional<Witnessed>& seen,
                                         std::string_view vkey,
                                         std::string_view latest_note,
                                         std::span<const Hash> proof);

// `seen` without the pinned key `vkey` (a retired checkpoint key).
// INVALID_ARGUMENT: a malformed `vkey`; FAILED_PRECONDITION: `vkey` is not
// pinned, or no other pinned key signs the remembered checkpoint (the log
// does not sign with the new key yet, or this memory was not advanced since).
absl::StatusOr<Witnessed> Unpin(const Witnessed& seen, std::string_view vkey);

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_WITNESS_H_
