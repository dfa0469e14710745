#include "services/manufacturing/step_values.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"

namespace cellchain::manufacturing {
namespace {

using fields::RequirePastTime;
using fields::RequireText;
using fields::ToTime;

}  // namespace

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

absl::StatusOr<absl::CivilDay> RequireDate(std::string_view text,
                                           std::string_view field) {
  if (text.empty()) return InvalidField(field, "required (YYYY-MM-DD)");
  absl::CivilDay day;
  if (!absl::ParseCivilTime(absl::string_view(text.data(), text.size()),
                            &day) ||
      absl::FormatCivilTime(day) != text || day.year() < 2000 ||
      day.year() > 2199) {
    return InvalidField(field, "a date YYYY-MM-DD");
  }
  return day;
}

absl::Status RequireCells(double cells, std::string_view field) {
  if (!std::isfinite(cells) || cells <= 0 || cells > kMaxCells) {
    return InvalidField(field, "more than 0 and at most 1e13 cells");
  }
  return absl::OkStatus();
}

absl::Status RequirePercent(double value, std::string_view field,
                            bool zero_allowed) {
  if (!std::isfinite(value) || value < 0 || value > 100 ||
      (!zero_allowed && value == 0)) {
    return InvalidField(
        field, zero_allowed ? "0 to 100 %" : "more than 0 and at most 100 %");
  }
  return absl::OkStatus();
}

namespace {

// The viable cells harvested and their viability (0 < % <= 100), as a
// culture's harvest, a thaw and the product harvest record them.
absl::Status CopyHarvestedCells(const v1::StepValues& in, v1::StepValues& out) {
  CC_RETURN_IF_ERROR(RequireCells(in.harvested_viable_cells(),
                                  "values.harvested_viable_cells"));
  out.set_harvested_viable_cells(in.harvested_viable_cells());
  CC_RETURN_IF_ERROR(RequirePercent(in.viability_percent(),
                                    "values.viability_percent", false));
  out.set_viability_percent(in.viability_percent());
  return absl::OkStatus();
}

}  // namespace

bool IsCulture(v1::StepKind kind) {
  return kind == v1::STEP_KIND_PROCESSING || kind == v1::STEP_KIND_PASSAGE;
}

// The values a step of `kind` keeps, checked; `harvested` says whether a
// culture's harvest is part of them. Fields that do not apply are dropped,
// so that what is stored is only what was recorded.
absl::StatusOr<v1::StepValues> Clean(v1::StepKind kind,
                                     const v1::StepValues& in, bool harvested,
                                     absl::Time now) {
  v1::StepValues out;
  if (in.materials_size() > kMaxMaterials) {
    return InvalidField("values.materials", "at most 20 material lots");
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < in.materials_size(); ++i) {
    const v1::MaterialUse& use = in.materials(i);
    std::string field = absl::StrCat("values.materials[", i, "]");
    if (use.material_id().empty()) {
      return InvalidField(field + ".material_id", "required");
    }
    if (!seen.insert(use.material_id()).second) {
      return InvalidField(field + ".material_id", "listed twice");
    }
    if (use.quantity().size() > 100) {
      return InvalidField(field + ".quantity", "at most 100 characters");
    }
    *out.add_materials() = use;
  }
  if (in.equipment_ids_size() > kMaxEquipment) {
    return InvalidField("values.equipment_ids", "at most 10 pieces");
  }
  seen.clear();
  for (int i = 0; i < in.equipment_ids_size(); ++i) {
    std::string field = absl::StrCat("values.equipment_ids[", i, "]");
    if (in.equipment_ids(i).empty()) return InvalidField(field, "required");
    if (!seen.insert(in.equipment_ids(i)).second) {
      return InvalidField(field, "listed twice");
    }
    out.add_equipment_ids(in.equipment_ids(i));
  }
  if (IsCulture(kind)) {
    if (kind == v1::STEP_KIND_PROCESSING) {
      if (in.method() == v1::PROCESSING_METHOD_UNSPECIFIED ||
          !v1::ProcessingMethod_IsValid(in.method())) {
        return InvalidField("values.method", "EXPLANT or ENZYMATIC");
      }
      out.set_method(in.method());
      if (!std::isfinite(in.tissue_grams()) || in.tissue_grams() <= 0 ||
          in.tissue_grams() > 2000) {
        return InvalidField("values.tissue_grams",
                            "more than 0 and at most 2000 grams");
      }
      out.set_tissue_grams(in.tissue_grams());
    }
    CC_RETURN_IF_ERROR(
        RequireText(in.vessel_type(), "values.vessel_type", 100));
    out.set_vessel_type(in.vessel_type());
    if (in.vessel_count() < 1 || in.vessel_count() > kMaxVessels) {
      return InvalidField("values.vessel_count", "1 to 60 vessels");
    }
    out.set_vessel_count(in.vessel_count());
    if (kind == v1::STEP_KIND_PASSAGE) {
      if (!v1::LeftoverDisposition_IsValid(in.leftover())) {
        return InvalidField("values.leftover", "DISCARDED, BANKED or CARRIED");
      }
      out.set_leftover(in.leftover());
    }
    CC_RETURN_IF_ERROR(RequirePastTime(in.seeded_at(), in.has_seeded_at(),
                                       "values.seeded_at", now));
    *out.mutable_seeded_at() = in.seeded_at();
    if (in.method() == v1::PROCESSING_METHOD_EXPLANT &&
        kind == v1::STEP_KIND_PROCESSING) {
      if (in.seeded_viable_cells() != 0) {
        return InvalidField("values.seeded_viable_cells",
                            "an explant culture starts from tissue, not "
                            "counted cells: leave it 0");
      }
    } else {
      CC_RETURN_IF_ERROR(
          RequireCells(in.seeded_viable_cells(), "values.seeded_viable_cells"));
      out.set_seeded_viable_cells(in.seeded_viable_cells());
    }
    if (!harvested) return out;
    CC_RETURN_IF_ERROR(RequirePastTime(in.harvested_at(), in.has_harvested_at(),
                                       "values.harvested_at", now));
    if (ToTime(in.harvested_at()) <= ToTime(in.seeded_at())) {
      return InvalidField("values.harvested_at", "not after the seeding");
    }
    *out.mutable_harvested_at() = in.harvested_at();
    CC_RETURN_IF_ERROR(CopyHarvestedCells(in, out));
    CC_RETURN_IF_ERROR(RequirePercent(in.confluence_percent(),
                                      "values.confluence_percent", true));
    out.set_confluence_percent(in.confluence_percent());
    return out;
  }
  switch (kind) {
    case v1::STEP_KIND_CRYOPRESERVATION:
      if (in.bank_kind() == v1::BANK_KIND_UNSPECIFIED ||
          !v1::BankKind_IsValid(in.bank_kind())) {
        return InvalidField("values.bank_kind",
                            "MASTER, WORKING or FINAL_PRODUCT");
      }
      out.set_bank_kind(in.bank_kind());
      CC_RETURN_IF_ERROR(
          RequireCells(in.cells_per_vial(), "values.cells_per_vial"));
      out.set_cells_per_vial(in.cells_per_vial());
      CC_RETURN_IF_ERROR(RequirePastTime(in.frozen_at(), in.has_frozen_at(),
                                         "values.frozen_at", now));
      *out.mutable_frozen_at() = in.frozen_at();
      CC_RETURN_IF_ERROR(RequirePercent(in.viability_percent(),
                                        "values.viability_percent", true));
      out.set_viability_percent(in.viability_percent());
      return out;
    case v1::STEP_KIND_THAW:
      if (in.vial_item_id().empty()) {
        return InvalidField("values.vial_item_id", "required");
      }
      out.set_vial_item_id(in.vial_item_id());
      CC_RETURN_IF_ERROR(RequirePastTime(in.thawed_at(), in.has_thawed_at(),
                                         "values.thawed_at", now));
      *out.mutable_thawed_at() = in.thawed_at();
      CC_RETURN_IF_ERROR(CopyHarvestedCells(in, out));
      return out;
    case v1::STEP_KIND_PRODUCT_HARVEST:
      CC_RETURN_IF_ERROR(RequirePastTime(in.harvested_at(),
                                         in.has_harvested_at(),
                                         "values.harvested_at", now));
      *out.mutable_harvested_at() = in.harvested_at();
      CC_RETURN_IF_ERROR(CopyHarvestedCells(in, out));
      if (!std::isfinite(in.volume_ml()) || in.volume_ml() <= 0 ||
          in.volume_ml() > 10000) {
        return InvalidField("values.volume_ml",
                            "more than 0 and at most 10000 ml");
      }
      out.set_volume_ml(in.volume_ml());
      return out;
    default:
      return absl::InternalError("a step of no kind");
  }
}

// When a step's materials and equipment were used: the day they must be
// released, unexpired and in calibration on.
absl::Time UsedAt(v1::StepKind kind, const v1::StepValues& v, bool harvest) {
  if (harvest || kind == v1::STEP_KIND_PRODUCT_HARVEST) {
    return ToTime(v.harvested_at());
  }
  if (kind == v1::STEP_KIND_CRYOPRESERVATION) return ToTime(v.frozen_at());
  if (kind == v1::STEP_KIND_THAW) return ToTime(v.thawed_at());
  return ToTime(v.seeded_at());
}

std::string_view PerformedAtField(v1::StepKind kind, bool harvest) {
  if (harvest || kind == v1::STEP_KIND_PRODUCT_HARVEST) {
    return "values.harvested_at";
  }
  if (kind == v1::STEP_KIND_CRYOPRESERVATION) return "values.frozen_at";
  if (kind == v1::STEP_KIND_THAW) return "values.thawed_at";
  return "values.seeded_at";
}

std::vector<std::string> MaterialIds(const v1::StepValues& v) {
  std::vector<std::string> ids;
  for (const v1::MaterialUse& use : v.materials()) {
    ids.push_back(use.material_id());
  }
  return ids;
}

std::vector<std::string> EquipmentIds(const v1::StepValues& v) {
  return {v.equipment_ids().begin(), v.equipment_ids().end()};
}

}  // namespace cellchain::manufacturing
