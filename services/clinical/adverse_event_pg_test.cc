// Adverse events of infused patients (ClinicalTest): the lookback a serious
// one produces over lots traced in the real custody service — two donor
// lots, lots sharing a trypsin lot, patients on each — what the patient's
// record shows afterwards, and what is refused.
#include <string>
#include <vector>

#include "cellchain/audit/v1/record.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/clinical/clinical_test_fixture.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::clinical {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class AdverseEventTest : public ClinicalTest {
 protected:
  // `dose` received, verified at the bedside by carl and cleo, and all
  // 20 ml infused by carl in 10 min starting a minute from now; the clock
  // is left a minute after the end.
  v1::Infusion Infuse(const dose::v1::Dose& dose) {
    auto received = Receive(dose);
    EXPECT_TRUE(received.ok()) << received.status();
    if (!received.ok()) return {};
    auto verified = VerifyAs(Bedside(received->infusion(), dose));
    EXPECT_TRUE(verified.ok()) << verified.status();
    if (!verified.ok()) return {};
    const absl::Time start =
        absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()) + 60);
    clock_.Set(start + absl::Minutes(11));
    v1::RecordInfusionRequest request;
    *request.mutable_context() = Ctx();
    request.set_infusion_id(verified->infusion().infusion_id());
    v1::InfusionDetails* d = request.mutable_details();
    *d->mutable_started_at() = At(start);
    *d->mutable_ended_at() = At(start + absl::Minutes(10));
    d->set_volume_infused_ml(20.0);
    d->set_route(v1::ROUTE_INTRACORONARY);
    d->set_artery(v1::CORONARY_ARTERY_LEFT_ANTERIOR_DESCENDING);
    d->set_catheter_french(6);
    *request.mutable_signature() =
        Sig(kCarlPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
    auto infused = clinical_->RecordInfusion(carl_, request);
    EXPECT_TRUE(infused.ok()) << infused.status();
    return infused.ok() ? infused->infusion() : v1::Infusion();
  }

  // cleo's report of a serious event (hospitalization) on `infusion`,
  // its onset an hour after the infusion's start.
  v1::ReportAdverseEventRequest Serious(const v1::Infusion& infusion) {
    v1::ReportAdverseEventRequest request;
    *request.mutable_context() = Ctx();
    request.set_infusion_id(infusion.infusion_id());
    request.set_term("ventricular tachycardia");
    *request.mutable_onset_at() =
        At(absl::FromUnixSeconds(infusion.details().started_at().seconds()) +
           absl::Hours(1));
    request.set_seriousness(v1::SERIOUSNESS_SERIOUS);
    request.add_criteria(v1::SERIOUSNESS_CRITERION_HOSPITALIZATION);
    request.add_criteria(v1::SERIOUSNESS_CRITERION_LIFE_THREATENING);
    request.set_severity(v1::SEVERITY_SEVERE);
    request.set_relatedness(v1::RELATEDNESS_POSSIBLE);
    request.set_outcome(v1::OUTCOME_RECOVERING);
    request.set_description("sustained VT on day 1, cardioverted");
    *request.mutable_signature() =
        Sig(kCleoPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
    return request;
  }

  // The same event, not serious: mild, recovered, no criteria.
  v1::ReportAdverseEventRequest NotSerious(const v1::Infusion& infusion) {
    v1::ReportAdverseEventRequest request = Serious(infusion);
    request.set_term("headache");
    request.set_seriousness(v1::SERIOUSNESS_NOT_SERIOUS);
    request.clear_criteria();
    request.set_severity(v1::SEVERITY_MILD);
    request.set_relatedness(v1::RELATEDNESS_UNLIKELY);
    request.set_outcome(v1::OUTCOME_RECOVERED);
    request.clear_description();
    return request;
  }

  // The reason of the adverse event's audit record.
  std::string ReportReason(const std::string& adverse_event_id) {
    auto conn = pg::Connection::Open(db_->conninfo());
    EXPECT_TRUE(conn.ok()) << conn.status();
    if (!conn.ok()) return "?";
    auto r = conn->Exec(
        "SELECT record_bytes FROM cellchain_audit.records "
        "WHERE entity_type = 'adverse_event' AND entity_id = $1",
        {adverse_event_id}, pg::ResultFormat::kBinary);
    EXPECT_TRUE(r.ok() && r->rows() == 1);
    if (!r.ok() || r->rows() != 1) return "?";
    audit::v1::AuditRecord record;
    EXPECT_TRUE(record.ParseFromString(*r->GetBytes(0, 0)));
    return record.reason();
  }

  int64_t Rows(const std::string& table) {
    return Count("SELECT count(*) FROM cellchain_clinical." + table);
  }
};

