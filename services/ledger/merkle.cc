#include "services/ledger/merkle.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"

namespace cellchain::ledger {
namespace {

constexpr char kLeafPrefix = 0x00;
constexpr char kNodePrefix = 0x01;

// The k of RFC 6962: the largest power of two smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// True iff `range` is a node of some RFC 6962 tree (see NodeRange).
bool IsSubtree(const NodeRange& range) {
  if (range.end <= range.begin) return false;
  uint64_t width = range.width();
  if (width > (uint64_t{1} << 63)) return range.begin == 0;
  return (range.begin & (std::bit_ceil(width) - 1)) == 0;
}

absl::Status Mismatch(const std::string& message) {
  return FailedRule(kReasonMerkleProofMismatch, message);
}

Hash SubtreeRoot(std::span<const Hash> leaves) {
  if (leaves.size() == 1) return leaves[0];
  size_t k = SplitPoint(leaves.size());
  return NodeHash(SubtreeRoot(leaves.first(k)), SubtreeRoot(leaves.subspan(k)));
}

}  // namespace

// ---------------------------------------------------------------------------
// Hashing.

Hash LeafHash(std::string_view leaf_data) {
  std::string input;
  input.reserve(1 + leaf_data.size());
  input.push_back(kLeafPrefix);
  input.append(leaf_data);
  return crypto::Sha256(input);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  char input[1 + 2 * kHashSize];
  input[0] = kNodePrefix;
  std::memcpy(input + 1, left.data(), kHashSize);
  std::memcpy(input + 1 + kHashSize, right.data(), kHashSize);
  return crypto::Sha256(std::string_view(input, sizeof(input)));
}

Hash EmptyRoot() {
  static const Hash kEmpty = crypto::Sha256("");
  return kEmpty;
}

std::string HashBytes(const Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

std::string HashHex(const Hash& hash) {
  return crypto::HexEncode(HashBytes(hash));
}

absl::StatusOr<Hash> HashFromBytes(std::string_view bytes) {
  if (bytes.size() != kHashSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a tree hash is ", kHashSize, " bytes, got ", bytes.size()));
  }
  Hash hash;
  std::memcpy(hash.data(), bytes.data(), kHashSize);
  return hash;
}

absl::StatusOr<Hash> HashFromHex(std::string_view hex) {
  CC_ASSIGN_OR_RETURN(std::string bytes, crypto::HexDecode(hex));
  return HashFromBytes(bytes);
}

Hash RootOf(std::span<const Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return EmptyRoot();
  return SubtreeRoot(leaf_hashes);
}

// ---------------------------------------------------------------------------
// Subtrees.

bool NodeRange::IsPerfect() const {
  if (end <= begin) return false;
  uint64_t w = width();
  return std::has_single_bit(w) && (begin & (w - 1)) == 0;
}

int NodeRange::level() const { return std::countr_zero(width()); }

NodeRange PerfectNode(int level, uint64_t index) {
  return NodeRange{index << level, (index + 1) << level};
}

std::string ToString(const NodeRange& range) {
  return absl::StrCat("[", range.begin, ", ", range.end, ")");
}

absl::StatusOr<std::vector<NodeRange>> RangeDecomposition(NodeRange range) {
  if (!IsSubtree(range)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf range ", ToString(range), " is not a subtree of a Merkle tree"));
  }
  std::vector<NodeRange> parts;
  uint64_t begin = range.begin;
  uint64_t rest = range.width();
  while (rest != 0) {
    uint64_t width = std::bit_floor(rest);
    parts.push_back(NodeRange{begin, begin + width});
    begin += width;
    rest -= width;
  }
  return parts;
}

PerfectSubtreeSource InMemorySource(std::span<const Hash> leaf_hashes) {
  return [leaf_hashes](const NodeRange& range) -> absl::StatusOr<Hash> {
    if (range.end <= range.begin || range.end > leaf_hashes.size()) {
      return absl::OutOfRangeError(
          absl::StrCat("leaf range ", ToString(range), " is not within the ",
                       leaf_hashes.size(), " leaves held"));
    }
    return SubtreeRoot(leaf_hashes.subspan(range.begin, range.width()));
  };
}

absl::StatusOr<Hash> RangeHash(NodeRange range,
                               const PerfectSubtreeSource& source) {
  if (range.IsPerfect()) return source(range);
  CC_ASSIGN_OR_RETURN(std::vector<NodeRange> parts, RangeDecomposition(range));
  CC_ASSIGN_OR_RETURN(Hash hash, source(parts.back()));
  for (size_t i = parts.size() - 1; i-- > 0;) {
    CC_ASSIGN_OR_RETURN(Hash left, source(parts[i]));
    hash = NodeHash(left, hash);
  }
  return hash;
}

// ---------------------------------------------------------------------------
// Proof generation.

absl::StatusOr<std::vector<NodeRange>> InclusionProofRanges(uint64_t index,
                                                            uint64_t size) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf index ", index, " is not in a tree of size ", size));
  }
  // PATH(m, D[n]) walked from the root down; the proof lists the siblings
  // from the leaf up.
  std::vector<NodeRange> ranges;
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    uint64_t mid = begin + SplitPoint(end - begin);
    if (index < mid) {
      ranges.push_back(NodeRange{mid, end});
      end = mid;
    } else {
      ranges.push_back(NodeRange{begin, mid});
      begin = mid;
    }
  }
  std::reverse(ranges.begin(), ranges.end());
  return ranges;
}

