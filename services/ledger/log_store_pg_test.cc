// LogStore against a real PostgreSQL, as role cellchain_audit: batches of any
// size give the tree of merkle.h; frontiers, roots and proofs come from the
// stored hashes in one query of O(log n) rows (counted by the store and by
// the server's own per-transaction table statistics); malformed requests,
// sizes beyond the log and lost rows are told apart.
//
// Records here are inserted by SQL with made-up bytes and zero signatures:
// the store never reads record bytes, only pending's leaf hashes (set to
// LeafHash of those bytes), and this makes logs of 20,000 leaves quick.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/log_store.h"
#include "services/ledger/merkle.h"

namespace cellchain::ledger {
namespace {

using ::cellchain::testing::TestDatabase;

std::string FakeRecordBytes(int i) { return absl::StrCat("record ", i); }

// The most rows a proof at `size` may read: every perfect subtree of the
// proof (at most 2 log2(size): one per level of the path, plus the
// decomposition of the one non-perfect range) and the leaf size - 1.
int64_t ProofRowBound(uint64_t size) {
  return 2 * static_cast<int64_t>(std::bit_width(size)) + 1;
}

class LogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(pg::Connection admin,
                            pg::Connection::Open(db_->conninfo()));
    admin_.emplace(std::move(admin));
    CC_ASSERT_OK_AND_ASSIGN(
        pg::Connection audit,
        pg::Connection::Open(db_->ConninfoAs("cellchain_audit")));
    audit_.emplace(std::move(audit));
    CC_ASSERT_OK(
        admin_->ExecScript("INSERT INTO cellchain_audit.signing_keys"
                           " (key_id, service, public_key, valid_from)"
                           " VALUES ('fake:0000000000000000', 'fake',"
                           "         decode(repeat('00', 32), 'hex'), now())"));
  }

  // Queues the fake records first..first+n-1, in that seq order.
  void QueueFake(int first, int n) {
    CC_ASSERT_OK(admin_
                     ->Exec("WITH r AS ("
                            " INSERT INTO cellchain_audit.records"
                            " (record_id, service, key_id, recorded_at,"
                            "  entity_type, entity_id, entity_seq,"
                            "  actor_user_id, action,"
                            "  request_id, record_bytes, signature, leaf_hash)"
                            " SELECT 'rec_fake_' || i, 'fake',"
                            "  'fake:0000000000000000', now(), 'fake', i::text,"
                            "  1,"
                            "  'usr_fake', 'fake.load', 'req_fake_' || i,"
                            "  convert_to('record ' || i, 'UTF8'),"
                            "  decode(repeat('00', 64), 'hex'),"
                            "  sha256('\\x00'::bytea ||"
                            "         convert_to('record ' || i, 'UTF8'))"
                            " FROM generate_series($1::int, $2::int) i"
                            " RETURNING record_id, leaf_hash)"
                            " INSERT INTO cellchain_audit.pending"
                            " (record_id, leaf_hash)"
                            " SELECT record_id, leaf_hash FROM r"
                            " ORDER BY substring(record_id FROM 10)::int",
                            {first, first + n - 1})
                     .status());
    for (int i = first; i < first + n; ++i) {
      expected_leaves_.push_back(LeafHash(FakeRecordBytes(i)));
    }
  }

  // One batch as the sequencer writes it, committed; mirrored in memory.
  void IntegrateBatch(int limit) {
    LogStore store(*audit_);
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*audit_));
    CC_ASSERT_OK_AND_ASSIGN(LogStore::Integrated batch,
                            store.IntegratePending(frontier_.size(), limit));
    std::vector<TreeNode> completed;
    for (const Hash& leaf : batch.leaves) frontier_.Append(leaf, &completed);
    CC_ASSERT_OK(store.InsertTreeNodes(completed));
    CC_ASSERT_OK(tx.Commit());
  }

  std::span<const Hash> Leaves(uint64_t size) const {
    return std::span<const Hash>(expected_leaves_.data(), size);
  }

  std::unique_ptr<TestDatabase> db_;
  std::optional<pg::Connection> admin_;
  std::optional<pg::Connection> audit_;
  std::vector<Hash> expected_leaves_;  // by log index
  MerkleFrontier frontier_;            // what has been integrated
};

