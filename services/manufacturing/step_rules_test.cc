#include "services/manufacturing/step_rules.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/manufacturing/step_values.h"

namespace cellchain::manufacturing {
namespace {

// Hour 0 is 2025-01-01T00:00:00Z; the cord was collected 24 h before it.
constexpr int64_t kHour0 = 1735689600;
// The service's clock when Clean checks a step's times: two days later.
const absl::Time kNow = absl::FromUnixSeconds(kHour0) + absl::Hours(48);

google::protobuf::Timestamp Hour(int h) {
  google::protobuf::Timestamp t;
  t.set_seconds(kHour0 + int64_t{h} * 3600);
  return t;
}

// A culture seeded at `seeded_h` and, when `harvested` > 0, harvested at
// `harvested_h` and verified.
v1::Step Culture(std::string id, v1::StepKind kind, int passage,
                 std::string source, double seeded, int seeded_h,
                 double harvested, int harvested_h,
                 std::vector<std::string> items) {
  v1::Step s;
  s.set_step_id(std::move(id));
  s.set_kind(kind);
  s.set_passage_number(passage);
  s.set_source_step_id(std::move(source));
  s.set_revision(1);
  s.set_status(harvested > 0 ? v1::STEP_STATUS_VERIFIED
                             : v1::STEP_STATUS_IN_PROGRESS);
  v1::StepValues& v = *s.mutable_values();
  v.set_seeded_viable_cells(seeded);
  *v.mutable_seeded_at() = Hour(seeded_h);
  if (harvested > 0) {
    v.set_harvested_viable_cells(harvested);
    *v.mutable_harvested_at() = Hour(harvested_h);
  }
  for (std::string& item : items) s.add_item_ids(std::move(item));
  return s;
}

// P0 (an explant, its seeding not counted) harvests 2e6 on day 10; P1
// seeds 1e6 of them and harvests 8e6 on day 13: PD 3, cumulative 3, and
// 1e6 left in P0.
BatchView TwoPassages() {
  BatchView view;
  view.batch.set_batch_id("bat_1");
  view.batch.set_state(v1::BATCH_STATE_IN_PROCESS);
  view.collected_at = absl::FromUnixSeconds(kHour0) - absl::Hours(24);
  view.donor_lot_item_id = "itm_lot";
  view.steps.push_back(
      Culture("p0", v1::STEP_KIND_PROCESSING, 0, "", 0, 0, 2e6, 240, {"v0"}));
  view.steps.push_back(Culture("p1", v1::STEP_KIND_PASSAGE, 1, "p0", 1e6, 240,
                               8e6, 312, {"v1b", "v1a"}));
  return view;
}

v1::StepValues Seeding(double cells, int h) {
  v1::StepValues v;
  v.set_seeded_viable_cells(cells);
  *v.mutable_seeded_at() = Hour(h);
  return v;
}

// `v` saying the cells the seeding leaves in its source are kept for later
// steps (a seeding that leaves cells must say, CheckLeftoverStated).
v1::StepValues Carried(v1::StepValues v) {
  v.set_leftover(v1::LEFTOVER_DISPOSITION_CARRIED);
  return v;
}

absl::StatusOr<Plan> Plan_(const BatchView& view, v1::StepKind kind,
                           const std::string& source,
                           const v1::StepValues& values,
                           const Process& process = {}, const Uses& uses = {},
                           int new_items = 1) {
  return PlanStep(view, process, ManufacturingOptions{}, uses, kind, source,
                  values, new_items);
}

void ExpectRefused(const absl::Status& status, absl::StatusCode code,
                   std::string_view reason, std::string_view message) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(ReasonOf(status), reason) << status;
  EXPECT_EQ(std::string(status.message()), message);
}

TEST(PlanStepTest, ProcessingDrawsFromTheDonorLotAndRecordsALateStart) {
  BatchView view = TwoPassages();
  view.steps.clear();
  // 24 h + 24 h = 48 h after the collection: at the limit, no deviation.
  absl::StatusOr<Plan> plan =
      Plan_(view, v1::STEP_KIND_PROCESSING, "", Seeding(0, 24));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->passage_number, 0);
  ASSERT_EQ(plan->parents.size(), 1u);
  EXPECT_EQ(plan->parents[0].parent_item_id(), "itm_lot");
  EXPECT_EQ(plan->parents[0].kind(), custody::v1::DERIVATION_KIND_PROCESSING);
  EXPECT_TRUE(plan->raised.empty());
  // 24 h + 26 h 30 min = 50 h 30 min: past the 48 h, a deviation to assess.
  v1::StepValues late = Seeding(0, 26);
  late.mutable_seeded_at()->set_seconds(late.seeded_at().seconds() + 1800);
  plan = Plan_(view, v1::STEP_KIND_PROCESSING, "", late);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->raised.size(), 1u);
  EXPECT_EQ(plan->raised[0].rule, kReasonCollectionToProcessing);
  EXPECT_EQ(plan->raised[0].description,
            "processing started 50 h 30 min after the cord's collection; the "
            "limit is 48 h");
  // Before the collection (hour -24): not a time processing can start.
  absl::Status early =
      Plan_(view, v1::STEP_KIND_PROCESSING, "", Seeding(0, -25)).status();
  EXPECT_EQ(early.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(early), "values.seeded_at");
}