absl::StatusOr<std::vector<NodeRange>> ConsistencyProofRanges(uint64_t size1,
                                                              uint64_t size2) {
  if (size1 > size2) {
    return absl::InvalidArgumentError(
        absl::StrCat("no consistency proof from tree size ", size1,
                     " to the smaller size ", size2));
  }
  std::vector<NodeRange> ranges;
  if (size1 == 0 || size1 == size2) return ranges;
  // SUBPROOF(m, D[n], b) walked from the root down; the proof lists the
  // nodes from the bottom up.
  uint64_t begin = 0;
  uint64_t end = size2;
  bool whole_old_tree = true;  // The b of RFC 9162: still on the left edge.
  while (end != size1) {
    uint64_t mid = begin + SplitPoint(end - begin);
    if (size1 <= mid) {
      ranges.push_back(NodeRange{mid, end});
      end = mid;
    } else {
      ranges.push_back(NodeRange{begin, mid});
      begin = mid;
      whole_old_tree = false;
    }
  }
  // The old tree's own root is not sent: the verifier has it.
  if (!whole_old_tree) ranges.push_back(NodeRange{begin, end});
  std::reverse(ranges.begin(), ranges.end());
  return ranges;
}

absl::StatusOr<std::vector<Hash>> ResolveProof(
    std::span<const NodeRange> ranges, const PerfectSubtreeSource& source) {
  std::vector<Hash> proof;
  proof.reserve(ranges.size());
  for (const NodeRange& range : ranges) {
    CC_ASSIGN_OR_RETURN(Hash hash, RangeHash(range, source));
    proof.push_back(hash);
  }
  return proof;
}

