// cellchain manufacturing ... (cellchain.manufacturing.v1.ManufacturingService;
// also `cellchain mfg ...`): material lots and their release, equipment and
// its calibration, batches from donor lots and their steps — processing,
// passages, harvests, cryopreservation, thaws, the product harvest — with
// the second person's verification, corrections, deviations and the growth
// curve. Every step is signed: the signer's password is asked again.
#include "clients/cli/manufacturing_commands.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/legacy_flags.h"
#include "clients/cli/printable.h"
#include "clients/cli/session.h"
#include "clients/cli/table.h"

namespace cellchain::cli {
namespace {

namespace v1 = cellchain::manufacturing::v1;

template <typename Request, typename Response, typename Method>
grpc::Status Call(std::shared_ptr<grpc::Channel> channel, const Options& o,
                  Method method, const Request& request, Response* response) {
  auto stub = v1::ManufacturingService::NewStub(channel);
  auto context = NewCallContext(o);
  return ((*stub).*method)(context.get(), request, response);
}

std::string Cmd(const char* verb) {
  return absl::StrCat("manufacturing ", verb);
}

// An optional time flag into `out` (left untouched when not given): false,
// after printing why, when given and not RFC 3339.
bool Time(const std::string& command, const char* flag, const std::string& text,
          google::protobuf::Timestamp* out) {
  if (text.empty()) return true;
  google::protobuf::Timestamp parsed;
  if (ParseTime(text, &parsed)) {
    *out = parsed;
    return true;
  }
  Fail(
      command,
      absl::StrCat("--", flag, ": not an RFC 3339 time (2026-11-22T10:00:00Z)"),
      2);
  return false;
}

// An enum's values as a person types them, from the proto itself so that
// a value added there is offered here: "discarded, banked or carried".
std::string Choices(const google::protobuf::EnumDescriptor* e,
                    std::string_view prefix) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() == 0) continue;  // UNSPECIFIED
    names.push_back(LowerName(e->value(i)->name(), prefix));
  }
  if (names.size() < 2) return absl::StrJoin(names, "");
  std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " or ", last);
}

// An optional number (cell counts in scientific notation too: 1e7).
bool Number(const std::string& command, const char* flag,
            const std::string& text, double* out) {
  if (text.empty()) return true;
  double value = 0;
  if (absl::SimpleAtod(text, &value) && std::isfinite(value)) {
    *out = value;
    return true;
  }
  Fail(command, absl::StrCat("--", flag, ": not a number (e.g. 2.5e6)"), 2);
  return false;
}

// The signer's e-signature with `meaning`: the password asked again.
bool Signature(const Options& o, const std::string& command, const char* what,
               common::v1::SignatureMeaning meaning,
               common::v1::ESignature* out) {
  std::string meaning_name = LowerName(
      common::v1::SignatureMeaning_Name(meaning), "SIGNATURE_MEANING_");
  absl::StatusOr<std::string> password =
      ReadPassword({.env_var = o.password_env, .from_stdin = o.password_stdin},
                   absl::StrCat("password to sign ", what, " (",
                                absl::AsciiStrToUpper(meaning_name), ")"),
                   false);
  if (!password.ok()) {
    Fail(command, std::string(password.status().message()), 2);
    return false;
  }
  out->set_password(*password);
  out->set_meaning(meaning);
  return true;
}

// --material=MAT[:QUANTITY] and --equipment=EQP, each repeatable, appended
// to the step's lists (as ids: main resolved codes and tags before).
bool MaterialsAndEquipment(const Options& o, const std::string& command,
                           v1::StepValues* values) {
  for (const std::string& entry : o.materials) {
    size_t colon = entry.find(':');
    std::string id = entry.substr(0, colon);
    if (id.empty()) {
      Fail(command, "--material: \"" + entry + "\" is not MAT or MAT:QUANTITY",
           2);
      return false;
    }
    v1::MaterialUse* use = values->add_materials();
    use->set_material_id(id);
    if (colon != std::string::npos) use->set_quantity(entry.substr(colon + 1));
  }
  for (const std::string& id : o.equipment) values->add_equipment_ids(id);
  return true;
}

// Every value flag given, over `values` (a correction starts from the
// current revision's). Flags not given leave their field as it is.
bool ValueFlags(const Options& o, const std::string& command,
                v1::StepValues* values) {
  if (!o.method.empty()) {
    v1::ProcessingMethod method = v1::PROCESSING_METHOD_UNSPECIFIED;
    if (!ParseEnumName(o.method, "PROCESSING_METHOD_",
                       &v1::ProcessingMethod_Parse, &method)) {
      Fail(command, "--method: explant or enzymatic", 2);
      return false;
    }
    values->set_method(method);
  }
  if (!o.bank.empty()) {
    v1::BankKind bank = v1::BANK_KIND_UNSPECIFIED;
    if (!ParseEnumName(o.bank, "BANK_KIND_", &v1::BankKind_Parse, &bank)) {
      Fail(command, "--bank: master, working or final_product", 2);
      return false;
    }
    values->set_bank_kind(bank);
  }
  if (!o.leftover.empty()) {
    v1::LeftoverDisposition leftover = v1::LEFTOVER_DISPOSITION_UNSPECIFIED;
    if (!ParseEnumName(o.leftover, "LEFTOVER_DISPOSITION_",
                       &v1::LeftoverDisposition_Parse, &leftover)) {
      Fail(command,
           "--leftover: " + Choices(v1::LeftoverDisposition_descriptor(),
                                    "LEFTOVER_DISPOSITION_"),
           2);
      return false;
    }
    values->set_leftover(leftover);
  }
  if (!o.vessel_type.empty()) values->set_vessel_type(o.vessel_type);
  if (o.vessel_count > 0) {
    values->set_vessel_count(static_cast<int32_t>(o.vessel_count));
  }
  struct NumberFlag {
    const char* flag;
    const std::string& text;
    void (v1::StepValues::*set)(double);
  };
  const NumberFlag numbers[] = {
      {"tissue-grams", o.tissue_grams, &v1::StepValues::set_tissue_grams},
      {"seeded-cells", o.seeded_cells,
       &v1::StepValues::set_seeded_viable_cells},
      {"harvested-cells", o.harvested_cells,
       &v1::StepValues::set_harvested_viable_cells},
      {"recovered-cells", o.recovered_cells,
       &v1::StepValues::set_harvested_viable_cells},
      {"viability", o.viability, &v1::StepValues::set_viability_percent},
      {"confluence", o.confluence, &v1::StepValues::set_confluence_percent},
      {"cells-per-vial", o.cells_per_vial, &v1::StepValues::set_cells_per_vial},
      {"volume-ml", o.volume_ml, &v1::StepValues::set_volume_ml},
  };
  for (const NumberFlag& n : numbers) {
    double value = 0;
    if (n.text.empty()) continue;
    if (!Number(command, n.flag, n.text, &value)) return false;
    (values->*n.set)(value);
  }
  return Time(command, "seeded-at", o.seeded_at, values->mutable_seeded_at()) &&
         Time(command, "harvested-at", o.harvested_at,
              values->mutable_harvested_at()) &&
         Time(command, "frozen-at", o.frozen_at, values->mutable_frozen_at()) &&
         Time(command, "thawed-at", o.thawed_at, values->mutable_thawed_at());
}

// A new step's values: the value flags, then the materials and equipment.
bool NewValues(const Options& o, const std::string& command,
               v1::StepValues* values) {
  return ValueFlags(o, command, values) &&
         MaterialsAndEquipment(o, command, values);
}