TEST_F(LogStoreTest, EmptyLog) {
  LogStore store(*audit_);
  CC_ASSERT_OK_AND_ASSIGN(uint64_t size, store.TreeSize());
  EXPECT_EQ(size, 0u);
  CC_ASSERT_OK_AND_ASSIGN(Hash root, store.RootAt(0));
  EXPECT_EQ(root, EmptyRoot());
  CC_ASSERT_OK_AND_ASSIGN(MerkleFrontier frontier, store.ReadFrontier(0));
  EXPECT_EQ(frontier.size(), 0u);
  EXPECT_TRUE(absl::IsOutOfRange(store.RootAt(1).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store.InclusionProof(0, 0).status()));
  CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> empty,
                          store.ConsistencyProof(0, 0));
  EXPECT_TRUE(empty.empty());
  EXPECT_TRUE(absl::IsNotFound(store.LatestCheckpoint().status()));
  EXPECT_TRUE(absl::IsNotFound(store.EntryAt(0).status()));
  EXPECT_TRUE(absl::IsNotFound(store.EntryByRecordId("rec_none").status()));
}

TEST_F(LogStoreTest, BatchesOfAnySizeGiveTheTreeOfMerkleH) {
  QueueFake(0, 300);
  for (int limit : {1, 2, 5, 64, 100, 128}) IntegrateBatch(limit);
  ASSERT_EQ(frontier_.size(), 300u);
  LogStore store(*audit_);
  CC_ASSERT_OK_AND_ASSIGN(uint64_t size, store.TreeSize());
  EXPECT_EQ(size, 300u);
  CC_ASSERT_OK_AND_ASSIGN(pg::Result pending,
                          admin_->Exec("SELECT count(*) FROM "
                                       "cellchain_audit.pending"));
  EXPECT_EQ(*pending.GetInt64(0, 0), 0);

  // Entries: contiguous, in seq order, with their leaves.
  for (uint64_t i = 0; i < 300; ++i) {
    CC_ASSERT_OK_AND_ASSIGN(LogEntry entry, store.EntryAt(i));
    EXPECT_EQ(entry.record_id, absl::StrCat("rec_fake_", i));
    EXPECT_EQ(entry.leaf_hash, expected_leaves_[i]);
    CC_ASSERT_OK_AND_ASSIGN(LogEntry by_id,
                            store.EntryByRecordId(entry.record_id));
    EXPECT_EQ(by_id.log_index, i);
  }

  // tree_nodes: exactly the perfect subtrees of level >= 1 of the tree.
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result nodes,
      admin_->Exec("SELECT level, index, hash FROM cellchain_audit.tree_nodes"
                   " ORDER BY level, index",
                   {}, pg::ResultFormat::kBinary));
  int expected_count = 0;
  for (int level = 1; (uint64_t{1} << level) <= 300; ++level) {
    expected_count += static_cast<int>(300 >> level);
  }
  ASSERT_EQ(nodes.rows(), expected_count);
  for (int row = 0; row < nodes.rows(); ++row) {
    NodeRange range =
        PerfectNode(*nodes.GetInt32(row, 0),
                    static_cast<uint64_t>(*nodes.GetInt64(row, 1)));
    ASSERT_EQ(*HashFromBytes(*nodes.GetBytes(row, 2)),
              RootOf(std::span<const Hash>(
                  expected_leaves_.data() + range.begin, range.width())))
        << ToString(range);
  }

  // Frontier and root at every size.
  for (uint64_t s = 0; s <= 300; ++s) {
    MerkleFrontier in_memory;
    for (const Hash& leaf : Leaves(s)) in_memory.Append(leaf);
    CC_ASSERT_OK_AND_ASSIGN(MerkleFrontier stored, store.ReadFrontier(s));
    EXPECT_EQ(stored.border(), in_memory.border()) << "size " << s;
    CC_ASSERT_OK_AND_ASSIGN(Hash root, store.RootAt(s));
    EXPECT_EQ(root, RootOf(Leaves(s))) << "size " << s;
  }

  // Proofs equal merkle.h's from the leaves, and verify; one query each.
  for (uint64_t s : {1, 2, 3, 7, 8, 9, 63, 64, 65, 100, 255, 256, 257, 300}) {
    Hash root = RootOf(Leaves(s));
    PerfectSubtreeSource memory = InMemorySource(Leaves(s));
    for (uint64_t i = 0; i < s; ++i) {
      LogStoreStats before = store.stats();
      CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                              store.InclusionProof(i, s));
      EXPECT_EQ(store.stats().queries - before.queries, 1);
      EXPECT_LE(store.stats().rows - before.rows, ProofRowBound(s));
      CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> want,
                              ledger::InclusionProof(i, s, memory));
      EXPECT_EQ(proof, want) << i << " in " << s;
      CC_EXPECT_OK(VerifyInclusion(i, s, expected_leaves_[i], proof, root));
    }
    for (uint64_t s1 = 0; s1 <= s; s1 += 1 + s1 / 3) {
      LogStoreStats before = store.stats();
      CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                              store.ConsistencyProof(s1, s));
      EXPECT_LE(store.stats().queries - before.queries, 1);
      EXPECT_LE(store.stats().rows - before.rows, ProofRowBound(s));
      CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> want,
                              ledger::ConsistencyProof(s1, s, memory));
      EXPECT_EQ(proof, want) << s1 << " to " << s;
      CC_EXPECT_OK(VerifyConsistency(s1, s, proof, RootOf(Leaves(s1)), root));
    }
  }
}

