// Leftover cells (issue 28), against a real PostgreSQL: a passage seeding
// that leaves cells in its source says what became of them — DISCARDED,
// BANKED or CARRIED — and the batch holds to it: nothing more is drawn from
// a source whose rest was discarded (its cells remaining shown as 0), only
// a bank from one whose rest was banked, anything from one carried on.
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

TEST_F(ManufacturingTest, ASeedingSaysWhatBecameOfTheCellsLeftAndIsHeldToIt) {
  Processed b = MakeProcessed();  // P0: 4e6 cells on day 8
  const int64_t steps = Steps();
  const int64_t records = Records();

  // 1e6 of 4e6 seeded, the 3e6 left unaccounted for: refused, nothing
  // written.
  absl::Status unsaid =
      mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 1e6, 3,
                                    v1::LEFTOVER_DISPOSITION_UNSPECIFIED))
          .status();
  EXPECT_EQ(unsaid.code(), absl::StatusCode::kInvalidArgument) << unsaid;
  EXPECT_EQ(FieldOf(unsaid), "values.leftover");
  EXPECT_THAT(unsaid.message(), HasSubstr("3e+06 viable cells"));
  EXPECT_EQ(Steps(), steps);
  EXPECT_EQ(Records(), records);

  // Carried: kept for a side culture, which then takes all that is left
  // (and so says nothing of a leftover).
  CC_ASSERT_OK_AND_ASSIGN(
      auto p1,
      mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 1e6, 3,
                                    v1::LEFTOVER_DISPOSITION_CARRIED)));
  EXPECT_EQ(p1.step().values().leftover(), v1::LEFTOVER_DISPOSITION_CARRIED);
  absl::Status said =
      mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 3e6, 3,
                                    v1::LEFTOVER_DISPOSITION_CARRIED))
          .status();
  EXPECT_EQ(FieldOf(said), "values.leftover") << said;
  CC_ASSERT_OK(
      mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 3e6, 3,
                                    v1::LEFTOVER_DISPOSITION_UNSPECIFIED))
          .status());

  // P1 harvested 8e6; its seeding of 2e6 discards the 6e6 left.
  CC_ASSERT_OK(Harvest(p1.step().step_id(), Day(11), 8e6).status());
  CC_ASSERT_OK_AND_ASSIGN(
      auto p2,
      mfg_->SeedPassage(tina_, Seed(p1.step().step_id(), Day(11), 2e6, 3,
                                    v1::LEFTOVER_DISPOSITION_DISCARDED)));
  v1::GetBatchRequest get;
  get.set_batch_id(b.batch.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto shown, mfg_->GetBatch(get));
  for (const v1::Growth& g : shown.growth()) {
    if (g.step_id() == p1.step().step_id()) {
      EXPECT_DOUBLE_EQ(g.cells_remaining(), 0);
    }
  }
  for (const v1::Step& s : shown.steps()) {
    if (s.step_id() == p2.step().step_id()) {
      EXPECT_EQ(s.values().leftover(), v1::LEFTOVER_DISPOSITION_DISCARDED);
    }
  }
  absl::Status gone =
      mfg_->SeedPassage(tina_, Seed(p1.step().step_id(), Day(11), 1e6))
          .status();
  EXPECT_EQ(ReasonOf(gone), kReasonLeftoverDiscarded) << gone;
  EXPECT_THAT(gone.message(), HasSubstr(p2.step().step_id()));

  // P2 harvested; its rest banked: no passage draws from it any more.
  CC_ASSERT_OK(Harvest(p2.step().step_id(), Day(14), 1.6e7).status());
  CC_ASSERT_OK(
      mfg_->SeedPassage(tina_, Seed(p2.step().step_id(), Day(14), 2e6, 3,
                                    v1::LEFTOVER_DISPOSITION_BANKED))
          .status());
  absl::Status banked =
      mfg_->SeedPassage(tina_, Seed(p2.step().step_id(), Day(14), 1e6))
          .status();
  EXPECT_EQ(ReasonOf(banked), kReasonLeftoverBanked) << banked;

  // A correction cannot discard what a later seeding drew on.
  CC_ASSERT_OK_AND_ASSIGN(shown, mfg_->GetBatch(get));
  const v1::Step& first = shown.steps(1);  // P1, carried
  ASSERT_EQ(first.step_id(), p1.step().step_id());
  v1::CorrectStepRequest correct;
  *correct.mutable_context() = Ctx("the rest was thrown away");
  correct.set_step_id(first.step_id());
  correct.set_revision(first.revision());
  *correct.mutable_values() = first.values();
  correct.mutable_values()->set_leftover(v1::LEFTOVER_DISPOSITION_DISCARDED);
  *correct.mutable_signature() = Performed();
  absl::Status corrected = mfg_->CorrectStep(tina_, correct).status();
  EXPECT_EQ(ReasonOf(corrected), kReasonLeftoverDiscarded) << corrected;
  ExpectEverySnapshotMatchesItsRow();
}

}  // namespace
}  // namespace cellchain::manufacturing
