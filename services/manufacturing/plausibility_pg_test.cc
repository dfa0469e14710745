// Plausible growth (issue 28), against a real PostgreSQL: a harvest whose
// count implies more population doublings since the seeding than the
// process's minimum doubling time allows is refused, writing nothing, or —
// where the process says so — recorded with a MAJOR deviation for QA; a
// correction to such a count is held to the same rule.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/manufacturing/manufacturing_test_fixture.h"

namespace cellchain::manufacturing {
namespace {

using ::testing::HasSubstr;

TEST_F(ManufacturingTest, AHarvestFasterThanCellsDoubleIsRefusedOrADeviation) {
  ManufacturingOptions options;
  options.processes["LENIENT"] = Process{.deviation_past_limits = true};
  Build(options);
  Processed b = MakeProcessed();  // P0 harvested 4e6 on day 8
  CC_ASSERT_OK_AND_ASSIGN(
      auto p1, mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 1e6)));
  const std::string p1_id = p1.step().step_id();
  // The harvest of a culture at `at` with `cells`, signed by tina.
  auto HarvestOf = [&](const std::string& step_id, absl::Time at,
                       double cells) {
    v1::RecordHarvestRequest request;
    *request.mutable_context() = Ctx();
    request.set_step_id(step_id);
    *request.mutable_values()->mutable_harvested_at() = At(at);
    request.mutable_values()->set_harvested_viable_cells(cells);
    request.mutable_values()->set_viability_percent(93);
    request.mutable_values()->set_confluence_percent(80);
    *request.mutable_signature() = Performed();
    return request;
  };
  const int64_t records = Records();

  // 1e6 -> 1.6e7 is 4 doublings; in 24 h the 15 h minimum allows 1.6.
  absl::Status refused =
      mfg_->RecordHarvest(tina_, HarvestOf(p1_id, Day(9), 1.6e7)).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_EQ(ReasonOf(refused), kReasonImplausibleGrowth);
  EXPECT_THAT(refused.message(), HasSubstr("4.00 population doublings"));
  EXPECT_THAT(refused.message(), HasSubstr(p1_id));
  EXPECT_EQ(Records(), records);
  v1::GetBatchRequest get;
  get.set_batch_id(b.batch.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto still, mfg_->GetBatch(get));
  EXPECT_EQ(still.steps(1).status(), v1::STEP_STATUS_IN_PROGRESS);
  EXPECT_EQ(still.deviations_size(), 0);

  // Three days: 4.8 allowed, so 4 doublings are plausible.
  CC_ASSERT_OK_AND_ASSIGN(
      auto harvested,
      mfg_->RecordHarvest(tina_, HarvestOf(p1_id, Day(11), 1.6e7)));
  EXPECT_TRUE(harvested.deviations().empty());

  // A correction to a harvest one day after the seeding is refused too.
  v1::CorrectStepRequest correct;
  *correct.mutable_context() = Ctx("harvest day misread");
  correct.set_step_id(p1_id);
  correct.set_revision(harvested.step().revision());
  *correct.mutable_values() = harvested.step().values();
  *correct.mutable_values()->mutable_harvested_at() = At(Day(9));
  *correct.mutable_signature() = Performed();
  refused = mfg_->CorrectStep(tina_, correct).status();
  EXPECT_EQ(ReasonOf(refused), kReasonImplausibleGrowth) << refused;

  // Under a process that records a deviation instead: recorded, with a
  // MAJOR deviation QA must assess before the batch's disposition.
  donor::v1::DonorLot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch lenient, Start(lot, "LENIENT"));
  CC_ASSERT_OK_AND_ASSIGN(
      auto p0,
      mfg_->RecordProcessing(tina_, Processing(lenient.batch_id(), T0())));
  CC_ASSERT_OK(Harvest(p0.step().step_id(), Day(8), 4e6).status());
  CC_ASSERT_OK_AND_ASSIGN(
      auto q1,
      mfg_->SeedPassage(tina_, Seed(p0.step().step_id(), Day(8), 1e6)));
  CC_ASSERT_OK_AND_ASSIGN(
      auto fast, mfg_->RecordHarvest(
                     tina_, HarvestOf(q1.step().step_id(), Day(9), 1.6e7)));
  EXPECT_EQ(fast.step().status(), v1::STEP_STATUS_PERFORMED);
  ASSERT_EQ(fast.deviations_size(), 1);
  EXPECT_EQ(fast.deviations(0).rule(), kReasonImplausibleGrowth);
  EXPECT_EQ(fast.deviations(0).classification(), v1::DEVIATION_CLASS_MAJOR);
  EXPECT_EQ(fast.deviations(0).step_id(), q1.step().step_id());
  get.set_batch_id(lenient.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto shown, mfg_->GetBatch(get));
  EXPECT_EQ(shown.open_major_deviations(), 1);
  EXPECT_THAT(History("batch_deviation", fast.deviations(0).deviation_id()),
              ::testing::ElementsAre("deviation.record by tina"));
  ExpectEverySnapshotMatchesItsRow();
}

}  // namespace
}  // namespace cellchain::manufacturing
