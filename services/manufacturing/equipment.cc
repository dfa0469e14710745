// Manufacturing's equipment RPCs: register (with its custody item), record
// a calibration, set the status, list.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"
#include "services/manufacturing/custody_items.h"
#include "services/manufacturing/manufacturing.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/step_values.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

using fields::RequireText;

// ---- SQL (decision 0014: enum columns hold the proto enum's number) ------

// Another piece than the one request id $2 would make, tagged $1.
constexpr char kSelectSameAssetTag[] =
    "SELECT 1 FROM cellchain_manufacturing.equipment "
    "WHERE asset_tag = $1 AND equipment_id <> $2";

// Equipment in service (the column's default): $1 id, $2 kind
// (v1.EquipmentKind), $3 name, $4 asset tag, $5 calibrated on, $6 due
// (YYYY-MM-DD), $7 certificate, $8 custody item.
constexpr char kInsertEquipment[] =
    "INSERT INTO cellchain_manufacturing.equipment "
    "(equipment_id, kind, name, asset_tag, calibrated_on, calibration_due, "
    "calibration_reference, item_id) "
    "VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8)";

// A calibration of $1 on $2, due $3, certificate $4; no row when $2 lies
// before the last calibration.
constexpr char kUpdateCalibration[] =
    "UPDATE cellchain_manufacturing.equipment SET calibrated_on = $2::date, "
    "calibration_due = $3::date, calibration_reference = $4, "
    "version = version + 1 "
    "WHERE equipment_id = $1 AND calibrated_on <= $2::date RETURNING 1";

// $1 put in status $2 (v1.EquipmentStatus) for reason $3.
constexpr char kUpdateEquipmentStatus[] =
    "UPDATE cellchain_manufacturing.equipment SET status = $2, "
    "status_reason = $3, version = version + 1 WHERE equipment_id = $1";

// After EquipmentSelect(): $1 kind (NULL: any), at most $2.
constexpr char kWhereEquipmentListed[] =
    "WHERE ($1::int IS NULL OR kind = $1::int) ORDER BY asset_tag LIMIT $2";

// A calibration done on `on` (not after the day of `now`), due on `due`,
// with its certificate `reference`. INVALID_ARGUMENT naming the field.
absl::Status CheckCalibration(const std::string& on, const std::string& due,
                              std::string_view reference, absl::Time now) {
  CC_ASSIGN_OR_RETURN(absl::CivilDay calibrated,
                      RequireDate(on, "calibrated_on"));
  CC_ASSIGN_OR_RETURN(absl::CivilDay until,
                      RequireDate(due, "calibration_due"));
  if (calibrated > DayOf(now)) {
    return InvalidField("calibrated_on", "lies in the future");
  }
  if (until < calibrated) {
    return InvalidField("calibration_due", "before calibrated_on");
  }
  return RequireText(reference, "calibration_reference", 200);
}

bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] == '=' || s[0] == '&') return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-_.:/").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::RegisterEquipmentResponse> Manufacturing::RegisterEquipment(
    const P& caller, const v1::RegisterEquipmentRequest& request) {
  if (request.kind() == v1::EQUIPMENT_KIND_UNSPECIFIED ||
      !v1::EquipmentKind_IsValid(request.kind())) {
    return InvalidField("kind", "an equipment kind is required");
  }
  CC_RETURN_IF_ERROR(RequireText(request.name(), "name", 200));
  if (!IsCode(request.asset_tag())) {
    return InvalidField("asset_tag",
                        "1 to 64 characters of A-Z a-z 0-9 - _ . : /");
  }
  CC_RETURN_IF_ERROR(CheckCalibration(request.calibrated_on(),
                                      request.calibration_due(),
                                      request.calibration_reference(), Now()));
  const std::string& request_id = request.context().request_id();
  // Before the custody calls (RecordOnce checks it again): a bad id is
  // refused before anything is registered in custody.
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  const std::string id = StableId("eqp", "RegisterEquipment", request_id);
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(pg::Result r, lease->Exec(kSelectSameAssetTag,
                                                  {request.asset_tag(), id}));
    if (r.rows() > 0) {
      return absl::AlreadyExistsError(absl::StrCat(
          "asset tag ", request.asset_tag(), " is registered already"));
    }
  }
  CC_ASSIGN_OR_RETURN(
      custody::v1::RegisterItemResponse item,
      custody_->RegisterItem(caller, EquipmentItemRequest(request)));
  return ledger::RecordOnce<v1::RegisterEquipmentResponse>(
      *pool_, *ledger_,
      {kServiceName, "RegisterEquipment", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::RegisterEquipmentResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertEquipment,
                    {id, static_cast<int>(request.kind()), request.name(),
                     request.asset_tag(), request.calibrated_on(),
                     request.calibration_due(), request.calibration_reference(),
                     item.item().item_id()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_equipment(),
                            LoadEquipment(tx, id));
        return audit
            .Append("equipment.register", "equipment", id, response.equipment())
            .status();
      });
}

