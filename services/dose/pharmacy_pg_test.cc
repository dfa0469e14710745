// The pharmacy's issue, return and destruction when something goes wrong
// between custody's change and the dose's row (DoseTest, against a real
// PostgreSQL and the real custody): custody's answer lost after it did its
// part, a handoff that is not the bag's way back, a return with no handoff
// back (or several) to find, and someone trying to change the dose in
// between. What a pharmacist sees: the dose and its bag agree, and a retry
// with the same request id completes.
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/round_trips.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/reasons.h"
#include "services/dose/dose_test_fixture.h"

namespace cellchain::dose {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Custody through custody::DirectCustody, with `after_change`
// called once custody has made a change (a handoff started or accepted, an item
// ended): its error is returned instead of custody's answer, as if the answer
// were lost or the caller refused after custody's commit.
class Interleaved final : public ItemPort {
 public:
  explicit Interleaved(ItemPort* inner) : inner_(inner) {}

  std::function<absl::Status()> after_change = [] { return absl::OkStatus(); };
  // Changes custody's answer to GetItem, as custody never answers.
  std::function<void(custody::v1::GetItemResponse&)> edit_item =
      [](custody::v1::GetItemResponse&) {};

  absl::StatusOr<custody::v1::RegisterItemResponse> RegisterItem(
      const auth::Principal& caller,
      const custody::v1::RegisterItemRequest& request) override {
    return inner_->RegisterItem(caller, request);
  }
  absl::StatusOr<custody::v1::GetItemResponse> GetItem(
      const custody::v1::GetItemRequest& request) override {
    absl::StatusOr<custody::v1::GetItemResponse> item =
        inner_->GetItem(request);
    if (item.ok()) edit_item(*item);
    return item;
  }
  absl::StatusOr<custody::v1::EndItemResponse> EndItem(
      const auth::Principal& caller,
      const custody::v1::EndItemRequest& request) override {
    return Then(inner_->EndItem(caller, request));
  }
  absl::StatusOr<custody::v1::InitiateHandoffResponse> InitiateHandoff(
      const auth::Principal& caller,
      const custody::v1::InitiateHandoffRequest& request) override {
    return Then(inner_->InitiateHandoff(caller, request));
  }
  absl::StatusOr<custody::v1::AcceptHandoffResponse> AcceptHandoff(
      const auth::Principal& caller,
      const custody::v1::AcceptHandoffRequest& request) override {
    return Then(inner_->AcceptHandoff(caller, request));
  }
  absl::StatusOr<custody::v1::CancelHandoffResponse> CancelHandoff(
      const auth::Principal& caller,
      const custody::v1::CancelHandoffRequest& request) override {
    return inner_->CancelHandoff(caller, request);
  }
  absl::StatusOr<custody::v1::TraceResponse> TraceBackward(
      const custody::v1::TraceRequest& request) override {
    return inner_->TraceBackward(request);
  }
  absl::StatusOr<custody::v1::AllocateDinResponse> AllocateDin(
      const auth::Principal& caller,
      const custody::v1::AllocateDinRequest& request) override {
    return inner_->AllocateDin(caller, request);
  }
  absl::StatusOr<custody::v1::PlaceHoldResponse> PlaceHold(
      const auth::Principal& caller,
      const custody::v1::PlaceHoldRequest& request) override {
    return inner_->PlaceHold(caller, request);
  }
  absl::StatusOr<custody::v1::RecallResponse> Recall(
      const auth::Principal& caller,
      const custody::v1::RecallRequest& request) override {
    return inner_->Recall(caller, request);
  }
  absl::StatusOr<custody::v1::TraceResponse> TraceForward(
      const custody::v1::TraceRequest& request) override {
    return inner_->TraceForward(request);
  }

 private:
  template <typename T>
  absl::StatusOr<T> Then(absl::StatusOr<T> answer) {
    if (!answer.ok()) return answer;
    absl::Status after = after_change();
    if (!after.ok()) return after;
    return answer;
  }

