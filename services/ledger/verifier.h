// Verification of the signed audit ledger from public data only: the
// records as stored, the services' public keys, the sequencer's signed
// checkpoints, and optionally inclusion / consistency proofs and each
// entity's current state. The same code runs server-side (AuditService's
// VerifyLog, over the whole log read from PostgreSQL) and offline
// (cellchain-verify over an exported bundle, docs/bundle-format.md), so it
// depends on neither libpq nor gRPC nor generated protobuf code: it reads the
// few AuditRecord fields it needs straight from the protobuf wire format.
//
// What is checked (the names are those of cellchain.audit.v1.Finding.check):
//   LOG_INDEX              indexes are distinct and, for a complete log,
//                          contiguous from 0;
//   LEAF_HASH              the stored leaf hash is LeafHash(record bytes);
//   COLUMNS                the stored indexed columns (service, key id,
//                          entity, time, actor, action, DIN, request id,
//                          previous hash, record id) say what the signed
//                          bytes say, and the bytes parse as an AuditRecord;
//   KEY_VALIDITY           the signing key's id is derived from its public
//                          key, it belongs to the record's service and was
//                          valid at recorded_at (valid_from <= recorded_at);
//                          with a keyring, every listed key is in it (a key
//                          only the database knows is a finding, and the
//                          records it signed fail SIGNATURE);
//   SIGNATURE              Ed25519 over "cellchain.audit.v1.record\0" ‖
//                          record bytes, by the key the record names;
//   ENTITY_CHAIN           previous_entity_hash is the leaf hash of the
//                          previous record of the same entity in log order;
//   CHECKPOINT_SIGNATURE   every checkpoint note verifies with the given
//                          verifier key(s) and names the expected origin;
//   CHECKPOINT_ROOT        (complete log) the leaves in log order rebuild
//                          each checkpoint's root;
//   CHECKPOINT_CONSISTENCY successive checkpoints are consistent: by the
//                          given proof, or, for a complete log, because
//                          both roots rebuild from the same leaves;
//   INCLUSION_PROOF        every given inclusion proof leads from the
//                          record's leaf to its checkpoint's root; in a
//                          subset, every checkpointed record has one;
//   CURRENT_STATE          an entity's given current state equals the
//                          after_state of its latest record.
//
// A subset of the log (a query's result) cannot rebuild roots nor see every
// link of a chain: its records are tied to the checkpoints by inclusion
// proofs, and a chain link to a record outside the subset is counted as
// unchecked in the Summary rather than reported as a failure.
//
// Trust: the checkpoint verifier keys and, when given, the keyring of record
// keys (keyring.h) are the trust anchors. Without a keyring the services'
// signing keys are taken as given: only for a caller that has vouched for
// them itself (the audit service and cellchain-verify always pass one when
// they have it, and say so when they do not).
//
// Thread-safety: Verify() may be called concurrently with distinct or shared
// (const) inputs. It runs signature checks on its own worker threads and
// calls the progress callback on the calling thread only.
#ifndef CELLCHAIN_SERVICES_LEDGER_VERIFIER_H_
#define CELLCHAIN_SERVICES_LEDGER_VERIFIER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/ledger/keyring.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"
#include "services/ledger/record_format.h"

