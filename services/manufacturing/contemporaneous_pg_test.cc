// Contemporaneous records (issue 28), against a real PostgreSQL: a step is
// not performed before its batch was started, before a material lot it uses
// was released or before the day of an instrument's last calibration, and
// a refusal names the field and the rule and writes nothing; an entry made
// later than the late-entry window after the step needs a reason, which the
// step, its revision and its audit record keep. A batch's start and a
// material lot's receipt and release entered after the fact are dated as
// they happened, under the same late-entry rule.
#include <string>
#include <vector>

#include "cellchain/audit/v1/record.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/manufacturing/manufacturing_test_fixture.h"

namespace cellchain::manufacturing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The reasons of the audit records of entity (`type`, `id`), oldest first.
std::vector<std::string> RecordReasons(const std::string& conninfo,
                                       const std::string& id,
                                       const std::string& type = "batch_step") {
  std::vector<std::string> out;
  auto conn = pg::Connection::Open(conninfo);
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (!conn.ok()) return out;
  auto r = conn->Exec(
      "SELECT record_bytes FROM cellchain_audit.records WHERE entity_type = "
      "$2 AND entity_id = $1 ORDER BY entity_seq",
      {id, type}, pg::ResultFormat::kBinary);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return out;
  for (int row = 0; row < r->rows(); ++row) {
    audit::v1::AuditRecord record;
    EXPECT_TRUE(record.ParseFromString(*r->GetBytes(row, 0)));
    out.push_back(record.reason());
  }
  return out;
}

