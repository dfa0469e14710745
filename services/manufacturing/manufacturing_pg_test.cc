// The manufacturing rules against a real PostgreSQL, with the real custody
// and identity services behind it (the donor service is represented by its
// port: a donor lot here is a custody item with a state): a batch starts
// only from an AVAILABLE lot; steps use only released, unexpired material
// lots and equipment in service and calibration; population doublings
// follow the hand-computed values; limits refuse or raise a deviation as
// the process says; four eyes on verification; corrections add revisions;
// cells are never drawn twice, even by concurrent steps; vessels and vials
// are custody items derived from their parents and linked to the lots and
// equipment used; the product harvest sends the batch to QC_PENDING.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/manufacturing/manufacturing_test_fixture.h"

// The fixture (users, requests, the services) is in
// manufacturing_test_fixture.h.
namespace cellchain::manufacturing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kQaPassword;

TEST_F(ManufacturingTest, ABatchStartsOnlyFromAnAvailableDonorLot) {
  donor::v1::DonorLot quarantined = MakeLot(donor::v1::LOT_STATE_QUARANTINE);
  absl::Status refused = Start(quarantined).status();
  EXPECT_EQ(ReasonOf(refused), kReasonDonorLotNotAvailable) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("QUARANTINE"));
  donor::v1::DonorLot lot = MakeLot();
  refused = Start(lot, "RH-UCMSC-0.9").status();
  EXPECT_EQ(ReasonOf(refused), kReasonProcessUnknown) << refused;
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_manufacturing.batches"), 0);

  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot));
  EXPECT_EQ(batch.state(), v1::BATCH_STATE_IN_PROCESS);
  EXPECT_EQ(batch.process_version(), "RH-UCMSC-1.0");
  EXPECT_EQ(batch.din(), lot.din());
  EXPECT_THAT(History("batch", batch.batch_id()),
              ElementsAre("batch.start by tina"));

  // One cord, one batch: the lot is not available for a second batch...
  const int64_t records = Records();
  refused = Start(lot).status();
  EXPECT_EQ(ReasonOf(refused), kReasonDonorLotNotAvailable) << refused;
  EXPECT_THAT(refused.message(), HasSubstr(batch.batch_id()));
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_manufacturing.batches"), 1);
  // ... unless the first was aborted.
  v1::AbortBatchRequest abort;
  *abort.mutable_context() = Ctx();
  abort.mutable_context()->set_reason("wrong lot scanned at the bench");
  abort.set_batch_id(batch.batch_id());
  *abort.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_REJECTED);
  CC_ASSERT_OK(mfg_->AbortBatch(qa_, abort).status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch second, Start(lot));
  EXPECT_NE(second.batch_id(), batch.batch_id());
}

TEST_F(ManufacturingTest, OnlyReleasedUnexpiredMaterialsCanBeConsumed) {
  donor::v1::DonorLot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::MaterialLot lysate,
      Receive(v1::MATERIAL_KIND_SUPPLEMENT, "human platelet lysate",
              Date(absl::Now() + absl::Hours(24 * 90))));
  EXPECT_EQ(lysate.status(), v1::MATERIAL_STATUS_QUARANTINE);
  EXPECT_THAT(lysate.material_code(), ::testing::StartsWith("MAT-"));
  EXPECT_EQ(Item(lysate.item_id()).local_code(), lysate.material_code());

  v1::RecordProcessingRequest request = Processing(batch.batch_id(), T0());
  request.mutable_values()->add_materials()->set_material_id(
      lysate.material_id());
  int64_t items_before = Count("SELECT count(*) FROM cellchain_custody.items");
  absl::Status refused = mfg_->RecordProcessing(tina_, request).status();
  EXPECT_EQ(ReasonOf(refused), kReasonMaterialNotReleased) << refused;
  EXPECT_THAT(refused.message(), HasSubstr(lysate.material_code()));
  // Refused before anything was made: no step, no vessel in custody.
  EXPECT_EQ(Steps(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"),
            items_before);

  // Rejected stays unusable; an expired lot cannot be released.
  CC_ASSERT_OK_AND_ASSIGN(v1::MaterialLot rejected,
                          Disposition(lysate.material_id(), false));
  EXPECT_EQ(rejected.status(), v1::MATERIAL_STATUS_REJECTED);
  EXPECT_EQ(rejected.rejection_reason(), "certificate missing");
  EXPECT_EQ(ReasonOf(mfg_->RecordProcessing(tina_, request).status()),
            kReasonMaterialNotReleased);
  CC_ASSERT_OK_AND_ASSIGN(v1::MaterialLot old,
                          Receive(v1::MATERIAL_KIND_MEDIUM, "MEM alpha",
                                  Date(absl::Now() - absl::Hours(48))));
  EXPECT_EQ(ReasonOf(Disposition(old.material_id(), true).status()),
            kReasonMaterialExpired);

  // A lot released while valid, used after its expiry date.
  std::string medium = Medium();
  {
    auto conn = pg::Connection::Open(db_->conninfo());
    ASSERT_TRUE(conn.ok());
    // Time passes: the lot's expiry is now before the day of use.
    CC_ASSERT_OK(conn->Exec("UPDATE cellchain_manufacturing.materials SET "
                            "expires_on = $2::date WHERE material_id = $1",
                            {medium, Date(T0() - absl::Hours(24))})
                     .status());
  }
  v1::RecordProcessingRequest late = Processing(batch.batch_id(), T0());
  late.mutable_values()->add_materials()->set_material_id(medium);
  refused = mfg_->RecordProcessing(tina_, late).status();
  EXPECT_EQ(ReasonOf(refused), kReasonMaterialExpired) << refused;
  EXPECT_EQ(Steps(), 0);
  EXPECT_THAT(History("material_lot", lysate.material_id()),
              ElementsAre("material.receive by tina",
                          "material.reject by quinn REJECTED"));
}

