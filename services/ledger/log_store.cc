#include "services/ledger/log_store.h"

#include <libpq-fe.h>

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::ledger {
namespace {

// ---- SQL. Values only ever travel as parameters; arrays travel as the text
// form of int arrays ("{1,2,3}", digits only) and hashes as one bytea of
// 32-byte slices, so no element needs quoting.

constexpr char kTreeSizeSql[] =
    "SELECT COALESCE(max(log_index) + 1, 0) FROM cellchain_audit.log_entries";

// One row per requested node, in request order, NULL when it is not stored.
// The scalar subqueries make every row a primary-key lookup whatever the
// table sizes: the planner cannot turn them into a scan of the table.
constexpr char kPerfectSubtreesSql[] =
    "SELECT CASE WHEN n.level = 0 THEN"
    " (SELECT e.leaf_hash FROM cellchain_audit.log_entries e"
    "   WHERE e.log_index = n.index)"
    " ELSE (SELECT t.hash FROM cellchain_audit.tree_nodes t"
    "   WHERE t.level = n.level AND t.index = n.index) END"
    " FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY"
    "   AS n(level, index, ord)"
    " ORDER BY n.ord";

constexpr char kEntryByRecordIdSql[] =
    "SELECT log_index, record_id, leaf_hash FROM cellchain_audit.log_entries"
    " WHERE record_id = $1";
constexpr char kEntryAtSql[] =
    "SELECT log_index, record_id, leaf_hash FROM cellchain_audit.log_entries"
    " WHERE log_index = $1";

constexpr char kCheckpointColumns[] =
    "SELECT tree_size, root_hash, note,"
    " (extract(epoch FROM created_at) * 1000000)::bigint"
    " FROM cellchain_audit.checkpoints";

// Takes the oldest committed pending rows (the primary key's order: seq is
// drawn when the writer inserts, so a writer that commits late sits before
// rows integrated already and is simply taken by a later batch: we always
// read from the start, never from a remembered seq). ARRAY(...) keeps the
// DELETE an index lookup by seq even with millions of pending rows; a
// semi-join could be planned as a scan of the whole table. No FOR UPDATE:
// only the leader deletes, and the role has no UPDATE privilege, which FOR
// UPDATE needs. A record queued twice gets one entry, at its first seq; the
// other rows come back as duplicates (index NULL).
// The rows to take: the oldest $2 (a limit), or exactly the seqs of $2 (an
// array), each followed by kIntegrateRestSql.
constexpr char kTakeOldestSql[] =
    "WITH taken AS ("
    "  DELETE FROM cellchain_audit.pending"
    "  WHERE seq = ANY (ARRAY("
    "    SELECT seq FROM cellchain_audit.pending ORDER BY seq LIMIT $2))"
    "  RETURNING seq, record_id, leaf_hash),";
constexpr char kTakeSeqsSql[] =
    "WITH taken AS ("
    "  DELETE FROM cellchain_audit.pending"
    "  WHERE seq = ANY ($2::bigint[])"
    "  RETURNING seq, record_id, leaf_hash),";
constexpr char kIntegrateRestSql[] =
    " fresh AS ("
    "  SELECT DISTINCT ON (t.record_id) t.seq, t.record_id, t.leaf_hash"
    "  FROM taken t"
    "  WHERE NOT EXISTS (SELECT FROM cellchain_audit.log_entries e"
    "                    WHERE e.record_id = t.record_id)"
    "  ORDER BY t.record_id, t.seq),"
    " integrated AS ("
    "  INSERT INTO cellchain_audit.log_entries (log_index, record_id, "
    "leaf_hash)"
    "  SELECT $1::bigint + row_number() OVER (ORDER BY seq) - 1,"
    "         record_id, leaf_hash"
    "  FROM fresh"
    "  RETURNING log_index, leaf_hash)"
    " SELECT log_index, leaf_hash, NULL::text FROM integrated"
    " UNION ALL"
    " SELECT NULL, NULL, t.record_id FROM taken t"
    "  WHERE t.seq NOT IN (SELECT seq FROM fresh)"
    " ORDER BY 1, 3";

constexpr char kReadPendingSql[] =
    "SELECT p.seq, p.record_id, p.leaf_hash, r.record_bytes, r.signature,"
    " r.key_id, r.service, r.entity_type, r.entity_id,"
    " EXISTS (SELECT FROM cellchain_audit.signing_keys k"
    "         WHERE k.key_id = r.key_id AND k.service = r.service)"
    " FROM cellchain_audit.pending p"
    " JOIN cellchain_audit.records r USING (record_id)"
    " ORDER BY p.seq LIMIT $1";

constexpr char kRefuseSql[] =
    "WITH gone AS (DELETE FROM cellchain_audit.pending WHERE seq = $1"
    "              RETURNING record_id)"
    " INSERT INTO cellchain_audit.refused_records (record_id, reason)"
    " SELECT $2::text, $3::text"
    " ON CONFLICT (record_id) DO NOTHING";

constexpr char kInsertTreeNodesSql[] =
    "INSERT INTO cellchain_audit.tree_nodes (level, index, hash)"
    " SELECT n.level, n.index,"
    "        substring($3::bytea FROM (n.ord::int - 1) * 32 + 1 FOR 32)"
    " FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY"
    "   AS n(level, index, ord)";

constexpr char kInsertCheckpointSql[] =
    "INSERT INTO cellchain_audit.checkpoints (tree_size, root_hash, note)"
    " VALUES ($1, $2, $3)";

// "{a,b,c}": the text form of an integer array.
template <typename T, typename Fn>
std::string IntArray(std::span<const T> items, Fn value) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, value(items[i]));
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<Hash> HashColumn(const pg::Result& result, int row, int column,
                                std::string_view what) {
  CC_ASSIGN_OR_RETURN(std::string bytes, result.GetBytes(row, column));
  absl::StatusOr<Hash> hash = HashFromBytes(bytes);
  if (!hash.ok()) {
    return absl::InternalError(
        absl::StrCat(ToAbsl(what), " is ", bytes.size(), " bytes, not 32"));
  }
  return *hash;
}

absl::StatusOr<uint64_t> NonNegative(const pg::Result& result, int row,
                                     int column) {
  CC_ASSIGN_OR_RETURN(int64_t value, result.GetInt64(row, column));
  if (value < 0) {
    return absl::InternalError(absl::StrCat("negative value ", value));
  }
  return static_cast<uint64_t>(value);
}

absl::StatusOr<LogEntry> EntryFromRow(const pg::Result& result) {
  LogEntry entry;
  CC_ASSIGN_OR_RETURN(entry.log_index, NonNegative(result, 0, 0));
  CC_ASSIGN_OR_RETURN(entry.record_id, result.GetString(0, 1));
  CC_ASSIGN_OR_RETURN(entry.leaf_hash,
                      HashColumn(result, 0, 2, "log_entries.leaf_hash"));
  return entry;
}

absl::StatusOr<StoredCheckpoint> CheckpointFromRow(const pg::Result& result) {
  StoredCheckpoint checkpoint;
  CC_ASSIGN_OR_RETURN(checkpoint.tree_size, NonNegative(result, 0, 0));
  CC_ASSIGN_OR_RETURN(checkpoint.root,
                      HashColumn(result, 0, 1, "checkpoints.root_hash"));
  CC_ASSIGN_OR_RETURN(checkpoint.note, result.GetString(0, 2));
  CC_ASSIGN_OR_RETURN(int64_t micros, result.GetInt64(0, 3));
  checkpoint.created_at = absl::FromUnixMicros(micros);
  return checkpoint;
}

// Parameters are bigint: a size or index above 2^63 - 1 cannot be stored.
absl::Status CheckStorable(uint64_t value, std::string_view what) {
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::OutOfRangeError(absl::StrCat(ToAbsl(what), " ", value,
                                              " is beyond any stored log"));
  }
  return absl::OkStatus();
}

