// cellchain manufacturing material-receive|material-release|material-reject|
// material-show|material-list: material lots, in quarantine until QA
// releases them (the service's materials).
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/manufacturing_shared.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli::mfg {

namespace {

std::string MaterialStatusName(v1::MaterialStatus s) {
  return LowerName(v1::MaterialStatus_Name(s), "MATERIAL_STATUS_");
}
std::string MaterialKindName(v1::MaterialKind k) {
  return LowerName(v1::MaterialKind_Name(k), "MATERIAL_KIND_");
}

void PrintMaterial(const v1::MaterialLot& m) {
  Line("material id", m.material_id());
  Line("material code", m.material_code());
  Line("kind", MaterialKindName(m.kind()));
  Line("name", m.name());
  Line("supplier", m.supplier() + ", lot " + m.supplier_lot());
  Line("expires on", m.expires_on());
  Line("status", MaterialStatusName(m.status()));
  Line("custody item", m.item_id());
  Line("received",
       DisplayTime(m.received_at()) + " by " + m.received_by_user_id());
  if (!m.receipt_late_entry_reason().empty()) {
    Line("late entry", m.receipt_late_entry_reason());
  }
  if (!m.dispositioned_by_user_id().empty()) {
    Line(m.status() == v1::MATERIAL_STATUS_REJECTED ? "rejected" : "released",
         DisplayTime(m.dispositioned_at()) + " by " +
             m.dispositioned_by_user_id());
  }
  if (!m.release_late_entry_reason().empty()) {
    Line("late entry", m.release_late_entry_reason());
  }
  if (!m.rejection_reason().empty()) {
    Line("rejection reason", m.rejection_reason());
  }
}

}  // namespace

int MaterialReceive(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("material-receive");
  v1::ReceiveMaterialRequest request;
  *request.mutable_context() = NewRequestContext(o);
  v1::MaterialKind kind = v1::MATERIAL_KIND_UNSPECIFIED;
  if (!ParseEnumFlag(cmd, "kind", o.kind, "MATERIAL_KIND_", &kind)) return 2;
  request.set_kind(kind);
  request.set_name(o.name);
  request.set_supplier(o.supplier);
  request.set_supplier_lot(o.supplier_lot);
  request.set_expires_on(o.expires_on);
  request.set_location_id(o.location_id);
  if (!o.received_at.empty() && !ReadTimeFlag(cmd, "received-at", o.received_at,
                                              request.mutable_received_at())) {
    return 2;
  }
  request.set_late_entry_reason(o.late_entry_reason);
  v1::ReceiveMaterialResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ReceiveMaterial,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::MaterialLot& m = response.material();
  std::cout << "material " << m.material_id() << " (" << m.material_code()
            << ") received: " << m.name() << ", supplier lot "
            << m.supplier_lot() << ", expires " << m.expires_on() << ", "
            << MaterialStatusName(m.status()) << ", custody item "
            << m.item_id() << "\n";
  if (!m.receipt_late_entry_reason().empty()) {
    std::cout << "  received " << DisplayTime(m.received_at())
              << ", entered late: " << m.receipt_late_entry_reason() << "\n";
  }
  return 0;
}

int Disposition(Channel channel, const ManufacturingOptions& o, bool release) {
  const std::string cmd = Cmd(release ? "material-release" : "material-reject");
  if (!release && o.reason.empty()) {
    return Fail(cmd, "--reason: why the lot is rejected (required)", 2);
  }
  v1::DispositionMaterialRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_material_id(o.material_id);
  // material-reject takes neither flag: a rejection is dated when signed.
  if (!o.released_at.empty() && !ReadTimeFlag(cmd, "released-at", o.released_at,
                                              request.mutable_released_at())) {
    return 2;
  }
  request.set_late_entry_reason(o.late_entry_reason);
  if (!ReadSignature(
          o, cmd,
          release ? "the material's release" : "the material's rejection",
          release ? common::v1::SIGNATURE_MEANING_APPROVED
                  : common::v1::SIGNATURE_MEANING_REJECTED,
          request.mutable_signature())) {
    return 2;
  }
  v1::DispositionMaterialResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::DispositionMaterial,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::MaterialLot& m = response.material();
  std::cout << "material " << m.material_id() << " (" << m.material_code()
            << ") " << MaterialStatusName(m.status())
            << (m.rejection_reason().empty() ? "" : ": " + m.rejection_reason())
            << "\n";
  if (!m.release_late_entry_reason().empty()) {
    std::cout << "  released " << DisplayTime(m.dispositioned_at())
              << ", entered late: " << m.release_late_entry_reason() << "\n";
  }
  return 0;
}

int MaterialRelease(Channel channel, const ManufacturingOptions& o) {
  return Disposition(std::move(channel), o, true);
}

int MaterialReject(Channel channel, const ManufacturingOptions& o) {
  return Disposition(std::move(channel), o, false);
}

int MaterialShow(Channel channel, const ManufacturingOptions& o) {
  v1::GetMaterialRequest request;
  request.set_material_id(o.material_id);
  v1::GetMaterialResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetMaterial, request,
           &response);
  if (!status.ok()) return Report(Cmd("material-show"), status);
  PrintMaterial(response.material());
  Line("used by steps", response.step_ids().empty()
                            ? "-"
                            : absl::StrJoin(response.step_ids(), ", "));
  return 0;
}

int MaterialList(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("material-list");
  v1::ListMaterialsRequest request;
  if (!o.status.empty()) {
    v1::MaterialStatus s = v1::MATERIAL_STATUS_UNSPECIFIED;
    if (!ParseEnumFlag(cmd, "status", o.status, "MATERIAL_STATUS_", &s)) {
      return 2;
    }
    request.set_status(s);
  }
  if (!o.kind.empty()) {
    v1::MaterialKind k = v1::MATERIAL_KIND_UNSPECIFIED;
    if (!ParseEnumFlag(cmd, "kind", o.kind, "MATERIAL_KIND_", &k)) return 2;
    request.set_kind(k);
  }
  v1::ListMaterialsResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ListMaterials, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  // For people the name and its supplier lot share a column; for tools
  // they are two fields, each as the server sent it.
  bool tools = ForTools(o.format);
  std::vector<std::string> header = {"MATERIAL", "CODE", "KIND", "STATUS",
                                     "EXPIRES"};
  if (tools) {
    header.insert(header.end(), {"NAME", "SUPPLIER LOT"});
  } else {
    header.push_back("NAME (SUPPLIER LOT)");
  }
  Table table(std::move(header));
  for (const v1::MaterialLot& m : response.materials()) {
    std::vector<std::string> row = {
        m.material_id(), m.material_code(), MaterialKindName(m.kind()),
        MaterialStatusName(m.status()), m.expires_on()};
    if (tools) {
      row.insert(row.end(), {m.name(), m.supplier_lot()});
    } else {
      row.push_back(m.name() + " (" + m.supplier_lot() + ")");
    }
    table.AddRow(std::move(row));
  }
  PrintListing(table, o.format);
  return 0;
}
}  // namespace cellchain::cli::mfg