TEST(PlanStepTest, OnlyABatchInProcessTakesSteps) {
  BatchView view = TwoPassages();
  view.batch.set_state(v1::BATCH_STATE_ABORTED);
  ExpectRefused(
      Plan_(view, v1::STEP_KIND_PASSAGE, "p1", Seeding(1e6, 320)).status(),
      absl::StatusCode::kFailedPrecondition, kReasonBatchState,
      "batch bat_1 is ABORTED: no step is recorded on it");
}

TEST(PlanStepTest, NothingFollowsTheProductHarvest) {
  // Harvested, not yet verified: the batch is still in process.
  BatchView view = TwoPassages();
  view.batch.set_product_step_id("ph");
  ExpectRefused(
      Plan_(view, v1::STEP_KIND_PASSAGE, "p1", Seeding(1e6, 320)).status(),
      absl::StatusCode::kFailedPrecondition, kReasonBatchState,
      "batch bat_1's product lot was harvested (step ph): no step is "
      "recorded on it; a second person's verification of that step sends it "
      "to release testing");
}

TEST(PlanStepTest, ABatchIsProcessedOnce) {
  ExpectRefused(
      Plan_(TwoPassages(), v1::STEP_KIND_PROCESSING, "", Seeding(0, 0))
          .status(),
      absl::StatusCode::kFailedPrecondition, kReasonStepExists,
      "batch bat_1 was processed already (step p0)");
}

TEST(PlanStepTest, APassageDrawsFromItsSourceAndWhatItUses) {
  Uses uses;
  v1::MaterialLot& medium = uses.materials["mat_1"];
  medium.set_material_id("mat_1");
  medium.set_status(v1::MATERIAL_STATUS_RELEASED);
  medium.set_expires_on("2026-01-01");
  medium.set_item_id("itm_mat");
  v1::Equipment& hood = uses.equipment["eqp_1"];
  hood.set_equipment_id("eqp_1");
  hood.set_status(v1::EQUIPMENT_STATUS_IN_SERVICE);
  hood.set_calibrated_on("2024-06-01");
  hood.set_calibration_due("2026-01-01");
  hood.set_item_id("itm_eqp");
  v1::StepValues values = Carried(Seeding(2e6, 312));
  values.add_materials()->set_material_id("mat_1");
  values.add_equipment_ids("eqp_1");
  absl::StatusOr<Plan> plan = Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1",
                                    values, Process{}, uses);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->passage_number, 2);
  EXPECT_TRUE(plan->raised.empty());
  EXPECT_TRUE(plan->end_after.empty());
  // In custody's order, by parent id.
  std::vector<std::pair<std::string, custody::v1::DerivationKind>> parents;
  for (const custody::v1::ParentLink& p : plan->parents) {
    parents.emplace_back(p.parent_item_id(), p.kind());
  }
  EXPECT_EQ(parents,
            (std::vector<std::pair<std::string, custody::v1::DerivationKind>>{
                {"itm_eqp", custody::v1::DERIVATION_KIND_EQUIPMENT},
                {"itm_mat", custody::v1::DERIVATION_KIND_MATERIAL},
                {"v1a", custody::v1::DERIVATION_KIND_PASSAGE},
                {"v1b", custody::v1::DERIVATION_KIND_PASSAGE}}));
}

