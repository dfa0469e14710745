// The clinical service's receipt at the cath lab and bedside verification
// against a real PostgreSQL and the real custody and identity services
// (ClinicalTest): what the clinicians would see, and what the audit trail
// and custody hold afterwards.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/clinical/clinical_test_fixture.h"
#include "services/common/auth/signatures.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/entity_guard.h"

namespace cellchain::clinical {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(ClinicalTest, TheCathLabReceivesTheIssuedDoseByScanningIt) {
  dose::v1::Dose dose = IssuedDose();
  CC_ASSERT_OK_AND_ASSIGN(auto received, Receive(dose));
  const v1::Infusion& infusion = received.infusion();
  EXPECT_EQ(infusion.state(), v1::INFUSION_STATE_RECEIVED);
  EXPECT_EQ(infusion.dose_id(), dose.dose_id());
  EXPECT_EQ(infusion.subject_id(), "RH-017");
  EXPECT_EQ(infusion.lot_id(), dose.lot_id());
  EXPECT_EQ(infusion.chain_of_identity(), dose.chain_of_identity());
  EXPECT_DOUBLE_EQ(infusion.dose_volume_ml(), 20.0);
  EXPECT_EQ(infusion.received_by_user_id(), "carl");
  EXPECT_EQ(infusion.receipt_handoff_id(), dose.issued_handoff_id());
  // Custody: carl holds the bag, at the cath lab.
  custody::v1::Item bag = Item(dose.item_id());
  EXPECT_EQ(bag.custodian_user_id(), "carl");
  EXPECT_EQ(bag.location_id(), cath_lab_);
  EXPECT_THAT(History("infusion", infusion.infusion_id()),
              ElementsAre("infusion.receive by carl"));
  // Received once.
  auto again = Receive(dose);
  EXPECT_EQ(ReasonOf(again.status()), kReasonInfusionState) << again.status();
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ClinicalTest, AReceiptRefusesAWrongScanAndADoseNotIssued) {
  dose::v1::Dose dose = IssuedDose();
  dose::v1::Dose other = IssuedDose("RH-018");
  v1::ReceiveDoseRequest wrong;
  *wrong.mutable_context() = Ctx();
  wrong.set_dose_id(dose.dose_id());
  wrong.set_scan(Label(other));
  auto refused = clinical_->ReceiveDose(carl_, wrong);
  EXPECT_EQ(ReasonOf(refused.status()), "SCAN_MISMATCH") << refused.status();
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_clinical.infusions"), 0);
  // A dose the pharmacy took back is not at the cath lab.
  dose.set_state(dose::v1::DOSE_STATE_RETURNED);
  Record(dose);
  auto returned = Receive(dose);
  EXPECT_EQ(ReasonOf(returned.status()), kReasonDoseNotIssued)
      << returned.status();
  // A dose whose row is not what dose signed is not acted on.
  other.set_state(dose::v1::DOSE_STATE_ISSUED);
  other.set_chain_of_identity(dose.chain_of_identity());
  doses_.doses[other.dose_id()] = other;
  auto unaudited = Receive(other);
  EXPECT_EQ(ReasonOf(unaudited.status()), ledger::kReasonEntityNotAudited)
      << unaudited.status();
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_clinical.infusions"), 0);
}

TEST_F(ClinicalTest, TwoCliniciansVerifyAtTheBedside) {
  dose::v1::Dose dose = IssuedDose();
  CC_ASSERT_OK_AND_ASSIGN(auto received, Receive(dose));
  const v1::VerifyAtBedsideRequest request = Bedside(received.infusion(), dose);
  CC_ASSERT_OK_AND_ASSIGN(auto verified, VerifyAs(request));
  const v1::Infusion& infusion = verified.infusion();
  EXPECT_EQ(infusion.state(), v1::INFUSION_STATE_BEDSIDE_VERIFIED);
  EXPECT_TRUE(infusion.has_bedside_verified_at());
  ASSERT_EQ(infusion.bedside_checks_size(), 2);
  EXPECT_EQ(infusion.bedside_checks(0).user_id(), "carl");
  EXPECT_EQ(infusion.bedside_checks(1).user_id(), "cleo");
  EXPECT_EQ(infusion.bedside_checks(1).label_scan(), Label(dose));
  EXPECT_EQ(infusion.bedside_checks(1).wristband().initials(), "JD");
  EXPECT_THAT(History("infusion", infusion.infusion_id()),
              ElementsAre("infusion.receive by carl",
                          "infusion.bedside_verify by carl VERIFIED",
                          "infusion.bedside_cosign by cleo VERIFIED"));
  // A retry returns the first answer and writes nothing.
  const int64_t records = Records();
  CC_ASSERT_OK_AND_ASSIGN(auto retried, VerifyAs(request));
  EXPECT_EQ(retried.infusion().version(), infusion.version());
  EXPECT_EQ(Records(), records);
  // Verified once: a second verification is refused.
  v1::VerifyAtBedsideRequest twice = Bedside(infusion, dose);
  auto refused = VerifyAs(twice);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonInfusionState);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ClinicalTest, UnusedProductIsReturnedOrDestroyedWithAWitness) {
  // The procedure is cancelled: the dose goes back to the pharmacy.
  dose::v1::Dose returned = IssuedDose();
  CC_ASSERT_OK_AND_ASSIGN(auto received, Receive(returned));
  v1::DisposeUnusedDoseRequest back;
  *back.mutable_context() = Ctx("procedure cancelled");
  back.set_infusion_id(received.infusion().infusion_id());
  back.set_disposal(v1::DISPOSAL_RETURNED_TO_PHARMACY);
  back.set_to_location_id(pharmacy_);
  *back.mutable_signature() =
      Sig(kCarlPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  CC_ASSERT_OK_AND_ASSIGN(auto sent, clinical_->DisposeUnusedDose(carl_, back));
  EXPECT_EQ(sent.infusion().state(), v1::INFUSION_STATE_RETURNED);
  EXPECT_EQ(sent.infusion().disposal_reason(), "procedure cancelled");
  EXPECT_EQ(Item(returned.item_id()).state(),
            custody::v1::ITEM_STATE_IN_TRANSIT);
  // The pharmacy accepts it by scanning the bag.
  custody::v1::AcceptHandoffRequest accept;
  *accept.mutable_context() = Ctx();
  accept.set_handoff_id(sent.infusion().return_handoff_id());
  accept.set_scan(Label(returned));
  CC_ASSERT_OK(custody_->AcceptHandoff(phil_, accept).status());
  EXPECT_EQ(Item(returned.item_id()).location_id(), pharmacy_);
  EXPECT_THAT(History("infusion", sent.infusion().infusion_id()),
              ElementsAre("infusion.receive by carl",
                          "infusion.return by carl PERFORMED"));

  // Verified at the bedside, then not given: destroyed with a witness.
  dose::v1::Dose destroyed = IssuedDose("RH-018");
  CC_ASSERT_OK_AND_ASSIGN(auto other, Receive(destroyed));
  CC_ASSERT_OK(VerifyAs(Bedside(other.infusion(), destroyed)).status());
  v1::DisposeUnusedDoseRequest destroy;
  *destroy.mutable_context() = Ctx("bag punctured");
  destroy.set_infusion_id(other.infusion().infusion_id());
  destroy.set_disposal(v1::DISPOSAL_DESTROYED);
  *destroy.mutable_signature() =
      Sig(kCarlPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  destroy.mutable_witness()->set_user_id("carl");
  destroy.mutable_witness()->set_password(kCarlPassword);
  destroy.mutable_witness()->set_meaning(
      common::v1::SIGNATURE_MEANING_WITNESSED);
  auto self = clinical_->DisposeUnusedDose(carl_, destroy);
  EXPECT_EQ(ReasonOf(self.status()), "FOUR_EYES_SAME_PERSON");
  v1::DisposeUnusedDoseRequest no_reason = destroy;
  *no_reason.mutable_context() = Ctx();
  EXPECT_EQ(FieldOf(clinical_->DisposeUnusedDose(carl_, no_reason).status()),
            "context.reason");
  destroy.mutable_witness()->set_user_id("cleo");
  destroy.mutable_witness()->set_password(kCleoPassword);
  CC_ASSERT_OK_AND_ASSIGN(auto gone,
                          clinical_->DisposeUnusedDose(carl_, destroy));
  EXPECT_EQ(gone.infusion().state(), v1::INFUSION_STATE_DESTROYED);
  EXPECT_EQ(gone.infusion().disposal_witness_user_id(), "cleo");
  EXPECT_EQ(Item(destroyed.item_id()).state(),
            custody::v1::ITEM_STATE_DISCARDED);
  EXPECT_THAT(History("infusion", gone.infusion().infusion_id()),
              ElementsAre("infusion.receive by carl",
                          "infusion.bedside_verify by carl VERIFIED",
                          "infusion.bedside_cosign by cleo VERIFIED",
                          "infusion.destroy by carl PERFORMED",
                          "infusion.destroy_witness by cleo WITNESSED"));
  // Disposed of once.
  v1::DisposeUnusedDoseRequest again = destroy;
  *again.mutable_context() = Ctx("again");
  EXPECT_EQ(ReasonOf(clinical_->DisposeUnusedDose(carl_, again).status()),
            kReasonInfusionState);
  ExpectEverySnapshotMatchesItsRow();
}

// Each refusal leaves the dose received and unverified, writes no check,
// and is on record with every failing check named.
class BedsideRefusalTest : public ClinicalTest {
 protected:
  void SetUp() override {
    ClinicalTest::SetUp();
    if (HasFatalFailure()) return;
    dose_ = IssuedDose();
    auto received = Receive(dose_);
    ASSERT_TRUE(received.ok()) << received.status();
    infusion_ = received->infusion();
  }

  // Refused with `reason` (and `code`), nothing written but the refusal's
  // record. The refusal is kept in refusal_, for its message.
  void ExpectRefused(
      const v1::VerifyAtBedsideRequest& request, const std::string& reason,
      absl::StatusCode code = absl::StatusCode::kFailedPrecondition) {
    auto refused = VerifyAs(request);
    refusal_ = refused.status();
    EXPECT_EQ(refused.status().code(), code) << refused.status();
    EXPECT_EQ(ReasonOf(refused.status()), reason) << refused.status();
    EXPECT_EQ(Count("SELECT count(*) FROM cellchain_clinical.bedside_checks"),
              0);
    EXPECT_EQ(Count("SELECT state FROM cellchain_clinical.infusions "
                    "WHERE infusion_id = $1",
                    {infusion_.infusion_id()}),
              static_cast<int64_t>(v1::INFUSION_STATE_RECEIVED));
    EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records WHERE "
                    "action = 'clinical.bedside_refused' AND entity_id = $1",
                    {infusion_.infusion_id()}),
              1);
  }

  dose::v1::Dose dose_;
  v1::Infusion infusion_;
  absl::Status refusal_;
};

