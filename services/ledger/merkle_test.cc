#include "services/ledger/merkle.h"

#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"
#include "services/ledger/known_answers_testing.h"

namespace cellchain::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// Known answers shared by the RFC 6962 implementations (certificate-
// transparency's merkle_tree_test, now transparency-dev/merkle
// proof/verify_test.go): eight leaves and the roots of sizes 1..8
// (known_answers_testing.h, which cellchain-verify's tests share), and proofs.

using testing::kEmptyRootHex;
using testing::kLeafDataHex;
using testing::kRootHex;

// An arbitrary hash that is no node of the test tree ("sha256SomeHash").
constexpr char kSomeHashHex[] =
    "abacaba000000000000000000000000000000000000000000060061e00123456";

struct InclusionVector {
  uint64_t index;  // 0-based (the Go table is 1-based).
  uint64_t size;
  std::vector<const char*> proof;
};

const InclusionVector kInclusionVectors[] = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     3,
     {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  uint64_t size1;
  uint64_t size2;
  std::vector<const char*> proof;
};

const ConsistencyVector kConsistencyVectors[] = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

Hash H(std::string_view hex) { return HashFromHex(hex).value(); }

std::vector<Hash> Hashes(const std::vector<const char*>& hex) {
  std::vector<Hash> out;
  for (const char* h : hex) out.push_back(H(h));
  return out;
}

std::vector<Hash> KnownLeafHashes() {
  std::vector<Hash> leaves;
  for (const char* hex : kLeafDataHex) {
    leaves.push_back(LeafHash(crypto::HexDecode(hex).value()));
  }
  return leaves;
}

Hash KnownRoot(uint64_t size) { return H(kRootHex[size - 1]); }

// ---------------------------------------------------------------------------
// An independent reference: RFC 9162 section 2.1 written as the recursive
// definitions, over leaf hashes, sharing nothing with merkle.cc but
// NodeHash.

uint64_t RefSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash RefRoot(const std::vector<Hash>& d, uint64_t b, uint64_t e) {
  if (e - b == 0) return EmptyRoot();
  if (e - b == 1) return d[b];
  uint64_t k = RefSplit(e - b);
  return NodeHash(RefRoot(d, b, b + k), RefRoot(d, b + k, e));
}

// PATH(m, D[b:e]).
std::vector<Hash> RefPath(uint64_t m, const std::vector<Hash>& d, uint64_t b,
                          uint64_t e) {
  if (e - b <= 1) return {};
  uint64_t k = RefSplit(e - b);
  std::vector<Hash> path;
  if (m < k) {
    path = RefPath(m, d, b, b + k);
    path.push_back(RefRoot(d, b + k, e));
  } else {
    path = RefPath(m - k, d, b + k, e);
    path.push_back(RefRoot(d, b, b + k));
  }
  return path;
}

// SUBPROOF(m, D[b:e], flag).
std::vector<Hash> RefSubproof(uint64_t m, const std::vector<Hash>& d,
                              uint64_t b, uint64_t e, bool flag) {
  uint64_t n = e - b;
  if (m == n) {
    if (flag) return {};
    return {RefRoot(d, b, e)};
  }
  uint64_t k = RefSplit(n);
  std::vector<Hash> proof;
  if (m <= k) {
    proof = RefSubproof(m, d, b, b + k, flag);
    proof.push_back(RefRoot(d, b + k, e));
  } else {
    proof = RefSubproof(m - k, d, b + k, e, false);
    proof.push_back(RefRoot(d, b, b + k));
  }
  return proof;
}

std::vector<Hash> SyntheticLeaves(uint64_t n) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < n; ++i) {
    leaves.push_back(LeafHash("record " + std::to_string(i)));
  }
  return leaves;
}

// ---------------------------------------------------------------------------
// Hashing.

TEST(MerkleHashTest, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(HashHex(EmptyRoot()), kEmptyRootHex);
  EXPECT_EQ(RootOf({}), EmptyRoot());
}

TEST(MerkleHashTest, LeafAndNodeHashesAreDomainSeparated) {
  // SHA-256(0x00) and SHA-256(0x01 || 0^64), computed independently.
  EXPECT_EQ(HashHex(LeafHash("")), kRootHex[0]);
  Hash zero{};
  EXPECT_EQ(NodeHash(zero, zero),
            crypto::Sha256(std::string("\x01", 1) + std::string(64, '\0')));
  EXPECT_NE(LeafHash(HashBytes(zero) + HashBytes(zero)), NodeHash(zero, zero));
}

