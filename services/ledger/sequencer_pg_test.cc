// The sequencer against a real PostgreSQL: records appended through
// Ledger::Append (as a service role) are integrated by Sequencer (as role
// cellchain_audit) into contiguous log indexes, tree hashes equal to the
// in-memory RFC 6962 tree, and checkpoints that verify; across restarts,
// failed and killed batches, late commits, and two sequencers competing for
// the lead.
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cellchain/common/v1/common.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/random.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/common/testing/read_only_database.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/keyring.h"
#include "services/ledger/ledger.h"
#include "services/ledger/log_store.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"
#include "services/ledger/sequencer.h"

namespace cellchain::ledger {
namespace {

using ::cellchain::testing::TestDatabase;

// A liveness deadline, not a timing assertion: the conditions waited for
// normally hold within tens of milliseconds.
constexpr absl::Duration kDeadline = absl::Seconds(60);

bool WaitFor(const std::function<bool()>& condition,
             absl::Duration timeout = kDeadline) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return condition();
}

// Options for tests: short polls, so that the tests run quickly.
SequencerOptions FastOptions(std::string conninfo, const Keyring& keyring) {
  SequencerOptions options;
  options.keyring = keyring;
  options.conninfo = std::move(conninfo);
  options.batch_size = 16;  // several batches even for small logs
  options.idle_poll = absl::Milliseconds(5);
  options.standby_poll = absl::Milliseconds(20);
  options.checkpoint_interval = absl::Milliseconds(20);
  options.rejoin_delay = absl::Milliseconds(20);
  return options;
}

struct LogRow {
  uint64_t log_index;
  std::string record_id;
  Hash leaf_hash;
};

class SequencerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(std::string service_role,
                            db_->CreateServiceRole("test"));
    CC_ASSERT_OK_AND_ASSIGN(
        pg::Connection writer,
        pg::Connection::Open(db_->ConninfoAs(service_role)));
    writer_.emplace(std::move(writer));
    CC_ASSERT_OK_AND_ASSIGN(pg::Connection admin,
                            pg::Connection::Open(db_->conninfo()));
    admin_.emplace(std::move(admin));
    CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey key,
                            crypto::Ed25519PrivateKey::Generate());
    CC_ASSERT_OK_AND_ASSIGN(
        ledger_, Ledger::Create("test", std::move(key), RealClock()));
    // Keys are the database owner's to register, from QA's keyring.
    CC_ASSERT_OK(ledger_->RegisterKey(*admin_));
    CC_ASSERT_OK_AND_ASSIGN(
        keyring_, Keyring::Of({{"test", ledger_->public_key().Raw()}}));
    CC_ASSERT_OK_AND_ASSIGN(sequencer_key_seed_,
                            crypto::RandomBytes(crypto::kEd25519SeedSize));
  }

  std::string AuditConninfo() const {
    return db_->ConninfoAs("cellchain_audit");
  }

  // A sequencer signing with this test's sequencer key (every instance the
  // same key, as processes that all load sequencer.key).
  std::unique_ptr<Sequencer> NewSequencer(SequencerOptions options) {
    absl::StatusOr<crypto::Ed25519PrivateKey> key =
        crypto::Ed25519PrivateKey::FromSeed(sequencer_key_seed_);
    EXPECT_TRUE(key.ok()) << key.status();
    absl::StatusOr<std::unique_ptr<Sequencer>> sequencer =
        Sequencer::Create(std::move(options), *std::move(key));
    EXPECT_TRUE(sequencer.ok()) << sequencer.status();
    return sequencer.ok() ? *std::move(sequencer) : nullptr;
  }
  std::unique_ptr<Sequencer> NewSequencer() {
    return NewSequencer(FastOptions(AuditConninfo(), keyring_));
  }

  Event EventFor(const std::string& entity_id) {
    Event event;
    event.actor.set_user_id("usr_test");
    event.actor.set_printed_name("Test Technician");
    event.actor.set_role("technician");
    event.actor.set_workstation("CN=lab-ws-01");
    event.action = "test_entity.touch";
    event.entity_type = "test_entity";
    event.entity_id = entity_id;
    snapshot_.set_type("test_entity");
    snapshot_.set_id(entity_id);
    event.after_state = &snapshot_;
    event.request_id = crypto::RandomId("req");
    return event;
  }

  // Appends a record of `entity_id` in `tx` and returns the record id.
  absl::StatusOr<std::string> AppendIn(pg::Transaction& tx,
                                       const std::string& entity_id) {
    CC_ASSIGN_OR_RETURN(SignedRecord record,
                        ledger_->Append(tx, EventFor(entity_id)));
    return record.record_id;
  }

  // Appends `n` records, each committed on its own, in this order; returns
  // their ids.
  std::vector<std::string> AppendCommitted(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      absl::StatusOr<pg::Transaction> tx = pg::Transaction::Begin(*writer_);
      EXPECT_TRUE(tx.ok()) << tx.status();
      if (!tx.ok()) break;
      // A few entities, so that their chains grow too.
      absl::StatusOr<std::string> id =
          AppendIn(*tx, absl::StrCat("ent_", i % 7));
      EXPECT_TRUE(id.ok()) << id.status();
      absl::Status committed = tx->Commit();
      EXPECT_TRUE(committed.ok()) << committed;
      if (!id.ok() || !committed.ok()) break;
      ids.push_back(*id);
    }
    return ids;
  }

  std::vector<LogRow> ReadLog() {
    std::vector<LogRow> rows;
    absl::StatusOr<pg::Result> result = admin_->Exec(
        "SELECT log_index, record_id, leaf_hash FROM "
        "cellchain_audit.log_entries ORDER BY log_index",
        {}, pg::ResultFormat::kBinary);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return rows;
    for (int i = 0; i < result->rows(); ++i) {
      LogRow row;
      row.log_index = static_cast<uint64_t>(*result->GetInt64(i, 0));
      row.record_id = *result->GetString(i, 1);
      absl::StatusOr<Hash> hash = HashFromBytes(*result->GetBytes(i, 2));
      EXPECT_TRUE(hash.ok()) << hash.status();
      if (hash.ok()) row.leaf_hash = *hash;
      rows.push_back(std::move(row));
    }
    return rows;
  }

  int64_t Count(const std::string& table) {
    absl::StatusOr<pg::Result> result = admin_->Exec(
        absl::StrCat("SELECT count(*) FROM cellchain_audit.", table));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result->GetInt64(0, 0) : -1;
  }

  // RFC 6962 leaf hash of a record's stored (signed) bytes.
  Hash RecordLeaf(const std::string& record_id) {
    absl::StatusOr<pg::Result> result = admin_->Exec(
        "SELECT record_bytes FROM cellchain_audit.records"
        " WHERE record_id = $1",
        {record_id}, pg::ResultFormat::kBinary);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok() || result->rows() != 1) return Hash{};
    return LeafHash(*result->GetBytes(0, 0));
  }

  // Everything a QA auditor would check of the log as it stands, given the
  // record ids in the order they must have been integrated:
  //   - indexes 0..n-1, each record once, in that order, with its leaf;
  //   - tree_nodes == every perfect subtree of the in-memory RFC 6962 tree;
  //   - pending is empty;
  //   - every checkpoint's note verifies with the sequencer's verifier key,
  //     matches its row, and its root is RootOf the leaves up to its size;
  //   - the latest checkpoint covers the whole log.
  void ExpectLogIsExactly(const std::vector<std::string>& expected_ids,
                          const NoteVerifier& verifier) {
    std::vector<LogRow> log = ReadLog();
    ASSERT_EQ(log.size(), expected_ids.size());
    std::vector<Hash> leaves;
    for (size_t i = 0; i < log.size(); ++i) {
      ASSERT_EQ(log[i].log_index, i);
      ASSERT_EQ(log[i].record_id, expected_ids[i]) << "at index " << i;
      ASSERT_EQ(log[i].leaf_hash, RecordLeaf(expected_ids[i]));
      leaves.push_back(log[i].leaf_hash);
    }
    EXPECT_EQ(Count("pending"), 0);

    // tree_nodes as computed in memory.
    MerkleFrontier frontier;
    std::vector<TreeNode> completed;
    for (const Hash& leaf : leaves) frontier.Append(leaf, &completed);
    std::vector<TreeNode> expected_nodes;
    for (const TreeNode& node : completed) {
      if (node.range.level() >= 1) expected_nodes.push_back(node);
    }
    std::sort(expected_nodes.begin(), expected_nodes.end(),
              [](const TreeNode& a, const TreeNode& b) {
                return std::pair(a.range.level(), a.range.index()) <
                       std::pair(b.range.level(), b.range.index());
              });
    CC_ASSERT_OK_AND_ASSIGN(
        pg::Result nodes,
        admin_->Exec("SELECT level, index, hash FROM cellchain_audit.tree_nodes"
                     " ORDER BY level, index",
                     {}, pg::ResultFormat::kBinary));
    ASSERT_EQ(nodes.rows(), static_cast<int>(expected_nodes.size()));
    for (int i = 0; i < nodes.rows(); ++i) {
      const TreeNode& want = expected_nodes[i];
      ASSERT_EQ(*nodes.GetInt32(i, 0), want.range.level());
      ASSERT_EQ(static_cast<uint64_t>(*nodes.GetInt64(i, 1)),
                want.range.index());
      ASSERT_EQ(*HashFromBytes(*nodes.GetBytes(i, 2)), want.hash)
          << "node " << ToString(want.range);
    }

    // Checkpoints.
    CC_ASSERT_OK_AND_ASSIGN(
        pg::Result checkpoints,
        admin_->Exec("SELECT tree_size, root_hash, note FROM "
                     "cellchain_audit.checkpoints ORDER BY tree_size",
                     {}, pg::ResultFormat::kBinary));
    ASSERT_GT(checkpoints.rows(), 0);
    for (int i = 0; i < checkpoints.rows(); ++i) {
      uint64_t size = static_cast<uint64_t>(*checkpoints.GetInt64(i, 0));
      ASSERT_LE(size, leaves.size());
      Hash expected_root = RootOf(std::span<const Hash>(leaves.data(), size));
      EXPECT_EQ(*HashFromBytes(*checkpoints.GetBytes(i, 1)), expected_root);
      CC_ASSERT_OK_AND_ASSIGN(
          Checkpoint checkpoint,
          VerifyCheckpoint(*checkpoints.GetString(i, 2),
                           kDefaultCheckpointOrigin,
                           std::span<const NoteVerifier>(&verifier, 1)));
      EXPECT_EQ(checkpoint.size, size);
      EXPECT_EQ(checkpoint.root, expected_root);
      if (i == checkpoints.rows() - 1) {
        EXPECT_EQ(size, leaves.size());
      }
    }
  }

  NoteVerifier VerifierOf(const Sequencer& sequencer) {
    absl::StatusOr<NoteVerifier> verifier =
        NoteVerifier::FromKeyString(sequencer.verifier_key());
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return *verifier;
  }

  bool CheckpointCovers(const Sequencer& sequencer, uint64_t size) {
    SequencerState state = sequencer.state();
    return state.last_checkpoint.has_value() &&
           state.last_checkpoint->tree_size >= size;
  }

  // Appends `n` records and leads one term, until a checkpoint covers them:
  // a log with a stored checkpoint for the next leader to take over.
  void AppendAndCheckpoint(int n) {
    AppendCommitted(n);
    std::unique_ptr<Sequencer> first = NewSequencer();
    ASSERT_NE(first, nullptr);
    first->Start();
    ASSERT_TRUE(WaitFor([&] {
      return CheckpointCovers(*first, static_cast<uint64_t>(n));
    }));
    first->Stop();
  }

  std::unique_ptr<TestDatabase> db_;
  std::optional<pg::Connection> writer_;
  std::optional<pg::Connection> admin_;
  std::unique_ptr<Ledger> ledger_;
  Keyring keyring_;  // QA's: the test service's key only
  std::string sequencer_key_seed_;
  cellchain::common::v1::EntityRef snapshot_;
};