std::string MaterialStatusName(v1::MaterialStatus s) {
  return LowerName(v1::MaterialStatus_Name(s), "MATERIAL_STATUS_");
}
std::string MaterialKindName(v1::MaterialKind k) {
  return LowerName(v1::MaterialKind_Name(k), "MATERIAL_KIND_");
}
std::string EquipmentStatusName(v1::EquipmentStatus s) {
  return LowerName(v1::EquipmentStatus_Name(s), "EQUIPMENT_STATUS_");
}
std::string EquipmentKindName(v1::EquipmentKind k) {
  return LowerName(v1::EquipmentKind_Name(k), "EQUIPMENT_KIND_");
}
std::string BatchStateName(v1::BatchState s) {
  return absl::AsciiStrToUpper(
      LowerName(v1::BatchState_Name(s), "BATCH_STATE_"));
}
std::string StepKindName(v1::StepKind k) {
  return LowerName(v1::StepKind_Name(k), "STEP_KIND_");
}
std::string StepStatusName(v1::StepStatus s) {
  return LowerName(v1::StepStatus_Name(s), "STEP_STATUS_");
}
std::string BankName(v1::BankKind k) {
  return LowerName(v1::BankKind_Name(k), "BANK_KIND_");
}
std::string ClassName(v1::DeviationClass c) {
  return absl::AsciiStrToUpper(
      LowerName(v1::DeviationClass_Name(c), "DEVIATION_CLASS_"));
}
std::string DeviationStatusName(v1::DeviationStatus s) {
  return LowerName(v1::DeviationStatus_Name(s), "DEVIATION_STATUS_");
}

// "P3".
std::string Passage(int32_t n) { return absl::StrCat("P", n); }

// A cell count as a person reads it: "8.00e+06", "-" when not counted.
std::string Cells(double n) {
  return n == 0 ? "-" : absl::StrFormat("%.2e", n);
}

std::string Fixed(double x, int digits) {
  return absl::StrFormat("%.*f", digits, x);
}

void Line(const char* label, const std::string& value) {
  std::cout << "  " << PadLabel(label, 20) << Printable(value) << "\n";
}

std::string Uses(const v1::StepValues& values) {
  std::vector<std::string> parts;
  for (const v1::MaterialUse& m : values.materials()) {
    parts.push_back(m.quantity().empty() ? m.material_id()
                                         : absl::StrCat(m.material_id(), " (",
                                                        m.quantity(), ")"));
  }
  for (const std::string& e : values.equipment_ids()) parts.push_back(e);
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

void PrintDeviations(
    const google::protobuf::RepeatedPtrField<v1::Deviation>& deviations) {
  for (const v1::Deviation& d : deviations) {
    std::cout << "  DEVIATION " << d.deviation_id() << " "
              << ClassName(d.classification())
              << (d.rule().empty() ? "" : " " + d.rule()) << ": "
              << d.description() << " (QA must assess)\n";
  }
}

// "bdv_... MAJOR OPEN IMPLAUSIBLE_GROWTH: ...", as batch-show and step-show
// list a deviation.
std::string DeviationText(const v1::Deviation& d) {
  std::string text = absl::StrCat(
      d.deviation_id(), " ", ClassName(d.classification()), " ",
      absl::AsciiStrToUpper(DeviationStatusName(d.status())),
      d.rule().empty() ? "" : " " + d.rule(), ": ", d.description());
  if (!d.assessed_by_user_id().empty()) {
    absl::StrAppend(&text, " — assessed by ", d.assessed_by_user_id(), ": ",
                    d.assessment());
  }
  return text;
}

// "step stp_... (passage P1) ...": the first line every step command prints.
std::string StepHead(const v1::Step& step) {
  return absl::StrCat("step ", step.step_id(), " (", StepKindName(step.kind()),
                      " ", Passage(step.passage_number()), ", revision ",
                      step.revision(), ", ", StepStatusName(step.status()),
                      ")");
}

// "Quinn Q. Assurance (quinn)", or the user id alone when the name is not
// known.
std::string AbortedBy(const v1::Batch& b) {
  if (b.aborted_by_printed_name().empty()) return b.aborted_by_user_id();
  return absl::StrCat(b.aborted_by_printed_name(), " (", b.aborted_by_user_id(),
                      ")");
}

// How step-show names the materials and equipment a step used: material
// ids as "MAT-... lot SUPPLIER_LOT", equipment ids by asset tag. An id
// that could not be read stays as it is.
struct UsedNames {
  std::map<std::string, std::string> materials;
  std::map<std::string, std::string> equipment;
};

std::string Named(const std::map<std::string, std::string>& names,
                  const std::string& id) {
  auto found = names.find(id);
  return found == names.end() ? id : found->second;
}

// Every value recorded in `v`, labelled, in the order of the batch record;
// values the step's kind does not record (unset) are left out. Labels are
// stable: step-show compares two revisions by them.
std::vector<std::pair<std::string, std::string>> ValueLines(
    const v1::StepValues& v, const UsedNames& names) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* label, std::string value) {
    out.emplace_back(label, std::move(value));
  };
  if (v.method() != v1::PROCESSING_METHOD_UNSPECIFIED) {
    add("method",
        LowerName(v1::ProcessingMethod_Name(v.method()), "PROCESSING_METHOD_"));
  }
  if (v.tissue_grams() != 0) add("tissue (g)", Fixed(v.tissue_grams(), 2));
  if (!v.vessel_type().empty()) add("vessel type", v.vessel_type());
  if (v.vessel_count() != 0)
    add("vessel count", absl::StrCat(v.vessel_count()));
  if (v.has_seeded_at()) {
    add("seeded at", DisplayTime(v.seeded_at()));
    add("seeded cells", v.seeded_viable_cells() == 0
                            ? "- (not counted)"
                            : Cells(v.seeded_viable_cells()));
  }
  if (v.has_harvested_at()) add("harvested at", DisplayTime(v.harvested_at()));
  if (v.has_thawed_at()) add("thawed at", DisplayTime(v.thawed_at()));
  if (!v.vial_item_id().empty()) add("vial", v.vial_item_id());
  if (v.harvested_viable_cells() != 0) {
    add("viable cells", Cells(v.harvested_viable_cells()));
  }
  if (v.viability_percent() != 0) {
    add("viability (%)", Fixed(v.viability_percent(), 1));
  }
  if (v.confluence_percent() != 0) {
    add("confluence (%)", Fixed(v.confluence_percent(), 1));
  }
  if (v.bank_kind() != v1::BANK_KIND_UNSPECIFIED) {
    add("bank", BankName(v.bank_kind()));
  }
  if (v.leftover() != v1::LEFTOVER_DISPOSITION_UNSPECIFIED) {
    add("leftover cells", LowerName(v1::LeftoverDisposition_Name(v.leftover()),
                                    "LEFTOVER_DISPOSITION_"));
  }
  if (v.cells_per_vial() != 0) add("cells per vial", Cells(v.cells_per_vial()));
  if (v.has_frozen_at()) add("frozen at", DisplayTime(v.frozen_at()));
  if (v.volume_ml() != 0) add("volume (ml)", Fixed(v.volume_ml(), 1));
  // The product's concentration, what dose preparation draws by: viable
  // cells per ml of the harvested volume.
  if (v.volume_ml() > 0 && v.harvested_viable_cells() != 0) {
    add("concentration",
        Cells(v.harvested_viable_cells() / v.volume_ml()) + " viable cells/ml");
  }
  for (const v1::MaterialUse& m : v.materials()) {
    std::string text = Named(names.materials, m.material_id());
    if (!m.quantity().empty()) absl::StrAppend(&text, " (", m.quantity(), ")");
    add("material", text);
  }
  for (const std::string& e : v.equipment_ids()) {
    add("equipment", Named(names.equipment, e));
  }
  return out;
}

