// cellchain custody ... (cellchain.custody.v1.CustodyService): the items a
// technician, analyst, pharmacist or clinician handles, their handoffs,
// temperatures and holds, QA's recalls, and trace.
#include "clients/cli/custody_commands.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "clients/cli/box_grid.h"
#include "clients/cli/cli.h"
#include "clients/cli/custody_commands_internal.h"
#include "clients/cli/table.h"
#include "services/common/config/config.h"
#include "services/common/strings/printable.h"
#include "services/isbt128/din.h"

namespace cellchain::cli {
namespace custody_cli {

std::string TypeName(v1::ItemType t) {
  return LowerName(v1::ItemType_Name(t), "ITEM_TYPE_");
}
std::string StateName(v1::ItemState s) {
  return LowerName(v1::ItemState_Name(s), "ITEM_STATE_");
}
std::string KindName(v1::DerivationKind k) {
  return LowerName(v1::DerivationKind_Name(k), "DERIVATION_KIND_");
}

}  // namespace custody_cli

namespace {

using custody_cli::KindName;
using custody_cli::StateName;
using custody_cli::Trace;
using custody_cli::TypeName;
namespace v1 = cellchain::custody::v1;

// The values a person may type, read from the proto's enums so that a value
// added there is offered here.
std::string ItemTypes() {
  return EnumChoices(v1::ItemType_descriptor(), "ITEM_TYPE_");
}
std::string DerivationKinds() {
  return EnumChoices(v1::DerivationKind_descriptor(), "DERIVATION_KIND_");
}
std::string LocationKinds() {
  return EnumChoices(v1::LocationKind_descriptor(), "LOCATION_KIND_");
}
// end's outcomes: the ItemStates that end an item (custody's rules), not
// available, in_transit and on_hold, which the service refuses.
std::string Outcomes() {
  return EnumChoices(v1::ItemState_descriptor(), "ITEM_STATE_",
                     {v1::ITEM_STATE_AVAILABLE, v1::ITEM_STATE_IN_TRANSIT,
                      v1::ITEM_STATE_ON_HOLD});
}

// The label a person reads for an item: its DIN or its local code.
std::string Label(const v1::Item& item) {
  for (const auto& id : item.isbt128()) {
    if (id.kind() == "din") return id.value();
  }
  return item.local_code();
}

void PrintItem(const v1::Item& item) {
  auto line = [](const char* label, const std::string& value) {
    std::cout << "  " << PadLabel(label, 18) << Printable(value) << "\n";
  };
  line("item id", item.item_id());
  line("type", TypeName(item.type()));
  for (const auto& id : item.isbt128()) {
    line(id.kind().c_str(), id.value());
  }
  if (!item.local_code().empty()) line("local code", item.local_code());
  line("state", StateName(item.state()) + (item.on_hold() ? " (held)" : ""));
  line("custodian", item.custodian_user_id().empty()
                        ? (item.location_id().empty() ? "-" : "(the location)")
                        : item.custodian_user_id());
  line("location", item.location_id().empty() ? "-" : item.location_id());
  if (!item.open_handoff_id().empty()) {
    line("in transit", "handoff " + item.open_handoff_id());
  }
  if (item.temperature_excursion()) line("temperature", "EXCURSION recorded");
  if (!item.patient_id().empty()) line("patient", item.patient_id());
  for (const v1::ParentLink& parent : item.parents()) {
    line("from",
         parent.parent_item_id() + " (" + KindName(parent.kind()) + ")");
  }
  line("registered", DisplayTime(item.registered_at()));
  line("version", std::to_string(item.version()));
}

// --scan=- reads one line from stdin, as a keyboard-wedge scanner types it.
bool ReadScan(const CustodyOptions& o, const std::string& command,
              std::string* scan) {
  if (o.scan != "-") {
    *scan = o.scan;
  } else if (!std::getline(std::cin, *scan)) {
    *scan = "";
  }
  if (!scan->empty() && scan->back() == '\r') scan->pop_back();
  if (scan->empty()) {
    Fail(command, "--scan is required (- reads the scanner's line)", 2);
    return false;
  }
  return true;
}

// --parents=ITEM:KIND,...
bool ParseParents(const CustodyOptions& o, const std::string& command,
                  google::protobuf::RepeatedPtrField<v1::ParentLink>* out) {
  for (const std::string& entry : o.parents) {
    std::vector<std::string> parts = absl::StrSplit(entry, ':');
    v1::DerivationKind kind = v1::DERIVATION_KIND_UNSPECIFIED;
    if (parts.size() != 2 || !ParseEnumName(parts[1], "DERIVATION_KIND_",
                                            &v1::DerivationKind_Parse, &kind)) {
      Fail(command,
           absl::StrCat("--parents: \"", entry,
                        "\" is not ITEM_ID:KIND (kinds: ", DerivationKinds(),
                        ")"),
           2);
      return false;
    }
    v1::ParentLink* link = out->Add();
    link->set_parent_item_id(parts[0]);
    link->set_kind(kind);
  }
  return true;
}

int Din(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::AllocateDinRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_fin(o.fin);
  v1::AllocateDinResponse response;
  grpc::Status status = Call(channel, o, &v1::CustodyService::Stub::AllocateDin,
                             request, &response);
  if (!status.ok()) return Report("custody din", status);
  std::cout << "DIN " << response.allocation().din() << "\n"
            << "  eye-readable      " << response.eye_readable() << "\n"
            << "  data structure    " << response.data_structure() << "\n";
  return 0;
}

int Register(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::RegisterItemRequest request;
  *request.mutable_context() = NewRequestContext(o);
  v1::ItemType type = v1::ITEM_TYPE_UNSPECIFIED;
  if (!ParseEnumFlag("custody register", "type", o.item_type, "ITEM_TYPE_",
                     &type)) {
    return 2;
  }
  request.set_type(type);
  request.set_din(o.din);
  request.set_product_code(o.product_code);
  request.set_expiration(o.expiration);
  request.set_chain_of_identity(o.chain_of_identity);
  request.set_local_code(o.local_code);
  request.set_description(o.description);
  request.set_location_id(o.location_id);
  request.set_patient_id(o.patient_id);
  if (!ParseParents(o, "custody register", request.mutable_parents())) return 2;
  v1::RegisterItemResponse response;
  grpc::Status status = Call(
      channel, o, &v1::CustodyService::Stub::RegisterItem, request, &response);
  if (!status.ok()) return Report("custody register", status);
  std::cout << "registered " << response.item().item_id() << " ("
            << TypeName(response.item().type()) << " " << Label(response.item())
            << ")\n";
  return 0;
}

int Link(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  google::protobuf::RepeatedPtrField<v1::ParentLink> parents;
  if (!ParseParents(o, "custody link", &parents)) return 2;
  if (parents.size() != 1) {
    return Fail("custody link", "--parents: exactly one ITEM_ID:KIND", 2);
  }
  v1::LinkParentRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_item_id(o.item_id);
  request.set_parent_item_id(parents[0].parent_item_id());
  request.set_kind(parents[0].kind());
  v1::LinkParentResponse response;
  grpc::Status status = Call(channel, o, &v1::CustodyService::Stub::LinkParent,
                             request, &response);
  if (!status.ok()) return Report("custody link", status);
  std::cout << "linked " << o.item_id << " <- " << parents[0].parent_item_id()
            << " (" << KindName(parents[0].kind()) << ")\n";
  return 0;
}

int Show(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::GetItemRequest request;
  request.set_item_id(o.item_id);
  v1::GetItemResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::GetItem, request, &response);
  if (!status.ok()) return Report("custody show", status);
  PrintItem(response.item());
  for (const v1::Hold& hold : response.holds()) {
    std::cout << "  hold " << hold.hold_id() << " "
              << (hold.active() ? "ACTIVE" : "released") << " since "
              << DisplayTime(hold.placed_at()) << " by "
              << hold.placed_by_user_id() << ": " << hold.reason() << "\n";
  }
  for (const v1::Handoff& h : response.handoffs()) {
    std::cout << "  handoff " << h.handoff_id() << " " << h.status() << " "
              << (h.from_user_id().empty() ? h.from_location_id()
                                           : h.from_user_id())
              << " -> "
              << (h.to_user_id().empty() ? h.to_location_id() : h.to_user_id())
              << " carried by " << h.carrier_user_id() << ", "
              << DisplayTime(h.initiated_at()) << "\n";
  }
  return 0;
}

int Find(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::FindItemByScanRequest request;
  std::string scan;
  if (!ReadScan(o, "custody find", &scan)) return 2;
  request.set_scan(scan);
  v1::FindItemByScanResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::FindItemByScan, request,
           &response);
  if (!status.ok()) return Report("custody find", status);
  PrintItem(response.item());
  return 0;
}