TEST_F(SequencerTest, IntegratesRecordsInPendingOrderAndSignsCheckpoints) {
  // Some records before the sequencer starts, more while it runs.
  std::vector<std::string> ids = AppendCommitted(70);
  std::vector<SignedCheckpoint> published;
  SequencerOptions options = FastOptions(AuditConninfo(), keyring_);
  options.on_checkpoint = [&](const SignedCheckpoint& checkpoint) {
    published.push_back(checkpoint);
  };
  std::unique_ptr<Sequencer> sequencer = NewSequencer(std::move(options));
  ASSERT_NE(sequencer, nullptr);
  sequencer->Start();
  std::vector<std::string> more = AppendCommitted(61);
  ids.insert(ids.end(), more.begin(), more.end());
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*sequencer, 131); }));

  SequencerState state = sequencer->state();
  EXPECT_TRUE(state.is_leader);
  EXPECT_EQ(state.tree_size, 131u);
  EXPECT_EQ(state.records_integrated, 131);
  EXPECT_GE(state.batches, 131 / 16);
  EXPECT_TRUE(state.last_error.ok()) << state.last_error;
  NoteVerifier verifier = VerifierOf(*sequencer);
  EXPECT_EQ(verifier.name(), kDefaultCheckpointOrigin);
  ExpectLogIsExactly(ids, verifier);

  // The state and the callback show what is stored.
  std::vector<LogRow> log = ReadLog();
  std::vector<Hash> leaves;
  for (const LogRow& row : log) leaves.push_back(row.leaf_hash);
  ASSERT_TRUE(state.last_checkpoint.has_value());
  EXPECT_EQ(state.last_checkpoint->root, RootOf(leaves));
  sequencer->Stop();
  ASSERT_FALSE(published.empty());
  EXPECT_EQ(published.back().tree_size, 131u);
  EXPECT_EQ(published.back().note, state.last_checkpoint->note);
  EXPECT_EQ(static_cast<int64_t>(published.size()), Count("checkpoints"));
  EXPECT_FALSE(sequencer->state().is_leader);
  EXPECT_FALSE(sequencer->state().running);
}

