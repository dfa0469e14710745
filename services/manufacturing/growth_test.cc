#include "services/manufacturing/growth.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

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
  EXPECT_DOUBLE_EQ(*DoublingTimeHours(kDay0, kDay0 + absl::Hours(72), 3.0),
                   24.0);
  // 3.0703893 doublings in 96 h: 31.2663... h.
  EXPECT_NEAR(
      *DoublingTimeHours(kDay0, kDay0 + absl::Hours(96), 3.0703893278913985),
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
  EXPECT_DOUBLE_EQ(growth["p2"].cells_remaining, 6e6);      // 1.6e7 - 1e7
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

TEST(ComputeGrowthTest, ASeedingThatDiscardsTheRestLeavesNone) {
  StepFacts discarding = Culture("a", "p1", Kind::kPassage, 1e6, 0, 0);
  discarding.discards_rest = true;
  auto growth = ComputeGrowth({
      Culture("p1", "", Kind::kPassage, 1e6, 4e6, 3),
      discarding,
  });
  // 4e6 - 1e6 seeded: the 3e6 left were thrown away.
  EXPECT_DOUBLE_EQ(growth["p1"].cells_remaining, 0);
  // Kept, they remain.
  discarding.discards_rest = false;
  growth = ComputeGrowth({
      Culture("p1", "", Kind::kPassage, 1e6, 4e6, 3),
      discarding,
  });
  EXPECT_DOUBLE_EQ(growth["p1"].cells_remaining, 3e6);
}

// A lineage for the curve: P0 from day 0 to 7, P1 seeded day 7 harvested
// day 11; a bank frozen from P1 on day 11; a vial thawed on day 41 (30
// days in the freezer) seeds P2, harvested 4 days later (day 45 on the
// calendar, day 15 in culture); the product harvested from P2.
std::vector<StepFacts> BankedLine() {
  auto at = [](double days) { return kDay0 + absl::Hours(24 * days); };
  std::vector<StepFacts> steps;
  StepFacts p0 = Culture("p0", "", Kind::kProcessing, 0, 4e6, 7);
  p0.passage_number = 0;
  steps.push_back(p0);
  StepFacts p1 = Culture("p1", "p0", Kind::kPassage, 1e6, 8e6, 4);
  p1.passage_number = 1;
  p1.seeded_at = at(7);
  p1.harvested_at = at(11);
  steps.push_back(p1);
  StepFacts bank = Culture("bank", "p1", Kind::kCryopreservation, 0, 0, 0);
  bank.drawn = 2e6;
  bank.seeded_at.reset();
  bank.harvested_at.reset();
  bank.frozen_at = at(11);
  steps.push_back(bank);
  StepFacts thaw = Culture("thaw", "bank", Kind::kThaw, 0, 9e5, 0);
  thaw.seeded_at.reset();
  thaw.harvested_at.reset();
  thaw.thawed_at = at(41);
  steps.push_back(thaw);
  StepFacts p2 = Culture("p2", "thaw", Kind::kPassage, 9e5, 7.2e6, 4);
  p2.passage_number = 2;
  p2.seeded_at = at(41);
  p2.harvested_at = at(45);
  steps.push_back(p2);
  return steps;
}

TEST(GrowthCurveTest, TimeInCryostorageIsNotCultureTime) {
  std::vector<StepFacts> steps = BankedLine();
  std::vector<CurvePoint> curve = GrowthCurve(steps, ComputeGrowth(steps));
  ASSERT_EQ(curve.size(), 3u);
  EXPECT_EQ(curve[0].step_id, "p0");
  EXPECT_DOUBLE_EQ(curve[0].culture_days, 7);
  EXPECT_EQ(curve[1].step_id, "p1");
  EXPECT_DOUBLE_EQ(curve[1].culture_days, 11);
  // 45 calendar days, 30 of them frozen.
  EXPECT_EQ(curve[2].step_id, "p2");
  EXPECT_DOUBLE_EQ(curve[2].culture_days, 15);
  // PD: P1 3, P2 3 more.
  EXPECT_DOUBLE_EQ(curve[2].cumulative_population_doublings, 6);
  for (const CurvePoint& p : curve) EXPECT_EQ(p.series, 0) << p.step_id;
}

TEST(GrowthCurveTest, ASideCultureIsASeriesOfItsOwn) {
  std::vector<StepFacts> steps = BankedLine();
  // A second passage from P1's harvest kept in culture (a side culture),
  // and a passage from it: series 1. The product comes from P2.
  StepFacts side = Culture("side", "p1", Kind::kPassage, 1e6, 4e6, 3);
  side.passage_number = 2;
  side.seeded_at = kDay0 + absl::Hours(24 * 11);
  side.harvested_at = kDay0 + absl::Hours(24 * 14);
  steps.insert(steps.begin() + 3, side);
  StepFacts side2 = Culture("side2", "side", Kind::kPassage, 1e6, 2e6, 2);
  side2.passage_number = 3;
  side2.seeded_at = kDay0 + absl::Hours(24 * 14);
  side2.harvested_at = kDay0 + absl::Hours(24 * 16);
  steps.insert(steps.begin() + 4, side2);
  StepFacts product = Culture("prod", "p2", Kind::kProduct, 0, 0, 0);
  product.drawn = 5e6;
  product.seeded_at.reset();
  product.harvested_at = kDay0 + absl::Hours(24 * 45.1);
  steps.push_back(product);

  std::vector<CurvePoint> curve = GrowthCurve(steps, ComputeGrowth(steps));
  ASSERT_EQ(curve.size(), 5u);
  // The main line first (the product's lineage), by day; then the side.
  std::vector<std::pair<std::string, int>> got;
  for (const CurvePoint& p : curve) got.push_back({p.step_id, p.series});
  EXPECT_EQ(got,
            (std::vector<std::pair<std::string, int>>{
                {"p0", 0}, {"p1", 0}, {"p2", 0}, {"side", 1}, {"side2", 1}}));
  EXPECT_DOUBLE_EQ(curve[3].culture_days, 14);  // never frozen
  // Without a product yet, the line recorded last is the main one: here
  // the side line would be, were it recorded after P2.
  steps.pop_back();
  std::rotate(steps.begin() + 3, steps.begin() + 5, steps.end());
  curve = GrowthCurve(steps, ComputeGrowth(steps));
  got.clear();
  for (const CurvePoint& p : curve) got.push_back({p.step_id, p.series});
  EXPECT_EQ(got,
            (std::vector<std::pair<std::string, int>>{
                {"p0", 0}, {"p1", 0}, {"side", 0}, {"side2", 0}, {"p2", 1}}));
}

TEST(GrowthCurveTest, NothingBeforeProcessing) {
  EXPECT_TRUE(GrowthCurve({}, {}).empty());
}

}  // namespace
}  // namespace cellchain::manufacturing