namespace cellchain::ledger {

// ---------------------------------------------------------------------------
// Input.

// One row of cellchain_audit.records with its log index: the exact signed
// bytes, their signature, and the indexed columns as stored (which may have
// been changed behind the application's back; that is what COLUMNS finds).
struct StoredRecord {
  uint64_t log_index = 0;
  std::string record_id;
  std::string record_bytes;  // Deterministic AuditRecord serialization.
  std::string signature;     // Ed25519, 64 bytes.
  std::string key_id;
  std::string service;
  std::string entity_type;
  std::string entity_id;
  absl::Time recorded_at;
  std::string actor_user_id;
  std::string action;
  std::optional<std::string> din;  // NULL when the record names no DIN.
  std::string request_id;
  std::string previous_entity_hash;  // 32 bytes; empty when NULL.
  std::string leaf_hash;             // 32 bytes.
};

// A row of cellchain_audit.signing_keys.
struct SigningKeyInfo {
  std::string key_id;  // "<service>:<16 hex>", see SigningKeyId().
  std::string service;
  std::string public_key;  // Raw 32-byte Ed25519 key.
  absl::Time valid_from;
};

// Proof hashes are in RFC 9162 order (see merkle.h).
struct InclusionProofInput {
  uint64_t log_index = 0;
  uint64_t tree_size = 0;
  std::vector<Hash> hashes;
};

struct ConsistencyProofInput {
  uint64_t size1 = 0;
  uint64_t size2 = 0;
  std::vector<Hash> hashes;
};

// An entity's current state as its owning service reads it (the ledger's
// StateReader): the deterministic serialization of its proto.
struct CurrentState {
  std::string entity_type;
  std::string entity_id;
  // nullopt: the service has no current row for the entity (NOT_FOUND).
  std::optional<std::string> state;
};

struct VerifyInput {
  // True: `records` claim to be the whole log from index 0 (a full export,
  // or the server's own log); false: a subset such as a query's result.
  bool complete = true;
  std::vector<StoredRecord> records;  // Any order; checked in log order.
  std::vector<SigningKeyInfo> keys;
  // The record keys QA trusts. When set, a key of `keys` that the keyring
  // does not list (same id, same public key) is a KEY_VALIDITY finding and
  // is not used: what it signed fails SIGNATURE.
  std::optional<Keyring> keyring;
  // Rows of `keys` that could not be read at all (a malformed row), each
  // reported as a KEY_VALIDITY finding: a bad key is a finding, never an
  // outage of verification.
  std::vector<std::string> unreadable_keys;
  // The log's name: the first line of every checkpoint.
  std::string origin;
  // The checkpoint keys the verifier trusts.
  std::vector<NoteVerifier> checkpoint_verifiers;
  std::vector<std::string> checkpoints;  // Signed notes, verbatim.
  std::vector<InclusionProofInput> inclusion_proofs;
  std::vector<ConsistencyProofInput> consistency_proofs;
  std::vector<CurrentState> states;
};

// ---------------------------------------------------------------------------
// Output.

enum class Check {
  kLogIndex,
  kLeafHash,
  kColumns,
  kKeyValidity,
  kSignature,
  kEntityChain,
  kCheckpointSignature,
  kCheckpointRoot,
  kCheckpointConsistency,
  kInclusionProof,
  kCurrentState,
};
inline constexpr size_t kCheckCount = 11;

// "LOG_INDEX", "SIGNATURE", ... as cellchain.audit.v1.Finding.check.
std::string_view CheckName(Check check);

// One failed check. A finding about a record names it (record id, log index,
// entity); one about a checkpoint names its size.
struct Finding {
  Check check = Check::kSignature;
  std::string record_id;  // Empty when not about one record.
  std::optional<uint64_t> log_index;
  std::string entity_type;  // Empty when not about an entity.
  std::string entity_id;
  std::optional<uint64_t> checkpoint_size;
  std::string message;
};

// One line, without a newline:
//   SIGNATURE record rec_01.. (log index 4, entity donor_lot/lot_1): ...
//   CHECKPOINT_ROOT checkpoint 5: ...
std::string FormatFinding(const Finding& finding);

struct CheckCount {
  uint64_t checked = 0;  // Items the check could decide.
  uint64_t failed = 0;   // Items it found wrong (one Finding each).
};

struct Summary {
  bool complete = true;
  uint64_t records = 0;
  uint64_t entities = 0;
  uint64_t keys = 0;
  uint64_t checkpoints = 0;           // Given.
  uint64_t checkpoints_verified = 0;  // Signed by a trusted key.
  // Size of the largest checkpoint that verified (0 when none did).
  uint64_t tree_size = 0;
  uint64_t inclusion_proofs = 0;
  uint64_t consistency_proofs = 0;
  uint64_t states = 0;
  std::array<CheckCount, kCheckCount> checks{};

  // Not failures, but what the data could not show:
  // a subset's entity whose first present record links to a record outside
  // the subset (its chain starts mid-way);
  uint64_t chain_starts_unchecked = 0;
  // a subset's link between two present records of an entity where the
  // records in between are not in the subset;
  uint64_t chain_gaps_unchecked = 0;
  // records at or past the largest verified checkpoint: only their
  // signature vouches for them until the next checkpoint.
  uint64_t records_beyond_checkpoint = 0;

  const CheckCount& count(Check check) const {
    return checks[static_cast<size_t>(check)];
  }
};

struct VerifyResult {
  Summary summary;
  // In log order of the record they name; checkpoint findings after the
  // record findings, by checkpoint size. Deterministic for a given input.
  std::vector<Finding> findings;

  bool ok() const { return findings.empty(); }
};

struct VerifyOptions {
  // Worker threads for the per-record checks (signatures dominate) and the
  // inclusion proofs; 0: std::thread::hardware_concurrency().
  int threads = 0;
  // Called on the calling thread with non-decreasing `done` within a
  // phase: at the start of each phase ("records": parse, leaf hash and
  // signature of each record; "tree": rebuilding the roots of a complete
  // log; "proofs": the inclusion proofs), about every 100 ms during it, and
  // at its end with done == total. Keep it quick: workers run meanwhile.
  std::function<void(std::string_view phase, uint64_t done, uint64_t total)>
      progress;
};

// Runs every check above. Never fails: whatever is wrong with the input is a
// Finding, so a tampered log yields a full report rather than an error.
VerifyResult Verify(const VerifyInput& input,
                    const VerifyOptions& options = {});

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_VERIFIER_H_
