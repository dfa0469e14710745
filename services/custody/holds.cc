// Custody's holds and recalls (PlaceHold, ReleaseHold with QA's signature
// and segregation of duties, Recall of a donor or reagent lot and every
// item derived from it).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/crypto.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/custody/custody.h"
#include "services/custody/custody_internal.h"
#include "services/custody/graph.h"
#include "services/custody/rules.h"
#include "services/custody/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::custody {
namespace {

// Hold $1 released by $2.
constexpr char kReleaseHold[] =
    "UPDATE cellchain_custody.holds "
    "SET released_by = $2, released_at = now() "
    "WHERE hold_id = $1";

// Item $1 on hold while any of its holds is active.
constexpr char kSetOnHoldByActiveHolds[] =
    "UPDATE cellchain_custody.items SET "
    "on_hold = EXISTS (SELECT 1 FROM cellchain_custody.holds "
    "  WHERE item_id = $1 AND released_at IS NULL), "
    "version = version + 1 WHERE item_id = $1";

// $1 recall, $2 the item recalled, $3 reason, $4 by whom, $5 items held.
constexpr char kInsertRecall[] =
    "INSERT INTO cellchain_custody.recalls "
    "(recall_id, item_id, reason, recalled_by, recalled_at, items_held) "
    "VALUES ($1, $2, $3, $4, now(), $5)";

// One hold per element of the arrays $1 (hold ids) and $2 (items), for
// reason $3, placed by $4 for recall $5.
constexpr char kInsertRecallHolds[] =
    "INSERT INTO cellchain_custody.holds "
    "(hold_id, item_id, reason, placed_by, recall_id, placed_at) "
    "SELECT h, i, $3, $4, $5, now() "
    "FROM unnest($1::text[], $2::text[]) AS t(h, i)";

constexpr char kSetOnHoldAll[] =
    "UPDATE cellchain_custody.items "
    "SET on_hold = true, version = version + 1 "
    "WHERE item_id = ANY($1::text[])";

}  // namespace

