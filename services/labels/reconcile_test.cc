// Reconciliation from hand-made jobs and scans: what is counted where, and
// which discrepancies a reviewer is shown, in order.
#include "services/labels/reconcile.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::labels {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::PrintJob Job(const std::string& id, const std::string& item,
                 int64_t printed_at, v1::PrintJobState state,
                 v1::PrintKind kind = v1::PRINT_KIND_FIRST, int copies = 1) {
  v1::PrintJob job;
  job.set_job_id(id);
  job.set_item_id(item);
  job.set_type(v1::LABEL_TYPE_CRYOVIAL);
  job.mutable_printed_at()->set_seconds(printed_at);
  job.set_state(state);
  job.set_kind(kind);
  job.set_copies(copies);
  return job;
}

v1::LabelVerification Scan(const std::string& item, const std::string& job,
                           v1::VerificationResult result) {
  v1::LabelVerification v;
  v.set_verification_id("lbv_" + item + job);
  v.set_item_id(item);
  v.set_job_id(job);
  v.set_result(result);
  return v;
}

std::vector<std::string> Kinds(const v1::ReconcileLabelsResponse& r) {
  std::vector<std::string> out;
  for (const v1::Discrepancy& d : r.discrepancies()) {
    out.push_back(d.item_id() + " " + v1::DiscrepancyKind_Name(d.kind()));
  }
  return out;
}

TEST(Reconcile, AVerifiedLabelAloneIsInOrder) {
  v1::ReconcileLabelsResponse r =
      Reconcile({Job("j1", "a", 10, v1::PRINT_JOB_STATE_VERIFIED)},
                {Scan("a", "j1", v1::VERIFICATION_RESULT_PASS)});
  ASSERT_EQ(r.items_size(), 1);
  EXPECT_EQ(r.items(0).verified(), 1);
  EXPECT_EQ(r.items(0).type(), v1::LABEL_TYPE_CRYOVIAL);
  EXPECT_THAT(r.discrepancies(), IsEmpty());
}

TEST(Reconcile, AVoidedJobCountsOnlyAsPrintedAndVoided) {
  // b: printed twice (3 copies the first time), the first voided, the
  // reprint verified; the voided one's copies still count as printed.
  v1::ReconcileLabelsResponse r = Reconcile(
      {Job("j3", "b", 30, v1::PRINT_JOB_STATE_VERIFIED, v1::PRINT_KIND_REPRINT),
       Job("j2", "b", 20, v1::PRINT_JOB_STATE_VOIDED, v1::PRINT_KIND_FIRST, 3)},
      {Scan("b", "j3", v1::VERIFICATION_RESULT_PASS)});
  ASSERT_EQ(r.items_size(), 1);
  const v1::ItemLabels& b = r.items(0);
  EXPECT_EQ(b.jobs(), 2);
  EXPECT_EQ(b.copies_printed(), 4);
  EXPECT_EQ(b.reprints(), 1);
  EXPECT_EQ(b.voided(), 1);
  EXPECT_EQ(b.verified(), 1);
  EXPECT_THAT(b.job_ids(), ElementsAre("j2", "j3"));
  EXPECT_THAT(r.discrepancies(), IsEmpty());
}

TEST(Reconcile, EveryDiscrepancyByItemThenKind) {
  v1::ReconcileLabelsResponse r = Reconcile(
      {// c: a reprint while the first still counts, neither verified, and
       // the latest scan failed.
       Job("j5", "c", 50, v1::PRINT_JOB_STATE_PRINTED, v1::PRINT_KIND_REPRINT),
       Job("j4", "c", 40, v1::PRINT_JOB_STATE_PRINTED),
       // a: every label voided.
       Job("j1", "a", 10, v1::PRINT_JOB_STATE_VOIDED)},
      {Scan("c", "j4", v1::VERIFICATION_RESULT_PASS),
       Scan("c", "j5", v1::VERIFICATION_RESULT_FAIL)});
  EXPECT_THAT(Kinds(r), ElementsAre("a DISCREPANCY_KIND_NO_LIVE_LABEL",
                                    "c DISCREPANCY_KIND_NOT_VERIFIED",
                                    "c DISCREPANCY_KIND_SEVERAL_LIVE_LABELS",
                                    "c DISCREPANCY_KIND_LAST_SCAN_FAILED"));
  EXPECT_THAT(r.discrepancies(1).job_ids(), ElementsAre("j4", "j5"));
  EXPECT_EQ(r.items(1).failed_scans(), 1);
  EXPECT_EQ(r.jobs(), 3);
  EXPECT_EQ(r.voided(), 1);
  EXPECT_EQ(r.reprints(), 1);
}

TEST(Reconcile, APassAfterAFailureClearsIt) {
  v1::ReconcileLabelsResponse r =
      Reconcile({Job("j1", "a", 10, v1::PRINT_JOB_STATE_VERIFIED)},
                {Scan("a", "j1", v1::VERIFICATION_RESULT_FAIL),
                 Scan("a", "j1", v1::VERIFICATION_RESULT_PASS)});
  EXPECT_EQ(r.items(0).failed_scans(), 1);
  EXPECT_THAT(r.discrepancies(), IsEmpty());
}

}  // namespace
}  // namespace cellchain::labels
