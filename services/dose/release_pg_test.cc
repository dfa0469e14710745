// The pharmacy's release, issue, return and destruction of a dose against a
// real PostgreSQL and the real custody and identity services (DoseTest):
// the order sheet's order checked before the gates, each gate refused on
// its own with its reason and audited, a lot recalled after preparation,
// an expired dose, segregation of duties, a retried release, and the
// worklists.
#include <string>

#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/pg/connection.h"
#include "services/common/status/metadata.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/dose/dose_test_fixture.h"

namespace cellchain::dose {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ReleaseTest : public DoseTest {
 protected:
  // The release of `dose` as phil sends it, changed by `change`, must be
  // refused with exactly `reason` as its only gate, and the refusal be on
  // record.
  template <typename Change>
  void ExpectOnlyGate(const v1::Dose& dose, const char* reason, Change change) {
    v1::ReleaseDoseRequest request = Release(dose);
    change(request);
    auto refused = ReleaseAs(request);
    ASSERT_FALSE(refused.ok()) << reason;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ReasonOf(refused.status()), reason) << refused.status();
    // Every gate named is this one, in the message for people and in the
    // metadata for clients (with the message's words for it).
    const std::string message(refused.status().message());
    const std::string words =
        MetadataOf(refused.status(), GateMetadataKey(reason));
    EXPECT_FALSE(words.empty()) << refused.status();
    EXPECT_THAT(message, HasSubstr(absl::StrCat(reason, ": ", words)));
    for (const char* other :
         {kReasonLotNotReleased, kReasonConditionNotAcknowledged,
          kReasonPreparationNotAccepted, kReasonPreparationNotVerified,
          kReasonLabelMismatch, kReasonPatientMismatch, kReasonDoseExpired,
          kReasonItemOnHold, kReasonCustodyBroken,
          kReasonTemperatureExcursion}) {
      if (std::string(other) == reason) continue;
      EXPECT_THAT(message, Not(HasSubstr(other))) << message;
      EXPECT_EQ(MetadataOf(refused.status(), GateMetadataKey(other)), "")
          << other;
    }
    EXPECT_THAT(History("dose", dose.dose_id()),
                Contains("dose.release_refused by phil"));
    auto now = Get(dose);
    EXPECT_NE(now.dose().state(), v1::DOSE_STATE_RELEASED);
  }

  v1::GetDoseResponse Get(const v1::Dose& dose) {
    v1::GetDoseRequest get;
    get.set_dose_id(dose.dose_id());
    auto got = dose_->GetDose(get);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : v1::GetDoseResponse();
  }

  qc::v1::Lot& LotOf(const v1::Dose& dose) { return lots_.lots[dose.lot_id()]; }

  // The reason of the dose's one dose.release record ("" and a test failure
  // when there is not exactly one).
  std::string ReleaseRecordReason(const v1::Dose& dose) {
    auto conn = pg::Connection::Open(db_->conninfo());
    EXPECT_TRUE(conn.ok()) << conn.status();
    if (!conn.ok()) return "";
    auto r = conn->Exec(
        "SELECT record_bytes FROM cellchain_audit.records WHERE entity_type "
        "= 'dose' AND entity_id = $1 AND action = 'dose.release'",
        {dose.dose_id()}, pg::ResultFormat::kBinary);
    EXPECT_TRUE(r.ok() && r->rows() == 1) << r.status();
    if (!r.ok() || r->rows() != 1) return "";
    audit::v1::AuditRecord record;
    EXPECT_TRUE(record.ParseFromString(*r->GetBytes(0, 0)));
    return record.reason();
  }
};

