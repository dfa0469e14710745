// The labels service's label content and print jobs against a real
// PostgreSQL and the real custody and identity services (LabelsTest): what
// a technician would see, and what the audit trail holds afterwards.
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/labels/labels_test_fixture.h"
#include "services/ledger/entity_guard.h"

namespace cellchain::labels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(LabelsTest, GetLabelDecidesTheDoseBagsLabelAndRecordsNothing) {
  dose::v1::Dose dose = DoseBag();
  const int64_t records = Records();
  v1::GetLabelRequest request;
  request.set_item_id(dose.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::GetLabelResponse got, labels_->GetLabel(request));
  const v1::Label& label = got.label();
  EXPECT_EQ(label.type(), v1::LABEL_TYPE_DOSE_BAG);
  EXPECT_EQ(label.item_id(), dose.item_id());
  EXPECT_EQ(label.isbt128().donation_identification().data(),
            dose.donation_identification());
  EXPECT_EQ(label.isbt128().product_code().data(), "=<S12950A0");
  EXPECT_EQ(label.isbt128().expiration().data(), dose.expiration());
  EXPECT_EQ(label.isbt128().chain_of_identity().data(),
            dose.chain_of_identity());
  EXPECT_EQ(label.text().subject_id(), "RH-017");
  EXPECT_EQ(label.text().date_of_birth(), "1958-03-21");
  EXPECT_EQ(got.content_sha256(), ContentSha256(label));
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 0);
}

TEST_F(LabelsTest, GetLabelNamesWhatIsMissingOrUnknown) {
  v1::GetLabelRequest request;
  request.set_item_id("itm_nobody");
  EXPECT_EQ(labels_->GetLabel(request).status().code(),
            absl::StatusCode::kNotFound);
  // A tissue container whose cord's delivery donor intake has not given.
  dose::v1::Dose dose = DoseBag();
  const std::string tissue =
      RegisterItem(custody::v1::ITEM_TYPE_TISSUE_CONTAINER, NewDin(), "",
                   donor_lot_, custody::v1::DERIVATION_KIND_ALIQUOT);
  request.set_item_id(tissue);
  auto missing = labels_->GetLabel(request);
  EXPECT_EQ(ReasonOf(missing.status()), kReasonLabelDataMissing);
  EXPECT_THAT(missing.status().message(), HasSubstr("collection"));
  process_.collected[tissue] = clock_.Now() - absl::Hours(30);
  CC_ASSERT_OK_AND_ASSIGN(v1::GetLabelResponse got, labels_->GetLabel(request));
  EXPECT_EQ(got.label().type(), v1::LABEL_TYPE_TISSUE_CONTAINER);
  EXPECT_FALSE(got.label().isbt128().collection().data().empty());
  // The product lot carries no label of this service.
  request.set_item_id(dose.product_item_id());
  EXPECT_EQ(ReasonOf(labels_->GetLabel(request).status()),
            kReasonItemNotLabelled);
  // A dose bag no dose names.
  doses_.doses.erase(dose.item_id());
  request.set_item_id(dose.item_id());
  EXPECT_EQ(ReasonOf(labels_->GetLabel(request).status()), kReasonDoseNotFound);
}

