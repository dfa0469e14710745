// The infusion as the operator records it (ClinicalTest): the rate the
// service computes and flags, custody's end of the bag, a partial
// infusion's remainder destroyed with a witness, and what is refused; then
// the days of the safety observation that follow it.
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/clinical/clinical_test_fixture.h"
#include "services/clinical/observation_entry_testing.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::clinical {
namespace {

using ::testing::ElementsAre;

class InfusionTest : public ClinicalTest {
 protected:
  void SetUp() override {
    ClinicalTest::SetUp();
    if (HasFatalFailure()) return;
    dose_ = IssuedDose();
    auto received = Receive(dose_);
    ASSERT_TRUE(received.ok()) << received.status();
    auto verified = VerifyAs(Bedside(received->infusion(), dose_));
    ASSERT_TRUE(verified.ok()) << verified.status();
    infusion_ = verified->infusion();
    // Times as the cath lab's clock shows them, to the second.
    start_ = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()) + 60);
    // The clock starts at the real time, and day 1 of the observation is
    // the infusion's calendar day: an infusion begun in the last hour
    // before midnight would put a test's observation half an hour after it
    // on day 2. Such a run starts the infusion just after midnight instead.
    const absl::Time midnight = absl::FromCivil(
        absl::ToCivilDay(start_, absl::UTCTimeZone()) + 1, absl::UTCTimeZone());
    if (midnight - start_ < absl::Hours(1)) start_ = midnight + absl::Minutes(1);
  }

  // carl's record of `ml` infused from start_ for `duration`, the clock
  // moved to its end.
  v1::RecordInfusionRequest Infused(double ml, absl::Duration duration) {
    clock_.Set(start_ + duration + absl::Minutes(1));
    v1::RecordInfusionRequest request;
    *request.mutable_context() = Ctx();
    request.set_infusion_id(infusion_.infusion_id());
    v1::InfusionDetails* d = request.mutable_details();
    *d->mutable_started_at() = At(start_);
    *d->mutable_ended_at() = At(start_ + duration);
    d->set_volume_infused_ml(ml);
    d->set_route(v1::ROUTE_INTRACORONARY);
    d->set_artery(v1::CORONARY_ARTERY_LEFT_MAIN);
    d->set_catheter_french(6);
    d->set_balloon_occlusion(false);
    *request.mutable_signature() =
        Sig(kCarlPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
    return request;
  }

  void WitnessedBy(v1::RecordInfusionRequest& request, const char* user,
                   const char* password) {
    request.set_remainder_disposal(v1::DISPOSAL_DESTROYED);
    request.mutable_remainder_witness()->set_user_id(user);
    request.mutable_remainder_witness()->set_password(password);
    request.mutable_remainder_witness()->set_meaning(
        common::v1::SIGNATURE_MEANING_WITNESSED);
  }

  dose::v1::Dose dose_;
  v1::Infusion infusion_;
  absl::Time start_;
};

