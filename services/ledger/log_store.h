// LogStore: the persisted Merkle log of the audit ledger, over the tables of
// schema cellchain_audit (services/audit/migrations/0001_ledger.sql):
//   log_entries  one row per leaf: log_index (contiguous from 0), record_id,
//                leaf_hash (level 0 of the tree);
//   tree_nodes   the hash of every completed perfect subtree of level >= 1;
//   checkpoints  the signed checkpoints (C2SP signed notes).
//
// Because every perfect subtree is stored once it is complete, anything the
// log must answer is a handful of stored hashes, read in ONE query:
//   - the frontier of the tree of size n (the perfect subtrees making up
//     [0, n), one per set bit of n: at most 64 rows), so that a sequencer
//     resumes without replaying any leaf;
//   - the root at any past size (the same rows for that size);
//   - inclusion and consistency proofs: O(log n) rows (merkle.h's
//     *ProofRanges, resolved through ResolveProof).
// stats() counts the round trips and rows, so tests and benchmarks can check
// those claims by count rather than by time.
//
// The writing half (IntegratePending, InsertTreeNodes, InsertCheckpoint) is
// the sequencer's (sequencer.h): it runs inside the sequencer's transaction,
// as role cellchain_audit, while that session holds the leader lock.
//
// Errors shared by every method: those of the connection (pg/error.h;
// UNAVAILABLE when it is lost), and INTERNAL when a row does not have the
// shape the schema promises (e.g. a hash that is not 32 bytes).
//
// Thread-safety: a LogStore is a view over one pg::Connection and belongs,
// like it, to one thread at a time. It holds no state besides its counters,
// so make one wherever a connection is at hand (e.g. per pool lease). The
// connection must outlive it.
#ifndef CELLCHAIN_SERVICES_LEDGER_LOG_STORE_H_
#define CELLCHAIN_SERVICES_LEDGER_LOG_STORE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/pg/connection.h"
#include "services/ledger/merkle.h"

namespace cellchain::ledger {

// One leaf of the log.
struct LogEntry {
  uint64_t log_index = 0;
  std::string record_id;
  Hash leaf_hash{};
};

// A checkpoint as stored: the signed note verbatim, and the size and root it
// was inserted with (which verification compares with the note's own).
struct StoredCheckpoint {
  uint64_t tree_size = 0;
  Hash root{};
  std::string note;
  absl::Time created_at;  // server time of the inserting transaction
};

// What a LogStore asked of the server since it was made.
struct LogStoreStats {
  int64_t queries = 0;  // statements sent, i.e. round trips
  int64_t rows = 0;     // rows received
};

class LogStore {
 public:
  explicit LogStore(pg::Connection& connection) : connection_(&connection) {}

  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // ---- Reads. -----------------------------------------------------------

  // The number of leaves in the log: max(log_index) + 1, 0 when empty. One
  // row (the primary key's last entry).
  absl::StatusOr<uint64_t> TreeSize();

  // The frontier of the tree of size `size` from the stored perfect
  // subtrees, in one query of popcount(size) rows; no leaf is re-read.
  // OUT_OF_RANGE: the log holds fewer than `size` leaves.
  // DATA_LOSS: the log reaches `size` but a subtree hash is missing (a row
  //   was removed behind the application's back).
  absl::StatusOr<MerkleFrontier> ReadFrontier(uint64_t size);

  // The root of the tree of size `size` (EmptyRoot() for 0), from the same
  // rows as ReadFrontier. Errors: as ReadFrontier.
  absl::StatusOr<Hash> RootAt(uint64_t size);

  // The inclusion proof of leaf `index` in the tree of size `size`
  // (RFC 9162 2.1.3.1), from the stored hashes in one query of at most
  // 2 log2(size) + 1 rows.
  // INVALID_ARGUMENT: index >= size.
  // OUT_OF_RANGE, DATA_LOSS: as ReadFrontier.
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index,
                                                   uint64_t size);