  ItemPort* const inner_;
};

class PharmacyTest : public DoseTest {
 protected:
  void SetUp() override {
    DoseTest::SetUp();
    if (HasFatalFailure()) return;
    interleaved_ = std::make_unique<Interleaved>(items_.get());
    DoseOptions options;
    options.clock = &clock_;
    pharmacy_dose_ = std::make_unique<Dose>(
        pool_.get(), ledger_.get(), &*cipher_, identity_.get(), &lots_,
        &materials_, interleaved_.get(), options);
  }

  // The next change custody makes answers `status` instead; later ones
  // answer as custody did.
  void LoseNextAnswer(absl::Status status) {
    lost_ = std::move(status);
    interleaved_->after_change = [this]() {
      return std::exchange(lost_, absl::OkStatus());
    };
  }

  v1::Dose ReleasedDose() {
    v1::Dose dose = VerifiedDose();
    auto released = ReleaseAs(Release(dose));
    EXPECT_TRUE(released.ok()) << released.status();
    return released.ok() ? released->dose() : dose;
  }

  v1::IssueDoseRequest Issue(const v1::Dose& dose) {
    v1::IssueDoseRequest issue;
    *issue.mutable_context() = Ctx();
    issue.set_dose_id(dose.dose_id());
    issue.set_to_user_id("cleo");
    issue.set_seal_intact(true);
    return issue;
  }

  // `dose` issued to cleo, received at the cath lab and handed back to
  // phil: the handoff back's id ("" and a test failure when a step fails).
  std::string IssuedAndHandedBack(const v1::Dose& dose) {
    auto issued = dose_->IssueDose(phil_, Issue(dose));
    EXPECT_TRUE(issued.ok()) << issued.status();
    if (!issued.ok()) return "";
    absl::Status received = AcceptAtCathLab(dose, issued->handoff_id());
    EXPECT_TRUE(received.ok()) << received;
    auto back = HandBackToPharmacy(dose);
    EXPECT_TRUE(back.ok()) << back.status();
    return received.ok() && back.ok() ? *back : "";
  }

  // `ret` sent while custody's answer to its acceptance is lost
  // (UNAVAILABLE), then again: the retry's answer.
  absl::StatusOr<v1::ReturnDoseResponse> ReturnLosingTheFirstAnswer(
      const v1::ReturnDoseRequest& ret) {
    LoseNextAnswer(absl::UnavailableError("custody's answer lost"));
    auto lost = pharmacy_dose_->ReturnDose(phil_, ret);
    EXPECT_EQ(lost.status().code(), absl::StatusCode::kUnavailable);
    return pharmacy_dose_->ReturnDose(phil_, ret);
  }

  v1::DoseState StateOf(const v1::Dose& dose) {
    v1::GetDoseRequest get;
    get.set_dose_id(dose.dose_id());
    auto got = dose_->GetDose(get);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->dose().state() : v1::DOSE_STATE_UNSPECIFIED;
  }