TEST_F(LogStoreTest, ProofsReadLogarithmicallyManyRowsInOneQuery) {
  constexpr int kSize = 20000;
  QueueFake(0, kSize);
  for (int done = 0; done < kSize; done += 5000) IntegrateBatch(5000);
  ASSERT_EQ(frontier_.size(), static_cast<uint64_t>(kSize));

  // Counted twice: rows the store received (its stats), and rows the server
  // touched in the two tables, which would show a scan of either table.
  // pg_stat_xact_user_tables holds this backend's counts not yet flushed to
  // the shared statistics; nothing is flushed inside a transaction, so the
  // difference of two reads in one transaction is exactly what ran between
  // them.
  const char* kTouched =
      "SELECT coalesce(sum(seq_scan), 0)::bigint,"
      " coalesce(sum(idx_tup_fetch), 0)::bigint"
      " FROM pg_stat_xact_user_tables WHERE schemaname = 'cellchain_audit'"
      " AND relname IN ('log_entries', 'tree_nodes')";
  for (uint64_t size : {uint64_t{kSize}, uint64_t{12345}, uint64_t{4097}}) {
    Hash root = RootOf(Leaves(size));
    for (uint64_t index : {uint64_t{0}, size / 3, size / 2 + 1, size - 1}) {
      CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                              pg::Transaction::Begin(*audit_));
      CC_ASSERT_OK_AND_ASSIGN(pg::Result before, tx.Exec(kTouched));
      LogStore store(tx.connection());
      CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                              store.InclusionProof(index, size));
      CC_ASSERT_OK_AND_ASSIGN(pg::Result after, tx.Exec(kTouched));
      CC_ASSERT_OK(tx.Rollback());
      CC_EXPECT_OK(
          VerifyInclusion(index, size, expected_leaves_[index], proof, root));
      EXPECT_EQ(store.stats().queries, 1);
      EXPECT_LE(store.stats().rows, ProofRowBound(size));
      EXPECT_EQ(*after.GetInt64(0, 0) - *before.GetInt64(0, 0), 0)
          << "a table was scanned";
      EXPECT_EQ(*after.GetInt64(0, 1) - *before.GetInt64(0, 1),
                store.stats().rows)
          << "rows fetched by the server, index " << index << " of " << size;
    }
    // The same for a consistency proof and a root.
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*audit_));
    CC_ASSERT_OK_AND_ASSIGN(pg::Result before, tx.Exec(kTouched));
    LogStore store(tx.connection());
    CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                            store.ConsistencyProof(size / 2 + 3, size));
    CC_ASSERT_OK_AND_ASSIGN(Hash stored_root, store.RootAt(size));
    CC_ASSERT_OK_AND_ASSIGN(pg::Result after, tx.Exec(kTouched));
    CC_ASSERT_OK(tx.Rollback());
    EXPECT_EQ(stored_root, root);
    CC_EXPECT_OK(VerifyConsistency(size / 2 + 3, size, proof,
                                   RootOf(Leaves(size / 2 + 3)), root));
    EXPECT_EQ(store.stats().queries, 2);
    EXPECT_LE(store.stats().rows, ProofRowBound(size) + 64);
    EXPECT_EQ(*after.GetInt64(0, 0) - *before.GetInt64(0, 0), 0);
    EXPECT_EQ(*after.GetInt64(0, 1) - *before.GetInt64(0, 1),
              store.stats().rows);
  }
}