// Issue 26 (tests/ha/key_rotation.sh): a key rotation in one rollout. A
// replica signs with its new key, registered in the database by `cellchaind
// migrate --keyring`, while the leader still runs with the old keyring. The
// acknowledged record must wait for a leader that trusts the key, not be
// refused; a record whose signature is false is refused all the same.
TEST_F(SequencerTest, ARecordOfARegisteredKeyNotInTheKeyringWaitsForALeader) {
  std::vector<std::string> ids = AppendCommitted(3);
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey new_key,
                          crypto::Ed25519PrivateKey::Generate());
  std::string new_public = new_key.public_key().Raw();
  CC_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Ledger> rotated,
      Ledger::Create("test", std::move(new_key), RealClock()));
  CC_ASSERT_OK(rotated->RegisterKey(*admin_));
  std::vector<std::string> held_ids;
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*writer_));
    CC_ASSERT_OK_AND_ASSIGN(SignedRecord record,
                            rotated->Append(tx, EventFor("ent_rotated")));
    CC_ASSERT_OK(tx.Commit());
    held_ids.push_back(record.record_id);
  }
  // The same entity's next record, by a replica still on the old key: it
  // must not enter the log before its predecessor.
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*writer_));
    CC_ASSERT_OK_AND_ASSIGN(std::string id, AppendIn(tx, "ent_rotated"));
    CC_ASSERT_OK(tx.Commit());
    held_ids.push_back(id);
  }
  // A copy of a trusted record under another id with a false signature.
  CC_ASSERT_OK(writer_
                   ->Exec("WITH ins AS (INSERT INTO cellchain_audit.records "
                          "SELECT 'rec_false_sig', service, key_id, "
                          "recorded_at, entity_type, 'ent_false', 1, "
                          "actor_user_id, action, din, request_id, "
                          "record_bytes, $2, leaf_hash, NULL "
                          "FROM cellchain_audit.records WHERE record_id = $1 "
                          "RETURNING record_id, leaf_hash) "
                          "INSERT INTO cellchain_audit.pending "
                          "(record_id, leaf_hash) SELECT * FROM ins",
                          {ids[0], pg::Param::Bytes(std::string(64, '\x07'))})
                   .status());
  std::vector<std::string> more = AppendCommitted(2);
  ids.insert(ids.end(), more.begin(), more.end());

  // The old keyring's leader: the five trusted records in the log, the
  // rotated key's record and its successor pending, the false one refused.
  std::unique_ptr<Sequencer> old_leader = NewSequencer();
  ASSERT_NE(old_leader, nullptr);
  old_leader->Start();
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*old_leader, 5); }));
  SequencerState state = old_leader->state();
  old_leader->Stop();
  EXPECT_EQ(state.records_integrated, 5);
  EXPECT_EQ(state.records_held, 2);
  EXPECT_THAT(state.held_key_ids, ::testing::Contains(rotated->key_id()));
  EXPECT_EQ(state.records_refused, 1);
  EXPECT_EQ(Count("pending"), 2);
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result refused,
      admin_->Exec("SELECT record_id, reason FROM "
                   "cellchain_audit.refused_records"));
  ASSERT_EQ(refused.rows(), 1);
  EXPECT_EQ(*refused.GetString(0, 0), "rec_false_sig");
  EXPECT_THAT(*refused.GetString(0, 1),
              ::testing::HasSubstr("the signature does not verify with key"));

  // The rollout reaches the leader: the held records follow, in their order,
  // and the whole log verifies.
  CC_ASSERT_OK_AND_ASSIGN(
      Keyring both, Keyring::Of({{"test", ledger_->public_key().Raw()},
                                 {"test", new_public}}));
  std::unique_ptr<Sequencer> new_leader =
      NewSequencer(FastOptions(AuditConninfo(), both));
  ASSERT_NE(new_leader, nullptr);
  new_leader->Start();
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*new_leader, 7); }));
  state = new_leader->state();
  new_leader->Stop();
  EXPECT_EQ(state.records_held, 0);
  EXPECT_TRUE(state.held_key_ids.empty());
  EXPECT_EQ(state.records_refused, 0);
  ids.insert(ids.end(), held_ids.begin(), held_ids.end());
  ExpectLogIsExactly(ids, VerifierOf(*new_leader));
  EXPECT_EQ(Count("refused_records"), 1);
}