TEST_F(ReleaseTest, ADoseIsReleasedOnlyForTheOrderOnTheSheet) {
  v1::Dose dose = VerifiedDose("RH-017");
  v1::Dose other = VerifiedDose("RH-018");
  const int64_t records = DoseRecords();
  // The other patient's order sheet in hand with this bag: refused before
  // any gate, naming the rule; nothing written, not even a refusal on
  // either dose's record, and neither dose released.
  v1::ReleaseDoseRequest wrong_sheet = Release(dose);
  wrong_sheet.set_order_id(other.order_id());
  auto refused = ReleaseAs(wrong_sheet);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonWrongOrder) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(other.order_id()));
  // With the wrong bag scanned as well, the sheet is still what is named.
  wrong_sheet.set_label_scan(Label(other));
  *wrong_sheet.mutable_context() = Ctx();
  refused = ReleaseAs(wrong_sheet);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonWrongOrder) << refused.status();
  EXPECT_EQ(DoseRecords(), records);
  for (const v1::Dose* d : {&dose, &other}) {
    EXPECT_EQ(Get(*d).dose().state(), v1::DOSE_STATE_VERIFIED);
    EXPECT_THAT(History("dose", d->dose_id()),
                Not(Contains("dose.release_refused by phil")));
  }
  // An order sheet is required: a release names its order.
  v1::ReleaseDoseRequest no_sheet = Release(dose);
  no_sheet.clear_order_id();
  auto unnamed = ReleaseAs(no_sheet);
  EXPECT_EQ(unnamed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(unnamed.status()), "order_id") << unnamed.status();
  EXPECT_EQ(DoseRecords(), records);

  // The right sheet: released, the record naming the sheet's order.
  CC_ASSERT_OK_AND_ASSIGN(auto released, ReleaseAs(Release(dose)));
  EXPECT_EQ(released.dose().state(), v1::DOSE_STATE_RELEASED);
  EXPECT_EQ(ReleaseRecordReason(dose), "order sheet " + dose.order_id());
  EXPECT_EQ(Get(other).dose().state(), v1::DOSE_STATE_VERIFIED);
}

TEST_F(ReleaseTest, TheOrderSheetAloneNamesTheOrdersDoseAwaitingRelease) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  auto by_order = [&](const std::string& order_id) {
    v1::ReleaseDoseRequest request = Release(v1::Dose());
    request.set_order_id(order_id);
    request.clear_dose_id();
    return request;
  };
  // Nothing prepared yet: nothing to release; an order nobody made.
  auto none = ReleaseAs(by_order(order.order_id()));
  EXPECT_EQ(ReasonOf(none.status()), kReasonDoseState) << none.status();
  EXPECT_THAT(std::string(none.status().message()),
              HasSubstr("no dose awaiting release (its doses: none)"));
  auto unknown = ReleaseAs(by_order("ord_nobody"));
  EXPECT_EQ(ReasonOf(unknown.status()), kReasonOrderNotFound)
      << unknown.status();

  // A first dose outside the window beside the live one prepared after
  // it: which bag is in hand, the sheet does not say.
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose low, Prepare(order, MakeLot()));
  CC_ASSERT_OK(CountDose(low, 5.5e5, 65).status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, MakeLot()));
  CC_ASSERT_OK(CountDose(dose).status());
  CC_ASSERT_OK(Verify(dose).status());
  v1::ReleaseDoseRequest request = by_order(order.order_id());
  request.set_label_scan(Label(dose));
  request.set_subject_id("RH-017");
  auto several = ReleaseAs(request);
  EXPECT_EQ(FieldOf(several.status()), "dose_id") << several.status();
  EXPECT_THAT(std::string(several.status().message()),
              HasSubstr("2 doses awaiting release"));
  EXPECT_EQ(Get(dose).dose().state(), v1::DOSE_STATE_VERIFIED);
  // Destroyed, the low one leaves the live one alone: the sheet names it,
  // judged through every gate (its refusal on its record) and released.
  CC_ASSERT_OK(dose_
                   ->DestroyDose(
                       phil_, Destruction(low, "outside the acceptance window"))
                   .status());
  request.set_initials("JX");
  *request.mutable_context() = Ctx();
  auto mismatch = ReleaseAs(request);
  EXPECT_EQ(ReasonOf(mismatch.status()), kReasonPatientMismatch)
      << mismatch.status();
  EXPECT_THAT(std::string(mismatch.status().message()),
              HasSubstr("dose " + dose.dose_id() + " cannot be released"));
  // The dose judged is in the refusal's metadata too, for clients.
  EXPECT_EQ(MetadataOf(mismatch.status(), kMetadataDoseId), dose.dose_id());
  EXPECT_THAT(History("dose", dose.dose_id()),
              Contains("dose.release_refused by phil"));
  request.set_initials("JD");
  *request.mutable_context() = Ctx();
  CC_ASSERT_OK_AND_ASSIGN(auto released, ReleaseAs(request));
  EXPECT_EQ(released.dose().dose_id(), dose.dose_id());
  EXPECT_EQ(released.dose().state(), v1::DOSE_STATE_RELEASED);
  EXPECT_EQ(ReleaseRecordReason(dose), "order sheet " + order.order_id());
  // Released, the order has none awaiting release any more.
  *request.mutable_context() = Ctx();
  auto again = ReleaseAs(request);
  EXPECT_EQ(ReasonOf(again.status()), kReasonDoseState) << again.status();
  EXPECT_THAT(std::string(again.status().message()),
              HasSubstr(dose.dose_id() + " released"));
}

