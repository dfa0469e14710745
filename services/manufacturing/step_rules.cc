#include "services/manufacturing/step_rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/manufacturing/step_values.h"

namespace cellchain::manufacturing {
namespace {

using fields::Blank;
using fields::ToTime;

absl::Status LimitPassed(const Process& process, std::string rule,
                         std::string message, std::vector<Raised>& raised) {
  if (!process.deviation_past_limits) return FailedRule(rule, message);
  raised.push_back({std::move(rule), std::move(message)});
  return absl::OkStatus();
}

void AddParent(std::vector<custody::v1::ParentLink>& parents,
               absl::flat_hash_set<std::string>& seen, const std::string& id,
               custody::v1::DerivationKind kind) {
  if (!seen.insert(id).second) return;
  custody::v1::ParentLink link;
  link.set_parent_item_id(id);
  link.set_kind(kind);
  parents.push_back(std::move(link));
}

// FAILED_PRECONDITION `reason` about request field `field`: the field
// travels as an INVALID_ARGUMENT's does (FieldOf), so that a client can
// point at the value to change.
absl::Status FailedOnField(std::string_view reason, std::string_view field,
                           std::string_view message) {
  absl::Status status = FailedRule(
      reason, absl::StrCat(std::string(field), ": ", std::string(message)));
  status.SetPayload(kFieldPayloadUrl, absl::Cord(std::string(field)));
  return status;
}

// A duration in whole days, hours and minutes: "3 d 4 h 05 min".
std::string DurationText(absl::Duration d) {
  int64_t minutes = absl::ToInt64Minutes(d);
  std::string out;
  if (minutes >= 24 * 60) absl::StrAppend(&out, minutes / (24 * 60), " d ");
  absl::StrAppend(&out, (minutes / 60) % 24, " h ",
                  absl::StrFormat("%02d", minutes % 60), " min");
  return out;
}

}  // namespace

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", t, absl::UTCTimeZone());
}

std::string KindName(v1::StepKind kind) {
  switch (kind) {
    case v1::STEP_KIND_PROCESSING:
      return "processing";
    case v1::STEP_KIND_PASSAGE:
      return "passage";
    case v1::STEP_KIND_CRYOPRESERVATION:
      return "cryopreservation";
    case v1::STEP_KIND_THAW:
      return "thaw";
    case v1::STEP_KIND_PRODUCT_HARVEST:
      return "product harvest";
    default:
      return "step";
  }
}

std::string Cells(double cells) { return absl::StrFormat("%.3g", cells); }

std::string EnumLabel(const std::string& name, std::string_view prefix) {
  return std::string(
      absl::StripPrefix(name, absl::string_view(prefix.data(), prefix.size())));
}

// The facts the growth arithmetic needs, from the steps as recorded.
std::vector<StepFacts> FactsOf(const std::vector<v1::Step>& steps) {
  std::vector<StepFacts> out;
  out.reserve(steps.size());
  for (const v1::Step& s : steps) {
    const v1::StepValues& v = s.values();
    StepFacts f;
    f.id = s.step_id();
    f.source_id = s.source_step_id();
    f.passage_number = s.passage_number();
    switch (s.kind()) {
      case v1::STEP_KIND_PROCESSING:
        f.kind = Kind::kProcessing;
        break;
      case v1::STEP_KIND_PASSAGE:
        f.kind = Kind::kPassage;
        f.drawn = v.seeded_viable_cells();
        break;
      case v1::STEP_KIND_CRYOPRESERVATION:
        f.kind = Kind::kCryopreservation;
        f.drawn = v.cells_per_vial() * s.vials_size();
        break;
      case v1::STEP_KIND_THAW:
        f.kind = Kind::kThaw;
        break;
      default:
        f.kind = Kind::kProduct;
        f.drawn = v.harvested_viable_cells();
    }
    f.seeded = v.seeded_viable_cells();
    f.discards_rest = s.kind() == v1::STEP_KIND_PASSAGE &&
                      v.leftover() == v1::LEFTOVER_DISPOSITION_DISCARDED;
    if (s.kind() != v1::STEP_KIND_PRODUCT_HARVEST) {
      f.harvested = v.harvested_viable_cells();
    }
    if (v.has_seeded_at()) f.seeded_at = ToTime(v.seeded_at());
    if (v.has_harvested_at()) f.harvested_at = ToTime(v.harvested_at());
    if (v.has_frozen_at()) f.frozen_at = ToTime(v.frozen_at());
    if (v.has_thawed_at()) f.thawed_at = ToTime(v.thawed_at());
    out.push_back(std::move(f));
  }
  return out;
}