TEST_F(SequencerTest, ProofsFromTheStoreVerifyAgainstEveryCheckpoint) {
  std::unique_ptr<Sequencer> sequencer = NewSequencer();
  ASSERT_NE(sequencer, nullptr);
  sequencer->Start();
  std::vector<std::string> ids;
  // Several rounds so that there are checkpoints at several sizes.
  for (int round = 0; round < 4; ++round) {
    std::vector<std::string> more = AppendCommitted(13 + 7 * round);
    ids.insert(ids.end(), more.begin(), more.end());
    ASSERT_TRUE(
        WaitFor([&] { return CheckpointCovers(*sequencer, ids.size()); }));
  }
  sequencer->Stop();

  NoteVerifier verifier = VerifierOf(*sequencer);
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection reader,
                          pg::Connection::Open(AuditConninfo()));
  LogStore store(reader);
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result checkpoints,
      admin_->Exec("SELECT note FROM cellchain_audit.checkpoints "
                   "ORDER BY tree_size"));
  ASSERT_GE(checkpoints.rows(), 4);
  std::vector<Checkpoint> verified;
  for (int i = 0; i < checkpoints.rows(); ++i) {
    CC_ASSERT_OK_AND_ASSIGN(
        Checkpoint checkpoint,
        VerifyCheckpoint(*checkpoints.GetString(i, 0), kDefaultCheckpointOrigin,
                         std::span<const NoteVerifier>(&verifier, 1)));
    verified.push_back(checkpoint);
  }
  for (size_t c = 0; c < verified.size(); ++c) {
    const Checkpoint& checkpoint = verified[c];
    for (uint64_t index = 0; index < checkpoint.size; ++index) {
      CC_ASSERT_OK_AND_ASSIGN(LogEntry entry, store.EntryAt(index));
      CC_ASSERT_OK_AND_ASSIGN(LogEntry by_id,
                              store.EntryByRecordId(ids[index]));
      EXPECT_EQ(by_id.log_index, index);
      CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                              store.InclusionProof(index, checkpoint.size));
      CC_EXPECT_OK(VerifyInclusion(index, checkpoint.size, entry.leaf_hash,
                                   proof, checkpoint.root));
    }
    // Consistency with every later checkpoint.
    for (size_t later = c; later < verified.size(); ++later) {
      CC_ASSERT_OK_AND_ASSIGN(
          std::vector<Hash> proof,
          store.ConsistencyProof(checkpoint.size, verified[later].size));
      CC_EXPECT_OK(VerifyConsistency(checkpoint.size, verified[later].size,
                                     proof, checkpoint.root,
                                     verified[later].root));
    }
  }
}