std::vector<std::string> SubjectsOf(const v1::AdverseEvent& event) {
  std::vector<std::string> out;
  for (const v1::LookbackPatient& p : event.lookback()) {
    out.push_back(p.subject_id());
  }
  return out;
}

TEST_F(AdverseEventTest,
       SaeLookbackFindsTheRightPatientsAcrossTwoLotsSharingAReagentLot) {
  // Two donor lots; lot A1 and lot B1, of different donor lots, share the
  // trypsin lot T-1; A2, of A1's donor lot, and C1, of a third, used T-2.
  const std::string donor_a = DonorLot();
  const std::string donor_b = DonorLot();
  const std::string donor_c = DonorLot();
  const std::string trypsin_1 = ReagentLot("trypsin-EDTA 0.05 %, lot T-1");
  const std::string trypsin_2 = ReagentLot("trypsin-EDTA 0.05 %, lot T-2");
  const std::string medium = ReagentLot("alpha-MEM, lot M-7");
  const TestLot a1 = ManufacturedLot(donor_a, {trypsin_1, medium});
  const TestLot a2 = ManufacturedLot(donor_a, {trypsin_2});
  const TestLot b1 = ManufacturedLot(donor_b, {trypsin_1});
  const TestLot c1 = ManufacturedLot(donor_c, {trypsin_2});
  ASSERT_FALSE(HasFailure());
  // RH-101, the index patient, and RH-102 received doses of A1; RH-103 of
  // A2; RH-104 of B1; RH-105 of C1, unrelated; RH-106's dose of B1 is at
  // the cath lab, not infused.
  const dose::v1::Dose index_dose = IssuedDose("RH-101", a1);
  const dose::v1::Dose same_lot = IssuedDose("RH-102", a1);
  const dose::v1::Dose same_donor = IssuedDose("RH-103", a2);
  const dose::v1::Dose shared_reagent = IssuedDose("RH-104", b1);
  const dose::v1::Dose unrelated = IssuedDose("RH-105", c1);
  const dose::v1::Dose not_infused = IssuedDose("RH-106", b1);
  const v1::Infusion index = Infuse(index_dose);
  for (const dose::v1::Dose* d :
       {&same_lot, &same_donor, &shared_reagent, &unrelated}) {
    Infuse(*d);
  }
  CC_ASSERT_OK(Receive(not_infused).status());
  ASSERT_FALSE(HasFailure());

  // Reported the next morning.
  clock_.Advance(absl::Hours(12));
  const v1::ReportAdverseEventRequest request = Serious(index);
  CC_ASSERT_OK_AND_ASSIGN(auto reported,
                          clinical_->ReportAdverseEvent(cleo_, request));
  const v1::AdverseEvent& event = reported.adverse_event();
  EXPECT_EQ(event.subject_id(), "RH-101");
  EXPECT_EQ(event.lot_id(), a1.qc_lot_id);
  EXPECT_EQ(event.reported_by_user_id(), "cleo");
  EXPECT_THAT(event.criteria(),
              ElementsAre(v1::SERIOUSNESS_CRITERION_HOSPITALIZATION,
                          v1::SERIOUSNESS_CRITERION_LIFE_THREATENING));
  EXPECT_TRUE(event.lookback_done());
  // Not the index patient, not RH-105, not RH-106 (never infused).
  ASSERT_THAT(SubjectsOf(event), ElementsAre("RH-102", "RH-103", "RH-104"));
  const v1::LookbackPatient& p102 = event.lookback(0);
  EXPECT_EQ(p102.dose_id(), same_lot.dose_id());
  EXPECT_EQ(p102.lot_id(), a1.qc_lot_id);
  EXPECT_THAT(p102.links(), ElementsAre(v1::LOOKBACK_LINK_SAME_LOT));
  const v1::LookbackPatient& p103 = event.lookback(1);
  EXPECT_EQ(p103.dose_id(), same_donor.dose_id());
  EXPECT_EQ(p103.lot_id(), a2.qc_lot_id);
  EXPECT_THAT(p103.links(), ElementsAre(v1::LOOKBACK_LINK_SAME_DONOR_LOT));
  EXPECT_EQ(p103.donor_lot_id(), donor_a);
  EXPECT_THAT(p103.reagent_lot_ids(), IsEmpty());
  const v1::LookbackPatient& p104 = event.lookback(2);
  EXPECT_EQ(p104.dose_id(), shared_reagent.dose_id());
  EXPECT_EQ(p104.lot_id(), b1.qc_lot_id);
  EXPECT_THAT(p104.links(), ElementsAre(v1::LOOKBACK_LINK_SHARED_REAGENT));
  EXPECT_THAT(p104.reagent_lot_ids(), ElementsAre(trypsin_1));
  EXPECT_EQ(p104.donor_lot_id(), "");
  EXPECT_THAT(History("adverse_event", event.adverse_event_id()),
              ElementsAre("adverse_event.report by cleo PERFORMED"));
  // The record's reason says a lookback ran, for QA's review of the trail.
  EXPECT_EQ(ReportReason(event.adverse_event_id()),
            "serious adverse event: the lookback found 3 other patients");

  // A retry returns the first answer and writes nothing twice.
  const int64_t records = Records();
  CC_ASSERT_OK_AND_ASSIGN(auto retried,
                          clinical_->ReportAdverseEvent(cleo_, request));
  EXPECT_EQ(retried.adverse_event().SerializeAsString(),
            event.SerializeAsString());
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Rows("adverse_events"), 1);
  EXPECT_EQ(Rows("lookback_patients"), 3);
  EXPECT_EQ(Rows("lookback_links"), 3);
  EXPECT_EQ(Rows("lookback_reagent_lots"), 1);

  // The index patient's record holds the event with its lookback; the
  // others' records hold no event.
  v1::GetPatientRecordRequest get;
  get.set_subject_id("RH-101");
  CC_ASSERT_OK_AND_ASSIGN(auto record, clinical_->GetPatientRecord(get));
  ASSERT_EQ(record.infusions_size(), 1);
  ASSERT_EQ(record.infusions(0).adverse_events_size(), 1);
  EXPECT_EQ(record.infusions(0).adverse_events(0).SerializeAsString(),
            event.SerializeAsString());
  get.set_subject_id("RH-102");
  CC_ASSERT_OK_AND_ASSIGN(auto other, clinical_->GetPatientRecord(get));
  ASSERT_EQ(other.infusions_size(), 1);
  EXPECT_THAT(other.infusions(0).adverse_events(), IsEmpty());
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(AdverseEventTest, ANonSeriousEventHasNoLookback) {
  const TestLot lot = ManufacturedLot(DonorLot(), {ReagentLot("trypsin")});
  const v1::Infusion index = Infuse(IssuedDose("RH-201", lot));
  Infuse(IssuedDose("RH-202", lot));
  ASSERT_FALSE(HasFailure());
  clock_.Advance(absl::Hours(12));
  CC_ASSERT_OK_AND_ASSIGN(
      auto reported, clinical_->ReportAdverseEvent(cleo_, NotSerious(index)));
  const v1::AdverseEvent& event = reported.adverse_event();
  EXPECT_EQ(event.seriousness(), v1::SERIOUSNESS_NOT_SERIOUS);
  EXPECT_THAT(event.criteria(), IsEmpty());
  EXPECT_FALSE(event.lookback_done());
  EXPECT_THAT(event.lookback(), IsEmpty());
  EXPECT_EQ(Rows("lookback_patients"), 0);
  // Then a serious one on the same infusion, its onset later: the record
  // shows both by onset, and only the serious one looked back (RH-202, of
  // the same lot).
  v1::ReportAdverseEventRequest serious = Serious(index);
  *serious.mutable_onset_at() =
      At(absl::FromUnixSeconds(event.onset_at().seconds()) + absl::Minutes(5));
  CC_ASSERT_OK_AND_ASSIGN(auto second,
                          clinical_->ReportAdverseEvent(cleo_, serious));
  EXPECT_THAT(SubjectsOf(second.adverse_event()), ElementsAre("RH-202"));
  v1::GetPatientRecordRequest get;
  get.set_subject_id("RH-201");
  CC_ASSERT_OK_AND_ASSIGN(auto record, clinical_->GetPatientRecord(get));
  ASSERT_EQ(record.infusions_size(), 1);
  ASSERT_EQ(record.infusions(0).adverse_events_size(), 2);
  EXPECT_EQ(record.infusions(0).adverse_events(0).term(), "headache");
  EXPECT_FALSE(record.infusions(0).adverse_events(0).lookback_done());
  EXPECT_EQ(record.infusions(0).adverse_events(1).term(),
            "ventricular tachycardia");
  EXPECT_TRUE(record.infusions(0).adverse_events(1).lookback_done());
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(AdverseEventTest, RefusedBeforeTheInfusionOrWithoutItsCriteria) {
  const dose::v1::Dose dose = IssuedDose("RH-301");
  CC_ASSERT_OK_AND_ASSIGN(auto received, Receive(dose));
  // Received, not infused.
  v1::Infusion not_yet = received.infusion();
  not_yet.mutable_details()->mutable_started_at()->set_seconds(
      absl::ToUnixSeconds(clock_.Now()) - 3600);
  auto refused = clinical_->ReportAdverseEvent(cleo_, Serious(not_yet));
  EXPECT_EQ(ReasonOf(refused.status()), kReasonInfusionState)
      << refused.status();
  clock_.Advance(absl::Minutes(1));
  CC_ASSERT_OK(VerifyAs(Bedside(received.infusion(), dose)).status());
  // Infuse() receives and verifies itself: record this one's infusion.
  const absl::Time start =
      absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()) + 60);
  clock_.Set(start + absl::Minutes(11));
  v1::RecordInfusionRequest infuse;
  *infuse.mutable_context() = Ctx();
  infuse.set_infusion_id(received.infusion().infusion_id());
  *infuse.mutable_details()->mutable_started_at() = At(start);
  *infuse.mutable_details()->mutable_ended_at() = At(start + absl::Minutes(10));
  infuse.mutable_details()->set_volume_infused_ml(20.0);
  infuse.mutable_details()->set_route(v1::ROUTE_INTRACORONARY);
  infuse.mutable_details()->set_artery(
      v1::CORONARY_ARTERY_LEFT_ANTERIOR_DESCENDING);
  infuse.mutable_details()->set_catheter_french(6);
  *infuse.mutable_signature() =
      Sig(kCarlPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  CC_ASSERT_OK_AND_ASSIGN(auto infused,
                          clinical_->RecordInfusion(carl_, infuse));
  const v1::Infusion& infusion = infused.infusion();
  // An onset before the infusion's start.
  v1::ReportAdverseEventRequest early = Serious(infusion);
  *early.mutable_onset_at() = At(start - absl::Minutes(1));
  auto before = clinical_->ReportAdverseEvent(cleo_, early);
  EXPECT_EQ(FieldOf(before.status()), "onset_at") << before.status();
  EXPECT_THAT(before.status().message(), HasSubstr("infusion's start"));
  // A serious event that names no criterion.
  v1::ReportAdverseEventRequest bare = Serious(infusion);
  *bare.mutable_onset_at() = At(start + absl::Minutes(5));
  bare.clear_criteria();
  auto no_criteria = clinical_->ReportAdverseEvent(cleo_, bare);
  EXPECT_EQ(FieldOf(no_criteria.status()), "criteria") << no_criteria.status();
  // A fatal outcome without the criterion DEATH.
  v1::ReportAdverseEventRequest fatal = Serious(infusion);
  *fatal.mutable_onset_at() = At(start + absl::Minutes(5));
  fatal.set_outcome(v1::OUTCOME_FATAL);
  auto not_death = clinical_->ReportAdverseEvent(cleo_, fatal);
  EXPECT_EQ(FieldOf(not_death.status()), "outcome") << not_death.status();
  // A wrong password.
  v1::ReportAdverseEventRequest unsigned_ = Serious(infusion);
  *unsigned_.mutable_onset_at() = At(start + absl::Minutes(5));
  *unsigned_.mutable_signature() =
      Sig("not cleo's", common::v1::SIGNATURE_MEANING_PERFORMED);
  auto wrong = clinical_->ReportAdverseEvent(cleo_, unsigned_);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied)
      << wrong.status();
  EXPECT_EQ(Rows("adverse_events"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE entity_type = 'adverse_event'"),
            0);
}

}  // namespace
}  // namespace cellchain::clinical
