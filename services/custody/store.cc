#include "services/custody/store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"

namespace cellchain::custody {
namespace {

using audit::v1::Isbt128Identifier;

// ---- named statements -------------------------------------------------------

// The parent links of the items $1 (IdIn), as v1.ParentLink columns.
std::string SelectParentLinks(const std::vector<std::string>& ids) {
  return absl::StrCat(
      "SELECT child_id, parent_id AS parent_item_id, kind "
      "FROM cellchain_custody.item_links WHERE ",
      IdIn("child_id", 1, ids), " ORDER BY child_id, parent_id");
}

// A level of a walk: the links out of the items $1 (IdIn), as (from, to,
// kind, record id).
std::string SelectLinks(const std::vector<std::string>& frontier,
                        bool forward) {
  const char* from = forward ? "parent_id" : "child_id";
  const char* to = forward ? "child_id" : "parent_id";
  return absl::StrCat("SELECT ", from, ", ", to,
                      ", kind, coalesce(record_id, '') "
                      "FROM cellchain_custody.item_links WHERE ",
                      IdIn(from, 1, frontier), " ORDER BY ", from, ", ", to);
}

constexpr char kLockGraphShared[] =
    "SELECT pg_advisory_xact_lock_shared(hashtextextended("
    "'cellchain_custody.graph', 0))";
constexpr char kLockGraphExclusive[] =
    "SELECT pg_advisory_xact_lock(hashtextextended("
    "'cellchain_custody.graph', 0))";

// The LockedItem columns of the items `ids` (not empty; IdIn), locked in id
// order FOR UPDATE when `exclusive`, else FOR SHARE.
pg::Statement LockStatement(const std::vector<std::string>& ids,
                            bool exclusive) {
  static const std::string* const kSelect = new std::string(absl::StrCat(
      "SELECT item_id, type, state, on_hold, coalesce(custodian, ''), "
      "coalesce(location_id, ''), at_position, coalesce(patient_id, ''), ",
      pg::MicrosColumn("registered_at"), " FROM cellchain_custody.items "));
  return {absl::StrCat(*kSelect, "WHERE ", IdIn("item_id", 1, ids),
                       " ORDER BY item_id",
                       exclusive ? " FOR UPDATE" : " FOR SHARE"),
          {IdsParam(ids)}};
}

// Position $1's advisory lock (to the end of the transaction), and the item
// at it, if any.
constexpr char kLockPosition[] =
    "SELECT pg_advisory_xact_lock(hashtextextended("
    "'cellchain_custody.position/' || $1, 0)), "
    "(SELECT item_id FROM cellchain_custody.items "
    " WHERE location_id = $1 AND at_position)";

// $2 the record that made child $1's new links.
constexpr char kSetLinkRecord[] =
    "UPDATE cellchain_custody.item_links SET record_id = $2 "
    "WHERE child_id = $1 AND record_id IS NULL";

// $1 hold, $2 item, $3 reason, $4 placed by, $5 recall (or '').
constexpr char kInsertHold[] =
    "INSERT INTO cellchain_custody.holds "
    "(hold_id, item_id, reason, placed_by, recall_id, placed_at) "
    "VALUES ($1, $2, $3, $4, nullif($5, ''), now())";
constexpr char kSetOnHold[] =
    "UPDATE cellchain_custody.items "
    "SET on_hold = true, version = version + 1 "
    "WHERE item_id = $1";

constexpr char kSelectLocation[] =
    "SELECT location_id, kind, name, parent_id AS parent_location_id "
    "FROM cellchain_custody.locations WHERE location_id = $1";

constexpr char kSelectUpload[] =
    "SELECT upload_id, item_id, location_id, logger_id "
    "FROM cellchain_custody.temperature_uploads WHERE upload_id = $1";
constexpr char kSelectUploadExcursions[] =
    "SELECT item_id FROM cellchain_custody.temperature_excursions "
    "WHERE upload_id = $1 ORDER BY item_id";

constexpr char kSelectLimits[] =
    "SELECT item_type, min_celsius, max_celsius "
    "FROM cellchain_custody.temperature_limits ";

// WHERE clauses of the snapshot SELECTs below.
constexpr char kWhereHandoffId[] = "WHERE handoff_id = $1";
constexpr char kWhereHoldId[] = "WHERE hold_id = $1";
constexpr char kForUpdate[] = " FOR UPDATE";

// ---- snapshot SELECTs (timestamps as pg::MicrosColumn reads them)
// ------------

// v1.Item's columns (its identifiers and state are ItemFromRow's).
const std::string& ItemSelect() {
  static const std::string* const kSql = new std::string(absl::StrCat(
      "SELECT item_id, type, din, product_code, expiration, "
      "chain_of_identity, local_code, description, state AS state_text, "
      "on_hold, custodian AS custodian_user_id, location_id, open_handoff_id, "
      "temperature_excursion, patient_id, ",
      pg::MicrosColumn("registered_at"),
      ", version FROM cellchain_custody.items "));
  return *kSql;
}

const std::string& HandoffSelect() {
  static const std::string* const kSql = new std::string(absl::StrCat(
      "SELECT handoff_id, item_id, from_user_id, from_location_id, "
      "to_user_id, to_location_id, carrier_user_id, condition_at_dispatch, "
      "seal_intact_at_dispatch, ",
      pg::MicrosColumn("initiated_at"),
      ", status, accepted_by AS accepted_by_user_id, condition_at_receipt, "
      "seal_intact_at_receipt, ",
      pg::MicrosColumn("closed_at"), " FROM cellchain_custody.handoffs "));
  return *kSql;
}

const std::string& HoldSelect() {
  static const std::string* const kSql = new std::string(absl::StrCat(
      "SELECT hold_id, item_id, reason, placed_by AS placed_by_user_id, "
      "recall_id, ",
      pg::MicrosColumn("placed_at"),
      ", released_at IS NULL AS active, released_by AS released_by_user_id, ",
      pg::MicrosColumn("released_at"), " FROM cellchain_custody.holds "));
  return *kSql;
}

const std::string& RecallSelect() {
  static const std::string* const kSql = new std::string(absl::StrCat(
      "SELECT recall_id, item_id, reason, recalled_by AS recalled_by_user_id, ",
      pg::MicrosColumn("recalled_at"),
      ", items_held FROM cellchain_custody.recalls WHERE recall_id = $1"));
  return *kSql;
}

const std::string& DinAllocationSelect() {
  static const std::string* const kSql = new std::string(absl::StrCat(
      "SELECT din, fin, year, sequence, allocated_by AS allocated_by_user_id, ",
      pg::MicrosColumn("allocated_at"),
      " FROM cellchain_custody.din_allocations WHERE din = $1"));
  return *kSql;
}

const std::string& ReadingsSelect() {
  static const std::string* const kSql = new std::string(
      absl::StrCat("SELECT ", pg::MicrosColumn("measured_at"),
                   ", celsius FROM cellchain_custody.temperature_readings "
                   "WHERE upload_id = $1 ORDER BY seq"));
  return *kSql;
}

// ---- rows -------------------------------------------------------------------

void AddIdentifier(v1::Item& item, const char* kind, const pg::Result& r,
                   int row, const char* column) {
  absl::StatusOr<int> index = r.ColumnIndex(column);
  if (!index.ok() || r.IsNull(row, *index)) return;
  absl::StatusOr<std::string> value = r.GetString(row, *index);
  if (!value.ok() || value->empty()) return;
  Isbt128Identifier* id = item.add_isbt128();
  id->set_kind(kind);
  id->set_value(*value);
}

absl::StatusOr<v1::Item> ItemFromRow(const pg::Result& r, int row) {
  v1::Item item;
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, item));
  AddIdentifier(item, "din", r, row, "din");
  AddIdentifier(item, "product_code", r, row, "product_code");
  AddIdentifier(item, "expiration", r, row, "expiration");
  AddIdentifier(item, "chain_of_identity", r, row, "chain_of_identity");
  CC_ASSIGN_OR_RETURN(std::string state, r.GetString(row, "state_text"));
  item.set_state(StateOf(state, item.on_hold()));
  return item;
}

