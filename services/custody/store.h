// The custody schema as the service reads and writes it: each entity's
// snapshot loaded with one SELECT whose columns carry its proto's field
// names (pg::FillFromRow, timestamps as pg::MicrosColumn reads them), the
// item rows a change locks, the derivation graph's links, and the
// statements several RPCs share (a hold, a place, a link's record). The
// same loader builds the after_state of a change and the state reader's
// answer (Custody::RegisterStateReaders), so the two compare byte for byte.
// A statement only one RPC runs is a named constant in that RPC's file.
//
// The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc). NOT_FOUND "no <what> "<id>"" when a
// row is missing (with reason ITEM_NOT_FOUND for an item, LOCATION_NOT_FOUND
// for a location); the database's errors as services/common/pg maps them
// otherwise.
//
// Thread-safety: free functions; each call uses only the executor passed in.
#ifndef CELLCHAIN_SERVICES_CUSTODY_STORE_H_
#define CELLCHAIN_SERVICES_CUSTODY_STORE_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"
#include "services/custody/graph.h"
#include "services/custody/rules.h"

namespace cellchain::custody {

// ---- a set of ids in a statement ----------------------------------------------

// The condition that `column` is one of `ids`, passed as parameter $n
// (IdsParam): `column = $n` for one id, else `column = ANY($n::text[])`
// (none: the empty array, no row). PostgreSQL prices the generic plan of
// `= ANY($n)` for ten ids, dearer than a custom plan for one, so a prepared
// statement asking for one id that way is planned again at every execution
// (issue 13's statement profile); the generic plan of `= $n` is kept. One
// statement text per form, so each keeps its own plan.
std::string IdIn(std::string_view column, int n,
                 const std::vector<std::string>& ids);
// The parameter IdIn's condition takes: the one id, or the text array.
pg::Param IdsParam(const std::vector<std::string>& ids);

// ---- snapshots ------------------------------------------------------------

// The items of `ids` with their parent links (sorted by parent id), by id;
// missing ids are absent.
template <typename Executor>
absl::StatusOr<absl::flat_hash_map<std::string, v1::Item>> LoadItems(
    Executor& executor, const std::vector<std::string>& ids);
// NOT_FOUND ITEM_NOT_FOUND naming `field` when there is none.
template <typename Executor>
absl::StatusOr<v1::Item> LoadItem(Executor& executor,
                                  const std::string& item_id,
                                  std::string_view field = "item_id");

// LoadItem (field "item_id") with `also` sent after its statements in the
// same round trip; `also`'s result in `also_result` (e.g. the item's latest
// audit record, ledger::LatestRecordStatement). Errors as LoadItem's and
// those of `also`.
absl::StatusOr<v1::Item> LoadItemWith(pg::Transaction& tx,
                                      const std::string& item_id,
                                      pg::Statement also,
                                      pg::Result& also_result);
// LoadItem in two halves, for a caller that sends the read in a pipeline
// of its own (ledger::Recorder::AppendRead): its statements, then the item
// from their results (NOT_FOUND as LoadItem's).
std::vector<pg::Statement> ItemReads(const std::string& item_id);
absl::StatusOr<v1::Item> ItemFromReads(std::span<pg::Result> results,
                                       const std::string& item_id,
                                       std::string_view field = "item_id");

template <typename Executor>
absl::StatusOr<v1::Handoff> LoadHandoff(Executor& executor,
                                        const std::string& id,
                                        bool for_update = false);
// LoadHandoff in two halves, as ItemReads and ItemFromReads.
pg::Statement HandoffRead(const std::string& id);
absl::StatusOr<v1::Handoff> HandoffFromRead(const pg::Result& r,
                                            const std::string& id);
// An item's handoffs, oldest first.
template <typename Executor>
absl::StatusOr<std::vector<v1::Handoff>> LoadHandoffsOfItem(
    Executor& executor, const std::string& item_id);

template <typename Executor>
absl::StatusOr<v1::Hold> LoadHold(Executor& executor, const std::string& id,
                                  bool for_update = false);
// An item's holds, oldest first.
template <typename Executor>
absl::StatusOr<std::vector<v1::Hold>> LoadHoldsOfItem(
    Executor& executor, const std::string& item_id);
// The holds a recall placed, by hold id.
template <typename Executor>
absl::StatusOr<std::vector<v1::Hold>> LoadHoldsOfRecall(
    Executor& executor, const std::string& recall_id);

template <typename Executor>
absl::StatusOr<v1::Recall> LoadRecall(Executor& executor,
                                      const std::string& id);

// NOT_FOUND LOCATION_NOT_FOUND naming `field` when there is none.
template <typename Executor>
absl::StatusOr<v1::Location> LoadLocation(Executor& executor,
                                          const std::string& id,
                                          std::string_view field);

template <typename Executor>
absl::StatusOr<v1::DinAllocation> LoadDinAllocation(Executor& executor,
                                                    const std::string& din);

// The upload with its readings (in order) and the items it flagged.
template <typename Executor>
absl::StatusOr<v1::TemperatureUpload> LoadUpload(Executor& executor,
                                                 const std::string& id);
// LoadUpload in two halves, as ItemReads and ItemFromReads.
std::vector<pg::Statement> UploadReads(const std::string& id);
absl::StatusOr<v1::TemperatureUpload> UploadFromReads(
    std::span<pg::Result> results, const std::string& id);

// The range of one item type; NOT_FOUND when it has none.
template <typename Executor>
absl::StatusOr<v1::TemperatureLimit> LoadLimit(Executor& executor,
                                               v1::ItemType type);
// Every item type's range, by type.
template <typename Executor>
absl::StatusOr<std::vector<v1::TemperatureLimit>> LoadLimits(
    Executor& executor);

// ---- what a change locks ----------------------------------------------------

// The graph-wide lock (transaction-level advisory): exclusive for what
// adds links out of a new item's path or collects descendants (LinkParent,
// Recall), shared for registrations. Deferred: it travels with the
// transaction's next statement instead of costing a round trip.
void LockGraph(pg::Transaction& tx, bool shared);

// The items reachable from `root` along item_links (graph.h Walk), forward
// (parent to child) or backward.
absl::StatusOr<Reach> WalkLinks(pg::Transaction& tx, const std::string& root,
                                bool forward);

// The rows of `ids` (duplicates once), locked in id order — FOR UPDATE
// when `exclusive`, else FOR SHARE; missing ids are absent.
absl::StatusOr<std::vector<LockedItem>> LockItems(pg::Transaction& tx,
                                                  std::vector<std::string> ids,
                                                  bool exclusive);
// One row FOR UPDATE; NOT_FOUND ITEM_NOT_FOUND naming `field`.
absl::StatusOr<LockedItem> LockItem(pg::Transaction& tx,
                                    const std::string& item_id,
                                    std::string_view field = "item_id");
// LockItem for a change that reads the item next anyway: the lock is
// deferred (pg::Transaction::Defer), taken in the next round trip before
// that read, and a missing item is the read's NOT_FOUND, not an error here.
void LockItemLater(pg::Transaction& tx, const std::string& item_id);

// ---- statements several changes share
// -----------------------------------------

// Where an item may be put: a location that exists (NOT_FOUND naming
// `field`); a position only when free (POSITION_OCCUPIED), checked under
// the position's advisory lock (held to the end of `tx`) so two items
// cannot be put there at once. Returns whether it is a position.
absl::StatusOr<bool> ClaimPlace(pg::Transaction& tx,
                                const std::string& location_id,
                                std::string_view field);

// Sets the record id on the links of `child` that have none yet: the
// record that made them, appended after them (its snapshot lists them).
absl::Status SetLinkRecord(pg::Transaction& tx, const std::string& child,
                           const std::string& record_id);

// Puts `item_id` on hold (its row already locked) for `reason`, placed by
// `placed_by` (for recall `recall_id`, or none when ""), and returns the
// new hold's id; its record is the caller's to append (entity order).
absl::StatusOr<std::string> InsertHold(pg::Transaction& tx,
                                       const std::string& item_id,
                                       std::string_view reason,
                                       std::string_view placed_by,
                                       const std::string& recall_id);

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_STORE_H_