TEST_F(LogStoreTest, SizeBeyondTheLogIsOutOfRangeAndALostRowIsDataLoss) {
  QueueFake(0, 10);
  IntegrateBatch(10);
  LogStore store(*audit_);
  // The leaf size - 1 is what tells: an inclusion proof of index 10 at size
  // 11 needs only hashes of the 10 leaves stored.
  EXPECT_TRUE(absl::IsOutOfRange(store.InclusionProof(10, 11).status()));
  EXPECT_TRUE(absl::IsOutOfRange(store.InclusionProof(3, 16).status()));
  EXPECT_TRUE(absl::IsOutOfRange(store.ConsistencyProof(4, 11).status()));
  EXPECT_TRUE(absl::IsOutOfRange(store.RootAt(11).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store.InclusionProof(10, 10).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store.ConsistencyProof(5, 4).status()));
  EXPECT_TRUE(absl::IsOutOfRange(
      store.RootAt(uint64_t{1} << 63).status()));  // not even storable

  // A subtree removed behind the application's back (append-only triggers
  // do not fire in replica mode, for a superuser).
  CC_ASSERT_OK(admin_->ExecScript(
      "SET session_replication_role = replica;"
      "DELETE FROM cellchain_audit.tree_nodes WHERE level = 3 AND index = 0;"
      "SET session_replication_role = origin;"));
  absl::Status lost = store.RootAt(10).status();
  EXPECT_TRUE(absl::IsDataLoss(lost)) << lost;
  EXPECT_NE(lost.message().find("[0, 8)"), std::string::npos) << lost;
  EXPECT_TRUE(absl::IsDataLoss(store.InclusionProof(9, 10).status()));
  // Proofs that do not need it still work.
  CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof, store.InclusionProof(2, 4));
  CC_EXPECT_OK(
      VerifyInclusion(2, 4, expected_leaves_[2], proof, RootOf(Leaves(4))));
}

TEST_F(LogStoreTest, WritesNeedATransactionAndTheRightFirstIndex) {
  QueueFake(0, 4);
  LogStore store(*audit_);
  // Outside a transaction nothing is sent.
  EXPECT_TRUE(
      absl::IsFailedPrecondition(store.IntegratePending(0, 10).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(store.InsertTreeNodes({})));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      store.InsertCheckpoint(1, EmptyRoot(), "x\n")));
  EXPECT_EQ(store.stats().queries, 0);

  IntegrateBatch(2);
  {
    // A stale caller that believes the tree is smaller: refused whole.
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*audit_));
    EXPECT_TRUE(absl::IsInvalidArgument(store.IntegratePending(2, 0).status()));
    absl::Status stale = store.IntegratePending(1, 10).status();
    EXPECT_TRUE(absl::IsAlreadyExists(stale)) << stale;
  }
  CC_ASSERT_OK_AND_ASSIGN(uint64_t size, store.TreeSize());
  EXPECT_EQ(size, 2u);
  IntegrateBatch(10);
  CC_ASSERT_OK_AND_ASSIGN(size, store.TreeSize());
  EXPECT_EQ(size, 4u);
  CC_ASSERT_OK_AND_ASSIGN(Hash root, store.RootAt(4));
  EXPECT_EQ(root, RootOf(Leaves(4)));
}