// The one row `sql` selects with `id` as $1. NOT_FOUND "no <what> "<id>""
// when there is none.
template <typename Proto, typename Executor>
absl::StatusOr<Proto> LoadOne(Executor& executor, const std::string& sql,
                              const std::string& id, std::string_view what) {
  CC_ASSIGN_OR_RETURN(std::vector<Proto> rows,
                      pg::LoadRows<Proto>(executor, sql, {id}));
  if (rows.empty()) return NotFound(what, id);
  return std::move(rows.front());
}

// One level of a walk (graph.h LinksOf): the links out of `frontier`.
absl::StatusOr<std::vector<Link>> ReadLevel(
    pg::Transaction& tx, const std::vector<std::string>& frontier,
    bool forward) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(SelectLinks(frontier, forward),
                                            {IdsParam(frontier)}));
  std::vector<Link> links(r.rows());
  for (int row = 0; row < r.rows(); ++row) {
    Link& link = links[row];
    CC_ASSIGN_OR_RETURN(link.from, r.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(link.edge.to, r.GetString(row, 1));
    CC_ASSIGN_OR_RETURN(int32_t kind, r.GetInt32(row, 2));
    CC_ASSIGN_OR_RETURN(link.edge.record_id, r.GetString(row, 3));
    link.edge.kind = static_cast<v1::DerivationKind>(kind);
  }
  return links;
}