TEST(PlanStepTest, CellsAreDrawnFromAHarvestedSourceOnlyAfterItsHarvest) {
  BatchView view = TwoPassages();
  absl::Status before =
      Plan_(view, v1::STEP_KIND_PASSAGE, "p1", Seeding(1e6, 311)).status();
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(before), "values.seeded_at");

  view.steps[1] =
      Culture("p1", v1::STEP_KIND_PASSAGE, 1, "p0", 1e6, 240, 0, 0, {"v1"});
  ExpectRefused(
      Plan_(view, v1::STEP_KIND_PASSAGE, "p1", Seeding(1e6, 400)).status(),
      absl::StatusCode::kFailedPrecondition, kReasonSourceNotHarvested,
      "P1 step p1 is still in culture: record its harvest first");

  absl::Status missing =
      Plan_(view, v1::STEP_KIND_PASSAGE, "p9", Seeding(1e6, 400)).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(missing), "STEP_NOT_FOUND");
}

TEST(PlanStepTest, NoMoreCellsAreDrawnThanWereHarvested) {
  // P1 harvested 8e6: all of them may be seeded, not 8.5e6.
  EXPECT_TRUE(
      Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1", Seeding(8e6, 320))
          .ok());
  ExpectRefused(
      Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1", Seeding(8.5e6, 320))
          .status(),
      absl::StatusCode::kFailedPrecondition, kReasonCellsExceeded,
      "P1 passage p1 has 8e+06 viable cells: 5e+05 more would be drawn from "
      "it than it has");
  // P0 has 2e6 - 1e6 = 1e6 left; a cryopreservation of 2 vials of 6e5
  // would take 1.2e6.
  v1::StepValues vials;
  vials.set_cells_per_vial(6e5);
  *vials.mutable_frozen_at() = Hour(300);
  ExpectRefused(Plan_(TwoPassages(), v1::STEP_KIND_CRYOPRESERVATION, "p0",
                      vials, Process{}, Uses{}, /*new_items=*/2)
                    .status(),
                absl::StatusCode::kFailedPrecondition, kReasonCellsExceeded,
                "P0 processing p0 has 2e+06 viable cells: 2e+05 more would "
                "be drawn from it than it has");
}

TEST(PlanStepTest, PastAProcessLimitIsRefusedOrADeviation) {
  Process process;
  process.max_passage = 1;
  ExpectRefused(Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1",
                      Carried(Seeding(1e6, 320)), process)
                    .status(),
                absl::StatusCode::kFailedPrecondition, kReasonPassageLimit,
                "P2 is past the process's limit of P1");
  process.deviation_past_limits = true;
  absl::StatusOr<Plan> plan = Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1",
                                    Carried(Seeding(1e6, 320)), process);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->passage_number, 2);
  ASSERT_EQ(plan->raised.size(), 1u);
  EXPECT_EQ(plan->raised[0].rule, kReasonPassageLimit);

  // P1's cells have 0 + log2(8e6 / 1e6) = 3 cumulative doublings.
  Process pd;
  pd.max_cumulative_population_doublings = 2.5;
  ExpectRefused(Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1",
                      Carried(Seeding(1e6, 320)), pd)
                    .status(),
                absl::StatusCode::kFailedPrecondition, kReasonCumulativePdLimit,
                "the cells of step p1 have 3.00 cumulative population "
                "doublings, past the process's limit of 2.50");
  pd.max_cumulative_population_doublings = 3;
  EXPECT_TRUE(Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1",
                    Carried(Seeding(1e6, 320)), pd)
                  .ok());
}