  std::unique_ptr<Interleaved> interleaved_;
  std::unique_ptr<Dose> pharmacy_dose_;
  absl::Status lost_;
};

// How many round trips to dose's database each pharmacy write of the wide
// load mix takes (tests/load MIX=wide: the pharmacist releases a dose,
// issues it to the cath lab, and takes it back unused). On a busy server
// each round trip is a wait of the handler's thread (issue 13,
// docs/performance.md "The analysts' and the pharmacist's writes,
// statement by statement"); a change that adds one fails here.
TEST_F(PharmacyTest, ThePharmacistsWritesTakeTheirBudgetOfRoundTrips) {
  v1::Dose dose = VerifiedDose();
  // dose on one connection, so that every statement is on the traced one
  // (custody, qc's port and the signatures' checks have their own).
  pharmacy_dose_.reset();
  dose_.reset();
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("dose", 1));
  DoseOptions options;
  options.clock = &clock_;
  dose_ = std::make_unique<Dose>(pool_.get(), ledger_.get(), &*cipher_,
                                 identity_.get(), &lots_, &materials_,
                                 items_.get(), options);
  PGconn* conn = nullptr;
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease lease, pool_->Acquire());
    conn = lease->get();
  }
  testing::RoundTripCounter trips(conn);

  CC_ASSERT_OK_AND_ASSIGN(auto released, ReleaseAs(Release(dose)));
  EXPECT_EQ(released.dose().state(), v1::DOSE_STATE_RELEASED);
  // The claim of the request id with BEGIN; the dose's lock; segregation
  // of duties (the dose's records); the lot's latest record and the
  // patient; the UPDATE (deferred) with the record's lock, head and the
  // dose's read; the record's INSERT and the response with COMMIT.
  EXPECT_EQ(trips.Take(), 6);

  CC_ASSERT_OK_AND_ASSIGN(auto issued, dose_->IssueDose(phil_, Issue(dose)));
  EXPECT_EQ(issued.dose().state(), v1::DOSE_STATE_ISSUED);
  // Claim; the dose's lock (then custody's handoff); the UPDATE with the
  // record's round trip; COMMIT.
  EXPECT_EQ(trips.Take(), 4);

  CC_ASSERT_OK(AcceptAtCathLab(dose, issued.handoff_id()));
  CC_ASSERT_OK(HandBackToPharmacy(dose).status());
  EXPECT_EQ(trips.Take(), 0);  // custody's, on custody's connections

  CC_ASSERT_OK_AND_ASSIGN(
      auto returned,
      dose_->ReturnDose(phil_, Return(dose, "", "infusion postponed")));
  EXPECT_EQ(returned.dose().state(), v1::DOSE_STATE_RETURNED);
  // As the issue (custody's acceptance between the lock and the UPDATE).
  EXPECT_EQ(trips.Take(), 4);

  EXPECT_THAT(History("dose", dose.dose_id()),
              ElementsAre("dose.prepare by tina PERFORMED",
                          "dose.count by tina PERFORMED",
                          "dose.verify by tom VERIFIED",
                          "dose.release by phil RELEASED", "dose.issue by phil",
                          "dose.return by phil"));
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(PharmacyTest, AnIssueWhoseHandoffAnswerWasLostCompletesOnRetry) {
  v1::Dose dose = ReleasedDose();
  v1::IssueDoseRequest issue = Issue(dose);
  LoseNextAnswer(absl::UnavailableError("custody's answer lost"));
  auto lost = pharmacy_dose_->IssueDose(phil_, issue);
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kUnavailable);
  CC_ASSERT_OK_AND_ASSIGN(auto issued, pharmacy_dose_->IssueDose(phil_, issue));
  EXPECT_EQ(issued.dose().state(), v1::DOSE_STATE_ISSUED);
  custody::v1::Item bag = Item(dose.item_id());
  EXPECT_EQ(bag.state(), custody::v1::ITEM_STATE_IN_TRANSIT);
  EXPECT_EQ(bag.open_handoff_id(), issued.handoff_id());
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_ISSUED);
}

TEST_F(PharmacyTest, AReturnWhoseAcceptanceAnswerWasLostCompletesOnRetry) {
  v1::Dose dose = ReleasedDose();
  const std::string returning = IssuedAndHandedBack(dose);
  ASSERT_FALSE(returning.empty());
  // Custody took the bag back; the retry records it on the dose.
  CC_ASSERT_OK_AND_ASSIGN(auto returned,
                          ReturnLosingTheFirstAnswer(
                              Return(dose, returning, "infusion postponed")));
  EXPECT_EQ(returned.dose().state(), v1::DOSE_STATE_RETURNED);
  custody::v1::Item bag = Item(dose.item_id());
  EXPECT_EQ(bag.custodian_user_id(), "phil");
  EXPECT_TRUE(bag.open_handoff_id().empty());
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_RETURNED);
}