// The items of `ids` (not empty) and their parent links, two statements
// sent in one round trip (an item's state is read after each audited change
// of it: issue 13's statement profile). One id, the common case, is asked
// by equality (IdIn).
std::vector<pg::Statement> ItemStatements(const std::vector<std::string>& ids) {
  return {
      {absl::StrCat(ItemSelect(), "WHERE ", IdIn("item_id", 1, ids)),
       {IdsParam(ids)}},
      {SelectParentLinks(ids), {IdsParam(ids)}},
  };
}

// The items, by id, from the results of ItemStatements.
absl::StatusOr<absl::flat_hash_map<std::string, v1::Item>> ItemsFromResults(
    const pg::Result& r, const pg::Result& links) {
  absl::flat_hash_map<std::string, v1::Item> items;
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(v1::Item item, ItemFromRow(r, row));
    std::string id = item.item_id();
    items.emplace(std::move(id), std::move(item));
  }
  for (int row = 0; row < links.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string child, links.GetString(row, "child_id"));
    auto it = items.find(child);
    if (it == items.end()) continue;
    CC_RETURN_IF_ERROR(pg::FillFromRow(links, row, *it->second.add_parents()));
  }
  return items;
}

}  // namespace

// ---- a set of ids in a statement ----------------------------------------------

std::string IdIn(std::string_view column, int n,
                 const std::vector<std::string>& ids) {
  if (ids.size() == 1) return absl::StrCat(std::string(column), " = $", n);
  return absl::StrCat(std::string(column), " = ANY($", n, "::text[])");
}

pg::Param IdsParam(const std::vector<std::string>& ids) {
  if (ids.size() == 1) return ids.front();
  return pg::TextArray(ids);
}

// ---- snapshots ------------------------------------------------------------

template <typename Executor>
absl::StatusOr<absl::flat_hash_map<std::string, v1::Item>> LoadItems(
    Executor& executor, const std::vector<std::string>& ids) {
  if (ids.empty()) return absl::flat_hash_map<std::string, v1::Item>();
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      executor.ExecPipeline(ItemStatements(ids)));
  return ItemsFromResults(results[0], results[1]);
}

std::vector<pg::Statement> ItemReads(const std::string& item_id) {
  return ItemStatements({item_id});
}