// One location, or with --grid a box and then its positions, one
// CreateLocation each. With --grid every request's id is made from its
// content (RequestIdOf): a run stopped by a refusal can be repeated as it
// was, and what it created is answered from the first response instead of
// created again.
int LocationAdd(std::shared_ptr<grpc::Channel> channel,
                const CustodyOptions& o) {
  const std::string cmd = "custody location-add";
  v1::CreateLocationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  v1::LocationKind kind = v1::LOCATION_KIND_UNSPECIFIED;
  if (!ParseEnumFlag(cmd, "kind", o.kind, "LOCATION_KIND_", &kind)) return 2;
  std::vector<std::string> positions;
  if (!o.grid.empty()) {
    if (kind != v1::LOCATION_KIND_BOX) {
      return Fail(cmd,
                  "--grid: only a box has a grid of positions (--kind=box)", 2);
    }
    absl::StatusOr<std::vector<std::string>> names = GridPositions(o.grid);
    if (!names.ok()) return Fail(cmd, std::string(names.status().message()), 2);
    positions = *std::move(names);
  }
  request.set_kind(kind);
  request.set_name(o.name);
  request.set_parent_location_id(o.parent_location);
  if (!positions.empty()) {
    request.mutable_context()->clear_request_id();
    request.mutable_context()->set_request_id(RequestIdOf(cmd, request));
  }
  v1::CreateLocationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::CreateLocation, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Location& made = response.location();
  std::cout << "location " << made.location_id() << " ("
            << LowerName(v1::LocationKind_Name(kind), "LOCATION_KIND_") << " "
            << Printable(made.name()) << ")\n";
  size_t created = 0;
  for (const std::string& name : positions) {
    v1::CreateLocationRequest position;
    position.mutable_context()->set_reason(o.reason);
    position.set_kind(v1::LOCATION_KIND_POSITION);
    position.set_name(name);
    position.set_parent_location_id(made.location_id());
    position.mutable_context()->set_request_id(RequestIdOf(cmd, position));
    v1::CreateLocationResponse got;
    status = Call(channel, o, &v1::CustodyService::Stub::CreateLocation,
                  position, &got);
    if (!status.ok()) {
      Report(cmd, status);
      return Fail(cmd,
                  absl::StrCat("stopped at position ", name, ": ", created,
                               " of ", positions.size(), " created, ",
                               positions.size() - created - 1,
                               " not sent; run the same command again once "
                               "it is put right: what was created is not "
                               "created twice"),
                  1);
    }
    ++created;
  }
  if (!positions.empty()) {
    std::cout << created << " positions " << positions.front() << " to "
              << positions.back() << " in " << Printable(made.name()) << "\n";
  }
  return 0;
}

