// Sequencer: moves committed audit records from cellchain_audit.pending into
// the Merkle log (log indexes, tree hashes) and signs checkpoints of it
// (design brief §2; issue 3 "The sequencer").
//
// Leadership. Any number of sequencers may run against one database; one
// leads. Each keeps one dedicated connection (not from a pool) and tries
// pg_try_advisory_lock(kSequencerLockKey) on it every standby_poll. The
// session that holds this session-level lock is the leader, and the leader
// does ALL its work on that same session: if the session dies (process
// killed, pg_terminate_backend, server restart), its lock and its open batch
// transaction end together, so a leader that lost the lock can never write
// again. A standby's next poll then takes the lock. Leaderless time is
// therefore at most standby_poll plus a takeover's few queries. A session
// on a read-only server (a PostgreSQL standby, a demoted primary: libpq
// lands there when the conninfo lacks target_session_attrs=read-write, or
// the server turned read-only under it) never campaigns: it is closed and
// reopened every standby_poll until it reaches a writable server. A leader
// whose batch that server refuses (UNAVAILABLE, pg::IsReadOnlyServer) steps
// down like one whose session died. A session the server still thinks alive
// (a silent network partition) keeps the lock until TCP keepalives end it:
// set keepalives_idle / tcp_user_timeout in the conninfo where that matters.
//
// Takeover re-reads everything from the database, never from memory: the
// tree size, the frontier (popcount(size) <= 64 stored subtree hashes, one
// query; no leaf is replayed) and the latest checkpoint. It refuses to lead,
// logging an error and releasing the lock, when they disagree: a checkpoint
// of a size the log does not reach, a checkpoint whose stored root is not the
// root recomputed from the stored hashes at its size, or whose note does not
// match its row, names another origin, carries a signature by a trusted key
// that does not verify, or is signed by no trusted key (its own keys and
// SequencerOptions::trusted_checkpoint_keys). It retries after rejoin_delay.
//
// Batches. The leader loops: in ONE transaction it takes up to batch_size
// pending rows in seq order, gives them the contiguous indexes from the tree
// size on (LogStore::IntegratePending), inserts every perfect subtree they
// complete (MerkleFrontier::Append's `completed`), signs a checkpoint when
// one is due, and commits. A batch that fails rolls back whole (the
// in-memory frontier is replaced only after COMMIT succeeded); the leader
// then re-reads its state, or, when the session is gone, drops to standby.
// Pending rows only become visible when their writer commits, so a writer
// that commits late is integrated by a later batch, after records committed
// before it: never skipped, and an index once assigned never changes (the
// tables are append-only).
//
// Checkpoints. After integrating, when the tree is larger than the last
// checkpoint and checkpoint_interval has passed since it was signed, the
// leader signs a C2SP checkpoint ("<origin>\n<size>\n<base64 root>\n", key
// name = origin) with each of its checkpoint keys, one signature line each
// (several during a checkpoint key's rotation, decision 0021), and inserts it
// with the batch, or alone when the log is
// idle. A new leader signs at its first chance (a predecessor may have died
// between a batch and its checkpoint), and Stop() signs what is integrated
// but not yet signed. With the defaults a committed record is in a signed
// checkpoint within idle_poll + checkpoint_interval plus a batch's time.
//
// Thread-safety: Start, Stop and the destructor belong to one owning thread.
// state(), verifier() and verifier_key() may be called from any thread at
// any time. The loop runs on a thread of its own; on_checkpoint is called on
// it.
#ifndef CELLCHAIN_SERVICES_LEDGER_SEQUENCER_H_
#define CELLCHAIN_SERVICES_LEDGER_SEQUENCER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <set>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/pg/connection.h"
#include "services/ledger/admission.h"
#include "services/ledger/keyring.h"
#include "services/ledger/log_store.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"