absl::StatusOr<v1::Item> ItemFromReads(std::span<pg::Result> results,
                                       const std::string& item_id,
                                       std::string_view field) {
  CC_ASSIGN_OR_RETURN(auto items, ItemsFromResults(results[0], results[1]));
  auto it = items.find(item_id);
  if (it == items.end()) return ItemNotFound(item_id, field);
  return std::move(it->second);
}

absl::StatusOr<v1::Item> LoadItemWith(pg::Transaction& tx,
                                      const std::string& item_id,
                                      pg::Statement also,
                                      pg::Result& also_result) {
  std::vector<pg::Statement> statements = ItemReads(item_id);
  statements.push_back(std::move(also));
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      tx.ExecPipeline(statements));
  also_result = std::move(results[2]);
  return ItemFromReads(results, item_id);
}

template <typename Executor>
absl::StatusOr<v1::Item> LoadItem(Executor& executor,
                                  const std::string& item_id,
                                  std::string_view field) {
  CC_ASSIGN_OR_RETURN(auto items, LoadItems(executor, {item_id}));
  auto it = items.find(item_id);
  if (it == items.end()) return ItemNotFound(item_id, field);
  return std::move(it->second);
}

template <typename Executor>
absl::StatusOr<v1::Handoff> LoadHandoff(Executor& executor,
                                        const std::string& id,
                                        bool for_update) {
  return LoadOne<v1::Handoff>(executor,
                              absl::StrCat(HandoffSelect(), kWhereHandoffId,
                                           for_update ? kForUpdate : ""),
                              id, "handoff");
}

pg::Statement HandoffRead(const std::string& id) {
  return {absl::StrCat(HandoffSelect(), kWhereHandoffId), {id}};
}

absl::StatusOr<v1::Handoff> HandoffFromRead(const pg::Result& r,
                                            const std::string& id) {
  if (r.rows() == 0) return NotFound("handoff", id);
  v1::Handoff handoff;
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, 0, handoff));
  return handoff;
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Handoff>> LoadHandoffsOfItem(
    Executor& executor, const std::string& item_id) {
  return pg::LoadRows<v1::Handoff>(
      executor,
      absl::StrCat(HandoffSelect(),
                   "WHERE item_id = $1 ORDER BY initiated_at, handoff_id"),
      {item_id});
}

template <typename Executor>
absl::StatusOr<v1::Hold> LoadHold(Executor& executor, const std::string& id,
                                  bool for_update) {
  return LoadOne<v1::Hold>(
      executor,
      absl::StrCat(HoldSelect(), kWhereHoldId, for_update ? kForUpdate : ""),
      id, "hold");
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Hold>> LoadHoldsOfItem(
    Executor& executor, const std::string& item_id) {
  return pg::LoadRows<v1::Hold>(
      executor,
      absl::StrCat(HoldSelect(),
                   "WHERE item_id = $1 ORDER BY placed_at, hold_id"),
      {item_id});
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Hold>> LoadHoldsOfRecall(
    Executor& executor, const std::string& recall_id) {
  return pg::LoadRows<v1::Hold>(
      executor,
      absl::StrCat(HoldSelect(), "WHERE recall_id = $1 ORDER BY hold_id"),
      {recall_id});
}

template <typename Executor>
absl::StatusOr<v1::Recall> LoadRecall(Executor& executor,
                                      const std::string& id) {
  return LoadOne<v1::Recall>(executor, RecallSelect(), id, "recall");
}

template <typename Executor>
absl::StatusOr<v1::Location> LoadLocation(Executor& executor,
                                          const std::string& id,
                                          std::string_view field) {
  absl::StatusOr<v1::Location> location =
      LoadOne<v1::Location>(executor, kSelectLocation, id, "location");
  if (absl::IsNotFound(location.status())) {
    return WithReason(
        Annotate(location.status(), absl::StrCat("(", std::string(field), ")")),
        kReasonLocationNotFound);
  }
  return location;
}

template <typename Executor>
absl::StatusOr<v1::DinAllocation> LoadDinAllocation(Executor& executor,
                                                    const std::string& din) {
  return LoadOne<v1::DinAllocation>(executor, DinAllocationSelect(), din,
                                    "DIN allocation");
}

template <typename Executor>
absl::StatusOr<v1::TemperatureUpload> LoadUpload(Executor& executor,
                                                 const std::string& id) {
  // The upload, its readings and its excursions in one round trip.
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      executor.ExecPipeline(UploadReads(id)));
  return UploadFromReads(results, id);
}

std::vector<pg::Statement> UploadReads(const std::string& id) {
  return {{kSelectUpload, {id}},
          {ReadingsSelect(), {id}},
          {kSelectUploadExcursions, {id}}};
}

absl::StatusOr<v1::TemperatureUpload> UploadFromReads(
    std::span<pg::Result> results, const std::string& id) {
  if (results[0].rows() == 0) return NotFound("temperature upload", id);
  v1::TemperatureUpload upload;
  CC_RETURN_IF_ERROR(pg::FillFromRow(results[0], 0, upload));
  for (int row = 0; row < results[1].rows(); ++row) {
    CC_RETURN_IF_ERROR(pg::FillFromRow(results[1], row, *upload.add_readings()));
  }
  const pg::Result& flagged = results[2];
  for (int row = 0; row < flagged.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string item_id, flagged.GetString(row, 0));
    upload.add_excursion_item_ids(item_id);
  }
  return upload;
}