int Locations(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::ListLocationsRequest request;
  request.set_parent_location_id(o.parent_location);
  v1::ListLocationsResponse response;
  grpc::Status status = Call(
      channel, o, &v1::CustodyService::Stub::ListLocations, request, &response);
  if (!status.ok()) return Report("custody locations", status);
  // For people an empty position's item is left blank (no "-" in a box
  // of 81) and an occupant is bracketed; for tools each value is as the
  // server sent it ("" for an empty position).
  bool tools = ForTools(o.format);
  Table table({"LOCATION", "KIND", "NAME", "ITEM"});
  for (const v1::Location& l : response.locations()) {
    std::string kind =
        LowerName(v1::LocationKind_Name(l.kind()), "LOCATION_KIND_");
    if (tools) {
      table.AddRow({l.location_id(), kind, l.name(), l.occupant_item_id()});
      continue;
    }
    table.AddRow({Printable(l.location_id()), kind, Printable(l.name()),
                  l.occupant_item_id().empty()
                      ? ""
                      : "[" + Printable(l.occupant_item_id()) + "]"});
  }
  if (tools) {
    PrintListing(table, o.format);
  } else {
    table.Print(std::cout);
  }
  return 0;
}

int HandoffCommand(std::shared_ptr<grpc::Channel> channel,
                   const CustodyOptions& o) {
  v1::InitiateHandoffRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_item_id(o.item_id);
  request.set_to_user_id(o.to_user);
  request.set_to_location_id(o.to_location);
  request.set_carrier_user_id(o.carrier);
  request.set_condition(o.condition);
  request.set_seal_intact(!o.seal_broken);
  v1::InitiateHandoffResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::InitiateHandoff, request,
           &response);
  if (!status.ok()) return Report("custody handoff", status);
  const v1::Handoff& h = response.handoff();
  std::cout << "handoff " << h.handoff_id() << ": " << h.item_id()
            << " in transit, carried by " << h.carrier_user_id() << " to "
            << (h.to_user_id().empty() ? "" : h.to_user_id())
            << (h.to_user_id().empty() || h.to_location_id().empty() ? ""
                                                                     : " at ")
            << h.to_location_id() << "\n";
  return 0;
}