TEST_F(SequencerTest, RestartContinuesFromTheStoredBorderWithoutReplay) {
  std::vector<std::string> ids = AppendCommitted(45);
  {
    std::unique_ptr<Sequencer> first = NewSequencer();
    ASSERT_NE(first, nullptr);
    first->Start();
    ASSERT_TRUE(WaitFor([&] { return first->state().tree_size == 45; }));
    first->Stop();
    // Stop() signed what it had integrated.
    ASSERT_TRUE(first->state().last_checkpoint.has_value());
    EXPECT_EQ(first->state().last_checkpoint->tree_size, 45u);
  }
  // Written while no sequencer runs: they wait in pending.
  std::vector<std::string> more = AppendCommitted(38);
  ids.insert(ids.end(), more.begin(), more.end());
  EXPECT_EQ(Count("pending"), 38);

  std::unique_ptr<Sequencer> second = NewSequencer();
  ASSERT_NE(second, nullptr);
  second->Start();
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*second, 83); }));
  SequencerState state = second->state();
  EXPECT_EQ(state.terms, 1);
  // The takeover read the tree size (1 row), the border of 45 = 32+8+4+1
  // (4 rows) with the leaf 44 that shows the log reaches 45 (1 row), and
  // the latest checkpoint, of size 45 (1 row): nothing beyond the border,
  // and certainly not the 45 leaves.
  EXPECT_EQ(state.takeover_rows_read, 1 + 4 + 1 + 1);
  second->Stop();
  ExpectLogIsExactly(ids, VerifierOf(*second));
}

TEST_F(SequencerTest, BatchFailingBeforeCommitLeavesNoGapNorDuplicate) {
  std::vector<std::string> ids = AppendCommitted(40);
  std::atomic<int> calls = 0;
  SequencerOptions options = FastOptions(AuditConninfo(), keyring_);
  // The second batch fails after its inserts, as if the process died there.
  options.before_commit_for_testing = [&]() -> absl::Status {
    if (++calls == 2) return absl::InternalError("injected crash");
    return absl::OkStatus();
  };
  std::unique_ptr<Sequencer> sequencer = NewSequencer(std::move(options));
  ASSERT_NE(sequencer, nullptr);
  sequencer->Start();
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*sequencer, 40); }));
  SequencerState state = sequencer->state();
  sequencer->Stop();
  EXPECT_GE(calls.load(), 4);  // 40 records in batches of 16, one redone
  // The failure cost the lead, and the next term re-read the database.
  EXPECT_EQ(state.terms, 2);
  EXPECT_EQ(state.records_integrated, 40);
  ExpectLogIsExactly(ids, VerifierOf(*sequencer));
}