TEST(PlanStepTest, ASeedingSaysWhatBecameOfTheCellsItLeft) {
  // P1 harvested 8e6: seeding 2e6 of them leaves 6e6.
  absl::Status unsaid =
      Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1", Seeding(2e6, 320))
          .status();
  EXPECT_EQ(unsaid.code(), absl::StatusCode::kInvalidArgument) << unsaid;
  EXPECT_EQ(FieldOf(unsaid), "values.leftover");
  EXPECT_EQ(std::string(unsaid.message()),
            "values.leftover: required: this seeding leaves 6e+06 viable "
            "cells in step p1: say whether they were DISCARDED, BANKED (kept "
            "for a cryopreservation) or CARRIED (kept for later steps)");
  EXPECT_TRUE(Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1",
                    Carried(Seeding(2e6, 320)))
                  .ok());
  // All 8e6 seeded: nothing is left to say anything of.
  EXPECT_TRUE(
      Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1", Seeding(8e6, 320))
          .ok());
  absl::Status nothing_left = Plan_(TwoPassages(), v1::STEP_KIND_PASSAGE, "p1",
                                    Carried(Seeding(8e6, 320)))
                                  .status();
  EXPECT_EQ(FieldOf(nothing_left), "values.leftover") << nothing_left;

  // Discarded: the rest is gone, for a seeding and a bank alike.
  auto after = [](v1::LeftoverDisposition leftover) {
    BatchView view = TwoPassages();
    view.steps.push_back(
        Culture("p2", v1::STEP_KIND_PASSAGE, 2, "p1", 2e6, 320, 0, 0, {"v2"}));
    view.steps.back().mutable_values()->set_leftover(leftover);
    return view;
  };
  BatchView discarded = after(v1::LEFTOVER_DISPOSITION_DISCARDED);
  EXPECT_EQ(ComputeGrowth(FactsOf(discarded.steps))["p1"].cells_remaining, 0);
  v1::StepValues freeze;
  freeze.set_bank_kind(v1::BANK_KIND_MASTER);
  freeze.set_cells_per_vial(1e6);
  *freeze.mutable_frozen_at() = Hour(321);
  for (auto [kind, values] :
       {std::pair{v1::STEP_KIND_PASSAGE, Seeding(1e6, 321)},
        std::pair{v1::STEP_KIND_CRYOPRESERVATION, freeze}}) {
    ExpectRefused(Plan_(discarded, kind, "p1", values, {}, {}, 2).status(),
                  absl::StatusCode::kFailedPrecondition,
                  kReasonLeftoverDiscarded,
                  "P1 passage p1's leftover cells were discarded when "
                  "passage p2 was seeded: nothing more is drawn from it");
  }
  // Banked: only a cryopreservation draws from it.
  BatchView banked = after(v1::LEFTOVER_DISPOSITION_BANKED);
  ExpectRefused(
      Plan_(banked, v1::STEP_KIND_PASSAGE, "p1", Seeding(1e6, 321)).status(),
      absl::StatusCode::kFailedPrecondition, kReasonLeftoverBanked,
      "P1 passage p1's leftover cells were kept for a bank when passage p2 "
      "was seeded: only a cryopreservation draws from it");
  EXPECT_TRUE(
      Plan_(banked, v1::STEP_KIND_CRYOPRESERVATION, "p1", freeze, {}, {}, 2)
          .ok());
  // Carried: anything may follow.
  EXPECT_TRUE(Plan_(after(v1::LEFTOVER_DISPOSITION_CARRIED),
                    v1::STEP_KIND_PASSAGE, "p1", Carried(Seeding(1e6, 321)))
                  .ok());
}

TEST(PlanStepTest, ThawedCellsDrawFromTheVialWhichEndsAfterwards) {
  BatchView view = TwoPassages();
  v1::Step cryo;
  cryo.set_step_id("cryo");
  cryo.set_kind(v1::STEP_KIND_CRYOPRESERVATION);
  cryo.set_passage_number(1);
  cryo.set_source_step_id("p1");
  cryo.set_status(v1::STEP_STATUS_VERIFIED);
  cryo.mutable_values()->set_cells_per_vial(1e6);
  *cryo.mutable_values()->mutable_frozen_at() = Hour(312);
  cryo.add_vials()->set_item_id("vial_1");
  cryo.add_vials()->set_item_id("vial_2");
  v1::Step thaw;
  thaw.set_step_id("thaw");
  thaw.set_kind(v1::STEP_KIND_THAW);
  thaw.set_passage_number(1);
  thaw.set_source_step_id("cryo");
  thaw.set_status(v1::STEP_STATUS_PERFORMED);
  thaw.mutable_values()->set_vial_item_id("vial_2");
  thaw.mutable_values()->set_harvested_viable_cells(9e5);
  *thaw.mutable_values()->mutable_thawed_at() = Hour(400);
  view.steps.push_back(cryo);
  view.steps.push_back(thaw);

  // Seeded before the thaw: refused; at it, with all 9e5 cells: planned.
  EXPECT_EQ(Plan_(view, v1::STEP_KIND_PASSAGE, "thaw", Seeding(9e5, 399))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Plan> plan =
      Plan_(view, v1::STEP_KIND_PASSAGE, "thaw", Seeding(9e5, 400));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->passage_number, 2);
  ASSERT_EQ(plan->parents.size(), 1u);
  EXPECT_EQ(plan->parents[0].parent_item_id(), "vial_2");
  EXPECT_EQ(plan->parents[0].kind(), custody::v1::DERIVATION_KIND_THAW);
  EXPECT_EQ(plan->end_after, std::vector<std::string>{"vial_2"});
  EXPECT_EQ(Plan_(view, v1::STEP_KIND_PASSAGE, "thaw", Seeding(9.1e5, 400))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);

  // A cryopreservation is not a source of cells to seed.
  ExpectRefused(
      Plan_(view, v1::STEP_KIND_PASSAGE, "cryo", Seeding(1e6, 400)).status(),
      absl::StatusCode::kFailedPrecondition, kReasonStepKind,
      "step cryo is a cryopreservation: cells are drawn from a harvested "
      "culture or a thawed vial");
}

