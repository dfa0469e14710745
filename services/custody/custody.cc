#include "services/custody/custody.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/custody/custody_internal.h"
#include "services/custody/graph.h"
#include "services/custody/rules.h"
#include "services/custody/store.h"
#include "services/isbt128/din.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::custody {

absl::StatusOr<RecordedItem> RecordItem(ledger::Recorder& audit,
                                        std::string action,
                                        const std::string& item_id,
                                        std::string reason) {
  RecordedItem recorded;
  CC_ASSIGN_OR_RETURN(recorded.item, LoadItem(audit.tx(), item_id));
  CC_ASSIGN_OR_RETURN(
      ledger::SignedRecord record,
      audit.Append(
          std::move(action), "item", item_id, recorded.item, std::move(reason),
          {recorded.item.isbt128().begin(), recorded.item.isbt128().end()}));
  recorded.record_id = std::move(record.record_id);
  return recorded;
}

absl::Status RecordItems(ledger::Recorder& audit, const std::string& action,
                         std::vector<std::string> item_ids,
                         const std::string& reason) {
  std::sort(item_ids.begin(), item_ids.end());
  CC_ASSIGN_OR_RETURN(auto items, LoadItems(audit.tx(), item_ids));
  for (const std::string& id : item_ids) {
    const v1::Item& item = items[id];
    CC_RETURN_IF_ERROR(
        audit
            .Append(action, "item", id, item, reason,
                    {item.isbt128().begin(), item.isbt128().end()})
            .status());
  }
  return absl::OkStatus();
}

absl::Status RequireAuditedItem(pg::Transaction& tx,
                                const std::string& item_id) {
  CC_ASSIGN_OR_RETURN(v1::Item item, LoadItem(tx, item_id));
  return ledger::RequireAudited(tx, "item", item_id, item);
}

Custody::Custody(pg::Pool* pool, const ledger::Ledger* ledger,
                 auth::SignatureAuthority* signatures, ledger::Clock* clock,
                 CustodyOptions options)
    : pool_(pool),
      ledger_(ledger),
      signatures_(signatures),
      clock_(clock),
      options_(options) {}

namespace {

absl::StatusOr<v1::TemperatureLimit> ReadLimit(pg::Connection& c,
                                               const std::string& id) {
  v1::ItemType type;
  if (!v1::ItemType_Parse(id, &type)) {
    return absl::NotFoundError(absl::StrCat("no item type ", id));
  }
  return LoadLimit(c, type);
}

}  // namespace

