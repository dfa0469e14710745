// The rules a step is recorded under, over a batch as it stands (pure; no
// database, no gRPC): which step may follow which, the process's passage
// and population-doubling limits, the cells a step may draw, the material
// lots and equipment it may use on its day, and the custody parents of the
// items it makes. The store (manufacturing_internal.h) reads a BatchView and
// the Uses; the service records what PlanStep returns.
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_STEP_RULES_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_STEP_RULES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/manufacturing/growth.h"
#include "services/manufacturing/process.h"

namespace cellchain::manufacturing {

// A batch with everything its rules look at.
struct BatchView {
  v1::Batch batch;
  absl::Time collected_at;
  std::string donor_lot_item_id;
  std::vector<v1::Step> steps;
  absl::flat_hash_set<std::string> thawed_vials;

  const v1::Step* Find(const std::string& id) const {
    for (const v1::Step& s : steps) {
      if (s.step_id() == id) return &s;
    }
    return nullptr;
  }
};

// Material lots and equipment a step names, read (and, in the step's
// transaction, locked against a concurrent rejection or status change).
struct Uses {
  absl::flat_hash_map<std::string, v1::MaterialLot> materials;
  absl::flat_hash_map<std::string, v1::Equipment> equipment;
};

// A deviation a rule raised.
struct Raised {
  std::string rule;
  std::string description;
};

// What recording a new step does, as the batch stands.
struct Plan {
  int passage_number = 0;
  std::vector<custody::v1::ParentLink> parents;
  // Items ended once the step is recorded (a thawed vial drawn from).
  std::vector<std::string> end_after;
  std::vector<Raised> raised;
};

// A step kind as the refusals name it ("passage", "product harvest").
std::string KindName(v1::StepKind kind);

// A cell count as the refusals and item descriptions write it (%.3g).
std::string Cells(double cells);

// A time as the refusals write it: "2026-11-15 08:00 UTC".
std::string TimeText(absl::Time t);

// An enum value's name without its type's prefix, as the refusals and item
// descriptions write it: EnumLabel(v1::BatchState_Name(s), "BATCH_STATE_")
// is "IN_PROCESS". By the prefix, never by its length (decision 0014).
std::string EnumLabel(const std::string& name, std::string_view prefix);

// The facts the growth arithmetic needs, from the steps as recorded.
std::vector<StepFacts> FactsOf(const std::vector<v1::Step>& steps);

v1::Growth ToGrowth(const v1::Step& step, const GrowthFacts& g);

// When the cells of a step became available to draw from: its harvest (or,
// for a thaw, the thaw); none while it is in culture.
std::optional<absl::Time> AvailableAt(const v1::Step& s);

// Every step's cells remaining must stay at or above zero: FAILED_PRECONDITION
// CELLS_EXCEEDED naming the first culture or thaw drawn below zero.
absl::Status CheckCells(const BatchView& view);

// Only released, unexpired material lots, and equipment in service and in
// calibration, on the day of `used_at`: FAILED_PRECONDITION
// MATERIAL_NOT_RELEASED, MATERIAL_EXPIRED, EQUIPMENT_OUT_OF_SERVICE or
// CALIBRATION_OVERDUE. `uses` holds every lot and instrument `values` names.
absl::Status CheckUses(const Uses& uses, const v1::StepValues& values,
                       absl::Time used_at);

// Contemporaneous records: the time `performed_at` a step says it was
// performed (in request field `field`, e.g. "values.seeded_at") may not lie
// before the batch's start (FAILED_PRECONDITION BEFORE_BATCH_START), before
// the release of a material lot `values` names (BEFORE_MATERIAL_RELEASE), or
// before the day of the last calibration of equipment it names
// (BEFORE_CALIBRATION: the row keeps only the last calibration's due date,
// so whether the instrument was in calibration earlier cannot be checked).
// Each refusal names `field` (FieldOf) as well as the rule. `uses` holds
// every lot and instrument `values` names; call after CheckUses, which
// refuses a lot that is not released.
absl::Status CheckPerformedAt(const v1::Batch& batch, const Uses& uses,
                              const v1::StepValues& values,
                              absl::Time performed_at, std::string_view field);

// A late entry: what is entered at `entered_at` about a step performed at
// `performed_at` (request field `field`) more than `window` later needs
// `reason`. Returns the late-entry reason to keep with the entry: `reason`,
// trimmed ("" when the entry is in time and none was given).
// INVALID_ARGUMENT late_entry_reason when the entry is late and `reason` is
// blank, or when `reason` is longer than fields::kMaxText.
absl::StatusOr<std::string> LateEntryReason(absl::Time performed_at,
                                            absl::Time entered_at,
                                            absl::Duration window,
                                            std::string_view field,
                                            std::string_view reason);

// The reason an audit record of an entry carries: "late entry: <reason>",
// or "" for an entry made in time.
std::string LateEntryAuditReason(std::string_view late_entry_reason);

// When a retrospective entry says something happened, and its late-entry
// reason to keep.
struct Entered {
  absl::Time at;
  std::string late_entry_reason;
};

// What a batch's start or a material lot's receipt or release says about
// its own time: `at` (request field `field`, e.g. "started_at") when
// `present` (a paper record entered after the fact), else `now` (the
// service's clock); held to the late-entry rule as a step is
// (LateEntryReason: `reason` is required when `at` lies more than `window`
// before `now`). INVALID_ARGUMENT `field` for a time that is not valid or
// lies in the future (fields::RequirePastTime), LateEntryReason's
// INVALID_ARGUMENT late_entry_reason.
absl::StatusOr<Entered> EnteredAt(const google::protobuf::Timestamp& at,
                                  bool present, std::string_view field,
                                  std::string_view reason, absl::Time now,
                                  absl::Duration window);

// Leftovers: no step draws from a source whose rest an earlier seeding in
// `view` discarded (FAILED_PRECONDITION LEFTOVER_DISCARDED) or, but for a
// cryopreservation, kept for a bank (LEFTOVER_BANKED).
absl::Status CheckLeftoverDraws(const BatchView& view);

// The passage seeding `seeding_id` of `view` says what became of the cells
// it left in its source (values.leftover) when it left any, counting the
// draws recorded up to and including it: INVALID_ARGUMENT values.leftover
// when it left cells and does not say, or says and left none. Any other
// step: OK.
absl::Status CheckLeftoverStated(const BatchView& view,
                                 const std::string& seeding_id);

// Plausibility of a culture's harvest, `values` being its seeding and
// harvest: its log2(harvested / seeded) population doublings may not be
// more than the seeding-to-harvest interval / process.min_doubling_time.
// Past it: FAILED_PRECONDITION IMPLAUSIBLE_GROWTH, or with
// process.deviation_past_limits, OK with the deviation appended to
// `raised` (as PlanStep's limits). An explant P0 (no seeded count) and a
// harvest with fewer cells than seeded imply no doublings to check.
// `step` names the culture in the message (its id, kind and passage).
absl::Status CheckGrowth(const Process& process, const v1::Step& step,
                         const v1::StepValues& values,
                         std::vector<Raised>& raised);

// The step's rules against the batch as it stands in `view`, for a new
// step of `kind` drawn from `source_step_id` (none for processing) making
// `new_items` items. FAILED_PRECONDITION with the rule's reason
// (BATCH_STATE, STEP_EXISTS, STEP_KIND, SOURCE_NOT_HARVESTED,
// PASSAGE_LIMIT, CUMULATIVE_PD_LIMIT, CELLS_EXCEEDED, STEP_NOT_PERFORMED,
// STEP_NOT_VERIFIED, LEFTOVER_DISCARDED, LEFTOVER_BANKED, CheckUses's and
// CheckPerformedAt's), INVALID_ARGUMENT values.leftover (CheckLeftoverStated)
// for a time before the collection or the source's harvest, NOT_FOUND
// STEP_NOT_FOUND for a source not in the batch. `uses` must hold the lots and
// equipment of `values` and of the source step.
absl::StatusOr<Plan> PlanStep(const BatchView& view, const Process& process,
                              const ManufacturingOptions& options,
                              const Uses& uses, v1::StepKind kind,
                              const std::string& source_step_id,
                              const v1::StepValues& values, int new_items);

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_STEP_RULES_H_