TEST_F(SequencerTest, LeaderKilledMidBatchIsRedoneWithoutGapOrDuplicate) {
  std::vector<std::string> ids = AppendCommitted(37);
  // Hold a lock that the batch's tree_nodes INSERT waits for: the batch has
  // then taken pending rows and inserted log entries, uncommitted.
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection blocker,
                          pg::Connection::Open(db_->conninfo()));
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction hold,
                          pg::Transaction::Begin(blocker));
  CC_ASSERT_OK(hold.Exec("LOCK TABLE cellchain_audit.tree_nodes IN SHARE MODE")
                   .status());

  std::unique_ptr<Sequencer> sequencer = NewSequencer();
  ASSERT_NE(sequencer, nullptr);
  sequencer->Start();
  int pid = 0;
  ASSERT_TRUE(WaitFor([&] {
    pid = sequencer->state().backend_pid;
    if (!sequencer->state().is_leader || pid == 0) return false;
    absl::StatusOr<pg::Result> waiting = admin_->Exec(
        "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND "
        "wait_event_type = 'Lock' AND query LIKE '%tree_nodes%'",
        {pid});
    return waiting.ok() && waiting->rows() == 1;
  }));
  // Mid-batch: its entries exist only inside its transaction.
  EXPECT_EQ(Count("log_entries"), 0);
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result killed,
      admin_->Exec("SELECT pg_terminate_backend($1)", {pid}));
  EXPECT_TRUE(*killed.GetBool(0, 0));
  CC_ASSERT_OK(hold.Rollback());

  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*sequencer, 37); }));
  SequencerState state = sequencer->state();
  EXPECT_EQ(state.terms, 2);
  EXPECT_NE(state.backend_pid, pid);
  sequencer->Stop();
  ExpectLogIsExactly(ids, VerifierOf(*sequencer));
}

TEST_F(SequencerTest, LateCommittingWriterIsIntegratedAfterItCommits) {
  std::unique_ptr<Sequencer> sequencer = NewSequencer();
  ASSERT_NE(sequencer, nullptr);
  sequencer->Start();

  // A long transaction appends first (and so draws the smaller seq)...
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection slow_connection,
                          pg::Connection::Open(db_->conninfo()));
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction slow,
                          pg::Transaction::Begin(slow_connection));
  // (An entity of its own: its row lock would hold the others back.)
  CC_ASSERT_OK_AND_ASSIGN(std::string late_id, AppendIn(slow, "ent_slow"));
  // ... then others append and commit.
  std::vector<std::string> ids = AppendCommitted(20);
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*sequencer, 20); }));
  // Integrated without waiting for the slow one, which is not in the log.
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection reader,
                          pg::Connection::Open(AuditConninfo()));
  LogStore store(reader);
  EXPECT_TRUE(absl::IsNotFound(store.EntryByRecordId(late_id).status()));
  CC_ASSERT_OK_AND_ASSIGN(uint64_t size, store.TreeSize());
  EXPECT_EQ(size, 20u);

  CC_ASSERT_OK(slow.Commit());
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*sequencer, 21); }));
  CC_ASSERT_OK_AND_ASSIGN(LogEntry late, store.EntryByRecordId(late_id));
  EXPECT_EQ(late.log_index, 20u);  // after everything committed before it
  sequencer->Stop();
  ids.push_back(late_id);
  ExpectLogIsExactly(ids, VerifierOf(*sequencer));
}

TEST_F(SequencerTest, TwoSequencersOneLeadsAndTheOtherTakesOverOnItsDeath) {
  std::vector<std::string> ids = AppendCommitted(25);
  SequencerOptions options = FastOptions(AuditConninfo(), keyring_);
  // A leader that lost its session waits longer than a standby polls, so
  // the standby is the one to take over.
  options.rejoin_delay = absl::Seconds(3);
  std::unique_ptr<Sequencer> a = NewSequencer(options);
  std::unique_ptr<Sequencer> b = NewSequencer(options);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  a->Start();
  b->Start();
  ASSERT_TRUE(WaitFor(
      [&] { return CheckpointCovers(*a, 25) || CheckpointCovers(*b, 25); }));
  // Exactly one leads, and exactly one session holds the lock.
  auto leaders = [&] {
    return int{a->state().is_leader} + int{b->state().is_leader};
  };
  EXPECT_EQ(leaders(), 1);
  const char* kLockHolders =
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
      " AND database = (SELECT oid FROM pg_database"
      "                 WHERE datname = current_database())"
      " AND classid::bigint = $1::bigint AND objid::bigint = $2::bigint"
      " AND objsubid = 1";
  const pg::Params lock_key = {
      static_cast<uint64_t>(kSequencerLockKey) >> 32,
      static_cast<uint64_t>(kSequencerLockKey) & 0xffffffffu};
  CC_ASSERT_OK_AND_ASSIGN(pg::Result holders,
                          admin_->Exec(kLockHolders, lock_key));
  ASSERT_EQ(holders.rows(), 1);
  Sequencer* leader = a->state().is_leader ? a.get() : b.get();
  Sequencer* standby = leader == a.get() ? b.get() : a.get();
  EXPECT_EQ(*holders.GetInt32(0, 0), leader->state().backend_pid);
  EXPECT_FALSE(standby->state().is_leader);

  // Kill the leader's session: the standby takes over and continues.
  int killed_pid = leader->state().backend_pid;
  CC_ASSERT_OK(
      admin_->Exec("SELECT pg_terminate_backend($1)", {killed_pid}).status());
  std::vector<std::string> more = AppendCommitted(30);
  ids.insert(ids.end(), more.begin(), more.end());
  ASSERT_TRUE(WaitFor([&] {
    return standby->state().is_leader && !leader->state().is_leader &&
           CheckpointCovers(*standby, 55);
  }));
  EXPECT_EQ(leaders(), 1);
  CC_ASSERT_OK_AND_ASSIGN(holders, admin_->Exec(kLockHolders, lock_key));
  ASSERT_EQ(holders.rows(), 1);
  EXPECT_EQ(*holders.GetInt32(0, 0), standby->state().backend_pid);
  EXPECT_NE(standby->state().backend_pid, killed_pid);
  EXPECT_EQ(a->state().records_integrated + b->state().records_integrated, 55);

  a->Stop();
  b->Stop();
  ExpectLogIsExactly(ids, VerifierOf(*a));
}