namespace cellchain::ledger {

// The pg_try_advisory_lock key of the leader: "cellsequ" in ASCII. Advisory
// locks are per database, so each database has its own leader. (The
// migrations use "cellmigr", services/common/migrations.)
inline constexpr int64_t kSequencerLockKey = 0x63656c6c73657175;

// The default checkpoint origin, also the name of the signing key.
inline constexpr char kDefaultCheckpointOrigin[] = "cellchain.local/audit";

// The reason on the FAILED_PRECONDITION a refused takeover records in
// SequencerState::last_error: the persisted log contradicts itself.
inline constexpr char kReasonLogInconsistent[] = "LOG_INCONSISTENT";

// A checkpoint this sequencer signed and committed.
struct SignedCheckpoint {
  uint64_t tree_size = 0;
  Hash root{};
  std::string note;  // the C2SP signed note, as stored
};

struct SequencerOptions {
  // libpq conninfo of role cellchain_audit (SELECT and DELETE on pending,
  // INSERT on log_entries, tree_nodes, checkpoints).
  std::string conninfo;
  // The log's origin line, and the name of its note key.
  std::string origin = kDefaultCheckpointOrigin;
  // The record-signing keys QA trusts (keyring.h). A pending record enters
  // the log only if admission.h admits it (a listed key of its service, a
  // signature that verifies, its own leaf hash). One signed by a key that
  // this keyring does not list but cellchain_audit.signing_keys registers
  // for the record's service (`cellchaind migrate --keyring` ran with a
  // newer keyring than this process loaded: a key rotation in one rollout)
  // is HELD: left pending, never checked against the database's public key
  // (the database cannot vouch for a key), with every later record of the
  // same entity; an error "sequencer.records_held" names the key once per
  // term, and SequencerState counts them. A leader whose keyring lists the
  // key integrates them. Any other record that admission refuses (a bad
  // signature, a listed key of another service, a wrong leaf hash, a key
  // registered nowhere) is moved to cellchain_audit.refused_records, logged
  // as an error and counted in SequencerState::records_refused. Required,
  // not empty.
  Keyring keyring;
  // Checkpoint keys this sequencer trusts but does not sign with: a
  // rotation's retired keys (decision 0021; cellchaind passes every
  // sequencer.*.pub of its signing-key directory). At takeover the latest
  // stored checkpoint must carry a valid signature by one of its own keys or
  // of these; one signed by no trusted key is a tampered log, and it refuses
  // to lead (a forged note over a rewritten tree would otherwise be built
  // on and signed again).
  std::vector<NoteVerifier> trusted_checkpoint_keys;
  // Pending rows taken per transaction, 1 to 1,000,000.
  int batch_size = 10000;
  // Wait after a batch that found nothing pending.
  absl::Duration idle_poll = absl::Milliseconds(50);
  // A standby's wait between attempts to take the lock.
  absl::Duration standby_poll = absl::Milliseconds(500);
  // Least time between two checkpoints while records arrive, at most 1 s
  // (the brief's "at least once a second while there is traffic").
  absl::Duration checkpoint_interval = absl::Milliseconds(250);
  // Wait before contending again after losing or refusing leadership (its
  // session died, a batch failed, the log was inconsistent). Longer than
  // standby_poll, so that a healthy standby takes over first.
  absl::Duration rejoin_delay = absl::Seconds(1);
  // Called on the sequencer's thread after each checkpoint is committed
  // (e.g. to publish it). Must not block for long: the loop waits for it.
  std::function<void(const SignedCheckpoint&)> on_checkpoint;
  // Tests only: called inside each batch transaction after its inserts and
  // before COMMIT; a non-OK status makes the batch fail as a crash there
  // would (rolled back, nothing kept).
  std::function<absl::Status()> before_commit_for_testing;
};

// What a sequencer shows of itself, for logs, health and tests.
struct SequencerState {
  bool running = false;
  bool is_leader = false;
  // PostgreSQL backend pid of the sequencer's session (0 when none); while
  // leading, the session holding the lock.
  int backend_pid = 0;
  // Tree size as this sequencer last knew it (while leading: committed).
  uint64_t tree_size = 0;
  std::optional<SignedCheckpoint> last_checkpoint;
  // Times this sequencer became leader.
  int64_t terms = 0;
  // Records this sequencer integrated, and its committed batches.
  int64_t records_integrated = 0;
  // Records this sequencer refused (never in the log; see keyring).
  int64_t records_refused = 0;
  // Pending records the last batch held back (see SequencerOptions::keyring)
  // and the keys they name, sorted. Empty once a leader can admit them.
  int64_t records_held = 0;
  std::vector<std::string> held_key_ids;
  int64_t batches = 0;
  // Rows read from the log tables to restore state at the last takeover:
  // the tree size (1), the frontier (popcount(size) + 1: the border and the
  // last leaf), the latest checkpoint (1) and, when it is older, the border
  // at its size (popcount + 1). At most 132, whatever the log's size.
  int64_t takeover_rows_read = 0;
  // The last error (connection, batch, refused takeover); kept until the
  // next takeover succeeds. OK when none.
  absl::Status last_error;
};

class Sequencer {
 public:
  // `key` signs the checkpoints (the dev PKI's DIR/signing/sequencer.key).
  // Connects to nothing yet.
  // INVALID_ARGUMENT: an empty keyring (field "keyring"), empty conninfo, an origin that is not a valid key name
  //   (note.h IsValidKeyName), batch_size outside 1..1,000,000, a duration
  //   that is not positive, checkpoint_interval above 1 s.
  static absl::StatusOr<std::unique_ptr<Sequencer>> Create(
      SequencerOptions options, crypto::Ed25519PrivateKey key);
  // Every checkpoint is signed by each of `keys`, in this order: during a
  // rotation of the checkpoint key (decision 0021) the current key and the
  // next (sequencer.key, sequencer.next.key), so that a verifier trusting
  // either accepts it. The first is the one verifier() names.
  // INVALID_ARGUMENT as above, or no key or the same key twice (field
  // "keys").
  static absl::StatusOr<std::unique_ptr<Sequencer>> Create(
      SequencerOptions options, std::vector<crypto::Ed25519PrivateKey> keys);

  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;
  // Stop().
  ~Sequencer();