TEST_F(ReleaseTest, AVerifiedDoseIsReleasedWithASignature) {
  v1::Dose dose = VerifiedDose();
  EXPECT_THAT(Get(dose).release_blockers(), ElementsAre());
  CC_ASSERT_OK_AND_ASSIGN(auto released, ReleaseAs(Release(dose)));
  EXPECT_EQ(released.dose().state(), v1::DOSE_STATE_RELEASED);
  EXPECT_EQ(released.dose().released_by_user_id(), "phil");
  EXPECT_THAT(
      History("dose", dose.dose_id()),
      ElementsAre("dose.prepare by tina PERFORMED",
                  "dose.count by tina PERFORMED", "dose.verify by tom VERIFIED",
                  "dose.release by phil RELEASED"));
  // Released once: a second release is refused by its state.
  auto again = ReleaseAs(Release(dose));
  EXPECT_EQ(ReasonOf(again.status()), kReasonDoseState) << again.status();
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ReleaseTest, ARetriedReleaseReleasesOnce) {
  v1::Dose dose = VerifiedDose();
  v1::ReleaseDoseRequest request = Release(dose);
  CC_ASSERT_OK_AND_ASSIGN(auto first, ReleaseAs(request));
  const int64_t records = DoseRecords();
  CC_ASSERT_OK_AND_ASSIGN(auto again, ReleaseAs(request));
  EXPECT_EQ(again.dose().released_at().seconds(),
            first.dose().released_at().seconds());
  EXPECT_EQ(again.dose().version(), first.dose().version());
  EXPECT_EQ(DoseRecords(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records WHERE "
                  "entity_id = $1 AND action = 'dose.release'",
                  {dose.dose_id()}),
            1);
}

TEST_F(ReleaseTest, LotNotReleased) {
  v1::Dose dose = VerifiedDose();
  Dispose(LotOf(dose), qc::v1::LOT_STATE_ON_HOLD);
  ExpectOnlyGate(dose, kReasonLotNotReleased, [](auto&) {});
}

TEST_F(ReleaseTest, ConditionalReleaseNeedsThePendingTestAcknowledged) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  qc::v1::Lot lot =
      MakeLot(qc::v1::LOT_STATE_CONDITIONALLY_RELEASED, {"STERILITY"});
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, lot));
  CC_ASSERT_OK(CountDose(dose).status());
  CC_ASSERT_OK(Verify(dose).status());
  ExpectOnlyGate(dose, kReasonConditionNotAcknowledged, [](auto&) {});
  v1::ReleaseDoseRequest request = Release(dose);
  request.add_acknowledged_pending_test_codes("STERILITY");
  CC_ASSERT_OK_AND_ASSIGN(auto released, ReleaseAs(request));
  EXPECT_THAT(released.dose().acknowledged_pending_test_codes(),
              ElementsAre("STERILITY"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ReleaseTest, PreparationNotAcceptedOrNotVerified) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose counted, Prepare(order, MakeLot()));
  CC_ASSERT_OK(CountDose(counted).status());
  // Counted and acceptable, not verified: that gate alone.
  ExpectOnlyGate(counted, kReasonPreparationNotVerified, [](auto&) {});
  // Outside the window: not accepted (and so never verified either).
  CC_ASSERT_OK(Register("RH-018").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order other, MakeOrder("RH-018"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose low, Prepare(other, MakeLot()));
  CC_ASSERT_OK(CountDose(low, 5.5e5, 65).status());
  v1::ReleaseDoseRequest request = Release(low);
  request.set_date_of_birth("1958-03-21");
  auto refused = ReleaseAs(request);
  EXPECT_EQ(ReasonOf(refused.status()), kReasonPreparationNotAccepted);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(kReasonPreparationNotVerified));
  // Both failing gates in the metadata, as a client shows them.
  EXPECT_NE(MetadataOf(refused.status(),
                       GateMetadataKey(kReasonPreparationNotAccepted)),
            "");
  EXPECT_NE(MetadataOf(refused.status(),
                       GateMetadataKey(kReasonPreparationNotVerified)),
            "");
}