// The leader's server turns read-only under it (a primary demoted to a
// standby): its session is killed, the sessions it opens next are read-only.
// It knows it no longer leads, does not campaign there, and once the
// database is writable again it leads anew from the last integrated index.
TEST_F(SequencerTest, LeaderOnAServerTurnedReadOnlyResumesWithoutGapOrDuplicate) {
  std::vector<std::string> ids = AppendCommitted(20);
  std::unique_ptr<Sequencer> sequencer = NewSequencer();
  ASSERT_NE(sequencer, nullptr);
  sequencer->Start();
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*sequencer, 20); }));
  const int leader_pid = sequencer->state().backend_pid;

  CC_ASSERT_OK(cellchain::testing::SetDatabaseReadOnly(*admin_, true));
  CC_ASSERT_OK(
      admin_->Exec("SELECT pg_terminate_backend($1, 10000)", {leader_pid})
          .status());
  // Records keep coming on a session opened before (still writable): they
  // wait in pending.
  std::vector<std::string> more = AppendCommitted(15);
  ids.insert(ids.end(), more.begin(), more.end());
  ASSERT_TRUE(WaitFor([&] {
    SequencerState state = sequencer->state();
    return !state.is_leader && absl::IsUnavailable(state.last_error) &&
           absl::StrContains(state.last_error.message(), "read-only");
  })) << sequencer->state().last_error;
  EXPECT_EQ(Count("log_entries"), 20);
  EXPECT_EQ(Count("pending"), 15);

  CC_ASSERT_OK(cellchain::testing::SetDatabaseReadOnly(*admin_, false));
  ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*sequencer, 35); }));
  SequencerState state = sequencer->state();
  EXPECT_EQ(state.terms, 2);
  EXPECT_NE(state.backend_pid, leader_pid);
  EXPECT_EQ(state.records_integrated, 35);
  sequencer->Stop();
  ExpectLogIsExactly(ids, VerifierOf(*sequencer));
}

TEST_F(SequencerTest, RefusesToLeadWhenTheStoredTreeContradictsACheckpoint) {
  std::vector<std::string> ids = AppendCommitted(20);
  {
    std::unique_ptr<Sequencer> first = NewSequencer();
    ASSERT_NE(first, nullptr);
    first->Start();
    ASSERT_TRUE(WaitFor([&] { return CheckpointCovers(*first, 20); }));
    first->Stop();
  }
  // Alter a stored subtree hash behind the application's back (the
  // append-only triggers do not fire for a superuser in replica mode).
  CC_ASSERT_OK(admin_->ExecScript(
      "SET session_replication_role = replica;"
      "UPDATE cellchain_audit.tree_nodes SET hash = sha256(hash)"
      " WHERE level = 4 AND index = 0;"
      "SET session_replication_role = origin;"));
  AppendCommitted(5);
  int64_t checkpoints_before = Count("checkpoints");

  std::unique_ptr<Sequencer> second = NewSequencer();
  ASSERT_NE(second, nullptr);
  second->Start();
  ASSERT_TRUE(WaitFor([&] {
    return ReasonOf(second->state().last_error) == kReasonLogInconsistent;
  }));
  SequencerState state = second->state();
  EXPECT_FALSE(state.is_leader);
  EXPECT_EQ(state.terms, 0);
  EXPECT_NE(state.last_error.message().find("checkpoint 20"), std::string::npos)
      << state.last_error;
  second->Stop();
  // Nothing was integrated on top of the inconsistent tree.
  EXPECT_EQ(Count("log_entries"), 20);
  EXPECT_EQ(Count("pending"), 5);
  EXPECT_EQ(Count("checkpoints"), checkpoints_before);
}

