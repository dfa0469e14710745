#include "services/manufacturing/growth.h"

#include <cmath>

#include "gtest/gtest.h"

namespace cellchain::manufacturing {
namespace {

const absl::Time kDay0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01

TEST(PopulationDoublingsTest, IsLog2OfHarvestOverSeed) {
  // 1e6 seeded, 8e6 harvested: three doublings.
  EXPECT_DOUBLE_EQ(*PopulationDoublings(1e6, 8e6), 3.0);
  // 5e5 to 4.2e6: log2(8.4) = ln 8.4 / ln 2 = 3.0703893...
  EXPECT_NEAR(*PopulationDoublings(5e5, 4.2e6), 3.0703893278913985, 1e-12);
  // Fewer cells than seeded: a negative doubling, recorded as it is.
  EXPECT_DOUBLE_EQ(*PopulationDoublings(2e6, 1e6), -1.0);
  // A count missing (an explant culture): none.
  EXPECT_FALSE(PopulationDoublings(0, 8e6).has_value());
  EXPECT_FALSE(PopulationDoublings(1e6, 0).has_value());
}

TEST(DoublingTimeTest, IsHoursOverDoublings) {
  // Three doublings in 72 h: 24 h each.
  EXPECT_DOUBLE_EQ(
      *DoublingTimeHours(kDay0, kDay0 + absl::Hours(72), 3.0), 24.0);
  // 3.0703893 doublings in 96 h: 31.2663... h.
  EXPECT_NEAR(*DoublingTimeHours(kDay0, kDay0 + absl::Hours(96),
                                 3.0703893278913985),
              96 / 3.0703893278913985, 1e-9);
  // No growth, or none known: no doubling time.
  EXPECT_FALSE(DoublingTimeHours(kDay0, kDay0 + absl::Hours(72), -1.0));
  EXPECT_FALSE(DoublingTimeHours(kDay0, kDay0 + absl::Hours(72), 0.0));
  EXPECT_FALSE(DoublingTimeHours(kDay0, kDay0 + absl::Hours(72), std::nullopt));
}

StepFacts Culture(std::string id, std::string source, Kind kind, double seeded,
                  double harvested, int days_in) {
  StepFacts f;
  f.id = std::move(id);
  f.source_id = std::move(source);
  f.kind = kind;
  f.seeded = seeded;
  f.drawn = kind == Kind::kPassage ? seeded : 0;
  f.harvested = harvested;
  f.seeded_at = kDay0;
  f.harvested_at = kDay0 + absl::Hours(24 * days_in);
  return f;
}

TEST(ComputeGrowthTest, CumulatesAlongTheLineageThroughABank) {
  // P0 explant (not counted) harvests 2e6; P1 seeds 1e6 and harvests 8e6
  // (PD 3); P2 seeds 2e6 of them and harvests 1.6e7 (PD 3, cumulative 6);
  // ten vials of 1e6 are frozen from P2; one thawed recovers 9e5; P3 seeds
  // those and harvests 7.2e6 (PD 3, cumulative 9).
  // Made by a function taking std::string, not by assigning literals to a
  // local's fields: GCC 12 at -O3 takes that assignment for a read of
  // uninitialized bytes (-Wmaybe-uninitialized, a false positive that broke
  // the Release build).
  auto step = [](std::string id, std::string source, Kind kind, double drawn,
                 double harvested) {
    StepFacts f;
    f.id = std::move(id);
    f.source_id = std::move(source);
    f.kind = kind;
    f.drawn = drawn;
    f.harvested = harvested;
    return f;
  };
  const StepFacts cryo =
      step("cryo", "p2", Kind::kCryopreservation, 10 * 1e6, 0);
  const StepFacts thaw = step("thaw", "cryo", Kind::kThaw, 0, 9e5);
  auto growth = ComputeGrowth({
      Culture("p0", "", Kind::kProcessing, 0, 2e6, 10),
      Culture("p1", "p0", Kind::kPassage, 1e6, 8e6, 3),
      Culture("p2", "p1", Kind::kPassage, 2e6, 1.6e7, 4),
      cryo,
      thaw,
      Culture("p3", "thaw", Kind::kPassage, 9e5, 7.2e6, 4),
  });
  EXPECT_FALSE(growth["p0"].population_doublings.has_value());
  EXPECT_DOUBLE_EQ(growth["p0"].cumulative_population_doublings, 0);
  EXPECT_DOUBLE_EQ(growth["p0"].cells_remaining, 1e6);  // 2e6 - 1e6
  EXPECT_DOUBLE_EQ(*growth["p1"].population_doublings, 3);
  EXPECT_DOUBLE_EQ(growth["p1"].cumulative_population_doublings, 3);
  EXPECT_DOUBLE_EQ(*growth["p1"].doubling_time_hours, 24);
  EXPECT_DOUBLE_EQ(growth["p1"].cells_remaining, 6e6);  // 8e6 - 2e6
  EXPECT_DOUBLE_EQ(growth["p2"].cumulative_population_doublings, 6);
  EXPECT_DOUBLE_EQ(*growth["p2"].doubling_time_hours, 32);  // 96 h / 3
  EXPECT_DOUBLE_EQ(growth["p2"].cells_remaining, 6e6);  // 1.6e7 - 1e7
  EXPECT_DOUBLE_EQ(growth["thaw"].cumulative_population_doublings, 6);
  EXPECT_DOUBLE_EQ(growth["thaw"].cells_remaining, 0);  // all seeded
  EXPECT_DOUBLE_EQ(growth["p3"].cumulative_population_doublings, 9);
}

TEST(ComputeGrowthTest, OverdrawnSourceGoesNegative) {
  auto growth = ComputeGrowth({
      Culture("p1", "", Kind::kPassage, 1e6, 4e6, 3),
      Culture("a", "p1", Kind::kPassage, 3e6, 0, 0),
      Culture("b", "p1", Kind::kPassage, 2e6, 0, 0),
  });
  EXPECT_DOUBLE_EQ(growth["p1"].cells_remaining, -1e6);
}

}  // namespace
}  // namespace cellchain::manufacturing
