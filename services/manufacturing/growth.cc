#include "services/manufacturing/growth.h"

#include <algorithm>
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
        if (step.discards_rest && source->second.cells_remaining > 0) {
          source->second.cells_remaining = 0;
        }
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

std::vector<CurvePoint> GrowthCurve(
    const std::vector<StepFacts>& steps,
    const absl::flat_hash_map<std::string, GrowthFacts>& growth) {
  absl::flat_hash_map<std::string, const StepFacts*> by_id;
  const StepFacts* processing = nullptr;
  for (const StepFacts& s : steps) {
    by_id[s.id] = &s;
    if (s.kind == Kind::kProcessing) processing = &s;
  }
  std::vector<CurvePoint> out;
  if (processing == nullptr || !processing->seeded_at.has_value()) return out;
  const absl::Time start = *processing->seeded_at;
  auto source_of = [&](const StepFacts& s) -> const StepFacts* {
    auto it = by_id.find(s.source_id);
    return it == by_id.end() ? nullptr : it->second;
  };
  auto is_culture = [](const StepFacts& s) {
    return s.kind == Kind::kProcessing || s.kind == Kind::kPassage;
  };

  // The main line: the lineage of the product harvest, else of the culture
  // recorded last.
  const StepFacts* end = nullptr;
  for (const StepFacts& s : steps) {
    if (s.kind == Kind::kProduct) end = &s;
  }
  if (end == nullptr) {
    for (const StepFacts& s : steps) {
      if (is_culture(s)) end = &s;
    }
  }
  absl::flat_hash_map<std::string, int> series;
  for (const StepFacts* s = end; s != nullptr && !series.contains(s->id);
       s = source_of(*s)) {
    series[s->id] = 0;
  }
  // Every other step (in recorded order, so its source comes first) leaves
  // the main line as a new series, or continues its source's side line if
  // it is the first step drawn from it; a second step drawn from the same
  // side step starts a series of its own.
  absl::flat_hash_map<std::string, int> children;  // steps placed, by source
  for (const StepFacts& s : steps) {
    if (series.contains(s.id) && !s.source_id.empty()) {
      ++children[s.source_id];
    }
  }
  int next_series = 1;
  for (const StepFacts& s : steps) {
    if (series.contains(s.id)) continue;
    const StepFacts* source = source_of(s);
    auto inherited = source == nullptr ? series.end() : series.find(source->id);
    if (inherited != series.end() && children[source->id] == 0 &&
        inherited->second != 0) {
      series[s.id] = inherited->second;  // the side line goes on
    } else {
      series[s.id] = next_series++;  // leaves its source's line
    }
    if (source != nullptr) ++children[source->id];
  }

  // Time in cryostorage along a lineage: each thaw's time since its bank
  // was frozen.
  auto frozen_time = [&](const StepFacts& s) {
    absl::Duration total = absl::ZeroDuration();
    for (const StepFacts* at = &s; at != nullptr; at = source_of(*at)) {
      if (at->kind != Kind::kThaw || !at->thawed_at.has_value()) continue;
      const StepFacts* bank = source_of(*at);
      if (bank != nullptr && bank->frozen_at.has_value() &&
          *at->thawed_at > *bank->frozen_at) {
        total += *at->thawed_at - *bank->frozen_at;
      }
    }
    return total;
  };

  for (const StepFacts& s : steps) {
    if (!is_culture(s) || !s.harvested_at.has_value()) continue;
    CurvePoint point;
    point.step_id = s.id;
    point.passage_number = s.passage_number;
    point.culture_days =
        absl::ToDoubleHours(*s.harvested_at - start - frozen_time(s)) / 24.0;
    auto g = growth.find(s.id);
    if (g != growth.end()) {
      point.cumulative_population_doublings =
          g->second.cumulative_population_doublings;
    }
    point.series = series[s.id];
    out.push_back(std::move(point));
  }
  // Side lines numbered 1, 2, ... in the order their first point was
  // recorded (a bank never thawed took a number and has no point).
  absl::flat_hash_map<int, int> renumbered = {{0, 0}};
  for (CurvePoint& point : out) {
    auto [it, added] = renumbered.try_emplace(
        point.series, static_cast<int>(renumbered.size()));
    point.series = it->second;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CurvePoint& a, const CurvePoint& b) {
                     if (a.series != b.series) return a.series < b.series;
                     return a.culture_days < b.culture_days;
                   });
  return out;
}

}  // namespace cellchain::manufacturing
