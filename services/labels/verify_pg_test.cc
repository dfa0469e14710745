// Reprints, voids, verification by scan and reconciliation against a real
// PostgreSQL and the real custody and identity services (LabelsTest): what
// a technician and QA would see, and what the rows and the audit trail
// hold afterwards.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/signatures.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/labels/labels_test_fixture.h"

namespace cellchain::labels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The discrepancies of a reconciliation as "kind item".
std::vector<std::string> Discrepancies(
    const v1::ReconcileLabelsResponse& reconciled) {
  std::vector<std::string> out;
  for (const v1::Discrepancy& d : reconciled.discrepancies()) {
    out.push_back(v1::DiscrepancyKind_Name(d.kind()) + " " + d.item_id());
  }
  return out;
}

TEST_F(LabelsTest, TheRightScanPassesAndVerifiesTheJob) {
  dose::v1::Dose dose = DoseBag();
  CC_ASSERT_OK_AND_ASSIGN(auto printed, Print(dose.item_id()));
  CC_ASSERT_OK_AND_ASSIGN(
      auto verified, Scan(dose.item_id(), LinearScan(printed.job().label())));
  const v1::LabelVerification& v = verified.verification();
  EXPECT_EQ(v.result(), v1::VERIFICATION_RESULT_PASS);
  EXPECT_EQ(v.mismatch(), v1::SCAN_MISMATCH_UNSPECIFIED);
  EXPECT_EQ(v.job_id(), printed.job().job_id());
  EXPECT_EQ(v.scanned_by_user_id(), "tina");
  EXPECT_EQ(verified.job().state(), v1::PRINT_JOB_STATE_VERIFIED);
  EXPECT_EQ(verified.job().verified_by_user_id(), "tina");
  // The Data Matrix reads the same: a pass, the job verified once.
  CC_ASSERT_OK_AND_ASSIGN(
      auto matrix,
      Scan(dose.item_id(), printed.job().label().isbt128().compound_message()));
  EXPECT_EQ(matrix.verification().result(), v1::VERIFICATION_RESULT_PASS);
  EXPECT_THAT(History("label_job", printed.job().job_id()),
              ElementsAre("label.print by tina", "label.verified by tina"));
  EXPECT_THAT(History("label_verification", v.verification_id()),
              ElementsAre("label.scan_pass by tina"));
  CC_ASSERT_OK_AND_ASSIGN(auto reconciled, ReconcileItem(dose.item_id()));
  EXPECT_EQ(reconciled.verified(), 1);
  EXPECT_THAT(reconciled.discrepancies(), ::testing::IsEmpty());
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(LabelsTest, AnotherItemsScanFailsNamesThatItemAndIsRecorded) {
  dose::v1::Dose mine = DoseBag("RH-017");
  dose::v1::Dose other = DoseBag("RH-018");
  CC_ASSERT_OK_AND_ASSIGN(auto my_job, Print(mine.item_id()));
  CC_ASSERT_OK_AND_ASSIGN(auto other_job, Print(other.item_id()));
  CC_ASSERT_OK_AND_ASSIGN(
      auto scanned, Scan(mine.item_id(), LinearScan(other_job.job().label())));
  const v1::LabelVerification& v = scanned.verification();
  EXPECT_EQ(v.result(), v1::VERIFICATION_RESULT_FAIL);
  EXPECT_EQ(v.mismatch(), v1::SCAN_MISMATCH_OTHER_ITEM);
  EXPECT_EQ(v.scanned_item_id(), other.item_id());
  EXPECT_THAT(v.detail(), HasSubstr("the label of item " + other.item_id()));
  EXPECT_EQ(v.job_id(), my_job.job().job_id());
  // The job is not verified; the failure is a row and an audit record.
  EXPECT_EQ(scanned.job().state(), v1::PRINT_JOB_STATE_PRINTED);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.label_verifications "
                  "WHERE result = 2 AND mismatch = 2 AND item_id = $1",
                  {mine.item_id()}),
            1);
  EXPECT_THAT(History("label_verification", v.verification_id()),
              ElementsAre("label.scan_fail by tina"));
  CC_ASSERT_OK_AND_ASSIGN(auto reconciled, ReconcileItem(mine.item_id()));
  ASSERT_EQ(reconciled.items_size(), 1);
  EXPECT_EQ(reconciled.items(0).failed_scans(), 1);
  EXPECT_THAT(
      Discrepancies(reconciled),
      ElementsAre("DISCREPANCY_KIND_NOT_VERIFIED " + mine.item_id(),
                  "DISCREPANCY_KIND_LAST_SCAN_FAILED " + mine.item_id()));
  // An older label of the item itself (another expiry) fails on the field.
  std::string stale = LinearScan(my_job.job().label());
  const std::string expiration =
      my_job.job().label().isbt128().expiration().data();
  stale.replace(stale.find(expiration), expiration.size(), "&>0263651405");
  CC_ASSERT_OK_AND_ASSIGN(auto field, Scan(mine.item_id(), stale));
  EXPECT_EQ(field.verification().mismatch(), v1::SCAN_MISMATCH_FIELD);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(LabelsTest, AScanOfAnItemWithoutALabelIsRefused) {
  dose::v1::Dose dose = DoseBag();
  auto refused = Scan(dose.item_id(), dose.donation_identification());
  EXPECT_EQ(ReasonOf(refused.status()), kReasonLabelNotPrinted);
  EXPECT_EQ(Scan("itm_nobody", "=A99992600001789").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.label_verifications"),
            0);
}