int Accept(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::AcceptHandoffRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_handoff_id(o.handoff_id);
  std::string scan;
  if (!ReadScan(o, "custody accept", &scan)) return 2;
  request.set_scan(scan);
  request.set_condition(o.condition);
  request.set_seal_intact(!o.seal_broken);
  v1::AcceptHandoffResponse response;
  grpc::Status status = Call(
      channel, o, &v1::CustodyService::Stub::AcceptHandoff, request, &response);
  if (!status.ok()) return Report("custody accept", status);
  const v1::Item& item = response.item();
  std::cout << "accepted " << item.item_id() << " (" << Label(item)
            << "): custodian "
            << (item.custodian_user_id().empty() ? "(the location)"
                                                 : item.custodian_user_id())
            << (item.location_id().empty() ? "" : ", at " + item.location_id())
            << (item.on_hold() ? "; ON HOLD (seal not intact)" : "") << "\n";
  return 0;
}

int CancelHandoff(std::shared_ptr<grpc::Channel> channel,
                  const CustodyOptions& o) {
  v1::CancelHandoffRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_handoff_id(o.handoff_id);
  v1::CancelHandoffResponse response;
  grpc::Status status = Call(
      channel, o, &v1::CustodyService::Stub::CancelHandoff, request, &response);
  if (!status.ok()) return Report("custody cancel-handoff", status);
  std::cout << "cancelled " << o.handoff_id << "\n";
  return 0;
}

int Temperatures(std::shared_ptr<grpc::Channel> channel,
                 const CustodyOptions& o) {
  v1::RecordTemperaturesRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_item_id(o.item_id);
  request.set_location_id(o.location_id);
  request.set_logger_id(o.logger_id);
  for (const std::string& entry : o.readings) {
    size_t eq = entry.rfind('=');
    google::protobuf::Timestamp at;
    double celsius = 0;
    if (eq == std::string::npos || !ParseTime(entry.substr(0, eq), &at) ||
        !ParseNumber(entry.substr(eq + 1), &celsius)) {
      return Fail("custody temperatures",
                  "--readings: \"" + entry +
                      "\" is not TIME=CELSIUS (2026-12-02T08:00:00Z=4.5)",
                  2);
    }
    v1::TemperatureReading* reading = request.add_readings();
    *reading->mutable_measured_at() = at;
    reading->set_celsius(celsius);
  }
  v1::RecordTemperaturesResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::RecordTemperatures, request,
           &response);
  if (!status.ok()) return Report("custody temperatures", status);
  std::cout << "recorded " << response.upload().readings_size()
            << " reading(s) as " << response.upload().upload_id() << "\n";
  for (const std::string& id : response.upload().excursion_item_ids()) {
    std::cout << "  EXCURSION: " << id << " flagged\n";
  }
  return 0;
}