TEST_F(ManufacturingTest, EquipmentOutOfServiceOrCalibrationIsRefused) {
  donor::v1::DonorLot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot));
  absl::Time now = absl::Now();
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Equipment overdue,
      Equipment("INC-01", now - absl::Hours(24 * 400), T0() - absl::Hours(24)));
  CC_ASSERT_OK_AND_ASSIGN(v1::Equipment good,
                          Equipment("INC-02", now - absl::Hours(24 * 30),
                                    now + absl::Hours(24 * 300)));
  v1::RecordProcessingRequest request = Processing(batch.batch_id(), T0());
  request.mutable_values()->add_equipment_ids(overdue.equipment_id());
  absl::Status refused = mfg_->RecordProcessing(tina_, request).status();
  EXPECT_EQ(ReasonOf(refused), kReasonCalibrationOverdue) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("INC-01"));

  v1::SetEquipmentStatusRequest status;
  *status.mutable_context() = Ctx("CO2 sensor failed");
  status.set_equipment_id(good.equipment_id());
  status.set_status(v1::EQUIPMENT_STATUS_OUT_OF_SERVICE);
  CC_ASSERT_OK(mfg_->SetEquipmentStatus(qa_, status).status());
  v1::RecordProcessingRequest second = Processing(batch.batch_id(), T0());
  second.mutable_values()->add_equipment_ids(good.equipment_id());
  refused = mfg_->RecordProcessing(tina_, second).status();
  EXPECT_EQ(ReasonOf(refused), kReasonEquipmentOutOfService) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("CO2 sensor failed"));
  EXPECT_EQ(Steps(), 0);

  // Back in service: used, and linked in custody to the vessels.
  status.mutable_context()->set_request_id(crypto::RandomId("req"));
  status.set_status(v1::EQUIPMENT_STATUS_IN_SERVICE);
  status.mutable_context()->set_reason("sensor replaced and checked");
  CC_ASSERT_OK(mfg_->SetEquipmentStatus(qa_, status).status());
  second.mutable_context()->set_request_id(crypto::RandomId("req"));
  CC_ASSERT_OK_AND_ASSIGN(auto p0, mfg_->RecordProcessing(tina_, second));
  ASSERT_EQ(p0.step().item_ids_size(), 2);
  EXPECT_THAT(ParentsOf(p0.step().item_ids(0)), Contains(good.item_id()));
  EXPECT_THAT(ParentsOf(p0.step().item_ids(0)), Contains(lot.item_id()));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, ACalibrationIsRecordedOnceAndNeverBackdated) {
  absl::Time now = absl::Now();
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Equipment incubator,
      Equipment("INC-03", now - absl::Hours(24 * 400), now - absl::Hours(24)));
  v1::RecordCalibrationRequest request;
  *request.mutable_context() = Ctx();
  request.set_equipment_id(incubator.equipment_id());
  request.set_calibrated_on(Date(now));
  request.set_calibration_due(Date(now + absl::Hours(24 * 365)));
  request.set_calibration_reference("CAL-2026-0117");
  CC_ASSERT_OK_AND_ASSIGN(auto calibrated,
                          mfg_->RecordCalibration(qa_, request));
  EXPECT_EQ(calibrated.equipment().calibrated_on(), Date(now));
  EXPECT_EQ(calibrated.equipment().calibration_reference(), "CAL-2026-0117");

  // The same certificate entered again (a new request, not a retry).
  const int64_t records = Records();
  request.mutable_context()->set_request_id(crypto::RandomId("req"));
  absl::Status duplicate = mfg_->RecordCalibration(qa_, request).status();
  EXPECT_EQ(ReasonOf(duplicate), kReasonCalibrationDuplicate) << duplicate;
  EXPECT_THAT(duplicate.message(), HasSubstr("CAL-2026-0117"));
  // One before the last: refused naming the field.
  request.mutable_context()->set_request_id(crypto::RandomId("req"));
  request.set_calibrated_on(Date(now - absl::Hours(24 * 3)));
  request.set_calibration_reference("CAL-2026-0099");
  EXPECT_EQ(FieldOf(mfg_->RecordCalibration(qa_, request).status()),
            "calibrated_on");
  EXPECT_EQ(Records(), records);
  EXPECT_THAT(History("equipment", incubator.equipment_id()),
              ElementsAre("equipment.register by quinn",
                          "equipment.calibration by quinn"));
}