absl::StatusOr<std::vector<Hash>> InclusionProof(
    uint64_t index, uint64_t size, const PerfectSubtreeSource& source) {
  CC_ASSIGN_OR_RETURN(std::vector<NodeRange> ranges,
                      InclusionProofRanges(index, size));
  return ResolveProof(ranges, source);
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(
    uint64_t size1, uint64_t size2, const PerfectSubtreeSource& source) {
  CC_ASSIGN_OR_RETURN(std::vector<NodeRange> ranges,
                      ConsistencyProofRanges(size1, size2));
  return ResolveProof(ranges, source);
}

// ---------------------------------------------------------------------------
// Proof verification.

absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            std::span<const Hash> proof) {
  CC_ASSIGN_OR_RETURN(std::vector<NodeRange> expected,
                      InclusionProofRanges(index, size));
  if (proof.size() != expected.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an inclusion proof for leaf ", index, " in a tree of size ", size,
        " has ", expected.size(), " hashes, got ", proof.size()));
  }
  // RFC 9162 section 2.1.3.2.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {  // Unreachable after the length check; kept as in the RFC.
      return absl::InvalidArgumentError("inclusion proof too long");
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return absl::InvalidArgumentError("inclusion proof too short");
  return r;
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash, std::span<const Hash> proof,
                             const Hash& root) {
  CC_ASSIGN_OR_RETURN(Hash computed,
                      RootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) {
    return Mismatch(absl::StrCat(
        "inclusion proof for leaf ", index, " in a tree of size ", size,
        " leads to root ", HashHex(computed), ", expected ", HashHex(root)));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               std::span<const Hash> proof, const Hash& root1,
                               const Hash& root2) {
  CC_ASSIGN_OR_RETURN(std::vector<NodeRange> expected,
                      ConsistencyProofRanges(size1, size2));
  if (proof.size() != expected.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a consistency proof from tree size ", size1, " to ", size2, " has ",
        expected.size(), " hashes, got ", proof.size()));
  }
  if (size1 == 0 && root1 != EmptyRoot()) {
    return Mismatch(absl::StrCat("root1 ", HashHex(root1),
                                 " is not the root of the empty tree"));
  }
  if (size1 == size2) {
    if (root1 != root2) {
      return Mismatch(absl::StrCat("trees of the same size ", size1,
                                   " have different roots"));
    }
    return absl::OkStatus();
  }
  if (size1 == 0) return absl::OkStatus();  // The empty tree prefixes all.

  // RFC 9162 section 2.1.4.2. When size1 is a power of two the old root is
  // the first node of the path and is not sent.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) {  // Unreachable after the length check; kept as in the RFC.
      return absl::InvalidArgumentError("consistency proof too long");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return absl::InvalidArgumentError("consistency proof too short");
  if (fr != root1) {
    return Mismatch(absl::StrCat("consistency proof from size ", size1, " to ",
                                 size2, " leads to old root ", HashHex(fr),
                                 ", expected ", HashHex(root1)));
  }
  if (sr != root2) {
    return Mismatch(absl::StrCat("consistency proof from size ", size1, " to ",
                                 size2, " leads to new root ", HashHex(sr),
                                 ", expected ", HashHex(root2)));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// MerkleFrontier.

absl::StatusOr<MerkleFrontier> MerkleFrontier::Restore(
    uint64_t size, std::vector<Hash> border) {
  if (border.size() != static_cast<size_t>(std::popcount(size))) {
    return absl::InvalidArgumentError(
        absl::StrCat("a Merkle frontier of size ", size, " holds ",
                     std::popcount(size), " hashes, got ", border.size()));
  }
  return MerkleFrontier(size, std::move(border));
}

void MerkleFrontier::Append(const Hash& leaf_hash,
                            std::vector<TreeNode>* completed) {
  if (size_ == std::numeric_limits<uint64_t>::max()) {
    std::fprintf(stderr, "MerkleFrontier::Append: tree is full\n");
    std::abort();
  }
  Hash hash = leaf_hash;
  NodeRange range{size_, size_ + 1};
  if (completed != nullptr) completed->push_back(TreeNode{range, hash});
  // Each set low bit of the old size is a perfect subtree of the same width
  // as the one just completed, to its left: merge them.
  for (uint64_t s = size_; (s & 1) != 0; s >>= 1) {
    hash = NodeHash(border_.back(), hash);
    border_.pop_back();
    range.begin -= range.width();
    if (completed != nullptr) completed->push_back(TreeNode{range, hash});
  }
  border_.push_back(hash);
  ++size_;
}

Hash MerkleFrontier::Root() const {
  if (border_.empty()) return EmptyRoot();
  Hash hash = border_.back();
  for (size_t i = border_.size() - 1; i-- > 0;) {
    hash = NodeHash(border_[i], hash);
  }
  return hash;
}

std::vector<NodeRange> MerkleFrontier::BorderRanges() const {
  std::vector<NodeRange> ranges;
  uint64_t begin = 0;
  for (int bit = 63; bit >= 0; --bit) {
    uint64_t width = uint64_t{1} << bit;
    if ((size_ & width) != 0) {
      ranges.push_back(NodeRange{begin, begin + width});
      begin += width;
    }
  }
  return ranges;
}

}  // namespace cellchain::ledger
