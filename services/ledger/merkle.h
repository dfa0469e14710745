// RFC 6962 / RFC 9162 Merkle tree hashing for the audit ledger: leaf and
// node hashes, tree heads, inclusion and consistency proofs, and a compact
// "frontier" accumulator the sequencer persists.
//
//   LeafHash(d)    = SHA-256(0x00 || d)
//   NodeHash(l, r) = SHA-256(0x01 || l || r)
//   MTH({})        = SHA-256("")
//   MTH(D[n])      = NodeHash(MTH(D[0:k]), MTH(D[k:n])), k the largest power
//                    of two smaller than n.
//
// Proof generation is split in two so that a store can serve proofs with
// O(log n) reads:
//   1. InclusionProofRanges / ConsistencyProofRanges say *which* subtrees a
//      proof consists of, as leaf ranges [begin, end). Every range is either
//      a perfect subtree (a stored node: level, index) or the right edge of
//      the tree, [begin, size), which ResolveProof composes from the perfect
//      subtrees RangeDecomposition lists.
//   2. ResolveProof asks a PerfectSubtreeSource for the hash of each perfect
//      subtree: the sequencer reads persisted node hashes (the ones
//      MerkleFrontier::Append reports as completed); tests and small tools
//      use InMemorySource over a vector of leaf hashes.
//
// Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 and first
// checks the proof's length against the one the sizes imply, so that a
// short or long proof is refused with a message saying so. Errors:
//   INVALID_ARGUMENT     the request is malformed: index >= size, size1 >
//                        size2, a proof of the wrong length, a proof where
//                        none is allowed;
//   FAILED_PRECONDITION  (reason kReasonMerkleProofMismatch) the proof is
//                        well-formed but does not lead to the expected
//                        root(s): the leaf, the proof, a size or a root is
//                        not what it claims to be.
//
// Thread-safety: free functions are pure and safe to call concurrently (a
// PerfectSubtreeSource is called on the caller's thread). A MerkleFrontier is
// a value: const methods may run concurrently, mutation needs exclusive
// access.
#ifndef CELLCHAIN_SERVICES_LEDGER_MERKLE_H_
#define CELLCHAIN_SERVICES_LEDGER_MERKLE_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/crypto/sha256.h"

namespace cellchain::ledger {

// A SHA-256 tree hash (leaf, node or root).
using Hash = crypto::Sha256Digest;
inline constexpr size_t kHashSize = 32;

// Reason attached to FAILED_PRECONDITION by the Verify* functions.
inline constexpr char kReasonMerkleProofMismatch[] = "MERKLE_PROOF_MISMATCH";

// ---------------------------------------------------------------------------
// Hashing.

Hash LeafHash(std::string_view leaf_data);
Hash NodeHash(const Hash& left, const Hash& right);
// The root of the empty tree, SHA-256("") = e3b0c442...b855.
Hash EmptyRoot();

// The 32 bytes of `hash` as a string (a view would dangle on temporaries).
std::string HashBytes(const Hash& hash);
// Lowercase hex, 64 characters.
std::string HashHex(const Hash& hash);
// INVALID_ARGUMENT: `bytes` is not exactly 32 bytes.
absl::StatusOr<Hash> HashFromBytes(std::string_view bytes);
// INVALID_ARGUMENT: not hex (either case), or not 32 bytes once decoded.
absl::StatusOr<Hash> HashFromHex(std::string_view hex);

// MTH of the given leaf hashes (EmptyRoot() for none). O(n) hashes.
Hash RootOf(std::span<const Hash> leaf_hashes);

// ---------------------------------------------------------------------------
// Subtrees.

// The leaves [begin, end) of the tree. In a proof a range is a subtree of
// the RFC 6962 tree: begin is a multiple of the smallest power of two >=
// width(), so that MTH(D[begin:end]) is a node of every tree whose size is
// at least `end` (perfect subtrees) or of the tree of size `end` itself.
struct NodeRange {
  uint64_t begin = 0;
  uint64_t end = 0;

  uint64_t width() const { return end - begin; }
  // True iff width() is a power of two and begin is a multiple of it: the
  // node then never changes as the tree grows, and has an id (level, index).
  bool IsPerfect() const;
  // For perfect ranges: log2(width()) and begin / width().
  int level() const;
  uint64_t index() const { return begin >> level(); }