  // The consistency proof between the trees of sizes size1 and size2
  // (RFC 9162 2.1.4.1), in one query of O(log size2) rows (none when the
  // proof is empty and size2 is 0).
  // INVALID_ARGUMENT: size1 > size2.
  // OUT_OF_RANGE (size2 beyond the log), DATA_LOSS: as ReadFrontier.
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1,
                                                     uint64_t size2);

  // The hashes of the given perfect subtrees, in order, in one query: level
  // 0 from log_entries.leaf_hash, level >= 1 from tree_nodes. Each row is a
  // primary-key lookup.
  // INVALID_ARGUMENT: a range is not perfect.
  // NOT_FOUND: a subtree is not stored (not complete yet, or lost); the
  //   message names it.
  absl::StatusOr<std::vector<Hash>> ReadPerfectSubtrees(
      std::span<const NodeRange> ranges);

  // The entry of a record. NOT_FOUND: the record is not in the log (not
  // integrated yet, or unknown).
  absl::StatusOr<LogEntry> EntryByRecordId(std::string_view record_id);
  // The entry at `log_index`. NOT_FOUND: no such index.
  absl::StatusOr<LogEntry> EntryAt(uint64_t log_index);

  // The checkpoint of the largest tree size. NOT_FOUND: none yet.
  absl::StatusOr<StoredCheckpoint> LatestCheckpoint();
  // The checkpoint of exactly `tree_size`. NOT_FOUND: none at that size.
  absl::StatusOr<StoredCheckpoint> CheckpointAt(uint64_t tree_size);

  // ---- Writes: the sequencer's, inside a transaction (pg::Transaction) open
  // on this connection. Each returns FAILED_PRECONDITION without sending
  // anything when no transaction is open, so that a batch can never be
  // written half.

  // What IntegratePending did.
  struct Integrated {
    // Leaf hashes of the new entries, in index order from first_index.
    std::vector<Hash> leaves;
    // Pending rows removed without an entry because their record is in the
    // log already (or twice in this batch): a writer queued it twice. Left
    // in place they would fail every batch on log_entries' UNIQUE
    // (record_id) and stop the log; the caller should report them.
    std::vector<std::string> duplicate_record_ids;
  };

  // Moves up to `limit` committed pending rows into the log: deletes them
  // from cellchain_audit.pending in seq order and inserts them into
  // log_entries with the indexes first_index, first_index + 1, ... in that
  // order, all in one statement. Rows of transactions that have not
  // committed are invisible here and are taken by a later call.
  // INVALID_ARGUMENT: limit < 1.
  // ALREADY_EXISTS: an index is taken already (first_index is not the tree
  //   size: another writer, or a stale caller).
  absl::StatusOr<Integrated> IntegratePending(uint64_t first_index, int limit);

  // A committed pending row with what the sequencer checks before it lets
  // the record into the log.
  struct PendingRecord {
    int64_t seq = 0;
    std::string record_id;
    std::string queued_leaf_hash;  // pending.leaf_hash as stored
    std::string record_bytes;
    std::string signature;
    std::string key_id;   // records.key_id
    std::string service;  // records.service
    std::string entity_type;
    std::string entity_id;
    // signing_keys registers key_id for this service. The database cannot
    // vouch for a key (keyring.h); this only tells a key the sequencer's
    // keyring does not list yet from one nobody registered.
    bool key_registered = false;
  };
  // The oldest `limit` committed pending rows in seq order, with their
  // records. INVALID_ARGUMENT: limit < 1.
  absl::StatusOr<std::vector<PendingRecord>> ReadPending(int limit);

  // As IntegratePending(first_index, limit), for exactly the pending rows
  // numbered `seqs` (those ReadPending returned and the caller accepted),
  // whatever else has been queued since.
  absl::StatusOr<Integrated> IntegratePending(uint64_t first_index,
                                              std::span<const int64_t> seqs);

  // Takes pending row `seq` out of the queue without an entry, and keeps
  // its record in cellchain_audit.refused_records with `reason` (once per
  // record). The record stays in `records`, outside the log, where
  // verification reports it.
  absl::Status RefusePending(int64_t seq, std::string_view record_id,
                             std::string_view reason);

  // Inserts the nodes of level >= 1 (level 0 lives in log_entries and is
  // skipped) in one multi-row statement.
  // ALREADY_EXISTS: a node is stored already.
  absl::Status InsertTreeNodes(std::span<const TreeNode> nodes);

  // Inserts a signed checkpoint. ALREADY_EXISTS: one of that size exists.
  absl::Status InsertCheckpoint(uint64_t tree_size, const Hash& root,
                                std::string_view note);

  const LogStoreStats& stats() const { return stats_; }

 private:
  absl::StatusOr<pg::Result> Exec(std::string_view sql,
                                  const pg::Params& params,
                                  pg::ResultFormat format);
  absl::Status RequireTransaction(std::string_view what) const;
  absl::StatusOr<Integrated> Integrate(const std::string& sql,
                                       uint64_t first_index,
                                       const pg::Params& params);
  // ReadPerfectSubtrees of `perfect` plus the leaf size - 1 (when size > 0),
  // which tells "beyond the log" (OUT_OF_RANGE) from a lost row (DATA_LOSS).
  absl::StatusOr<std::vector<Hash>> ReadWithinSize(
      std::span<const NodeRange> perfect, uint64_t size);
  absl::StatusOr<std::vector<Hash>> ResolveWithinSize(
      std::span<const NodeRange> ranges, uint64_t size);

  pg::Connection* connection_;
  LogStoreStats stats_;
};

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_LOG_STORE_H_
