// Population-doubling arithmetic of a batch (pure; no I/O).
//
//   PD            = log2(harvested viable cells / seeded viable cells)
//   cumulative PD = PD + the cumulative PD of the step the cells came from
//                   (a thaw and a cryopreservation add none; an explant
//                   P0, whose seeding is not counted, starts at 0)
//   doubling time = hours from seeding to harvest / PD (only when PD > 0)
//   cells left    = cells harvested (or recovered from a thaw) minus every
//                   seeding, freezing and product harvest drawn from them;
//                   none after a seeding that discarded the rest
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_GROWTH_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_GROWTH_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace cellchain::manufacturing {

enum class Kind { kProcessing, kPassage, kCryopreservation, kThaw, kProduct };

// What the arithmetic needs of one step.
struct StepFacts {
  std::string id;
  std::string source_id;  // empty for processing
  Kind kind = Kind::kPassage;
  int passage_number = 0;
  double seeded = 0;     // viable cells seeded (0: not counted)
  double harvested = 0;  // viable cells harvested or recovered (0: not yet)
  std::optional<absl::Time> seeded_at;
  std::optional<absl::Time> harvested_at;
  // Cells this step takes from its source: a passage's seeding, a
  // cryopreservation's vials × cells per vial, a product harvest's cells.
  double drawn = 0;
  // A cryopreservation's freezing and a thaw's thawing: the time between
  // them the cells spent in cryostorage, out of culture.
  std::optional<absl::Time> frozen_at;
  std::optional<absl::Time> thawed_at;
  // A seeding that discarded what it left in its source: the source has
  // no cells remaining after it.
  bool discards_rest = false;
};

struct GrowthFacts {
  std::optional<double> population_doublings;
  double cumulative_population_doublings = 0;
  std::optional<double> doubling_time_hours;
  double cells_remaining = 0;
};

std::optional<double> PopulationDoublings(double seeded, double harvested);

std::optional<double> DoublingTimeHours(absl::Time seeded_at,
                                        absl::Time harvested_at,
                                        std::optional<double> doublings);

// Growth of every step of a batch, by step id. Steps come in the order they
// were recorded (a source before the steps drawn from it); a source id that
// is not among them counts as a step with nothing.
absl::flat_hash_map<std::string, GrowthFacts> ComputeGrowth(
    const std::vector<StepFacts>& steps);

// One harvested culture (processing or passage) on the growth curve.
struct CurvePoint {
  std::string step_id;
  int passage_number = 0;
  // Days in culture from the start of processing to this harvest: the
  // time the cells of its lineage spent in cryostorage (from a bank's
  // freezing to the thaw they were recovered from) is left out.
  double culture_days = 0;
  double cumulative_population_doublings = 0;
  // 0: the main line, the lineage of the product harvest (before there is
  // one, of the culture recorded last). 1, 2, ...: each side culture or
  // second line that left the main line, numbered in the order their
  // first step was recorded; a branch of a side line is a series of its own.
  int series = 0;
};

// The growth curve of a batch's steps (in recorded order, as
// ComputeGrowth), with `growth` as ComputeGrowth gives it: every harvested
// culture, by series and then by culture day. Empty before processing.
std::vector<CurvePoint> GrowthCurve(
    const std::vector<StepFacts>& steps,
    const absl::flat_hash_map<std::string, GrowthFacts>& growth);

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_GROWTH_H_
