// A step as step-show prints it and the verifier signs it (PrintStep in
// manufacturing_shared.h).
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/manufacturing_shared.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli::mfg {

namespace {

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
UsedNames NamesOf(const Channel& channel, const ManufacturingOptions& o,
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

}  // namespace

// What the verifier signs: the step's every recorded value, who recorded
// and verified it, and for a corrected step each revision's changed values
// (old -> new) with its reason.
void PrintStep(const Channel& channel, const ManufacturingOptions& o,
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
        // A named reference: clang 14 cannot capture a structured binding.
        const std::string& wanted = label;
        auto same =
            std::find_if(lines.begin(), lines.end(),
                         [&](const auto& l) { return l.first == wanted; });
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
}  // namespace cellchain::cli::mfg