absl::StatusOr<v1::PlaceHoldResponse> Custody::PlaceHold(
    const auth::Principal& caller, const v1::PlaceHoldRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  CC_RETURN_IF_ERROR(RequireReason(request.context(), "a hold"));
  return ledger::RecordOnce<v1::PlaceHoldResponse>(
      *pool_, *ledger_, {kServiceName, "PlaceHold", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::PlaceHoldResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(LockedItem item, LockItem(tx, request.item_id()));
        CC_RETURN_IF_ERROR(RequireNotEnded(item));
        CC_ASSIGN_OR_RETURN(
            std::string hold_id,
            InsertHold(tx, item.item_id, request.context().reason(),
                       caller.user_id, ""));
        CC_ASSIGN_OR_RETURN(v1::Hold hold, LoadHold(tx, hold_id));
        CC_RETURN_IF_ERROR(audit
                               .Append("hold.place", "hold", hold_id, hold,
                                       request.context().reason())
                               .status());
        CC_ASSIGN_OR_RETURN(auto appended,
                            RecordItem(audit, "item.hold", item.item_id,
                                       request.context().reason()));
        *response.mutable_hold() = std::move(hold);
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ReleaseHoldResponse> Custody::ReleaseHold(
    const auth::Principal& caller, const v1::ReleaseHoldRequest& request) {
  if (request.hold_id().empty()) return InvalidField("hold_id", "required");
  CC_RETURN_IF_ERROR(RequireReason(request.context(), "releasing a hold"));
  // Re-authentication happens outside the change's transaction: a wrong
  // password is audited and counted by identity even though this refuses.
  // SignAs refuses a malformed request id before the password is checked.
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_APPROVED,
                             "ReleaseHold", request.context().request_id()));
  return ledger::RecordOnce<v1::ReleaseHoldResponse>(
      *pool_, *ledger_, {kServiceName, "ReleaseHold", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::ReleaseHoldResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Hold hold, LoadHold(tx, request.hold_id(),
                                                    /*for_update=*/true));
        CC_RETURN_IF_ERROR(RequireActive(hold));
        CC_RETURN_IF_ERROR(LockItem(tx, hold.item_id()).status());
        // Segregation of duties (docs/services/custody.md): whoever did
        // work on the item — registered it, derived it, handed it over or
        // took it, uploaded the readings that flagged it, ended it — may
        // not release it. Holds are precautions, not work: the QA person
        // who placed this hold (or another) may release it.
        common::v1::EntityRef item;
        item.set_type("item");
        item.set_id(hold.item_id());
        CC_RETURN_IF_ERROR(auth::CheckSegregationOfDuties(
            tx, signature.actor.user_id(), {item},
            {"item.hold", "item.hold_release"}));
        CC_RETURN_IF_ERROR(
            tx.Exec(kReleaseHold, {hold.hold_id(), caller.user_id}).status());
        CC_RETURN_IF_ERROR(
            tx.Exec(kSetOnHoldByActiveHolds, {hold.item_id()}).status());
        CC_ASSIGN_OR_RETURN(hold, LoadHold(tx, hold.hold_id()));
        CC_RETURN_IF_ERROR(audit
                               .Append("hold.release", "hold", hold.hold_id(),
                                       hold, request.context().reason(), {},
                                       signature.manifestation)
                               .status());
        CC_ASSIGN_OR_RETURN(
            auto appended,
            RecordItem(audit, "item.hold_release", hold.item_id(),
                       request.context().reason()));
        *response.mutable_hold() = std::move(hold);
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::RecallResponse> Custody::Recall(
    const auth::Principal& caller, const v1::RecallRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  CC_RETURN_IF_ERROR(RequireReason(request.context(), "a recall"));
  return ledger::RecordOnce<v1::RecallResponse>(
      *pool_, *ledger_, {kServiceName, "Recall", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::RecallResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        // Links are added under the graph lock: taking it freezes the set
        // of descendants until the holds are in place.
        LockGraph(tx, /*shared=*/false);
        CC_ASSIGN_OR_RETURN(LockedItem root, LockItem(tx, request.item_id()));
        CC_RETURN_IF_ERROR(CheckRecallable(root));
        CC_ASSIGN_OR_RETURN(Reach reach,
                            WalkLinks(tx, request.item_id(), /*forward=*/true));
        std::vector<std::string> ids = std::move(reach.nodes);
        CC_ASSIGN_OR_RETURN(std::vector<LockedItem> items,
                            LockItems(tx, ids, true));
        std::vector<std::string> live;
        for (const LockedItem& item : items) {
          if (!Ended(item.state)) live.push_back(item.item_id);
        }
        CC_RETURN_IF_ERROR(
            CheckRecallSize(live.size(), options_.max_recall_items));
        std::string recall_id = crypto::RandomId("rcl");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertRecall,
                    {recall_id, request.item_id(), request.context().reason(),
                     caller.user_id, static_cast<int>(live.size())})
                .status());
        std::string reason =
            absl::StrCat("recall ", recall_id, " of ", request.item_id(), ": ",
                         request.context().reason());
        // Every hold in one statement, every item flagged in another.
        std::vector<std::string> hold_ids;
        for (size_t i = 0; i < live.size(); ++i) {
          hold_ids.push_back(crypto::RandomId("hld"));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertRecallHolds, {pg::TextArray(hold_ids), pg::TextArray(live),
                                         reason, caller.user_id, recall_id})
                .status());
        CC_RETURN_IF_ERROR(tx.Exec(kSetOnHoldAll, {pg::TextArray(live)}).status());
        CC_ASSIGN_OR_RETURN(std::vector<v1::Hold> held,
                            LoadHoldsOfRecall(tx, recall_id));
        for (const v1::Hold& hold : held) {
          CC_RETURN_IF_ERROR(
              audit.Append("hold.place", "hold", hold.hold_id(), hold, reason)
                  .status());
        }
        CC_RETURN_IF_ERROR(RecordItems(audit, "item.hold", live, reason));
        CC_ASSIGN_OR_RETURN(v1::Recall recall, LoadRecall(tx, recall_id));
        CC_RETURN_IF_ERROR(audit
                               .Append("recall.issue", "recall", recall_id,
                                       recall, request.context().reason())
                               .status());
        *response.mutable_recall() = std::move(recall);
        for (const std::string& id : live) response.add_held_item_ids(id);
        return absl::OkStatus();
      });
}

}  // namespace cellchain::custody
