// Manufacturing's material lot RPCs: receive (into quarantine, with its
// custody item), disposition (QA release or rejection), get and list.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"
#include "services/manufacturing/custody_items.h"
#include "services/manufacturing/manufacturing.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/step_rules.h"
#include "services/manufacturing/step_values.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

using fields::RequireText;

// ---- SQL (decision 0014: enum columns hold the proto enum's number) ------

// Another lot received with $1 supplier, $2 supplier lot and $3 name than
// the one request id $4 would make.
constexpr char kSelectSameSupplierLot[] =
    "SELECT material_id FROM cellchain_manufacturing.materials "
    "WHERE supplier = $1 AND supplier_lot = $2 AND name = $3 "
    "AND material_id <> $4";

// Lot $1, when a request recorded it already (its retry replays).
constexpr char kSelectMaterialRecorded[] =
    "SELECT 1 FROM cellchain_manufacturing.materials WHERE material_id = $1";

// A lot received into quarantine (the column's default): $1 id, $2 code,
// $3 kind (v1.MaterialKind), $4 name, $5 supplier, $6 supplier lot,
// $7 expiry (YYYY-MM-DD), $8 custody item, $9 received by, $10 when (µs:
// the service's clock, or the time a retrospective entry gives; a release
// is held against it), $11 the late entry's reason ('' in time).
std::string InsertMaterialSql() {
  return absl::StrCat(
      "INSERT INTO cellchain_manufacturing.materials "
      "(material_id, material_code, kind, name, supplier, supplier_lot, "
      "expires_on, item_id, received_by, received_at, "
      "receipt_late_entry_reason) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, ",
      fields::TimestampParam(10), ", $11)");
}

constexpr char kLockMaterial[] =
    "SELECT 1 FROM cellchain_manufacturing.materials "
    "WHERE material_id = $1 FOR UPDATE";

// QA's disposition of lot $1: $2 status (v1.MaterialStatus RELEASED or
// REJECTED), $3 signed by, $4 the rejection's reason (NULL for a release),
// $5 when (µs: the service's clock, or the time a retrospective release
// gives; a step's time is held against a release), $6 the late entry's
// reason ('' in time).
std::string UpdateMaterialStatusSql() {
  return absl::StrCat(
      "UPDATE cellchain_manufacturing.materials SET status = $2, "
      "dispositioned_by = $3, dispositioned_at = ",
      fields::TimestampParam(5),
      ", rejection_reason = $4, release_late_entry_reason = $6, "
      "version = version + 1 WHERE material_id = $1");
}

// The steps that used lot $1, in the order they were recorded.
constexpr char kSelectStepsUsingMaterial[] =
    "SELECT c.step_id FROM cellchain_manufacturing.consumptions c "
    "JOIN cellchain_manufacturing.steps s USING (step_id) "
    "WHERE c.material_id = $1 ORDER BY s.created_at, c.step_id";

// After MaterialSelect(): $1 status, $2 kind (NULL: any), at most $3.
constexpr char kWhereMaterialsListed[] =
    "WHERE ($1::int IS NULL OR status = $1::int) "
    "AND ($2::int IS NULL OR kind = $2::int) "
    "ORDER BY lower(name), expires_on, material_id LIMIT $3";

// "MAT-" and 8 characters of Crockford's base32, from the same derivation.
std::string MaterialCode(std::string_view request_id) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  crypto::Sha256Digest digest = crypto::Sha256(
      absl::StrCat(std::string(request_id), "/ReceiveMaterial/code"));
  std::string code = "MAT-";
  for (int i = 0; i < 8; ++i) code += kAlphabet[digest[i] % 32];
  return code;
}

}  // namespace

