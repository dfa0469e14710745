// Fuzz target: inclusion and consistency proofs as cellchain-verify and the
// audit service receive them (services/ledger/merkle.h), with sizes and
// indexes anywhere in 64 bits. The first byte picks what the rest means:
//   0  any proof of any length for any sizes: verification answers OK,
//      INVALID_ARGUMENT or FAILED_PRECONDITION, and accepts exactly the
//      proof length the generator produces for those sizes;
//   1  a real tree of 1-64 leaves taken from the input: every generated
//      proof verifies, and the same proof with one bit flipped does not;
//   2  subtree ranges and a restored frontier from any numbers: a range
//      decomposes into perfect subtrees that cover it exactly, widths
//      strictly decreasing.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/ledger/merkle.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

namespace ledger = cellchain::ledger;
using cellchain::fuzz::FuzzInput;
using ledger::Hash;

Hash TakeHash(FuzzInput& in) {
  Hash hash{};
  std::string bytes = in.Bytes(ledger::kHashSize);
  for (size_t i = 0; i < hash.size(); ++i) {
    hash[i] = static_cast<uint8_t>(bytes[i]);
  }
  return hash;
}

std::vector<Hash> TakeHashes(FuzzInput& in, size_t n) {
  std::vector<Hash> hashes;
  for (size_t i = 0; i < n; ++i) hashes.push_back(TakeHash(in));
  return hashes;
}

bool IsVerdict(const absl::Status& status) {
  return status.ok() || status.code() == absl::StatusCode::kInvalidArgument ||
         status.code() == absl::StatusCode::kFailedPrecondition;
}

void AnyProof(FuzzInput& in) {
  uint64_t index = in.Count();
  uint64_t size = in.Count();
  uint64_t size1 = in.Count();
  Hash leaf = TakeHash(in);
  Hash root1 = TakeHash(in);
  Hash root2 = TakeHash(in);
  std::vector<Hash> proof = TakeHashes(in, in.Byte() % 70);

  absl::Status inclusion =
      ledger::VerifyInclusion(index, size, leaf, proof, root2);
  FUZZ_CHECK(IsVerdict(inclusion), "VerifyInclusion answers a verdict");
  absl::StatusOr<std::vector<ledger::NodeRange>> ranges =
      ledger::InclusionProofRanges(index, size);
  FUZZ_CHECK(ranges.ok() == (index < size),
             "an inclusion proof exists iff index < size");
  if (ranges.ok()) {
    FUZZ_CHECK(ranges->size() <= 64, "an inclusion proof has <= 64 hashes");
    for (const ledger::NodeRange& range : *ranges) {
      FUZZ_CHECK(range.begin < range.end && range.end <= size,
                 "a proof's subtree lies inside the tree");
    }
    std::vector<Hash> sized(ranges->size());
    FUZZ_CHECK(ledger::RootFromInclusionProof(index, size, leaf, sized).ok(),
               "the verifier takes the proof length the generator makes");
  }

  absl::Status consistency =
      ledger::VerifyConsistency(size1, size, proof, root1, root2);
  FUZZ_CHECK(IsVerdict(consistency), "VerifyConsistency answers a verdict");
  absl::StatusOr<std::vector<ledger::NodeRange>> between =
      ledger::ConsistencyProofRanges(size1, size);
  FUZZ_CHECK(between.ok() == (size1 <= size),
             "a consistency proof exists iff size1 <= size2");
  if (between.ok()) {
    FUZZ_CHECK(between->size() <= 128, "a consistency proof is O(log n)");
    std::vector<Hash> sized(between->size());
    absl::Status verdict =
        ledger::VerifyConsistency(size1, size, sized, root1, root2);
    FUZZ_CHECK(verdict.code() != absl::StatusCode::kInvalidArgument,
               "the verifier takes the proof length the generator makes");
  }
}