using RangeKey = std::pair<uint64_t, uint64_t>;

}  // namespace

absl::StatusOr<pg::Result> LogStore::Exec(std::string_view sql,
                                          const pg::Params& params,
                                          pg::ResultFormat format) {
  ++stats_.queries;
  CC_ASSIGN_OR_RETURN(pg::Result result,
                      connection_->Exec(sql, params, format));
  stats_.rows += result.rows();
  return result;
}

absl::Status LogStore::RequireTransaction(std::string_view what) const {
  PGTransactionStatusType status = connection_->transaction_status();
  if (status != PQTRANS_INTRANS && status != PQTRANS_INERROR) {
    return absl::FailedPreconditionError(absl::StrCat(
        ToAbsl(what),
        " must run inside a transaction, so that a batch is written whole"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LogStore::TreeSize() {
  CC_ASSIGN_OR_RETURN(pg::Result result,
                      Exec(kTreeSizeSql, {}, pg::ResultFormat::kBinary));
  return NonNegative(result, 0, 0);
}

absl::StatusOr<std::vector<Hash>> LogStore::ReadPerfectSubtrees(
    std::span<const NodeRange> ranges) {
  for (const NodeRange& range : ranges) {
    if (!range.IsPerfect()) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToString(range), " is not a perfect subtree"));
    }
    CC_RETURN_IF_ERROR(CheckStorable(range.end, "leaf range end"));
  }
  std::vector<Hash> hashes;
  if (ranges.empty()) return hashes;
  pg::Params params;
  params.Add(IntArray(ranges, [](const NodeRange& r) { return r.level(); }));
  params.Add(IntArray(ranges, [](const NodeRange& r) { return r.index(); }));
  CC_ASSIGN_OR_RETURN(pg::Result result, Exec(kPerfectSubtreesSql, params,
                                              pg::ResultFormat::kBinary));
  if (result.rows() != static_cast<int>(ranges.size())) {
    return absl::InternalError(absl::StrCat("asked for ", ranges.size(),
                                            " subtrees, got ", result.rows(),
                                            " rows"));
  }
  hashes.reserve(ranges.size());
  for (int row = 0; row < result.rows(); ++row) {
    if (result.IsNull(row, 0)) {
      return absl::NotFoundError(absl::StrCat("no stored hash for the subtree ",
                                              ToString(ranges[row])));
    }
    CC_ASSIGN_OR_RETURN(Hash hash,
                        HashColumn(result, row, 0, "a stored tree hash"));
    hashes.push_back(hash);
  }
  return hashes;
}

absl::StatusOr<std::vector<Hash>> LogStore::ReadWithinSize(
    std::span<const NodeRange> perfect, uint64_t size) {
  CC_RETURN_IF_ERROR(CheckStorable(size, "tree size"));
  std::vector<NodeRange> asked(perfect.begin(), perfect.end());
  if (size > 0) asked.push_back(NodeRange{size - 1, size});
  absl::StatusOr<std::vector<Hash>> hashes = ReadPerfectSubtrees(asked);
  if (absl::IsNotFound(hashes.status())) {
    // Tell a size beyond the log from a lost row: a second, one-row query,
    // only on this error path.
    CC_ASSIGN_OR_RETURN(uint64_t tree_size, TreeSize());
    if (size > tree_size) {
      return absl::OutOfRangeError(
          absl::StrCat("tree size ", size, " is beyond the log, which holds ",
                       tree_size, " leaves"));
    }
    return absl::DataLossError(absl::StrCat(
        "the log holds ", tree_size, " leaves but ", hashes.status().message(),
        ": a row was removed behind the application's back"));
  }
  CC_RETURN_IF_ERROR(hashes.status());
  if (size > 0) hashes->pop_back();
  return hashes;
}

absl::StatusOr<MerkleFrontier> LogStore::ReadFrontier(uint64_t size) {
  // The border of a tree of size n: the perfect subtrees at the set bits of
  // n, largest first (MerkleFrontier's own order).
  std::vector<NodeRange> border;
  uint64_t begin = 0;
  for (int bit = 63; bit >= 0; --bit) {
    uint64_t width = uint64_t{1} << bit;
    if ((size & width) != 0) {
      border.push_back(NodeRange{begin, begin + width});
      begin += width;
    }
  }
  CC_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ReadWithinSize(border, size));
  return MerkleFrontier::Restore(size, std::move(hashes));
}