absl::Status Custody::RegisterStateReaders(ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Item>(
      registry, "item", [](C& c, Id id) { return LoadItem(c, id); },
      ledger::IdsFrom("SELECT item_id FROM cellchain_custody.items")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Handoff>(
      registry, "handoff", [](C& c, Id id) { return LoadHandoff(c, id); },
      ledger::IdsFrom("SELECT handoff_id FROM cellchain_custody.handoffs")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Hold>(
      registry, "hold", [](C& c, Id id) { return LoadHold(c, id); },
      ledger::IdsFrom("SELECT hold_id FROM cellchain_custody.holds")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Recall>(
      registry, "recall", [](C& c, Id id) { return LoadRecall(c, id); },
      ledger::IdsFrom("SELECT recall_id FROM cellchain_custody.recalls")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Location>(
      registry, "location",
      [](C& c, Id id) { return LoadLocation(c, id, "location"); },
      ledger::IdsFrom("SELECT location_id FROM cellchain_custody.locations")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::DinAllocation>(
      registry, "din_allocation",
      [](C& c, Id id) { return LoadDinAllocation(c, id); },
      ledger::IdsFrom("SELECT din FROM cellchain_custody.din_allocations")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::TemperatureUpload>(
      registry, "temperature_upload",
      [](C& c, Id id) { return LoadUpload(c, id); },
      ledger::IdsFrom(
          "SELECT upload_id FROM cellchain_custody.temperature_uploads")));
  // A limit's entity id is its item type's name. The defaults that migration
  // 0001_custody.sql seeds have no record (the migration, checksummed in
  // schema_migrations, vouches for them): a limit still equal to its seed is
  // not listed; any other row must have a record.
  return ledger::RegisterProtoReader<v1::TemperatureLimit>(
      registry, "temperature_limit", &ReadLimit,
      [](C& c) -> absl::StatusOr<std::vector<std::string>> {
        CC_ASSIGN_OR_RETURN(
            pg::Result rows,
            c.Exec("SELECT item_type FROM cellchain_custody.temperature_limits "
                   "WHERE (item_type, min_celsius, max_celsius) NOT IN "
                   "(VALUES (2, 2, 25), (3, 35, 39), (4, -196, -150), "
                   "(5, 2, 25), (6, 2, 8), (7, 2, 8), (9, 2, 25))"));
        std::vector<std::string> ids;
        for (int row = 0; row < rows.rows(); ++row) {
          CC_ASSIGN_OR_RETURN(int32_t type, rows.GetInt32(row, 0));
          ids.push_back(v1::ItemType_Name(static_cast<v1::ItemType>(type)));
        }
        return ids;
      });
}

// ---- DIN allocation -------------------------------------------------------

absl::StatusOr<v1::AllocateDinResponse> Custody::AllocateDin(
    const auth::Principal& caller, const v1::AllocateDinRequest& request) {
  if (!isbt128::IsValidFin(request.fin())) {
    return InvalidField("fin",
                        "a Facility Identification Number is 5 characters: "
                        "A-N, P-Z or 1-9, two of A-N, P-Z or 0-9, two digits");
  }
  int year = static_cast<int>(
      absl::ToCivilYear(clock_->Now(), absl::UTCTimeZone()).year() % 100);
  return ledger::RecordOnce<v1::AllocateDinResponse>(
      *pool_, *ledger_, {kServiceName, "AllocateDin", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::AllocateDinResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            pg::Result r,
            tx.Exec("INSERT INTO cellchain_custody.din_sequences AS s "
                    "(fin, year, last_sequence) VALUES ($1, $2, 1) "
                    "ON CONFLICT (fin, year) DO UPDATE "
                    "SET last_sequence = s.last_sequence + 1 "
                    "WHERE s.last_sequence < 999999 "
                    "RETURNING last_sequence",
                    {request.fin(), year}));
        if (r.rows() == 0) {
          return FailedRule(
              kReasonDinSequenceExhausted,
              absl::StrCat("facility ", request.fin(),
                           " has allocated every DIN of year ", year));
        }
        CC_ASSIGN_OR_RETURN(int32_t sequence, r.GetInt32(0, 0));
        CC_ASSIGN_OR_RETURN(
            isbt128::Din din,
            isbt128::Din::Create(request.fin(), year, sequence));
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.din_allocations "
                    "(din, fin, year, sequence, allocated_by, allocated_at) "
                    "VALUES ($1, $2, $3, $4, $5, now())",
                    {din.ToString(), request.fin(), year, sequence,
                     caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(v1::DinAllocation allocation,
                            LoadDinAllocation(tx, din.ToString()));
        audit::v1::Isbt128Identifier id;
        id.set_kind("din");
        id.set_value(din.ToString());
        CC_RETURN_IF_ERROR(audit
                               .Append("din_allocation.allocate",
                                       "din_allocation", din.ToString(),
                                       allocation, "", {id})
                               .status());
        CC_ASSIGN_OR_RETURN(std::string data_structure,
                            isbt128::EncodeDonationIdentification(
                                din, isbt128::Type3Flags(din)));
        *response.mutable_allocation() = allocation;
        response.set_data_structure(data_structure);
        response.set_eye_readable(din.EyeReadable());
        return absl::OkStatus();
      });
}

// ---- items ----------------------------------------------------------------

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
          CC_ASSIGN_OR_RETURN(
              pg::Result allocated,
              tx.Exec("SELECT EXISTS (SELECT 1 FROM "
                      "  cellchain_custody.din_sequences "
                      "  WHERE fin = substr($1, 1, 5)), "
                      "EXISTS (SELECT 1 FROM cellchain_custody.din_allocations "
                      "  WHERE din = $1)",
                      {*ids.din}));
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
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.items "
                    "(item_id, type, din, product_code, expiration, "
                    " chain_of_identity, local_code, description, state, "
                    " custodian, location_id, at_position, patient_id, "
                    " registered_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''), $8, "
                    " 'available', $9, nullif($10, ''), $11, nullif($12, ''), "
                    " now())",
                    {item_id, static_cast<int>(request.type()), ids.din,
                     ids.product_code, ids.expiration, ids.chain_of_identity,
                     request.local_code(), request.description(),
                     // Put at a place, the place holds it (as after a
                     // handoff to a location); else the registrant does.
                     request.location_id().empty() ? pg::Param(caller.user_id)
                                                   : pg::Param::Null(),
                     request.location_id(), at_position, request.patient_id()})
                .status());
        for (const v1::ParentLink& link : request.parents()) {
          CC_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO cellchain_custody.item_links "
                      "(child_id, parent_id, kind) VALUES ($1, $2, $3)",
                      {item_id, link.parent_item_id(),
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
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  if (request.parent_item_id().empty()) {
    return InvalidField("parent_item_id", "required");
  }
  if (request.item_id() == request.parent_item_id()) {
    return FailedRule(kReasonDerivationCycle,
                      "an item cannot be derived from itself");
  }
  if (request.kind() == v1::DERIVATION_KIND_UNSPECIFIED ||
      !v1::DerivationKind_IsValid(request.kind())) {
    return InvalidField("kind", "a derivation kind is required");
  }
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
        CC_RETURN_IF_ERROR(RequireNotEnded(child));
        if (IsRootType(child.type)) {
          return InvalidField("item_id",
                              absl::StrCat(v1::ItemType_Name(child.type),
                                           " starts a chain: no parents"));
        }
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
        bool would_cycle =
            std::find(ancestors.nodes.begin(), ancestors.nodes.end(),
                      request.item_id()) != ancestors.nodes.end();
        if (would_cycle) {
          return FailedRule(kReasonDerivationCycle,
                            absl::StrCat("item ", request.parent_item_id(),
                                         " descends from ", request.item_id(),
                                         ": the link would close a cycle"));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.item_links "
                    "(child_id, parent_id, kind) VALUES ($1, $2, $3)",
                    {request.item_id(), request.parent_item_id(),
                     static_cast<int>(request.kind())})
                .status());
        CC_RETURN_IF_ERROR(tx.Exec("UPDATE cellchain_custody.items "
                                   "SET version = version + 1 "
                                   "WHERE item_id = $1",
                                   {request.item_id()})
                               .status());
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
    CC_ASSIGN_OR_RETURN(
        r, lease->Exec("SELECT item_id FROM cellchain_custody.items "
                       "WHERE din = $1 "
                       "AND coalesce(product_code, '') IN ($2, '') "
                       "ORDER BY coalesce(product_code, '') = $2 DESC",
                       {id.din, id.product_code}));
  } else {
    CC_ASSIGN_OR_RETURN(
        r, lease->Exec("SELECT item_id FROM cellchain_custody.items "
                       "WHERE (local_code = $1 OR item_id = $1) "
                       "AND din IS NULL ORDER BY item_id LIMIT 1",
                       {id.raw}));
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

// ---- locations --------------------------------------------------------

absl::StatusOr<v1::CreateLocationResponse> Custody::CreateLocation(
    const auth::Principal& caller, const v1::CreateLocationRequest& request) {
  CC_RETURN_IF_ERROR(CheckNewLocation(request));
  bool site = request.kind() == v1::LOCATION_KIND_SITE;
  return ledger::RecordOnce<v1::CreateLocationResponse>(
      *pool_, *ledger_, {kServiceName, "CreateLocation", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::CreateLocationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        int parent_kind = 0;
        if (!site) {
          CC_ASSIGN_OR_RETURN(v1::Location parent,
                              LoadLocation(tx, request.parent_location_id(),
                                           "parent_location_id"));
          parent_kind = parent.kind();
          CC_RETURN_IF_ERROR(CheckInside(parent.kind(), request.kind()));
        }
        std::string id = crypto::RandomId("loc");
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.locations "
                    "(location_id, kind, name, parent_id, parent_kind, "
                    " created_at) "
                    "VALUES ($1, $2, $3, nullif($4, ''), nullif($5, 0), now())",
                    {id, static_cast<int>(request.kind()), request.name(),
                     request.parent_location_id(), parent_kind})
                .status());
        CC_ASSIGN_OR_RETURN(v1::Location location,
                            LoadLocation(tx, id, "location_id"));
        CC_RETURN_IF_ERROR(
            audit.Append("location.create", "location", id, location).status());
        *response.mutable_location() = std::move(location);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ListLocationsResponse> Custody::ListLocations(
    const v1::ListLocationsRequest& request) {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      lease->Exec("SELECT l.location_id, l.kind, l.name, "
                  "coalesce(l.parent_id, ''), coalesce(i.item_id, '') "
                  "FROM cellchain_custody.locations l "
                  "LEFT JOIN cellchain_custody.items i "
                  "  ON i.location_id = l.location_id AND i.at_position "
                  "WHERE l.parent_id IS NOT DISTINCT FROM nullif($1, '') "
                  "ORDER BY l.name, l.location_id",
                  {request.parent_location_id()}));
  v1::ListLocationsResponse response;
  for (int row = 0; row < r.rows(); ++row) {
    v1::Location* l = response.add_locations();
    CC_ASSIGN_OR_RETURN(std::string id, r.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(int32_t kind, r.GetInt32(row, 1));
    CC_ASSIGN_OR_RETURN(std::string name, r.GetString(row, 2));
    CC_ASSIGN_OR_RETURN(std::string parent, r.GetString(row, 3));
    CC_ASSIGN_OR_RETURN(std::string occupant, r.GetString(row, 4));
    l->set_location_id(id);
    l->set_kind(static_cast<v1::LocationKind>(kind));
    l->set_name(name);
    l->set_parent_location_id(parent);
    l->set_occupant_item_id(occupant);
  }
  return response;
}

// ---- handoffs -------------------------------------------------------------

absl::StatusOr<v1::InitiateHandoffResponse> Custody::InitiateHandoff(
    const auth::Principal& caller, const v1::InitiateHandoffRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  if (request.to_user_id().empty() && request.to_location_id().empty()) {
    return InvalidField("to_user_id",
                        "hand over to a person, a location, or both");
  }
  if (!request.to_user_id().empty() && !IsUserId(request.to_user_id())) {
    return InvalidField("to_user_id", "not a user id");
  }
  if (!request.carrier_user_id().empty() &&
      !IsUserId(request.carrier_user_id())) {
    return InvalidField("carrier_user_id", "not a user id");
  }
  CC_RETURN_IF_ERROR(OptionalText(request.condition(), "condition"));
  std::string carrier = request.carrier_user_id().empty()
                            ? caller.user_id
                            : request.carrier_user_id();
  return ledger::RecordOnce<v1::InitiateHandoffResponse>(
      *pool_, *ledger_,
      {kServiceName, "InitiateHandoff", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::InitiateHandoffResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(LockedItem item, LockItem(tx, request.item_id()));
        CC_RETURN_IF_ERROR(RequireNotEnded(item));
        CC_RETURN_IF_ERROR(RequireAuditedItem(tx, item.item_id));
        CC_RETURN_IF_ERROR(CheckHandOver(item, caller.user_id));
        if (!request.to_location_id().empty()) {
          CC_RETURN_IF_ERROR(
              LoadLocation(tx, request.to_location_id(), "to_location_id")
                  .status());
        }
        std::string handoff_id = crypto::RandomId("hnd");
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.handoffs "
                    "(handoff_id, item_id, from_user_id, from_location_id, "
                    " to_user_id, to_location_id, carrier_user_id, "
                    " condition_at_dispatch, seal_intact_at_dispatch, "
                    " initiated_at, status) "
                    "VALUES ($1, $2, nullif($3, ''), nullif($4, ''), "
                    " nullif($5, ''), nullif($6, ''), $7, $8, $9, now(), "
                    " 'OPEN')",
                    {handoff_id, item.item_id, item.custodian, item.location_id,
                     request.to_user_id(), request.to_location_id(), carrier,
                     request.condition(), request.seal_intact()})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_custody.items "
                    "SET state = 'in_transit', custodian = NULL, "
                    "location_id = NULL, at_position = false, "
                    "open_handoff_id = $2, version = version + 1 "
                    "WHERE item_id = $1",
                    {item.item_id, handoff_id})
                .status());
        CC_ASSIGN_OR_RETURN(v1::Handoff handoff, LoadHandoff(tx, handoff_id));
        CC_RETURN_IF_ERROR(
            audit.Append("handoff.initiate", "handoff", handoff_id, handoff)
                .status());
        CC_ASSIGN_OR_RETURN(
            auto appended,
            RecordItem(audit, "item.handoff_initiate", item.item_id));
        *response.mutable_handoff() = std::move(handoff);
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::AcceptHandoffResponse> Custody::AcceptHandoff(
    const auth::Principal& caller, const v1::AcceptHandoffRequest& request) {
  if (request.handoff_id().empty()) {
    return InvalidField("handoff_id", "required");
  }
  if (fields::Blank(request.scan())) {
    return InvalidField("scan", "scan the item's label to accept it");
  }
  CC_RETURN_IF_ERROR(OptionalText(request.condition(), "condition"));
  absl::StatusOr<v1::AcceptHandoffResponse> result =
      ledger::RecordOnce<v1::AcceptHandoffResponse>(
          *pool_, *ledger_,
          {kServiceName, "AcceptHandoff", auth::ActorOf(caller)}, request,
          [&](ledger::Recorder& audit,
              v1::AcceptHandoffResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(
                v1::Handoff handoff,
                LoadHandoff(tx, request.handoff_id(), /*for_update=*/true));
            if (handoff.status() != "OPEN") {
              return FailedRule(kReasonHandoffNotOpen,
                                absl::StrCat("handoff ", handoff.handoff_id(),
                                             " is ", handoff.status()));
            }
            if (!handoff.to_user_id().empty() &&
                handoff.to_user_id() != caller.user_id) {
              return WithReason(
                  absl::PermissionDeniedError(absl::StrCat(
                      kReasonNotRecipient, ": handoff ", handoff.handoff_id(),
                      " is to ", handoff.to_user_id())),
                  kReasonNotRecipient);
            }
            CC_RETURN_IF_ERROR(LockItem(tx, handoff.item_id()).status());
            CC_ASSIGN_OR_RETURN(v1::Item item, LoadItem(tx, handoff.item_id()));
            CC_RETURN_IF_ERROR(
                ledger::RequireAudited(tx, "item", item.item_id(), item));
            if (!ScanMatches(item, request.scan())) {
              return FailedRule(
                  kReasonScanMismatch,
                  absl::StrCat("the scanned label is not item ", item.item_id(),
                               " of handoff ", handoff.handoff_id()));
            }
            bool at_position = false;
            if (!handoff.to_location_id().empty()) {
              CC_ASSIGN_OR_RETURN(
                  at_position,
                  ClaimPlace(tx, handoff.to_location_id(), "to_location_id"));
            }
            CC_RETURN_IF_ERROR(
                tx.Exec("UPDATE cellchain_custody.handoffs "
                        "SET status = 'ACCEPTED', accepted_by = $2, "
                        "condition_at_receipt = $3, "
                        "seal_intact_at_receipt = $4, closed_at = now() "
                        "WHERE handoff_id = $1",
                        {handoff.handoff_id(), caller.user_id,
                         request.condition(), request.seal_intact()})
                    .status());
            // To a person: they are the custodian. To a place only: the
            // place is.
            CC_RETURN_IF_ERROR(
                tx.Exec("UPDATE cellchain_custody.items "
                        "SET state = 'available', open_handoff_id = NULL, "
                        "custodian = nullif($2, ''), "
                        "location_id = nullif($3, ''), at_position = $4, "
                        "version = version + 1 WHERE item_id = $1",
                        {handoff.item_id(), handoff.to_user_id(),
                         handoff.to_location_id(), at_position})
                    .status());
            std::optional<std::string> hold_id;
            if (!request.seal_intact()) {
              CC_ASSIGN_OR_RETURN(
                  hold_id,
                  InsertHold(tx, handoff.item_id(),
                             absl::StrCat("seal not intact at receipt of "
                                          "handoff ",
                                          handoff.handoff_id()),
                             caller.user_id, ""));
            }
            CC_ASSIGN_OR_RETURN(handoff, LoadHandoff(tx, handoff.handoff_id()));
            CC_RETURN_IF_ERROR(audit
                                   .Append("handoff.accept", "handoff",
                                           handoff.handoff_id(), handoff)
                                   .status());
            if (hold_id.has_value()) {
              CC_ASSIGN_OR_RETURN(v1::Hold hold, LoadHold(tx, *hold_id));
              CC_RETURN_IF_ERROR(audit
                                     .Append("hold.place", "hold", *hold_id,
                                             hold, hold.reason())
                                     .status());
            }
            CC_ASSIGN_OR_RETURN(
                auto appended,
                RecordItem(audit, "item.handoff_accept", handoff.item_id()));
            *response.mutable_handoff() = std::move(handoff);
            *response.mutable_item() = std::move(appended.item);
            return absl::OkStatus();
          });
  if (!result.ok() && ReasonOf(result.status()) == kReasonScanMismatch) {
    // The refusal of a safety gate is audited, in its own transaction
    // (the refused change itself wrote nothing).
    absl::Status audited =
        pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
          CC_ASSIGN_OR_RETURN(v1::Handoff handoff,
                              LoadHandoff(tx, request.handoff_id()));
          ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                                 request.context().request_id());
          return audit
              .Append("handoff.accept_refused", "handoff", handoff.handoff_id(),
                      handoff,
                      absl::StrCat(kReasonScanMismatch, ": scanned \"",
                                   request.scan().substr(0, 200), "\""))
              .status();
        });
    if (!audited.ok()) return audited;
  }
  return result;
}

absl::StatusOr<v1::CancelHandoffResponse> Custody::CancelHandoff(
    const auth::Principal& caller, const v1::CancelHandoffRequest& request) {
  if (request.handoff_id().empty()) {
    return InvalidField("handoff_id", "required");
  }
  return ledger::RecordOnce<v1::CancelHandoffResponse>(
      *pool_, *ledger_, {kServiceName, "CancelHandoff", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::CancelHandoffResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            v1::Handoff handoff,
            LoadHandoff(tx, request.handoff_id(), /*for_update=*/true));
        if (handoff.status() != "OPEN") {
          return FailedRule(kReasonHandoffNotOpen,
                            absl::StrCat("handoff ", handoff.handoff_id(),
                                         " is ", handoff.status()));
        }
        if (caller.user_id != handoff.from_user_id() &&
            caller.user_id != handoff.carrier_user_id()) {
          return NotCustodian(
              "only who handed the item over, or its carrier, may cancel");
        }
        CC_RETURN_IF_ERROR(LockItem(tx, handoff.item_id()).status());
        // Back where it came from; a position taken meanwhile is not
        // reclaimed (the item stays with the person who cancels).
        std::string location = handoff.from_location_id();
        bool at_position = false;
        if (!location.empty()) {
          absl::StatusOr<bool> place =
              ClaimPlace(tx, location, "from_location_id");
          if (place.ok()) {
            at_position = *place;
          } else if (ReasonOf(place.status()) == kReasonPositionOccupied) {
            location.clear();
          } else {
            return place.status();
          }
        }
        std::string custodian = handoff.from_user_id();
        if (custodian.empty() && location.empty()) custodian = caller.user_id;
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_custody.handoffs "
                    "SET status = 'CANCELLED', closed_at = now() "
                    "WHERE handoff_id = $1",
                    {handoff.handoff_id()})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_custody.items "
                    "SET state = 'available', open_handoff_id = NULL, "
                    "custodian = nullif($2, ''), "
                    "location_id = nullif($3, ''), at_position = $4, "
                    "version = version + 1 WHERE item_id = $1",
                    {handoff.item_id(), custodian, location, at_position})
                .status());
        CC_ASSIGN_OR_RETURN(handoff, LoadHandoff(tx, handoff.handoff_id()));
        CC_RETURN_IF_ERROR(audit
                               .Append("handoff.cancel", "handoff",
                                       handoff.handoff_id(), handoff,
                                       request.context().reason())
                               .status());
        CC_ASSIGN_OR_RETURN(
            auto appended,
            RecordItem(audit, "item.handoff_cancel", handoff.item_id()));
        *response.mutable_handoff() = std::move(handoff);
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

// ---- temperatures -------------------------------------------------------

absl::StatusOr<v1::RecordTemperaturesResponse> Custody::RecordTemperatures(
    const auth::Principal& caller,
    const v1::RecordTemperaturesRequest& request) {
  CC_ASSIGN_OR_RETURN(ReadingColumns readings,
                      CheckReadings(request, clock_->Now()));
  return ledger::RecordOnce<v1::RecordTemperaturesResponse>(
      *pool_, *ledger_,
      {kServiceName, "RecordTemperatures", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::RecordTemperaturesResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        std::vector<std::string> targets;
        if (!request.item_id().empty()) {
          CC_ASSIGN_OR_RETURN(LockedItem item, LockItem(tx, request.item_id()));
          CC_RETURN_IF_ERROR(RequireNotEnded(item));
          targets.push_back(request.item_id());
        } else {
          CC_RETURN_IF_ERROR(
              LoadLocation(tx, request.location_id(), "location_id").status());
        }
        // No reading from before its item (or location) existed.
        CC_ASSIGN_OR_RETURN(
            pg::Result since,
            tx.Exec(
                request.item_id().empty()
                    ? absl::StrCat("SELECT ", pg::MicrosColumn("created_at"),
                                   " FROM cellchain_custody.locations "
                                   "WHERE location_id = $1")
                    : absl::StrCat("SELECT ", pg::MicrosColumn("registered_at"),
                                   " FROM cellchain_custody.items "
                                   "WHERE item_id = $1"),
                {request.item_id().empty() ? request.location_id()
                                           : request.item_id()}));
        CC_ASSIGN_OR_RETURN(int64_t since_micros, since.GetInt64(0, 0));
        CC_RETURN_IF_ERROR(CheckReadingsSince(request, since_micros));
        if (request.item_id().empty()) {
          CC_ASSIGN_OR_RETURN(
              pg::Result r,
              tx.Exec(
                  "WITH RECURSIVE below(id) AS ("
                  "  SELECT $1::text "
                  "  UNION ALL "
                  "  SELECT l.location_id FROM cellchain_custody.locations l "
                  "  JOIN below ON l.parent_id = below.id) "
                  "SELECT item_id FROM cellchain_custody.items "
                  "WHERE location_id IN (SELECT id FROM below) "
                  "AND state = 'available' ORDER BY item_id",
                  {request.location_id()}));
          for (int row = 0; row < r.rows(); ++row) {
            CC_ASSIGN_OR_RETURN(std::string id, r.GetString(row, 0));
            targets.push_back(std::move(id));
          }
          CC_RETURN_IF_ERROR(LockItems(tx, targets, true).status());
        }
        std::string upload_id = crypto::RandomId("tmp");
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.temperature_uploads "
                    "(upload_id, item_id, location_id, logger_id, "
                    " uploaded_by, uploaded_at) "
                    "VALUES ($1, nullif($2, ''), nullif($3, ''), $4, $5, "
                    " now())",
                    {upload_id, request.item_id(), request.location_id(),
                     request.logger_id(), caller.user_id})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.temperature_readings "
                    "(upload_id, seq, measured_at, celsius) "
                    "SELECT $1, r.seq, "
                    "  'epoch'::timestamptz + r.micros * interval "
                    "  '1 microsecond', r.celsius "
                    "FROM unnest($2::int8[], $3::float8[]) "
                    "  WITH ORDINALITY AS r(micros, celsius, seq)",
                    {upload_id, TextArray(readings.micros),
                     TextArray(readings.celsius)})
                .status());
        // The first reading out of an item's range is its excursion.
        CC_ASSIGN_OR_RETURN(
            pg::Result excursions,
            tx.Exec("INSERT INTO cellchain_custody.temperature_excursions "
                    "(upload_id, item_id, measured_at, celsius, min_celsius, "
                    " max_celsius) "
                    "SELECT DISTINCT ON (i.item_id) $1, i.item_id, "
                    "  r.measured_at, r.celsius, t.min_celsius, t.max_celsius "
                    "FROM cellchain_custody.items i "
                    "JOIN cellchain_custody.temperature_limits t "
                    "  ON t.item_type = i.type "
                    "JOIN cellchain_custody.temperature_readings r "
                    "  ON r.upload_id = $1 "
                    "WHERE i.item_id = ANY($2::text[]) "
                    "  AND (r.celsius < t.min_celsius "
                    "       OR r.celsius > t.max_celsius) "
                    "ORDER BY i.item_id, r.seq "
                    "RETURNING item_id",
                    {upload_id, TextArray(targets)}));
        std::vector<std::string> flagged;
        for (int row = 0; row < excursions.rows(); ++row) {
          CC_ASSIGN_OR_RETURN(std::string id, excursions.GetString(row, 0));
          flagged.push_back(std::move(id));
        }
        std::sort(flagged.begin(), flagged.end());
        if (!flagged.empty()) {
          CC_RETURN_IF_ERROR(tx.Exec("UPDATE cellchain_custody.items "
                                     "SET temperature_excursion = true, "
                                     "version = version + 1 "
                                     "WHERE item_id = ANY($1::text[])",
                                     {TextArray(flagged)})
                                 .status());
          CC_RETURN_IF_ERROR(RecordItems(
              audit, "item.temperature_excursion", flagged,
              absl::StrCat("temperature upload ", upload_id, " out of range")));
        }
        CC_ASSIGN_OR_RETURN(v1::TemperatureUpload upload,
                            LoadUpload(tx, upload_id));
        CC_RETURN_IF_ERROR(audit
                               .Append("temperature_upload.record",
                                       "temperature_upload", upload_id, upload)
                               .status());
        *response.mutable_upload() = std::move(upload);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::SetTemperatureLimitsResponse> Custody::SetTemperatureLimits(
    const auth::Principal& caller,
    const v1::SetTemperatureLimitsRequest& request) {
  const v1::TemperatureLimit& limit = request.limit();
  CC_RETURN_IF_ERROR(CheckLimit(limit));
  CC_RETURN_IF_ERROR(RequireReason(request.context(), "changing a limit"));
  return ledger::RecordOnce<v1::SetTemperatureLimitsResponse>(
      *pool_, *ledger_,
      {kServiceName, "SetTemperatureLimits", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::SetTemperatureLimitsResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.temperature_limits "
                    "(item_type, min_celsius, max_celsius) "
                    "VALUES ($1, $2, $3) ON CONFLICT (item_type) DO UPDATE "
                    "SET min_celsius = EXCLUDED.min_celsius, "
                    "max_celsius = EXCLUDED.max_celsius",
                    {static_cast<int>(limit.item_type()), limit.min_celsius(),
                     limit.max_celsius()})
                .status());
        CC_ASSIGN_OR_RETURN(v1::TemperatureLimit stored,
                            LoadLimit(tx, limit.item_type()));
        CC_RETURN_IF_ERROR(audit
                               .Append("temperature_limit.set",
                                       "temperature_limit",
                                       v1::ItemType_Name(limit.item_type()),
                                       stored, request.context().reason())
                               .status());
        *response.mutable_limit() = stored;
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ListTemperatureLimitsResponse>
Custody::ListTemperatureLimits() {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::TemperatureLimit> limits,
                      LoadLimits(*lease));
  v1::ListTemperatureLimitsResponse response;
  for (v1::TemperatureLimit& limit : limits) {
    *response.add_limits() = std::move(limit);
  }
  return response;
}

// ---- holds and recalls ---------------------------------------------------

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
  CC_RETURN_IF_ERROR(
      idempotency::ValidateRequestId(request.context().request_id()));
  // Re-authentication happens outside the change's transaction: a wrong
  // password is audited and counted by identity even though this refuses.
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      auth::Sign(*signatures_, caller, request.signature(),
                 {common::v1::SIGNATURE_MEANING_APPROVED},
                 {.method = "/cellchain.custody.v1.CustodyService/ReleaseHold",
                  .workstation = caller.workstation,
                  .request_id = request.context().request_id()}));
  return ledger::RecordOnce<v1::ReleaseHoldResponse>(
      *pool_, *ledger_, {kServiceName, "ReleaseHold", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::ReleaseHoldResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Hold hold, LoadHold(tx, request.hold_id(),
                                                    /*for_update=*/true));
        if (!hold.active()) {
          return FailedRule(
              kReasonHoldNotActive,
              absl::StrCat("hold ", hold.hold_id(), " was released already"));
        }
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
        CC_RETURN_IF_ERROR(tx.Exec("UPDATE cellchain_custody.holds "
                                   "SET released_by = $2, released_at = now() "
                                   "WHERE hold_id = $1",
                                   {hold.hold_id(), caller.user_id})
                               .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_custody.items SET "
                    "on_hold = EXISTS (SELECT 1 FROM cellchain_custody.holds "
                    "  WHERE item_id = $1 AND released_at IS NULL), "
                    "version = version + 1 WHERE item_id = $1",
                    {hold.item_id()})
                .status());
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
        if (static_cast<int>(live.size()) > options_.max_recall_items) {
          return FailedRule(kReasonRecallTooLarge,
                            absl::StrCat(live.size(),
                                         " items to hold; one recall holds "
                                         "at most ",
                                         options_.max_recall_items));
        }
        std::string recall_id = crypto::RandomId("rcl");
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_custody.recalls "
                    "(recall_id, item_id, reason, recalled_by, recalled_at, "
                    " items_held) VALUES ($1, $2, $3, $4, now(), $5)",
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
            tx.Exec("INSERT INTO cellchain_custody.holds "
                    "(hold_id, item_id, reason, placed_by, recall_id, "
                    " placed_at) "
                    "SELECT h, i, $3, $4, $5, now() "
                    "FROM unnest($1::text[], $2::text[]) AS t(h, i)",
                    {TextArray(hold_ids), TextArray(live), reason,
                     caller.user_id, recall_id})
                .status());
        CC_RETURN_IF_ERROR(tx.Exec("UPDATE cellchain_custody.items "
                                   "SET on_hold = true, version = version + 1 "
                                   "WHERE item_id = ANY($1::text[])",
                                   {TextArray(live)})
                               .status());
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
            tx.Exec("UPDATE cellchain_custody.items SET state = $2, "
                    "patient_id = coalesce(patient_id, nullif($3, '')), "
                    "at_position = false, version = version + 1 "
                    "WHERE item_id = $1",
                    {item.item_id, StateText(request.outcome()),
                     request.patient_id()})
                .status());
        CC_ASSIGN_OR_RETURN(auto appended,
                            RecordItem(audit, "item.end", item.item_id,
                                       request.context().reason()));
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