template <typename Executor>
absl::StatusOr<v1::TemperatureLimit> LoadLimit(Executor& executor,
                                               v1::ItemType type) {
  // The id of LoadOne's NOT_FOUND message ("no temperature limit for 6").
  return LoadOne<v1::TemperatureLimit>(
      executor, absl::StrCat(kSelectLimits, "WHERE item_type = $1::int"),
      absl::StrCat(static_cast<int>(type)), "temperature limit for");
}

template <typename Executor>
absl::StatusOr<std::vector<v1::TemperatureLimit>> LoadLimits(
    Executor& executor) {
  return pg::LoadRows<v1::TemperatureLimit>(
      executor, absl::StrCat(kSelectLimits, "ORDER BY item_type"), {});
}

// ---- what a change locks ----------------------------------------------------

void LockGraph(pg::Transaction& tx, bool shared) {
  tx.Defer(pg::Statement(shared ? kLockGraphShared : kLockGraphExclusive));
}

absl::StatusOr<Reach> WalkLinks(pg::Transaction& tx, const std::string& root,
                                bool forward) {
  return Walk(root, [&](const std::vector<std::string>& frontier) {
    return ReadLevel(tx, frontier, forward);
  });
}

absl::StatusOr<std::vector<LockedItem>> LockItems(pg::Transaction& tx,
                                                  std::vector<std::string> ids,
                                                  bool exclusive) {
  std::vector<LockedItem> items;
  if (ids.empty()) return items;  // no round trip for nothing
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  pg::Statement lock = LockStatement(ids, exclusive);
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(lock.sql, lock.params));
  for (int row = 0; row < r.rows(); ++row) {
    LockedItem item;
    CC_ASSIGN_OR_RETURN(item.item_id, r.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(int32_t type, r.GetInt32(row, 1));
    CC_ASSIGN_OR_RETURN(std::string state, r.GetString(row, 2));
    CC_ASSIGN_OR_RETURN(item.on_hold, r.GetBool(row, 3));
    CC_ASSIGN_OR_RETURN(item.custodian, r.GetString(row, 4));
    CC_ASSIGN_OR_RETURN(item.location_id, r.GetString(row, 5));
    CC_ASSIGN_OR_RETURN(item.at_position, r.GetBool(row, 6));
    CC_ASSIGN_OR_RETURN(item.patient_id, r.GetString(row, 7));
    CC_ASSIGN_OR_RETURN(item.registered_micros, r.GetInt64(row, 8));
    item.type = static_cast<v1::ItemType>(type);
    item.state = StateOf(state, item.on_hold);
    items.push_back(std::move(item));
  }
  return items;
}