  friend bool operator==(const NodeRange&, const NodeRange&) = default;
};

// The perfect subtree at (level, index): [index << level, (index+1) << level).
NodeRange PerfectNode(int level, uint64_t index);

// "[begin, end)", for messages and test output.
std::string ToString(const NodeRange& range);

// The perfect subtrees that make up `range`, left to right, widths strictly
// decreasing (the set bits of width()). MTH of the range is
// NodeHash(h[0], NodeHash(h[1], ... NodeHash(h[k-2], h[k-1]))).
// INVALID_ARGUMENT: the range is empty or not a subtree (see NodeRange).
absl::StatusOr<std::vector<NodeRange>> RangeDecomposition(NodeRange range);

// The hash of a perfect subtree. Called only with ranges whose IsPerfect()
// holds. An error is passed through unchanged by ResolveProof and the
// *Proof functions below.
using PerfectSubtreeSource =
    std::function<absl::StatusOr<Hash>(const NodeRange& perfect)>;

// A source over an in-memory vector of leaf hashes, which must outlive it.
// Each call costs O(width) hashes; meant for tests and small trees.
// OUT_OF_RANGE: the range reaches past the vector.
PerfectSubtreeSource InMemorySource(std::span<const Hash> leaf_hashes);

// MTH of `range` (a subtree, see NodeRange) from perfect subtree hashes:
// at most log2(width) + 1 calls to `source`.
// INVALID_ARGUMENT: not a subtree; any error of `source`.
absl::StatusOr<Hash> RangeHash(NodeRange range,
                               const PerfectSubtreeSource& source);

// ---------------------------------------------------------------------------
// Proof generation.

// The subtrees whose hashes form the inclusion proof of leaf `index` in the
// tree of size `size` (RFC 9162 2.1.3.1 PATH), ordered from the leaf up. At
// most one range is not perfect.
// INVALID_ARGUMENT: index >= size.
absl::StatusOr<std::vector<NodeRange>> InclusionProofRanges(uint64_t index,
                                                            uint64_t size);

// The subtrees whose hashes form the consistency proof between the trees of
// sizes size1 and size2 (RFC 9162 2.1.4.1 PROOF), in proof order. Empty when
// size1 is 0 or equal to size2.
// INVALID_ARGUMENT: size1 > size2.
absl::StatusOr<std::vector<NodeRange>> ConsistencyProofRanges(uint64_t size1,
                                                              uint64_t size2);

// The hashes of `ranges`, each a subtree (perfect, or composed through
// RangeHash). Errors: those of RangeHash.
absl::StatusOr<std::vector<Hash>> ResolveProof(
    std::span<const NodeRange> ranges, const PerfectSubtreeSource& source);

// InclusionProofRanges / ConsistencyProofRanges resolved through `source`.
absl::StatusOr<std::vector<Hash>> InclusionProof(
    uint64_t index, uint64_t size, const PerfectSubtreeSource& source);
absl::StatusOr<std::vector<Hash>> ConsistencyProof(
    uint64_t size1, uint64_t size2, const PerfectSubtreeSource& source);

// ---------------------------------------------------------------------------
// Proof verification.

// The root the inclusion proof leads to (RFC 9162 2.1.3.2).
// INVALID_ARGUMENT: index >= size, or proof.size() is not the length an
// inclusion proof for (index, size) has.
absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            std::span<const Hash> proof);

// OK iff `proof` shows that the leaf with hash `leaf_hash` is at `index` in
// the tree of size `size` whose root is `root`.
// INVALID_ARGUMENT: as RootFromInclusionProof.
// FAILED_PRECONDITION (kReasonMerkleProofMismatch): the proof leads to
// another root.
absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash, std::span<const Hash> proof,
                             const Hash& root);

// OK iff `proof` shows that the tree of size size1 with root `root1` is a
// prefix of the tree of size size2 with root `root2` (RFC 9162 2.1.4.2).
// size1 == 0 needs an empty proof and root1 == EmptyRoot(); size1 == size2
// needs an empty proof and root1 == root2.
// INVALID_ARGUMENT: size1 > size2, or proof.size() is not the length a
// consistency proof between these sizes has.
// FAILED_PRECONDITION (kReasonMerkleProofMismatch): the proof does not
// reproduce root1 or root2 (the message says which).
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               std::span<const Hash> proof, const Hash& root1,
                               const Hash& root2);

// ---------------------------------------------------------------------------
// Frontier accumulator ("compact range" [0, size)).

// A perfect subtree and its hash: what the sequencer persists so that
// proofs need O(log n) reads.
struct TreeNode {
  NodeRange range;
  Hash hash;

  friend bool operator==(const TreeNode&, const TreeNode&) = default;
};

// The right border of the tree: the hashes of the perfect subtrees that
// make up [0, size), one per set bit of size, largest (leftmost) first. It
// takes at most 64 hashes, appends a leaf in amortised O(1) hashes and gives
// the root of the tree at its size in O(log size).
class MerkleFrontier {
 public:
  // The empty tree.
  MerkleFrontier() = default;

  // A frontier from what border() and size() returned earlier.
  // INVALID_ARGUMENT: border.size() is not the number of set bits of size.
  static absl::StatusOr<MerkleFrontier> Restore(uint64_t size,
                                                std::vector<Hash> border);

  // Adds the next leaf (index size()). When `completed` is not null, appends
  // to it every perfect subtree this leaf completes, bottom-up: the leaf
  // itself first, then each parent that became complete. Every perfect
  // subtree of the tree is reported exactly once over its life.
  // The tree must hold fewer than 2^64 - 1 leaves (aborts otherwise).
  void Append(const Hash& leaf_hash,
              std::vector<TreeNode>* completed = nullptr);

  uint64_t size() const { return size_; }
  // MTH of the tree of size size().
  Hash Root() const;
  // See the class comment.
  const std::vector<Hash>& border() const { return border_; }
  // The perfect subtrees border() holds, in the same order.
  std::vector<NodeRange> BorderRanges() const;

 private:
  MerkleFrontier(uint64_t size, std::vector<Hash> border)
      : size_(size), border_(std::move(border)) {}

  uint64_t size_ = 0;
  std::vector<Hash> border_;
};

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_MERKLE_H_