int Limits(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::ListTemperatureLimitsResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::ListTemperatureLimits,
           v1::ListTemperatureLimitsRequest(), &response);
  if (!status.ok()) return Report("custody limits", status);
  Table table({"ITEM TYPE", "RANGE"}, "  ");
  for (const v1::TemperatureLimit& l : response.limits()) {
    std::ostringstream range;
    range << l.min_celsius() << " to " << l.max_celsius() << " °C";
    table.AddRow({TypeName(l.item_type()), range.str()});
  }
  table.Print(std::cout);
  return 0;
}

int SetLimits(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::SetTemperatureLimitsRequest request;
  *request.mutable_context() = NewRequestContext(o);
  v1::ItemType type = v1::ITEM_TYPE_UNSPECIFIED;
  double min = 0, max = 0;
  if (!ParseEnumName(o.item_type, "ITEM_TYPE_", &v1::ItemType_Parse, &type) ||
      !ParseNumber(o.min_celsius, &min) || !ParseNumber(o.max_celsius, &max)) {
    return Fail("custody set-limits",
                "--type, --min-celsius and --max-celsius are required", 2);
  }
  request.mutable_limit()->set_item_type(type);
  request.mutable_limit()->set_min_celsius(min);
  request.mutable_limit()->set_max_celsius(max);
  v1::SetTemperatureLimitsResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::SetTemperatureLimits, request,
           &response);
  if (!status.ok()) return Report("custody set-limits", status);
  std::cout << TypeName(type) << ": " << min << " to " << max << " °C\n";
  return 0;
}

int HoldCommand(std::shared_ptr<grpc::Channel> channel,
                const CustodyOptions& o) {
  v1::PlaceHoldRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_item_id(o.item_id);
  v1::PlaceHoldResponse response;
  grpc::Status status = Call(channel, o, &v1::CustodyService::Stub::PlaceHold,
                             request, &response);
  if (!status.ok()) return Report("custody hold", status);
  std::cout << "hold " << response.hold().hold_id() << " on "
            << response.item().item_id() << "\n";
  return 0;
}