// The names of the materials (one GetMaterial each) and equipment (one
// ListEquipment) `steps` used. A lookup that fails leaves the id.
UsedNames NamesOf(std::shared_ptr<grpc::Channel> channel, const Options& o,
                  const std::vector<const v1::StepValues*>& values) {
  UsedNames names;
  bool equipment = false;
  for (const v1::StepValues* v : values) {
    for (const v1::MaterialUse& m : v->materials()) {
      if (names.materials.contains(m.material_id())) continue;
      v1::GetMaterialRequest get;
      get.set_material_id(m.material_id());
      v1::GetMaterialResponse got;
      if (Call(channel, o, &v1::ManufacturingService::Stub::GetMaterial, get,
               &got)
              .ok()) {
        names.materials[m.material_id()] = absl::StrCat(
            got.material().material_code(), " lot ",
            got.material().supplier_lot(), " (", got.material().name(), ")");
      }
    }
    equipment = equipment || !v->equipment_ids().empty();
  }
  if (equipment) {
    v1::ListEquipmentResponse listed;
    if (Call(channel, o, &v1::ManufacturingService::Stub::ListEquipment,
             v1::ListEquipmentRequest(), &listed)
            .ok()) {
      for (const v1::Equipment& e : listed.equipment()) {
        names.equipment[e.equipment_id()] = e.asset_tag();
      }
    }
  }
  return names;
}