TEST_F(ManufacturingTest, PopulationDoublingsMatchTheHandComputedValues) {
  Processed b = MakeProcessed();
  EXPECT_EQ(b.p0.passage_number(), 0);
  EXPECT_EQ(b.p0.status(), v1::STEP_STATUS_PERFORMED);
  // P1: 1e6 seeded on day 8, 8e6 harvested 72 h later: PD 3, 24 h each.
  CC_ASSERT_OK_AND_ASSIGN(
      auto p1, mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 1e6)));
  EXPECT_EQ(p1.step().passage_number(), 1);
  EXPECT_EQ(p1.step().status(), v1::STEP_STATUS_IN_PROGRESS);
  ASSERT_EQ(p1.step().item_ids_size(), 3);
  // Each vessel derives from the P0 vessels, and from the medium used there.
  std::vector<std::string> parents = ParentsOf(p1.step().item_ids(0));
  for (const std::string& vessel : b.p0.item_ids()) {
    EXPECT_THAT(parents, Contains(vessel));
  }
  v1::RecordHarvestRequest harvest;
  *harvest.mutable_context() = Ctx();
  harvest.set_step_id(p1.step().step_id());
  *harvest.mutable_values()->mutable_harvested_at() = At(Day(11));
  harvest.mutable_values()->set_harvested_viable_cells(8e6);
  harvest.mutable_values()->set_viability_percent(95);
  harvest.mutable_values()->set_confluence_percent(90);
  *harvest.mutable_signature() = Performed();
  CC_ASSERT_OK_AND_ASSIGN(auto h1, mfg_->RecordHarvest(tina_, harvest));
  EXPECT_DOUBLE_EQ(h1.growth().population_doublings(), 3.0);
  EXPECT_DOUBLE_EQ(h1.growth().cumulative_population_doublings(), 3.0);
  EXPECT_DOUBLE_EQ(h1.growth().doubling_time_hours(), 24.0);
  EXPECT_EQ(h1.step().revision(), 2);
  // P2: 5e5 seeded on day 11, 4.2e6 on day 15: log2(8.4) = 3.0703893,
  // cumulative 6.0703893, 96 h / 3.0703893 = 31.2664 h.
  CC_ASSERT_OK_AND_ASSIGN(
      auto p2,
      mfg_->SeedPassage(tina_, Seed(p1.step().step_id(), Day(11), 5e5)));
  CC_ASSERT_OK(Harvest(p2.step().step_id(), Day(15), 4.2e6).status());

  v1::GetGrowthCurveRequest curve_request;
  curve_request.set_batch_id(b.batch.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto curve, mfg_->GetGrowthCurve(curve_request));
  ASSERT_EQ(curve.points_size(), 3);
  EXPECT_NEAR(curve.points(0).day(), 8, 1e-6);
  EXPECT_DOUBLE_EQ(curve.points(0).cumulative_population_doublings(), 0);
  EXPECT_NEAR(curve.points(1).day(), 11, 1e-6);
  EXPECT_DOUBLE_EQ(curve.points(1).cumulative_population_doublings(), 3);
  EXPECT_NEAR(curve.points(2).day(), 15, 1e-6);
  EXPECT_NEAR(curve.points(2).cumulative_population_doublings(),
              6.0703893278913985, 1e-9);
  EXPECT_EQ(curve.points(2).passage_number(), 2);

  v1::GetBatchRequest get;
  get.set_batch_id(b.batch.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto batch, mfg_->GetBatch(get));
  ASSERT_EQ(batch.growth_size(), 3);
  EXPECT_NEAR(batch.growth(2).doubling_time_hours(), 96 / 3.0703893278913985,
              1e-6);
  // 8e6 harvested at P1, 5e5 of them seeded.
  EXPECT_DOUBLE_EQ(batch.growth(1).cells_remaining(), 7.5e6);
  EXPECT_THAT(History("batch_step", p1.step().step_id()),
              ElementsAre("step.record by tina PERFORMED",
                          "step.harvest by tina PERFORMED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, ASecondPersonVerifiesAndACorrectionAddsARevision) {
  Processed b = MakeProcessed();
  absl::Status refused = Verify(b.p0, tina_, kTinaPassword).status();
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSamePerson) << refused;
  v1::Step stale = b.p0;
  stale.set_revision(1);
  EXPECT_EQ(Verify(stale, tom_, kTomPassword).status().code(),
            absl::StatusCode::kAborted);
  CC_ASSERT_OK_AND_ASSIGN(v1::Step verified, Verify(b.p0, tom_, kTomPassword));
  EXPECT_EQ(verified.status(), v1::STEP_STATUS_VERIFIED);
  EXPECT_EQ(verified.verified_by_user_id(), "tom");
  EXPECT_EQ(ReasonOf(Verify(verified, tom_, kTomPassword).status()),
            kReasonStepVerified);

  // Tina counted wrongly: 4.4e6, not 4e6. The correction needs a reason.
  v1::CorrectStepRequest correct;
  *correct.mutable_context() = Ctx();
  correct.set_step_id(verified.step_id());
  correct.set_revision(verified.revision());
  *correct.mutable_values() = verified.values();
  correct.mutable_values()->set_harvested_viable_cells(4.4e6);
  *correct.mutable_signature() = Performed();
  EXPECT_EQ(FieldOf(mfg_->CorrectStep(tina_, correct).status()),
            "context.reason");
  correct.mutable_context()->set_reason("counter read from the wrong chamber");
  // The lots used cannot be swapped in a correction.
  v1::CorrectStepRequest swap = correct;
  swap.mutable_values()->clear_materials();
  EXPECT_EQ(FieldOf(mfg_->CorrectStep(tina_, swap).status()),
            "values.materials");
  CC_ASSERT_OK_AND_ASSIGN(auto corrected, mfg_->CorrectStep(tina_, correct));
  EXPECT_EQ(corrected.step().revision(), verified.revision() + 1);
  EXPECT_EQ(corrected.step().status(), v1::STEP_STATUS_PERFORMED);
  EXPECT_EQ(corrected.step().verified_by_user_id(), "");
  EXPECT_DOUBLE_EQ(corrected.step().values().harvested_viable_cells(), 4.4e6);

  v1::GetBatchRequest get;
  get.set_batch_id(b.batch.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto batch, mfg_->GetBatch(get));
  const auto& revisions = batch.revisions().at(verified.step_id()).revisions();
  ASSERT_EQ(revisions.size(), 3);  // seeding, harvest, correction
  EXPECT_DOUBLE_EQ(revisions[1].values().harvested_viable_cells(), 4e6);
  EXPECT_DOUBLE_EQ(revisions[2].values().harvested_viable_cells(), 4.4e6);
  EXPECT_EQ(revisions[2].reason(), "counter read from the wrong chamber");
  EXPECT_THAT(History("batch_step", verified.step_id()),
              ElementsAre("step.record by tina PERFORMED",
                          "step.harvest by tina PERFORMED",
                          "step.verify by tom VERIFIED",
                          "step.correct by tina PERFORMED"));
  // Whoever recorded any revision cannot verify it.
  EXPECT_EQ(ReasonOf(Verify(corrected.step(), tina_, kTinaPassword).status()),
            auth::kReasonSamePerson);
  CC_ASSERT_OK(Verify(corrected.step(), tom_, kTomPassword).status());
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, LimitsRefuseOrRaiseADeviationAsTheProcessSays) {
  ManufacturingOptions options;
  options.processes["STRICT"] = Process{.max_passage = 1};
  options.processes["LENIENT"] =
      Process{.max_passage = 1, .deviation_past_limits = true};
  Build(options);
  for (const char* process : {"STRICT", "LENIENT"}) {
    SCOPED_TRACE(process);
    donor::v1::DonorLot lot = MakeLot();
    CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot, process));
    CC_ASSERT_OK_AND_ASSIGN(
        auto p0,
        mfg_->RecordProcessing(tina_, Processing(batch.batch_id(), T0())));
    CC_ASSERT_OK(Harvest(p0.step().step_id(), Day(8), 4e6).status());
    CC_ASSERT_OK_AND_ASSIGN(
        auto p1,
        mfg_->SeedPassage(tina_, Seed(p0.step().step_id(), Day(8), 1e6)));
    CC_ASSERT_OK(Harvest(p1.step().step_id(), Day(11), 8e6).status());
    absl::StatusOr<v1::SeedPassageResponse> p2 =
        mfg_->SeedPassage(tina_, Seed(p1.step().step_id(), Day(11), 1e6));
    v1::GetBatchRequest get;
    get.set_batch_id(batch.batch_id());
    if (std::string(process) == "STRICT") {
      EXPECT_EQ(ReasonOf(p2.status()), kReasonPassageLimit) << p2.status();
      EXPECT_THAT(p2.status().message(), HasSubstr("P2"));
      continue;
    }
    ASSERT_TRUE(p2.ok()) << p2.status();
    ASSERT_EQ(p2->deviations_size(), 1);
    const v1::Deviation& d = p2->deviations(0);
    EXPECT_EQ(d.rule(), kReasonPassageLimit);
    EXPECT_EQ(d.classification(), v1::DEVIATION_CLASS_MAJOR);
    EXPECT_EQ(d.step_id(), p2->step().step_id());
    CC_ASSERT_OK_AND_ASSIGN(auto before, mfg_->GetBatch(get));
    EXPECT_EQ(before.open_major_deviations(), 1);
    v1::AssessDeviationRequest assess;
    *assess.mutable_context() = Ctx();
    assess.set_deviation_id(d.deviation_id());
    assess.set_assessment(
        "P2 within the validated range of the study; "
        "karyotype tested at release");
    *assess.mutable_signature() =
        Sig(kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
    CC_ASSERT_OK(mfg_->AssessDeviation(qa_, assess).status());
    assess.mutable_context()->set_request_id(crypto::RandomId("req"));
    EXPECT_EQ(ReasonOf(mfg_->AssessDeviation(qa_, assess).status()),
              kReasonDeviationClosed);
    CC_ASSERT_OK_AND_ASSIGN(auto after, mfg_->GetBatch(get));
    EXPECT_EQ(after.open_major_deviations(), 0);
    EXPECT_THAT(History("batch_deviation", d.deviation_id()),
                ElementsAre("deviation.record by tina",
                            "deviation.assess by quinn APPROVED"));
  }
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, CumulativeDoublingsPastTheLimitAreRefused) {
  ManufacturingOptions options;
  options.processes["RH-UCMSC-1.0"].max_cumulative_population_doublings = 2.5;
  Build(options);
  Processed b = MakeProcessed();
  CC_ASSERT_OK_AND_ASSIGN(
      auto p1, mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 1e6)));
  CC_ASSERT_OK(Harvest(p1.step().step_id(), Day(11), 8e6).status());  // PD 3
  absl::Status refused =
      mfg_->SeedPassage(tina_, Seed(p1.step().step_id(), Day(11), 1e6))
          .status();
  EXPECT_EQ(ReasonOf(refused), kReasonCumulativePdLimit) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("3.00"));
}