int ReleaseHold(std::shared_ptr<grpc::Channel> channel,
                const CustodyOptions& o) {
  v1::ReleaseHoldRequest request;
  if (!ReadSignature(o, "custody release-hold", "the release",
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  request.set_hold_id(o.hold_id);
  v1::ReleaseHoldResponse response;
  grpc::Status status = Call(channel, o, &v1::CustodyService::Stub::ReleaseHold,
                             request, &response);
  if (!status.ok()) return Report("custody release-hold", status);
  std::cout << "released " << response.hold().hold_id() << "; "
            << response.item().item_id() << " is "
            << StateName(response.item().state()) << "\n";
  return 0;
}

int RecallCommand(std::shared_ptr<grpc::Channel> channel,
                  const CustodyOptions& o) {
  v1::RecallRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_item_id(o.item_id);
  v1::RecallResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::Recall, request, &response);
  if (!status.ok()) return Report("custody recall", status);
  std::cout << "recall " << response.recall().recall_id() << ": "
            << response.held_item_ids_size() << " item(s) on hold\n";
  for (const std::string& id : response.held_item_ids()) {
    std::cout << "  " << id << "\n";
  }
  return 0;
}

int End(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  v1::EndItemRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_item_id(o.item_id);
  v1::ItemState outcome = v1::ITEM_STATE_UNSPECIFIED;
  if (!ParseEnumName(o.outcome, "ITEM_STATE_", &v1::ItemState_Parse,
                     &outcome)) {
    return Fail("custody end", "--outcome: " + Outcomes(), 2);
  }
  request.set_outcome(outcome);
  request.set_patient_id(o.patient_id);
  v1::EndItemResponse response;
  grpc::Status status =
      Call(channel, o, &v1::CustodyService::Stub::EndItem, request, &response);
  if (!status.ok()) return Report("custody end", status);
  std::cout << response.item().item_id() << " is "
            << StateName(response.item().state()) << "\n";
  return 0;
}

void DeclareCustodyFlags(config::Loader& loader, CustodyOptions& o) {
  // In the order the commands' usage lines name them: FlagsUsage lists a
  // command's flags in declaration order.
  loader.String("item-id", &o.item_id,
                "The item (itm_..., its local code or its DIN).");
  loader.String("fin", &o.fin, "din: the Facility Identification Number.");
  loader.String("type", &o.item_type,
                FlagHelp(absl::StrCat("register, set-limits: the item type: ",
                                      ItemTypes(), ".")));
  loader.String("din", &o.din, "register: the item's DIN.");
  loader.String("local-code", &o.local_code,
                "register: a local barcode (items without a DIN).");
  loader.String("product-code", &o.product_code,
                "register: ISBT 128 data structure 003 (=<...).");
  loader.String("expiration", &o.expiration,
                "register: ISBT 128 data structure 005 (&>...).");
  loader.String("chain-of-identity", &o.chain_of_identity,
                "register: ISBT 128 data structure 040.");
  loader.List("parents", &o.parents,
              FlagHelp(absl::StrCat("register, link: ITEM_ID:KIND,... the "
                                    "items it came from and how (kinds: ",
                                    DerivationKinds(), ").")));
  loader.String("location-id", &o.location_id,
                "register: where the item is; temperatures: the location "
                "logged\n(loc_... or its path of names in any case, "
                "FRZ-01/R2/B3/A1).");
  loader.String("outcome", &o.outcome, absl::StrCat("end: ", Outcomes(), "."));
  loader.String("patient-id", &o.patient_id,
                "register, end: the trial subject (e.g. RH-017).");
  loader.String("description", &o.description, "register: free text.");
  loader.String("kind", &o.kind,
                FlagHelp(absl::StrCat("location-add: ", LocationKinds(), ".")));
  loader.String("name", &o.name, "location-add: the location's name.");
  loader.String("parent-location", &o.parent_location,
                "location-add, locations: the enclosing location (loc_... "
                "or its\npath).");
  loader.String("grid", &o.grid,
                "location-add --kind=box: ROWSxCOLUMNS (9x9), its positions\n"
                "created with it, named A1, A2, ... I9.");
  loader.String("handoff-id", &o.handoff_id,
                "accept, cancel-handoff: the handoff.");
  loader.String("scan", &o.scan,
                "accept, find: what the scanner read; - reads one line from\n"
                "stdin (keyboard-wedge scanner).");
  loader.String("to-user", &o.to_user, "handoff: the recipient.");
  loader.String("to-location", &o.to_location,
                "handoff: the destination location (loc_... or its path).");
  loader.String("carrier", &o.carrier,
                "handoff: who carries it (default: you).");
  loader.String("condition", &o.condition,
                "handoff, accept: the item's condition.");
  loader.Bool("seal-broken", &o.seal_broken,
              "handoff, accept: the seal is NOT intact (accept: the item "
              "goes\non hold).");
  loader.List("readings", &o.readings,
              "temperatures: TIME=CELSIUS,... (RFC 3339 times).");
  loader.String("logger-id", &o.logger_id, "temperatures: the data logger.");
  loader.String("min-celsius", &o.min_celsius,
                "set-limits: the lowest temperature allowed.");
  loader.String("max-celsius", &o.max_celsius,
                "set-limits: the highest temperature allowed.");
  loader.String("hold-id", &o.hold_id, "release-hold: the hold.");
  loader.String("direction", &o.direction,
                "trace: backward (to the donor) or forward (to the "
                "patients).");
  DeclareFormatFlag(loader, &o.format, "trace, locations");
  loader.String("reason", &o.reason,
                "Why the change is made (audited); hold, release-hold, "
                "recall and\nend --outcome=discarded need one.");
  loader.Bool("password-stdin", &o.password_stdin,
              "release-hold: read the signing password from stdin (one "
              "line)\ninstead of prompting at the terminal.");
  loader.String("password-env", &o.password_env,
                "release-hold: read the signing password from this "
                "environment\nvariable (its name, not the password).");
}

// The flags whose values main() resolves to ids before a command runs.
std::vector<NamedFlag> CustodyNamedFlags(CustodyOptions& o) {
  using Thing = NamedFlag::Thing;
  return {
      {"item-id", Thing::kItem, &o.item_id},
      {"location-id", Thing::kLocation, &o.location_id},
      {"parent-location", Thing::kLocation, &o.parent_location},
      {"to-location", Thing::kLocation, &o.to_location},
      {"parents", Thing::kItem, nullptr, &o.parents,
       NamedFlag::Part::kBeforeLastColon},
  };
}

}  // namespace