TEST_F(ReleaseTest, LabelMismatch) {
  v1::Dose dose = VerifiedDose();
  ExpectOnlyGate(dose, kReasonLabelMismatch, [&](v1::ReleaseDoseRequest& r) {
    r.set_label_scan(dose.donation_identification() + "=<S12950B0" +
                     dose.expiration() + dose.chain_of_identity());
  });
  ExpectOnlyGate(dose, kReasonLabelMismatch, [&](v1::ReleaseDoseRequest& r) {
    r.set_label_scan(dose.donation_identification() + dose.product_code());
  });
}

TEST_F(ReleaseTest, PatientMismatch) {
  v1::Dose dose = VerifiedDose();
  ExpectOnlyGate(dose, kReasonPatientMismatch, [](v1::ReleaseDoseRequest& r) {
    r.set_date_of_birth("1958-12-03");
  });
  ExpectOnlyGate(dose, kReasonPatientMismatch,
                 [](v1::ReleaseDoseRequest& r) { r.set_initials("DJ"); });
  ExpectOnlyGate(dose, kReasonPatientMismatch,
                 [](v1::ReleaseDoseRequest& r) { r.set_subject_id("RH-071"); });
}

TEST_F(ReleaseTest, AnExpiredDoseIsNotReleased) {
  v1::Dose dose = VerifiedDose();
  // Six hours after preparation, rounded down to the minute.
  clock_.Advance(absl::Hours(6));
  ExpectOnlyGate(dose, kReasonDoseExpired, [](auto&) {});
  EXPECT_THAT(Get(dose).release_blockers(),
              ElementsAre(HasSubstr(kReasonDoseExpired)));
}

TEST_F(ReleaseTest, AHoldOnTheDose) {
  v1::Dose dose = VerifiedDose();
  custody::v1::PlaceHoldRequest hold;
  *hold.mutable_context() = Ctx("bag label smudged");
  hold.set_item_id(dose.item_id());
  CC_ASSERT_OK(custody_->PlaceHold(phil_, hold).status());
  ExpectOnlyGate(dose, kReasonItemOnHold, [](auto&) {});
}

TEST_F(ReleaseTest, AHoldOnAnAncestorOfTheDose) {
  v1::Dose dose = VerifiedDose();
  // The heparin lot the dose was diluted with, held after preparation: the
  // bag itself carries no hold, its backward trace does.
  custody::v1::PlaceHoldRequest hold;
  *hold.mutable_context() = Ctx("heparin lot: supplier's quality notice");
  hold.set_item_id(heparin_.item_id());
  CC_ASSERT_OK(custody_->PlaceHold(qa_, hold).status());
  EXPECT_FALSE(Item(dose.item_id()).on_hold());
  ExpectOnlyGate(dose, kReasonItemOnHold, [](auto&) {});
}

TEST_F(ReleaseTest, ALotRecalledAfterPreparationIsNotReleased) {
  v1::Dose dose = VerifiedDose();
  // QA rejects the lot: qc recalls its product lot, which holds the bag.
  Dispose(LotOf(dose), qc::v1::LOT_STATE_REJECTED);
  EXPECT_TRUE(Item(dose.item_id()).on_hold());
  auto refused = ReleaseAs(Release(dose));
  EXPECT_EQ(ReasonOf(refused.status()), kReasonLotNotReleased)
      << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(kReasonItemOnHold));
  EXPECT_THAT(History("dose", dose.dose_id()),
              Contains("dose.release_refused by phil"));
}