TEST_F(PharmacyTest, AReturnFindsTheBagsHandoffBack) {
  v1::Dose dose = ReleasedDose();
  CC_ASSERT_OK_AND_ASSIGN(auto issued, dose_->IssueDose(phil_, Issue(dose)));
  const int64_t records = DoseRecords();
  // On its way to the cath lab, then held there: the issue's handoff is no
  // way back, and nothing is handed back yet: nothing to take back.
  for (bool received : {false, true}) {
    if (received) CC_ASSERT_OK(AcceptAtCathLab(dose, issued.handoff_id()));
    auto refused =
        dose_->ReturnDose(phil_, Return(dose, "", "infusion postponed"));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ReasonOf(refused.status()), custody::kReasonHandoffNotOpen)
        << refused.status();
    EXPECT_THAT(std::string(refused.status().message()),
                HasSubstr("no handoff back to the pharmacy open"));
  }
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_ISSUED);
  EXPECT_EQ(DoseRecords(), records);
  EXPECT_EQ(Item(dose.item_id()).custodian_user_id(), "cleo");

  // Handed back: the pharmacist scans the bag, with no handoff id in hand.
  CC_ASSERT_OK_AND_ASSIGN(std::string returning, HandBackToPharmacy(dose));
  CC_ASSERT_OK_AND_ASSIGN(
      auto returned,
      dose_->ReturnDose(phil_, Return(dose, "", "infusion postponed")));
  EXPECT_EQ(returned.dose().state(), v1::DOSE_STATE_RETURNED);
  custody::v1::GetItemRequest get;
  get.set_item_id(dose.item_id());
  CC_ASSERT_OK_AND_ASSIGN(auto bag, custody_->GetItem(get));
  EXPECT_EQ(bag.item().custodian_user_id(), "phil");
  EXPECT_TRUE(bag.item().open_handoff_id().empty());
  ASSERT_GT(bag.handoffs_size(), 0);
  EXPECT_EQ(bag.handoffs(bag.handoffs_size() - 1).handoff_id(), returning);
  EXPECT_EQ(bag.handoffs(bag.handoffs_size() - 1).status(), "ACCEPTED");
  EXPECT_THAT(Actions("dose", dose.dose_id()), Contains("dose.return"));
}

TEST_F(PharmacyTest, AReturnByTheBagWhoseAcceptanceAnswerWasLostCompletes) {
  v1::Dose dose = ReleasedDose();
  ASSERT_FALSE(IssuedAndHandedBack(dose).empty());
  // Custody took the bag back, so no handoff back is open any more: the
  // retry finds the one this request accepted, and custody replays it.
  CC_ASSERT_OK_AND_ASSIGN(auto returned, ReturnLosingTheFirstAnswer(Return(
                                             dose, "", "infusion postponed")));
  EXPECT_EQ(returned.dose().state(), v1::DOSE_STATE_RETURNED);
  EXPECT_EQ(Item(dose.item_id()).custodian_user_id(), "phil");
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_RETURNED);
  // Another request, not this one, accepted it: that is no return of it.
  // (released again by paula: phil issued and took it back.)
  CC_ASSERT_OK(
      ReleaseAs(Release(returned.dose()), &paula_, kPaulaPassword).status());
  const std::string again = IssuedAndHandedBack(dose);
  ASSERT_FALSE(again.empty());
  custody::v1::AcceptHandoffRequest accept;
  *accept.mutable_context() = Ctx();
  accept.set_handoff_id(again);
  accept.set_scan(Label(dose));
  accept.set_seal_intact(true);
  CC_ASSERT_OK(custody_->AcceptHandoff(phil_, accept).status());
  auto refused = pharmacy_dose_->ReturnDose(
      phil_, Return(dose, "", "infusion postponed again"));
  EXPECT_EQ(ReasonOf(refused.status()), custody::kReasonHandoffNotOpen)
      << refused.status();
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_ISSUED);
}

TEST_F(PharmacyTest, AReturnNamesNoHandoffWhenSeveralAreOpen) {
  v1::Dose dose = ReleasedDose();
  const std::string returning = IssuedAndHandedBack(dose);
  ASSERT_FALSE(returning.empty());
  // Custody keeps one handoff open per item; were it to show two, the
  // return takes neither of them on a guess.
  interleaved_->edit_item = [](custody::v1::GetItemResponse& item) {
    custody::v1::Handoff twin = item.handoffs(item.handoffs_size() - 1);
    twin.set_handoff_id("hnd_twin");
    *item.add_handoffs() = twin;
  };
  auto refused =
      pharmacy_dose_->ReturnDose(phil_, Return(dose, "", "infusion postponed"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused.status()), "handoff_id") << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(returning + ", hnd_twin"));
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_ISSUED);
  EXPECT_EQ(Item(dose.item_id()).open_handoff_id(), returning);
  // Named, it is taken back.
  CC_ASSERT_OK_AND_ASSIGN(
      auto returned, pharmacy_dose_->ReturnDose(
                         phil_, Return(dose, returning, "infusion postponed")));
  EXPECT_EQ(returned.dose().state(), v1::DOSE_STATE_RETURNED);
}