v1::Growth ToGrowth(const v1::Step& step, const GrowthFacts& g) {
  v1::Growth out;
  out.set_step_id(step.step_id());
  out.set_passage_number(step.passage_number());
  if (g.population_doublings) {
    out.set_population_doublings(*g.population_doublings);
  }
  out.set_cumulative_population_doublings(g.cumulative_population_doublings);
  if (g.doubling_time_hours) {
    out.set_doubling_time_hours(*g.doubling_time_hours);
  }
  out.set_cells_remaining(g.cells_remaining);
  return out;
}

// When the cells of a step became available to draw from: its harvest (or,
// for a thaw, the thaw).
std::optional<absl::Time> AvailableAt(const v1::Step& s) {
  if (s.kind() == v1::STEP_KIND_THAW && s.values().has_thawed_at()) {
    return ToTime(s.values().thawed_at());
  }
  if (s.values().has_harvested_at()) return ToTime(s.values().harvested_at());
  return std::nullopt;
}

// Every step's cells remaining must stay at or above zero.
absl::Status CheckCells(const BatchView& view) {
  absl::flat_hash_map<std::string, GrowthFacts> growth =
      ComputeGrowth(FactsOf(view.steps));
  for (const v1::Step& s : view.steps) {
    const GrowthFacts& g = growth[s.step_id()];
    if (g.cells_remaining < -0.5 &&
        (s.kind() == v1::STEP_KIND_PROCESSING ||
         s.kind() == v1::STEP_KIND_PASSAGE || s.kind() == v1::STEP_KIND_THAW)) {
      return FailedRule(
          kReasonCellsExceeded,
          absl::StrCat("P", s.passage_number(), " ", KindName(s.kind()), " ",
                       s.step_id(), " has ",
                       Cells(s.values().harvested_viable_cells()),
                       " viable cells: ", Cells(-g.cells_remaining),
                       " more would be drawn from it than it has"));
    }
  }
  return absl::OkStatus();
}

// Only released, unexpired material lots, and equipment in service and in
// calibration, on the day of use.
absl::Status CheckUses(const Uses& uses, const v1::StepValues& values,
                       absl::Time used_at) {
  absl::CivilDay day = DayOf(used_at);
  std::string when = absl::FormatCivilTime(day);
  for (const v1::MaterialUse& use : values.materials()) {
    const v1::MaterialLot& m = uses.materials.at(use.material_id());
    if (m.status() != v1::MATERIAL_STATUS_RELEASED) {
      return FailedRule(
          kReasonMaterialNotReleased,
          absl::StrCat("material lot ", m.material_code(), " (", m.name(),
                       ", lot ", m.supplier_lot(), ") is ",
                       EnumLabel(v1::MaterialStatus_Name(m.status()),
                                 "MATERIAL_STATUS_"),
                       ": only a lot QA released can be used"));
    }
    CC_ASSIGN_OR_RETURN(absl::CivilDay expires,
                        RequireDate(m.expires_on(), "expires_on"));
    if (expires < day) {
      return FailedRule(kReasonMaterialExpired,
                        absl::StrCat("material lot ", m.material_code(), " (",
                                     m.name(), ") expired on ", m.expires_on(),
                                     ", before its use on ", when));
    }
  }
  for (const std::string& id : values.equipment_ids()) {
    const v1::Equipment& e = uses.equipment.at(id);
    if (e.status() != v1::EQUIPMENT_STATUS_IN_SERVICE) {
      return FailedRule(
          kReasonEquipmentOutOfService,
          absl::StrCat(e.asset_tag(), " (", e.name(),
                       ") is out of service: ", e.status_reason()));
    }
    CC_ASSIGN_OR_RETURN(absl::CivilDay due,
                        RequireDate(e.calibration_due(), "calibration_due"));
    if (due < day) {
      return FailedRule(
          kReasonCalibrationOverdue,
          absl::StrCat(e.asset_tag(), " (", e.name(),
                       ") was due for calibration on ", e.calibration_due(),
                       ", before its use on ", when));
    }
  }
  return absl::OkStatus();
}