absl::StatusOr<LockedItem> LockItem(pg::Transaction& tx,
                                    const std::string& item_id,
                                    std::string_view field) {
  CC_ASSIGN_OR_RETURN(std::vector<LockedItem> items,
                      LockItems(tx, {item_id}, true));
  if (items.empty()) return ItemNotFound(item_id, field);
  return std::move(items.front());
}

void LockItemLater(pg::Transaction& tx, const std::string& item_id) {
  tx.Defer(LockStatement({item_id}, /*exclusive=*/true));
}

// ---- statements several changes share
// -----------------------------------------

absl::StatusOr<bool> ClaimPlace(pg::Transaction& tx,
                                const std::string& location_id,
                                std::string_view field) {
  CC_ASSIGN_OR_RETURN(v1::Location location,
                      LoadLocation(tx, location_id, field));
  if (location.kind() != v1::LOCATION_KIND_POSITION) return false;
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kLockPosition, {location_id}));
  if (!r.IsNull(0, 1)) {
    CC_ASSIGN_OR_RETURN(std::string occupant, r.GetString(0, 1));
    return FailedRule(kReasonPositionOccupied,
                      absl::StrCat("position ", location.name(), " (",
                                   location_id, ") holds item ", occupant));
  }
  return true;
}

absl::Status SetLinkRecord(pg::Transaction& tx, const std::string& child,
                           const std::string& record_id) {
  return tx.Exec(kSetLinkRecord, {child, record_id}).status();
}

absl::StatusOr<std::string> InsertHold(pg::Transaction& tx,
                                       const std::string& item_id,
                                       std::string_view reason,
                                       std::string_view placed_by,
                                       const std::string& recall_id) {
  std::string hold_id = crypto::RandomId("hld");
  CC_RETURN_IF_ERROR(
      tx.Exec(kInsertHold, {hold_id, item_id, reason, placed_by, recall_id})
          .status());
  CC_RETURN_IF_ERROR(tx.Exec(kSetOnHold, {item_id}).status());
  return hold_id;
}

// ---- explicit instantiations ------------------------------------------------

#define CC_CUSTODY_LOADERS(Executor)                                          \
  template absl::StatusOr<absl::flat_hash_map<std::string, v1::Item>>         \
  LoadItems(Executor&, const std::vector<std::string>&);                      \
  template absl::StatusOr<v1::Item> LoadItem(Executor&, const std::string&,   \
                                             std::string_view);               \
  template absl::StatusOr<v1::Handoff> LoadHandoff(Executor&,                 \
                                                   const std::string&, bool); \
  template absl::StatusOr<std::vector<v1::Handoff>> LoadHandoffsOfItem(       \
      Executor&, const std::string&);                                         \
  template absl::StatusOr<v1::Hold> LoadHold(Executor&, const std::string&,   \
                                             bool);                           \
  template absl::StatusOr<std::vector<v1::Hold>> LoadHoldsOfItem(             \
      Executor&, const std::string&);                                         \
  template absl::StatusOr<std::vector<v1::Hold>> LoadHoldsOfRecall(           \
      Executor&, const std::string&);                                         \
  template absl::StatusOr<v1::Recall> LoadRecall(Executor&,                   \
                                                 const std::string&);         \
  template absl::StatusOr<v1::Location> LoadLocation(                         \
      Executor&, const std::string&, std::string_view);                       \
  template absl::StatusOr<v1::DinAllocation> LoadDinAllocation(               \
      Executor&, const std::string&);                                         \
  template absl::StatusOr<v1::TemperatureUpload> LoadUpload(                  \
      Executor&, const std::string&);                                         \
  template absl::StatusOr<v1::TemperatureLimit> LoadLimit(Executor&,          \
                                                          v1::ItemType);      \
  template absl::StatusOr<std::vector<v1::TemperatureLimit>> LoadLimits(      \
      Executor&);

CC_CUSTODY_LOADERS(pg::Connection)
CC_CUSTODY_LOADERS(pg::Transaction)
#undef CC_CUSTODY_LOADERS

}  // namespace cellchain::custody