TEST_F(SequencerTest, RefusesToLeadWhenACheckpointNoteWasAltered) {
  ASSERT_NO_FATAL_FAILURE(AppendAndCheckpoint(9));
  // The size in the note no longer matches the row; the signature breaks.
  CC_ASSERT_OK(
      admin_->ExecScript("SET session_replication_role = replica;"
                         "UPDATE cellchain_audit.checkpoints"
                         " SET note = replace(note, E'\\n9\\n', E'\\n8\\n');"
                         "SET session_replication_role = origin;"));
  std::unique_ptr<Sequencer> second = NewSequencer();
  ASSERT_NE(second, nullptr);
  second->Start();
  ASSERT_TRUE(WaitFor([&] {
    return ReasonOf(second->state().last_error) == kReasonLogInconsistent;
  }));
  EXPECT_FALSE(second->state().is_leader);
  second->Stop();
}

// The latest checkpoint's note replaced by the same text signed by another
// key (what an insider who rewrote the tree would store): no sequencer leads
// over it unless that key is one it trusts, as a rotation's retired key is
// (decision 0021).
TEST_F(SequencerTest, LeadsOverACheckpointOnlyIfATrustedKeySignedIt) {
  ASSERT_NO_FATAL_FAILURE(AppendAndCheckpoint(9));
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result latest,
      admin_->Exec("SELECT tree_size, note FROM cellchain_audit.checkpoints "
                   "ORDER BY tree_size DESC LIMIT 1"));
  CC_ASSERT_OK_AND_ASSIGN(int64_t tree_size, latest.GetInt64(0, 0));
  CC_ASSERT_OK_AND_ASSIGN(std::string stored, latest.GetString(0, 1));
  CC_ASSERT_OK_AND_ASSIGN(Note note, ParseNote(stored));
  CC_ASSERT_OK_AND_ASSIGN(NoteSigner other,
                          NoteSigner::Generate(kDefaultCheckpointOrigin));
  CC_ASSERT_OK_AND_ASSIGN(std::string forged, SignNote(note.text, other));
  CC_ASSERT_OK(admin_->Exec(
      "SET session_replication_role = replica").status());
  CC_ASSERT_OK(admin_->Exec("UPDATE cellchain_audit.checkpoints SET note = $1 "
                            "WHERE tree_size = $2::int8",
                            {forged, absl::StrCat(tree_size)})
                   .status());
  CC_ASSERT_OK(admin_->Exec("SET session_replication_role = origin").status());

  std::unique_ptr<Sequencer> untrusting = NewSequencer();
  ASSERT_NE(untrusting, nullptr);
  untrusting->Start();
  ASSERT_TRUE(WaitFor([&] {
    return ReasonOf(untrusting->state().last_error) == kReasonLogInconsistent;
  }));
  EXPECT_FALSE(untrusting->state().is_leader);
  EXPECT_THAT(
      std::string(untrusting->state().last_error.message()),
      ::testing::HasSubstr("signed by no checkpoint key this sequencer trusts"));
  untrusting->Stop();

  SequencerOptions options = FastOptions(AuditConninfo(), keyring_);
  options.trusted_checkpoint_keys.push_back(other.verifier());
  std::unique_ptr<Sequencer> trusting = NewSequencer(std::move(options));
  ASSERT_NE(trusting, nullptr);
  trusting->Start();
  ASSERT_TRUE(WaitFor([&] { return trusting->state().is_leader; }));
  trusting->Stop();
}

TEST(SequencerCreateTest, RefusesBadOptions) {
  auto create = [](SequencerOptions options) {
    absl::StatusOr<crypto::Ed25519PrivateKey> key =
        crypto::Ed25519PrivateKey::Generate();
    EXPECT_TRUE(key.ok());
    return Sequencer::Create(std::move(options), *std::move(key)).status();
  };
  SequencerOptions good;
  good.conninfo = "dbname=x";
  absl::StatusOr<crypto::Ed25519PrivateKey> service_key =
      crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(service_key.ok());
  CC_ASSERT_OK_AND_ASSIGN(good.keyring,
                          Keyring::Of({{"test", service_key->PublicKeyRaw()}}));
  CC_EXPECT_OK(create(good));

  SequencerOptions options = good;
  options.conninfo = "";
  EXPECT_EQ(FieldOf(create(options)), "conninfo");
  options = good;
  options.origin = "has space";
  EXPECT_EQ(FieldOf(create(options)), "origin");
  options = good;
  options.batch_size = 0;
  EXPECT_EQ(FieldOf(create(options)), "batch_size");
  options = good;
  options.checkpoint_interval = absl::Milliseconds(1001);
  EXPECT_EQ(FieldOf(create(options)), "checkpoint_interval");
  options = good;
  options.idle_poll = absl::ZeroDuration();
  EXPECT_EQ(FieldOf(create(options)), "idle_poll");
  options = good;
  options.keyring = Keyring();
  EXPECT_EQ(FieldOf(create(options)), "keyring");
}

}  // namespace
}  // namespace cellchain::ledger