TEST_F(LabelsTest, AReconciliationOfAnUnknownItemIsNotFound) {
  // An item without a label reconciles to nothing printed and nothing
  // wrong; an id custody does not know is not a clean reconciliation.
  dose::v1::Dose dose = DoseBag();
  CC_ASSERT_OK_AND_ASSIGN(auto unlabelled, ReconcileItem(dose.item_id()));
  EXPECT_EQ(unlabelled.items_size(), 0);
  EXPECT_THAT(unlabelled.discrepancies(), ::testing::IsEmpty());
  EXPECT_EQ(ReconcileItem("itm_nobody").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReconcileItem(std::string(64 << 10, 'y')).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(LabelsTest, AReprintNeedsAReasonAndASignatureAndIsMarked) {
  dose::v1::Dose dose = DoseBag();
  CC_ASSERT_OK_AND_ASSIGN(auto printed, Print(dose.item_id()));
  v1::ReprintLabelRequest no_reason =
      Reprint(dose.item_id(), printed.job().job_id(), "");
  EXPECT_EQ(FieldOf(labels_->ReprintLabel(tina_, no_reason).status()),
            "context.reason");
  v1::ReprintLabelRequest wrong_password =
      Reprint(dose.item_id(), printed.job().job_id(), "smudged in the hood");
  wrong_password.mutable_signature()->set_password("not tina's");
  EXPECT_EQ(ReasonOf(labels_->ReprintLabel(tina_, wrong_password).status()),
            auth::kReasonReauthenticationFailed);
  v1::ReprintLabelRequest other_job =
      Reprint(dose.item_id(), "lbj_nothing", "smudged in the hood");
  EXPECT_EQ(ReasonOf(labels_->ReprintLabel(tina_, other_job).status()),
            kReasonJobNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 1);
  // Labels recorded nothing but the first print (identity audits the
  // failed signature in its own records).
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records WHERE "
                  "service = 'labels'"),
            1);

  v1::ReprintLabelRequest request =
      Reprint(dose.item_id(), printed.job().job_id(), "smudged in the hood");
  CC_ASSERT_OK_AND_ASSIGN(auto reprinted,
                          labels_->ReprintLabel(tina_, request));
  const v1::PrintJob& job = reprinted.job();
  EXPECT_EQ(job.kind(), v1::PRINT_KIND_REPRINT);
  EXPECT_EQ(job.reprint_of_job_id(), printed.job().job_id());
  EXPECT_EQ(job.reason(), "smudged in the hood");
  EXPECT_TRUE(job.label().reprint());
  EXPECT_NE(job.content_sha256(), printed.job().content_sha256());
  EXPECT_THAT(History("label_job", job.job_id()),
              ElementsAre("label.reprint by tina PERFORMED"));
  // A retry of the reprint prints nothing more.
  CC_ASSERT_OK_AND_ASSIGN(auto again, labels_->ReprintLabel(tina_, request));
  EXPECT_EQ(again.job().job_id(), job.job_id());
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 2);
  // Another item's job is not this item's earlier label.
  dose::v1::Dose other = DoseBag("RH-018");
  v1::ReprintLabelRequest crossed =
      Reprint(other.item_id(), printed.job().job_id(), "smudged");
  EXPECT_EQ(FieldOf(labels_->ReprintLabel(tina_, crossed).status()),
            "reprint_of_job_id");
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(LabelsTest, AVoidedLabelNoLongerCounts) {
  dose::v1::Dose dose = DoseBag();
  CC_ASSERT_OK_AND_ASSIGN(auto first, Print(dose.item_id()));
  CC_ASSERT_OK_AND_ASSIGN(
      auto second,
      labels_->ReprintLabel(tina_, Reprint(dose.item_id(), first.job().job_id(),
                                           "torn when applied")));
  // Two live labels for one bag, neither verified.
  CC_ASSERT_OK_AND_ASSIGN(auto before, ReconcileItem(dose.item_id()));
  EXPECT_THAT(
      Discrepancies(before),
      ElementsAre("DISCREPANCY_KIND_NOT_VERIFIED " + dose.item_id(),
                  "DISCREPANCY_KIND_SEVERAL_LIVE_LABELS " + dose.item_id()));

  v1::VoidLabelRequest void_request;
  *void_request.mutable_context() = Ctx();
  void_request.set_job_id(first.job().job_id());
  EXPECT_EQ(FieldOf(labels_->VoidLabel(tina_, void_request).status()),
            "context.reason");
  *void_request.mutable_context() = Ctx("torn label destroyed");
  CC_ASSERT_OK_AND_ASSIGN(auto voided, labels_->VoidLabel(tina_, void_request));
  EXPECT_EQ(voided.job().state(), v1::PRINT_JOB_STATE_VOIDED);
  EXPECT_EQ(voided.job().voided_by_user_id(), "tina");
  EXPECT_EQ(voided.job().void_reason(), "torn label destroyed");
  *void_request.mutable_context() = Ctx("again");
  EXPECT_EQ(ReasonOf(labels_->VoidLabel(tina_, void_request).status()),
            kReasonJobVoided);

  // A scan is judged against the live label, the reprint, which it
  // verifies (the voided label carried the same codes).
  CC_ASSERT_OK_AND_ASSIGN(
      auto scanned, Scan(dose.item_id(), LinearScan(first.job().label())));
  EXPECT_EQ(scanned.verification().job_id(), second.job().job_id());
  EXPECT_EQ(scanned.verification().result(), v1::VERIFICATION_RESULT_PASS)
      << scanned.verification().detail();
  EXPECT_EQ(scanned.job().state(), v1::PRINT_JOB_STATE_VERIFIED);

  CC_ASSERT_OK_AND_ASSIGN(auto after, ReconcileItem(dose.item_id()));
  ASSERT_EQ(after.items_size(), 1);
  const v1::ItemLabels& line = after.items(0);
  EXPECT_EQ(line.jobs(), 2);
  EXPECT_EQ(line.copies_printed(), 2);
  EXPECT_EQ(line.reprints(), 1);
  EXPECT_EQ(line.voided(), 1);
  EXPECT_EQ(line.verified(), 1);
  EXPECT_THAT(line.job_ids(),
              ElementsAre(first.job().job_id(), second.job().job_id()));
  EXPECT_THAT(after.discrepancies(), ::testing::IsEmpty());
  EXPECT_THAT(History("label_job", first.job().job_id()),
              ElementsAre("label.print by tina", "label.void by tina"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(LabelsTest, ADonationReconcilesEveryLabelledContainer) {
  dose::v1::Dose dose = DoseBag();
  const std::string sample =
      RegisterItem(custody::v1::ITEM_TYPE_QC_SAMPLE, dose.din(), "=<S1295000",
                   dose.product_item_id(), custody::v1::DERIVATION_KIND_SAMPLE);
  CC_ASSERT_OK_AND_ASSIGN(auto bag_job, Print(dose.item_id()));
  CC_ASSERT_OK_AND_ASSIGN(auto sample_job, Print(sample));
  CC_ASSERT_OK(
      Scan(dose.item_id(), LinearScan(bag_job.job().label())).status());
  // The sample's label scanned on the bag: this DIN, another product code.
  CC_ASSERT_OK_AND_ASSIGN(
      auto crossed, Scan(dose.item_id(), LinearScan(sample_job.job().label())));
  EXPECT_EQ(crossed.verification().mismatch(), v1::SCAN_MISMATCH_OTHER_ITEM);
  EXPECT_EQ(crossed.verification().scanned_item_id(), sample);
  CC_ASSERT_OK_AND_ASSIGN(auto reconciled, ReconcileDin(dose.din()));
  EXPECT_EQ(reconciled.items_size(), 2);
  EXPECT_EQ(reconciled.jobs(), 2);
  EXPECT_EQ(reconciled.verified(), 1);
  std::vector<std::string> expected = {
      "DISCREPANCY_KIND_LAST_SCAN_FAILED " + dose.item_id(),
      "DISCREPANCY_KIND_NOT_VERIFIED " + sample};
  if (sample < dose.item_id()) std::swap(expected[0], expected[1]);
  EXPECT_THAT(Discrepancies(reconciled), ::testing::ElementsAreArray(expected));
  v1::ReconcileLabelsRequest bad;
  bad.set_din("A9999");
  EXPECT_EQ(FieldOf(labels_->ReconcileLabels(bad).status()), "din");
}

TEST_F(LabelsTest, ARetryOfAScanWritesNothingTwice) {
  dose::v1::Dose dose = DoseBag();
  CC_ASSERT_OK_AND_ASSIGN(auto printed, Print(dose.item_id()));
  v1::VerifyLabelScanRequest request;
  *request.mutable_context() = Ctx();
  request.set_item_id(dose.item_id());
  request.set_scan("=+01000" + dose.donation_identification());
  CC_ASSERT_OK_AND_ASSIGN(auto first, labels_->VerifyLabelScan(tina_, request));
  EXPECT_EQ(first.verification().mismatch(), v1::SCAN_MISMATCH_INCOMPLETE);
  const int64_t records = Records();
  CC_ASSERT_OK_AND_ASSIGN(auto again, labels_->VerifyLabelScan(tina_, request));
  EXPECT_EQ(again.verification().verification_id(),
            first.verification().verification_id());
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.label_verifications"),
            1);
}

}  // namespace
}  // namespace cellchain::labels