absl::StatusOr<v1::ReceiveMaterialResponse> Manufacturing::ReceiveMaterial(
    const P& caller, const v1::ReceiveMaterialRequest& request) {
  if (request.kind() == v1::MATERIAL_KIND_UNSPECIFIED ||
      !v1::MaterialKind_IsValid(request.kind())) {
    return InvalidField("kind", "a material kind is required");
  }
  CC_RETURN_IF_ERROR(RequireText(request.name(), "name", 200));
  CC_RETURN_IF_ERROR(RequireText(request.supplier(), "supplier", 200));
  CC_RETURN_IF_ERROR(RequireText(request.supplier_lot(), "supplier_lot", 64));
  CC_RETURN_IF_ERROR(RequireDate(request.expires_on(), "expires_on").status());
  const std::string& request_id = request.context().request_id();
  // Before the custody calls (RecordOnce checks it again): a bad id is
  // refused before anything is registered in custody.
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  const std::string id = StableId("mat", "ReceiveMaterial", request_id);
  const std::string code = MaterialCode(request_id);
  Entered received{Now(), ""};
  {
    // Refused before a custody item is made for it.
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(pg::Result recorded,
                        lease->Exec(kSelectMaterialRecorded, {id}));
    // Late or not as entered now; a retry of a recorded receipt replays.
    if (recorded.rows() == 0) {
      CC_ASSIGN_OR_RETURN(
          received, EnteredAt(request.received_at(), request.has_received_at(),
                              "received_at", request.late_entry_reason(), Now(),
                              options_.late_entry_after));
    }
    CC_ASSIGN_OR_RETURN(pg::Result r,
                        lease->Exec(kSelectSameSupplierLot,
                                    {request.supplier(), request.supplier_lot(),
                                     request.name(), id}));
    if (r.rows() > 0) {
      CC_ASSIGN_OR_RETURN(std::string other, r.GetString(0, 0));
      return absl::AlreadyExistsError(absl::StrCat(
          "lot ", request.supplier_lot(), " of ", request.name(), " from ",
          request.supplier(), " was received already as ", other));
    }
  }
  CC_ASSIGN_OR_RETURN(
      custody::v1::RegisterItemResponse item,
      custody_->RegisterItem(caller, MaterialItemRequest(request, code)));
  return ledger::RecordOnce<v1::ReceiveMaterialResponse>(
      *pool_, *ledger_,
      {kServiceName, "ReceiveMaterial", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::ReceiveMaterialResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(
            tx.Exec(
                  InsertMaterialSql(),
                  {id, code, static_cast<int>(request.kind()), request.name(),
                   request.supplier(), request.supplier_lot(),
                   request.expires_on(), item.item().item_id(), caller.user_id,
                   absl::ToUnixMicros(received.at), received.late_entry_reason})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_material(), LoadMaterial(tx, id));
        return audit
            .Append("material.receive", "material_lot", id, response.material(),
                    LateEntryAuditReason(received.late_entry_reason))
            .status();
      });
}