TEST_F(PharmacyTest, AReturnTakesOnlyTheBagsOwnHandoffBack) {
  v1::Dose dose = ReleasedDose();
  v1::Dose other = VerifiedDose("RH-018");
  CC_ASSERT_OK_AND_ASSIGN(auto issued, dose_->IssueDose(phil_, Issue(dose)));
  // Another bag on its way to phil: not this dose's return.
  custody::v1::InitiateHandoffRequest elsewhere;
  *elsewhere.mutable_context() = Ctx();
  elsewhere.set_item_id(other.item_id());
  elsewhere.set_to_user_id("phil");
  auto foreign = custody_->InitiateHandoff(tina_, elsewhere);
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  v1::ReturnDoseRequest ret;
  *ret.mutable_context() = Ctx("infusion postponed");
  ret.set_dose_id(dose.dose_id());
  // The other bag's handoff, scanned; the issue's own, to the cath lab.
  for (const auto& [handoff_id, scan] :
       {std::pair(foreign->handoff().handoff_id(), Label(other)),
        std::pair(issued.handoff_id(), Label(dose))}) {
    ret.set_handoff_id(handoff_id);
    ret.set_scan(scan);
    *ret.mutable_context() = Ctx("infusion postponed");
    auto refused = dose_->ReturnDose(phil_, ret);
    EXPECT_EQ(ReasonOf(refused.status()), kReasonCustodyBroken)
        << refused.status();
  }
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_ISSUED);
  EXPECT_EQ(Item(other.item_id()).open_handoff_id(),
            foreign->handoff().handoff_id());
  EXPECT_EQ(Item(dose.item_id()).open_handoff_id(), issued.handoff_id());
}

TEST_F(PharmacyTest, ADestructionWhoseDiscardAnswerWasLostCompletesOnRetry) {
  v1::Dose dose = ReleasedDose();
  v1::DestroyDoseRequest destroy = Destruction(dose);
  LoseNextAnswer(absl::UnavailableError("custody's answer lost"));
  auto lost = pharmacy_dose_->DestroyDose(phil_, destroy);
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kUnavailable);
  CC_ASSERT_OK_AND_ASSIGN(auto destroyed,
                          pharmacy_dose_->DestroyDose(phil_, destroy));
  EXPECT_EQ(destroyed.dose().state(), v1::DOSE_STATE_DESTROYED);
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_DESTROYED);
  EXPECT_EQ(Item(dose.item_id()).state(), custody::v1::ITEM_STATE_DISCARDED);
  EXPECT_THAT(
      Actions("dose", dose.dose_id()),
      ElementsAre("dose.prepare", "dose.count", "dose.verify", "dose.release",
                  "dose.destroy", "dose.destroy_witness"));
}

TEST_F(PharmacyTest, AnIssuedDoseIsNotDestroyedNorItsBagDiscarded) {
  v1::Dose dose = ReleasedDose();
  CC_ASSERT_OK_AND_ASSIGN(auto issued, dose_->IssueDose(phil_, Issue(dose)));
  auto refused = dose_->DestroyDose(phil_, Destruction(dose));
  EXPECT_EQ(ReasonOf(refused.status()), kReasonDoseState) << refused.status();
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_ISSUED);
  custody::v1::Item bag = Item(dose.item_id());
  EXPECT_EQ(bag.state(), custody::v1::ITEM_STATE_IN_TRANSIT);
  EXPECT_EQ(bag.open_handoff_id(), issued.handoff_id());
}