TEST_F(ManufacturingTest, CellsAreNotDrawnTwiceEvenByConcurrentSteps) {
  Processed b = MakeProcessed();  // 4e6 cells at P0
  absl::Status refused =
      mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 5e6)).status();
  EXPECT_EQ(ReasonOf(refused), kReasonCellsExceeded) << refused;
  int64_t steps = Steps();
  // Two technicians seed 2.5e6 each from the same 4e6 at once: one wins.
  std::atomic<int> ok{0};
  std::vector<absl::Status> results(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      auto r = mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 2.5e6));
      results[i] = r.status();
      if (r.ok()) ++ok;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1) << results[0] << " / " << results[1];
  for (const absl::Status& s : results) {
    if (!s.ok()) {
      EXPECT_EQ(ReasonOf(s), kReasonCellsExceeded) << s;
    }
  }
  EXPECT_EQ(Steps(), steps + 1);
  // No vessel of the refused seeding stays usable in custody.
  EXPECT_EQ(
      Count("SELECT count(*) FROM cellchain_custody.items WHERE type = 3 "
            "AND state = 'available' AND item_id NOT IN (SELECT item_id FROM "
            "cellchain_manufacturing.step_items)"),
      0);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, BankThawAndProductHarvestToQcPending) {
  Processed b = MakeProcessed();
  // Freezer positions: site > room > freezer > rack > box > 3 positions.
  std::vector<std::string> positions = FreezerPositions(3);
  ASSERT_EQ(positions.size(), 3u);
  v1::CryopreserveRequest freeze;
  *freeze.mutable_context() = Ctx();
  freeze.set_source_step_id(b.p0.step_id());
  freeze.mutable_values()->set_bank_kind(v1::BANK_KIND_MASTER);
  freeze.mutable_values()->set_cells_per_vial(1e6);
  *freeze.mutable_values()->mutable_frozen_at() = At(Day(8.1));
  for (const std::string& p : positions) freeze.add_position_location_ids(p);
  *freeze.mutable_signature() = Performed();
  CC_ASSERT_OK_AND_ASSIGN(auto cryo, mfg_->Cryopreserve(tina_, freeze));
  ASSERT_EQ(cryo.step().vials_size(), 3);
  for (int i = 0; i < 3; ++i) {
    custody::v1::Item vial = Item(cryo.step().vials(i).item_id());
    EXPECT_EQ(vial.type(), custody::v1::ITEM_TYPE_CRYOVIAL);
    EXPECT_EQ(vial.location_id(), positions[i]);
  }

  v1::ThawVialRequest thaw;
  *thaw.mutable_context() = Ctx();
  thaw.set_vial_item_id(cryo.step().vials(0).item_id());
  *thaw.mutable_values()->mutable_thawed_at() = At(Day(9));
  thaw.mutable_values()->set_harvested_viable_cells(8.5e5);
  thaw.mutable_values()->set_viability_percent(91);
  *thaw.mutable_signature() = Performed();
  CC_ASSERT_OK_AND_ASSIGN(auto thawed, mfg_->ThawVial(tina_, thaw));
  EXPECT_EQ(thawed.step().passage_number(), 0);
  thaw.mutable_context()->set_request_id(crypto::RandomId("req"));
  EXPECT_EQ(ReasonOf(mfg_->ThawVial(tina_, thaw).status()), kReasonVialThawed);

  // P1 from the thawed cells: the vial is consumed, the vessels derive from it.
  CC_ASSERT_OK_AND_ASSIGN(
      auto p1,
      mfg_->SeedPassage(tina_, Seed(thawed.step().step_id(), Day(9), 8e5)));
  EXPECT_EQ(p1.step().passage_number(), 1);
  EXPECT_THAT(ParentsOf(p1.step().item_ids(0)),
              Contains(cryo.step().vials(0).item_id()));
  EXPECT_EQ(Item(cryo.step().vials(0).item_id()).state(),
            custody::v1::ITEM_STATE_CONSUMED);
  CC_ASSERT_OK_AND_ASSIGN(v1::Step h1,
                          Harvest(p1.step().step_id(), Day(12), 6.4e6));

  v1::HarvestProductRequest product;
  *product.mutable_context() = Ctx();
  product.set_source_step_id(h1.step_id());
  *product.mutable_values()->mutable_harvested_at() = At(Day(12.1));
  product.mutable_values()->set_harvested_viable_cells(5e6);
  product.mutable_values()->set_viability_percent(93);
  product.mutable_values()->set_volume_ml(10);
  *product.mutable_signature() = Performed();
  absl::Status refused = mfg_->HarvestProduct(tina_, product).status();
  EXPECT_EQ(ReasonOf(refused), kReasonStepNotVerified) << refused;
  v1::GetBatchRequest get;
  get.set_batch_id(b.batch.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto before, mfg_->GetBatch(get));
  for (const v1::Step& s : before.steps()) {
    if (s.status() != v1::STEP_STATUS_VERIFIED) {
      CC_ASSERT_OK(Verify(s, tom_, kTomPassword).status());
    }
  }
  product.mutable_context()->set_request_id(crypto::RandomId("req"));
  // Tom harvests what Tina seeded: the incubator holds the vessels.
  *product.mutable_signature() = Performed(kTomPassword);
  CC_ASSERT_OK_AND_ASSIGN(auto harvested, mfg_->HarvestProduct(tom_, product));
  // Recorded, not yet checked: the batch waits in process for a second
  // person to verify the product harvest, and takes no other step.
  EXPECT_EQ(harvested.batch().state(), v1::BATCH_STATE_IN_PROCESS);
  EXPECT_EQ(harvested.batch().product_step_id(), harvested.step().step_id());
  absl::Status after_product =
      mfg_->SeedPassage(tina_, Seed(h1.step_id(), Day(12.2), 1e5)).status();
  EXPECT_EQ(ReasonOf(after_product), kReasonBatchState) << after_product;
  EXPECT_THAT(after_product.message(), HasSubstr("product lot was harvested"));
  EXPECT_EQ(ReasonOf(Verify(harvested.step(), tom_, kTomPassword).status()),
            auth::kReasonSamePerson);
  CC_ASSERT_OK(Verify(harvested.step(), tina_, kTinaPassword).status());
  CC_ASSERT_OK_AND_ASSIGN(auto pending, mfg_->GetBatch(get));
  EXPECT_EQ(pending.batch().state(), v1::BATCH_STATE_QC_PENDING);
  custody::v1::Item lot = Item(harvested.batch().product_item_id());
  EXPECT_EQ(lot.type(), custody::v1::ITEM_TYPE_PRODUCT_LOT);
  bool has_din = false;
  for (const auto& id : lot.isbt128()) {
    has_din |= id.kind() == "din" && id.value() == b.lot.din();
  }
  EXPECT_TRUE(has_din);
  // The culture vessels are used up; the two vials left stay in the bank.
  for (const v1::Step& s : before.steps()) {
    for (const std::string& vessel : s.item_ids()) {
      EXPECT_EQ(Item(vessel).state(), custody::v1::ITEM_STATE_CONSUMED);
    }
  }
  CC_ASSERT_OK_AND_ASSIGN(auto after, mfg_->GetBatch(get));
  ASSERT_EQ(after.banks_size(), 1);
  EXPECT_EQ(after.banks(0).vials_frozen(), 3);
  EXPECT_EQ(after.banks(0).vials_thawed(), 1);
  EXPECT_EQ(after.banks(0).available_size(), 2);
  // Nothing more is recorded on a batch in release testing.
  EXPECT_EQ(ReasonOf(Harvest(p1.step().step_id(), Day(12), 6.4e6).status()),
            kReasonStepHarvested);
  EXPECT_EQ(
      ReasonOf(mfg_->SeedPassage(tina_, Seed(h1.step_id(), Day(12.2), 1e5))
                   .status()),
      kReasonBatchState);
  EXPECT_THAT(
      History("batch", b.batch.batch_id()),
      ElementsAre("batch.start by tina", "batch.product_harvested by tom",
                  "batch.qc_pending by tina"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, AVialHoldsItsStepsCellsInItsProcessFillVolume) {
  // This site fills its vials with 1.8 ml of cryopreservation medium.
  ManufacturingOptions options;
  options.processes["RH-UCMSC-1.0"].vial_fill_ml = 1.8;
  Build(options);
  Processed b = MakeProcessed();
  std::vector<std::string> positions = FreezerPositions(2);
  ASSERT_EQ(positions.size(), 2u);
  v1::CryopreserveRequest freeze;
  *freeze.mutable_context() = Ctx();
  freeze.set_source_step_id(b.p0.step_id());
  freeze.mutable_values()->set_bank_kind(v1::BANK_KIND_MASTER);
  freeze.mutable_values()->set_cells_per_vial(1.5e6);
  *freeze.mutable_values()->mutable_frozen_at() = At(Day(8.1));
  for (const std::string& p : positions) freeze.add_position_location_ids(p);
  *freeze.mutable_signature() = Performed();
  CC_ASSERT_OK_AND_ASSIGN(auto cryo, mfg_->Cryopreserve(tina_, freeze));
  ASSERT_EQ(cryo.step().vials_size(), 2);
  // Each vial: the step's cells per vial, in the process's fill volume.
  for (const v1::Vial& vial : cryo.step().vials()) {
    CC_ASSERT_OK_AND_ASSIGN(VialContent content,
                            mfg_->GetVialContent(vial.item_id()));
    EXPECT_DOUBLE_EQ(content.viable_cells, 1.5e6);
    EXPECT_DOUBLE_EQ(content.volume_ml, 1.8);
  }
  // A culture vessel is no vial; an empty id is refused.
  auto vessel = mfg_->GetVialContent(b.p0.item_ids(0));
  EXPECT_EQ(vessel.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(vessel.status()), kReasonNotAVial) << vessel.status();
  EXPECT_EQ(mfg_->GetVialContent("").status().code(),
            absl::StatusCode::kInvalidArgument);
  // By default a vial holds 1.0 ml; a host that no longer configures the
  // batch's process cannot say.
  Build({});
  CC_ASSERT_OK_AND_ASSIGN(VialContent by_default,
                          mfg_->GetVialContent(cryo.step().vials(0).item_id()));
  EXPECT_DOUBLE_EQ(by_default.volume_ml, 1.0);
  ManufacturingOptions other;
  other.processes = {{"RH-UCMSC-2.0", Process{}}};
  other.default_process = "RH-UCMSC-2.0";
  Build(other);
  EXPECT_EQ(
      ReasonOf(mfg_->GetVialContent(cryo.step().vials(0).item_id()).status()),
      kReasonProcessUnknown);
}

TEST_F(ManufacturingTest, LateProcessingRaisesADeviationAndRetriesWriteOnce) {
  donor::v1::DonorLot lot =
      MakeLot(donor::v1::LOT_STATE_AVAILABLE, absl::Hours(24 * 23));
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot));
  // Collected 23 days ago, processed 20 days ago: 72 h, past 48 h.
  v1::RecordProcessingRequest request = Processing(batch.batch_id(), T0());
  CC_ASSERT_OK_AND_ASSIGN(auto first, mfg_->RecordProcessing(tina_, request));
  ASSERT_EQ(first.deviations_size(), 1);
  EXPECT_EQ(first.deviations(0).rule(), kReasonCollectionToProcessing);
  EXPECT_THAT(first.deviations(0).description(), HasSubstr("72 h"));
  int64_t records = Count("SELECT count(*) FROM cellchain_audit.records");
  int64_t items = Count("SELECT count(*) FROM cellchain_custody.items");
  CC_ASSERT_OK_AND_ASSIGN(auto retry, mfg_->RecordProcessing(tina_, request));
  EXPECT_EQ(retry.step().step_id(), first.step().step_id());
  EXPECT_EQ(retry.step().item_ids_size(), 2);
  EXPECT_EQ(retry.deviations_size(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), items);
  // A second processing of the same batch is refused.
  request.mutable_context()->set_request_id(crypto::RandomId("req"));
  EXPECT_EQ(ReasonOf(mfg_->RecordProcessing(tina_, request).status()),
            kReasonStepExists);
}