absl::StatusOr<Hash> LogStore::RootAt(uint64_t size) {
  CC_ASSIGN_OR_RETURN(MerkleFrontier frontier, ReadFrontier(size));
  return frontier.Root();
}

absl::StatusOr<std::vector<Hash>> LogStore::ResolveWithinSize(
    std::span<const NodeRange> ranges, uint64_t size) {
  // Every perfect subtree the proof is made of, each once.
  std::vector<NodeRange> perfect;
  absl::flat_hash_map<RangeKey, size_t> position;
  auto want = [&](const NodeRange& range) {
    if (position.emplace(RangeKey{range.begin, range.end}, perfect.size())
            .second) {
      perfect.push_back(range);
    }
  };
  for (const NodeRange& range : ranges) {
    if (range.IsPerfect()) {
      want(range);
      continue;
    }
    CC_ASSIGN_OR_RETURN(std::vector<NodeRange> parts,
                        RangeDecomposition(range));
    for (const NodeRange& part : parts) want(part);
  }
  CC_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ReadWithinSize(perfect, size));
  PerfectSubtreeSource source =
      [&](const NodeRange& range) -> absl::StatusOr<Hash> {
    auto it = position.find(RangeKey{range.begin, range.end});
    if (it == position.end()) {
      return absl::InternalError(absl::StrCat("proof needs ", ToString(range),
                                              ", which was not read"));
    }
    return hashes[it->second];
  };
  return ResolveProof(ranges, source);
}