// Contemporaneous records: nothing is performed before the batch, the lots
// and the calibrations it depends on were there.
absl::Status CheckPerformedAt(const v1::Batch& batch, const Uses& uses,
                              const v1::StepValues& values,
                              absl::Time performed_at, std::string_view field) {
  std::string at = TimeText(performed_at);
  if (batch.has_started_at() && performed_at < ToTime(batch.started_at())) {
    return FailedOnField(
        kReasonBeforeBatchStart, field,
        absl::StrCat(at, " lies before batch ", batch.batch_id(),
                     " was started (", TimeText(ToTime(batch.started_at())),
                     "): a step is performed on a batch already started"));
  }
  for (const v1::MaterialUse& use : values.materials()) {
    const v1::MaterialLot& m = uses.materials.at(use.material_id());
    // A release follows the receipt: before the release covers both.
    if (m.has_dispositioned_at() &&
        performed_at < ToTime(m.dispositioned_at())) {
      return FailedOnField(
          kReasonBeforeMaterialRelease, field,
          absl::StrCat(at, " lies before material lot ", m.material_code(),
                       " (", m.name(), ", lot ", m.supplier_lot(),
                       ") was released (",
                       TimeText(ToTime(m.dispositioned_at())), "; received ",
                       TimeText(ToTime(m.received_at())),
                       "): a lot is used only after QA released it"));
    }
  }
  absl::CivilDay day = DayOf(performed_at);
  for (const std::string& id : values.equipment_ids()) {
    const v1::Equipment& e = uses.equipment.at(id);
    CC_ASSIGN_OR_RETURN(absl::CivilDay calibrated,
                        RequireDate(e.calibrated_on(), "calibrated_on"));
    if (day < calibrated) {
      return FailedOnField(
          kReasonBeforeCalibration, field,
          absl::StrCat(at, " lies before the day of ", e.asset_tag(), " (",
                       e.name(), ")'s last calibration (", e.calibrated_on(),
                       "): whether it was in calibration before then is not "
                       "on record here"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> LateEntryReason(absl::Time performed_at,
                                            absl::Time entered_at,
                                            absl::Duration window,
                                            std::string_view field,
                                            std::string_view reason) {
  absl::Duration after = entered_at - performed_at;
  if (after > window && Blank(reason)) {
    return InvalidField(
        "late_entry_reason",
        absl::StrCat("required: this entry is late: ", std::string(field), " (",
                     TimeText(performed_at), ") was ", DurationText(after),
                     " ago, more than the ", DurationText(window),
                     " within which an entry is made; say why it is entered "
                     "late"));
  }
  if (Blank(reason)) return std::string();
  CC_RETURN_IF_ERROR(fields::RequireText(reason, "late_entry_reason"));
  return std::string(reason);
}

std::string LateEntryAuditReason(std::string_view late_entry_reason) {
  if (late_entry_reason.empty()) return "";
  return absl::StrCat("late entry: ", std::string(late_entry_reason));
}

absl::StatusOr<Entered> EnteredAt(const google::protobuf::Timestamp& at,
                                  bool present, std::string_view field,
                                  std::string_view reason, absl::Time now,
                                  absl::Duration window) {
  Entered entered{now, ""};
  if (present) {
    CC_RETURN_IF_ERROR(fields::RequirePastTime(at, true, field, now));
    entered.at = ToTime(at);
  }
  CC_ASSIGN_OR_RETURN(entered.late_entry_reason,
                      LateEntryReason(entered.at, now, window, field, reason));
  return entered;
}

absl::Status CheckLeftoverDraws(const BatchView& view) {
  // The seeding that discarded or banked each source's rest.
  absl::flat_hash_map<std::string, const v1::Step*> closed_by;
  for (const v1::Step& s : view.steps) {
    auto closed = closed_by.find(s.source_step_id());
    if (closed != closed_by.end()) {
      const v1::Step& by = *closed->second;
      const v1::Step* source = view.Find(s.source_step_id());
      std::string what = absl::StrCat(
          "P", source == nullptr ? 0 : source->passage_number(), " ",
          source == nullptr ? "step" : KindName(source->kind()), " ",
          s.source_step_id(), "'s leftover cells were ");
      if (by.values().leftover() == v1::LEFTOVER_DISPOSITION_DISCARDED) {
        return FailedRule(
            kReasonLeftoverDiscarded,
            absl::StrCat(what, "discarded when passage ", by.step_id(),
                         " was seeded: nothing more is drawn from it"));
      }
      if (s.kind() != v1::STEP_KIND_CRYOPRESERVATION) {
        return FailedRule(
            kReasonLeftoverBanked,
            absl::StrCat(what, "kept for a bank when passage ", by.step_id(),
                         " was seeded: only a cryopreservation draws from "
                         "it"));
      }
    }
    if (s.kind() == v1::STEP_KIND_PASSAGE &&
        (s.values().leftover() == v1::LEFTOVER_DISPOSITION_DISCARDED ||
         s.values().leftover() == v1::LEFTOVER_DISPOSITION_BANKED)) {
      closed_by.emplace(s.source_step_id(), &s);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLeftoverStated(const BatchView& view,
                                 const std::string& seeding_id) {
  std::vector<v1::Step> prefix;
  const v1::Step* seeding = nullptr;
  for (const v1::Step& s : view.steps) {
    prefix.push_back(s);
    if (s.step_id() == seeding_id) {
      seeding = &s;
      break;
    }
  }
  if (seeding == nullptr || seeding->kind() != v1::STEP_KIND_PASSAGE) {
    return absl::OkStatus();
  }
  absl::flat_hash_map<std::string, GrowthFacts> growth =
      ComputeGrowth(FactsOf(prefix));
  auto source = growth.find(seeding->source_step_id());
  // Discarding leaves none by definition: the count before the discard.
  double left = 0;
  if (source != growth.end()) {
    left = source->second.cells_remaining;
    if (seeding->values().leftover() == v1::LEFTOVER_DISPOSITION_DISCARDED) {
      prefix.back().mutable_values()->clear_leftover();
      left = ComputeGrowth(FactsOf(prefix))[seeding->source_step_id()]
                 .cells_remaining;
    }
  }
  const bool cells_left = left > 0.5;
  const bool stated =
      seeding->values().leftover() != v1::LEFTOVER_DISPOSITION_UNSPECIFIED;
  if (cells_left && !stated) {
    return InvalidField(
        "values.leftover",
        absl::StrCat("required: this seeding leaves ", Cells(left),
                     " viable cells in step ", seeding->source_step_id(),
                     ": say whether they were DISCARDED, BANKED (kept for a "
                     "cryopreservation) or CARRIED (kept for later steps)"));
  }
  if (!cells_left && stated) {
    return InvalidField(
        "values.leftover",
        absl::StrCat("this seeding leaves no cells in step ",
                     seeding->source_step_id(), ": leave it unset"));
  }
  return absl::OkStatus();
}

absl::Status CheckGrowth(const Process& process, const v1::Step& step,
                         const v1::StepValues& values,
                         std::vector<Raised>& raised) {
  if (!values.has_seeded_at() || !values.has_harvested_at()) {
    return absl::OkStatus();
  }
  std::optional<double> doublings = PopulationDoublings(
      values.seeded_viable_cells(), values.harvested_viable_cells());
  if (!doublings || *doublings <= 0) return absl::OkStatus();
  absl::Duration interval =
      ToTime(values.harvested_at()) - ToTime(values.seeded_at());
  double allowed = absl::FDivDuration(interval, process.min_doubling_time);
  if (*doublings <= allowed) return absl::OkStatus();
  return LimitPassed(
      process, kReasonImplausibleGrowth,
      absl::StrFormat(
          "P%d %s %s: %s viable cells harvested from %s seeded are %.2f "
          "population doublings in %.1f h (one per %.1f h), more than the "
          "%.2f the process's minimum doubling time of %.1f h allows: "
          "check the counts",
          step.passage_number(), KindName(step.kind()), step.step_id(),
          Cells(values.harvested_viable_cells()),
          Cells(values.seeded_viable_cells()), *doublings,
          absl::ToDoubleHours(interval),
          absl::ToDoubleHours(interval) / *doublings, allowed,
          absl::ToDoubleHours(process.min_doubling_time)),
      raised);
}

// The step's rules against the batch as it stands in `view` (read before
// the transaction, and again under the batch's lock inside it).
absl::StatusOr<Plan> PlanStep(const BatchView& view, const Process& process,
                              const ManufacturingOptions& options,
                              const Uses& uses, v1::StepKind kind,
                              const std::string& source_step_id,
                              const v1::StepValues& values, int new_items) {
  Plan plan;
  const v1::Batch& batch = view.batch;
  if (batch.state() != v1::BATCH_STATE_IN_PROCESS) {
    return FailedRule(kReasonBatchState,
                      absl::StrCat("batch ", batch.batch_id(), " is ",
                                   EnumLabel(v1::BatchState_Name(batch.state()),
                                             "BATCH_STATE_"),
                                   ": no step is recorded on it"));
  }
  if (!batch.product_step_id().empty()) {
    return FailedRule(
        kReasonBatchState,
        absl::StrCat("batch ", batch.batch_id(),
                     "'s product lot was harvested (step ",
                     batch.product_step_id(),
                     "): no step is recorded on it; a second person's "
                     "verification of that step sends it to release testing"));
  }
  CC_RETURN_IF_ERROR(CheckUses(uses, values, UsedAt(kind, values, false)));
  CC_RETURN_IF_ERROR(CheckPerformedAt(batch, uses, values,
                                      UsedAt(kind, values, false),
                                      PerformedAtField(kind, false)));
  absl::flat_hash_set<std::string> seen;
  std::vector<const v1::MaterialUse*> material_links;
  if (kind == v1::STEP_KIND_PROCESSING) {
    for (const v1::Step& s : view.steps) {
      if (s.kind() == v1::STEP_KIND_PROCESSING) {
        return FailedRule(
            kReasonStepExists,
            absl::StrCat("batch ", batch.batch_id(),
                         " was processed already (step ", s.step_id(), ")"));
      }
    }
    absl::Time start = ToTime(values.seeded_at());
    if (start < view.collected_at) {
      return InvalidField("values.seeded_at", "before the cord's collection");
    }
    if (start - view.collected_at > options.max_collection_to_processing) {
      int64_t minutes = absl::ToInt64Minutes(start - view.collected_at);
      plan.raised.push_back(
          {kReasonCollectionToProcessing,
           absl::StrFormat(
               "processing started %d h %02d min after the "
               "cord's collection; the limit is %d h",
               minutes / 60, minutes % 60,
               absl::ToInt64Hours(options.max_collection_to_processing))});
    }
    plan.passage_number = 0;
    AddParent(plan.parents, seen, view.donor_lot_item_id,
              custody::v1::DERIVATION_KIND_PROCESSING);
  } else {
    const v1::Step* source = view.Find(source_step_id);
    if (source == nullptr) {
      return NotFound("step", source_step_id, kReasonStepNotFound);
    }
    if (!IsCulture(source->kind()) && source->kind() != v1::STEP_KIND_THAW) {
      return FailedRule(kReasonStepKind,
                        absl::StrCat("step ", source->step_id(), " is a ",
                                     KindName(source->kind()),
                                     ": cells are drawn from a harvested "
                                     "culture or a thawed vial"));
    }
    if (source->status() == v1::STEP_STATUS_IN_PROGRESS) {
      return FailedRule(kReasonSourceNotHarvested,
                        absl::StrCat("P", source->passage_number(), " step ",
                                     source->step_id(),
                                     " is still in culture: record its "
                                     "harvest first"));
    }
    absl::Time at = UsedAt(kind, values, false);
    std::optional<absl::Time> available = AvailableAt(*source);
    if (available && at < *available) {
      return InvalidField(kind == v1::STEP_KIND_PASSAGE ? "values.seeded_at"
                          : kind == v1::STEP_KIND_CRYOPRESERVATION
                              ? "values.frozen_at"
                              : "values.harvested_at",
                          "before the source's harvest");
    }
    absl::flat_hash_map<std::string, GrowthFacts> growth =
        ComputeGrowth(FactsOf(view.steps));
    double cumulative =
        growth[source->step_id()].cumulative_population_doublings;
    plan.passage_number =
        source->passage_number() + (kind == v1::STEP_KIND_PASSAGE ? 1 : 0);
    if (kind == v1::STEP_KIND_PASSAGE &&
        plan.passage_number > process.max_passage) {
      CC_RETURN_IF_ERROR(LimitPassed(process, kReasonPassageLimit,
                                     absl::StrCat("P", plan.passage_number,
                                                  " is past the process's "
                                                  "limit of P",
                                                  process.max_passage),
                                     plan.raised));
    }
    if (cumulative > process.max_cumulative_population_doublings) {
      CC_RETURN_IF_ERROR(LimitPassed(
          process, kReasonCumulativePdLimit,
          absl::StrFormat("the cells of step %s have %.2f cumulative "
                          "population doublings, past the process's limit of "
                          "%.2f",
                          source->step_id(), cumulative,
                          process.max_cumulative_population_doublings),
          plan.raised));
    }
    // The cells drawn, as if the step were recorded.
    BatchView after = view;
    v1::Step candidate;
    candidate.set_step_id("candidate");
    candidate.set_kind(kind);
    candidate.set_source_step_id(source->step_id());
    *candidate.mutable_values() = values;
    for (int i = 0; i < new_items && kind == v1::STEP_KIND_CRYOPRESERVATION;
         ++i) {
      candidate.add_vials();
    }
    after.steps.push_back(std::move(candidate));
    CC_RETURN_IF_ERROR(CheckLeftoverDraws(after));
    CC_RETURN_IF_ERROR(CheckCells(after));
    CC_RETURN_IF_ERROR(CheckLeftoverStated(after, "candidate"));
    custody::v1::DerivationKind derivation =
        kind == v1::STEP_KIND_PASSAGE ? custody::v1::DERIVATION_KIND_PASSAGE
        : kind == v1::STEP_KIND_CRYOPRESERVATION
            ? custody::v1::DERIVATION_KIND_CRYOPRESERVATION
            : custody::v1::DERIVATION_KIND_HARVEST;
    if (source->kind() == v1::STEP_KIND_THAW) {
      AddParent(plan.parents, seen, source->values().vial_item_id(),
                custody::v1::DERIVATION_KIND_THAW);
      plan.end_after.push_back(source->values().vial_item_id());
    } else {
      for (const std::string& id : source->item_ids()) {
        AddParent(plan.parents, seen, id, derivation);
      }
    }
    // What the source's harvest used touched these cells too.
    for (const v1::MaterialUse& use : source->values().materials()) {
      auto it = uses.materials.find(use.material_id());
      if (it != uses.materials.end()) {
        AddParent(plan.parents, seen, it->second.item_id(),
                  custody::v1::DERIVATION_KIND_MATERIAL);
      }
    }
    for (const std::string& id : source->values().equipment_ids()) {
      auto it = uses.equipment.find(id);
      if (it != uses.equipment.end()) {
        AddParent(plan.parents, seen, it->second.item_id(),
                  custody::v1::DERIVATION_KIND_EQUIPMENT);
      }
    }
  }
  if (kind == v1::STEP_KIND_PRODUCT_HARVEST) {
    for (const v1::Step& s : view.steps) {
      if (s.status() == v1::STEP_STATUS_IN_PROGRESS) {
        return FailedRule(
            kReasonStepNotPerformed,
            absl::StrCat("P", s.passage_number(), " step ", s.step_id(),
                         " is still in culture: harvest it or "
                         "record a deviation and abort"));
      }
      bool verified_kind = std::find(process.verified_kinds.begin(),
                                     process.verified_kinds.end(),
                                     s.kind()) != process.verified_kinds.end();
      if (verified_kind && s.status() != v1::STEP_STATUS_VERIFIED) {
        return FailedRule(
            kReasonStepNotVerified,
            absl::StrCat("P", s.passage_number(), " ", KindName(s.kind()),
                         " step ", s.step_id(), " revision ", s.revision(),
                         " awaits a second person's "
                         "verification"));
      }
    }
  }
  for (const v1::MaterialUse& use : values.materials()) {
    AddParent(plan.parents, seen,
              uses.materials.at(use.material_id()).item_id(),
              custody::v1::DERIVATION_KIND_MATERIAL);
  }
  for (const std::string& id : values.equipment_ids()) {
    AddParent(plan.parents, seen, uses.equipment.at(id).item_id(),
              custody::v1::DERIVATION_KIND_EQUIPMENT);
  }
  // In custody's order (by parent id), so that a retry that reads them back
  // from the registered item sends the same registration.
  std::sort(
      plan.parents.begin(), plan.parents.end(),
      [](const custody::v1::ParentLink& a, const custody::v1::ParentLink& b) {
        return a.parent_item_id() < b.parent_item_id();
      });
  return plan;
}

}  // namespace cellchain::manufacturing