TEST_F(LabelsTest, PrintRecordsWhoWhereWhatAndItsHash) {
  dose::v1::Dose dose = DoseBag();
  CC_ASSERT_OK_AND_ASSIGN(v1::PrintLabelResponse printed,
                          Print(dose.item_id()));
  const v1::PrintJob& job = printed.job();
  EXPECT_THAT(job.job_id(), ::testing::StartsWith("lbj_"));
  EXPECT_EQ(job.item_id(), dose.item_id());
  EXPECT_EQ(job.din(), dose.din());
  EXPECT_EQ(job.type(), v1::LABEL_TYPE_DOSE_BAG);
  EXPECT_EQ(job.kind(), v1::PRINT_KIND_FIRST);
  EXPECT_EQ(job.state(), v1::PRINT_JOB_STATE_PRINTED);
  EXPECT_EQ(job.printer(), "zebra-cleanroom-2");
  EXPECT_EQ(job.copies(), 1);
  EXPECT_EQ(job.workstation(), testing::kTestWorkstation);
  EXPECT_EQ(job.printed_by_user_id(), "tina");
  EXPECT_TRUE(job.has_printed_at());
  EXPECT_FALSE(job.label().reprint());
  v1::GetLabelRequest get;
  get.set_item_id(dose.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::GetLabelResponse now, labels_->GetLabel(get));
  EXPECT_EQ(job.label().SerializeAsString(), now.label().SerializeAsString());
  EXPECT_EQ(job.content_sha256(), now.content_sha256());
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs WHERE "
                  "content_sha256 = encode(sha256(label_bytes), 'hex')"),
            1);
  EXPECT_THAT(History("label_job", job.job_id()),
              ElementsAre("label.print by tina"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(LabelsTest, ARetryOfAPrintWritesNothingTwice) {
  dose::v1::Dose dose = DoseBag();
  v1::PrintLabelRequest request;
  *request.mutable_context() = Ctx();
  request.set_item_id(dose.item_id());
  request.set_printer("zebra-cleanroom-2");
  request.set_copies(2);
  CC_ASSERT_OK_AND_ASSIGN(auto first, labels_->PrintLabel(tina_, request));
  const int64_t records = Records();
  CC_ASSERT_OK_AND_ASSIGN(auto again, labels_->PrintLabel(tina_, request));
  EXPECT_EQ(again.job().job_id(), first.job().job_id());
  EXPECT_EQ(again.job().copies(), 2);
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 1);
}

TEST_F(LabelsTest, ASecondPrintIsARefusalNotASecondLabel) {
  dose::v1::Dose dose = DoseBag();
  CC_ASSERT_OK_AND_ASSIGN(auto printed, Print(dose.item_id()));
  auto again = Print(dose.item_id());
  EXPECT_EQ(ReasonOf(again.status()), kReasonLabelAlreadyPrinted);
  EXPECT_THAT(again.status().message(), HasSubstr(printed.job().job_id()));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 1);
}

TEST_F(LabelsTest, NoLabelForAnEndedItemOrADoseNotAsDoseSignedIt) {
  // A dose whose port answers another volume than dose signed: its
  // patient's label is not printed from it.
  dose::v1::Dose altered = DoseBag("RH-017");
  doses_.doses[altered.item_id()].mutable_plan()->set_final_volume_ml(40);
  auto refused = Print(altered.item_id());
  EXPECT_EQ(ReasonOf(refused.status()), ledger::kReasonEntityNotAudited)
      << refused.status();
  // Signed as dose would sign the change, it prints.
  dose::v1::Dose changed = doses_.doses[altered.item_id()];
  Record(changed);
  CC_ASSERT_OK_AND_ASSIGN(auto printed, Print(altered.item_id()));
  EXPECT_EQ(printed.job().label().text().cells_and_volume(),
            "1.0 × 10^7 viable cells in 40 mL");
  // A bag discarded in custody gets no label.
  dose::v1::Dose gone = DoseBag("RH-018");
  custody::v1::EndItemRequest end;
  *end.mutable_context() = Ctx("dropped, bag broken");
  end.set_item_id(gone.item_id());
  end.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
  CC_ASSERT_OK(custody_->EndItem(tina_, end).status());
  EXPECT_EQ(ReasonOf(Print(gone.item_id()).status()), kReasonItemEnded);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 1);
}

TEST_F(LabelsTest, TwoStationsPrintingOneItemAtOnceGetOneLabel) {
  dose::v1::Dose dose = DoseBag();
  absl::StatusOr<v1::PrintLabelResponse> results[4];
  {
    std::vector<std::thread> stations;
    for (auto& result : results) {
      stations.emplace_back([&] { result = Print(dose.item_id()); });
    }
    for (std::thread& t : stations) t.join();
  }
  int printed = 0;
  for (const auto& result : results) {
    if (result.ok()) {
      ++printed;
    } else {
      EXPECT_EQ(ReasonOf(result.status()), kReasonLabelAlreadyPrinted)
          << result.status();
    }
  }
  EXPECT_EQ(printed, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 1);
}

TEST_F(LabelsTest, APrintNeedsAPrinterAndAtMostTenCopies) {
  dose::v1::Dose dose = DoseBag();
  v1::PrintLabelRequest request;
  *request.mutable_context() = Ctx();
  request.set_item_id(dose.item_id());
  EXPECT_EQ(FieldOf(labels_->PrintLabel(tina_, request).status()), "printer");
  request.set_printer("zebra-cleanroom-2");
  request.set_copies(11);
  EXPECT_EQ(FieldOf(labels_->PrintLabel(tina_, request).status()), "copies");
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 0);
}

}  // namespace
}  // namespace cellchain::labels