TEST_F(BedsideRefusalTest, AnExpiredDose) {
  clock_.Set(fields::ToTime(dose_.expires_at()));
  ExpectRefused(Bedside(infusion_, dose_), kReasonDoseExpired);
}

TEST_F(BedsideRefusalTest, AnUnreleasedDose) {
  // Whatever happened before: the dose as dose has it now.
  dose_.set_state(dose::v1::DOSE_STATE_VERIFIED);
  dose_.clear_released_by_user_id();
  Record(dose_);
  ExpectRefused(Bedside(infusion_, dose_), kReasonDoseNotReleased);
}

TEST_F(BedsideRefusalTest, ALotRecalledAfterRelease) {
  RejectLot(dose_);
  ExpectRefused(Bedside(infusion_, dose_), kReasonLotNotReleased);
  // The recall's hold on the bag is named too.
  EXPECT_THAT(refusal_.message(), HasSubstr("(recalled)"));
  EXPECT_THAT(refusal_.message(), HasSubstr("ITEM_ON_HOLD: on hold: "));
  EXPECT_TRUE(Item(dose_.item_id()).on_hold());
}

TEST_F(BedsideRefusalTest, TheWrongPatientsWristband) {
  v1::VerifyAtBedsideRequest request = Bedside(infusion_, dose_);
  request.mutable_second_wristband()->set_date_of_birth("1958-12-03");
  ExpectRefused(request, kReasonWrongPatient);
  request = Bedside(infusion_, dose_);
  request.mutable_wristband()->set_initials("DJ");
  auto refused = VerifyAs(request);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonWrongPatient);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("carl: the wristband's initials do not match"));
}