  // Starts the loop on its own thread (standby until it takes the lock).
  // No-op when running.
  void Start();

  // Lets the current batch finish (never cuts one short), signs a checkpoint
  // of what is integrated but not yet signed, releases leadership and joins
  // the thread. No-op when not running. The sequencer can Start() again.
  void Stop();

  SequencerState state() const;

  // The (first) key that verifies this sequencer's checkpoints.
  const NoteVerifier& verifier() const { return signers_.front().verifier(); }
  // Its verifier key string ("<origin>+<key id>+<base64>"), for the audit
  // service to publish.
  std::string verifier_key() const { return verifier().KeyString(); }
  // Every key whose signature this sequencer's checkpoints carry.
  std::vector<NoteVerifier> verifiers() const;

 private:
  Sequencer(SequencerOptions options, std::vector<NoteSigner> signers,
            Admission admission);

  void Run();
  // Waits up to `duration`, returning early (true) when Stop() was called.
  bool WaitForStop(absl::Duration duration);
  bool Stopping();

  // Standby: opens the session if needed and tries the lock once. True when
  // this sequencer now holds it.
  absl::StatusOr<bool> TryAcquire();
  // Restores the frontier and the last checkpoint from the database and
  // checks that they agree (see the file comment).
  absl::Status TakeOver();
  // One batch transaction. Sets *integrated to the records it took.
  absl::Status RunBatch(int* integrated);
  // A checkpoint of the current tree, in a transaction of its own.
  absl::Status CheckpointAlone();
  // A checkpoint of a tree of `size` leaves is due: it is larger than the
  // last checkpoint, and checkpoint_interval has passed since that one.
  bool CheckpointDue(uint64_t size) const;
  absl::StatusOr<SignedCheckpoint> Sign(const MerkleFrontier& frontier) const;
  void Committed(const SignedCheckpoint& checkpoint);
  // Ends leadership: unlocks when `graceful`, else just closes the session
  // (the server releases the lock with it).
  void StepDown(bool graceful, const absl::Status& why);
  void RecordError(const absl::Status& status);

  const SequencerOptions options_;
  const std::vector<NoteSigner> signers_;  // never empty
  const Admission admission_;

  // Owned by the loop thread.
  std::optional<pg::Connection> connection_;
  bool leader_ = false;
  MerkleFrontier frontier_;
  uint64_t checkpointed_size_ = 0;
  // Monotonic, so that a wall-clock step cannot hold checkpoints back.
  // Empty after a takeover: the first batch signs at once.
  std::optional<std::chrono::steady_clock::time_point> last_checkpoint_time_;
  // Records the last batch held: the next reads that many more rows, so
  // that held records never crowd new ones out of a batch.
  int held_ = 0;
  // Keys already alerted on in this term.
  std::set<std::string> alerted_keys_;

  std::thread thread_;  // touched by the owning thread only

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  SequencerState state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_SEQUENCER_H_