absl::StatusOr<std::vector<Hash>> LogStore::InclusionProof(uint64_t index,
                                                           uint64_t size) {
  CC_ASSIGN_OR_RETURN(std::vector<NodeRange> ranges,
                      InclusionProofRanges(index, size));
  return ResolveWithinSize(ranges, size);
}

absl::StatusOr<std::vector<Hash>> LogStore::ConsistencyProof(uint64_t size1,
                                                             uint64_t size2) {
  CC_ASSIGN_OR_RETURN(std::vector<NodeRange> ranges,
                      ConsistencyProofRanges(size1, size2));
  return ResolveWithinSize(ranges, size2);
}

absl::StatusOr<LogEntry> LogStore::EntryByRecordId(std::string_view record_id) {
  CC_ASSIGN_OR_RETURN(pg::Result result, Exec(kEntryByRecordIdSql, {record_id},
                                              pg::ResultFormat::kBinary));
  if (result.rows() == 0) {
    return absl::NotFoundError(
        absl::StrCat("record ", ToAbsl(record_id), " is not in the log"));
  }
  return EntryFromRow(result);
}

absl::StatusOr<LogEntry> LogStore::EntryAt(uint64_t log_index) {
  CC_RETURN_IF_ERROR(CheckStorable(log_index, "log index"));
  CC_ASSIGN_OR_RETURN(pg::Result result, Exec(kEntryAtSql, {log_index},
                                              pg::ResultFormat::kBinary));
  if (result.rows() == 0) {
    return absl::NotFoundError(
        absl::StrCat("no log entry at index ", log_index));
  }
  return EntryFromRow(result);
}

absl::StatusOr<StoredCheckpoint> LogStore::LatestCheckpoint() {
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      Exec(absl::StrCat(kCheckpointColumns, " ORDER BY tree_size DESC LIMIT 1"),
           {}, pg::ResultFormat::kBinary));
  if (result.rows() == 0) return absl::NotFoundError("no checkpoint yet");
  return CheckpointFromRow(result);
}

absl::StatusOr<StoredCheckpoint> LogStore::CheckpointAt(uint64_t tree_size) {
  CC_RETURN_IF_ERROR(CheckStorable(tree_size, "tree size"));
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      Exec(absl::StrCat(kCheckpointColumns, " WHERE tree_size = $1"),
           {tree_size}, pg::ResultFormat::kBinary));
  if (result.rows() == 0) {
    return absl::NotFoundError(
        absl::StrCat("no checkpoint of tree size ", tree_size));
  }
  return CheckpointFromRow(result);
}

absl::StatusOr<LogStore::Integrated> LogStore::IntegratePending(
    uint64_t first_index, int limit) {
  CC_RETURN_IF_ERROR(RequireTransaction("integrating pending records"));
  if (limit < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch limit ", limit, " is not positive"));
  }
  CC_RETURN_IF_ERROR(CheckStorable(first_index, "log index"));
  return Integrate(absl::StrCat(kTakeOldestSql, kIntegrateRestSql),
                   first_index, {first_index, limit});
}

absl::StatusOr<LogStore::Integrated> LogStore::IntegratePending(
    uint64_t first_index, std::span<const int64_t> seqs) {
  CC_RETURN_IF_ERROR(RequireTransaction("integrating pending records"));
  CC_RETURN_IF_ERROR(CheckStorable(first_index, "log index"));
  if (seqs.empty()) return Integrated{};
  pg::Params params;
  params.Add(first_index);
  params.Add(IntArray(seqs, [](int64_t seq) { return seq; }));
  return Integrate(absl::StrCat(kTakeSeqsSql, kIntegrateRestSql), first_index,
                   params);
}