TEST(MerkleHashTest, KnownRootsForSizes1To8) {
  std::vector<Hash> leaves = KnownLeafHashes();
  for (uint64_t size = 1; size <= leaves.size(); ++size) {
    EXPECT_EQ(HashHex(RootOf(std::span(leaves).first(size))),
              kRootHex[size - 1])
        << "size " << size;
  }
}

TEST(MerkleHashTest, HashParsing) {
  EXPECT_EQ(HashHex(H(kSomeHashHex)), kSomeHashHex);
  EXPECT_EQ(HashFromHex(std::string(kSomeHashHex).substr(2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashFromHex("zz").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(HashFromBytes("short").status().message(),
              HasSubstr("32 bytes, got 5"));
}

// ---------------------------------------------------------------------------
// Ranges.

TEST(MerkleRangeTest, PerfectNodes) {
  EXPECT_TRUE((NodeRange{4, 8}.IsPerfect()));
  EXPECT_EQ((NodeRange{4, 8}.level()), 2);
  EXPECT_EQ((NodeRange{4, 8}.index()), 1u);
  EXPECT_EQ(PerfectNode(2, 1), (NodeRange{4, 8}));
  EXPECT_TRUE((NodeRange{7, 8}.IsPerfect()));
  EXPECT_FALSE((NodeRange{2, 6}.IsPerfect()));  // Not aligned.
  EXPECT_FALSE((NodeRange{4, 7}.IsPerfect()));  // Not a power of two.
  EXPECT_FALSE((NodeRange{4, 4}.IsPerfect()));  // Empty.
}

TEST(MerkleRangeTest, Decomposition) {
  EXPECT_THAT(RangeDecomposition({0, 7}).value(),
              ElementsAre(NodeRange{0, 4}, NodeRange{4, 6}, NodeRange{6, 7}));
  EXPECT_THAT(
      RangeDecomposition({88, 95}).value(),
      ElementsAre(NodeRange{88, 92}, NodeRange{92, 94}, NodeRange{94, 95}));
  EXPECT_THAT(RangeDecomposition({8, 16}).value(),
              ElementsAre(NodeRange{8, 16}));
  for (NodeRange bad :
       {NodeRange{2, 5}, NodeRange{3, 3}, NodeRange{5, 4}, NodeRange{4, 9}}) {
    EXPECT_EQ(RangeDecomposition(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << ToString(bad);
  }
}

TEST(MerkleRangeTest, RangeHashComposesPerfectSubtrees) {
  std::vector<Hash> leaves = SyntheticLeaves(100);
  int calls = 0;
  PerfectSubtreeSource memory = InMemorySource(leaves);
  PerfectSubtreeSource counting = [&](const NodeRange& r) {
    ++calls;
    EXPECT_TRUE(r.IsPerfect()) << ToString(r);
    return memory(r);
  };
  EXPECT_EQ(RangeHash({64, 95}, counting).value(), RefRoot(leaves, 64, 95));
  EXPECT_EQ(calls, 5);  // 16 + 8 + 4 + 2 + 1.
  EXPECT_EQ(RangeHash({0, 100}, counting).value(), RefRoot(leaves, 0, 100));
}

TEST(MerkleRangeTest, SourceErrorsPassThrough) {
  std::vector<Hash> leaves = SyntheticLeaves(4);
  EXPECT_EQ(InclusionProof(0, 8, InMemorySource(leaves)).status().code(),
            absl::StatusCode::kOutOfRange);
  PerfectSubtreeSource failing = [](const NodeRange&) -> absl::StatusOr<Hash> {
    return absl::UnavailableError("database down");
  };
  absl::StatusOr<std::vector<Hash>> proof = ConsistencyProof(3, 7, failing);
  EXPECT_EQ(proof.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(proof.status().message(), "database down");
}

// The node lists of transparency-dev/merkle proof/proof_test.go (TestInclusion
// and TestConsistency), with their "rehash" pairs written as one right-edge
// range.
TEST(MerkleRangeTest, InclusionRangesMatchReference) {
  using R = NodeRange;
  const std::pair<std::pair<uint64_t, uint64_t>, std::vector<R>> cases[] = {
      {{0, 1}, {}},
      {{0, 2}, {R{1, 2}}},
      {{1, 2}, {R{0, 1}}},
      {{1, 3}, {R{0, 1}, R{2, 3}}},
      {{0, 7}, {R{1, 2}, R{2, 4}, R{4, 7}}},
      {{1, 7}, {R{0, 1}, R{2, 4}, R{4, 7}}},
      {{2, 7}, {R{3, 4}, R{0, 2}, R{4, 7}}},
      {{3, 7}, {R{2, 3}, R{0, 2}, R{4, 7}}},
      {{4, 7}, {R{5, 6}, R{6, 7}, R{0, 4}}},
      {{5, 7}, {R{4, 5}, R{6, 7}, R{0, 4}}},
      {{6, 7}, {R{4, 6}, R{0, 4}}},
      {{2, 4}, {R{3, 4}, R{0, 2}}},
      {{3, 5}, {R{2, 3}, R{0, 2}, R{4, 5}}},
      {{3, 6}, {R{2, 3}, R{0, 2}, R{4, 6}}},
      {{4, 6}, {R{5, 6}, R{0, 4}}},
      {{10, 15}, {R{11, 12}, R{8, 10}, R{12, 15}, R{0, 8}}},
      {{24, 31}, {R{25, 26}, R{26, 28}, R{28, 31}, R{16, 24}, R{0, 16}}},
      {{81, 95},
       {R{80, 81}, R{82, 84}, R{84, 88}, R{88, 95}, R{64, 80}, R{0, 64}}},
  };
  for (const auto& [args, want] : cases) {
    EXPECT_EQ(InclusionProofRanges(args.first, args.second).value(), want)
        << "index " << args.first << " size " << args.second;
  }
  for (auto [index, size] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {1, 0}, {2, 1}, {3, 0}, {8, 7}}) {
    EXPECT_EQ(InclusionProofRanges(index, size).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(MerkleRangeTest, ConsistencyRangesMatchReference) {
  using R = NodeRange;
  const std::pair<std::pair<uint64_t, uint64_t>, std::vector<R>> cases[] = {
      {{1, 2}, {R{1, 2}}},
      {{1, 4}, {R{1, 2}, R{2, 4}}},
      {{1, 6}, {R{1, 2}, R{2, 4}, R{4, 6}}},
      {{2, 3}, {R{2, 3}}},
      {{2, 8}, {R{2, 4}, R{4, 8}}},
      {{3, 7}, {R{2, 3}, R{3, 4}, R{0, 2}, R{4, 7}}},
      {{4, 7}, {R{4, 7}}},
      {{5, 7}, {R{4, 5}, R{5, 6}, R{6, 7}, R{0, 4}}},
      {{6, 7}, {R{4, 6}, R{6, 7}, R{0, 4}}},
      {{7, 8}, {R{6, 7}, R{7, 8}, R{4, 6}, R{0, 4}}},
      {{1, 1}, {}},
      {{7, 7}, {}},
      {{0, 5}, {}},
      {{2, 4}, {R{2, 4}}},
      {{3, 5}, {R{2, 3}, R{3, 4}, R{0, 2}, R{4, 5}}},
      {{3, 6}, {R{2, 3}, R{3, 4}, R{0, 2}, R{4, 6}}},
      {{4, 6}, {R{4, 6}}},
      {{1, 7}, {R{1, 2}, R{2, 4}, R{4, 7}}},
      {{10, 15}, {R{8, 10}, R{10, 12}, R{12, 15}, R{0, 8}}},
      {{24, 31}, {R{16, 24}, R{24, 31}, R{0, 16}}},
      {{81, 95},
       {R{80, 81}, R{81, 82}, R{82, 84}, R{84, 88}, R{88, 95}, R{64, 80},
        R{0, 64}}},
  };
  for (const auto& [args, want] : cases) {
    EXPECT_EQ(ConsistencyProofRanges(args.first, args.second).value(), want)
        << "size1 " << args.first << " size2 " << args.second;
  }
  EXPECT_EQ(ConsistencyProofRanges(5, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProofRanges(9, 8).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MerkleRangeTest, AtMostOneRangeIsNotPerfect) {
  for (uint64_t size = 1; size <= 300; ++size) {
    for (uint64_t i = 0; i <= size; ++i) {
      std::vector<std::vector<NodeRange>> lists = {
          ConsistencyProofRanges(i, size).value()};
      if (i < size) lists.push_back(InclusionProofRanges(i, size).value());
      for (const std::vector<NodeRange>& list : lists) {
        int imperfect = 0;
        for (const NodeRange& r : list) {
          ASSERT_TRUE(RangeDecomposition(r).ok()) << ToString(r);
          ASSERT_LE(r.end, size);
          if (!r.IsPerfect()) {
            ++imperfect;
            EXPECT_EQ(r.end, size);  // Only the right edge grows.
          }
        }
        EXPECT_LE(imperfect, 1) << i << " " << size;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Known-answer proofs.

TEST(MerkleKnownAnswerTest, InclusionProofs) {
  std::vector<Hash> leaves = KnownLeafHashes();
  for (const InclusionVector& v : kInclusionVectors) {
    SCOPED_TRACE(::testing::Message()
                 << "index " << v.index << " size " << v.size);
    std::vector<Hash> want = Hashes(v.proof);
    std::span<const Hash> tree = std::span(leaves).first(v.size);
    EXPECT_EQ(InclusionProof(v.index, v.size, InMemorySource(tree)).value(),
              want);
    EXPECT_EQ(
        RootFromInclusionProof(v.index, v.size, leaves[v.index], want).value(),
        KnownRoot(v.size));
    EXPECT_TRUE(VerifyInclusion(v.index, v.size, leaves[v.index], want,
                                KnownRoot(v.size))
                    .ok());
  }
}

TEST(MerkleKnownAnswerTest, ConsistencyProofs) {
  std::vector<Hash> leaves = KnownLeafHashes();
  for (const ConsistencyVector& v : kConsistencyVectors) {
    SCOPED_TRACE(::testing::Message() << v.size1 << " -> " << v.size2);
    std::vector<Hash> want = Hashes(v.proof);
    std::span<const Hash> tree = std::span(leaves).first(v.size2);
    EXPECT_EQ(ConsistencyProof(v.size1, v.size2, InMemorySource(tree)).value(),
              want);
    absl::Status status = VerifyConsistency(
        v.size1, v.size2, want, KnownRoot(v.size1), KnownRoot(v.size2));
    EXPECT_TRUE(status.ok()) << status;
  }
}

// ---------------------------------------------------------------------------
// Properties over every small tree.

TEST(MerklePropertyTest, ProofsForEveryIndexAndSizeUpTo64) {
  const std::vector<Hash> all = SyntheticLeaves(64);
  for (uint64_t n = 0; n <= all.size(); ++n) {
    std::vector<Hash> leaves(all.begin(), all.begin() + n);
    Hash root = RefRoot(leaves, 0, n);
    ASSERT_EQ(RootOf(leaves), root) << n;
    PerfectSubtreeSource source = InMemorySource(leaves);
    for (uint64_t m = 0; m < n; ++m) {
      std::vector<Hash> proof = InclusionProof(m, n, source).value();
      ASSERT_EQ(proof, RefPath(m, leaves, 0, n)) << m << " in " << n;
      absl::Status status = VerifyInclusion(m, n, leaves[m], proof, root);
      ASSERT_TRUE(status.ok()) << m << " in " << n << ": " << status;
    }
    for (uint64_t m = 0; m <= n; ++m) {
      std::vector<Hash> proof = ConsistencyProof(m, n, source).value();
      if (m > 0 && m < n) {
        ASSERT_EQ(proof, RefSubproof(m, leaves, 0, n, true)) << m << " " << n;
      } else {
        ASSERT_THAT(proof, IsEmpty());
      }
      absl::Status status =
          VerifyConsistency(m, n, proof, RefRoot(leaves, 0, m), root);
      ASSERT_TRUE(status.ok()) << m << " -> " << n << ": " << status;
    }
  }
}

TEST(MerklePropertyTest, FrontierRootEqualsTreeHeadAtEverySize) {
  const std::vector<Hash> leaves = SyntheticLeaves(200);
  MerkleFrontier frontier;
  EXPECT_EQ(frontier.Root(), EmptyRoot());
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    frontier.Append(leaves[n - 1]);
    ASSERT_EQ(frontier.size(), n);
    ASSERT_EQ(frontier.Root(), RefRoot(leaves, 0, n)) << n;
    ASSERT_EQ(frontier.border().size(), static_cast<size_t>(std::popcount(n)));
    std::vector<NodeRange> ranges = frontier.BorderRanges();
    ASSERT_EQ(ranges.size(), frontier.border().size());
    for (size_t i = 0; i < ranges.size(); ++i) {
      ASSERT_TRUE(ranges[i].IsPerfect());
      ASSERT_EQ(frontier.border()[i],
                RefRoot(leaves, ranges[i].begin, ranges[i].end));
    }
  }
}

TEST(MerklePropertyTest, FrontierRestoresAndContinues) {
  const std::vector<Hash> leaves = SyntheticLeaves(50);
  MerkleFrontier first;
  for (int i = 0; i < 37; ++i) first.Append(leaves[i]);
  absl::StatusOr<MerkleFrontier> restored =
      MerkleFrontier::Restore(first.size(), first.border());
  ASSERT_TRUE(restored.ok()) << restored.status();
  for (int i = 37; i < 50; ++i) restored->Append(leaves[i]);
  EXPECT_EQ(restored->Root(), RootOf(leaves));

  absl::StatusOr<MerkleFrontier> bad =
      MerkleFrontier::Restore(37, std::vector<Hash>(2));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("holds 3 hashes, got 2"));
}

// What the sequencer does: persist every node Append reports completed, then
// serve proofs for any past size from that store alone, in O(log n) reads.
TEST(MerklePropertyTest, ProofsFromPersistedNodes) {
  const std::vector<Hash> leaves = SyntheticLeaves(64);
  std::map<std::pair<int, uint64_t>, Hash> store;  // (level, index) -> hash.
  MerkleFrontier frontier;
  for (const Hash& leaf : leaves) {
    std::vector<TreeNode> completed;
    frontier.Append(leaf, &completed);
    ASSERT_FALSE(completed.empty());
    EXPECT_EQ(completed.front().range.width(), 1u);
    for (const TreeNode& node : completed) {
      ASSERT_TRUE(node.range.IsPerfect());
      ASSERT_EQ(node.hash, RefRoot(leaves, node.range.begin, node.range.end));
      auto key = std::make_pair(node.range.level(), node.range.index());
      ASSERT_TRUE(store.emplace(key, node.hash).second)
          << "reported twice: " << ToString(node.range);
    }
  }
  EXPECT_EQ(store.size(), 127u);  // Every perfect subtree of 64 leaves.

  int reads = 0;
  PerfectSubtreeSource stored =
      [&](const NodeRange& r) -> absl::StatusOr<Hash> {
    ++reads;
    auto it = store.find({r.level(), r.index()});
    if (it == store.end()) return absl::NotFoundError(ToString(r));
    return it->second;
  };
  for (uint64_t n = 1; n <= 64; ++n) {
    int bound = 2 * std::bit_width(n) + 2;
    for (uint64_t m = 0; m < n; ++m) {
      reads = 0;
      ASSERT_EQ(InclusionProof(m, n, stored).value(), RefPath(m, leaves, 0, n));
      ASSERT_LE(reads, bound) << m << " in " << n;
    }
    for (uint64_t m = 1; m < n; ++m) {
      reads = 0;
      ASSERT_EQ(ConsistencyProof(m, n, stored).value(),
                RefSubproof(m, leaves, 0, n, true));
      ASSERT_LE(reads, bound) << m << " -> " << n;
    }
  }
}

// ---------------------------------------------------------------------------
// Rejection of malformed and tampered proofs.

void ExpectMismatch(const absl::Status& status, const std::string& what) {
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition)
      << what << ": " << status;
  EXPECT_EQ(ReasonOf(status), kReasonMerkleProofMismatch) << what;
}

void ExpectRejected(const absl::Status& status, const std::string& what) {
  EXPECT_FALSE(status.ok()) << what << " was accepted";
  EXPECT_FALSE(status.message().empty()) << what;
}

std::vector<Hash> With(std::vector<Hash> proof, size_t at, const Hash& hash) {
  proof.insert(proof.begin() + at, hash);
  return proof;
}

TEST(MerkleRejectTest, InclusionTampering) {
  std::vector<Hash> leaves = KnownLeafHashes();
  const Hash some = H(kSomeHashHex);
  for (const InclusionVector& v : kInclusionVectors) {
    if (v.proof.empty()) continue;
    SCOPED_TRACE(::testing::Message()
                 << "index " << v.index << " size " << v.size);
    const std::vector<Hash> proof = Hashes(v.proof);
    const Hash root = KnownRoot(v.size);
    const Hash leaf = leaves[v.index];
    const uint64_t i = v.index;
    const uint64_t n = v.size;
    auto verify = [&](uint64_t index, uint64_t size, const Hash& leaf_hash,
                      const std::vector<Hash>& p, const Hash& r) {
      return VerifyInclusion(index, size, leaf_hash, p, r);
    };
    ExpectRejected(verify(i - 1, n, leaf, proof, root), "index - 1");
    ExpectRejected(verify(i + 1, n, leaf, proof, root), "index + 1");
    ExpectRejected(verify(i ^ 2, n, leaf, proof, root), "index ^ 2");
    ExpectRejected(verify(i, n * 2, leaf, proof, root), "size * 2");
    ExpectRejected(verify(i, n / 2, leaf, proof, root), "size / 2");
    ExpectMismatch(verify(i, n, LeafHash("WrongLeaf"), proof, root),
                   "wrong leaf");
    ExpectMismatch(verify(i, n, leaf, proof, EmptyRoot()), "empty root");
    ExpectMismatch(verify(i, n, leaf, proof, some), "random root");
    ExpectRejected(verify(i, n, leaf, With(proof, proof.size(), Hash{}), root),
                   "trailing zero hash");
    ExpectRejected(verify(i, n, leaf, With(proof, proof.size(), root), root),
                   "trailing root");
    ExpectRejected(verify(i, n, leaf, With(proof, 0, Hash{}), root),
                   "preceding zero hash");
    ExpectRejected(verify(i, n, leaf, With(proof, 0, root), root),
                   "preceding root");
    ExpectRejected(verify(i, n, leaf, With(proof, 1, some), root),
                   "inserted component");
    std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
    absl::Status short_status = verify(i, n, leaf, shorter, root);
    EXPECT_EQ(short_status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(short_status.message(),
                HasSubstr(absl::StrCat("has ", proof.size(), " hashes, got ",
                                       proof.size() - 1)));
    for (size_t k = 0; k < proof.size(); ++k) {
      for (int bit = 0; bit < 256; ++bit) {
        std::vector<Hash> flipped = proof;
        flipped[k][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
        ExpectMismatch(verify(i, n, leaf, flipped, root),
                       absl::StrCat("proof[", k, "] bit ", bit));
      }
    }
  }
}

TEST(MerkleRejectTest, InclusionMalformed) {
  const Hash some = H(kSomeHashHex);
  for (auto [index, size] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {1, 0}, {1, 1}, {2, 1}, {8, 8}}) {
    absl::Status status = VerifyInclusion(index, size, some, {}, some);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << index << " " << size;
    EXPECT_THAT(status.message(), HasSubstr("is not in a tree of size"));
  }
  // A single leaf is its own root, with an empty proof.
  Hash leaf = LeafHash("data");
  EXPECT_TRUE(VerifyInclusion(0, 1, leaf, {}, leaf).ok());
  ExpectMismatch(VerifyInclusion(0, 1, leaf, {}, some), "wrong root");
  EXPECT_EQ(VerifyInclusion(0, 1, leaf, std::vector<Hash>{leaf}, leaf).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MerkleRejectTest, ConsistencyTampering) {
  const Hash some = H(kSomeHashHex);
  for (const ConsistencyVector& v : kConsistencyVectors) {
    if (v.proof.empty()) continue;
    SCOPED_TRACE(::testing::Message() << v.size1 << " -> " << v.size2);
    const std::vector<Hash> proof = Hashes(v.proof);
    const uint64_t m = v.size1;
    const uint64_t n = v.size2;
    const Hash root1 = KnownRoot(m);
    const Hash root2 = KnownRoot(n);
    auto verify = [](uint64_t s1, uint64_t s2, const std::vector<Hash>& p,
                     const Hash& r1, const Hash& r2) {
      return VerifyConsistency(s1, s2, p, r1, r2);
    };
    ExpectRejected(verify(m - 1, n, proof, root1, root2), "size1 - 1");
    ExpectRejected(verify(m + 1, n, proof, root1, root2), "size1 + 1");
    ExpectRejected(verify(m ^ 2, n, proof, root1, root2), "size1 ^ 2");
    ExpectRejected(verify(m, n * 2, proof, root1, root2), "size2 * 2");
    ExpectRejected(verify(m, n / 2, proof, root1, root2), "size2 / 2");
    ExpectMismatch(verify(m, n, proof, some, root2), "wrong root1");
    ExpectMismatch(verify(m, n, proof, root1, some), "wrong root2");
    ExpectMismatch(verify(m, n, proof, root2, root1), "swapped roots");
    ExpectRejected(verify(m, n, {}, root1, root2), "empty proof");
    ExpectRejected(
        verify(m, n, With(proof, proof.size(), Hash{}), root1, root2),
        "trailing zero hash");
    ExpectRejected(verify(m, n, With(proof, proof.size(), root1), root1, root2),
                   "trailing root1");
    ExpectRejected(verify(m, n, With(proof, proof.size(), root2), root1, root2),
                   "trailing root2");
    ExpectRejected(verify(m, n, With(proof, 0, Hash{}), root1, root2),
                   "preceding zero hash");
    ExpectRejected(verify(m, n, With(proof, 0, root1), root1, root2),
                   "preceding root1");
    ExpectRejected(verify(m, n, With(proof, 0, root2), root1, root2),
                   "preceding root2");
    ExpectRejected(verify(m, n, With(proof, 0, proof[0]), root1, root2),
                   "preceding proof[0]");
    std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
    absl::Status short_status = verify(m, n, shorter, root1, root2);
    EXPECT_EQ(short_status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(short_status.message(), HasSubstr("hashes, got"));
    for (size_t k = 0; k < proof.size(); ++k) {
      for (int bit = 0; bit < 256; ++bit) {
        std::vector<Hash> flipped = proof;
        flipped[k][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
        ExpectMismatch(verify(m, n, flipped, root1, root2),
                       absl::StrCat("proof[", k, "] bit ", bit));
      }
    }
  }
}

TEST(MerkleRejectTest, ConsistencyEdgeCases) {
  const Hash r1 = LeafHash("don't care 1");
  const Hash r2 = LeafHash("don't care 2");
  const std::vector<Hash> none;
  const std::vector<Hash> one = {EmptyRoot()};
  // Sizes that are always consistent, given the right roots.
  EXPECT_TRUE(VerifyConsistency(0, 0, none, EmptyRoot(), EmptyRoot()).ok());
  EXPECT_TRUE(VerifyConsistency(0, 5, none, EmptyRoot(), r2).ok());
  EXPECT_TRUE(VerifyConsistency(1, 1, none, r2, r2).ok());
  // The empty tree has one root (stricter than transparency-dev/merkle,
  // which ignores root1 when size1 is 0).
  ExpectMismatch(VerifyConsistency(0, 1, none, r1, r2), "size1 0, bad root1");
  ExpectMismatch(VerifyConsistency(0, 0, none, r1, r1), "size 0, bad root");
  // Same size, different roots.
  ExpectMismatch(VerifyConsistency(1, 1, none, r1, r2), "1 -> 1");
  ExpectMismatch(VerifyConsistency(0, 0, none, EmptyRoot(), r2), "0 -> 0");
  // Time travel.
  for (auto [s1, s2] :
       std::vector<std::pair<uint64_t, uint64_t>>{{1, 0}, {2, 1}}) {
    absl::Status status = VerifyConsistency(s1, s2, none, r1, r2);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("smaller size"));
  }
  // A proof where none is due.
  for (auto [s1, s2] :
       std::vector<std::pair<uint64_t, uint64_t>>{{0, 0}, {0, 1}, {1, 1}}) {
    absl::Status status =
        VerifyConsistency(s1, s2, one, EmptyRoot(), EmptyRoot());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << s1 << " " << s2;
    EXPECT_THAT(status.message(), HasSubstr("has 0 hashes, got 1"));
  }
  // A missing proof.
  EXPECT_EQ(VerifyConsistency(1, 2, none, r1, r2).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cellchain::ledger