TEST(PlanStepTest, TheProductIsHarvestedOnlyFromAVerifiedRecord) {
  BatchView view = TwoPassages();
  view.steps[0].set_status(v1::STEP_STATUS_PERFORMED);
  v1::StepValues product;
  product.set_harvested_viable_cells(5e6);
  *product.mutable_harvested_at() = Hour(320);
  ExpectRefused(
      Plan_(view, v1::STEP_KIND_PRODUCT_HARVEST, "p1", product).status(),
      absl::StatusCode::kFailedPrecondition, kReasonStepNotVerified,
      "P0 processing step p0 revision 1 awaits a second person's "
      "verification");
  // A process that verifies no processing step harvests it.
  Process process;
  process.verified_kinds = {v1::STEP_KIND_PASSAGE};
  absl::StatusOr<Plan> plan =
      Plan_(view, v1::STEP_KIND_PRODUCT_HARVEST, "p1", product, process);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->parents.size(), 2u);
  EXPECT_EQ(plan->parents[0].parent_item_id(), "v1a");
  EXPECT_EQ(plan->parents[0].kind(), custody::v1::DERIVATION_KIND_HARVEST);
}

Uses OneOfEach() {
  Uses uses;
  v1::MaterialLot& m = uses.materials["mat_1"];
  m.set_material_id("mat_1");
  m.set_material_code("MAT-0000AAAA");
  m.set_name("alpha-MEM");
  m.set_supplier_lot("L7");
  m.set_status(v1::MATERIAL_STATUS_RELEASED);
  m.set_expires_on("2025-01-14");
  v1::Equipment& e = uses.equipment["eqp_1"];
  e.set_equipment_id("eqp_1");
  e.set_asset_tag("BSC-01");
  e.set_name("safety cabinet");
  e.set_status(v1::EQUIPMENT_STATUS_IN_SERVICE);
  e.set_calibration_due("2025-01-14");
  return uses;
}

TEST(CheckUsesTest, ReleasedUnexpiredAndCalibratedOnTheDayOfUse) {
  v1::StepValues values;
  values.add_materials()->set_material_id("mat_1");
  values.add_equipment_ids("eqp_1");
  const absl::Time jan14 =
      absl::FromUnixSeconds(kHour0) + absl::Hours(13 * 24 + 23);
  const absl::Time jan15 = jan14 + absl::Hours(1);
  // Expiry and calibration due on the 14th: usable through that day.
  EXPECT_TRUE(CheckUses(OneOfEach(), values, jan14).ok());
  ExpectRefused(CheckUses(OneOfEach(), values, jan15),
                absl::StatusCode::kFailedPrecondition, kReasonMaterialExpired,
                "material lot MAT-0000AAAA (alpha-MEM) expired on 2025-01-14, "
                "before its use on 2025-01-15");

  Uses quarantined = OneOfEach();
  quarantined.materials["mat_1"].set_status(v1::MATERIAL_STATUS_QUARANTINE);
  ExpectRefused(CheckUses(quarantined, values, jan14),
                absl::StatusCode::kFailedPrecondition,
                kReasonMaterialNotReleased,
                "material lot MAT-0000AAAA (alpha-MEM, lot L7) is QUARANTINE: "
                "only a lot QA released can be used");

  Uses renewed = OneOfEach();
  renewed.materials["mat_1"].set_expires_on("2026-01-01");
  ExpectRefused(CheckUses(renewed, values, jan15),
                absl::StatusCode::kFailedPrecondition,
                kReasonCalibrationOverdue,
                "BSC-01 (safety cabinet) was due for calibration on "
                "2025-01-14, before its use on 2025-01-15");
  renewed.equipment["eqp_1"].set_status(v1::EQUIPMENT_STATUS_OUT_OF_SERVICE);
  renewed.equipment["eqp_1"].set_status_reason("HEPA filter failed");
  ExpectRefused(CheckUses(renewed, values, jan14),
                absl::StatusCode::kFailedPrecondition,
                kReasonEquipmentOutOfService,
                "BSC-01 (safety cabinet) is out of service: HEPA filter "
                "failed");
}