TEST_F(InfusionTest, TwentyMlAtTwoMlPerMinute) {
  v1::RecordInfusionRequest request = Infused(20.0, absl::Minutes(10));
  request.mutable_details()->add_complications("transient bradycardia");
  request.mutable_details()->add_complications("chest pain, resolved");
  CC_ASSERT_OK_AND_ASSIGN(auto recorded,
                          clinical_->RecordInfusion(carl_, request));
  const v1::Infusion& infusion = recorded.infusion();
  EXPECT_EQ(infusion.state(), v1::INFUSION_STATE_INFUSED);
  EXPECT_DOUBLE_EQ(infusion.rate_ml_per_min(), 2.0);
  EXPECT_FALSE(infusion.rate_deviation());
  EXPECT_EQ(recorded.rate_deviation_text(), "");
  EXPECT_DOUBLE_EQ(infusion.remainder_ml(), 0);
  EXPECT_EQ(infusion.operator_user_id(), "carl");
  EXPECT_EQ(infusion.details().catheter_french(), 6);
  EXPECT_EQ(infusion.details().artery(), v1::CORONARY_ARTERY_LEFT_MAIN);
  EXPECT_EQ(fields::ToTime(infusion.details().started_at()), start_);
  EXPECT_THAT(infusion.details().complications(),
              ElementsAre("transient bradycardia", "chest pain, resolved"));
  // Custody: the bag was infused into the patient.
  custody::v1::Item bag = Item(dose_.item_id());
  EXPECT_EQ(bag.state(), custody::v1::ITEM_STATE_INFUSED);
  EXPECT_EQ(bag.patient_id(), "RH-017");
  EXPECT_THAT(History("infusion", infusion.infusion_id()),
              ElementsAre("infusion.receive by carl",
                          "infusion.bedside_verify by carl VERIFIED",
                          "infusion.bedside_cosign by cleo VERIFIED",
                          "infusion.infuse by carl PERFORMED"));
  // A retry returns the first answer; a second record is refused.
  const int64_t records = Records();
  CC_ASSERT_OK_AND_ASSIGN(auto retried,
                          clinical_->RecordInfusion(carl_, request));
  EXPECT_EQ(retried.infusion().version(), infusion.version());
  EXPECT_EQ(Records(), records);
  auto again =
      clinical_->RecordInfusion(carl_, Infused(20.0, absl::Minutes(10)));
  EXPECT_EQ(ReasonOf(again.status()), kReasonInfusionState);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(InfusionTest, ARateOutsideTheBandIsFlaggedNotRefused) {
  // 20 ml in 7 min = 2.857 ml/min -> 2.86, above 2.50.
  CC_ASSERT_OK_AND_ASSIGN(
      auto recorded,
      clinical_->RecordInfusion(carl_, Infused(20.0, absl::Minutes(7))));
  EXPECT_EQ(recorded.infusion().state(), v1::INFUSION_STATE_INFUSED);
  EXPECT_DOUBLE_EQ(recorded.infusion().rate_ml_per_min(), 2.86);
  EXPECT_TRUE(recorded.infusion().rate_deviation());
  EXPECT_EQ(recorded.rate_deviation_text(),
            "2.86 ml/min is above the band 1.50 ml/min to 2.50 ml/min "
            "(target 2.00 ml/min)");
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(InfusionTest, APartialInfusionsRemainderIsDestroyedWithAWitness) {
  // 13.7 ml of 20.0: 6.3 ml remain.
  auto unwitnessed =
      clinical_->RecordInfusion(carl_, Infused(13.7, absl::Minutes(7)));
  EXPECT_EQ(ReasonOf(unwitnessed.status()), kReasonRemainderDisposal)
      << unwitnessed.status();
  EXPECT_THAT(unwitnessed.status().message(),
              ::testing::HasSubstr("6.3 ml remain"));
  v1::RecordInfusionRequest own = Infused(13.7, absl::Minutes(7));
  WitnessedBy(own, "carl", kCarlPassword);
  auto self = clinical_->RecordInfusion(carl_, own);
  EXPECT_EQ(self.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(self.status()), "FOUR_EYES_SAME_PERSON");
  // Nothing was infused in custody by the refusals.
  EXPECT_EQ(Item(dose_.item_id()).state(), custody::v1::ITEM_STATE_AVAILABLE);
  v1::RecordInfusionRequest request = Infused(13.7, absl::Minutes(7));
  WitnessedBy(request, "cleo", kCleoPassword);
  CC_ASSERT_OK_AND_ASSIGN(auto recorded,
                          clinical_->RecordInfusion(carl_, request));
  const v1::Infusion& infusion = recorded.infusion();
  EXPECT_DOUBLE_EQ(infusion.remainder_ml(), 6.3);
  EXPECT_EQ(infusion.remainder_disposal(), v1::DISPOSAL_DESTROYED);
  EXPECT_EQ(infusion.disposed_by_user_id(), "carl");
  EXPECT_EQ(infusion.disposal_witness_user_id(), "cleo");
  // 13.7 ml in 7 min = 1.957 -> 1.96 ml/min, in the band.
  EXPECT_DOUBLE_EQ(infusion.rate_ml_per_min(), 1.96);
  EXPECT_FALSE(infusion.rate_deviation());
  EXPECT_THAT(History("infusion", infusion.infusion_id()),
              ElementsAre("infusion.receive by carl",
                          "infusion.bedside_verify by carl VERIFIED",
                          "infusion.bedside_cosign by cleo VERIFIED",
                          "infusion.infuse by carl PERFORMED",
                          "infusion.remainder_witness by cleo WITNESSED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(InfusionTest, RefusedWhenNotVerifiedStartedLateOrHeldSince) {
  // Started at the dose's expiry.
  start_ = fields::ToTime(dose_.expires_at());
  auto late =
      clinical_->RecordInfusion(carl_, Infused(20.0, absl::Minutes(10)));
  EXPECT_EQ(ReasonOf(late.status()), kReasonDoseExpired) << late.status();
  // Started before the bedside verification.
  start_ = fields::ToTime(infusion_.bedside_verified_at()) - absl::Hours(1);
  auto early =
      clinical_->RecordInfusion(carl_, Infused(20.0, absl::Minutes(10)));
  EXPECT_EQ(FieldOf(early.status()), "details.started_at") << early.status();
  // More than the dose.
  start_ = fields::ToTime(infusion_.bedside_verified_at());
  auto more =
      clinical_->RecordInfusion(carl_, Infused(20.5, absl::Minutes(10)));
  EXPECT_EQ(FieldOf(more.status()), "details.volume_infused_ml");
  // The lot recalled since the bedside: custody refuses to infuse the
  // held bag.
  RejectLot(dose_);
  auto held =
      clinical_->RecordInfusion(carl_, Infused(20.0, absl::Minutes(10)));
  EXPECT_EQ(ReasonOf(held.status()), "ITEM_ON_HOLD") << held.status();
  EXPECT_EQ(Count("SELECT state FROM cellchain_clinical.infusions "
                  "WHERE infusion_id = $1",
                  {infusion_.infusion_id()}),
            static_cast<int64_t>(v1::INFUSION_STATE_BEDSIDE_VERIFIED));
  // A dose received but not verified at the bedside.
  dose::v1::Dose other = IssuedDose("RH-018");
  CC_ASSERT_OK_AND_ASSIGN(auto received, Receive(other));
  v1::RecordInfusionRequest unverified = Infused(20.0, absl::Minutes(10));
  unverified.set_infusion_id(received.infusion().infusion_id());
  auto refused = clinical_->RecordInfusion(carl_, unverified);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonInfusionState);
}

TEST_F(InfusionTest, TheDaysOfTheObservationAfterTheInfusion) {
  v1::RecordObservationRequest before;
  *before.mutable_context() = Ctx();
  before.set_infusion_id(infusion_.infusion_id());
  before.set_day(1);
  *before.mutable_observed_at() = At(clock_.Now());
  *before.mutable_signature() =
      Sig(kCleoPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  auto not_yet = clinical_->RecordObservation(cleo_, before);
  EXPECT_EQ(ReasonOf(not_yet.status()), kReasonInfusionState);
  CC_ASSERT_OK(
      clinical_->RecordInfusion(carl_, Infused(20.0, absl::Minutes(10)))
          .status());
  // Day 2, the day after the infusion's calendar day.
  const absl::Time day2 =
      absl::FromCivil(absl::ToCivilDay(start_, absl::UTCTimeZone()) + 1,
                      absl::UTCTimeZone()) +
      absl::Hours(8);
  clock_.Set(day2 + absl::Hours(1));
  v1::RecordObservationRequest request;
  *request.mutable_context() = Ctx();
  request.set_infusion_id(infusion_.infusion_id());
  request.set_day(2);
  *request.mutable_observed_at() = At(day2);
  v1::ObservationEntry* ecg = request.add_entries();
  ecg->mutable_ecg()->set_st_deviation_mm(-1.5);
  ecg->mutable_ecg()->add_leads("V5");
  ecg->mutable_ecg()->add_leads("V6");
  *request.add_entries() = Lab("AST", 38, "U/L");
  *request.add_entries() = Lab("ALT", 41, "U/L");
  v1::ObservationEntry* nsvt = request.add_entries();
  nsvt->mutable_arrhythmia()->set_type(v1::ARRHYTHMIA_TYPE_NSVT);
  nsvt->mutable_arrhythmia()->set_episodes(2);
  v1::ObservationEntry* echo = request.add_entries();
  echo->mutable_echo()->set_local_hypokinesia(true);
  echo->mutable_echo()->set_segment("mid anterior");
  request.add_entries()->mutable_icu_stay()->set_hours(18);
  v1::ObservationEntry* angina = request.add_entries();
  angina->mutable_ischemic_event()->set_type(v1::ISCHEMIC_EVENT_TYPE_ANGINA);
  angina->mutable_ischemic_event()->set_description("at rest, 10 min");
  *request.mutable_signature() =
      Sig(kCleoPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  CC_ASSERT_OK_AND_ASSIGN(auto recorded,
                          clinical_->RecordObservation(cleo_, request));
  const v1::Observation& observation = recorded.observation();
  EXPECT_EQ(observation.day(), 2);
  EXPECT_EQ(observation.subject_id(), "RH-017");
  EXPECT_EQ(observation.recorded_by_user_id(), "cleo");
  // Every entry reads back as it was given, in order.
  ASSERT_EQ(observation.entries_size(), request.entries_size());
  for (int i = 0; i < request.entries_size(); ++i) {
    EXPECT_EQ(observation.entries(i).SerializeAsString(),
              request.entries(i).SerializeAsString())
        << i;
  }
  EXPECT_THAT(History("observation", observation.observation_id()),
              ElementsAre("observation.record by cleo PERFORMED"));
  // The wrong day, and a lab value in a unit its analyte is not given in.
  v1::RecordObservationRequest wrong_day = request;
  *wrong_day.mutable_context() = Ctx();
  wrong_day.set_day(1);
  auto day = clinical_->RecordObservation(cleo_, wrong_day);
  EXPECT_EQ(ReasonOf(day.status()), kReasonObservationDay) << day.status();
  v1::RecordObservationRequest wrong_unit = request;
  *wrong_unit.mutable_context() = Ctx();
  *wrong_unit.mutable_entries(1) = Lab("AST", 38, "mg/dL");
  auto unit = clinical_->RecordObservation(cleo_, wrong_unit);
  EXPECT_EQ(FieldOf(unit.status()), "entries[1].lab.unit") << unit.status();
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_clinical.observations"), 1);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(InfusionTest, APatientsRecordAndTheInfusionsOfALot) {
  CC_ASSERT_OK(
      clinical_->RecordInfusion(carl_, Infused(20.0, absl::Minutes(10)))
          .status());
  v1::RecordObservationRequest observe;
  *observe.mutable_context() = Ctx();
  observe.set_infusion_id(infusion_.infusion_id());
  observe.set_day(1);
  *observe.mutable_observed_at() = At(start_ + absl::Minutes(30));
  clock_.Set(start_ + absl::Minutes(40));
  *observe.add_entries() = Lab("AST", 38, "U/L");
  *observe.mutable_signature() =
      Sig(kCleoPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  CC_ASSERT_OK(clinical_->RecordObservation(cleo_, observe).status());
  // Another patient's dose of another lot, received only.
  dose::v1::Dose other = IssuedDose("RH-018");
  CC_ASSERT_OK(Receive(other).status());

  v1::GetPatientRecordRequest get;
  get.set_subject_id("RH-017");
  CC_ASSERT_OK_AND_ASSIGN(auto record, clinical_->GetPatientRecord(get));
  ASSERT_EQ(record.infusions_size(), 1);
  EXPECT_EQ(record.infusions(0).infusion().infusion_id(),
            infusion_.infusion_id());
  EXPECT_EQ(record.infusions(0).infusion().state(), v1::INFUSION_STATE_INFUSED);
  ASSERT_EQ(record.infusions(0).observations_size(), 1);
  EXPECT_EQ(record.infusions(0).observations(0).entries(0).lab().analyte(),
            "AST");
  get.set_subject_id("RH-099");
  EXPECT_EQ(ReasonOf(clinical_->GetPatientRecord(get).status()),
            kReasonPatientNotFound);

  v1::ListInfusionsByLotRequest list;
  list.set_lot_id(dose_.lot_id());
  CC_ASSERT_OK_AND_ASSIGN(auto of_lot, clinical_->ListInfusionsByLot(list));
  ASSERT_EQ(of_lot.infusions_size(), 1);
  EXPECT_EQ(of_lot.infusions(0).subject_id(), "RH-017");
  list.set_lot_id(other.lot_id());
  CC_ASSERT_OK_AND_ASSIGN(auto of_other, clinical_->ListInfusionsByLot(list));
  ASSERT_EQ(of_other.infusions_size(), 1);
  EXPECT_EQ(of_other.infusions(0).subject_id(), "RH-018");
}

}  // namespace
}  // namespace cellchain::clinical
