// A process version's limits shown by GetProcess (issue 28): what the step
// rules apply — passage and doubling limits, the minimum doubling time,
// whether a limit is refused or a deviation, the verified step kinds, the
// server's collection-to-processing and late-entry windows, the vial fill
// volume — for the default process and a named one; an unknown version is
// NOT_FOUND.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/manufacturing/manufacturing_test_fixture.h"

namespace cellchain::manufacturing {
namespace {

using ::testing::ElementsAre;

TEST_F(ManufacturingTest, GetProcessShowsTheLimitsTheRulesApply) {
  ManufacturingOptions options;
  options.processes["RH-UCMSC-2.0-DRAFT"] =
      Process{.max_passage = 3,
              .max_cumulative_population_doublings = 18.5,
              .deviation_past_limits = true,
              .verified_kinds = {v1::STEP_KIND_PRODUCT_HARVEST},
              .vial_fill_ml = 1.8,
              .min_doubling_time = absl::Hours(20)};
  options.max_collection_to_processing = absl::Hours(36);
  options.late_entry_after = absl::Minutes(90);
  BuildAsConfigured(options);

  CC_ASSERT_OK_AND_ASSIGN(v1::GetProcessResponse standard,
                          mfg_->GetProcess(v1::GetProcessRequest()));
  const v1::ProcessLimits& d = standard.process();
  EXPECT_EQ(d.process_version(), "RH-UCMSC-1.0");
  EXPECT_TRUE(d.is_default());
  EXPECT_EQ(d.max_passage(), 5);
  EXPECT_DOUBLE_EQ(d.max_cumulative_population_doublings(), 30);
  EXPECT_DOUBLE_EQ(d.min_doubling_time_hours(), 15);
  EXPECT_FALSE(d.deviation_past_limits());
  EXPECT_THAT(d.verified_kinds(),
              ElementsAre(v1::STEP_KIND_PROCESSING, v1::STEP_KIND_PASSAGE,
                          v1::STEP_KIND_CRYOPRESERVATION, v1::STEP_KIND_THAW,
                          v1::STEP_KIND_PRODUCT_HARVEST));
  EXPECT_DOUBLE_EQ(d.max_collection_to_processing_hours(), 36);
  EXPECT_DOUBLE_EQ(d.late_entry_after_hours(), 1.5);
  EXPECT_DOUBLE_EQ(d.vial_fill_ml(), 1.0);
  EXPECT_THAT(standard.process_versions(),
              ElementsAre("RH-UCMSC-1.0", "RH-UCMSC-2.0-DRAFT"));

  v1::GetProcessRequest named;
  named.set_process_version("RH-UCMSC-2.0-DRAFT");
  CC_ASSERT_OK_AND_ASSIGN(v1::GetProcessResponse draft,
                          mfg_->GetProcess(named));
  const v1::ProcessLimits& p = draft.process();
  EXPECT_EQ(p.process_version(), "RH-UCMSC-2.0-DRAFT");
  EXPECT_FALSE(p.is_default());
  EXPECT_EQ(p.max_passage(), 3);
  EXPECT_DOUBLE_EQ(p.max_cumulative_population_doublings(), 18.5);
  EXPECT_DOUBLE_EQ(p.min_doubling_time_hours(), 20);
  EXPECT_TRUE(p.deviation_past_limits());
  EXPECT_THAT(p.verified_kinds(), ElementsAre(v1::STEP_KIND_PRODUCT_HARVEST));
  EXPECT_DOUBLE_EQ(p.vial_fill_ml(), 1.8);

  // A batch started under the version shown is held to it.
  donor::v1::DonorLot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot, "RH-UCMSC-2.0-DRAFT"));
  EXPECT_EQ(batch.process_version(), p.process_version());

  named.set_process_version("RH-UCMSC-9.9");
  absl::Status unknown = mfg_->GetProcess(named).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound) << unknown;
  EXPECT_EQ(ReasonOf(unknown), kReasonProcessNotFound);
  EXPECT_THAT(unknown.message(), ::testing::HasSubstr("RH-UCMSC-9.9"));
}

}  // namespace
}  // namespace cellchain::manufacturing