absl::StatusOr<v1::DispositionMaterialResponse>
Manufacturing::DispositionMaterial(
    const P& caller, const v1::DispositionMaterialRequest& request) {
  if (request.material_id().empty()) {
    return InvalidField("material_id", "required");
  }
  const bool release =
      request.signature().meaning() == common::v1::SIGNATURE_MEANING_APPROVED;
  if (request.signature().meaning() == common::v1::SIGNATURE_MEANING_REJECTED) {
    CC_RETURN_IF_ERROR(
        RequireText(request.context().reason(), "context.reason"));
    // A rejection takes material out of use from the moment it is signed:
    // dating it back would void steps recorded in good faith since.
    if (request.has_released_at()) {
      return InvalidField("released_at",
                          "a rejection is dated when it is signed");
    }
    if (!fields::Blank(request.late_entry_reason())) {
      return InvalidField("late_entry_reason",
                          "a rejection is dated when it is signed, never late");
    }
  }
  const std::string& request_id = request.context().request_id();
  // SignAs refuses a malformed request id before the password is checked.
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             {common::v1::SIGNATURE_MEANING_APPROVED,
                              common::v1::SIGNATURE_MEANING_REJECTED},
                             "DispositionMaterial", request_id));
  return ledger::RecordOnce<v1::DispositionMaterialResponse>(
      *pool_, *ledger_, {kServiceName, "DispositionMaterial", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::DispositionMaterialResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::MaterialLot material,
                            LoadMaterial(tx, request.material_id()));
        CC_RETURN_IF_ERROR(
            tx.Exec(kLockMaterial, {material.material_id()}).status());
        CC_ASSIGN_OR_RETURN(material, LoadMaterial(tx, material.material_id()));
        if (release) {
          // Segregation of duties: whoever received the lot may not release
          // it. Rejecting takes material out of use and needs no such
          // independence.
          common::v1::EntityRef lot;
          lot.set_type("material_lot");
          lot.set_id(material.material_id());
          CC_RETURN_IF_ERROR(auth::CheckSegregationOfDuties(
              tx, signature.actor.user_id(), {lot}));
        }
        if (material.status() != v1::MATERIAL_STATUS_QUARANTINE) {
          return FailedRule(
              kReasonMaterialStatus,
              absl::StrCat("material lot ", material.material_code(), " is ",
                           v1::MaterialStatus_Name(material.status()),
                           ", not in quarantine"));
        }
        // Late or not as entered now; a retry replays the first answer.
        CC_ASSIGN_OR_RETURN(
            Entered dispositioned,
            EnteredAt(request.released_at(), request.has_released_at(),
                      "released_at", request.late_entry_reason(), Now(),
                      options_.late_entry_after));
        if (dispositioned.at < fields::ToTime(material.received_at())) {
          return InvalidField(
              "released_at",
              absl::StrCat("before the lot was received (",
                           TimeText(fields::ToTime(material.received_at())),
                           ")"));
        }
        CC_ASSIGN_OR_RETURN(absl::CivilDay expires,
                            RequireDate(material.expires_on(), "expires_on"));
        // Expired on the day of the release, which may lie in the past.
        if (release && expires < DayOf(dispositioned.at)) {
          return FailedRule(
              kReasonMaterialExpired,
              absl::StrCat("material lot ", material.material_code(),
                           " expired on ", material.expires_on(),
                           ": it cannot be released"));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec(UpdateMaterialStatusSql(),
                    {material.material_id(),
                     static_cast<int>(release ? v1::MATERIAL_STATUS_RELEASED
                                              : v1::MATERIAL_STATUS_REJECTED),
                     signature.actor.user_id(),
                     release ? pg::Param::Null()
                             : pg::Param(request.context().reason()),
                     absl::ToUnixMicros(dispositioned.at),
                     dispositioned.late_entry_reason})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_material(),
                            LoadMaterial(tx, material.material_id()));
        return audit
            .Append(release ? "material.release" : "material.reject",
                    "material_lot", material.material_id(), response.material(),
                    release
                        ? LateEntryAuditReason(dispositioned.late_entry_reason)
                        : request.context().reason(),
                    {}, signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::GetMaterialResponse> Manufacturing::GetMaterial(
    const v1::GetMaterialRequest& request) {
  if (request.material_id().empty()) {
    return InvalidField("material_id", "required");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::GetMaterialResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_material(),
                      LoadMaterial(*lease, request.material_id()));
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      lease->Exec(kSelectStepsUsingMaterial,
                                  {response.material().material_id()}));
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(*response.add_step_ids(), r.GetString(row, 0));
  }
  return response;
}

absl::StatusOr<v1::ListMaterialsResponse> Manufacturing::ListMaterials(
    const v1::ListMaterialsRequest& request) {
  if (!v1::MaterialStatus_IsValid(request.status())) {
    return InvalidField("status", "not a material status");
  }
  if (!v1::MaterialKind_IsValid(request.kind())) {
    return InvalidField("kind", "not a material kind");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::MaterialLot> rows,
                      pg::LoadRows<v1::MaterialLot>(
                          *lease, MaterialSelect() + kWhereMaterialsListed,
                          {EnumOrNull(request.status()),
                           EnumOrNull(request.kind()), kMaxList}));
  v1::ListMaterialsResponse response;
  for (v1::MaterialLot& m : rows) *response.add_materials() = std::move(m);
  return response;
}

}  // namespace cellchain::manufacturing