TEST_F(LogStoreTest, RecordQueuedTwiceGetsOneEntry) {
  QueueFake(0, 3);
  // rec_fake_1 queued again (a writer bug): before and after integration.
  CC_ASSERT_OK(admin_->ExecScript(
      "INSERT INTO cellchain_audit.pending (record_id, leaf_hash)"
      " SELECT record_id, leaf_hash FROM cellchain_audit.records"
      " WHERE record_id = 'rec_fake_1'"));
  LogStore store(*audit_);
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*audit_));
    CC_ASSERT_OK_AND_ASSIGN(LogStore::Integrated batch,
                            store.IntegratePending(0, 100));
    EXPECT_EQ(batch.leaves.size(), 3u);
    EXPECT_EQ(batch.duplicate_record_ids,
              std::vector<std::string>{"rec_fake_1"});
    std::vector<TreeNode> completed;
    for (const Hash& leaf : batch.leaves) frontier_.Append(leaf, &completed);
    CC_ASSERT_OK(store.InsertTreeNodes(completed));
    CC_ASSERT_OK(tx.Commit());
  }
  CC_ASSERT_OK(admin_->ExecScript(
      "INSERT INTO cellchain_audit.pending (record_id, leaf_hash)"
      " SELECT record_id, leaf_hash FROM cellchain_audit.records"
      " WHERE record_id = 'rec_fake_0'"));
  QueueFake(3, 1);
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*audit_));
    CC_ASSERT_OK_AND_ASSIGN(LogStore::Integrated batch,
                            store.IntegratePending(3, 100));
    EXPECT_EQ(batch.leaves, std::vector<Hash>{expected_leaves_[3]});
    EXPECT_EQ(batch.duplicate_record_ids,
              std::vector<std::string>{"rec_fake_0"});
    CC_ASSERT_OK(tx.Commit());
  }
  for (uint64_t i = 0; i < 4; ++i) {
    CC_ASSERT_OK_AND_ASSIGN(LogEntry entry, store.EntryAt(i));
    EXPECT_EQ(entry.record_id, absl::StrCat("rec_fake_", i));
  }
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result pending,
      admin_->Exec("SELECT count(*) FROM cellchain_audit.pending"));
  EXPECT_EQ(*pending.GetInt64(0, 0), 0);
}

TEST_F(LogStoreTest, Checkpoints) {
  LogStore store(*audit_);
  Hash root_a = LeafHash("a");
  Hash root_b = LeafHash("b");
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*audit_));
    CC_ASSERT_OK(store.InsertCheckpoint(5, root_a, "note five\n"));
    CC_ASSERT_OK(store.InsertCheckpoint(9, root_b, "note nine\n"));
    CC_ASSERT_OK(tx.Commit());
  }
  CC_ASSERT_OK_AND_ASSIGN(StoredCheckpoint latest, store.LatestCheckpoint());
  EXPECT_EQ(latest.tree_size, 9u);
  EXPECT_EQ(latest.root, root_b);
  EXPECT_EQ(latest.note, "note nine\n");
  EXPECT_LT(absl::Now() - latest.created_at, absl::Hours(1));
  CC_ASSERT_OK_AND_ASSIGN(StoredCheckpoint five, store.CheckpointAt(5));
  EXPECT_EQ(five.root, root_a);
  EXPECT_EQ(five.note, "note five\n");
  EXPECT_TRUE(absl::IsNotFound(store.CheckpointAt(6).status()));
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx, pg::Transaction::Begin(*audit_));
  EXPECT_TRUE(
      absl::IsAlreadyExists(store.InsertCheckpoint(5, root_b, "again\n")));
}

}  // namespace
}  // namespace cellchain::ledger
