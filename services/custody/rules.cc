#include "services/custody/rules.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <variant>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/isbt128/scan.h"

namespace cellchain::custody {
namespace {

using google::protobuf::util::TimeUtil;

// The latest second a google.protobuf.Timestamp may hold (9999-12-31).
constexpr int64_t kMaxTimestampSeconds = 253402300799;

constexpr char kCodeCharacters[] = "A-Z a-z 0-9 - _ . : /";

// The request field `field` from a parser's verdict: OK, or
// INVALID_ARGUMENT naming the request's field with the parser's message.
absl::Status AsField(std::string_view field, const absl::Status& parsed) {
  if (parsed.ok()) return parsed;
  return InvalidField(field, std::string(parsed.message()));
}

absl::StatusOr<Identifiers> ParseIdentifiers(
    const v1::RegisterItemRequest& request) {
  Identifiers ids;
  if (!request.din().empty()) {
    absl::StatusOr<isbt128::Din> parsed = isbt128::ParseDinText(request.din());
    CC_RETURN_IF_ERROR(AsField("din", parsed.status()));
    ids.din = parsed->ToString();
  }
  if (!request.product_code().empty()) {
    CC_RETURN_IF_ERROR(
        AsField("product_code",
                isbt128::ParseProductCode(request.product_code()).status()));
    ids.product_code = request.product_code();
  }
  if (!request.expiration().empty()) {
    CC_RETURN_IF_ERROR(AsField(
        "expiration", isbt128::ParseExpiration(request.expiration()).status()));
    ids.expiration = request.expiration();
  }
  if (!request.chain_of_identity().empty()) {
    CC_RETURN_IF_ERROR(AsField(
        "chain_of_identity",
        isbt128::ParseChainOfIdentity(request.chain_of_identity()).status()));
    ids.chain_of_identity = request.chain_of_identity();
  }
  if (ids.product_code && !ids.din) {
    return InvalidField("din", "a product code needs the DIN it belongs to");
  }
  return ids;
}

// Whether a parent on hold may still give `kind`: only a QC sample is
// drawn from a held item.
bool HoldAllows(const LockedItem& parent, v1::DerivationKind kind) {
  return !parent.on_hold || kind == v1::DERIVATION_KIND_SAMPLE;
}

absl::Status RequireParentNotEnded(const LockedItem& parent) {
  if (!Ended(parent.state)) return absl::OkStatus();
  return FailedRule(kReasonParentEnded,
                    absl::StrCat("parent ", parent.item_id, " is ",
                                 v1::ItemState_Name(parent.state)));
}

}  // namespace

// ---- request fields -------------------------------------------------------

absl::Status RequireText(std::string_view value, std::string_view field,
                         std::string_view what) {
  if (fields::Blank(value)) {
    return InvalidField(field, absl::StrCat(std::string(what), " is required"));
  }
  return fields::RequireText(value, field);
}

absl::Status OptionalText(std::string_view value, std::string_view field) {
  if (value.size() > fields::kMaxText) {
    return InvalidField(
        field, absl::StrCat("at most ", fields::kMaxText, " characters"));
  }
  return absl::OkStatus();
}

absl::Status RequireReason(const common::v1::RequestContext& context,
                           std::string_view what) {
  return RequireText(context.reason(), "context.reason",
                     absl::StrCat("a reason for ", std::string(what)));
}

bool IsUserId(std::string_view id) {
  if (id.size() < 2 || id.size() > 32) return false;
  if (!absl::ascii_islower(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

bool IsCode(std::string_view code, size_t max) {
  if (code.empty() || code.size() > max) return false;
  for (char c : code) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
          c == '_' || c == '.' || c == ':' || c == '/')) {
      return false;
    }
  }
  return true;
}

// ---- states and kinds -----------------------------------------------------

std::string StateText(v1::ItemState state) {
  switch (state) {
    case v1::ITEM_STATE_AVAILABLE:
    case v1::ITEM_STATE_ON_HOLD:
      return kStateAvailable;
    case v1::ITEM_STATE_IN_TRANSIT:
      return kStateInTransit;
    case v1::ITEM_STATE_CONSUMED:
      return kStateConsumed;
    case v1::ITEM_STATE_INFUSED:
      return kStateInfused;
    case v1::ITEM_STATE_DISCARDED:
      return kStateDiscarded;
    default:
      return "";
  }
}

v1::ItemState StateOf(std::string_view text, bool on_hold) {
  if (text == kStateAvailable) {
    return on_hold ? v1::ITEM_STATE_ON_HOLD : v1::ITEM_STATE_AVAILABLE;
  }
  if (text == kStateInTransit) return v1::ITEM_STATE_IN_TRANSIT;
  if (text == kStateConsumed) return v1::ITEM_STATE_CONSUMED;
  if (text == kStateInfused) return v1::ITEM_STATE_INFUSED;
  if (text == kStateDiscarded) return v1::ITEM_STATE_DISCARDED;
  return v1::ITEM_STATE_UNSPECIFIED;
}

bool Ended(v1::ItemState state) {
  return state == v1::ITEM_STATE_CONSUMED || state == v1::ITEM_STATE_INFUSED ||
         state == v1::ITEM_STATE_DISCARDED;
}

bool IsRootType(v1::ItemType type) {
  return type == v1::ITEM_TYPE_DONOR_LOT || type == v1::ITEM_TYPE_REAGENT_LOT ||
         type == v1::ITEM_TYPE_EQUIPMENT;
}

absl::Status CheckKindFits(v1::ItemType parent_type, v1::ItemType child_type,
                           v1::DerivationKind kind, std::string_view field) {
  // SAMPLE is what may still be drawn from a held item: only a QC sample.
  if ((kind == v1::DERIVATION_KIND_SAMPLE) !=
      (child_type == v1::ITEM_TYPE_QC_SAMPLE)) {
    return InvalidField(field,
                        "a QC sample, and only a QC sample, is "
                        "derived as SAMPLE");
  }
  bool material = parent_type == v1::ITEM_TYPE_REAGENT_LOT;
  bool equipment = parent_type == v1::ITEM_TYPE_EQUIPMENT;
  if (material != (kind == v1::DERIVATION_KIND_MATERIAL)) {
    return InvalidField(field, material ? "a reagent lot is linked as MATERIAL"
                                        : "MATERIAL links a reagent lot only");
  }
  if (equipment != (kind == v1::DERIVATION_KIND_EQUIPMENT)) {
    return InvalidField(field, equipment ? "equipment is linked as EQUIPMENT"
                                         : "EQUIPMENT links equipment only");
  }
  return absl::OkStatus();
}

// ---- items ----------------------------------------------------------------

absl::Status ItemNotFound(std::string_view item_id, std::string_view field) {
  return WithReason(
      absl::NotFoundError(absl::StrCat("no item \"", std::string(item_id),
                                       "\" (", std::string(field), ")")),
      kReasonItemNotFound);
}

absl::Status NotCustodian(std::string_view message) {
  return WithReason(absl::PermissionDeniedError(absl::StrCat(
                        kReasonNotCustodian, ": ", std::string(message))),
                    kReasonNotCustodian);
}

absl::Status RequireNotEnded(const LockedItem& item) {
  if (Ended(item.state)) {
    return FailedRule(kReasonItemEnded,
                      absl::StrCat("item ", item.item_id, " is ",
                                   v1::ItemState_Name(item.state)));
  }
  return absl::OkStatus();
}

absl::Status RequireCustodian(const LockedItem& item,
                              std::string_view user_id) {
  if (item.custodian.empty() || item.custodian == user_id) {
    return absl::OkStatus();
  }
  return NotCustodian(absl::StrCat("item ", item.item_id,
                                   " is in the custody of ", item.custodian));
}

absl::Status CheckParentOfNewItem(const LockedItem& parent,
                                  v1::DerivationKind kind) {
  if (parent.state == v1::ITEM_STATE_IN_TRANSIT) {
    return FailedRule(
        kReasonItemInTransit,
        absl::StrCat("parent ", parent.item_id, " is being handed over"));
  }
  CC_RETURN_IF_ERROR(RequireParentNotEnded(parent));
  if (!HoldAllows(parent, kind)) {
    return FailedRule(kReasonParentOnHold,
                      absl::StrCat("parent ", parent.item_id,
                                   " is on hold: only a QC sample may be "
                                   "drawn"));
  }
  return absl::OkStatus();
}

absl::Status CheckParentToLink(const LockedItem& parent,
                               v1::DerivationKind kind) {
  CC_RETURN_IF_ERROR(RequireParentNotEnded(parent));
  if (!HoldAllows(parent, kind)) {
    return FailedRule(kReasonParentOnHold,
                      absl::StrCat("parent ", parent.item_id, " is on hold"));
  }
  return absl::OkStatus();
}

absl::Status CheckLinkRequest(const v1::LinkParentRequest& request) {
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
  return absl::OkStatus();
}

absl::Status CheckChildToLink(const LockedItem& child) {
  CC_RETURN_IF_ERROR(RequireNotEnded(child));
  if (IsRootType(child.type)) {
    return InvalidField("item_id", absl::StrCat(v1::ItemType_Name(child.type),
                                                " starts a chain: no parents"));
  }
  return absl::OkStatus();
}

absl::Status CheckAcyclic(const v1::LinkParentRequest& request,
                          const std::vector<std::string>& ancestors) {
  if (std::find(ancestors.begin(), ancestors.end(), request.item_id()) ==
      ancestors.end()) {
    return absl::OkStatus();
  }
  return FailedRule(
      kReasonDerivationCycle,
      absl::StrCat("item ", request.parent_item_id(), " descends from ",
                   request.item_id(), ": the link would close a cycle"));
}

absl::Status CheckHandOver(const LockedItem& item, std::string_view user_id) {
  if (item.state == v1::ITEM_STATE_IN_TRANSIT) {
    return FailedRule(
        kReasonItemInTransit,
        absl::StrCat("item ", item.item_id, " is already being handed over"));
  }
  return RequireCustodian(item, user_id);
}

// ---- handoffs -------------------------------------------------------------

namespace {

absl::Status RequireOpen(const v1::Handoff& handoff) {
  if (handoff.status() == kHandoffOpen) return absl::OkStatus();
  return FailedRule(
      kReasonHandoffNotOpen,
      absl::StrCat("handoff ", handoff.handoff_id(), " is ", handoff.status()));
}

}  // namespace

absl::Status CheckAccept(const v1::Handoff& handoff, std::string_view user_id) {
  CC_RETURN_IF_ERROR(RequireOpen(handoff));
  if (handoff.to_user_id().empty() || handoff.to_user_id() == user_id) {
    return absl::OkStatus();
  }
  return WithReason(absl::PermissionDeniedError(absl::StrCat(
                        kReasonNotRecipient, ": handoff ", handoff.handoff_id(),
                        " is to ", handoff.to_user_id())),
                    kReasonNotRecipient);
}

absl::Status CheckCancel(const v1::Handoff& handoff, std::string_view user_id) {
  CC_RETURN_IF_ERROR(RequireOpen(handoff));
  if (user_id == handoff.from_user_id() ||
      user_id == handoff.carrier_user_id()) {
    return absl::OkStatus();
  }
  return NotCustodian(
      "only who handed the item over, or its carrier, may cancel");
}

// ---- ending ---------------------------------------------------------------

absl::Status CheckEndRequest(const v1::EndItemRequest& request) {
  if (!Ended(request.outcome())) {
    return InvalidField("outcome", "CONSUMED, INFUSED or DISCARDED");
  }
  bool infused = request.outcome() == v1::ITEM_STATE_INFUSED;
  if (infused && !IsCode(request.patient_id(), 32)) {
    return InvalidField("patient_id", "the patient infused is required");
  }
  if (!infused && !request.patient_id().empty()) {
    return InvalidField("patient_id", "only for INFUSED");
  }
  if (request.outcome() == v1::ITEM_STATE_DISCARDED) {
    return RequireReason(request.context(), "discarding");
  }
  return absl::OkStatus();
}

absl::Status CheckEnd(const LockedItem& item, const v1::EndItemRequest& request,
                      std::string_view user_id) {
  if (item.state == v1::ITEM_STATE_IN_TRANSIT) {
    return FailedRule(
        kReasonItemInTransit,
        absl::StrCat("item ", item.item_id, " is being handed over"));
  }
  if (item.on_hold && request.outcome() != v1::ITEM_STATE_DISCARDED) {
    return FailedRule(
        kReasonItemOnHold,
        absl::StrCat("item ", item.item_id, " is on hold: it cannot be ",
                     StateText(request.outcome())));
  }
  CC_RETURN_IF_ERROR(RequireCustodian(item, user_id));
  if (request.outcome() != v1::ITEM_STATE_INFUSED) return absl::OkStatus();
  if (item.type != v1::ITEM_TYPE_DOSE_BAG) {
    return FailedRule(
        kReasonNotInfusible,
        absl::StrCat("a ", v1::ItemType_Name(item.type), " is not infused"));
  }
  if (!item.patient_id.empty() && item.patient_id != request.patient_id()) {
    return FailedRule(
        kReasonPatientMismatch,
        absl::StrCat("dose ", item.item_id, " is for ", item.patient_id,
                     ", not ", request.patient_id()));
  }
  return absl::OkStatus();
}

absl::Status CheckRecallable(const LockedItem& root) {
  // A product lot is recalled when QA rejects it (qc): its doses are held
  // wherever they are.
  if (root.type == v1::ITEM_TYPE_DONOR_LOT ||
      root.type == v1::ITEM_TYPE_REAGENT_LOT ||
      root.type == v1::ITEM_TYPE_PRODUCT_LOT) {
    return absl::OkStatus();
  }
  return FailedRule(kReasonNotRecallable,
                    absl::StrCat("a recall starts from a donor lot, a reagent "
                                 "lot or a product lot, not a ",
                                 v1::ItemType_Name(root.type)));
}

absl::Status RequireActive(const v1::Hold& hold) {
  if (hold.active()) return absl::OkStatus();
  return FailedRule(
      kReasonHoldNotActive,
      absl::StrCat("hold ", hold.hold_id(), " was released already"));
}

absl::Status CheckRecallSize(size_t items, int max_items) {
  if (static_cast<int>(items) <= max_items) return absl::OkStatus();
  return FailedRule(
      kReasonRecallTooLarge,
      absl::StrCat(items, " items to hold; one recall holds at most ",
                   max_items));
}

// ---- locations ------------------------------------------------------------

absl::Status CheckNewLocation(const v1::CreateLocationRequest& request) {
  if (request.kind() == v1::LOCATION_KIND_UNSPECIFIED ||
      !v1::LocationKind_IsValid(request.kind())) {
    return InvalidField("kind", "a location kind is required");
  }
  CC_RETURN_IF_ERROR(RequireText(request.name(), "name", "a name"));
  bool site = request.kind() == v1::LOCATION_KIND_SITE;
  if (site && !request.parent_location_id().empty()) {
    return InvalidField("parent_location_id", "a site has no parent");
  }
  if (!site && request.parent_location_id().empty()) {
    return InvalidField("parent_location_id",
                        "every location but a site is inside another");
  }
  return absl::OkStatus();
}

absl::Status CheckInside(v1::LocationKind parent, v1::LocationKind kind) {
  // The enum lists the kinds from the outermost (SITE) inwards.
  if (parent < kind) return absl::OkStatus();
  return FailedRule(
      kReasonLocationHierarchy,
      absl::StrCat("a ", v1::LocationKind_Name(kind), " cannot be inside a ",
                   v1::LocationKind_Name(parent)));
}

// ---- registration and identifiers -----------------------------------------

absl::StatusOr<Registration> CheckRegistration(
    const v1::RegisterItemRequest& request) {
  if (request.type() == v1::ITEM_TYPE_UNSPECIFIED ||
      !v1::ItemType_IsValid(request.type())) {
    return InvalidField("type", "an item type is required");
  }
  Registration registration;
  CC_ASSIGN_OR_RETURN(registration.ids, ParseIdentifiers(request));
  const std::string& local_code = request.local_code();
  if (!local_code.empty() && !IsCode(local_code, 64)) {
    return InvalidField(
        "local_code", absl::StrCat("1 to 64 characters of ", kCodeCharacters));
  }
  if (!local_code.empty() && (local_code[0] == '=' || local_code[0] == '&')) {
    return InvalidField("local_code", "must not look like ISBT 128 data");
  }
  if (!registration.ids.din && local_code.empty()) {
    return InvalidField("din",
                        "an item needs a DIN or a local code to be scanned by");
  }
  CC_RETURN_IF_ERROR(OptionalText(request.description(), "description"));
  if (!request.patient_id().empty() && !IsCode(request.patient_id(), 32)) {
    return InvalidField(
        "patient_id", absl::StrCat("1 to 32 characters of ", kCodeCharacters));
  }
  bool root = IsRootType(request.type());
  if (root && request.parents_size() > 0) {
    return InvalidField("parents",
                        absl::StrCat(v1::ItemType_Name(request.type()),
                                     " starts a chain: no parents"));
  }
  if (request.parents_size() > kMaxParents) {
    return InvalidField("parents",
                        absl::StrCat("at most ", kMaxParents, " parents"));
  }
  absl::flat_hash_set<std::string> seen;
  bool has_identity_parent = false;
  for (int i = 0; i < request.parents_size(); ++i) {
    const v1::ParentLink& link = request.parents(i);
    std::string field = absl::StrCat("parents[", i, "]");
    if (link.parent_item_id().empty()) {
      return InvalidField(field + ".parent_item_id", "required");
    }
    if (link.kind() == v1::DERIVATION_KIND_UNSPECIFIED ||
        !v1::DerivationKind_IsValid(link.kind())) {
      return InvalidField(field + ".kind", "a derivation kind is required");
    }
    if (!seen.insert(link.parent_item_id()).second) {
      return InvalidField(field + ".parent_item_id", "listed twice");
    }
    registration.parent_ids.push_back(link.parent_item_id());
    has_identity_parent |= link.kind() != v1::DERIVATION_KIND_MATERIAL &&
                           link.kind() != v1::DERIVATION_KIND_EQUIPMENT;
  }
  if (!root && !has_identity_parent) {
    return InvalidField(
        "parents", "the item must come from a parent (not only materials)");
  }
  return registration;
}

absl::StatusOr<ScannedIdentity> ReadScan(std::string_view scan) {
  ScannedIdentity id;
  absl::string_view stripped =
      absl::StripAsciiWhitespace(absl::string_view(scan.data(), scan.size()));
  std::string_view trimmed(stripped.data(), stripped.size());
  if (trimmed.empty()) return InvalidField("scan", "nothing was scanned");
  if (trimmed[0] != '=' && trimmed[0] != '&') {
    if (!IsCode(trimmed, 64)) {
      return InvalidField("scan", "not an ISBT 128 scan nor a local code");
    }
    id.raw = std::string(trimmed);
    return id;
  }
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(trimmed);
  if (!parsed.ok()) {
    return InvalidField("scan",
                        absl::StrCat("unreadable ISBT 128 scan: ",
                                     std::string(parsed.status().message())));
  }
  id.isbt128 = true;
  for (const isbt128::DataStructure& ds : *parsed) {
    if (const auto* din =
            std::get_if<isbt128::DonationIdentification>(&ds.value)) {
      if (id.din.empty()) id.din = din->din.ToString();
    } else if (std::holds_alternative<isbt128::ProductCode>(ds.value)) {
      if (id.product_code.empty()) id.product_code = ds.text;
    } else if (std::holds_alternative<isbt128::Expiration>(ds.value)) {
      if (id.expiration.empty()) id.expiration = ds.text;
    }
  }
  if (id.din.empty()) {
    return InvalidField("scan", "the scan holds no DIN (data structure 001)");
  }
  return id;
}

std::string IdentifierOf(const v1::Item& item, std::string_view kind) {
  for (const audit::v1::Isbt128Identifier& id : item.isbt128()) {
    if (id.kind() == kind) return id.value();
  }
  return "";
}

bool ScanMatches(const v1::Item& item, std::string_view scan) {
  absl::StatusOr<ScannedIdentity> id = ReadScan(scan);
  if (!id.ok()) return false;
  std::string din = IdentifierOf(item, "din");
  if (!id->isbt128) {
    return din.empty() &&
           (id->raw == item.local_code() || id->raw == item.item_id());
  }
  if (din.empty() || id->din != din) return false;
  std::string product = IdentifierOf(item, "product_code");
  if (!product.empty() && id->product_code != product) return false;
  std::string expiration = IdentifierOf(item, "expiration");
  if (!expiration.empty() && !id->expiration.empty() &&
      id->expiration != expiration) {
    return false;
  }
  return true;
}

// ---- temperatures ---------------------------------------------------------

absl::StatusOr<ReadingColumns> CheckReadings(
    const v1::RecordTemperaturesRequest& request, absl::Time now) {
  if (request.item_id().empty() == request.location_id().empty()) {
    return InvalidField("item_id",
                        "give exactly one of item_id and location_id");
  }
  if (request.readings_size() == 0 || request.readings_size() > kMaxReadings) {
    return InvalidField("readings", "1 to 10,000 readings");
  }
  if (request.logger_id().size() > 64) {
    return InvalidField("logger_id", "at most 64 characters");
  }
  ReadingColumns columns;
  const absl::Time latest = now + kMaxReadingClockSkew;
  for (int i = 0; i < request.readings_size(); ++i) {
    const v1::TemperatureReading& reading = request.readings(i);
    std::string field = absl::StrCat("readings[", i, "]");
    const google::protobuf::Timestamp& at = reading.measured_at();
    if (!reading.has_measured_at() || at.seconds() < 0 ||
        at.seconds() > kMaxTimestampSeconds || at.nanos() < 0 ||
        at.nanos() > 999999999) {
      return InvalidField(field + ".measured_at", "a valid time is required");
    }
    if (fields::ToTime(at) > latest) {
      return InvalidField(
          field + ".measured_at",
          absl::StrCat(
              TimeUtil::ToString(at), " is in the future (more than ",
              absl::FormatDuration(kMaxReadingClockSkew),
              " after the server's time ",
              absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone()),
              "): check the logger's clock"));
    }
    if (!std::isfinite(reading.celsius()) || reading.celsius() < -273.15 ||
        reading.celsius() > 200) {
      return InvalidField(field + ".celsius",
                          "between -273.15 and 200 degrees Celsius");
    }
    columns.micros.push_back(absl::StrCat(fields::Micros(at)));
    columns.celsius.push_back(absl::StrFormat("%.17g", reading.celsius()));
  }
  return columns;
}

