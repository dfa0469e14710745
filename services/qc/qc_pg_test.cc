// The release-testing rules against a real PostgreSQL, with the real
// custody and identity services behind them (qc_test_fixture.h): a
// specification takes effect only when QA approves it; samples are custody
// items drawn from the product lot; results are judged at once and
// reviewed by a second analyst; an OOS result blocks release, even after a
// passing retest, until QA signs its investigation; a conditional release
// is closed by the late result, or rejected by it with a recall and a
// lookback (also after QA put the lot on hold); the releasing QA did none of
// the work; a batch whose row is not what manufacturing signed is refused; the
// certificate of analysis says what the records say (read back with pdftotext).
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/auth/access_policy.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/crypto.h"
#include "services/common/crypto/sha256.h"
#include "services/common/status/status.h"
#include "services/common/testing/round_trips.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/entity_guard.h"
#include "services/qc/qc_test_fixture.h"

namespace cellchain::qc {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

TEST_F(QcTest, ASpecificationTakesEffectOnlyWhenQaApprovesIt) {
  v1::CreateSpecificationRequest create;
  *create.mutable_context() = Ctx();
  create.set_use_default(true);
  CC_ASSERT_OK_AND_ASSIGN(auto draft, qc_->CreateSpecification(qa_, create));
  EXPECT_EQ(draft.specification().version(), 1);
  EXPECT_EQ(draft.specification().status(), v1::SPECIFICATION_STATUS_DRAFT);
  EXPECT_EQ(draft.specification().tests_size(), 14);
  // A draft is not in effect: no lot is tested against it.
  manufacturing::v1::GetBatchResponse batch = MakeBatch();
  EXPECT_EQ(ReasonOf(Open(batch.batch().batch_id()).status()),
            kReasonNoApprovedSpecification);
  const std::string v1_id = draft.specification().specification_id();
  CC_ASSERT_OK_AND_ASSIGN(auto approved, Approve(v1_id));
  EXPECT_EQ(approved.specification().status(),
            v1::SPECIFICATION_STATUS_EFFECTIVE);
  EXPECT_EQ(approved.specification().approved_by_user_id(), "quinn");
  EXPECT_EQ(ReasonOf(Approve(v1_id).status()), kReasonSpecificationStatus);
  CC_ASSERT_OK_AND_ASSIGN(v1::Lot lot, Open(batch.batch().batch_id()));
  EXPECT_EQ(lot.specification_version(), 1);

  // Version 2 tightens endotoxin; once approved it supersedes version 1,
  // and the lot opened under version 1 stays under it.
  v1::CreateSpecificationRequest v2 = create;
  *v2.mutable_context() = Ctx();
  v2.set_use_default(false);
  *v2.mutable_tests() = draft.specification().tests();
  v2.mutable_tests(11)->mutable_limits()->set_max("0.25");
  CC_ASSERT_OK_AND_ASSIGN(auto second, qc_->CreateSpecification(qa_, v2));
  EXPECT_EQ(second.specification().version(), 2);
  EXPECT_EQ(second.specification().tests(11).criterion(), "< 0.25 [EU]/mL");
  CC_ASSERT_OK_AND_ASSIGN(auto approved2,
                          Approve(second.specification().specification_id()));
  EXPECT_EQ(approved2.superseded_specification_id(), v1_id);
  v1::GetSpecificationRequest get;
  get.set_specification_id(v1_id);
  CC_ASSERT_OK_AND_ASSIGN(auto old, qc_->GetSpecification(get));
  EXPECT_EQ(old.specification().status(), v1::SPECIFICATION_STATUS_SUPERSEDED);
  get.set_effective_name("RH-UCMSC-RELEASE");
  CC_ASSERT_OK_AND_ASSIGN(auto effective, qc_->GetSpecification(get));
  EXPECT_EQ(effective.specification().version(), 2);
  EXPECT_EQ(Get(lot).specification().version(), 1);
  EXPECT_THAT(History("qc_specification", v1_id),
              ElementsAre("specification.create by quinn",
                          "specification.approve by quinn APPROVED",
                          "specification.supersede by quinn"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ABadSpecificationIsRefusedNamingTheFieldAndNothingIsWritten) {
  v1::CreateSpecificationRequest create;
  *create.mutable_context() = Ctx();
  for (const v1::SpecTest& t : DefaultTests(DefaultSpecOptions{}))
    *create.add_tests() = t;
  create.mutable_tests(4)->mutable_limits()->set_max("two");
  const int64_t before = QcRecords();
  absl::Status refused = qc_->CreateSpecification(qa_, create).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused), "tests[4].limits.max") << refused;
  create.mutable_tests(4)->mutable_limits()->set_max("2");
  create.mutable_tests(5)->set_code("CD34");
  EXPECT_EQ(FieldOf(qc_->CreateSpecification(qa_, create).status()),
            "tests[5].code");
  create.set_use_default(true);
  EXPECT_EQ(FieldOf(qc_->CreateSpecification(qa_, create).status()), "tests");
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_qc.specifications"), 0);
  EXPECT_EQ(QcRecords(), before);
  // No ExpectEverySnapshotMatchesItsRow: nothing was written, which the
  // two lines above assert, so there is no snapshot to compare.
}

TEST_F(QcTest, ALotIsOpenedOnceForAHarvestedBatch) {
  spec_ = ApprovedDefault();
  manufacturing::v1::GetBatchResponse in_process =
      MakeBatch(nullptr, manufacturing::v1::BATCH_STATE_IN_PROCESS);
  absl::Status refused = Open(in_process.batch().batch_id()).status();
  EXPECT_EQ(ReasonOf(refused), kReasonBatchNotHarvested) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("IN_PROCESS"));
  EXPECT_EQ(Open("bat_nosuchbatch").status().code(),
            absl::StatusCode::kNotFound);
  manufacturing::v1::GetBatchResponse batch = MakeBatch();
  CC_ASSERT_OK_AND_ASSIGN(v1::Lot lot, Open(batch.batch().batch_id()));
  EXPECT_EQ(lot.state(), v1::LOT_STATE_TESTING);
  EXPECT_EQ(lot.din(), batch.batch().din());
  EXPECT_EQ(lot.product_item_id(), batch.batch().product_item_id());
  absl::Status again = Open(batch.batch().batch_id()).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(again), kReasonLotExists);
  EXPECT_THAT(again.message(), HasSubstr(lot.lot_id()));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ASampleIsACustodyItemDrawnFromTheProductLot) {
  v1::Lot lot = MakeLot();
  absl::Status unknown = Draw(lot, {"STERILITY", "HIV"}).status();
  EXPECT_EQ(FieldOf(unknown), "test_codes[1]") << unknown;
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample sample,
                          Draw(lot, {"STERILITY", "MYCOPLASMA"}));
  custody::v1::Item item = Item(sample.item_id());
  EXPECT_EQ(item.type(), custody::v1::ITEM_TYPE_QC_SAMPLE);
  ASSERT_EQ(item.parents_size(), 1);
  EXPECT_EQ(item.parents(0).parent_item_id(), lot.product_item_id());
  EXPECT_EQ(item.parents(0).kind(), custody::v1::DERIVATION_KIND_SAMPLE);
  EXPECT_EQ(item.custodian_user_id(), "tina");
  EXPECT_THAT(History("qc_sample", sample.sample_id()),
              ElementsAre("sample.draw by tina"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, AResultIsJudgedAtOnceAndReviewedByAnotherAnalyst) {
  v1::Lot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample flow,
                          Draw(lot, {"VIABILITY", "CD73", "ENDOTOXIN"}));
  const int64_t before = QcRecords();
  // Values the test does not take, and tests the sample was not drawn for.
  EXPECT_EQ(FieldOf(Enter(flow, "VIABILITY", "ninety", "%").status()), "value");
  EXPECT_EQ(ReasonOf(Enter(flow, "ENDOTOXIN", "0.1", "EU/ml").status()),
            kReasonUnitMismatch);
  EXPECT_EQ(ReasonOf(Enter(flow, "STERILITY", "no growth", "").status()),
            kReasonTestNotOnSample);
  EXPECT_EQ(ReasonOf(Enter(flow, "HIV", "negative", "").status()),
            kReasonUnknownTest);
  v1::EnterResultRequest wrong = Entry(flow, "VIABILITY", "92.4", "%");
  wrong.mutable_signature()->set_password("not my password");
  EXPECT_EQ(ReasonOf(qc_->EnterResult(ana_, wrong).status()),
            auth::kReasonReauthenticationFailed);
  EXPECT_EQ(QcRecords(), before);

  CC_ASSERT_OK_AND_ASSIGN(auto entered, Enter(flow, "VIABILITY", "92.4", "%"));
  const v1::Result& result = entered.result();
  EXPECT_EQ(result.conformance(), v1::CONFORMANCE_IN_SPECIFICATION);
  EXPECT_EQ(result.criterion(), "≥ 70 %");
  EXPECT_EQ(result.performed_by_user_id(), "ana");
  EXPECT_FALSE(entered.has_investigation());
  EXPECT_EQ(Status(Get(lot), "VIABILITY").status(),
            v1::TEST_STATUS_AWAITING_REVIEW);
  // Four eyes: the analyst who entered it does not review it.
  absl::Status self = Review(result.result_id(), &ana_, kAnaPassword).status();
  EXPECT_EQ(ReasonOf(self), auth::kReasonSamePerson) << self;
  CC_ASSERT_OK_AND_ASSIGN(auto reviewed, Review(result.result_id()));
  EXPECT_EQ(reviewed.result().reviewed_by_user_id(), "ben");
  EXPECT_EQ(ReasonOf(Review(result.result_id()).status()),
            kReasonResultReviewed);
  EXPECT_EQ(Status(Get(lot), "VIABILITY").status(),
            v1::TEST_STATUS_IN_SPECIFICATION);
  // A second result of the same test is a retest, never a quiet overwrite.
  absl::Status again = Enter(flow, "VIABILITY", "95.0", "%").status();
  EXPECT_EQ(ReasonOf(again), kReasonRetestRequired) << again;
  EXPECT_THAT(again.message(), HasSubstr(result.result_id()));
  EXPECT_THAT(History("qc_result", result.result_id()),
              ElementsAre("result.enter by ana PERFORMED",
                          "result.review by ben REVIEWED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest,
       OosBlocksReleaseEvenAfterAPassingRetestUntilQaSignsTheInvestigation) {
  v1::Lot lot = MakeLot();
  v1::Sample sample = TestAll(lot, {"ENDOTOXIN"});
  CC_ASSERT_OK_AND_ASSIGN(auto oos,
                          Enter(sample, "ENDOTOXIN", "0.8", "[EU]/mL"));
  EXPECT_EQ(oos.result().conformance(), v1::CONFORMANCE_OUT_OF_SPECIFICATION);
  ASSERT_TRUE(oos.has_investigation());
  EXPECT_EQ(oos.investigation().status(), v1::INVESTIGATION_STATUS_OPEN);
  EXPECT_EQ(oos.result().investigation_id(),
            oos.investigation().investigation_id());
  // Flagged at once: before any review.
  EXPECT_EQ(Status(Get(lot), "ENDOTOXIN").status(),
            v1::TEST_STATUS_OUT_OF_SPECIFICATION);
  absl::Status refused = Dispose(lot, v1::LOT_STATE_RELEASED).status();
  EXPECT_EQ(ReasonOf(refused), kReasonTestOutOfSpecification) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("INVESTIGATION_OPEN"));
  CC_ASSERT_OK(Review(oos.result().result_id()).status());

  // A retest needs the reason and QA's approval, and QA must be QA.
  v1::EnterResultRequest retest = Entry(sample, "ENDOTOXIN", "0.2", "[EU]/mL");
  retest.set_retest_of_result_id(oos.result().result_id());
  EXPECT_EQ(FieldOf(qc_->EnterResult(ana_, retest).status()), "context.reason");
  retest.mutable_context()->set_reason("Phase I: reagent blank suspect");
  EXPECT_EQ(FieldOf(qc_->EnterResult(ana_, retest).status()), "qa_approval");
  retest.mutable_qa_approval()->set_user_id("ben");
  retest.mutable_qa_approval()->set_password(kBenPassword);
  retest.mutable_qa_approval()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(ReasonOf(qc_->EnterResult(ana_, retest).status()),
            auth::kReasonRoleNotAllowed);
  retest.mutable_qa_approval()->set_user_id("quinn");
  retest.mutable_qa_approval()->set_password(testing::kQaPassword);
  CC_ASSERT_OK_AND_ASSIGN(auto passed, qc_->EnterResult(ana_, retest));
  EXPECT_EQ(passed.result().conformance(), v1::CONFORMANCE_IN_SPECIFICATION);
  EXPECT_EQ(passed.result().retest_approved_by_user_id(), "quinn");
  CC_ASSERT_OK(Review(passed.result().result_id()).status());
  // The passing retest does not outweigh the original OOS.
  refused = Dispose(lot, v1::LOT_STATE_RELEASED).status();
  EXPECT_EQ(ReasonOf(refused), kReasonTestOutOfSpecification) << refused;

  // QA closes the investigation: an inconclusive one leaves the OOS
  // standing...
  v1::CloseInvestigationRequest close;
  *close.mutable_context() = Ctx();
  close.set_investigation_id(oos.investigation().investigation_id());
  close.set_outcome(v1::INVESTIGATION_OUTCOME_LAB_ERROR);
  close.set_conclusion(
      "LAL reagent lot 4411 contaminated; retest with lot 4502 valid");
  *close.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  CC_ASSERT_OK_AND_ASSIGN(auto closed, qc_->CloseInvestigation(qa_, close));
  EXPECT_EQ(closed.investigation().status(), v1::INVESTIGATION_STATUS_CLOSED);
  EXPECT_TRUE(closed.result().invalidated());
  EXPECT_THAT(closed.result().invalidation_reason(), HasSubstr("lot 4411"));
  *close.mutable_context() = Ctx();
  EXPECT_EQ(ReasonOf(qc_->CloseInvestigation(qa_, close).status()),
            kReasonInvestigationClosed);
  // ...and the original stays visible, marked invalid.
  v1::GetLotResponse got = Get(lot);
  EXPECT_EQ(Status(got, "ENDOTOXIN").status(),
            v1::TEST_STATUS_IN_SPECIFICATION);
  int endotoxin_results = 0;
  for (const v1::Result& r : got.results()) {
    if (r.test_code() != "ENDOTOXIN") continue;
    ++endotoxin_results;
    EXPECT_EQ(r.invalidated(), r.result_id() == oos.result().result_id());
  }
  EXPECT_EQ(endotoxin_results, 2);
  EXPECT_TRUE(got.release_blockers().empty())
      << absl::StrJoin(got.release_blockers(), "\n");
  CC_ASSERT_OK_AND_ASSIGN(auto released, Dispose(lot, v1::LOT_STATE_RELEASED));
  EXPECT_EQ(released.lot().state(), v1::LOT_STATE_RELEASED);
  EXPECT_THAT(History("qc_result", oos.result().result_id()),
              ElementsAre("result.enter by ana PERFORMED",
                          "result.review by ben REVIEWED",
                          "result.invalidate by quinn APPROVED"));
  EXPECT_THAT(History("qc_result", passed.result().result_id()),
              ElementsAre("result.enter by ana PERFORMED",
                          "result.retest_approve by quinn APPROVED",
                          "result.review by ben REVIEWED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, AConfirmedOosKeepsTheTestFailedAndTheLotCanOnlyBeRejected) {
  v1::Lot lot = MakeLot();
  v1::Sample sample = TestAll(lot, {"CD105"});
  CC_ASSERT_OK_AND_ASSIGN(auto oos, Enter(sample, "CD105", "91.0", "%"));
  v1::CloseInvestigationRequest close;
  *close.mutable_context() = Ctx();
  close.set_investigation_id(oos.investigation().investigation_id());
  close.set_outcome(v1::INVESTIGATION_OUTCOME_PRODUCT_FAILURE);
  close.set_conclusion("confirmed by a second gating; identity not met");
  *close.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  CC_ASSERT_OK_AND_ASSIGN(auto closed, qc_->CloseInvestigation(qa_, close));
  EXPECT_FALSE(closed.result().invalidated());
  EXPECT_EQ(ReasonOf(Dispose(lot, v1::LOT_STATE_RELEASED).status()),
            kReasonTestOutOfSpecification);
  EXPECT_EQ(
      ReasonOf(Dispose(lot, v1::LOT_STATE_CONDITIONALLY_RELEASED).status()),
      kReasonTestOutOfSpecification);
  EXPECT_EQ(FieldOf(Dispose(lot, v1::LOT_STATE_REJECTED).status()),
            "context.reason");
  CC_ASSERT_OK_AND_ASSIGN(
      auto rejected,
      Dispose(lot, v1::LOT_STATE_REJECTED, "CD105 below 95 %, confirmed"));
  EXPECT_EQ(rejected.lot().state(), v1::LOT_STATE_REJECTED);
  EXPECT_TRUE(Item(lot.product_item_id()).on_hold());
  // QA's rejection holds the product lot and what was derived from it, and
  // leaves a lookback (no result triggered it; no patient was reached).
  ASSERT_TRUE(rejected.has_lookback());
  EXPECT_EQ(rejected.lookback().trigger_result_id(), "");
  EXPECT_THAT(rejected.lookback().held_item_ids(),
              Contains(lot.product_item_id()));
  EXPECT_THAT(rejected.lookback().held_item_ids(), Contains(sample.item_id()));
  EXPECT_TRUE(rejected.lookback().patients().empty());
  EXPECT_TRUE(Item(sample.item_id()).on_hold());
  EXPECT_EQ(
      ReasonOf(Dispose(lot, v1::LOT_STATE_ON_HOLD, "look again").status()),
      kReasonLotState);
  v1::GetCertificateRequest coa;
  coa.set_lot_id(lot.lot_id());
  EXPECT_EQ(ReasonOf(qc_->GetCertificate(coa).status()), kReasonLotNotReleased);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, AConditionalReleaseIsClosedByTheSterilityResultWhenReviewed) {
  v1::Lot lot = MakeLot();
  TestAll(lot, {"STERILITY"});
  absl::Status refused = Dispose(lot, v1::LOT_STATE_RELEASED).status();
  EXPECT_EQ(ReasonOf(refused), kReasonTestPending) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("Sterility"));
  CC_ASSERT_OK_AND_ASSIGN(auto conditional,
                          Dispose(lot, v1::LOT_STATE_CONDITIONALLY_RELEASED));
  EXPECT_EQ(conditional.lot().state(), v1::LOT_STATE_CONDITIONALLY_RELEASED);
  EXPECT_THAT(conditional.lot().pending_test_codes(), ElementsAre("STERILITY"));
  // The certificate says what is pending.
  v1::GetCertificateRequest coa;
  coa.set_lot_id(lot.lot_id());
  CC_ASSERT_OK_AND_ASSIGN(auto certificate, qc_->GetCertificate(coa));
  EXPECT_THAT(certificate.content().pending_test_codes(),
              ElementsAre("STERILITY"));
  // Only the pending test takes results now.
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample bottles, Draw(lot, {"STERILITY"}));
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample late, Draw(lot, {"MYCOPLASMA"}));
  EXPECT_EQ(ReasonOf(Enter(late, "MYCOPLASMA", "not detected", "").status()),
            kReasonLotState);
  CC_ASSERT_OK_AND_ASSIGN(auto clean,
                          Enter(bottles, "STERILITY", "no growth", ""));
  EXPECT_EQ(clean.lot().state(), v1::LOT_STATE_CONDITIONALLY_RELEASED);
  CC_ASSERT_OK_AND_ASSIGN(auto reviewed, Review(clean.result().result_id()));
  EXPECT_EQ(reviewed.lot().state(), v1::LOT_STATE_RELEASED);
  EXPECT_TRUE(reviewed.lot().has_conditions_closed_at());
  EXPECT_THAT(History("qc_lot", lot.lot_id()),
              ElementsAre("lot.open by ana",
                          "lot.release_conditional by quinn RELEASED",
                          "lot.condition_close by ben"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ALateOosRejectsTheLotHoldsItsDosesAndLooksBackAtPatients) {
  v1::Lot lot = MakeLot();
  TestAll(lot, {"STERILITY"});
  CC_ASSERT_OK(Dispose(lot, v1::LOT_STATE_CONDITIONALLY_RELEASED).status());
  const std::string infused = Dose(lot, "RH-017", /*infuse=*/true);
  const std::string waiting = Dose(lot, "RH-018", /*infuse=*/false);
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample bottles, Draw(lot, {"STERILITY"}));
  v1::EnterResultRequest growth = Entry(bottles, "STERILITY", "growth", "");
  CC_ASSERT_OK_AND_ASSIGN(auto entered, qc_->EnterResult(ana_, growth));
  EXPECT_EQ(entered.lot().state(), v1::LOT_STATE_REJECTED);
  EXPECT_EQ(entered.lot().rejected_by_result_id(),
            entered.result().result_id());
  ASSERT_TRUE(entered.has_lookback());
  const v1::Lookback& lookback = entered.lookback();
  EXPECT_EQ(lookback.trigger_result_id(), entered.result().result_id());
  std::vector<std::string> patients;
  for (const v1::PatientExposure& p : lookback.patients()) {
    patients.push_back(absl::StrCat(p.patient_id(), " ", p.state()));
  }
  EXPECT_THAT(patients,
              UnorderedElementsAre("RH-017 INFUSED", "RH-018 ON_HOLD"));
  EXPECT_THAT(lookback.held_item_ids(), Contains(lot.product_item_id()));
  EXPECT_THAT(lookback.held_item_ids(), Contains(waiting));
  EXPECT_TRUE(Item(waiting).on_hold());
  EXPECT_TRUE(Item(lot.product_item_id()).on_hold());
  EXPECT_EQ(Item(infused).state(), custody::v1::ITEM_STATE_INFUSED);
  // A retry of the same request answers the same, and writes nothing.
  const int64_t records = QcRecords();
  CC_ASSERT_OK_AND_ASSIGN(auto again, qc_->EnterResult(ana_, growth));
  EXPECT_EQ(again.lookback().lookback_id(), lookback.lookback_id());
  EXPECT_EQ(QcRecords(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_qc.lookbacks"), 1);
  EXPECT_EQ(Get(lot).lookbacks_size(), 1);
  EXPECT_THAT(History("qc_lot", lot.lot_id()),
              ElementsAre("lot.open by ana",
                          "lot.release_conditional by quinn RELEASED",
                          "lot.reject_automatic by ana"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ALateOosRejectsTheLotEvenWhenQaPutItOnHoldMeanwhile) {
  v1::Lot lot = MakeLot();
  TestAll(lot, {"STERILITY"});
  CC_ASSERT_OK(Dispose(lot, v1::LOT_STATE_CONDITIONALLY_RELEASED).status());
  const std::string infused = Dose(lot, "RH-021", /*infuse=*/true);
  const std::string waiting = Dose(lot, "RH-022", /*infuse=*/false);
  // QA holds the lot while the culture runs; a hold in qc holds nothing in
  // custody.
  CC_ASSERT_OK_AND_ASSIGN(auto held, Dispose(lot, v1::LOT_STATE_ON_HOLD,
                                             "incubator alarm on bottle 2"));
  EXPECT_THAT(held.lot().pending_test_codes(), ElementsAre("STERILITY"));
  EXPECT_FALSE(Item(waiting).on_hold());
  // The pending culture grows: the dose already given and the one waiting
  // are exactly what the rule is for, hold or not.
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample bottles, Draw(lot, {"STERILITY"}));
  CC_ASSERT_OK_AND_ASSIGN(auto entered,
                          Enter(bottles, "STERILITY", "growth", ""));
  EXPECT_EQ(entered.lot().state(), v1::LOT_STATE_REJECTED);
  EXPECT_EQ(entered.lot().rejected_by_result_id(),
            entered.result().result_id());
  ASSERT_TRUE(entered.has_lookback());
  std::vector<std::string> patients;
  for (const v1::PatientExposure& p : entered.lookback().patients()) {
    patients.push_back(absl::StrCat(p.patient_id(), " ", p.state()));
  }
  EXPECT_THAT(patients,
              UnorderedElementsAre("RH-021 INFUSED", "RH-022 ON_HOLD"));
  EXPECT_TRUE(Item(waiting).on_hold());
  EXPECT_TRUE(Item(lot.product_item_id()).on_hold());
  EXPECT_THAT(
      History("qc_lot", lot.lot_id()),
      ElementsAre("lot.open by ana",
                  "lot.release_conditional by quinn RELEASED",
                  "lot.hold by quinn APPROVED", "lot.reject_automatic by ana"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, AFullReleaseFromHoldClosesTheConditionAndNothingElseDoes) {
  v1::Lot lot = MakeLot();
  TestAll(lot, {"STERILITY"});
  CC_ASSERT_OK(Dispose(lot, v1::LOT_STATE_CONDITIONALLY_RELEASED).status());
  CC_ASSERT_OK(
      Dispose(lot, v1::LOT_STATE_ON_HOLD, "incubator alarm on bottle 2")
          .status());
  // On hold, a late pass does not release the lot by itself: QA decides.
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample bottles, Draw(lot, {"STERILITY"}));
  CC_ASSERT_OK_AND_ASSIGN(auto clean,
                          Enter(bottles, "STERILITY", "no growth", ""));
  CC_ASSERT_OK_AND_ASSIGN(auto reviewed, Review(clean.result().result_id()));
  EXPECT_EQ(reviewed.lot().state(), v1::LOT_STATE_ON_HOLD);
  EXPECT_FALSE(reviewed.lot().has_conditions_closed_at());
  CC_ASSERT_OK_AND_ASSIGN(auto released, Dispose(lot, v1::LOT_STATE_RELEASED));
  EXPECT_EQ(released.lot().state(), v1::LOT_STATE_RELEASED);
  // The tests once pending stay on record, and the condition is closed.
  EXPECT_THAT(released.lot().pending_test_codes(), ElementsAre("STERILITY"));
  EXPECT_TRUE(released.lot().has_conditions_closed_at());
  EXPECT_THAT(History("qc_lot", lot.lot_id()),
              ElementsAre("lot.open by ana",
                          "lot.release_conditional by quinn RELEASED",
                          "lot.hold by quinn APPROVED",
                          "lot.release by quinn RELEASED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ARetestIsApprovedByAnotherPersonWhoIsQa) {
  auth::Principal rita = MakeUser(
      "rita", "Rita Two-Hats",
      {common::v1::ROLE_QA, common::v1::ROLE_QC_ANALYST}, kRitaPassword);
  v1::Lot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample sample, Draw(lot, {"MYCOPLASMA"}));
  CC_ASSERT_OK_AND_ASSIGN(auto oos,
                          Enter(sample, "MYCOPLASMA", "detected", ""));
  ASSERT_TRUE(oos.has_investigation());
  // Rita, an analyst who is also QA, retests and approves her own retest.
  rita.acting_role = common::v1::ROLE_QC_ANALYST;
  v1::EnterResultRequest retest =
      Entry(sample, "MYCOPLASMA", "not detected", "");
  retest.mutable_signature()->set_password(kRitaPassword);
  retest.set_retest_of_result_id(oos.result().result_id());
  retest.mutable_context()->set_reason("positive control failed");
  retest.mutable_qa_approval()->set_user_id("rita");
  retest.mutable_qa_approval()->set_password(kRitaPassword);
  retest.mutable_qa_approval()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  const int64_t before = QcRecords();
  absl::Status self = qc_->EnterResult(rita, retest).status();
  EXPECT_EQ(self.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(self), auth::kReasonSamePerson) << self;
  // QA's approval means APPROVED, nothing else.
  retest.mutable_qa_approval()->set_user_id("quinn");
  retest.mutable_qa_approval()->set_password(testing::kQaPassword);
  retest.mutable_qa_approval()->set_meaning(
      common::v1::SIGNATURE_MEANING_REVIEWED);
  EXPECT_EQ(FieldOf(qc_->EnterResult(rita, retest).status()),
            "qa_approval.meaning");
  EXPECT_EQ(QcRecords(), before);
  retest.mutable_qa_approval()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  CC_ASSERT_OK_AND_ASSIGN(auto passed, qc_->EnterResult(rita, retest));
  EXPECT_EQ(passed.result().performed_by_user_id(), "rita");
  EXPECT_EQ(passed.result().retest_approved_by_user_id(), "quinn");
  EXPECT_EQ(passed.result().retest_of_result_id(), oos.result().result_id());
  EXPECT_EQ(passed.result().retest_reason(), "positive control failed");
  // Both results are shown, and the OOS still decides.
  v1::GetLotResponse got = Get(lot);
  EXPECT_EQ(got.results_size(), 2);
  EXPECT_EQ(Status(got, "MYCOPLASMA").status(),
            v1::TEST_STATUS_OUT_OF_SPECIFICATION);
  // Having performed one of the lot's tests, Rita may not release it (a
  // refusal that comes before any gate of the lot's own).
  rita.acting_role = common::v1::ROLE_QA;
  absl::Status refused =
      Dispose(lot, v1::LOT_STATE_RELEASED, "", &rita, kRitaPassword).status();
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("rita signed PERFORMED"));
  ExpectEverySnapshotMatchesItsRow();
}

// How many round trips to qc's database each write of the wide load mix
// takes (tests/load MIX=wide: an analyst enters a result, a second one
// reviews it; a later result of the test is a retest with QA's approval).
// On a busy server each round trip is a wait of the handler's thread
// (issue 13, docs/performance.md "The analysts' and the pharmacist's
// writes, statement by statement"); a change that adds one fails here.
TEST_F(QcTest, TheAnalystsWritesTakeTheirBudgetOfRoundTrips) {
  v1::Lot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample sample, Draw(lot, {"VIABILITY"}));
  // qc on one connection, so that every statement is on the traced one
  // (the signatures' checks are identity's, on its own database).
  qc_.reset();
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("qc", 1));
  qc_ = std::make_unique<Qc>(pool_.get(), ledger_.get(), identity_.get(),
                             port_.get(), &batches_);
  PGconn* conn = nullptr;
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease lease, pool_->Acquire());
    conn = lease->get();
  }
  testing::RoundTripCounter trips(conn);

  CC_ASSERT_OK_AND_ASSIGN(auto entered,
                          Enter(sample, "VIABILITY", "92.4", "%"));
  EXPECT_EQ(entered.result().conformance(), v1::CONFORMANCE_IN_SPECIFICATION);
  // The sample, its lot and specification (before the signature); the
  // claim of the request id with BEGIN; the lot's lock and its results;
  // the result's INSERT (deferred) with its record's lock, head and the
  // result's read; the record's INSERT and the response with COMMIT.
  EXPECT_EQ(trips.Take(), 5);

  CC_ASSERT_OK_AND_ASSIGN(auto reviewed,
                          Review(entered.result().result_id()));
  EXPECT_EQ(reviewed.result().reviewed_by_user_id(), "ben");
  // The result and its lot; claim; the lot's lock, then the result's; the
  // UPDATE (deferred) with the record's lock, head and read; COMMIT.
  EXPECT_EQ(trips.Take(), 5);

  v1::EnterResultRequest retest = Entry(sample, "VIABILITY", "95.1", "%");
  retest.set_retest_of_result_id(entered.result().result_id());
  retest.mutable_context()->set_reason("the counter's bead check failed");
  retest.mutable_qa_approval()->set_user_id("quinn");
  retest.mutable_qa_approval()->set_password(testing::kQaPassword);
  retest.mutable_qa_approval()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  CC_ASSERT_OK_AND_ASSIGN(auto passed, qc_->EnterResult(ana_, retest));
  EXPECT_EQ(passed.result().retest_approved_by_user_id(), "quinn");
  // As a first result, and QA's approval: a second record of the result,
  // signed over the first, so its lock and head come after the first's
  // INSERT.
  EXPECT_EQ(trips.Take(), 6);

  EXPECT_THAT(History("qc_result", passed.result().result_id()),
              ElementsAre("result.enter by ana PERFORMED",
                          "result.retest_approve by quinn APPROVED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ASpecificationIsApprovedOnlyWithQasApprovalSignature) {
  v1::CreateSpecificationRequest create;
  *create.mutable_context() = Ctx();
  create.set_use_default(true);
  CC_ASSERT_OK_AND_ASSIGN(auto draft, qc_->CreateSpecification(qa_, create));
  const int64_t before = QcRecords();
  v1::ApproveSpecificationRequest approve;
  *approve.mutable_context() = Ctx();
  approve.set_specification_id(draft.specification().specification_id());
  EXPECT_EQ(FieldOf(qc_->ApproveSpecification(qa_, approve).status()),
            "signature.meaning");
  *approve.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_REVIEWED);
  EXPECT_EQ(FieldOf(qc_->ApproveSpecification(qa_, approve).status()),
            "signature.meaning");
  *approve.mutable_signature() =
      Sig("not the password", common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(ReasonOf(qc_->ApproveSpecification(qa_, approve).status()),
            auth::kReasonReauthenticationFailed);
  EXPECT_EQ(QcRecords(), before);
  // Still a draft: no lot is tested against it.
  v1::GetSpecificationRequest get;
  get.set_specification_id(draft.specification().specification_id());
  CC_ASSERT_OK_AND_ASSIGN(auto still, qc_->GetSpecification(get));
  EXPECT_EQ(still.specification().status(), v1::SPECIFICATION_STATUS_DRAFT);
  EXPECT_EQ(ReasonOf(Open(MakeBatch().batch().batch_id()).status()),
            kReasonNoApprovedSpecification);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, TheReleasingQaDidNoneOfTheLotsStepsOrTests) {
  auth::Principal rita = MakeUser(
      "rita", "Rita Two-Hats",
      {common::v1::ROLE_QA, common::v1::ROLE_QC_ANALYST}, kRitaPassword);
  auth::Principal sam = MakeUser(
      "sam", "Sam Shift-Lead",
      {common::v1::ROLE_QA, common::v1::ROLE_TECHNICIAN}, "recorded a passage");
  spec_ = ApprovedDefault();
  // Rita reviewed one of the lot's results.
  CC_ASSERT_OK_AND_ASSIGN(v1::Lot lot, Open(MakeBatch().batch().batch_id()));
  TestAll(lot, {"KARYOTYPE"});
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample sample, Draw(lot, {"KARYOTYPE"}));
  CC_ASSERT_OK_AND_ASSIGN(auto karyotype,
                          Enter(sample, "KARYOTYPE", "normal", ""));
  rita.acting_role = common::v1::ROLE_QC_ANALYST;
  CC_ASSERT_OK(
      Review(karyotype.result().result_id(), &rita, kRitaPassword).status());
  rita.acting_role = common::v1::ROLE_QA;
  absl::Status refused =
      Dispose(lot, v1::LOT_STATE_RELEASED, "", &rita, kRitaPassword).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("REVIEWED"));
  // Sam recorded a manufacturing step of the other lot's batch.
  CC_ASSERT_OK_AND_ASSIGN(v1::Lot other,
                          Open(MakeBatch(&sam).batch().batch_id()));
  TestAll(other);
  refused =
      Dispose(other, v1::LOT_STATE_RELEASED, "", &sam, "recorded a passage")
          .status();
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("sam"));
  // Restricting a lot is never blocked by it.
  CC_ASSERT_OK(Dispose(other, v1::LOT_STATE_ON_HOLD, "awaiting QA", &sam,
                       "recorded a passage")
                   .status());
  // Someone who did none of it releases both.
  CC_ASSERT_OK(Dispose(lot, v1::LOT_STATE_RELEASED).status());
  CC_ASSERT_OK(Dispose(other, v1::LOT_STATE_RELEASED).status());
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ADispositionChecksTheBatchTheVersionAndTheState) {
  v1::Lot lot = MakeLot();
  TestAll(lot);
  // An open major deviation of the batch blocks release.
  batches_.batches[lot.batch_id()].set_open_major_deviations(1);
  absl::Status refused = Dispose(lot, v1::LOT_STATE_RELEASED).status();
  EXPECT_EQ(ReasonOf(refused), kReasonMajorDeviationOpen) << refused;
  EXPECT_THAT(Get(lot).release_blockers(),
              ElementsAre(HasSubstr("MAJOR_DEVIATION_OPEN")));
  batches_.batches[lot.batch_id()].set_open_major_deviations(0);
  // With every test in there is nothing to release conditionally.
  EXPECT_EQ(
      ReasonOf(Dispose(lot, v1::LOT_STATE_CONDITIONALLY_RELEASED).status()),
      kReasonNothingPending);
  // What QA looked at is what QA signs.
  const int64_t version = Get(lot).lot().version();
  CC_ASSERT_OK_AND_ASSIGN(
      auto held, Dispose(lot, v1::LOT_STATE_ON_HOLD, "trend review", nullptr,
                         testing::kQaPassword, version));
  EXPECT_EQ(held.lot().state(), v1::LOT_STATE_ON_HOLD);
  absl::Status stale = Dispose(lot, v1::LOT_STATE_RELEASED, "", nullptr,
                               testing::kQaPassword, version)
                           .status();
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(stale), kReasonLotVersion);
  // A signature of the wrong meaning is refused before the password.
  v1::DisposeLotRequest wrong;
  *wrong.mutable_context() = Ctx();
  wrong.set_lot_id(lot.lot_id());
  wrong.set_disposition(v1::LOT_STATE_RELEASED);
  *wrong.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(FieldOf(qc_->DisposeLot(qa_, wrong).status()), "signature.meaning");
  // A retried release releases once.
  v1::DisposeLotRequest release = wrong;
  *release.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_RELEASED);
  CC_ASSERT_OK_AND_ASSIGN(auto released, qc_->DisposeLot(qa_, release));
  const int64_t records = QcRecords();
  CC_ASSERT_OK_AND_ASSIGN(auto again, qc_->DisposeLot(qa_, release));
  EXPECT_EQ(again.lot().version(), released.lot().version());
  EXPECT_EQ(QcRecords(), records);
  EXPECT_EQ(ReasonOf(Dispose(lot, v1::LOT_STATE_RELEASED).status()),
            kReasonLotState);
  // Results of a released lot stay as they were.
  v1::GetLotResponse got = Get(lot);
  v1::InvalidateResultRequest invalidate;
  *invalidate.mutable_context() = Ctx("transcription error");
  invalidate.set_result_id(got.results(0).result_id());
  *invalidate.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(ReasonOf(qc_->InvalidateResult(qa_, invalidate).status()),
            kReasonLotState);
  EXPECT_THAT(History("qc_lot", lot.lot_id()),
              ElementsAre("lot.open by ana", "lot.hold by quinn APPROVED",
                          "lot.release by quinn RELEASED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, AnInvalidationIsQasSignedRecordAndTheResultStaysVisible) {
  v1::Lot lot = MakeLot();
  CC_ASSERT_OK_AND_ASSIGN(v1::Sample sample, Draw(lot, {"VIABILITY"}));
  CC_ASSERT_OK_AND_ASSIGN(auto first, Enter(sample, "VIABILITY", "9.24", "%"));
  ASSERT_TRUE(first.has_investigation());
  v1::InvalidateResultRequest invalidate;
  *invalidate.mutable_context() = Ctx();
  invalidate.set_result_id(first.result().result_id());
  *invalidate.mutable_signature() =
      Sig(testing::kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
  const int64_t before = QcRecords();
  EXPECT_EQ(FieldOf(qc_->InvalidateResult(qa_, invalidate).status()),
            "context.reason");
  invalidate.mutable_context()->set_reason("decimal point misplaced: 92.4");
  invalidate.mutable_signature()->set_meaning(
      common::v1::SIGNATURE_MEANING_REVIEWED);
  EXPECT_EQ(FieldOf(qc_->InvalidateResult(qa_, invalidate).status()),
            "signature.meaning");
  EXPECT_EQ(QcRecords(), before);
  invalidate.mutable_signature()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  CC_ASSERT_OK_AND_ASSIGN(auto invalid, qc_->InvalidateResult(qa_, invalidate));
  EXPECT_TRUE(invalid.result().invalidated());
  EXPECT_EQ(invalid.result().invalidated_by_user_id(), "quinn");
  *invalidate.mutable_context() = Ctx("again");
  EXPECT_EQ(ReasonOf(qc_->InvalidateResult(qa_, invalidate).status()),
            kReasonResultInvalidated);
  // With no valid result left, a new result is no retest; the invalid one
  // is still shown, and its investigation still blocks release until QA
  // signs it.
  CC_ASSERT_OK_AND_ASSIGN(auto second, Enter(sample, "VIABILITY", "92.4", "%"));
  CC_ASSERT_OK(Review(second.result().result_id()).status());
  v1::GetLotResponse got = Get(lot);
  EXPECT_EQ(got.results_size(), 2);
  EXPECT_EQ(Status(got, "VIABILITY").status(),
            v1::TEST_STATUS_IN_SPECIFICATION);
  EXPECT_THAT(got.release_blockers(),
              Contains(HasSubstr(kReasonInvestigationOpen)));
  EXPECT_THAT(History("qc_result", first.result().result_id()),
              ElementsAre("result.enter by ana PERFORMED",
                          "result.invalidate by quinn APPROVED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(QcTest, ABatchWhoseRowIsNotWhatManufacturingSignedIsRefused) {
  spec_ = ApprovedDefault();
  const std::string batch_id = MakeBatch().batch().batch_id();
  const std::string other_item = MakeBatch().batch().product_item_id();
  // The product lot pointed elsewhere behind manufacturing's back.
  manufacturing::v1::GetBatchResponse& batch = batches_.batches[batch_id];
  const std::string real_item = batch.batch().product_item_id();
  batch.mutable_batch()->set_product_item_id(other_item);
  absl::Status refused = Open(batch.batch().batch_id()).status();
  EXPECT_EQ(ReasonOf(refused), ledger::kReasonEntityNotAudited) << refused;
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_qc.lots"), 0);
  batch.mutable_batch()->set_product_item_id(real_item);
  CC_ASSERT_OK_AND_ASSIGN(v1::Lot lot, Open(batch.batch().batch_id()));
  TestAll(lot);
  // A step whose performer was changed would dodge segregation of duties:
  // the release is refused.
  batches_.batches[lot.batch_id()].mutable_steps(0)->set_recorded_by_user_id(
      "nobody");
  refused = Dispose(lot, v1::LOT_STATE_RELEASED).status();
  EXPECT_EQ(ReasonOf(refused), ledger::kReasonEntityNotAudited) << refused;
  ExpectEverySnapshotMatchesItsRow();
}

// `text` without its white space: pdftotext lays a wrapped cell out on
// several lines and may drop the space before a unit.
std::string Flat(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\f' && c != '\t') out += c;
  }
  return out;
}

// pdftotext's text of `pdf` in content order (-raw), flattened.
std::string PdfText(const std::string& pdf) {
  std::string path = ::testing::TempDir() + "/coa_" +
                     crypto::RandomId("f").substr(2, 10) + ".pdf";
  {
    std::ofstream out(path, std::ios::binary);
    out << pdf;
  }
  std::string text;
  FILE* pipe =
      popen(("pdftotext -q -raw " + path + " - 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return "";
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    text.append(buffer, n);
  }
  pclose(pipe);
  std::remove(path.c_str());
  return Flat(text);
}

TEST_F(QcTest, TheCertificateOfAnalysisSaysWhatTheRecordsSay) {
  v1::Lot lot = MakeLot();
  TestAll(lot);
  CC_ASSERT_OK(Dispose(lot, v1::LOT_STATE_RELEASED).status());
  v1::GetCertificateRequest coa;
  coa.set_lot_id(lot.lot_id());
  CC_ASSERT_OK_AND_ASSIGN(auto certificate, qc_->GetCertificate(coa));
  EXPECT_EQ(certificate.pdf().substr(0, 5), "%PDF-");
  EXPECT_EQ(certificate.sha256_hex(), crypto::Sha256Hex(certificate.pdf()));
  EXPECT_EQ(certificate.file_name(),
            absl::StrCat("CoA-", lot.din(), "-", lot.lot_id(), ".pdf"));
  std::string text = PdfText(certificate.pdf());
  EXPECT_THAT(text, HasSubstr(Flat(lot.din())));
  EXPECT_THAT(text, HasSubstr(Flat(lot.lot_id())));
  EXPECT_THAT(text, HasSubstr(Flat("RH-UCMSC-RELEASE")));
  EXPECT_THAT(text, HasSubstr(Flat("RELEASED")));
  // Every test with its criterion, its result and its verdict, from the
  // lot's records.
  v1::GetLotResponse got = Get(lot);
  ASSERT_EQ(certificate.content().lines_size(), 14);
  for (const v1::CertificateLine& line : certificate.content().lines()) {
    EXPECT_THAT(text, HasSubstr(Flat(line.test_name())));
    EXPECT_THAT(text, HasSubstr(Flat(line.criterion()))) << line.test_code();
    EXPECT_EQ(line.verdict(), "PASS") << line.test_code();
    EXPECT_EQ(line.result(), GoodValue(line.test_code()).first);
    EXPECT_THAT(text, HasSubstr(Flat(line.result()))) << line.test_code();
  }
  // Every signature: the approval of the specification, each result's
  // entry and review, the release; names, meanings and times as recorded.
  EXPECT_EQ(certificate.content().signatures_size(), 1 + 2 * 14 + 1);
  int released = 0;
  for (const v1::CertificateSignature& sig :
       certificate.content().signatures()) {
    EXPECT_THAT(text, HasSubstr(Flat(sig.printed_name())));
    EXPECT_THAT(text, HasSubstr(Flat(sig.record_id())));
    if (sig.meaning() == common::v1::SIGNATURE_MEANING_RELEASED) {
      ++released;
      EXPECT_EQ(sig.printed_name(), "Quinn Q. Assurance");
      // The record's time, which the lot's disposal time precedes by
      // no more than the transaction took.
      absl::Duration gap = absl::Microseconds(
          TimeUtil::TimestampToMicroseconds(sig.signed_at()) -
          TimeUtil::TimestampToMicroseconds(got.lot().disposed_at()));
      EXPECT_GE(gap, absl::ZeroDuration());
      EXPECT_LT(gap, absl::Seconds(5));
      EXPECT_THAT(text,
                  HasSubstr(Flat(absl::FormatTime(
                      "%Y-%m-%d %H:%M:%S",
                      absl::FromUnixMicros(
                          TimeUtil::TimestampToMicroseconds(sig.signed_at())),
                      absl::UTCTimeZone()))));
    }
  }
  EXPECT_EQ(released, 1);
  // The specification's version, and every signature's meaning and time as
  // the records have them: QA's approval of the specification, the
  // analysts' entries and reviews, QA's release.
  EXPECT_EQ(certificate.content().specification_version(),
            got.specification().version());
  EXPECT_THAT(
      text,
      HasSubstr(Flat(absl::StrCat(got.specification().name(), ", version ",
                                  got.specification().version()))));
  std::map<std::string, int> meanings;
  for (const v1::CertificateSignature& sig :
       certificate.content().signatures()) {
    std::string meaning(
        absl::StripPrefix(common::v1::SignatureMeaning_Name(sig.meaning()),
                          "SIGNATURE_MEANING_"));
    ++meanings[meaning];
    EXPECT_THAT(text, HasSubstr(Flat(meaning)));
    EXPECT_THAT(
        text,
        HasSubstr(Flat(absl::StrCat(
            absl::FormatTime("%Y-%m-%d %H:%M:%S",
                             absl::FromUnixSeconds(sig.signed_at().seconds()),
                             absl::UTCTimeZone()),
            " UTC"))))
        << sig.record_id();
  }
  EXPECT_EQ(meanings, (std::map<std::string, int>{{"APPROVED", 1},
                                                  {"PERFORMED", 14},
                                                  {"RELEASED", 1},
                                                  {"REVIEWED", 14}}));
  EXPECT_THAT(text, HasSubstr(Flat("Ben B. Reviewer")));
  EXPECT_THAT(text, HasSubstr(Flat("REVIEWED")));
  EXPECT_THAT(text, HasSubstr(Flat("Ana Analyst")));
  EXPECT_THAT(text, HasSubstr(Flat("PERFORMED")));
  ExpectEverySnapshotMatchesItsRow();
}

}  // namespace
}  // namespace cellchain::qc
