#include "services/ledger/sequencer.h"

#include <libpq-fe.h>

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/encoding.h"
#include "services/common/log/log.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::ledger {
namespace {

constexpr int kMaxBatchSize = 1000000;

constexpr char kHeldReason[] =
    "registered in the database but not in this sequencer's keyring: its "
    "records stay pending until a sequencer whose keyring lists it leads "
    "(a key rotation's rollout not finished, or a key QA never trusted)";
constexpr char kHeldBehindReason[] =
    "its records follow a held record of the same entity and wait for it";

std::string Str(uint64_t value) { return absl::StrCat(value); }

std::string StatusText(const absl::Status& status) {
  return std::string(status.ToString());
}

absl::Status Inconsistent(std::string_view message) {
  return FailedRule(kReasonLogInconsistent, message);
}

absl::Status CheckPositive(absl::Duration duration, std::string_view name) {
  if (duration <= absl::ZeroDuration()) {
    return InvalidField(name, "must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sequencer>> Sequencer::Create(
    SequencerOptions options, crypto::Ed25519PrivateKey key) {
  std::vector<crypto::Ed25519PrivateKey> keys;
  keys.push_back(std::move(key));
  return Create(std::move(options), std::move(keys));
}

absl::StatusOr<std::unique_ptr<Sequencer>> Sequencer::Create(
    SequencerOptions options, std::vector<crypto::Ed25519PrivateKey> keys) {
  if (keys.empty()) {
    return InvalidField("keys", "the sequencer needs a checkpoint key");
  }
  if (options.conninfo.empty()) {
    return InvalidField("conninfo", "the sequencer needs a conninfo");
  }
  if (!IsValidKeyName(options.origin)) {
    return InvalidField("origin",
                        "must be a valid note key name (no spaces or '+')");
  }
  if (options.batch_size < 1 || options.batch_size > kMaxBatchSize) {
    return InvalidField("batch_size",
                        absl::StrCat("must be 1 to ", kMaxBatchSize));
  }
  CC_RETURN_IF_ERROR(CheckPositive(options.idle_poll, "idle_poll"));
  CC_RETURN_IF_ERROR(CheckPositive(options.standby_poll, "standby_poll"));
  CC_RETURN_IF_ERROR(
      CheckPositive(options.checkpoint_interval, "checkpoint_interval"));
  CC_RETURN_IF_ERROR(CheckPositive(options.rejoin_delay, "rejoin_delay"));
  if (options.checkpoint_interval > absl::Seconds(1)) {
    return InvalidField("checkpoint_interval",
                        "must be at most 1 s: a checkpoint is due at least "
                        "once a second while records arrive");
  }
  CC_ASSIGN_OR_RETURN(Admission admission, Admission::Create(options.keyring));
  std::vector<NoteSigner> signers;
  std::set<std::string> public_keys;
  for (crypto::Ed25519PrivateKey& key : keys) {
    if (!public_keys.insert(key.PublicKeyRaw()).second) {
      return InvalidField("keys", "the same checkpoint key is given twice");
    }
    CC_ASSIGN_OR_RETURN(NoteSigner signer,
                        NoteSigner::Create(options.origin, std::move(key)));
    signers.push_back(std::move(signer));
  }
  return std::unique_ptr<Sequencer>(new Sequencer(
      std::move(options), std::move(signers), std::move(admission)));
}

Sequencer::Sequencer(SequencerOptions options, std::vector<NoteSigner> signers,
                     Admission admission)
    : options_(std::move(options)),
      signers_(std::move(signers)),
      admission_(std::move(admission)) {}

std::vector<NoteVerifier> Sequencer::verifiers() const {
  std::vector<NoteVerifier> verifiers;
  for (const NoteSigner& signer : signers_) {
    verifiers.push_back(signer.verifier());
  }
  return verifiers;
}

Sequencer::~Sequencer() { Stop(); }

void Sequencer::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
    state_.running = true;
  }
  thread_ = std::thread(&Sequencer::Run, this);
}

void Sequencer::Stop() {
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  state_.running = false;
}

SequencerState Sequencer::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

bool Sequencer::WaitForStop(absl::Duration duration) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), duration);
  return stopping_;
}