const Group& CustodyGroup() {
  static const auto* const group = new GroupOf<CustodyOptions>({
      .name = "custody",
      .alias = "",
      .about = "Items and their chain of custody, where they are and who holds "
               "them, their holds, recalls and traces",
      .declare = DeclareCustodyFlags,
      .commands =
          {
              {{"custody din", "fin! reason",
                "cellchain custody din --fin=FIN\n"
                "Allocates the next DIN of the facility for this year: unique, "
                "never\n"
                "reused. Prints the data structure for a label and the "
                "eye-readable\n"
                "form with the boxed check character. Technician.\n"},
               Din},
              {{"custody register",
                "type din local-code product-code expiration chain-of-identity "
                "parents "
                "location-id patient-id description reason",
                "cellchain custody register --type=T (--din=DS | "
                "--local-code=CODE)\n"
                "    [--product-code=DS] [--expiration=DS] "
                "[--chain-of-identity=DS]\n"
                "    [--parents=ITEM:KIND,...] [--location-id=L] "
                "[--patient-id=P]\n"
                "    [--description=TEXT]\n"
                "Registers a physical item derived from its parents; you "
                "become its\n"
                "custodian. Technician, QC analyst, pharmacist.\n"},
               Register},
              {{"custody link", "item-id! parents reason",
                "cellchain custody link --item-id=ID --parents=ITEM:KIND "
                "[--reason=T]\n"
                "Adds a derivation link (a pool input, a reagent lot "
                "consumed,\n"
                "equipment used). A link that would close a cycle is "
                "refused.\n"},
               Link},
              {{"custody show", "item-id!",
                "cellchain custody show --item-id=ID\n"
                "The item, its holds and its handoffs.\n"},
               Show},
              {{"custody find", "scan",
                "cellchain custody find --scan=DATA|-\n"
                "The item a scanned label names (ISBT 128 or a local code).\n"},
               Find},
              {{"custody location-add", "kind name parent-location grid reason",
                "cellchain custody location-add --kind=K --name=N "
                "[--parent-location=L]\n"
                "    [--grid=ROWSxCOLUMNS]\n"
                "Adds a storage location inside --parent-location (a site has "
                "none).\n"
                "site > room > freezer > rack > box > position. A box with "
                "--grid=9x9\n"
                "gets its positions at once, rows lettered and columns "
                "numbered (A1 ...\n"
                "I9); if one is refused the rest are not sent, and the same "
                "command run\n"
                "again creates only what is missing. QA or admin.\n"},
               LocationAdd},
              {{"custody locations", "parent-location format",
                "cellchain custody locations [--parent-location=L]\n"
                "    [--format=table|json|csv]\n"
                "The sites, or a location's children with each position's "
                "item.\n"},
               Locations},
              {{"custody handoff",
                "item-id! to-user to-location carrier condition seal-broken "
                "reason",
                "cellchain custody handoff --item-id=ID [--to-user=U] "
                "[--to-location=L]\n"
                "    [--carrier=U] [--condition=TEXT] [--seal-broken]\n"
                "Starts a handoff; only the custodian may. The item is in "
                "transit\n"
                "until accepted.\n"},
               HandoffCommand},
              {{"custody accept",
                "handoff-id! scan condition seal-broken reason",
                "cellchain custody accept --handoff-id=H --scan=DATA|- "
                "[--condition=T]\n"
                "    [--seal-broken]\n"
                "Accepts by scanning the item; a scan of another item is "
                "refused and\n"
                "audited. A broken seal puts the item on hold.\n"},
               Accept},
              {{"custody cancel-handoff", "handoff-id! reason",
                "cellchain custody cancel-handoff "
                "--handoff-id=H [--reason=T]\n"
                "Cancels an open handoff; the item stays with its "
                "custodian.\n"},
               CancelHandoff},
              {{"custody temperatures",
                "item-id location-id readings logger-id reason",
                "cellchain custody temperatures (--item-id=ID | "
                "--location-id=L)\n"
                "    --readings=TIME=CELSIUS,... [--logger-id=LOGGER]\n"
                "Records readings; one out of an item type's range flags the "
                "item.\n"},
               Temperatures},
              {{"custody limits", "",
                "cellchain custody limits\n"
                "The temperature range of every item type.\n"},
               Limits},
              {{"custody set-limits", "type min-celsius max-celsius reason",
                "cellchain custody set-limits --type=T --min-celsius=X "
                "--max-celsius=Y\n"
                "    --reason=TEXT\n"
                "Sets an item type's temperature range. QA.\n"},
               SetLimits},
              {{"custody hold", "item-id! reason",
                "cellchain custody hold --item-id=ID --reason=TEXT\n"
                "Puts the item on hold. A held item may be moved and sampled, "
                "never\n"
                "used.\n"},
               HoldCommand},
              {{"custody release-hold",
                "hold-id! reason password-stdin password-env",
                "cellchain custody release-hold --hold-id=H --reason=TEXT\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "QA's e-signature (APPROVED): your password is asked again.\n"},
               ReleaseHold},
              {{"custody recall", "item-id! reason",
                "cellchain custody recall --item-id=LOT --reason=TEXT\n"
                "Holds a donor or reagent lot and every item derived from it. "
                "QA.\n"},
               RecallCommand},
              {{"custody end", "item-id! outcome patient-id reason",
                "cellchain custody end --item-id=ID "
                "--outcome=consumed|infused|discarded\n"
                "    [--patient-id=P] [--reason=TEXT]\n"
                "Ends the item's life in custody. Infused needs the patient; "
                "discarded\n"
                "needs a reason.\n"},
               End},
              {{"custody trace", "item-id! direction format",
                "cellchain custody trace --item-id=ID "
                "[--direction=backward|forward]\n"
                "                        [--format=table|json|csv]\n"
                "The derivation tree with the audit record behind each link, "
                "then the\n"
                "donor lots, reagent lots, equipment, QC samples, operators "
                "and\n"
                "patients on it. json and csv give a row per link, in the "
                "tree's order:\nits depth, the item above (parent_item_id), "
                "the link and its record, and\nthe item (an item reached "
                "again is listed again, without what is below it).\n"},
               Trace},
          },
      .field_aliases =
          {
              {"parent_location_id", "parent-location"},
              {"to_user_id", "to-user"},
              {"to_location_id", "to-location"},
              {"carrier_user_id", "carrier"},
              {"item_type", "type"},
          },
      .named_flags = CustodyNamedFlags,
  });
  return *group;
}

}  // namespace cellchain::cli