TEST(StepValuesTest, DatesCellsAndPercentages) {
  EXPECT_TRUE(RequireDate("2025-02-28", "d").ok());
  EXPECT_FALSE(RequireDate("2025-02-29", "d").ok());  // not a leap year
  EXPECT_FALSE(RequireDate("2025-2-28", "d").ok());
  EXPECT_FALSE(RequireDate("1999-12-31", "d").ok());
  EXPECT_TRUE(RequireCells(1e13, "c").ok());
  EXPECT_FALSE(RequireCells(1.0001e13, "c").ok());
  EXPECT_FALSE(RequireCells(0, "c").ok());
  EXPECT_TRUE(RequirePercent(0, "p", /*zero_allowed=*/true).ok());
  EXPECT_FALSE(RequirePercent(0, "p", /*zero_allowed=*/false).ok());
  EXPECT_FALSE(RequirePercent(100.5, "p", true).ok());
}

TEST(StepValuesTest, CleanKeepsOnlyWhatTheKindRecords) {
  v1::StepValues in;
  in.set_method(v1::PROCESSING_METHOD_ENZYMATIC);
  in.set_tissue_grams(12.5);
  in.set_vessel_type("T175");
  in.set_vessel_count(4);
  *in.mutable_seeded_at() = Hour(0);
  in.set_seeded_viable_cells(3e6);
  in.set_cells_per_vial(1e6);  // a cryopreservation's: dropped
  absl::StatusOr<v1::StepValues> out =
      Clean(v1::STEP_KIND_PROCESSING, in, /*harvested=*/false, kNow);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->cells_per_vial(), 0);
  EXPECT_EQ(out->seeded_viable_cells(), 3e6);
  EXPECT_EQ(UsedAt(v1::STEP_KIND_PROCESSING, *out, false),
            absl::FromUnixSeconds(kHour0));
  // An explant culture starts from tissue: a cell count is refused.
  in.set_method(v1::PROCESSING_METHOD_EXPLANT);
  absl::Status explant =
      Clean(v1::STEP_KIND_PROCESSING, in, false, kNow).status();
  EXPECT_EQ(FieldOf(explant), "values.seeded_viable_cells");
  // A harvest no later than the seeding.
  in.set_method(v1::PROCESSING_METHOD_ENZYMATIC);
  *in.mutable_harvested_at() = Hour(0);
  in.set_harvested_viable_cells(6e6);
  in.set_viability_percent(95);
  EXPECT_EQ(FieldOf(Clean(v1::STEP_KIND_PROCESSING, in, true, kNow).status()),
            "values.harvested_at");
}

TEST(StepRulesTest, EnumLabelDropsTheTypesPrefixByName) {
  EXPECT_EQ(EnumLabel(v1::BatchState_Name(v1::BATCH_STATE_QC_PENDING),
                      "BATCH_STATE_"),
            "QC_PENDING");
  EXPECT_EQ(EnumLabel(v1::MaterialStatus_Name(v1::MATERIAL_STATUS_RELEASED),
                      "MATERIAL_STATUS_"),
            "RELEASED");
  // A name without the prefix stays whole.
  EXPECT_EQ(EnumLabel("PASSAGE", "BATCH_STATE_"), "PASSAGE");
}

TEST(StepValuesTest, ATimeIsInThePastOfTheServicesClock) {
  v1::StepValues in;
  in.set_vessel_type("T175");
  in.set_vessel_count(2);
  *in.mutable_seeded_at() = Hour(49);
  in.set_seeded_viable_cells(1e6);
  // An hour after the clock's now: more than the allowed skew ahead.
  absl::Status early = Clean(v1::STEP_KIND_PASSAGE, in, false, kNow).status();
  EXPECT_EQ(early.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(early), "values.seeded_at");
  // Once the clock has moved on, the same time is in the past.
  EXPECT_TRUE(
      Clean(v1::STEP_KIND_PASSAGE, in, false, kNow + absl::Hours(2)).ok());
}