TEST_F(ManufacturingTest, QaAbortsABatchAndItsVesselsAreDiscarded) {
  Processed b = MakeProcessed();
  CC_ASSERT_OK_AND_ASSIGN(
      auto p1, mfg_->SeedPassage(tina_, Seed(b.p0.step_id(), Day(8), 1e6)));
  v1::AbortBatchRequest abort;
  *abort.mutable_context() = Ctx();
  abort.set_batch_id(b.batch.batch_id());
  *abort.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_REJECTED);
  EXPECT_EQ(FieldOf(mfg_->AbortBatch(qa_, abort).status()), "context.reason");
  abort.mutable_context()->set_reason("mycoplasma found in the P1 medium");
  // Aborting is QA's e-signature: unsigned, or with a wrong password,
  // nothing about the batch is written and its vessels stay in culture.
  const int64_t before = Count(
      "SELECT count(*) FROM cellchain_audit.records WHERE action = "
      "'batch.abort'");
  abort.clear_signature();
  EXPECT_EQ(FieldOf(mfg_->AbortBatch(qa_, abort).status()),
            "signature.meaning");
  *abort.mutable_signature() = Sig("", common::v1::SIGNATURE_MEANING_REJECTED);
  EXPECT_EQ(FieldOf(mfg_->AbortBatch(qa_, abort).status()),
            "signature.password");
  *abort.mutable_signature() =
      Sig("not quinn's password", common::v1::SIGNATURE_MEANING_REJECTED);
  absl::Status refused = mfg_->AbortBatch(qa_, abort).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  *abort.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(FieldOf(mfg_->AbortBatch(qa_, abort).status()),
            "signature.meaning");
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records WHERE "
                  "action = 'batch.abort'"),
            before);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_manufacturing.batches "
                  "WHERE state = 1 AND aborted_by IS NULL"),
            1);
  for (const std::string& vessel : p1.step().item_ids()) {
    EXPECT_NE(Item(vessel).state(), custody::v1::ITEM_STATE_DISCARDED);
  }
  abort.mutable_context()->set_request_id(crypto::RandomId("req"));
  *abort.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_REJECTED);
  const absl::Time signed_after = absl::Now() - absl::Seconds(1);
  CC_ASSERT_OK_AND_ASSIGN(auto aborted, mfg_->AbortBatch(qa_, abort));
  EXPECT_EQ(aborted.batch().state(), v1::BATCH_STATE_ABORTED);
  EXPECT_EQ(aborted.batch().abort_reason(),
            "mycoplasma found in the P1 medium");
  EXPECT_EQ(aborted.batch().aborted_by_user_id(), "quinn");
  EXPECT_EQ(aborted.batch().aborted_by_printed_name(), "Quinn Q. Assurance");
  EXPECT_GE(absl::FromUnixSeconds(aborted.batch().aborted_at().seconds()),
            signed_after - absl::Seconds(1));
  CC_ASSERT_OK_AND_ASSIGN(auto shown, mfg_->GetBatch([&] {
    v1::GetBatchRequest get;
    get.set_batch_id(b.batch.batch_id());
    return get;
  }()));
  EXPECT_EQ(shown.batch().aborted_by_user_id(), "quinn");
  for (const std::string& vessel : p1.step().item_ids()) {
    EXPECT_EQ(Item(vessel).state(), custody::v1::ITEM_STATE_DISCARDED);
  }
  for (const std::string& vessel : b.p0.item_ids()) {
    EXPECT_EQ(Item(vessel).state(), custody::v1::ITEM_STATE_DISCARDED);
  }
  // A closed record takes no correction: a deviation says what was wrong.
  v1::CorrectStepRequest correct;
  *correct.mutable_context() = Ctx("recount");
  correct.set_step_id(b.p0.step_id());
  correct.set_revision(b.p0.revision());
  *correct.mutable_values() = b.p0.values();
  *correct.mutable_signature() = Performed();
  EXPECT_EQ(ReasonOf(mfg_->CorrectStep(tina_, correct).status()),
            kReasonBatchState);
  v1::RecordDeviationRequest deviation;
  *deviation.mutable_context() = Ctx();
  deviation.set_batch_id(b.batch.batch_id());
  deviation.set_step_id(p1.step().step_id());
  deviation.set_classification(v1::DEVIATION_CLASS_CRITICAL);
  deviation.set_description("mycoplasma PCR positive in P1 medium");
  deviation.set_impact("batch lost");
  CC_ASSERT_OK(mfg_->RecordDeviation(tina_, deviation).status());
  EXPECT_THAT(
      History("batch", b.batch.batch_id()),
      ElementsAre("batch.start by tina", "batch.abort by quinn REJECTED"));
  ExpectEverySnapshotMatchesItsRow();
}