TEST_F(BedsideRefusalTest, AnotherDosesLabel) {
  dose::v1::Dose other = IssuedDose("RH-018");
  v1::VerifyAtBedsideRequest request = Bedside(infusion_, dose_);
  request.set_second_label_scan(Label(other));
  ExpectRefused(request, kReasonLabelMismatch);
}

TEST_F(BedsideRefusalTest, OneClinicianOnly) {
  v1::VerifyAtBedsideRequest request = Bedside(infusion_, dose_);
  request.clear_second_clinician();
  request.clear_second_label_scan();
  request.clear_second_wristband();
  ExpectRefused(request, kReasonSecondClinicianMissing);
}

TEST_F(BedsideRefusalTest, TheSameClinicianTwice) {
  v1::VerifyAtBedsideRequest request = Bedside(infusion_, dose_);
  request.mutable_second_clinician()->set_user_id("carl");
  request.mutable_second_clinician()->set_password(kCarlPassword);
  ExpectRefused(request, kReasonFourEyesSamePerson,
                absl::StatusCode::kPermissionDenied);
}

TEST_F(BedsideRefusalTest, ASecondSignerWhoIsNoClinician) {
  v1::VerifyAtBedsideRequest request = Bedside(infusion_, dose_);
  request.mutable_second_clinician()->set_user_id("phil");
  request.mutable_second_clinician()->set_password(kPhilPassword);
  auto refused = VerifyAs(request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), "ROLE_NOT_ALLOWED") << refused.status();
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_clinical.bedside_checks"), 0);
}