absl::StatusOr<LogStore::Integrated> LogStore::Integrate(
    const std::string& sql, uint64_t first_index, const pg::Params& params) {
  CC_ASSIGN_OR_RETURN(pg::Result result,
                      Exec(sql, params, pg::ResultFormat::kBinary));
  Integrated integrated;
  integrated.leaves.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    if (result.IsNull(row, 0)) {
      CC_ASSIGN_OR_RETURN(std::string record_id, result.GetString(row, 2));
      integrated.duplicate_record_ids.push_back(std::move(record_id));
      continue;
    }
    CC_ASSIGN_OR_RETURN(uint64_t index, NonNegative(result, row, 0));
    uint64_t expected = first_index + integrated.leaves.size();
    if (index != expected) {
      return absl::InternalError(absl::StrCat(
          "integrated index ", index, " where ", expected, " was expected"));
    }
    CC_ASSIGN_OR_RETURN(Hash leaf,
                        HashColumn(result, row, 1, "pending.leaf_hash"));
    integrated.leaves.push_back(leaf);
  }
  return integrated;
}

absl::StatusOr<std::vector<LogStore::PendingRecord>> LogStore::ReadPending(
    int limit) {
  if (limit < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch limit ", limit, " is not positive"));
  }
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      Exec(kReadPendingSql, {limit}, pg::ResultFormat::kBinary));
  std::vector<PendingRecord> pending;
  pending.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    PendingRecord p;
    CC_ASSIGN_OR_RETURN(p.seq, result.GetInt64(row, 0));
    CC_ASSIGN_OR_RETURN(p.record_id, result.GetString(row, 1));
    CC_ASSIGN_OR_RETURN(p.queued_leaf_hash, result.GetBytes(row, 2));
    CC_ASSIGN_OR_RETURN(p.record_bytes, result.GetBytes(row, 3));
    CC_ASSIGN_OR_RETURN(p.signature, result.GetBytes(row, 4));
    CC_ASSIGN_OR_RETURN(p.key_id, result.GetString(row, 5));
    CC_ASSIGN_OR_RETURN(p.service, result.GetString(row, 6));
    CC_ASSIGN_OR_RETURN(p.entity_type, result.GetString(row, 7));
    CC_ASSIGN_OR_RETURN(p.entity_id, result.GetString(row, 8));
    CC_ASSIGN_OR_RETURN(p.key_registered, result.GetBool(row, 9));
    pending.push_back(std::move(p));
  }
  return pending;
}

absl::Status LogStore::RefusePending(int64_t seq, std::string_view record_id,
                                     std::string_view reason) {
  CC_RETURN_IF_ERROR(RequireTransaction("refusing a pending record"));
  return Exec(kRefuseSql, {seq, std::string(record_id), std::string(reason)},
              pg::ResultFormat::kText)
      .status();
}

absl::Status LogStore::InsertTreeNodes(std::span<const TreeNode> nodes) {
  CC_RETURN_IF_ERROR(RequireTransaction("inserting tree nodes"));
  std::vector<NodeRange> ranges;
  std::string hashes;
  ranges.reserve(nodes.size());
  hashes.reserve(nodes.size() * kHashSize);
  for (const TreeNode& node : nodes) {
    if (!node.range.IsPerfect()) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToString(node.range), " is not a perfect subtree"));
    }
    if (node.range.level() == 0) continue;  // log_entries holds the leaves
    CC_RETURN_IF_ERROR(CheckStorable(node.range.end, "leaf range end"));
    ranges.push_back(node.range);
    hashes.append(reinterpret_cast<const char*>(node.hash.data()),
                  node.hash.size());
  }
  if (ranges.empty()) return absl::OkStatus();
  pg::Params params;
  params.Add(IntArray(std::span<const NodeRange>(ranges),
                      [](const NodeRange& r) { return r.level(); }));
  params.Add(IntArray(std::span<const NodeRange>(ranges),
                      [](const NodeRange& r) { return r.index(); }));
  params.Add(pg::Param::Bytes(hashes));
  CC_ASSIGN_OR_RETURN(pg::Result result, Exec(kInsertTreeNodesSql, params,
                                              pg::ResultFormat::kText));
  if (result.affected_rows() != static_cast<int64_t>(ranges.size())) {
    return absl::InternalError(absl::StrCat("inserted ", result.affected_rows(),
                                            " tree nodes of ", ranges.size()));
  }
  return absl::OkStatus();
}

absl::Status LogStore::InsertCheckpoint(uint64_t tree_size, const Hash& root,
                                        std::string_view note) {
  CC_RETURN_IF_ERROR(RequireTransaction("inserting a checkpoint"));
  CC_RETURN_IF_ERROR(CheckStorable(tree_size, "tree size"));
  return Exec(kInsertCheckpointSql,
              {tree_size, pg::Param::Bytes(HashBytes(root)), note},
              pg::ResultFormat::kText)
      .status();
}

}  // namespace cellchain::ledger