// Segregation of duties: one person holding technician and qa received a
// material lot; they may not release it (another QA may). Rejecting it
// takes it out of use and stays open to them.
TEST_F(ManufacturingTest, WhoReceivedAMaterialLotCannotReleaseIt) {
  auth::Principal terry = MakeUser(
      "terry", "Terry Two-Hats",
      {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QA}, kTerryPassword);
  auto receive = [&]() -> absl::StatusOr<v1::MaterialLot> {
    v1::ReceiveMaterialRequest request;
    *request.mutable_context() = Ctx();
    request.set_kind(v1::MATERIAL_KIND_MEDIUM);
    request.set_name("MEM alpha");
    request.set_supplier("BioSupply GmbH");
    request.set_supplier_lot(crypto::RandomId("L").substr(0, 12));
    request.set_expires_on(Date(absl::Now() + absl::Hours(24 * 365)));
    CC_ASSIGN_OR_RETURN(auto r, mfg_->ReceiveMaterial(terry, request));
    return r.material();
  };
  CC_ASSERT_OK_AND_ASSIGN(v1::MaterialLot medium, receive());
  auth::Principal terry_as_qa = terry;
  terry_as_qa.acting_role = common::v1::ROLE_QA;
  v1::DispositionMaterialRequest release;
  *release.mutable_context() = Ctx();
  release.set_material_id(medium.material_id());
  *release.mutable_signature() =
      Sig(kTerryPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  int64_t before = Records();
  absl::Status refused =
      mfg_->DispositionMaterial(terry_as_qa, release).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("terry recorded material.receive on material_lot " +
                        medium.material_id()));
  EXPECT_EQ(Records(), before);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_manufacturing.materials "
                  "WHERE material_id = $1 AND status = 1",
                  {medium.material_id()}),
            1);

  CC_ASSERT_OK_AND_ASSIGN(v1::MaterialLot released,
                          Disposition(medium.material_id(), true));
  EXPECT_EQ(released.status(), v1::MATERIAL_STATUS_RELEASED);

  CC_ASSERT_OK_AND_ASSIGN(v1::MaterialLot other, receive());
  v1::DispositionMaterialRequest reject;
  *reject.mutable_context() = Ctx("certificate of analysis missing");
  reject.set_material_id(other.material_id());
  *reject.mutable_signature() =
      Sig(kTerryPassword, common::v1::SIGNATURE_MEANING_REJECTED);
  CC_ASSERT_OK_AND_ASSIGN(auto rejected,
                          mfg_->DispositionMaterial(terry_as_qa, reject));
  EXPECT_EQ(rejected.material().status(), v1::MATERIAL_STATUS_REJECTED);
}

