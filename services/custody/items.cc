// Custody's items (RegisterItem, LinkParent, GetItem, FindItemByScan,
// EndItem): an item registered with its identifiers and parents, a further
// derivation link, its reads, and the end of its life.
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/params.h"
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

// Whether this system allocates the DINs of DIN $1's facility, and whether
// it allocated $1.
constexpr char kSelectDinAllocated[] =
    "SELECT EXISTS (SELECT 1 FROM cellchain_custody.din_sequences "
    "  WHERE fin = substr($1, 1, 5)), "
    "EXISTS (SELECT 1 FROM cellchain_custody.din_allocations "
    "  WHERE din = $1)";

// An available item: $1 id, $2 type (ItemType), $3 DIN, $4 product code,
// $5 expiration, $6 chain of identity (each NULL when none), $7 local code
// (or ''), $8 description, $9 custodian (NULL when a place holds it),
// $10 location (or ''), $11 at a position, $12 patient (or '').
constexpr char kInsertItem[] =
    "INSERT INTO cellchain_custody.items "
    "(item_id, type, din, product_code, expiration, chain_of_identity, "
    " local_code, description, state, custodian, location_id, at_position, "
    " patient_id, registered_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''), $8, 'available', $9, "
    " nullif($10, ''), $11, nullif($12, ''), now())";

// Child $1 derived from parent $2 by kind $3 (DerivationKind); its record
// is set after (store.h SetLinkRecord).
constexpr char kInsertLink[] =
    "INSERT INTO cellchain_custody.item_links (child_id, parent_id, kind) "
    "VALUES ($1, $2, $3)";

constexpr char kBumpVersion[] =
    "UPDATE cellchain_custody.items SET version = version + 1 "
    "WHERE item_id = $1";

// The items with DIN $1 and product code $2 or none: at most two (DIN and
// product code are unique together), the one with the code first.
constexpr char kFindByDin[] =
    "SELECT item_id FROM cellchain_custody.items "
    "WHERE din = $1 AND coalesce(product_code, '') IN ($2, '') "
    "ORDER BY coalesce(product_code, '') = $2 DESC";

// The item without a DIN whose local code or id is $1.
constexpr char kFindByLocalCode[] =
    "SELECT item_id FROM cellchain_custody.items "
    "WHERE (local_code = $1 OR item_id = $1) AND din IS NULL "
    "ORDER BY item_id LIMIT 1";

// Item $1 ended in state $2 (StateText), infused into patient $3 (or '');
// it frees its position.
constexpr char kEndItem[] =
    "UPDATE cellchain_custody.items SET state = $2, "
    "patient_id = coalesce(patient_id, nullif($3, '')), "
    "at_position = false, version = version + 1 "
    "WHERE item_id = $1";

}  // namespace