TEST_F(BedsideRefusalTest, EveryFailingCheckAtOnceThenTheRightOnes) {
  clock_.Set(fields::ToTime(dose_.expires_at()) + absl::Minutes(5));
  v1::VerifyAtBedsideRequest request = Bedside(infusion_, dose_);
  request.mutable_wristband()->set_initials("XX");
  request.clear_second_clinician();
  auto refused = VerifyAs(request);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonDoseExpired);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("WRONG_PATIENT: carl: the wristband's initials"));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("SECOND_CLINICIAN_MISSING"));
  // Back before the expiry, with the right wristband and two clinicians.
  clock_.Set(fields::ToTime(dose_.expires_at()) - absl::Minutes(30));
  CC_ASSERT_OK_AND_ASSIGN(auto verified, VerifyAs(Bedside(infusion_, dose_)));
  EXPECT_EQ(verified.infusion().state(), v1::INFUSION_STATE_BEDSIDE_VERIFIED);
  EXPECT_THAT(History("infusion", infusion_.infusion_id()),
              ElementsAre("infusion.receive by carl",
                          "clinical.bedside_refused by carl",
                          "infusion.bedside_verify by carl VERIFIED",
                          "infusion.bedside_cosign by cleo VERIFIED"));
  ExpectEverySnapshotMatchesItsRow();
}

}  // namespace
}  // namespace cellchain::clinical