// Flips bit `bit` of one of `proof`'s hashes.
void Flip(std::vector<Hash>& proof, uint64_t bit) {
  bit %= proof.size() * ledger::kHashSize * 8;
  proof[bit / 256][(bit % 256) / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
}

void RealTree(FuzzInput& in) {
  size_t n = 1 + in.Byte() % 64;
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; ++i) {
    leaves.push_back(ledger::LeafHash(in.Bytes(in.Byte() % 8)));
  }
  Hash root = ledger::RootOf(leaves);
  ledger::MerkleFrontier frontier;
  for (const Hash& leaf : leaves) frontier.Append(leaf);
  FUZZ_CHECK(frontier.Root() == root, "the frontier's root is the tree's");
  absl::StatusOr<ledger::MerkleFrontier> restored =
      ledger::MerkleFrontier::Restore(frontier.size(), frontier.border());
  FUZZ_CHECK(restored.ok() && restored->Root() == root,
             "a restored frontier has the same root");

  ledger::PerfectSubtreeSource source = ledger::InMemorySource(leaves);
  uint64_t index = in.Byte() % n;
  uint64_t bit = in.U64();
  absl::StatusOr<std::vector<Hash>> proof =
      ledger::InclusionProof(index, n, source);
  FUZZ_CHECK(proof.ok(), "an inclusion proof of a real leaf is generated");
  FUZZ_CHECK(
      ledger::VerifyInclusion(index, n, leaves[index], *proof, root).ok(),
      "a generated inclusion proof verifies");
  if (!proof->empty()) {
    Flip(*proof, bit);
    absl::Status tampered =
        ledger::VerifyInclusion(index, n, leaves[index], *proof, root);
    FUZZ_CHECK(tampered.code() == absl::StatusCode::kFailedPrecondition,
               "a tampered inclusion proof fails as a mismatch");
  }

  uint64_t m = in.Byte() % (n + 1);
  Hash old_root = ledger::RootOf(std::span<const Hash>(leaves.data(), m));
  absl::StatusOr<std::vector<Hash>> consistency =
      ledger::ConsistencyProof(m, n, source);
  FUZZ_CHECK(consistency.ok(), "a consistency proof is generated");
  FUZZ_CHECK(ledger::VerifyConsistency(m, n, *consistency, old_root, root).ok(),
             "a generated consistency proof verifies");
  if (!consistency->empty()) {
    Flip(*consistency, bit);
    absl::Status tampered =
        ledger::VerifyConsistency(m, n, *consistency, old_root, root);
    FUZZ_CHECK(tampered.code() == absl::StatusCode::kFailedPrecondition,
               "a tampered consistency proof fails as a mismatch");
  }
}

void Ranges(FuzzInput& in) {
  ledger::NodeRange range{in.Count(), in.Count()};
  absl::StatusOr<std::vector<ledger::NodeRange>> parts =
      ledger::RangeDecomposition(range);
  if (parts.ok()) {
    uint64_t at = range.begin;
    for (size_t i = 0; i < parts->size(); ++i) {
      const ledger::NodeRange& part = (*parts)[i];
      FUZZ_CHECK(part.IsPerfect() && part.begin == at,
                 "a decomposition is perfect subtrees, left to right");
      FUZZ_CHECK(i == 0 || part.width() < (*parts)[i - 1].width(),
                 "a decomposition's widths strictly decrease");
      at = part.end;
    }
    FUZZ_CHECK(at == range.end && !parts->empty(),
               "a decomposition covers the range");
  } else {
    FUZZ_CHECK(parts.status().code() == absl::StatusCode::kInvalidArgument,
               "RangeDecomposition refuses with INVALID_ARGUMENT");
  }

  uint64_t size = in.Count();
  absl::StatusOr<ledger::MerkleFrontier> frontier =
      ledger::MerkleFrontier::Restore(size, TakeHashes(in, in.Byte() % 70));
  if (frontier.ok()) {
    FUZZ_CHECK(frontier->size() == size &&
                   frontier->BorderRanges().size() == frontier->border().size(),
               "a restored frontier has one range per border hash");
    frontier->Root();
    // Append's documented limit: fewer than 2^64 - 1 leaves.
    if (size < UINT64_MAX - 1) {
      frontier->Append(TakeHash(in));
      FUZZ_CHECK(frontier->size() == size + 1, "Append adds one leaf");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  switch (in.Byte() % 3) {
    case 0:
      AnyProof(in);
      break;
    case 1:
      RealTree(in);
      break;
    default:
      Ranges(in);
      break;
  }
  return 0;
}