bool Sequencer::Stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void Sequencer::RecordError(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  state_.last_error = status;
}

void Sequencer::Run() {
  bool standby_logged = false;
  bool connect_error_logged = false;
  while (!Stopping()) {
    if (!leader_) {
      absl::StatusOr<bool> acquired = TryAcquire();
      if (!acquired.ok()) {
        // The database is unreachable: keep trying, say so once.
        if (!connect_error_logged) {
          log::Warning("sequencer.database_unavailable",
                       {{"origin", options_.origin},
                        {"error", StatusText(acquired.status())}});
          connect_error_logged = true;
        }
        RecordError(acquired.status());
        connection_.reset();
        {
          absl::MutexLock lock(&mu_);
          state_.backend_pid = 0;
        }
        WaitForStop(options_.standby_poll);
        continue;
      }
      connect_error_logged = false;
      if (!*acquired) {
        if (!standby_logged) {
          log::Info("sequencer.standby", {{"origin", options_.origin}});
          standby_logged = true;
        }
        WaitForStop(options_.standby_poll);
        continue;
      }
      standby_logged = false;
      absl::Status taken = TakeOver();
      if (!taken.ok()) {
        log::Error("sequencer.takeover_refused",
                   {{"origin", options_.origin}, {"error", StatusText(taken)}});
        RecordError(taken);
        StepDown(/*graceful=*/true, taken);
        WaitForStop(options_.rejoin_delay);
      }
      continue;
    }

    int integrated = 0;
    absl::Status status = RunBatch(&integrated);
    if (status.ok() && integrated == 0 && CheckpointDue(frontier_.size())) {
      status = CheckpointAlone();
    }
    if (!status.ok()) {
      // Whatever failed was rolled back; the in-memory frontier was not
      // advanced. Rather than guess, give the lock up and re-read
      // everything at the next takeover (ours or a standby's).
      RecordError(status);
      bool session_alive =
          !absl::IsUnavailable(status) && connection_->IsAlive();
      StepDown(/*graceful=*/session_alive, status);
      WaitForStop(options_.rejoin_delay);
      continue;
    }
    // A full batch means more is probably waiting: go on at once.
    if (integrated < options_.batch_size) WaitForStop(options_.idle_poll);
  }

  if (leader_) {
    // Sign what is integrated but not signed, so that no record waits for
    // the next leader to be in a checkpoint.
    absl::Status signed_last = absl::OkStatus();
    if (frontier_.size() > checkpointed_size_) signed_last = CheckpointAlone();
    if (!signed_last.ok()) RecordError(signed_last);
    StepDown(/*graceful=*/signed_last.ok(), signed_last);
  }
  connection_.reset();
  absl::MutexLock lock(&mu_);
  state_.backend_pid = 0;
}

absl::StatusOr<bool> Sequencer::TryAcquire() {
  if (connection_.has_value() && !connection_->IsAlive()) connection_.reset();
  if (!connection_.has_value()) {
    CC_ASSIGN_OR_RETURN(pg::Connection connection,
                        pg::Connection::Open(options_.conninfo));
    connection_.emplace(std::move(connection));
    absl::MutexLock lock(&mu_);
    state_.backend_pid = PQbackendPID(connection_->get());
  }
  // A hot standby grants advisory locks too, but the lock that counts lives
  // on the primary, and a leader there could not write anyway. (What the
  // server last reported: a server turned read-only in place is seen at the
  // poll after.)
  if (connection_->ServerIsReadOnly()) {
    return absl::UnavailableError(
        "the database server is read-only (a standby or a demoted primary): "
        "the sequencer does not campaign there");
  }
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      connection_->Exec("SELECT pg_try_advisory_lock($1::bigint)",
                        {kSequencerLockKey}));
  return result.GetBool(0, 0);
}