TEST_F(ManufacturingTest, NoStepIsPerformedBeforeItsBatchLotsOrCalibration) {
  donor::v1::DonorLot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot));  // T0 - 1 h
  // A lot released today, and an incubator calibrated two days ago.
  CC_ASSERT_OK_AND_ASSIGN(
      v1::MaterialLot lysate,
      Receive(v1::MATERIAL_KIND_SUPPLEMENT, "human platelet lysate",
              Date(absl::Now() + absl::Hours(24 * 90))));
  CC_ASSERT_OK(Disposition(lysate.material_id(), true).status());
  const absl::Time now = absl::Now();
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Equipment recalibrated,
      Equipment("INC-07", now - absl::Hours(48), now + absl::Hours(24 * 300)));
  const int64_t items = Count("SELECT count(*) FROM cellchain_custody.items");
  const int64_t records = Records();

  // Before the batch was started (after the cord's collection, T0 - 1 d).
  absl::Status refused =
      mfg_->RecordProcessing(
              tina_, Processing(batch.batch_id(), T0() - absl::Hours(2)))
          .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_EQ(ReasonOf(refused), kReasonBeforeBatchStart);
  EXPECT_EQ(FieldOf(refused), "values.seeded_at");
  EXPECT_THAT(refused.message(), HasSubstr(batch.batch_id()));

  // Before the lot's release: used at T0.
  v1::RecordProcessingRequest with_lysate = Processing(batch.batch_id(), T0());
  with_lysate.mutable_values()->add_materials()->set_material_id(
      lysate.material_id());
  refused = mfg_->RecordProcessing(tina_, with_lysate).status();
  EXPECT_EQ(ReasonOf(refused), kReasonBeforeMaterialRelease) << refused;
  EXPECT_EQ(FieldOf(refused), "values.seeded_at");
  EXPECT_THAT(refused.message(), HasSubstr(lysate.material_code()));

  // Before the day of the instrument's last calibration.
  v1::RecordProcessingRequest with_incubator =
      Processing(batch.batch_id(), T0());
  with_incubator.mutable_values()->add_equipment_ids(
      recalibrated.equipment_id());
  refused = mfg_->RecordProcessing(tina_, with_incubator).status();
  EXPECT_EQ(ReasonOf(refused), kReasonBeforeCalibration) << refused;
  EXPECT_EQ(FieldOf(refused), "values.seeded_at");
  EXPECT_THAT(refused.message(), HasSubstr("INC-07"));

  // Nothing was written by any of them: no step, no vessel, no record.
  EXPECT_EQ(Steps(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), items);
  EXPECT_EQ(Records(), records);

  // After all of them: recorded.
  std::string medium = Medium();  // released T0 - 2 h
  CC_ASSERT_OK_AND_ASSIGN(v1::Equipment incubator,
                          Equipment("INC-08", T0() - absl::Hours(24 * 10),
                                    now + absl::Hours(24 * 300)));
  v1::RecordProcessingRequest in_order = Processing(batch.batch_id(), T0());
  in_order.mutable_values()->add_materials()->set_material_id(medium);
  in_order.mutable_values()->add_equipment_ids(incubator.equipment_id());
  CC_ASSERT_OK_AND_ASSIGN(auto p0, mfg_->RecordProcessing(tina_, in_order));

  // A harvest that adds the lysate (released today) on day 8 is refused
  // naming its own time.
  v1::RecordHarvestRequest harvest;
  *harvest.mutable_context() = Ctx();
  harvest.set_step_id(p0.step().step_id());
  *harvest.mutable_values()->mutable_harvested_at() = At(Day(8));
  harvest.mutable_values()->set_harvested_viable_cells(4e6);
  harvest.mutable_values()->set_viability_percent(94.5);
  harvest.mutable_values()->add_materials()->set_material_id(
      lysate.material_id());
  *harvest.mutable_signature() = Performed();
  refused = mfg_->RecordHarvest(tina_, harvest).status();
  EXPECT_EQ(ReasonOf(refused), kReasonBeforeMaterialRelease) << refused;
  EXPECT_EQ(FieldOf(refused), "values.harvested_at");

  // A correction cannot move the step before the batch's start either.
  CC_ASSERT_OK_AND_ASSIGN(v1::Step harvested,
                          Harvest(p0.step().step_id(), Day(8), 4e6));
  v1::CorrectStepRequest correct;
  *correct.mutable_context() = Ctx("start time misread");
  correct.set_step_id(harvested.step_id());
  correct.set_revision(harvested.revision());
  *correct.mutable_values() = harvested.values();
  *correct.mutable_values()->mutable_seeded_at() = At(T0() - absl::Hours(3));
  *correct.mutable_signature() = Performed();
  refused = mfg_->CorrectStep(tina_, correct).status();
  EXPECT_EQ(ReasonOf(refused), kReasonBeforeBatchStart) << refused;
  EXPECT_EQ(FieldOf(refused), "values.seeded_at");
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, ALateEntryNeedsAReasonAndIsMarkedLate) {
  ManufacturingOptions options;  // a late entry after 1 h, as deployed
  BuildAsConfigured(options);
  donor::v1::DonorLot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Batch batch, Start(lot));
  const int64_t items = Count("SELECT count(*) FROM cellchain_custody.items");
  const int64_t records = Records();

  // Processing performed 20 days ago, entered now, without a reason.
  v1::RecordProcessingRequest request = Processing(batch.batch_id(), T0());
  absl::Status refused = mfg_->RecordProcessing(tina_, request).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_EQ(FieldOf(refused), "late_entry_reason");
  EXPECT_THAT(refused.message(), HasSubstr("values.seeded_at"));
  EXPECT_THAT(refused.message(), HasSubstr("20 d"));
  EXPECT_EQ(Steps(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), items);
  EXPECT_EQ(Records(), records);

  const std::string why =
      "transcribed from the paper record after the "
      "network outage of the clean room";
  request.mutable_context()->set_request_id(crypto::RandomId("req"));
  request.set_late_entry_reason(why);
  CC_ASSERT_OK_AND_ASSIGN(auto p0, mfg_->RecordProcessing(tina_, request));
  EXPECT_EQ(p0.step().late_entry_reason(), why);

  // Its harvest performed ten minutes ago is in time: no reason needed.
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Step harvested,
      Harvest(p0.step().step_id(), absl::Now() - absl::Minutes(10), 4e6));
  EXPECT_EQ(harvested.late_entry_reason(), "");

  v1::GetBatchRequest get;
  get.set_batch_id(batch.batch_id());
  CC_ASSERT_OK_AND_ASSIGN(auto shown, mfg_->GetBatch(get));
  ASSERT_GE(shown.steps_size(), 1);
  // The step's current revision (the harvest) was in time; its seeding's
  // revision keeps the late entry and its reason.
  EXPECT_EQ(shown.steps(0).late_entry_reason(), "");
  const auto& revisions = shown.revisions().at(p0.step().step_id()).revisions();
  ASSERT_EQ(revisions.size(), 2);
  EXPECT_EQ(revisions[0].late_entry_reason(), why);
  EXPECT_EQ(revisions[1].late_entry_reason(), "");
  EXPECT_THAT(RecordReasons(db_->conninfo(), p0.step().step_id()),
              ElementsAre("late entry: " + why, ""));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ManufacturingTest, ABatchRecordEnteredAfterTheFactIsDatedAsItHappened) {
  ManufacturingOptions options;  // a late entry after 1 h, as deployed
  BuildAsConfigured(options);
  donor::v1::DonorLot lot = MakeLot();  // collected 21 days ago
  // T0 to the second, as a paper record gives times (and as they are kept).
  const absl::Time t0 = absl::FromUnixSeconds(absl::ToUnixSeconds(T0()));
  const std::string why = "transcribed from the paper batch record";
  const int64_t items = Count("SELECT count(*) FROM cellchain_custody.items");
  const int64_t records = Records();
  auto materials = [&] {
    return Count("SELECT count(*) FROM cellchain_manufacturing.materials");
  };
  const int64_t materials_before = materials();

  // The medium's receipt, three hours before T0: late without a reason,
  // and nothing is written, not even its custody item.
  v1::ReceiveMaterialRequest receive;
  *receive.mutable_context() = Ctx();
  receive.set_kind(v1::MATERIAL_KIND_MEDIUM);
  receive.set_name("MEM alpha");
  receive.set_supplier("BioSupply GmbH");
  receive.set_supplier_lot("ME-2291");
  receive.set_expires_on(Date(absl::Now() + absl::Hours(24 * 365)));
  *receive.mutable_received_at() = At(t0 - absl::Hours(3));
  absl::Status refused = mfg_->ReceiveMaterial(tina_, receive).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_EQ(FieldOf(refused), "late_entry_reason");
  EXPECT_THAT(refused.message(), HasSubstr("received_at"));
  // Nor in the future.
  v1::ReceiveMaterialRequest ahead = receive;
  *ahead.mutable_received_at() = At(absl::Now() + absl::Hours(2));
  ahead.set_late_entry_reason(why);
  refused = mfg_->ReceiveMaterial(tina_, ahead).status();
  EXPECT_EQ(FieldOf(refused), "received_at") << refused;
  EXPECT_EQ(materials(), materials_before);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), items);
  EXPECT_EQ(Records(), records);

  receive.mutable_context()->set_request_id(crypto::RandomId("req"));
  receive.set_late_entry_reason(why);
  CC_ASSERT_OK_AND_ASSIGN(auto received, mfg_->ReceiveMaterial(tina_, receive));
  const v1::MaterialLot& medium = received.material();
  EXPECT_EQ(fields::ToTime(medium.received_at()), t0 - absl::Hours(3));
  EXPECT_EQ(medium.receipt_late_entry_reason(), why);

  // Its release: not before the receipt, late without a reason.
  auto release = [&](absl::Time at, const std::string& reason) {
    v1::DispositionMaterialRequest request;
    *request.mutable_context() = Ctx();
    request.set_material_id(medium.material_id());
    *request.mutable_signature() =
        Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
    *request.mutable_released_at() = At(at);
    request.set_late_entry_reason(reason);
    return mfg_->DispositionMaterial(qa_, request);
  };
  refused = release(t0 - absl::Hours(4), why).status();
  EXPECT_EQ(FieldOf(refused), "released_at") << refused;
  EXPECT_THAT(refused.message(), HasSubstr("before the lot was received"));
  refused = release(t0 - absl::Hours(2), "").status();
  EXPECT_EQ(FieldOf(refused), "late_entry_reason") << refused;
  // A rejection is dated when it is signed.
  v1::DispositionMaterialRequest reject;
  *reject.mutable_context() = Ctx("certificate of analysis missing");
  reject.set_material_id(medium.material_id());
  *reject.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_REJECTED);
  *reject.mutable_released_at() = At(t0 - absl::Hours(2));
  refused = mfg_->DispositionMaterial(qa_, reject).status();
  EXPECT_EQ(FieldOf(refused), "released_at") << refused;
  CC_ASSERT_OK_AND_ASSIGN(auto released, release(t0 - absl::Hours(2), why));
  EXPECT_EQ(released.material().status(), v1::MATERIAL_STATUS_RELEASED);
  EXPECT_EQ(fields::ToTime(released.material().dispositioned_at()),
            t0 - absl::Hours(2));
  EXPECT_EQ(released.material().release_late_entry_reason(), why);
  EXPECT_THAT(
      RecordReasons(db_->conninfo(), medium.material_id(), "material_lot"),
      ElementsAre("late entry: " + why, "late entry: " + why));

  // The batch's start: not before the cord's collection, late without a
  // reason.
  const int64_t records_before_start = Records();
  auto start = [&](absl::Time at, const std::string& reason) {
    v1::StartBatchRequest request;
    *request.mutable_context() = Ctx();
    request.set_donor_lot_id(lot.lot_id());
    *request.mutable_started_at() = At(at);
    request.set_late_entry_reason(reason);
    return mfg_->StartBatch(tina_, request);
  };
  refused =
      start(fields::ToTime(lot.collected_at()) - absl::Hours(1), why).status();
  EXPECT_EQ(FieldOf(refused), "started_at") << refused;
  EXPECT_THAT(refused.message(), HasSubstr("before the cord's collection"));
  refused = start(t0 - absl::Hours(1), "").status();
  EXPECT_EQ(FieldOf(refused), "late_entry_reason") << refused;
  EXPECT_THAT(refused.message(), HasSubstr("started_at"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_manufacturing.batches"), 0);
  EXPECT_EQ(Records(), records_before_start);
  CC_ASSERT_OK_AND_ASSIGN(auto started, start(t0 - absl::Hours(1), why));
  const v1::Batch& batch = started.batch();
  EXPECT_EQ(fields::ToTime(batch.started_at()), t0 - absl::Hours(1));
  EXPECT_EQ(batch.late_entry_reason(), why);
  EXPECT_THAT(RecordReasons(db_->conninfo(), batch.batch_id(), "batch"),
              ElementsAre("late entry: " + why));

  // The steps are held to the times as they happened: before the start
  // refused, after it (with the medium released before) recorded.
  v1::RecordProcessingRequest early =
      Processing(batch.batch_id(), t0 - absl::Minutes(90));
  early.set_late_entry_reason(why);
  refused = mfg_->RecordProcessing(tina_, early).status();
  EXPECT_EQ(ReasonOf(refused), kReasonBeforeBatchStart) << refused;
  v1::RecordProcessingRequest p0 = Processing(batch.batch_id(), t0);
  p0.mutable_values()->add_materials()->set_material_id(medium.material_id());
  p0.set_late_entry_reason(why);
  CC_ASSERT_OK_AND_ASSIGN(auto processed, mfg_->RecordProcessing(tina_, p0));
  EXPECT_EQ(processed.step().late_entry_reason(), why);

  // A batch started now needs no reason and keeps none.
  donor::v1::DonorLot second = MakeLot();
  v1::StartBatchRequest now;
  *now.mutable_context() = Ctx();
  now.set_donor_lot_id(second.lot_id());
  CC_ASSERT_OK_AND_ASSIGN(auto in_time, mfg_->StartBatch(tina_, now));
  EXPECT_EQ(in_time.batch().late_entry_reason(), "");
  EXPECT_LT(absl::Now() - fields::ToTime(in_time.batch().started_at()),
            absl::Minutes(5));
  ExpectEverySnapshotMatchesItsRow();
}

}  // namespace
}  // namespace cellchain::manufacturing