// Who performed the step a deviation is about, or recorded the deviation,
// may not assess it; a deviation of the whole batch bars whoever did any
// step of it.
TEST_F(ManufacturingTest, WhoPerformedOrRecordedCannotAssessTheDeviation) {
  auth::Principal terry = MakeUser(
      "terry", "Terry Two-Hats",
      {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QA}, kTerryPassword);
  auth::Principal terry_as_qa = terry;
  terry_as_qa.acting_role = common::v1::ROLE_QA;
  donor::v1::DonorLot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot));
  v1::RecordProcessingRequest processing = Processing(batch.batch_id(), T0());
  *processing.mutable_signature() = Performed(kTerryPassword);
  CC_ASSERT_OK_AND_ASSIGN(auto p0, mfg_->RecordProcessing(terry, processing));

  auto record = [&](const auth::Principal& who, const std::string& step_id,
                    const v1::Batch& of) {
    v1::RecordDeviationRequest request;
    *request.mutable_context() = Ctx();
    request.set_batch_id(of.batch_id());
    request.set_step_id(step_id);
    request.set_classification(v1::DEVIATION_CLASS_MINOR);
    request.set_description("seeding 20 min later than planned");
    request.set_impact("none expected");
    auto r = mfg_->RecordDeviation(who, request);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->deviation() : v1::Deviation();
  };
  auto assess = [&](const auth::Principal& who, const char* password,
                    const v1::Deviation& d) {
    v1::AssessDeviationRequest request;
    *request.mutable_context() = Ctx();
    request.set_deviation_id(d.deviation_id());
    request.set_assessment("no impact on the product");
    *request.mutable_signature() =
        Sig(password, common::v1::SIGNATURE_MEANING_APPROVED);
    return mfg_->AssessDeviation(who, request);
  };
  auto expect_refused = [&](const v1::Deviation& d, const std::string& what) {
    int64_t before = Records();
    absl::Status refused = assess(terry_as_qa, kTerryPassword, d).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
    EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties);
    EXPECT_THAT(std::string(refused.message()), HasSubstr(what));
    EXPECT_EQ(Records(), before);
  };

  // Tom records it; terry performed the step it is about.
  v1::Deviation about_terrys_step = record(tom_, p0.step().step_id(), batch);
  expect_refused(about_terrys_step,
                 "terry signed PERFORMED step.record on batch_step " +
                     p0.step().step_id());
  // Tom's deviation of the whole batch: terry did a step of it.
  v1::Deviation of_the_batch = record(tom_, "", batch);
  expect_refused(of_the_batch, "terry signed PERFORMED step.record");
  // Terry records one about tina's step of another batch.
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch other, Start(MakeLot()));
  CC_ASSERT_OK_AND_ASSIGN(
      auto tinas,
      mfg_->RecordProcessing(tina_, Processing(other.batch_id(), T0())));
  v1::Deviation recorded_by_terry =
      record(terry, tinas.step().step_id(), other);
  expect_refused(recorded_by_terry,
                 "terry recorded deviation.record on batch_deviation " +
                     recorded_by_terry.deviation_id());
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_manufacturing.deviations "
                  "WHERE status <> 1"),
            0);

  for (const v1::Deviation& d :
       {about_terrys_step, recorded_by_terry, of_the_batch}) {
    CC_ASSERT_OK_AND_ASSIGN(auto assessed, assess(qa_, kQaPassword, d));
    EXPECT_EQ(assessed.deviation().assessed_by_user_id(), "quinn");
  }
}

}  // namespace
}  // namespace cellchain::manufacturing