absl::Status Sequencer::TakeOver() {
  LogStore store(*connection_);
  CC_ASSIGN_OR_RETURN(uint64_t size, store.TreeSize());
  absl::StatusOr<MerkleFrontier> frontier = store.ReadFrontier(size);
  if (absl::IsDataLoss(frontier.status())) {
    return Inconsistent(std::string(frontier.status().message()));
  }
  CC_RETURN_IF_ERROR(frontier.status());

  absl::StatusOr<StoredCheckpoint> latest = store.LatestCheckpoint();
  if (!latest.ok() && !absl::IsNotFound(latest.status())) {
    return latest.status();
  }
  if (latest.ok()) {
    const StoredCheckpoint& checkpoint = *latest;
    if (checkpoint.tree_size > size) {
      return Inconsistent(absl::StrCat("the latest checkpoint is of tree size ",
                                       checkpoint.tree_size,
                                       " but the log holds ", size, " leaves"));
    }
    Hash root = frontier->Root();
    if (checkpoint.tree_size < size) {
      absl::StatusOr<Hash> past = store.RootAt(checkpoint.tree_size);
      if (absl::IsDataLoss(past.status())) {
        return Inconsistent(std::string(past.status().message()));
      }
      CC_RETURN_IF_ERROR(past.status());
      root = *past;
    }
    if (root != checkpoint.root) {
      return Inconsistent(
          absl::StrCat("the root of checkpoint ", checkpoint.tree_size, " is ",
                       HashHex(checkpoint.root),
                       " but the stored tree hashes give ", HashHex(root)));
    }
    // The row and its signed note must say the same; and it must carry a
    // valid signature by a key we trust (ours or a retired one).
    absl::StatusOr<Note> note = ParseNote(checkpoint.note);
    absl::StatusOr<Checkpoint> parsed =
        note.ok() ? ParseCheckpoint(note->text)
                  : absl::StatusOr<Checkpoint>(note.status());
    if (!parsed.ok()) {
      return Inconsistent(
          absl::StrCat("the note of checkpoint ", checkpoint.tree_size,
                       " does not parse: ", parsed.status().message()));
    }
    if (parsed->origin != options_.origin) {
      return Inconsistent(absl::StrCat(
          "the log's checkpoints name origin \"", parsed->origin,
          "\" but this sequencer signs for \"", options_.origin, "\""));
    }
    if (parsed->size != checkpoint.tree_size ||
        parsed->root != checkpoint.root) {
      return Inconsistent(
          absl::StrCat("the note of checkpoint ", checkpoint.tree_size,
                       " states size ", parsed->size, " and root ",
                       HashHex(parsed->root), ", not its row's"));
    }
    std::vector<NoteVerifier> trusted = verifiers();
    trusted.insert(trusted.end(), options_.trusted_checkpoint_keys.begin(),
                   options_.trusted_checkpoint_keys.end());
    absl::StatusOr<VerifiedNote> verified = VerifyNote(checkpoint.note, trusted);
    if (!verified.ok()) {
      return Inconsistent(absl::StrCat(
          ReasonOf(verified.status()) == kReasonNoteNotSigned
              ? "checkpoint " : "the signature of checkpoint ",
          checkpoint.tree_size,
          ReasonOf(verified.status()) == kReasonNoteNotSigned
              ? " is signed by no checkpoint key this sequencer trusts: "
              : " does not verify: ",
          verified.status().message()));
    }
  }

  frontier_ = *std::move(frontier);
  checkpointed_size_ = latest.ok() ? latest->tree_size : 0;
  last_checkpoint_time_.reset();  // sign at the first chance
  held_ = 0;
  alerted_keys_.clear();
  leader_ = true;
  int backend_pid = PQbackendPID(connection_->get());
  {
    absl::MutexLock lock(&mu_);
    state_.is_leader = true;
    state_.backend_pid = backend_pid;
    state_.tree_size = frontier_.size();
    if (latest.ok()) {
      state_.last_checkpoint =
          SignedCheckpoint{latest->tree_size, latest->root, latest->note};
    } else {
      state_.last_checkpoint.reset();
    }
    ++state_.terms;
    state_.takeover_rows_read = store.stats().rows;
    state_.last_error = absl::OkStatus();
  }
  log::Info("sequencer.leader", {{"origin", options_.origin},
                                 {"tree_size", Str(frontier_.size())},
                                 {"checkpoint_size", Str(checkpointed_size_)},
                                 {"backend_pid", Str(backend_pid)},
                                 {"rows_read", Str(store.stats().rows)}});
  return absl::OkStatus();
}