TEST_F(ReleaseTest, CustodyBrokenWhileTheBagIsInTransit) {
  v1::Dose dose = VerifiedDose();
  custody::v1::InitiateHandoffRequest handoff;
  *handoff.mutable_context() = Ctx();
  handoff.set_item_id(dose.item_id());
  handoff.set_to_user_id("cleo");
  CC_ASSERT_OK(custody_->InitiateHandoff(tina_, handoff).status());
  ExpectOnlyGate(dose, kReasonCustodyBroken, [](auto&) {});
}

TEST_F(ReleaseTest, TemperatureExcursion) {
  v1::Dose dose = VerifiedDose();
  custody::v1::SetTemperatureLimitsRequest limits;
  *limits.mutable_context() = Ctx("dose bags are kept at 2-8 °C");
  limits.mutable_limit()->set_item_type(custody::v1::ITEM_TYPE_DOSE_BAG);
  limits.mutable_limit()->set_min_celsius(2);
  limits.mutable_limit()->set_max_celsius(8);
  CC_ASSERT_OK(custody_->SetTemperatureLimits(qa_, limits).status());
  custody::v1::RecordTemperaturesRequest readings;
  *readings.mutable_context() = Ctx();
  readings.set_item_id(dose.item_id());
  readings.set_logger_id("LOG-7");
  custody::v1::TemperatureReading* warm = readings.add_readings();
  *warm->mutable_measured_at() = At(absl::Now());
  warm->set_celsius(14.5);
  CC_ASSERT_OK(custody_->RecordTemperatures(phil_, readings).status());
  ExpectOnlyGate(dose, kReasonTemperatureExcursion, [](auto&) {});
}

TEST_F(ReleaseTest, SegregationOfDutiesThePharmacistDidNotVerify) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Dose dose, Prepare(order, MakeLot()));
  CC_ASSERT_OK(CountDose(dose).status());
  // rita, technician and pharmacist, verifies it, then tries to release it.
  CC_ASSERT_OK(Verify(dose, &rita_, kRitaPassword).status());
  auth::Principal pharmacist = rita_;
  pharmacist.acting_role = common::v1::ROLE_PHARMACIST;
  auto refused = ReleaseAs(Release(dose), &pharmacist, kRitaPassword);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), auth::kReasonSegregationOfDuties);
  // Another pharmacist may.
  CC_ASSERT_OK(ReleaseAs(Release(dose)).status());
}

TEST_F(ReleaseTest, SegregationOfDutiesThePharmacistDidNotPrepare) {
  CC_ASSERT_OK(Register("RH-017").status());
  CC_ASSERT_OK_AND_ASSIGN(v1::Order order, MakeOrder("RH-017"));
  // rita, technician and pharmacist, prepares it; tina counts, tom
  // verifies; then rita tries to release it.
  v1::PrepareDoseRequest preparation = Preparation(order, MakeLot());
  *preparation.mutable_signature() =
      Sig(kRitaPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  CC_ASSERT_OK_AND_ASSIGN(auto prepared,
                          dose_->PrepareDose(rita_, preparation));
  const v1::Dose& dose = prepared.dose();
  EXPECT_EQ(dose.prepared_by_user_id(), "rita");
  CC_ASSERT_OK(CountDose(dose).status());
  CC_ASSERT_OK(Verify(dose).status());
  auth::Principal pharmacist = rita_;
  pharmacist.acting_role = common::v1::ROLE_PHARMACIST;
  auto refused = ReleaseAs(Release(dose), &pharmacist, kRitaPassword);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), auth::kReasonSegregationOfDuties);
  EXPECT_EQ(Get(dose).dose().state(), v1::DOSE_STATE_VERIFIED);
  CC_ASSERT_OK(ReleaseAs(Release(dose)).status());
}