TEST(StepRulesTest, AStepIsNotPerformedBeforeTheBatchALotOrACalibration) {
  v1::Batch batch;
  batch.set_batch_id("bat_1");
  *batch.mutable_started_at() = Hour(0);
  Uses uses;
  v1::MaterialLot& medium = uses.materials["mat_1"];
  medium.set_material_id("mat_1");
  medium.set_material_code("MAT-MEDIUM01");
  *medium.mutable_received_at() = Hour(2);
  *medium.mutable_dispositioned_at() = Hour(5);
  v1::Equipment& incubator = uses.equipment["eqp_1"];
  incubator.set_asset_tag("INC-01");
  incubator.set_calibrated_on("2025-01-02");  // hour 24 is its first hour
  v1::StepValues none;
  v1::StepValues with_medium;
  with_medium.add_materials()->set_material_id("mat_1");
  v1::StepValues with_incubator;
  with_incubator.add_equipment_ids("eqp_1");
  auto at = [](int h) { return fields::ToTime(Hour(h)); };

  absl::Status early =
      CheckPerformedAt(batch, uses, none, at(-1), "values.seeded_at");
  EXPECT_EQ(ReasonOf(early), kReasonBeforeBatchStart) << early;
  EXPECT_EQ(FieldOf(early), "values.seeded_at");
  EXPECT_TRUE(CheckPerformedAt(batch, uses, none, at(0), "x").ok());

  absl::Status unreleased =
      CheckPerformedAt(batch, uses, with_medium, at(4), "values.frozen_at");
  EXPECT_EQ(ReasonOf(unreleased), kReasonBeforeMaterialRelease) << unreleased;
  EXPECT_EQ(FieldOf(unreleased), "values.frozen_at");
  EXPECT_NE(unreleased.message().find("MAT-MEDIUM01"), absl::string_view::npos);
  EXPECT_TRUE(CheckPerformedAt(batch, uses, with_medium, at(5), "x").ok());

  // By day: any time of the calibration's day counts as after it.
  absl::Status uncalibrated = CheckPerformedAt(batch, uses, with_incubator,
                                               at(23), "values.harvested_at");
  EXPECT_EQ(ReasonOf(uncalibrated), kReasonBeforeCalibration) << uncalibrated;
  EXPECT_EQ(FieldOf(uncalibrated), "values.harvested_at");
  EXPECT_TRUE(CheckPerformedAt(batch, uses, with_incubator, at(24), "x").ok());
}

TEST(StepRulesTest, AnEntryPastTheWindowIsLateAndNeedsAReason) {
  const absl::Time performed = fields::ToTime(Hour(10));
  const absl::Duration window = absl::Hours(1);
  // In time: nothing to say, or what the person said.
  auto in_time = LateEntryReason(performed, performed + absl::Minutes(60),
                                 window, "values.seeded_at", "");
  ASSERT_TRUE(in_time.ok()) << in_time.status();
  EXPECT_EQ(*in_time, "");
  auto declared = LateEntryReason(performed, performed + absl::Minutes(5),
                                  window, "values.seeded_at", "entered late");
  ASSERT_TRUE(declared.ok());
  EXPECT_EQ(*declared, "entered late");
  // A minute past the window: a reason is required, and blank is none.
  for (const char* blank : {"", "  \t"}) {
    absl::Status late =
        LateEntryReason(performed, performed + absl::Minutes(61), window,
                        "values.harvested_at", blank)
            .status();
    EXPECT_EQ(late.code(), absl::StatusCode::kInvalidArgument) << late;
    EXPECT_EQ(FieldOf(late), "late_entry_reason");
    EXPECT_NE(late.message().find("values.harvested_at"),
              absl::string_view::npos)
        << late;
    EXPECT_NE(late.message().find("1 h 01 min"), absl::string_view::npos)
        << late;
  }
  auto given =
      LateEntryReason(performed, performed + absl::Hours(24 * 3), window,
                      "values.harvested_at", "counter was offline");
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(*given, "counter was offline");
  EXPECT_EQ(LateEntryAuditReason(*given), "late entry: counter was offline");
  EXPECT_EQ(LateEntryAuditReason(""), "");
}