bool Sequencer::CheckpointDue(uint64_t size) const {
  if (size <= checkpointed_size_) return false;
  if (!last_checkpoint_time_.has_value()) return true;
  auto elapsed = std::chrono::steady_clock::now() - *last_checkpoint_time_;
  return absl::FromChrono(elapsed) >= options_.checkpoint_interval;
}

absl::StatusOr<SignedCheckpoint> Sequencer::Sign(
    const MerkleFrontier& frontier) const {
  Checkpoint checkpoint;
  checkpoint.origin = options_.origin;
  checkpoint.size = frontier.size();
  checkpoint.root = frontier.Root();
  CC_ASSIGN_OR_RETURN(std::string text, FormatCheckpoint(checkpoint));
  std::vector<const NoteSigner*> signers;
  for (const NoteSigner& signer : signers_) signers.push_back(&signer);
  CC_ASSIGN_OR_RETURN(std::string note, SignNote(text, signers));
  return SignedCheckpoint{checkpoint.size, checkpoint.root, std::move(note)};
}

absl::Status Sequencer::RunBatch(int* integrated) {
  *integrated = 0;
  LogStore store(*connection_);
  CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(*connection_));
  // Admission: only what a trusted key signed enters the log.
  CC_ASSIGN_OR_RETURN(std::vector<LogStore::PendingRecord> pending,
                      store.ReadPending(options_.batch_size + held_));
  std::vector<AdmissionInput> inputs;
  inputs.reserve(pending.size());
  for (const LogStore::PendingRecord& p : pending) {
    inputs.push_back({.key_id = p.key_id,
                      .service = p.service,
                      .record_bytes = p.record_bytes,
                      .signature = p.signature,
                      .queued_leaf_hash = p.queued_leaf_hash});
  }
  std::vector<std::optional<std::string>> refusals =
      admission_.CheckAll(inputs);
  std::vector<int64_t> admitted;
  admitted.reserve(pending.size());
  int64_t refused = 0;
  // Held: left pending for a leader whose keyring lists the key. A record
  // of an entity with a held record before it is held too, so that every
  // chain still enters the log in its order (the verifier's ENTITY_CHAIN).
  std::map<std::string, int64_t> held_by_key;
  std::set<std::pair<std::string, std::string>> held_entities;
  int64_t held = 0;
  for (size_t i = 0; i < pending.size(); ++i) {
    const LogStore::PendingRecord& p = pending[i];
    std::pair<std::string, std::string> entity(p.entity_type, p.entity_id);
    bool awaits_key = refusals[i].has_value() && p.key_registered &&
                      options_.keyring.Find(p.key_id) == nullptr;
    if (held_entities.contains(entity) || awaits_key) {
      held_entities.insert(std::move(entity));
      ++held_by_key[p.key_id];
      ++held;
      continue;
    }
    if (!refusals[i].has_value()) {
      admitted.push_back(p.seq);
      continue;
    }
    log::Error("sequencer.record_refused", {{"record_id", p.record_id},
                                            {"service", p.service},
                                            {"key_id", p.key_id},
                                            {"reason", *refusals[i]}});
    CC_RETURN_IF_ERROR(store.RefusePending(p.seq, p.record_id, *refusals[i]));
    ++refused;
  }
  held_ = static_cast<int>(held);
  for (const auto& [key_id, records] : held_by_key) {
    // An alert once per key and term, naming the key, never a record.
    if (!alerted_keys_.insert(key_id).second) continue;
    log::Error("sequencer.records_held",
               {{"origin", options_.origin},
                {"key_id", key_id},
                {"records", Str(records)},
                {"reason", options_.keyring.Find(key_id) == nullptr
                               ? kHeldReason
                               : kHeldBehindReason}});
  }
  {
    absl::MutexLock lock(&mu_);
    state_.records_refused += refused;
    state_.records_held = held;
    state_.held_key_ids.clear();
    for (const auto& [key_id, records] : held_by_key) {
      state_.held_key_ids.push_back(key_id);
    }
  }
  CC_ASSIGN_OR_RETURN(LogStore::Integrated batch,
                      store.IntegratePending(frontier_.size(),
                                             std::span<const int64_t>(admitted)));
  for (const std::string& record_id : batch.duplicate_record_ids) {
    log::Warning(
        "sequencer.duplicate_pending",
        {{"record_id", record_id}, {"note", "queued twice; integrated once"}});
  }
  if (batch.leaves.empty()) {
    // Commit still: duplicates, if any, were removed from pending.
    return tx.Commit();
  }

  MerkleFrontier next = frontier_;
  std::vector<TreeNode> completed;
  completed.reserve(batch.leaves.size() * 2 + 64);
  for (const Hash& leaf : batch.leaves) next.Append(leaf, &completed);
  CC_RETURN_IF_ERROR(store.InsertTreeNodes(completed));

  // The checkpoint goes into the batch's own transaction: it commits with
  // the entries it covers, or not at all.
  std::optional<SignedCheckpoint> checkpoint;
  if (CheckpointDue(next.size())) {
    CC_ASSIGN_OR_RETURN(checkpoint, Sign(next));
    CC_RETURN_IF_ERROR(store.InsertCheckpoint(
        checkpoint->tree_size, checkpoint->root, checkpoint->note));
  }
  if (options_.before_commit_for_testing) {
    CC_RETURN_IF_ERROR(options_.before_commit_for_testing());
  }
  CC_RETURN_IF_ERROR(tx.Commit());

  frontier_ = std::move(next);
  *integrated = static_cast<int>(batch.leaves.size());
  {
    absl::MutexLock lock(&mu_);
    state_.tree_size = frontier_.size();
    state_.records_integrated += *integrated;
    ++state_.batches;
  }
  if (checkpoint.has_value()) Committed(*checkpoint);
  return absl::OkStatus();
}

