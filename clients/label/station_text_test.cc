#include "clients/label/station_text.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

namespace v1 = cellchain::labels::v1;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

v1::LabelVerification Failed(v1::ScanMismatch mismatch, std::string detail) {
  v1::LabelVerification v;
  v.set_item_id("itm_bag1");
  v.set_job_id("lbj_1");
  v.set_result(v1::VERIFICATION_RESULT_FAIL);
  v.set_mismatch(mismatch);
  v.set_detail(std::move(detail));
  return v;
}

TEST(VerdictLine, APassNamesTheItemAndItsJob) {
  v1::LabelVerification v;
  v.set_item_id("itm_bag1");
  v.set_job_id("lbj_1");
  v.set_result(v1::VERIFICATION_RESULT_PASS);
  EXPECT_EQ(VerdictLine(v),
            "PASS  the label on itm_bag1 is its own and reads right (job "
            "lbj_1)");
}

TEST(VerdictLine, AnotherItemsLabelNamesThatItem) {
  v1::LabelVerification v = Failed(v1::SCAN_MISMATCH_OTHER_ITEM,
                                   "the label of item itm_bag2 (job lbj_2)");
  v.set_scanned_item_id("itm_bag2");
  EXPECT_EQ(VerdictLine(v),
            "FAIL  this is the label of another item, itm_bag2, not "
            "itm_bag1: take it off and do not use the container until it "
            "carries its own label (the label of item itm_bag2 (job lbj_2))");
  // When no print job names the scanned label, it is still another item's.
  v.clear_scanned_item_id();
  EXPECT_THAT(VerdictLine(v),
              StartsWith("FAIL  this is another item's label, not itm_bag1's"));
}

TEST(VerdictLine, EachMismatchSaysWhatToDo) {
  EXPECT_THAT(
      VerdictLine(Failed(v1::SCAN_MISMATCH_FIELD,
                         "005 is &>0263651405 on the label, &>0263641405 "
                         "scanned")),
      ::testing::AllOf(StartsWith("FAIL  the label is itm_bag1's but says"),
                       HasSubstr("void it and reprint"),
                       HasSubstr("(005 is &>0263651405 on the label, "
                                 "&>0263641405 scanned)")));
  EXPECT_THAT(
      VerdictLine(Failed(v1::SCAN_MISMATCH_INCOMPLETE, "")),
      ::testing::AllOf(StartsWith("FAIL  not every code"),
                       HasSubstr("scan the Data Matrix"), Not(HasSubstr("("))));
  EXPECT_THAT(VerdictLine(Failed(v1::SCAN_MISMATCH_UNREADABLE, "not ISBT 128")),
              StartsWith("FAIL  what was scanned is not a label's ISBT 128 "
                         "code"));
}

TEST(VerdictLine, TheServersTextCannotDriveTheTerminal) {
  std::string line =
      VerdictLine(Failed(v1::SCAN_MISMATCH_FIELD, "x\x1b[2J\ny"));
  EXPECT_THAT(line, Not(HasSubstr("\x1b")));
  EXPECT_THAT(line, Not(HasSubstr("\n")));
  EXPECT_THAT(line, HasSubstr("x\\x1b[2J\\ny"));
}

TEST(StatusLine, CodeMessageReasonAndField) {
  EXPECT_EQ(StatusLine(FailedRule("PRINTER_PAUSED",
                                  "PRINTER_PAUSED: printer is paused")),
            "FAILED_PRECONDITION: printer is paused (reason: PRINTER_PAUSED)");
  EXPECT_EQ(StatusLine(InvalidField("dpi", "203 or 300")),
            "INVALID_ARGUMENT: dpi: 203 or 300 (field: dpi)");
}

v1::ReconcileLabelsResponse TwoBags() {
  v1::ReconcileLabelsResponse r;
  v1::ItemLabels* bag1 = r.add_items();
  bag1->set_item_id("itm_bag1");
  bag1->set_type(v1::LABEL_TYPE_DOSE_BAG);
  bag1->set_jobs(2);
  bag1->set_copies_printed(2);
  bag1->set_reprints(1);
  bag1->set_verified(0);
  bag1->set_voided(0);
  bag1->set_failed_scans(1);
  bag1->add_job_ids("lbj_1");
  bag1->add_job_ids("lbj_3");
  v1::ItemLabels* sample = r.add_items();
  sample->set_item_id("itm_qc1");
  sample->set_type(v1::LABEL_TYPE_QC_SAMPLE);
  sample->set_jobs(1);
  sample->set_copies_printed(1);
  sample->set_verified(1);
  sample->add_job_ids("lbj_2");
  r.set_jobs(3);
  r.set_copies_printed(3);
  r.set_reprints(1);
  r.set_verified(1);
  return r;
}

TEST(ReconciliationText, ATableOfItemsThenTheTotals) {
  v1::ReconcileLabelsResponse r = TwoBags();
  EXPECT_EQ(ReconciliationText(r),
            "ITEM      TYPE       JOBS  COPIES  REPRINTS  VERIFIED  VOIDED  "
            "FAILED SCANS  JOBS (OLDEST FIRST)\n"
            "itm_bag1  dose bag      2       2         1         0       0  "
            "           1  lbj_1 lbj_3\n"
            "itm_qc1   QC sample     1       1         0         1       0  "
            "           0  lbj_2\n"
            "total                   3       3         1         1       0\n"
            "\n"
            "no discrepancies\n");
}

TEST(ReconciliationText, EveryDiscrepancyInWords) {
  v1::ReconcileLabelsResponse r = TwoBags();
  v1::Discrepancy* several = r.add_discrepancies();
  several->set_item_id("itm_bag1");
  several->set_kind(v1::DISCREPANCY_KIND_SEVERAL_LIVE_LABELS);
  several->add_job_ids("lbj_1");
  several->add_job_ids("lbj_3");
  v1::Discrepancy* failed = r.add_discrepancies();
  failed->set_item_id("itm_bag1");
  failed->set_kind(v1::DISCREPANCY_KIND_LAST_SCAN_FAILED);
  failed->add_job_ids("lbj_3");
  failed->set_detail("the label of item itm_qc1");
  std::string text = ReconciliationText(r);
  EXPECT_THAT(text, Not(HasSubstr("no discrepancies")));
  EXPECT_THAT(text, HasSubstr("\n2 discrepancies:\n"));
  EXPECT_THAT(text, HasSubstr("itm_bag1  more than one live label: void the "
                              "ones not on the container  lbj_1 lbj_3"));
  EXPECT_THAT(text, HasSubstr("itm_bag1  the last scan of its label failed"));
  EXPECT_THAT(text, HasSubstr("lbj_3        the label of item itm_qc1\n"));
}

}  // namespace
}  // namespace cellchain::label
