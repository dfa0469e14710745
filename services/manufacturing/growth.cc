#include "services/manufacturing/growth.h"

#include <cmath>

namespace cellchain::manufacturing {

std::optional<double> PopulationDoublings(double seeded, double harvested) {
  if (!(seeded > 0) || !(harvested > 0)) return std::nullopt;
  return std::log2(harvested / seeded);
}

std::optional<double> DoublingTimeHours(absl::Time seeded_at,
                                        absl::Time harvested_at,
                                        std::optional<double> doublings) {
  if (!doublings || !(*doublings > 0) || harvested_at <= seeded_at) {
    return std::nullopt;
  }
  return absl::ToDoubleHours(harvested_at - seeded_at) / *doublings;
}

absl::flat_hash_map<std::string, GrowthFacts> ComputeGrowth(
    const std::vector<StepFacts>& steps) {
  absl::flat_hash_map<std::string, GrowthFacts> out;
  for (const StepFacts& step : steps) {
    GrowthFacts& g = out[step.id];
    double inherited = 0;
    if (!step.source_id.empty()) {
      auto source = out.find(step.source_id);
      if (source != out.end()) {
        inherited = source->second.cumulative_population_doublings;
        source->second.cells_remaining -= step.drawn;
      }
    }
    g.cumulative_population_doublings = inherited;
    if (step.kind == Kind::kProcessing || step.kind == Kind::kPassage) {
      g.population_doublings = PopulationDoublings(step.seeded, step.harvested);
      if (g.population_doublings) {
        g.cumulative_population_doublings += *g.population_doublings;
      }
      if (step.seeded_at && step.harvested_at) {
        g.doubling_time_hours = DoublingTimeHours(
            *step.seeded_at, *step.harvested_at, g.population_doublings);
      }
    }
    if (step.kind != Kind::kCryopreservation && step.kind != Kind::kProduct) {
      g.cells_remaining += step.harvested;
    }
  }
  return out;
}

}  // namespace cellchain::manufacturing
