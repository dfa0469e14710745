// Synthetic signed audit logs for the verifier's tests and benchmark (and
// cellchain-verify's): records serialized from cellchain.audit.v1.AuditRecord
// and signed with generated keys exactly as services/ledger/ledger.h says,
// checkpoints signed as C2SP notes, proofs from an in-memory tree. Nothing
// here touches a database.
//
// Test-only: never linked into a service.
// Thread-safety: a SyntheticLog is a value with no internal locking; use it
// from one thread. InMemoryTree is immutable after construction.
#ifndef CELLCHAIN_SERVICES_LEDGER_VERIFIER_TESTING_H_
#define CELLCHAIN_SERVICES_LEDGER_VERIFIER_TESTING_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/crypto/ed25519.h"
#include "services/ledger/bundle.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger::testing {

inline constexpr char kTestOrigin[] = "cellchain.test/ledger";

// Every hash of a tree of fixed leaves: O(n) hashes to build, then any
// perfect subtree in O(1), so proofs cost O(log n).
class InMemoryTree {
 public:
  explicit InMemoryTree(std::vector<Hash> leaves);

  // Valid while the tree lives.
  PerfectSubtreeSource Source() const;
  uint64_t size() const { return levels_[0].size(); }

 private:
  // levels_[k][i]: the perfect subtree of 2^k leaves starting at i * 2^k.
  std::vector<std::vector<Hash>> levels_;
};

// What a record says. Unset fields get defaults from SyntheticLog.
struct RecordSpec {
  std::string record_id;
  std::string service;
  std::string key_id;
  absl::Time recorded_at;
  std::string actor_user_id = "usr_tech1";
  std::string action;
  std::string entity_type;
  std::string entity_id;
  std::optional<std::string> din;
  std::string request_id;
  std::string after_state;           // Any.value.
  std::string previous_entity_hash;  // Empty for an entity's first record.
};

// The record of `spec` as a service stores it: deterministic AuditRecord
// bytes signed by `key` over RecordSignatureMessage, columns from `spec`.
// INTERNAL: serialization or signing failed.
absl::StatusOr<StoredRecord> MakeStoredRecord(
    const RecordSpec& spec, const crypto::Ed25519PrivateKey& key,
    uint64_t log_index);

class SyntheticLog {
 public:
  // Two services, "donor" and "qc", each with a fresh key valid from
  // KeysValidFrom(), and a fresh checkpoint key named kTestOrigin.
  // INTERNAL: key generation failed.
  static absl::StatusOr<std::unique_ptr<SyntheticLog>> Create();

  static absl::Time KeysValidFrom();

  // Appends the next record of entity_type/entity_id, by `service`, chained
  // to the entity's previous record, recorded one second after the log's
  // previous record. Its after_state is "<action>#<log index>".
  // INVALID_ARGUMENT: unknown service; INTERNAL as MakeStoredRecord.
  absl::Status Append(const std::string& service,
                      const std::string& entity_type,
                      const std::string& entity_id, const std::string& action,
                      std::optional<std::string> din = std::nullopt);

  // Signs a checkpoint of the log at its current size and keeps it.
  absl::Status Checkpoint();

  // The complete log: every record, both keys, the checkpoint verifier,
  // every checkpoint; with `proofs`, the inclusion proof of every
  // checkpointed record against the latest checkpoint and consistency proofs
  // between successive checkpoints; each entity's current state, equal to
  // the after_state of its latest record.
  VerifyInput Input(bool proofs = true) const;

  // The whole log as the audit service exports it: a complete bundle of
  // `input` (this log's Input(), passed in because it costs a proof per
  // record), the log's verifier key, `query`, and tree_size the size of the
  // latest checkpoint (0 before the first). exported_at stays unset.
  Bundle WholeLogBundle(const VerifyInput& input, std::string query) const;

  // A checkpoint of any content signed by the log's key (for forks).
  absl::StatusOr<std::string> SignCheckpoint(uint64_t size,
                                             const Hash& root) const;

  const std::vector<StoredRecord>& records() const { return records_; }
  std::vector<Hash> Leaves() const;
  const crypto::Ed25519PrivateKey& key(const std::string& service) const {
    return keys_.at(service);
  }
  const NoteSigner& log_signer() const { return log_signer_; }
  // The spec a record was made from (to forge variants of it).
  const RecordSpec& spec(size_t position) const { return specs_[position]; }
  absl::Time next_time() const { return next_time_; }

 private:
  explicit SyntheticLog(NoteSigner log_signer)
      : log_signer_(std::move(log_signer)) {}

  NoteSigner log_signer_;
  std::map<std::string, crypto::Ed25519PrivateKey> keys_;
  std::vector<SigningKeyInfo> key_infos_;
  std::vector<StoredRecord> records_;
  std::vector<RecordSpec> specs_;
  std::map<std::pair<std::string, std::string>, size_t> heads_;
  std::vector<std::string> checkpoints_;
  std::vector<uint64_t> checkpoint_sizes_;
  MerkleFrontier frontier_;
  absl::Time next_time_;
};

}  // namespace cellchain::ledger::testing

#endif  // CELLCHAIN_SERVICES_LEDGER_VERIFIER_TESTING_H_