TEST_F(ReleaseTest, IssueReturnAndDestroyWithAWitness) {
  v1::Dose dose = VerifiedDose();
  CC_ASSERT_OK(ReleaseAs(Release(dose)).status());
  v1::IssueDoseRequest issue;
  *issue.mutable_context() = Ctx();
  issue.set_dose_id(dose.dose_id());
  issue.set_to_user_id("cleo");
  issue.set_condition("2-8 °C, cool box");
  issue.set_seal_intact(true);
  CC_ASSERT_OK_AND_ASSIGN(auto issued, dose_->IssueDose(phil_, issue));
  EXPECT_EQ(issued.dose().state(), v1::DOSE_STATE_ISSUED);
  EXPECT_EQ(Item(dose.item_id()).state(), custody::v1::ITEM_STATE_IN_TRANSIT);
  // The cath lab accepts it by scanning the bag, then sends it back.
  CC_ASSERT_OK(AcceptAtCathLab(dose, issued.handoff_id()));
  CC_ASSERT_OK_AND_ASSIGN(std::string returning, HandBackToPharmacy(dose));
  v1::ReturnDoseRequest ret =
      Return(dose, returning, "infusion postponed: patient febrile");
  CC_ASSERT_OK_AND_ASSIGN(auto returned, dose_->ReturnDose(phil_, ret));
  EXPECT_EQ(returned.dose().state(), v1::DOSE_STATE_RETURNED);
  EXPECT_EQ(Item(dose.item_id()).custodian_user_id(), "phil");
  // Destroyed with a witness, who is not the pharmacist.
  v1::DestroyDoseRequest alone =
      Destruction(dose, "returned unused, beyond use");
  alone.mutable_witness()->set_user_id("phil");
  alone.mutable_witness()->set_password(kPhilPassword);
  auto refused = dose_->DestroyDose(phil_, alone);
  EXPECT_EQ(ReasonOf(refused.status()), auth::kReasonSamePerson)
      << refused.status();
  CC_ASSERT_OK_AND_ASSIGN(
      auto destroyed,
      dose_->DestroyDose(phil_,
                         Destruction(dose, "returned unused, beyond use")));
  EXPECT_EQ(destroyed.dose().state(), v1::DOSE_STATE_DESTROYED);
  EXPECT_EQ(destroyed.dose().destruction_witness_user_id(), "paula");
  EXPECT_EQ(Item(dose.item_id()).state(), custody::v1::ITEM_STATE_DISCARDED);
  EXPECT_THAT(
      History("dose", dose.dose_id()),
      ElementsAre("dose.prepare by tina PERFORMED",
                  "dose.count by tina PERFORMED", "dose.verify by tom VERIFIED",
                  "dose.release by phil RELEASED", "dose.issue by phil",
                  "dose.return by phil", "dose.destroy by phil PERFORMED",
                  "dose.destroy_witness by paula WITNESSED"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(ReleaseTest, Worklists) {
  v1::Dose waiting = VerifiedDose("RH-017");
  v1::Dose released = VerifiedDose("RH-018");
  CC_ASSERT_OK(ReleaseAs(Release(released)).status());
  auto list = [&](v1::Worklist worklist, int within = 0) {
    v1::ListDosesRequest request;
    request.set_worklist(worklist);
    request.set_within_minutes(within);
    auto listed = dose_->ListDoses(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const auto& d : listed->doses()) ids.push_back(d.dose_id());
    }
    return ids;
  };
  EXPECT_THAT(list(v1::WORKLIST_AWAITING_RELEASE),
              ElementsAre(waiting.dose_id()));
  EXPECT_THAT(list(v1::WORKLIST_RELEASED_NOT_INFUSED),
              ElementsAre(released.dose_id()));
  // Both expire six hours after preparation: within 7 hours, not within 1.
  EXPECT_EQ(list(v1::WORKLIST_EXPIRING_SOON, 7 * 60).size(), 2u);
  EXPECT_THAT(list(v1::WORKLIST_EXPIRING_SOON, 60), ElementsAre());
  clock_.Advance(absl::Hours(5) + absl::Minutes(30));
  EXPECT_EQ(list(v1::WORKLIST_EXPIRING_SOON).size(), 2u);
  clock_.Advance(absl::Hours(1));
  EXPECT_THAT(list(v1::WORKLIST_EXPIRING_SOON), ElementsAre());
  v1::ListDosesRequest none;
  EXPECT_EQ(FieldOf(dose_->ListDoses(none).status()), "worklist");
}

}  // namespace
}  // namespace cellchain::dose