absl::Status CheckReadingsSince(const v1::RecordTemperaturesRequest& request,
                                int64_t since_micros) {
  for (int i = 0; i < request.readings_size(); ++i) {
    const google::protobuf::Timestamp& at = request.readings(i).measured_at();
    if (fields::Micros(at) >= since_micros) continue;
    return InvalidField(
        absl::StrCat("readings[", i, "].measured_at"),
        absl::StrCat(
            TimeUtil::ToString(at), " is before ",
            request.item_id().empty()
                ? absl::StrCat("location ", request.location_id(),
                               " was created")
                : absl::StrCat("item ", request.item_id(), " was registered"),
            " (",
            TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(since_micros)),
            ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckLimit(const v1::TemperatureLimit& limit) {
  if (limit.item_type() == v1::ITEM_TYPE_UNSPECIFIED ||
      !v1::ItemType_IsValid(limit.item_type())) {
    return InvalidField("limit.item_type", "an item type is required");
  }
  if (!std::isfinite(limit.min_celsius()) ||
      !std::isfinite(limit.max_celsius()) || limit.min_celsius() < -273.15 ||
      limit.max_celsius() > 200) {
    return InvalidField("limit.min_celsius",
                        "limits between -273.15 and 200 degrees Celsius");
  }
  if (limit.min_celsius() >= limit.max_celsius()) {
    return InvalidField("limit.max_celsius", "must be above min_celsius");
  }
  return absl::OkStatus();
}

}  // namespace cellchain::custody