// ---- trace ----------------------------------------------------------------

absl::StatusOr<v1::TraceResponse> Custody::TraceForward(
    const v1::TraceRequest& request) {
  return Trace(request, /*forward=*/true);
}

absl::StatusOr<v1::TraceResponse> Custody::TraceBackward(
    const v1::TraceRequest& request) {
  return Trace(request, /*forward=*/false);
}

absl::StatusOr<v1::TraceResponse> Custody::Trace(
    const v1::TraceRequest& request, bool forward) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  v1::TraceResponse response;
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(pg::Transaction tx,
                      pg::Transaction::Begin(
                          *lease, {.isolation = pg::Isolation::kRepeatableRead,
                                   .read_only = true}));
  CC_ASSIGN_OR_RETURN(Reach reach, WalkLinks(tx, request.item_id(), forward));
  CC_ASSIGN_OR_RETURN(auto items, LoadItems(tx, reach.nodes));
  if (!items.contains(request.item_id())) {
    return ItemNotFound(request.item_id(), "item_id");
  }
  TraceLookups lookups =
      BuildTrace(request.item_id(), reach, items, forward, response);
  std::vector<std::string>& samples = lookups.samples;
  if (!forward) {
    CC_ASSIGN_OR_RETURN(
        pg::Result drawn,
        tx.Exec("SELECT DISTINCT child_id FROM cellchain_custody.item_links "
                "WHERE parent_id = ANY($1::text[]) AND kind = 10 ORDER BY 1",
                {TextArray(lookups.sampled)}));
    for (int row = 0; row < drawn.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string id, drawn.GetString(row, 0));
      samples.push_back(std::move(id));
    }
  }
  std::vector<std::string> worked_on = lookups.items;
  for (const std::string& id : samples) {
    response.add_qc_sample_ids(id);
    if (!forward) worked_on.push_back(id);
  }
  // Everyone who recorded a change of an item on the path or of a sample
  // tested for it.
  CC_ASSIGN_OR_RETURN(
      pg::Result operators,
      tx.Exec("SELECT DISTINCT actor_user_id FROM cellchain_audit.records "
              "WHERE entity_type = 'item' AND entity_id = ANY($1::text[]) "
              "ORDER BY 1",
              {TextArray(worked_on)}));
  for (int row = 0; row < operators.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string id, operators.GetString(row, 0));
    response.add_operator_user_ids(id);
  }
  CC_RETURN_IF_ERROR(tx.Commit());
  return response;
}

}  // namespace cellchain::custody