TEST_F(PharmacyTest, NoOneChangesTheDoseBetweenTheDiscardAndItsRow) {
  v1::Dose dose = ReleasedDose();
  // Another writer of the dose's row (as an issue of it would be) tries
  // while custody has discarded the bag and the dose is not yet destroyed.
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<pg::Pool> other,
                          ServicePool("dose", 1));
  absl::Status concurrent = absl::UnknownError("not tried");
  interleaved_->after_change = [&]() {
    concurrent = other->InTransaction([&](pg::Transaction& tx) {
      CC_RETURN_IF_ERROR(tx.Exec("SET LOCAL lock_timeout = '300ms'").status());
      return tx
          .Exec(
              "UPDATE cellchain_dose.doses SET state = $2, "
              "version = version + 1 WHERE dose_id = $1",
              {dose.dose_id(), static_cast<int>(v1::DOSE_STATE_ISSUED)})
          .status();
    });
    return absl::OkStatus();
  };
  CC_ASSERT_OK_AND_ASSIGN(
      auto destroyed, pharmacy_dose_->DestroyDose(phil_, Destruction(dose)));
  EXPECT_FALSE(concurrent.ok()) << "the dose changed in between";
  EXPECT_EQ(destroyed.dose().state(), v1::DOSE_STATE_DESTROYED);
  EXPECT_EQ(StateOf(dose), v1::DOSE_STATE_DESTROYED);
  EXPECT_EQ(Item(dose.item_id()).state(), custody::v1::ITEM_STATE_DISCARDED);
  ExpectEverySnapshotMatchesItsRow();
}

// The pharmacy's worklists of doses still to be dealt with drop a dose
// the cath lab infused (or destroyed there as unused): the clinical
// service ends its bag in custody, and dose reads custody, whatever its
// own row still says.
TEST_F(PharmacyTest, AnInfusedDoseLeavesTheWorklists) {
  // Three doses issued to cleo at the cath lab, each expiring a minute
  // after the one before.
  std::vector<v1::Dose> doses;
  for (const char* subject : {"RH-101", "RH-102", "RH-103"}) {
    v1::Dose dose = VerifiedDose(subject);
    CC_ASSERT_OK(ReleaseAs(Release(dose)).status());
    CC_ASSERT_OK_AND_ASSIGN(auto issued, dose_->IssueDose(phil_, Issue(dose)));
    CC_ASSERT_OK(AcceptAtCathLab(dose, issued.handoff_id()));
    doses.push_back(issued.dose());
    clock_.Advance(absl::Minutes(1));
  }
  // A list read one dose at a time: the live dose comes after two that
  // are skipped.
  DoseOptions paged;
  paged.clock = &clock_;
  paged.worklist_page = 1;
  Dose one_at_a_time(pool_.get(), ledger_.get(), &*cipher_, identity_.get(),
                     &lots_, &materials_, items_.get(), paged);
  auto list = [&](Dose& service, v1::Worklist worklist) {
    v1::ListDosesRequest request;
    request.set_worklist(worklist);
    request.set_within_minutes(7 * 60);
    auto listed = service.ListDoses(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const auto& d : listed->doses()) ids.push_back(d.dose_id());
    }
    return ids;
  };
  for (Dose* service : {dose_.get(), &one_at_a_time}) {
    EXPECT_THAT(list(*service, v1::WORKLIST_RELEASED_NOT_INFUSED),
                ElementsAre(doses[0].dose_id(), doses[1].dose_id(),
                            doses[2].dose_id()));
  }

  // The first infused into its patient, the second destroyed unused.
  custody::v1::EndItemRequest infused;
  *infused.mutable_context() = Ctx();
  infused.set_item_id(doses[0].item_id());
  infused.set_outcome(custody::v1::ITEM_STATE_INFUSED);
  infused.set_patient_id("RH-101");
  CC_ASSERT_OK(custody_->EndItem(cleo_, infused).status());
  custody::v1::EndItemRequest discarded;
  *discarded.mutable_context() = Ctx("procedure cancelled");
  discarded.set_item_id(doses[1].item_id());
  discarded.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
  CC_ASSERT_OK(custody_->EndItem(cleo_, discarded).status());

  for (Dose* service : {dose_.get(), &one_at_a_time}) {
    EXPECT_THAT(list(*service, v1::WORKLIST_RELEASED_NOT_INFUSED),
                ElementsAre(doses[2].dose_id()));
    EXPECT_THAT(list(*service, v1::WORKLIST_EXPIRING_SOON),
                ElementsAre(doses[2].dose_id()));
  }
}

}  // namespace
}  // namespace cellchain::dose
