// Custody's rules that need neither the database nor gRPC: the request
// fields of each change, which item types start a chain and which
// derivation kinds link which items, the item states as items.state stores
// them, what an item must be for a change (not ended, not in transit, in
// the caller's custody, ...), the location hierarchy, an item's ISBT 128
// identifiers, what a scanned label names (ScanMatches), and the
// temperature readings an upload may hold. The RPCs (items.cc,
// handoffs.cc, ...) call them on the request and on the values they read
// in their transaction; rules_test.cc checks them by hand-computed cases.
// The derivation graph's walk and the trace built from it are in graph.h.
//
// Every refusal is what the caller sees: INVALID_ARGUMENT naming the
// request field (status.h InvalidField), FAILED_PRECONDITION with a reason
// of reasons.h, PERMISSION_DENIED NOT_CUSTODIAN, NOT_FOUND ITEM_NOT_FOUND.
//
// Thread-safety: pure functions over values.
#ifndef CELLCHAIN_SERVICES_CUSTODY_RULES_H_
#define CELLCHAIN_SERVICES_CUSTODY_RULES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "services/custody/reasons.h"

namespace cellchain::custody {

inline constexpr int kMaxParents = 100;
inline constexpr int kMaxReadings = 10000;

// ---- request fields -------------------------------------------------------
// Over services/common/fields, keeping custody's messages: a blank value is
// refused saying what is missing ("a name is required").

// INVALID_ARGUMENT `field`: "<what> is required" when blank, "at most 500
// characters" when longer than fields::kMaxText.
absl::Status RequireText(std::string_view value, std::string_view field,
                         std::string_view what);
// INVALID_ARGUMENT `field` "at most 500 characters"; empty is fine.
absl::Status OptionalText(std::string_view value, std::string_view field);
// RequireText of context.reason: "a reason for <what> is required".
absl::Status RequireReason(const common::v1::RequestContext& context,
                           std::string_view what);

// A user id as identity makes them: 2 to 32 of a-z 0-9 . _ -, starting
// with a letter.
bool IsUserId(std::string_view id);
// 1 to `max` characters of A-Z a-z 0-9 - _ . : / (local codes, patients).
bool IsCode(std::string_view code, size_t max);

// ---- states and kinds -----------------------------------------------------

// items.state, the life cycle apart from holds (items.on_hold): the
// migration's CHECK lists these.
inline constexpr char kStateAvailable[] = "available";
inline constexpr char kStateInTransit[] = "in_transit";
inline constexpr char kStateConsumed[] = "consumed";
inline constexpr char kStateInfused[] = "infused";
inline constexpr char kStateDiscarded[] = "discarded";

// The items.state text of `state` (ON_HOLD is "available": the hold is
// on_hold); "" for UNSPECIFIED.
std::string StateText(v1::ItemState state);
// The state a person sees of a row's `text` and `on_hold`: ON_HOLD is an
// available item with an active hold. UNSPECIFIED for an unknown text.
v1::ItemState StateOf(std::string_view text, bool on_hold);
// Consumed, infused or discarded: final.
bool Ended(v1::ItemState state);

// Items that start a chain (donor lots, reagent lots, equipment): nothing
// is derived into them.
bool IsRootType(v1::ItemType type);

// A reagent lot is linked as MATERIAL, equipment as EQUIPMENT, a QC sample
// (and only a QC sample) as SAMPLE, and those kinds link nothing else.
// INVALID_ARGUMENT `field` otherwise.
absl::Status CheckKindFits(v1::ItemType parent_type, v1::ItemType child_type,
                           v1::DerivationKind kind, std::string_view field);

// ---- items ----------------------------------------------------------------

// NOT_FOUND ITEM_NOT_FOUND: no item "<id>" (<field>).
absl::Status ItemNotFound(std::string_view item_id, std::string_view field);
// PERMISSION_DENIED NOT_CUSTODIAN, the message prefixed with the reason.
absl::Status NotCustodian(std::string_view message);

// The fields of an item row a change decides on (store.h LockItems reads
// them under the row's lock).
struct LockedItem {
  std::string item_id;
  v1::ItemType type = v1::ITEM_TYPE_UNSPECIFIED;
  v1::ItemState state = v1::ITEM_STATE_UNSPECIFIED;
  bool on_hold = false;
  std::string custodian;  // "" when a location holds it (or in transit)
  std::string location_id;
  bool at_position = false;
  std::string patient_id;
  int64_t registered_micros = 0;  // registered_at, microseconds since 1970
};

// ITEM_ENDED when `item` has ended.
absl::Status RequireNotEnded(const LockedItem& item);
// NOT_CUSTODIAN when a person holds `item` and it is not `user_id`.
absl::Status RequireCustodian(const LockedItem& item, std::string_view user_id);

// A parent named at registration, linked by `kind`: not in transit
// (ITEM_IN_TRANSIT), not ended (PARENT_ENDED), not on hold unless a sample
// is drawn (PARENT_ON_HOLD).
absl::Status CheckParentOfNewItem(const LockedItem& parent,
                                  v1::DerivationKind kind);
// A parent LinkParent adds: not ended (PARENT_ENDED), not on hold unless a
// sample is drawn (PARENT_ON_HOLD).
absl::Status CheckParentToLink(const LockedItem& parent,
                               v1::DerivationKind kind);

// The request fields of LinkParent: INVALID_ARGUMENT `item_id`,
// `parent_item_id` (required), `kind`; DERIVATION_CYCLE for an item linked
// to itself.
absl::Status CheckLinkRequest(const v1::LinkParentRequest& request);
// The child LinkParent links: not ended (ITEM_ENDED), not of a type that
// starts a chain (INVALID_ARGUMENT `item_id`).
absl::Status CheckChildToLink(const LockedItem& child);
// DERIVATION_CYCLE when the request's child is among `ancestors`, what the
// parent descends from (itself included).
absl::Status CheckAcyclic(const v1::LinkParentRequest& request,
                          const std::vector<std::string>& ancestors);

// An item `user_id` hands over (after RequireNotEnded): not in transit
// already (ITEM_IN_TRANSIT), in their custody or a location's
// (NOT_CUSTODIAN).
absl::Status CheckHandOver(const LockedItem& item, std::string_view user_id);

// ---- handoffs -------------------------------------------------------------

// handoffs.status (a string in v1.Handoff too): the migration's CHECK
// lists these.
inline constexpr char kHandoffOpen[] = "OPEN";
inline constexpr char kHandoffAccepted[] = "ACCEPTED";
inline constexpr char kHandoffCancelled[] = "CANCELLED";

// A handoff `user_id` accepts: open (HANDOFF_NOT_OPEN), and to them when it
// is to a person (PERMISSION_DENIED NOT_RECIPIENT).
absl::Status CheckAccept(const v1::Handoff& handoff, std::string_view user_id);
// A handoff `user_id` cancels: open (HANDOFF_NOT_OPEN), by who handed the
// item over or its carrier (PERMISSION_DENIED NOT_CUSTODIAN).
absl::Status CheckCancel(const v1::Handoff& handoff, std::string_view user_id);

// ---- ending ---------------------------------------------------------------

// The request fields of EndItem: INVALID_ARGUMENT `outcome` (CONSUMED,
// INFUSED or DISCARDED), `patient_id` (required to infuse, only then),
// `context.reason` (to discard).
absl::Status CheckEndRequest(const v1::EndItemRequest& request);
// An item `user_id` ends as `request` says (after RequireNotEnded): not in
// transit (ITEM_IN_TRANSIT), not on hold unless discarded (ITEM_ON_HOLD),
// in their custody (NOT_CUSTODIAN); infused only as a dose bag
// (NOT_INFUSIBLE) into the patient it was made for (PATIENT_MISMATCH).
absl::Status CheckEnd(const LockedItem& item, const v1::EndItemRequest& request,
                      std::string_view user_id);

// A recall starts from a donor lot, a reagent lot or a product lot
// (NOT_RECALLABLE).
absl::Status CheckRecallable(const LockedItem& root);

// HOLD_NOT_ACTIVE when `hold` was released already.
absl::Status RequireActive(const v1::Hold& hold);
// RECALL_TOO_LARGE when a recall would hold more than `max_items` items
// (CustodyOptions.max_recall_items).
absl::Status CheckRecallSize(size_t items, int max_items);

// ---- locations ------------------------------------------------------------

// The request fields of CreateLocation: INVALID_ARGUMENT `kind`, `name`,
// `parent_location_id` (a site has none, every other kind has one).
absl::Status CheckNewLocation(const v1::CreateLocationRequest& request);
// A location of `kind` inside one of `parent`: the parent's kind is
// shallower (site > room > freezer > rack > box > position), else
// LOCATION_HIERARCHY.
absl::Status CheckInside(v1::LocationKind parent, v1::LocationKind kind);

// ---- registration and identifiers -----------------------------------------

// The ISBT 128 identifiers of a registration, normalised.
struct Identifiers {
  std::optional<std::string> din;  // 13 characters
  std::optional<std::string> product_code;
  std::optional<std::string> expiration;
  std::optional<std::string> chain_of_identity;
};

// A registration's request fields checked: its identifiers and its
// distinct parents' ids.
struct Registration {
  Identifiers ids;
  std::vector<std::string> parent_ids;
};

// INVALID_ARGUMENT naming the field: `type`; `din`, `product_code`,
// `expiration`, `chain_of_identity` (as ISBT 128 parses them; a product
// code needs a DIN); `local_code`; an item needs a DIN or a local code;
// `description`; `patient_id`; `parents` (none for a type that starts a
// chain, at most kMaxParents, at least one that is not only a material or
// equipment), `parents[i].parent_item_id` (required, listed once),
// `parents[i].kind`.
absl::StatusOr<Registration> CheckRegistration(
    const v1::RegisterItemRequest& request);

// What a scanner read that identifies an item.
struct ScannedIdentity {
  bool isbt128 = false;
  std::string din;  // 13 characters
  std::string product_code;
  std::string expiration;
  std::string raw;  // a local code or item id
};

// The scan trimmed: ISBT 128 data structures (it starts with = or &) that
// hold a DIN, or a local code. INVALID_ARGUMENT `scan` otherwise.
absl::StatusOr<ScannedIdentity> ReadScan(std::string_view scan);

// The value of `item`'s ISBT 128 identifier of `kind` ("din",
// "product_code", ...), or "".
std::string IdentifierOf(const v1::Item& item, std::string_view kind);

// True when `scan` (what a scanner read) names `item`: its ISBT 128 DIN,
// and its product code and expiration when the item has them and the scan
// carries them (a product code the item has must be scanned); or, for an
// item without a DIN, its local code or item id exactly.
bool ScanMatches(const v1::Item& item, std::string_view scan);

// ---- temperatures ---------------------------------------------------------

// An upload's readings as the statement that stores them takes them: two
// arrays, microseconds since the epoch and degrees Celsius (exact text).
struct ReadingColumns {
  std::vector<std::string> micros;
  std::vector<std::string> celsius;
};

// The request fields of RecordTemperatures, at `now` by the service's
// clock: INVALID_ARGUMENT `item_id` (not exactly one of item and
// location), `readings` (1 to kMaxReadings), `logger_id` (at most 64),
// `readings[i].measured_at` (a valid time, not more than
// kMaxReadingClockSkew after `now`), `readings[i].celsius` (-273.15 to
// 200).
absl::StatusOr<ReadingColumns> CheckReadings(
    const v1::RecordTemperaturesRequest& request, absl::Time now);
// INVALID_ARGUMENT `readings[i].measured_at` for the first reading dated
// before `since_micros`, when the request's item was registered (its
// location created).
absl::Status CheckReadingsSince(const v1::RecordTemperaturesRequest& request,
                                int64_t since_micros);
// INVALID_ARGUMENT `limit.item_type`, `limit.min_celsius` (both limits
// between -273.15 and 200), `limit.max_celsius` (above the minimum).
absl::Status CheckLimit(const v1::TemperatureLimit& limit);

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_RULES_H_