TEST(StepRulesTest, ABatchStartOrReleaseIsDatedAsItHappened) {
  const absl::Time now = fields::ToTime(Hour(100));
  const absl::Duration window = absl::Hours(1);
  google::protobuf::Timestamp unset;
  // Not given: the service clock's now, in time.
  auto now_entered = EnteredAt(unset, false, "started_at", "", now, window);
  ASSERT_TRUE(now_entered.ok()) << now_entered.status();
  EXPECT_EQ(now_entered->at, now);
  EXPECT_EQ(now_entered->late_entry_reason, "");
  // Two days back, as the paper record says: a late entry, under the rule a
  // step is held to.
  absl::Status late =
      EnteredAt(Hour(52), true, "released_at", " ", now, window).status();
  EXPECT_EQ(late.code(), absl::StatusCode::kInvalidArgument) << late;
  EXPECT_EQ(FieldOf(late), "late_entry_reason");
  EXPECT_NE(late.message().find("released_at"), absl::string_view::npos)
      << late;
  EXPECT_NE(late.message().find("2 d"), absl::string_view::npos) << late;
  auto backdated = EnteredAt(Hour(52), true, "released_at",
                             "paper record transcribed", now, window);
  ASSERT_TRUE(backdated.ok()) << backdated.status();
  EXPECT_EQ(backdated->at, fields::ToTime(Hour(52)));
  EXPECT_EQ(backdated->late_entry_reason, "paper record transcribed");
  // Half an hour back: in time.
  google::protobuf::Timestamp half_hour = Hour(100);
  half_hour.set_seconds(half_hour.seconds() - 1800);
  auto recent = EnteredAt(half_hour, true, "received_at", "", now, window);
  ASSERT_TRUE(recent.ok()) << recent.status();
  EXPECT_EQ(recent->at, now - absl::Minutes(30));
  EXPECT_EQ(recent->late_entry_reason, "");
  // Never in the future (beyond the clock skew), whatever the reason.
  absl::Status future =
      EnteredAt(Hour(101), true, "received_at", "typed ahead", now, window)
          .status();
  EXPECT_EQ(future.code(), absl::StatusCode::kInvalidArgument) << future;
  EXPECT_EQ(FieldOf(future), "received_at");
}

TEST(StepRulesTest, AHarvestFasterThanTheMinimumDoublingTimeIsImplausible) {
  // P1 seeded with 1e6 at hour 240; 15 h per doubling at the fastest.
  v1::Step p1 =
      Culture("p1", v1::STEP_KIND_PASSAGE, 1, "p0", 1e6, 240, 0, 0, {});
  auto harvest = [&](double cells, int h) {
    v1::StepValues v = p1.values();
    v.set_harvested_viable_cells(cells);
    *v.mutable_harvested_at() = Hour(h);
    return v;
  };
  Process process;
  std::vector<Raised> raised;
  // 3 doublings in 45 h: one per 15 h, the fastest allowed.
  EXPECT_TRUE(CheckGrowth(process, p1, harvest(8e6, 285), raised).ok());
  // 4 doublings (1.6e7) in 48 h: 3.2 allowed.
  absl::Status fast = CheckGrowth(process, p1, harvest(1.6e7, 288), raised);
  ExpectRefused(fast, absl::StatusCode::kFailedPrecondition,
                kReasonImplausibleGrowth,
                "P1 passage p1: 1.6e+07 viable cells harvested from 1e+06 "
                "seeded are 4.00 population doublings in 48.0 h (one per "
                "12.0 h), more than the 3.20 the process's minimum doubling "
                "time of 15.0 h allows: check the counts");
  EXPECT_TRUE(raised.empty());
  // Fewer cells than seeded, or an explant's uncounted seeding: nothing.
  EXPECT_TRUE(CheckGrowth(process, p1, harvest(5e5, 241), raised).ok());
  v1::Step explant =
      Culture("p0", v1::STEP_KIND_PROCESSING, 0, "", 0, 0, 0, 0, {});
  v1::StepValues grown = explant.values();
  grown.set_harvested_viable_cells(1e9);
  *grown.mutable_harvested_at() = Hour(1);
  EXPECT_TRUE(CheckGrowth(process, explant, grown, raised).ok());
  EXPECT_TRUE(raised.empty());
  // Where the process says so: a deviation instead.
  process.deviation_past_limits = true;
  EXPECT_TRUE(CheckGrowth(process, p1, harvest(1.6e7, 288), raised).ok());
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].rule, kReasonImplausibleGrowth);
  // A process whose cells may double every 12 h takes the same harvest.
  Process faster{.min_doubling_time = absl::Hours(12)};
  raised.clear();
  EXPECT_TRUE(CheckGrowth(faster, p1, harvest(1.6e7, 288), raised).ok());
  EXPECT_TRUE(raised.empty());
}

}  // namespace
}  // namespace cellchain::manufacturing