// What the verifier signs: the step's every recorded value, who recorded
// and verified it, and for a corrected step each revision's changed values
// (old -> new) with its reason.
void PrintStep(std::shared_ptr<grpc::Channel> channel, const Options& o,
               const v1::Step& step, const v1::GetBatchResponse& batch) {
  const v1::StepRevisionList* revisions = nullptr;
  if (auto found = batch.revisions().find(step.step_id());
      found != batch.revisions().end()) {
    revisions = &found->second;
  }
  std::vector<const v1::StepValues*> all = {&step.values()};
  if (revisions != nullptr) {
    for (const v1::StepRevision& r : revisions->revisions()) {
      all.push_back(&r.values());
    }
  }
  const UsedNames names = NamesOf(channel, o, all);
  std::cout << StepHead(step) << "\n";
  Line("batch", step.batch_id() + " (DIN " + batch.batch().din() + ")");
  Line("kind", StepKindName(step.kind()));
  Line("passage", Passage(step.passage_number()));
  Line("from",
       step.source_step_id().empty() ? "the donor lot" : step.source_step_id());
  Line("status", StepStatusName(step.status()));
  Line("revision", absl::StrCat(step.revision()));
  for (const auto& [label, value] : ValueLines(step.values(), names)) {
    Line(label.c_str(), value);
  }
  if (!step.item_ids().empty()) {
    Line("items", absl::StrJoin(step.item_ids(), ", "));
  }
  for (const v1::Vial& vial : step.vials()) {
    Line("vial", vial.item_id() + " at " + vial.position_location_id());
  }
  Line("recorded by",
       step.recorded_by_user_id() + " at " + DisplayTime(step.recorded_at()));
  Line("verified by", step.verified_by_user_id().empty()
                          ? "- (not verified)"
                          : step.verified_by_user_id() + " at " +
                                DisplayTime(step.verified_at()));
  if (!step.late_entry_reason().empty()) {
    Line("late entry", step.late_entry_reason());
  }
  for (const v1::Deviation& d : batch.deviations()) {
    if (d.step_id() == step.step_id()) Line("deviation", DeviationText(d));
  }
  if (revisions == nullptr || revisions->revisions_size() < 2) return;
  std::cout << "  revisions:\n";
  const v1::StepRevision* previous = nullptr;
  for (const v1::StepRevision& r : revisions->revisions()) {
    std::cout << "    revision " << r.revision() << " by "
              << Printable(r.recorded_by_user_id()) << " at "
              << DisplayTime(r.recorded_at());
    const std::string late =
        r.late_entry_reason().empty()
            ? ""
            : "      entered late: " + Printable(r.late_entry_reason()) + "\n";
    if (previous == nullptr) {
      std::cout << ": first recorded\n" << late;
      previous = &r;
      continue;
    }
    // A revision without a reason is a later recording (the harvest of a
    // culture), not a correction.
    std::cout << (r.reason().empty() ? ": recorded"
                                     : ", reason: " + Printable(r.reason()))
              << "\n"
              << late;
    // Values compared by label, each label's values joined (a step may
    // use several materials).
    auto joined = [&](const v1::StepValues& v) {
      std::vector<std::pair<std::string, std::string>> lines;
      for (const auto& [label, value] : ValueLines(v, names)) {
        auto same =
            std::find_if(lines.begin(), lines.end(),
                         [&](const auto& l) { return l.first == label; });
        if (same == lines.end()) {
          lines.emplace_back(label, value);
        } else {
          absl::StrAppend(&same->second, ", ", value);
        }
      }
      return lines;
    };
    auto before = joined(previous->values());
    auto after = joined(r.values());
    auto value_of = [](const auto& lines, const std::string& label) {
      for (const auto& [l, v] : lines) {
        if (l == label) return v;
      }
      return std::string("-");
    };
    std::vector<std::string> labels;
    for (const auto& [l, v] : after) labels.push_back(l);
    for (const auto& [l, v] : before) {
      if (std::find(labels.begin(), labels.end(), l) == labels.end()) {
        labels.push_back(l);
      }
    }
    bool changed = false;
    for (const std::string& label : labels) {
      std::string old_value = value_of(before, label);
      std::string new_value = value_of(after, label);
      if (old_value == new_value) continue;
      changed = true;
      std::cout << "      " << Printable(label) << ": " << Printable(old_value)
                << " -> " << Printable(new_value) << "\n";
    }
    if (!changed) std::cout << "      (no value changed)\n";
    previous = &r;
  }
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

// ---- materials --------------------------------------------------------------

int MaterialReceive(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("material-receive");
  v1::ReceiveMaterialRequest request;
  *request.mutable_context() = NewRequestContext(o);
  v1::MaterialKind kind = v1::MATERIAL_KIND_UNSPECIFIED;
  if (!ParseEnumName(o.kind, "MATERIAL_KIND_", &v1::MaterialKind_Parse,
                     &kind)) {
    return Fail(cmd,
                "--kind: medium, supplement, dissociation_reagent, "
                "digestion_enzyme, cryoprotectant, heparin, saline or other",
                2);
  }
  request.set_kind(kind);
  request.set_name(o.name);
  request.set_supplier(o.supplier);
  request.set_supplier_lot(o.supplier_lot);
  request.set_expires_on(o.expires_on);
  request.set_location_id(o.location_id);
  if (!o.received_at.empty() &&
      !Time(cmd, "received-at", o.received_at, request.mutable_received_at())) {
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

int Disposition(std::shared_ptr<grpc::Channel> channel, const Options& o,
                bool release) {
  const std::string cmd = Cmd(release ? "material-release" : "material-reject");
  if (!release && o.reason.empty()) {
    return Fail(cmd, "--reason: why the lot is rejected (required)", 2);
  }
  v1::DispositionMaterialRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_material_id(o.material_id);
  // material-reject takes neither flag: a rejection is dated when signed.
  if (!o.released_at.empty() &&
      !Time(cmd, "released-at", o.released_at, request.mutable_released_at())) {
    return 2;
  }
  request.set_late_entry_reason(o.late_entry_reason);
  if (!Signature(
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

int MaterialRelease(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  return Disposition(std::move(channel), o, true);
}

int MaterialReject(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  return Disposition(std::move(channel), o, false);
}

int MaterialShow(std::shared_ptr<grpc::Channel> channel, const Options& o) {
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

int MaterialList(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("material-list");
  v1::ListMaterialsRequest request;
  if (!o.status.empty()) {
    v1::MaterialStatus s = v1::MATERIAL_STATUS_UNSPECIFIED;
    if (!ParseEnumName(o.status, "MATERIAL_STATUS_", &v1::MaterialStatus_Parse,
                       &s)) {
      return Fail(cmd, "--status: quarantine, released or rejected", 2);
    }
    request.set_status(s);
  }
  if (!o.kind.empty()) {
    v1::MaterialKind k = v1::MATERIAL_KIND_UNSPECIFIED;
    if (!ParseEnumName(o.kind, "MATERIAL_KIND_", &v1::MaterialKind_Parse, &k)) {
      return Fail(cmd, "--kind: not a material kind (see --help)", 2);
    }
    request.set_kind(k);
  }
  v1::ListMaterialsResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ListMaterials, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  Table table(
      {"MATERIAL", "CODE", "KIND", "STATUS", "EXPIRES", "NAME (SUPPLIER LOT)"});
  for (const v1::MaterialLot& m : response.materials()) {
    table.AddRow(
        {Printable(m.material_id()), Printable(m.material_code()),
         MaterialKindName(m.kind()), MaterialStatusName(m.status()),
         Printable(m.expires_on()),
         Printable(m.name()) + " (" + Printable(m.supplier_lot()) + ")"});
  }
  table.Print(std::cout);
  return 0;
}

// ---- equipment --------------------------------------------------------------

void PrintEquipmentLine(const std::string& what, const v1::Equipment& e) {
  std::cout << "equipment " << e.equipment_id() << " (" << e.asset_tag() << ") "
            << what << ": " << EquipmentStatusName(e.status())
            << ", calibration due " << e.calibration_due()
            << (e.status_reason().empty() ? "" : " — " + e.status_reason())
            << "\n";
}

int EquipmentRegister(std::shared_ptr<grpc::Channel> channel,
                      const Options& o) {
  const std::string cmd = Cmd("equipment-register");
  v1::RegisterEquipmentRequest request;
  *request.mutable_context() = NewRequestContext(o);
  v1::EquipmentKind kind = v1::EQUIPMENT_KIND_UNSPECIFIED;
  if (!ParseEnumName(o.kind, "EQUIPMENT_KIND_", &v1::EquipmentKind_Parse,
                     &kind)) {
    return Fail(cmd,
                "--kind: incubator, biosafety_cabinet, cell_counter, "
                "centrifuge, controlled_rate_freezer or other",
                2);
  }
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

int EquipmentCalibrate(std::shared_ptr<grpc::Channel> channel,
                       const Options& o) {
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

int EquipmentStatusCommand(std::shared_ptr<grpc::Channel> channel,
                           const Options& o) {
  const std::string cmd = Cmd("equipment-status");
  v1::SetEquipmentStatusRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_equipment_id(o.equipment_id);
  v1::EquipmentStatus s = v1::EQUIPMENT_STATUS_UNSPECIFIED;
  if (!ParseEnumName(o.status, "EQUIPMENT_STATUS_", &v1::EquipmentStatus_Parse,
                     &s)) {
    return Fail(cmd, "--status: in_service or out_of_service", 2);
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

int EquipmentList(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("equipment-list");
  v1::ListEquipmentRequest request;
  if (!o.kind.empty()) {
    v1::EquipmentKind k = v1::EQUIPMENT_KIND_UNSPECIFIED;
    if (!ParseEnumName(o.kind, "EQUIPMENT_KIND_", &v1::EquipmentKind_Parse,
                       &k)) {
      return Fail(cmd, "--kind: not an equipment kind (see --help)", 2);
    }
    request.set_kind(k);
  }
  v1::ListEquipmentResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ListEquipment, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  Table table({"EQUIPMENT", "ASSET TAG", "KIND", "STATUS", "CAL. DUE", "NAME"});
  for (const v1::Equipment& e : response.equipment()) {
    table.AddRow({Printable(e.equipment_id()), Printable(e.asset_tag()),
                  EquipmentKindName(e.kind()), EquipmentStatusName(e.status()),
                  Printable(e.calibration_due()), Printable(e.name())});
  }
  table.Print(std::cout);
  return 0;
}

// ---- batches and steps ------------------------------------------------------

int BatchStart(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("batch-start");
  v1::StartBatchRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_donor_lot_id(o.lot_id);
  request.set_process_version(o.process_version);
  if (!o.started_at.empty() &&
      !Time(cmd, "started-at", o.started_at, request.mutable_started_at())) {
    return 2;
  }
  request.set_late_entry_reason(o.late_entry_reason);
  v1::StartBatchResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::StartBatch, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  std::cout << "batch " << b.batch_id() << " started from donor lot "
            << b.donor_lot_id() << " (DIN " << b.din() << "), process "
            << b.process_version() << ", " << BatchStateName(b.state()) << "\n";
  if (!b.late_entry_reason().empty()) {
    std::cout << "  started " << DisplayTime(b.started_at())
              << ", entered late: " << b.late_entry_reason() << "\n";
  }
  return 0;
}

void PrintNewStep(const v1::Step& step) {
  std::cout << StepHead(step) << " recorded";
  if (!step.item_ids().empty()) {
    std::cout << ": " << step.item_ids_size() << " "
              << (step.values().vessel_type().empty()
                      ? "item(s)"
                      : step.values().vessel_type())
              << " " << absl::StrJoin(step.item_ids(), ", ");
  }
  std::cout << "\n";
}

int Processing(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("processing");
  v1::RecordProcessingRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_late_entry_reason(o.late_entry_reason);
  request.set_batch_id(o.batch_id);
  if (!NewValues(o, cmd, request.mutable_values())) return 2;
  request.set_location_id(o.location_id);
  if (!Signature(o, cmd, "the processing step",
                 common::v1::SIGNATURE_MEANING_PERFORMED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::RecordProcessingResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RecordProcessing,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  PrintNewStep(response.step());
  PrintDeviations(response.deviations());
  return 0;
}

int PassageSeed(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("passage-seed");
  v1::SeedPassageRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_late_entry_reason(o.late_entry_reason);
  request.set_source_step_id(o.source_step_id);
  if (!NewValues(o, cmd, request.mutable_values())) return 2;
  request.set_location_id(o.location_id);
  if (!Signature(o, cmd, "the passage", common::v1::SIGNATURE_MEANING_PERFORMED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::SeedPassageResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::SeedPassage, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  PrintNewStep(response.step());
  PrintDeviations(response.deviations());
  return 0;
}

std::string GrowthText(const v1::Growth& g) {
  std::string text =
      g.has_population_doublings()
          ? absl::StrCat("PD ", Fixed(g.population_doublings(), 2))
          : "PD -";
  absl::StrAppend(&text, ", cumulative PD ",
                  Fixed(g.cumulative_population_doublings(), 2));
  if (g.has_doubling_time_hours()) {
    absl::StrAppend(&text, ", doubling time ",
                    Fixed(g.doubling_time_hours(), 1), " h");
  }
  absl::StrAppend(&text, ", cells left ", Cells(g.cells_remaining()));
  return text;
}

int Harvest(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("harvest");
  v1::RecordHarvestRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_late_entry_reason(o.late_entry_reason);
  request.set_step_id(o.step_id);
  if (!NewValues(o, cmd, request.mutable_values())) return 2;
  if (!Signature(o, cmd, "the harvest", common::v1::SIGNATURE_MEANING_PERFORMED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::RecordHarvestResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RecordHarvest, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step)
            << " harvested: " << Cells(step.values().harvested_viable_cells())
            << " cells; " << GrowthText(response.growth()) << "\n";
  PrintDeviations(response.deviations());
  return 0;
}

// The step with the batch it belongs to (GetBatch by step id); false, after
// reporting, when it cannot be read.
bool ReadStep(std::shared_ptr<grpc::Channel> channel, const Options& o,
              const std::string& cmd, v1::GetBatchResponse* batch,
              const v1::Step** step, int* exit_code) {
  v1::GetBatchRequest get;
  get.set_step_id(o.step_id);
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetBatch, get, batch);
  if (!status.ok()) {
    *exit_code = Report(cmd, status);
    return false;
  }
  for (const v1::Step& s : batch->steps()) {
    if (s.step_id() == o.step_id) *step = &s;
  }
  if (*step == nullptr) {
    *exit_code = Fail(cmd, "--step-id: not a step of its batch", 1);
    return false;
  }
  return true;
}

int StepShow(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("step-show");
  v1::GetBatchResponse batch;
  const v1::Step* step = nullptr;
  int exit_code = 0;
  if (!ReadStep(channel, o, cmd, &batch, &step, &exit_code)) return exit_code;
  PrintStep(channel, o, *step, batch);
  return 0;
}

int Verify(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("verify");
  if (o.revision < 0) {
    return Fail(cmd, "--revision: the revision you checked (1 or more)", 2);
  }
  int64_t revision = o.revision;
  if (revision == 0) {
    // The verifier signs what they were shown: the step as step-show
    // prints it, its revision confirmed. If it changes before the
    // signature, the server refuses (STEP_REVISION).
    v1::GetBatchResponse batch;
    const v1::Step* step = nullptr;
    int exit_code = 0;
    if (!ReadStep(channel, o, cmd, &batch, &step, &exit_code)) {
      return exit_code;
    }
    PrintStep(channel, o, *step, batch);
    revision = step->revision();
    std::cerr << "verify revision " << revision
              << " of this step, as shown above? [yes/no] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) answer.clear();
    if (!answer.empty() && answer.back() == '\r') answer.pop_back();
    answer = absl::AsciiStrToLower(answer);
    if (answer != "yes" && answer != "y") {
      return Fail(cmd, "not confirmed: nothing was signed", 1);
    }
  }
  v1::VerifyStepRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_step_id(o.step_id);
  request.set_revision(revision);
  if (!Signature(o, cmd, "the verification",
                 common::v1::SIGNATURE_MEANING_VERIFIED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::VerifyStepResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::VerifyStep, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step) << " verified by " << step.verified_by_user_id()
            << " (recorded by " << step.recorded_by_user_id() << ")\n";
  return 0;
}

int Correct(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("correct");
  if (o.batch_id.empty() || o.step_id.empty()) {
    return Fail(cmd, "--batch-id and --step-id are required", 2);
  }
  if (o.reason.empty()) {
    return Fail(cmd, "--reason: why the values are corrected (required)", 2);
  }
  if (!o.materials.empty() || !o.equipment.empty()) {
    return Fail(cmd,
                "--material/--equipment: a step's materials and equipment "
                "cannot be corrected",
                2);
  }
  // The correction replaces the values as a whole: start from the current
  // revision's and change what the flags give.
  v1::GetBatchRequest get;
  get.set_batch_id(o.batch_id);
  v1::GetBatchResponse batch;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetBatch, get, &batch);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step* current = nullptr;
  for (const v1::Step& step : batch.steps()) {
    if (step.step_id() == o.step_id) current = &step;
  }
  if (current == nullptr) {
    return Fail(
        cmd, "--step-id: " + o.step_id + " is not a step of " + o.batch_id, 1);
  }
  v1::CorrectStepRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_step_id(o.step_id);
  // The revision the person looked at, or the one just read.
  request.set_revision(o.revision > 0 ? o.revision : current->revision());
  *request.mutable_values() = current->values();
  if (!ValueFlags(o, cmd, request.mutable_values())) return 2;
  if (!Signature(o, cmd, "the correction",
                 common::v1::SIGNATURE_MEANING_PERFORMED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::CorrectStepResponse response;
  status = Call(channel, o, &v1::ManufacturingService::Stub::CorrectStep,
                request, &response);
  if (!status.ok()) return Report(cmd, status);
  std::cout << StepHead(response.step())
            << " corrected: " << response.step().correction_reason() << "\n";
  PrintDeviations(response.deviations());
  return 0;
}

int Cryopreserve(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("cryopreserve");
  v1::CryopreserveRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_late_entry_reason(o.late_entry_reason);
  request.set_source_step_id(o.source_step_id);
  if (!NewValues(o, cmd, request.mutable_values())) return 2;
  for (const std::string& position : o.positions) {
    request.add_position_location_ids(position);
  }
  if (!Signature(o, cmd, "the cryopreservation",
                 common::v1::SIGNATURE_MEANING_PERFORMED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::CryopreserveResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::Cryopreserve, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step) << " recorded: " << step.vials_size()
            << " vial(s) of " << Cells(step.values().cells_per_vial())
            << " cells into the " << BankName(step.values().bank_kind())
            << " bank\n";
  for (const v1::Vial& vial : step.vials()) {
    std::cout << "  vial " << vial.item_id() << " at "
              << vial.position_location_id() << "\n";
  }
  PrintDeviations(response.deviations());
  return 0;
}

int Thaw(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("thaw");
  v1::ThawVialRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_late_entry_reason(o.late_entry_reason);
  request.set_vial_item_id(o.item_id);
  if (!NewValues(o, cmd, request.mutable_values())) return 2;
  if (!Signature(o, cmd, "the thaw", common::v1::SIGNATURE_MEANING_PERFORMED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::ThawVialResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ThawVial, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step) << " recorded: vial " << o.item_id << " thawed, "
            << Cells(step.values().harvested_viable_cells())
            << " viable cells recovered\n";
  return 0;
}

int ProductHarvest(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("product-harvest");
  v1::HarvestProductRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_late_entry_reason(o.late_entry_reason);
  request.set_source_step_id(o.source_step_id);
  if (!NewValues(o, cmd, request.mutable_values())) return 2;
  request.set_location_id(o.location_id);
  if (!Signature(o, cmd, "the product harvest",
                 common::v1::SIGNATURE_MEANING_PERFORMED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::HarvestProductResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::HarvestProduct, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  std::cout << "product lot " << b.product_item_id() << " harvested: "
            << Cells(response.step().values().harvested_viable_cells())
            << " cells, " << StepHead(response.step()) << "; batch "
            << b.batch_id() << " is " << BatchStateName(b.state()) << "\n";
  PrintDeviations(response.deviations());
  return 0;
}

int BatchAbort(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("batch-abort");
  if (o.reason.empty()) {
    return Fail(cmd, "--reason: why the batch is aborted (required)", 2);
  }
  v1::AbortBatchRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_batch_id(o.batch_id);
  if (!Signature(o, cmd, "the abort of the batch",
                 common::v1::SIGNATURE_MEANING_REJECTED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::AbortBatchResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::AbortBatch, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  std::cout << "batch " << b.batch_id() << " is " << BatchStateName(b.state())
            << ": " << b.abort_reason() << " (signed REJECTED by "
            << AbortedBy(b) << " at " << DisplayTime(b.aborted_at()) << ")\n";
  return 0;
}

// ---- deviations -------------------------------------------------------------

bool Classification(const Options& o, const std::string& command, bool required,
                    v1::DeviationClass* out) {
  if (o.classification.empty() && !required) return true;
  if (ParseEnumName(o.classification, "DEVIATION_CLASS_",
                    &v1::DeviationClass_Parse, out)) {
    return true;
  }
  Fail(command, "--classification: minor, major or critical", 2);
  return false;
}

int DeviationRecord(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("deviation-record");
  v1::RecordDeviationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_batch_id(o.batch_id);
  request.set_step_id(o.step_id);
  v1::DeviationClass c = v1::DEVIATION_CLASS_UNSPECIFIED;
  if (!Classification(o, cmd, true, &c)) return 2;
  request.set_classification(c);
  request.set_description(o.description);
  request.set_impact(o.impact);
  v1::RecordDeviationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RecordDeviation,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Deviation& d = response.deviation();
  std::cout << "deviation " << d.deviation_id() << " recorded on batch "
            << d.batch_id() << ": " << ClassName(d.classification()) << ", "
            << DeviationStatusName(d.status()) << "\n";
  return 0;
}

int DeviationAssess(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("deviation-assess");
  v1::AssessDeviationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_deviation_id(o.deviation_id);
  v1::DeviationClass c = v1::DEVIATION_CLASS_UNSPECIFIED;
  if (!Classification(o, cmd, false, &c)) return 2;
  request.set_classification(c);
  request.set_assessment(o.assessment);
  if (!Signature(o, cmd, "the assessment",
                 common::v1::SIGNATURE_MEANING_APPROVED,
                 request.mutable_signature())) {
    return 2;
  }
  v1::AssessDeviationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::AssessDeviation,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Deviation& d = response.deviation();
  std::cout << "deviation " << d.deviation_id() << " "
            << DeviationStatusName(d.status()) << " ("
            << ClassName(d.classification()) << "), assessed by "
            << d.assessed_by_user_id() << "\n";
  return 0;
}

// ---- reading ----------------------------------------------------------------

int BatchShow(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("batch-show");
  v1::GetBatchRequest request;
  request.set_batch_id(o.batch_id);
  v1::GetBatchResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetBatch, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  Line("batch", b.batch_id());
  Line("donor lot", b.donor_lot_id() + " (DIN " + b.din() + ")");
  Line("process", b.process_version());
  Line("state", BatchStateName(b.state()));
  Line("started",
       DisplayTime(b.started_at()) + " by " + b.started_by_user_id());
  if (!b.late_entry_reason().empty()) {
    Line("late entry", b.late_entry_reason());
  }
  if (!b.product_item_id().empty()) {
    Line("product lot",
         b.product_item_id() + " (step " + b.product_step_id() + ")");
  }
  if (b.state() == v1::BATCH_STATE_ABORTED) {
    Line("abort reason", b.abort_reason());
    Line("aborted by", b.aborted_by_user_id().empty()
                           ? "- (before aborts were signed)"
                           : AbortedBy(b) + ", signed REJECTED");
    Line("aborted at", DisplayTime(b.aborted_at()));
  }
  Line("open major devs.", std::to_string(response.open_major_deviations()));

  std::map<std::string, const v1::Growth*> growth;
  for (const v1::Growth& g : response.growth()) growth[g.step_id()] = &g;
  Table steps({"STEP", "KIND", "P", "STATUS", "REV", "SEEDED", "HARVESTED",
               "PD", "CUM.PD", "DT (h)", "BY / VERIFIED BY"},
              "  ");
  for (const v1::Step& s : response.steps()) {
    auto found = growth.find(s.step_id());
    const v1::Growth* g = found == growth.end() ? nullptr : found->second;
    std::string pd = g != nullptr && g->has_population_doublings()
                         ? Fixed(g->population_doublings(), 2)
                         : "-";
    std::string cumulative =
        g != nullptr ? Fixed(g->cumulative_population_doublings(), 2) : "-";
    std::string doubling = g != nullptr && g->has_doubling_time_hours()
                               ? Fixed(g->doubling_time_hours(), 1)
                               : "-";
    steps.AddRow(
        {Printable(s.step_id()), StepKindName(s.kind()),
         Passage(s.passage_number()), StepStatusName(s.status()),
         std::to_string(s.revision()), Cells(s.values().seeded_viable_cells()),
         Cells(s.values().harvested_viable_cells()), pd, cumulative, doubling,
         Printable(s.recorded_by_user_id()) + " / " +
             (s.verified_by_user_id().empty()
                  ? "-"
                  : Printable(s.verified_by_user_id()))});
  }
  std::cout << "\n";
  steps.Print(std::cout);
  for (const v1::Step& s : response.steps()) {
    std::cout << "  " << s.step_id() << ": from "
              << (s.source_step_id().empty() ? "the donor lot"
                                             : s.source_step_id())
              << "; uses " << Uses(s.values());
    if (!s.item_ids().empty()) {
      std::cout << "; items " << absl::StrJoin(s.item_ids(), ", ");
    }
    if (s.values().leftover() != v1::LEFTOVER_DISPOSITION_UNSPECIFIED) {
      std::cout << "; leftover cells "
                << LowerName(
                       v1::LeftoverDisposition_Name(s.values().leftover()),
                       "LEFTOVER_DISPOSITION_");
    }
    std::cout << "\n";
    auto revisions = response.revisions().find(s.step_id());
    if (revisions == response.revisions().end()) continue;
    for (const v1::StepRevision& r : revisions->second.revisions()) {
      if (!r.late_entry_reason().empty()) {
        std::cout << "    revision " << r.revision()
                  << " entered late: " << r.late_entry_reason() << "\n";
      }
      if (r.reason().empty()) continue;
      std::cout << "    revision " << r.revision() << " by "
                << r.recorded_by_user_id() << " "
                << DisplayTime(r.recorded_at()) << ": " << r.reason() << "\n";
    }
  }
  if (!response.deviations().empty()) std::cout << "\n";
  for (const v1::Deviation& d : response.deviations()) {
    std::cout << "  deviation " << d.deviation_id() << " "
              << ClassName(d.classification()) << " "
              << absl::AsciiStrToUpper(DeviationStatusName(d.status()))
              << (d.rule().empty() ? "" : " " + d.rule())
              << (d.step_id().empty() ? "" : " (step " + d.step_id() + ")")
              << ": " << d.description();
    if (!d.assessed_by_user_id().empty()) {
      std::cout << " — assessed by " << d.assessed_by_user_id() << ": "
                << d.assessment();
    }
    std::cout << "\n";
  }
  if (!response.banks().empty()) std::cout << "\n";
  for (const v1::Bank& bank : response.banks()) {
    std::cout << "  bank " << BankName(bank.kind()) << ": "
              << bank.vials_frozen() << " vial(s) frozen, "
              << bank.vials_thawed() << " thawed, " << bank.available_size()
              << " available";
    for (int i = 0; i < bank.available_size(); ++i) {
      std::cout << (i == 0 ? ": " : ", ") << bank.available(i).item_id()
                << " at " << bank.available(i).position_location_id();
    }
    std::cout << "\n";
  }
  // Every step in full, as step-show prints it, so that a reviewer reads
  // the whole batch record at once.
  for (const v1::Step& s : response.steps()) {
    std::cout << "\n";
    PrintStep(channel, o, s, response);
  }
  return 0;
}

int BatchList(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("batch-list");
  v1::ListBatchesRequest request;
  if (!o.state.empty()) {
    v1::BatchState s = v1::BATCH_STATE_UNSPECIFIED;
    if (!ParseEnumName(o.state, "BATCH_STATE_", &v1::BatchState_Parse, &s)) {
      return Fail(cmd, "--state: in_process, qc_pending or aborted", 2);
    }
    request.set_state(s);
  }
  request.set_donor_lot_id(o.lot_id);
  v1::ListBatchesResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ListBatches, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  Table table({"BATCH", "DONOR LOT", "DIN", "PROCESS", "STATE", "STARTED"});
  for (const v1::Batch& b : response.batches()) {
    table.AddRow({Printable(b.batch_id()), Printable(b.donor_lot_id()),
                  Printable(b.din()), Printable(b.process_version()),
                  BatchStateName(b.state()),
                  DisplayTime(b.started_at()) + " by " +
                      Printable(b.started_by_user_id())});
  }
  table.Print(std::cout);
  return 0;
}

// "main", or "side 1", "side 2", ... (GrowthPoint.series).
std::string LineName(int series) {
  return series == 0 ? "main" : absl::StrCat("side ", series);
}

// The limits the step rules hold a process version to, so that a person
// can read them before a step is refused by one.
int ProcessShow(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("process-show");
  v1::GetProcessRequest request;
  request.set_process_version(o.process_version);
  v1::GetProcessResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetProcess, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::ProcessLimits& p = response.process();
  std::vector<std::string> verified;
  for (int kind : p.verified_kinds()) {
    verified.push_back(StepKindName(static_cast<v1::StepKind>(kind)));
  }
  Line("process", p.process_version() + (p.is_default() ? " (default)" : ""));
  Line("max passage", absl::StrCat("P", p.max_passage()));
  Line("max cumulative PD", Fixed(p.max_cumulative_population_doublings(), 2));
  Line("min doubling time", Fixed(p.min_doubling_time_hours(), 1) + " h");
  Line("past a limit", p.deviation_past_limits()
                           ? "recorded with a MAJOR deviation"
                           : "refused");
  Line("verified steps",
       verified.empty() ? "-" : absl::StrJoin(verified, ", "));
  Line("collection to processing",
       "within " + Fixed(p.max_collection_to_processing_hours(), 1) +
           " h, else a MAJOR deviation");
  Line("late entry after",
       Fixed(p.late_entry_after_hours(), 1) + " h (then --late-entry-reason)");
  Line("vial fill", Fixed(p.vial_fill_ml(), 1) + " ml");
  Line("versions", absl::StrJoin(response.process_versions(), ", "));
  return 0;
}

int GrowthCurve(std::shared_ptr<grpc::Channel> channel, const Options& o) {
  const std::string cmd = Cmd("growth-curve");
  bool csv = o.format == "csv";
  if (!csv && o.format != "table") {
    return Fail(cmd, "--format: table or csv", 2);
  }
  v1::GetGrowthCurveRequest request;
  request.set_batch_id(o.batch_id);
  v1::GetGrowthCurveResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetGrowthCurve, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  if (csv) {
    std::cout << "day,passage,cumulative_pd,line\n";
    for (const v1::GrowthPoint& p : response.points()) {
      std::cout << Fixed(p.day(), 2) << "," << p.passage_number() << ","
                << Fixed(p.cumulative_population_doublings(), 2) << ","
                << LineName(p.series()) << "\n";
    }
    return 0;
  }
  Table table({"DAY", "PASSAGE", "CUMULATIVE PD", "LINE", "STEP"});
  table.AlignRight(0).AlignRight(1).AlignRight(2);
  for (const v1::GrowthPoint& p : response.points()) {
    table.AddRow({Fixed(p.day(), 2), Passage(p.passage_number()),
                  Fixed(p.cumulative_population_doublings(), 2),
                  LineName(p.series()), Printable(p.step_id())});
  }
  table.Print(std::cout);
  return 0;
}

}  // namespace

const Group& ManufacturingGroup() {
  static const auto* const group = new GroupOf<Options>({
      .name = "manufacturing",
      .alias = "mfg",
      .summary =
          "  manufacturing (or mfg) material-receive | material-release |\n"
          "                     material-reject | material-show | "
          "material-list\n"
          "                     material lots: quarantine until QA releases "
          "them\n"
          "  manufacturing equipment-register | equipment-calibrate |\n"
          "                     equipment-status | equipment-list\n"
          "  manufacturing batch-start   a batch from an available --lot-id\n"
          "  manufacturing processing | passage-seed | harvest | cryopreserve "
          "|\n"
          "                     thaw | product-harvest   the batch's steps, "
          "signed\n"
          "  manufacturing verify | correct   a second person's check; a new\n"
          "                     revision with its --reason\n"
          "  manufacturing deviation-record | deviation-assess | batch-abort\n"
          "  manufacturing batch-show | step-show | batch-list | growth-curve\n"
          "  manufacturing process-show   a process version's limits and "
          "windows\n",
      .declare = DeclareLegacyFlags,
      .commands =
          {
              {{"manufacturing material-receive",
                "kind name supplier supplier-lot expires-on location-id reason "
                "received-at late-entry-reason",
                "cellchain manufacturing material-receive --kind=K "
                "--name=NAME\n"
                "    --supplier=S --supplier-lot=LOT --expires-on=YYYY-MM-DD\n"
                "    [--location-id=L] [--received-at=TIME "
                "[--late-entry-reason=TEXT]]\n"
                "A material lot in quarantine, registered in custody as a "
                "reagent lot.\n"
                "Kinds: medium, supplement, dissociation_reagent, "
                "digestion_enzyme,\n"
                "cryoprotectant, heparin, saline, other. --received-at dates a "
                "receipt\n"
                "entered after the fact; later than the server allows after it "
                "needs\n"
                "--late-entry-reason. Technician or QA.\n"},
               MaterialReceive},
              {{"manufacturing material-release",
                "material-id! reason password-stdin password-env released-at "
                "late-entry-reason",
                "cellchain manufacturing material-release --material-id=MAT\n"
                "    [--released-at=TIME [--late-entry-reason=TEXT]]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "QA releases a quarantined, unexpired lot (signed APPROVED); "
                "only\n"
                "released lots may be used by a step, and only after their "
                "release.\n"
                "--released-at dates a release entered after the fact; later "
                "than the\n"
                "server allows after it needs --late-entry-reason.\n"},
               MaterialRelease},
              {{"manufacturing material-reject",
                "material-id! reason password-stdin password-env",
                "cellchain manufacturing material-reject --material-id=MAT "
                "--reason=TEXT\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "QA rejects a quarantined lot (signed REJECTED).\n"},
               MaterialReject},
              {{"manufacturing material-show", "material-id!",
                "cellchain manufacturing material-show "
                "--material-id=MAT|MAT-CODE\n"
                "One lot and every step that used it.\n"},
               MaterialShow},
              {{"manufacturing material-list", "status kind",
                "cellchain manufacturing material-list\n"
                "    [--status=quarantine|released|rejected] [--kind=K]\n"
                "Lots by name, then expiry.\n"},
               MaterialList},
              {{"manufacturing equipment-register",
                "kind name asset-tag calibrated-on calibration-due "
                "calibration-reference "
                "location-id reason",
                "cellchain manufacturing equipment-register --kind=K "
                "--name=NAME\n"
                "    --asset-tag=TAG --calibrated-on=YYYY-MM-DD "
                "--calibration-due=DATE\n"
                "    --calibration-reference=CERT [--location-id=L]\n"
                "Equipment in service, a custody item. Kinds: incubator,\n"
                "biosafety_cabinet, cell_counter, centrifuge, "
                "controlled_rate_freezer,\n"
                "other. QA or admin.\n"},
               EquipmentRegister},
              {{"manufacturing equipment-calibrate",
                "equipment-id! calibrated-on calibration-due "
                "calibration-reference reason",
                "cellchain manufacturing equipment-calibrate "
                "--equipment-id=EQP\n"
                "    --calibrated-on=DATE --calibration-due=DATE\n"
                "    --calibration-reference=CERT\n"
                "A calibration performed. Technician or QA.\n"},
               EquipmentCalibrate},
              {{"manufacturing equipment-status", "equipment-id! status reason",
                "cellchain manufacturing equipment-status --equipment-id=EQP\n"
                "    --status=in_service|out_of_service --reason=TEXT\n"
                "Takes equipment out of service or puts it back. QA.\n"},
               EquipmentStatusCommand},
              {{"manufacturing equipment-list", "kind",
                "cellchain manufacturing equipment-list [--kind=K]\n"
                "Equipment by asset tag.\n"},
               EquipmentList},
              {{"manufacturing batch-start",
                "lot-id! process reason started-at late-entry-reason",
                "cellchain manufacturing batch-start --lot-id=DONOR_LOT "
                "[--process=V]\n"
                "    [--started-at=TIME [--late-entry-reason=TEXT]]\n"
                "A batch from an AVAILABLE donor lot under process version V "
                "(default:\n"
                "the server's). No step may lie before its start: --started-at "
                "dates a\n"
                "batch record entered after the fact; later than the server "
                "allows\n"
                "after it needs --late-entry-reason. Technician.\n"},
               BatchStart},
              {{"manufacturing processing",
                "batch-id! method tissue-grams vessel-type vessel-count "
                "seeded-at "
                "seeded-cells location-id material equipment reason "
                "password-stdin "
                "password-env late-entry-reason",
                "cellchain manufacturing processing --batch-id=BAT\n"
                "    --method=explant|enzymatic --tissue-grams=G "
                "--vessel-type=T\n"
                "    --vessel-count=N --seeded-at=TIME [--seeded-cells=N]\n"
                "    --location-id=L [--material=MAT[:QUANTITY]]... "
                "[--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "The cord tissue into the P0 culture (signed PERFORMED), its "
                "vessels put\n"
                "at location L (a room, or a position in it: custody has no "
                "incubator\n"
                "kind; name the incubator with --equipment); --seeded-cells\n"
                "for an enzymatic digest only. Too long after collection "
                "records a\n"
                "deviation. Technician.\n"},
               Processing},
              {{"manufacturing passage-seed",
                "source-step-id! vessel-type vessel-count seeded-at "
                "seeded-cells "
                "location-id material equipment reason password-stdin "
                "password-env "
                "leftover late-entry-reason",
                "cellchain manufacturing passage-seed --source-step-id=STP\n"
                "    --vessel-type=T --vessel-count=N --seeded-at=TIME "
                "--seeded-cells=N\n"
                "    --location-id=L [--material=MAT[:QUANTITY]]... "
                "[--equipment=EQP]...\n"
                "    [--leftover=discarded|banked|carried] "
                "[--late-entry-reason=TEXT]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "Seeds the next passage, its vessels at location L (a room, or "
                "a\n"
                "position in it; the incubator is --equipment),\n"
                "from the cells a step harvested or a thaw\n"
                "recovered (counts such as 1e6). Cells the seeding leaves in "
                "the source\n"
                "need --leftover: discarded, banked (only a freeze may draw on "
                "them) or\n"
                "carried. A step entered later after its time than the server "
                "allows\n"
                "needs --late-entry-reason. Technician.\n"},
               PassageSeed},
              {{"manufacturing harvest",
                "step-id! harvested-at harvested-cells viability confluence "
                "material "
                "equipment reason password-stdin password-env "
                "late-entry-reason",
                "cellchain manufacturing harvest --step-id=STP "
                "--harvested-at=TIME\n"
                "    --harvested-cells=N [--viability=PCT] [--confluence=PCT]\n"
                "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "A culture's harvest; prints its population doublings. "
                "Technician.\n"},
               Harvest},
              {{"manufacturing verify",
                "step-id! revision reason password-stdin password-env",
                "cellchain manufacturing verify --step-id=STP [--revision=N]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "The second person checks revision N of a step (signed "
                "VERIFIED); not\n"
                "the one who recorded it. Without --revision the step is "
                "printed as\n"
                "step-show prints it and the revision shown is verified once "
                "you answer\n"
                "yes (a line on stdin, before the password with "
                "--password-stdin); it\n"
                "is refused if the step changed since. Technician or QA.\n"},
               Verify},
              {{"manufacturing correct",
                "batch-id! step-id! revision reason material equipment bank "
                "cells-per-vial confluence frozen-at harvested-at "
                "harvested-cells method "
                "recovered-cells seeded-at seeded-cells thawed-at tissue-grams "
                "vessel-count vessel-type viability volume-ml leftover "
                "password-stdin "
                "password-env",
                "cellchain manufacturing correct --batch-id=BAT --step-id=STP\n"
                "    --reason=TEXT [--revision=N] [value flags to change]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "A new revision of the step's values: the current ones with "
                "those the\n"
                "flags give (--seeded-cells, --harvested-at, ...); the step "
                "must be\n"
                "verified again. Materials, equipment and vessel counts cannot "
                "change.\n"
                "Technician.\n"},
               Correct},
              {{"manufacturing cryopreserve",
                "source-step-id! bank cells-per-vial frozen-at positions "
                "viability "
                "material equipment reason password-stdin password-env "
                "late-entry-reason",
                "cellchain manufacturing cryopreserve --source-step-id=STP\n"
                "    --bank=master|working|final_product --cells-per-vial=N\n"
                "    --frozen-at=TIME --positions=LOC,... [--viability=PCT]\n"
                "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "A harvested step's cells into one vial per freezer position.\n"
                "Technician.\n"},
               Cryopreserve},
              {{"manufacturing thaw",
                "item-id! thawed-at recovered-cells viability material "
                "equipment reason "
                "password-stdin password-env late-entry-reason",
                "cellchain manufacturing thaw --item-id=VIAL --thawed-at=TIME\n"
                "    --recovered-cells=N [--viability=PCT]\n"
                "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "A vial thawed; its cells can seed a passage. Technician.\n"},
               Thaw},
              {{"manufacturing product-harvest",
                "source-step-id! harvested-at harvested-cells viability "
                "volume-ml "
                "location-id material equipment reason password-stdin "
                "password-env "
                "late-entry-reason",
                "cellchain manufacturing product-harvest --source-step-id=STP\n"
                "    --harvested-at=TIME --harvested-cells=N "
                "[--viability=PCT]\n"
                "    [--volume-ml=ML] [--location-id=L]\n"
                "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "The final product lot, a custody item with the donor lot's "
                "DIN; the\n"
                "batch goes to QC_PENDING. Every verified step must be "
                "verified.\n"
                "Technician.\n"},
               ProductHarvest},
              {{"manufacturing batch-abort",
                "batch-id! reason password-stdin password-env",
                "cellchain manufacturing batch-abort --batch-id=BAT "
                "--reason=TEXT\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "Stops the batch for good (signed REJECTED, with the reason); "
                "its open\n"
                "vessels are discarded. batch-show shows who aborted it and "
                "when. QA.\n"},
               BatchAbort},
              {{"manufacturing deviation-record",
                "batch-id! step-id classification description impact reason",
                "cellchain manufacturing deviation-record --batch-id=BAT "
                "[--step-id=STP]\n"
                "    --classification=minor|major|critical --description=TEXT\n"
                "    --impact=TEXT\n"
                "Records a deviation of the batch or of one of its steps. "
                "Technician or\n"
                "QA.\n"},
               DeviationRecord},
              {{"manufacturing deviation-assess",
                "deviation-id! assessment classification reason password-stdin "
                "password-env",
                "cellchain manufacturing deviation-assess --deviation-id=BDV\n"
                "    --assessment=TEXT "
                "[--classification=minor|major|critical]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "QA's assessment closes the deviation (signed APPROVED).\n"},
               DeviationAssess},
              {{"manufacturing batch-show", "batch-id!",
                "cellchain manufacturing batch-show --batch-id=BAT\n"
                "The batch, every step with its passage, status, revision, "
                "population\n"
                "doublings and doubling time, corrections, deviations and "
                "banks; then\n"
                "every step in full, as step-show prints it.\n"},
               BatchShow},
              {{"manufacturing step-show", "step-id!",
                "cellchain manufacturing step-show --step-id=STP\n"
                "Every recorded value of the step (times, counts, viability, "
                "confluence,\n"
                "vessels, leftover cells, materials by code and lot, equipment "
                "by tag),\n"
                "who recorded and verified it, a late entry's reason, the "
                "deviations it\n"
                "raised, and each correction's old -> new values with its "
                "reason.\n"},
               StepShow},
              {{"manufacturing batch-list", "state lot-id",
                "cellchain manufacturing batch-list\n"
                "    [--state=in_process|qc_pending|aborted] "
                "[--lot-id=DONOR_LOT]\n"
                "Batches, newest first.\n"},
               BatchList},
              {{"manufacturing growth-curve", "batch-id! format",
                "cellchain manufacturing growth-curve --batch-id=BAT "
                "[--format=csv]\n"
                "Cumulative population doublings by day since processing, one "
                "row per\n"
                "harvest; --format=csv prints day,passage,cumulative_pd.\n"},
               GrowthCurve},
              {{"manufacturing process-show", "process",
                "cellchain manufacturing process-show [--process=V]\n"
                "The limits the steps are held to under process version V "
                "(default:\n"
                "the server's): max passage, max cumulative population "
                "doublings, the\n"
                "minimum plausible doubling time, whether a step past a limit "
                "is\n"
                "refused or recorded with a deviation, the steps a second "
                "person\n"
                "verifies, the collection-to-processing and late-entry windows "
                "and the\n"
                "vial fill. Technician, QC analyst or QA.\n"},
               ProcessShow},
          },
      .field_aliases =
          {
              {"donor_lot_id", "lot-id"},
              {"position_location_ids", "positions"},
              {"bank_kind", "bank"},
              {"materials", "material"},
              {"equipment_ids", "equipment"},
              {"seeded_viable_cells", "seeded-cells"},
              {"harvested_viable_cells", "harvested-cells"},
              {"recovered_viable_cells", "recovered-cells"},
              {"viability_percent", "viability"},
              {"confluence_percent", "confluence"},
              {"vial_item_id", "item-id"},
              {"process_version", "process"},
          },
      .named_flags = LegacyNamedFlags,
  });
  return *group;
}

}  // namespace cellchain::cli
