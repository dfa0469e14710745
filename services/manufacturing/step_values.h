// The values a step records, cleaned and checked (pure; no I/O): what a
// request may say about a step of each kind, in which units (cells, %,
// grams, ml), and on which day its material lots and equipment count as
// used.
//
// Thread-safety: constants and free functions over values.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_STEP_VALUES_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_STEP_VALUES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"

namespace cellchain::manufacturing {

inline constexpr int kMaxVessels = 60;
inline constexpr int kMaxVials = 500;
inline constexpr int kMaxMaterials = 20;
inline constexpr int kMaxEquipment = 10;
inline constexpr double kMaxCells = 1e13;

// The day (UTC) of `t`: expiry and calibration are checked by day.
absl::CivilDay DayOf(absl::Time t);

// `text` as a date YYYY-MM-DD (years 2000 to 2199). INVALID_ARGUMENT naming
// `field` when it is empty or not such a date.
absl::StatusOr<absl::CivilDay> RequireDate(std::string_view text,
                                           std::string_view field);

// INVALID_ARGUMENT naming `field` unless `cells` is more than 0 and at
// most kMaxCells.
absl::Status RequireCells(double cells, std::string_view field);

// INVALID_ARGUMENT naming `field` unless `value` is a percentage (0 to 100;
// 0 itself only when `zero_allowed`).
absl::Status RequirePercent(double value, std::string_view field,
                            bool zero_allowed);

// Processing and passages are cultures: seeded, then harvested.
bool IsCulture(v1::StepKind kind);

// The values a step of `kind` keeps, checked; `harvested` says whether a
// culture's harvest is part of them. Fields that do not apply are dropped.
// A recorded time may not lie after `now` (the service's clock) by more
// than fields::kClockSkew.
// INVALID_ARGUMENT naming the first field that is missing or out of range;
// INTERNAL for a step of no kind.
absl::StatusOr<v1::StepValues> Clean(v1::StepKind kind,
                                     const v1::StepValues& in, bool harvested,
                                     absl::Time now);

// When a step's materials and equipment were used (`harvest`: a culture's
// harvest is being recorded).
absl::Time UsedAt(v1::StepKind kind, const v1::StepValues& v, bool harvest);

// The request field UsedAt reads: "values.seeded_at", "values.harvested_at",
// "values.frozen_at" or "values.thawed_at".
std::string_view PerformedAtField(v1::StepKind kind, bool harvest);

// The material lot ids and equipment ids `v` names, in its order.
std::vector<std::string> MaterialIds(const v1::StepValues& v);
std::vector<std::string> EquipmentIds(const v1::StepValues& v);

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_STEP_VALUES_H_
