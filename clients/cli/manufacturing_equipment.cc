// cellchain manufacturing equipment-register|equipment-calibrate|
// equipment-status|equipment-list: equipment and its calibration (the
// service's equipment).
#include <iostream>
#include <string>

#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/manufacturing_shared.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli::mfg {

namespace {

std::string EquipmentStatusName(v1::EquipmentStatus s) {
  return LowerName(v1::EquipmentStatus_Name(s), "EQUIPMENT_STATUS_");
}
std::string EquipmentKindName(v1::EquipmentKind k) {
  return LowerName(v1::EquipmentKind_Name(k), "EQUIPMENT_KIND_");
}

void PrintEquipmentLine(const std::string& what, const v1::Equipment& e) {
  std::cout << "equipment " << e.equipment_id() << " (" << e.asset_tag() << ") "
            << what << ": " << EquipmentStatusName(e.status())
            << ", calibration due " << e.calibration_due()
            << (e.status_reason().empty() ? "" : " — " + e.status_reason())
            << "\n";
}

}  // namespace

int EquipmentRegister(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("equipment-register");
  v1::RegisterEquipmentRequest request;
  *request.mutable_context() = NewRequestContext(o);
  v1::EquipmentKind kind = v1::EQUIPMENT_KIND_UNSPECIFIED;
  if (!ParseEnumFlag(cmd, "kind", o.kind, "EQUIPMENT_KIND_", &kind)) return 2;
  request.set_kind(kind);
  request.set_name(o.name);
  request.set_asset_tag(o.asset_tag);
  request.set_calibrated_on(o.calibrated_on);
  request.set_calibration_due(o.calibration_due);
  request.set_calibration_reference(o.calibration_reference);
  request.set_location_id(o.location_id);
  v1::RegisterEquipmentResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RegisterEquipment,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  PrintEquipmentLine("registered", response.equipment());
  return 0;
}

int EquipmentCalibrate(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("equipment-calibrate");
  v1::RecordCalibrationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_equipment_id(o.equipment_id);
  request.set_calibrated_on(o.calibrated_on);
  request.set_calibration_due(o.calibration_due);
  request.set_calibration_reference(o.calibration_reference);
  v1::RecordCalibrationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RecordCalibration,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  PrintEquipmentLine("calibrated", response.equipment());
  return 0;
}

int EquipmentStatusCommand(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("equipment-status");
  v1::SetEquipmentStatusRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_equipment_id(o.equipment_id);
  v1::EquipmentStatus s = v1::EQUIPMENT_STATUS_UNSPECIFIED;
  if (!ParseEnumFlag(cmd, "status", o.status, "EQUIPMENT_STATUS_", &s)) {
    return 2;
  }
  request.set_status(s);
  v1::SetEquipmentStatusResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::SetEquipmentStatus,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  PrintEquipmentLine("is now", response.equipment());
  return 0;
}

int EquipmentList(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("equipment-list");
  v1::ListEquipmentRequest request;
  if (!o.kind.empty()) {
    v1::EquipmentKind k = v1::EQUIPMENT_KIND_UNSPECIFIED;
    if (!ParseEnumFlag(cmd, "kind", o.kind, "EQUIPMENT_KIND_", &k)) return 2;
    request.set_kind(k);
  }
  v1::ListEquipmentResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ListEquipment, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  Table table({"EQUIPMENT", "ASSET TAG", "KIND", "STATUS",
               ForTools(o.format) ? "CALIBRATION DUE" : "CAL. DUE", "NAME"});
  for (const v1::Equipment& e : response.equipment()) {
    table.AddRow({e.equipment_id(), e.asset_tag(), EquipmentKindName(e.kind()),
                  EquipmentStatusName(e.status()), e.calibration_due(),
                  e.name()});
  }
  PrintListing(table, o.format);
  return 0;
}
}  // namespace cellchain::cli::mfg