absl::StatusOr<v1::RecordCalibrationResponse> Manufacturing::RecordCalibration(
    const P& caller, const v1::RecordCalibrationRequest& request) {
  if (request.equipment_id().empty()) {
    return InvalidField("equipment_id", "required");
  }
  CC_RETURN_IF_ERROR(CheckCalibration(request.calibrated_on(),
                                      request.calibration_due(),
                                      request.calibration_reference(), Now()));
  return ledger::RecordOnce<v1::RecordCalibrationResponse>(
      *pool_, *ledger_,
      {kServiceName, "RecordCalibration", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::RecordCalibrationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Equipment equipment,
                            LoadEquipment(tx, request.equipment_id()));
        // Under another request id, so not a retry: the same certificate
        // typed twice, which would read as two calibrations.
        if (equipment.calibrated_on() == request.calibrated_on() &&
            equipment.calibration_due() == request.calibration_due() &&
            equipment.calibration_reference() ==
                request.calibration_reference()) {
          return FailedRule(
              kReasonCalibrationDuplicate,
              absl::StrCat("the calibration of ", equipment.asset_tag(), " on ",
                           equipment.calibrated_on(), " (certificate ",
                           equipment.calibration_reference(),
                           ") is recorded already"));
        }
        CC_ASSIGN_OR_RETURN(
            pg::Result updated,
            tx.Exec(
                kUpdateCalibration,
                {equipment.equipment_id(), request.calibrated_on(),
                 request.calibration_due(), request.calibration_reference()}));
        if (updated.rows() == 0) {
          return InvalidField("calibrated_on",
                              absl::StrCat("before the last calibration (",
                                           equipment.calibrated_on(), ")"));
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_equipment(),
                            LoadEquipment(tx, equipment.equipment_id()));
        return audit
            .Append("equipment.calibration", "equipment",
                    equipment.equipment_id(), response.equipment())
            .status();
      });
}

absl::StatusOr<v1::SetEquipmentStatusResponse>
Manufacturing::SetEquipmentStatus(
    const P& caller, const v1::SetEquipmentStatusRequest& request) {
  if (request.equipment_id().empty()) {
    return InvalidField("equipment_id", "required");
  }
  if (request.status() == v1::EQUIPMENT_STATUS_UNSPECIFIED ||
      !v1::EquipmentStatus_IsValid(request.status())) {
    return InvalidField("status", "IN_SERVICE or OUT_OF_SERVICE");
  }
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  return ledger::RecordOnce<v1::SetEquipmentStatusResponse>(
      *pool_, *ledger_,
      {kServiceName, "SetEquipmentStatus", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::SetEquipmentStatusResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Equipment equipment,
                            LoadEquipment(tx, request.equipment_id()));
        CC_RETURN_IF_ERROR(
            tx.Exec(kUpdateEquipmentStatus, {equipment.equipment_id(),
                                             static_cast<int>(request.status()),
                                             request.context().reason()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_equipment(),
                            LoadEquipment(tx, equipment.equipment_id()));
        return audit
            .Append("equipment.status", "equipment", equipment.equipment_id(),
                    response.equipment(), request.context().reason())
            .status();
      });
}

absl::StatusOr<v1::ListEquipmentResponse> Manufacturing::ListEquipment(
    const v1::ListEquipmentRequest& request) {
  if (!v1::EquipmentKind_IsValid(request.kind())) {
    return InvalidField("kind", "not an equipment kind");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::Equipment> rows,
                      pg::LoadRows<v1::Equipment>(
                          *lease, EquipmentSelect() + kWhereEquipmentListed,
                          {EnumOrNull(request.kind()), kMaxList}));
  v1::ListEquipmentResponse response;
  for (v1::Equipment& e : rows) *response.add_equipment() = std::move(e);
  return response;
}

}  // namespace cellchain::manufacturing