absl::Status Sequencer::CheckpointAlone() {
  LogStore store(*connection_);
  CC_ASSIGN_OR_RETURN(SignedCheckpoint checkpoint, Sign(frontier_));
  CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(*connection_));
  CC_RETURN_IF_ERROR(store.InsertCheckpoint(checkpoint.tree_size,
                                            checkpoint.root, checkpoint.note));
  CC_RETURN_IF_ERROR(tx.Commit());
  Committed(checkpoint);
  return absl::OkStatus();
}

void Sequencer::Committed(const SignedCheckpoint& checkpoint) {
  checkpointed_size_ = checkpoint.tree_size;
  last_checkpoint_time_ = std::chrono::steady_clock::now();
  {
    absl::MutexLock lock(&mu_);
    state_.last_checkpoint = checkpoint;
  }
  log::Info("sequencer.checkpoint", {{"origin", options_.origin},
                                     {"tree_size", Str(checkpoint.tree_size)},
                                     {"root", HashHex(checkpoint.root)}});
  if (options_.on_checkpoint) options_.on_checkpoint(checkpoint);
}

void Sequencer::StepDown(bool graceful, const absl::Status& why) {
  if (graceful && connection_.has_value()) {
    absl::StatusOr<pg::Result> unlocked = connection_->Exec(
        "SELECT pg_advisory_unlock($1::bigint)", {kSequencerLockKey});
    // Closing the session releases the lock as surely.
    if (!unlocked.ok()) connection_.reset();
  } else {
    connection_.reset();
  }
  bool was_leader = leader_;
  leader_ = false;
  {
    absl::MutexLock lock(&mu_);
    state_.is_leader = false;
    if (!connection_.has_value()) state_.backend_pid = 0;
  }
  if (!was_leader) return;
  if (why.ok()) {
    log::Info(
        "sequencer.leadership_released",
        {{"origin", options_.origin}, {"tree_size", Str(frontier_.size())}});
  } else {
    log::Error("sequencer.leadership_lost",
               {{"origin", options_.origin},
                {"tree_size", Str(frontier_.size())},
                {"error", StatusText(why)}});
  }
}

}  // namespace cellchain::ledger