absl::StatusOr<v1::RegisterItemResponse> Custody::RegisterItem(
    const auth::Principal& caller, const v1::RegisterItemRequest& request) {
  CC_ASSIGN_OR_RETURN(Registration registration, CheckRegistration(request));
  const Identifiers& ids = registration.ids;
  return ledger::RecordOnce<v1::RegisterItemResponse>(
      *pool_, *ledger_, {kServiceName, "RegisterItem", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::RegisterItemResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        // Shared: registrations run side by side, but never while a recall
        // (which takes the lock exclusively) is collecting descendants, so
        // no child of a recalled item escapes its hold.
        LockGraph(tx, /*shared=*/true);
        CC_ASSIGN_OR_RETURN(std::vector<LockedItem> parents,
                            LockItems(tx, registration.parent_ids, false));
        absl::flat_hash_map<std::string, const LockedItem*> by_id;
        for (const LockedItem& p : parents) by_id[p.item_id] = &p;
        for (int i = 0; i < request.parents_size(); ++i) {
          const v1::ParentLink& link = request.parents(i);
          std::string field = absl::StrCat("parents[", i, "]");
          auto it = by_id.find(link.parent_item_id());
          if (it == by_id.end()) {
            return ItemNotFound(link.parent_item_id(), field);
          }
          const LockedItem& parent = *it->second;
          CC_RETURN_IF_ERROR(RequireAuditedItem(tx, parent.item_id));
          CC_RETURN_IF_ERROR(CheckKindFits(parent.type, request.type(),
                                           link.kind(), field + ".kind"));
          CC_RETURN_IF_ERROR(CheckParentOfNewItem(parent, link.kind()));
        }
        if (ids.din) {
          // A facility whose DINs this system allocates uses only those
          // (a DIN of another facility, e.g. a collection site, passes).
          CC_ASSIGN_OR_RETURN(pg::Result allocated,
                              tx.Exec(kSelectDinAllocated, {*ids.din}));
          CC_ASSIGN_OR_RETURN(bool ours, allocated.GetBool(0, 0));
          CC_ASSIGN_OR_RETURN(bool known, allocated.GetBool(0, 1));
          if (ours && !known) {
            return FailedRule(kReasonDinNotAllocated,
                              absl::StrCat("DIN ", *ids.din,
                                           " was never allocated to this "
                                           "facility (AllocateDin)"));
          }
        }
        bool at_position = false;
        if (!request.location_id().empty()) {
          CC_ASSIGN_OR_RETURN(at_position, ClaimPlace(tx, request.location_id(),
                                                      "location_id"));
        }
        std::string item_id = crypto::RandomId("itm");
        // Deferred: it travels with the next statement (a link's, or the
        // item's read for its record), whose call reports its failure.
        tx.Defer({kInsertItem,
                  {item_id, static_cast<int>(request.type()), ids.din,
                   ids.product_code, ids.expiration, ids.chain_of_identity,
                   request.local_code(), request.description(),
                   // Put at a place, the place holds it (as after a
                   // handoff to a location); else the registrant does.
                   request.location_id().empty() ? pg::Param(caller.user_id)
                                                 : pg::Param::Null(),
                   request.location_id(), at_position, request.patient_id()}});
        for (const v1::ParentLink& link : request.parents()) {
          CC_RETURN_IF_ERROR(
              tx.Exec(kInsertLink, {item_id, link.parent_item_id(),
                                    static_cast<int>(link.kind())})
                  .status());
        }
        CC_ASSIGN_OR_RETURN(auto appended,
                            RecordItem(audit, "item.register", item_id));
        if (request.parents_size() > 0) {
          CC_RETURN_IF_ERROR(SetLinkRecord(tx, item_id, appended.record_id));
        }
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::LinkParentResponse> Custody::LinkParent(
    const auth::Principal& caller, const v1::LinkParentRequest& request) {
  CC_RETURN_IF_ERROR(CheckLinkRequest(request));
  return ledger::RecordOnce<v1::LinkParentResponse>(
      *pool_, *ledger_, {kServiceName, "LinkParent", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::LinkParentResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        // One link at a time in the whole graph: two links that would each
        // be acyclic alone cannot close a cycle together.
        LockGraph(tx, /*shared=*/false);
        CC_ASSIGN_OR_RETURN(LockedItem child, LockItem(tx, request.item_id()));
        CC_RETURN_IF_ERROR(CheckChildToLink(child));
        CC_ASSIGN_OR_RETURN(std::vector<LockedItem> parents,
                            LockItems(tx, {request.parent_item_id()}, false));
        if (parents.empty()) {
          return ItemNotFound(request.parent_item_id(), "parent_item_id");
        }
        const LockedItem& parent = parents.front();
        CC_RETURN_IF_ERROR(RequireAuditedItem(tx, child.item_id));
        CC_RETURN_IF_ERROR(RequireAuditedItem(tx, parent.item_id));
        CC_RETURN_IF_ERROR(
            CheckKindFits(parent.type, child.type, request.kind(), "kind"));
        CC_RETURN_IF_ERROR(CheckParentToLink(parent, request.kind()));
        CC_ASSIGN_OR_RETURN(
            Reach ancestors,
            WalkLinks(tx, request.parent_item_id(), /*forward=*/false));
        CC_RETURN_IF_ERROR(CheckAcyclic(request, ancestors.nodes));
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertLink, {request.item_id(), request.parent_item_id(),
                                  static_cast<int>(request.kind())})
                .status());
        CC_RETURN_IF_ERROR(tx.Exec(kBumpVersion, {request.item_id()}).status());
        CC_ASSIGN_OR_RETURN(
            auto appended,
            RecordItem(audit, "item.link_parent", request.item_id(),
                       request.context().reason()));
        CC_RETURN_IF_ERROR(
            SetLinkRecord(tx, request.item_id(), appended.record_id));
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::GetItemResponse> Custody::GetItem(
    const v1::GetItemRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::GetItemResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_item(),
                      LoadItem(*lease, request.item_id()));
  CC_ASSIGN_OR_RETURN(std::vector<v1::Hold> holds,
                      LoadHoldsOfItem(*lease, request.item_id()));
  for (v1::Hold& hold : holds) *response.add_holds() = std::move(hold);
  CC_ASSIGN_OR_RETURN(std::vector<v1::Handoff> handoffs,
                      LoadHandoffsOfItem(*lease, request.item_id()));
  for (v1::Handoff& handoff : handoffs) {
    *response.add_handoffs() = std::move(handoff);
  }
  return response;
}

absl::StatusOr<v1::FindItemByScanResponse> Custody::FindItemByScan(
    const v1::FindItemByScanRequest& request) {
  CC_ASSIGN_OR_RETURN(ScannedIdentity id, ReadScan(request.scan()));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  pg::Result r;
  if (id.isbt128) {
    // At most two candidates (DIN and product code are unique together):
    // the item with the scanned product code, then the one without any.
    CC_ASSIGN_OR_RETURN(r, lease->Exec(kFindByDin, {id.din, id.product_code}));
  } else {
    CC_ASSIGN_OR_RETURN(r, lease->Exec(kFindByLocalCode, {id.raw}));
  }
  if (r.rows() == 0) {
    return WithReason(absl::NotFoundError("no item has the scanned label"),
                      kReasonItemNotFound);
  }
  CC_ASSIGN_OR_RETURN(std::string item_id, r.GetString(0, 0));
  v1::FindItemByScanResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_item(), LoadItem(*lease, item_id));
  if (!ScanMatches(response.item(), request.scan())) {
    return WithReason(
        absl::NotFoundError("no item matches every identifier scanned"),
        kReasonItemNotFound);
  }
  return response;
}

absl::StatusOr<v1::EndItemResponse> Custody::EndItem(
    const auth::Principal& caller, const v1::EndItemRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  CC_RETURN_IF_ERROR(CheckEndRequest(request));
  return ledger::RecordOnce<v1::EndItemResponse>(
      *pool_, *ledger_, {kServiceName, "EndItem", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::EndItemResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(LockedItem item, LockItem(tx, request.item_id()));
        CC_RETURN_IF_ERROR(RequireNotEnded(item));
        if (request.outcome() != v1::ITEM_STATE_DISCARDED) {
          CC_RETURN_IF_ERROR(RequireAuditedItem(tx, item.item_id));
        }
        CC_RETURN_IF_ERROR(CheckEnd(item, request, caller.user_id));
        CC_RETURN_IF_ERROR(
            tx.Exec(kEndItem, {item.item_id, StateText(request.outcome()),
                               request.patient_id()})
                .status());
        CC_ASSIGN_OR_RETURN(auto appended,
                            RecordItem(audit, "item.end", item.item_id,
                                       request.context().reason()));
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

}  // namespace cellchain::custody
