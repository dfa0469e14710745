// The donor intake rules against a real PostgreSQL, with the real custody
// and identity services behind it: a donor lot becomes AVAILABLE only from
// a signed ELIGIBLE determination of current data; each reason of an
// ineligible or incomplete donor refuses it; withdrawal of consent holds
// every lot in custody; identifying data is sealed and appears in no other
// table, identifier or audit snapshot; DINs stay unique under concurrent
// receipts; deviations need QA's signed assessment; every change has its
// signed record with the right actor and meaning, whose snapshot the state
// readers read back.
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/audit.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/crypto/encoding.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/donor/donor_test_fixture.h"
#include "services/isbt128/din.h"

// The fixture (the people, the requests, the services) is in
// donor_test_fixture.h.
namespace cellchain::donor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The reason of the determination's signed audit record (its one record).
std::string DeterminationRecordReason(const std::string& conninfo,
                                      const std::string& determination_id) {
  auto conn = pg::Connection::Open(conninfo);
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (!conn.ok()) return "";
  auto r = conn->Exec(
      "SELECT record_bytes FROM cellchain_audit.records WHERE entity_type = "
      "'determination' AND entity_id = $1",
      {determination_id}, pg::ResultFormat::kBinary);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok() || r->rows() != 1) return "";
  audit::v1::AuditRecord record;
  EXPECT_TRUE(record.ParseFromString(*r->GetBytes(0, 0)));
  return record.reason();
}

TEST_F(DonorTest, EligibleDonorsLotIsReleasedUnderQaSignature) {
  CC_ASSERT_OK_AND_ASSIGN(Ready r, MakeReady());
  EXPECT_EQ(r.lot.state(), v1::LOT_STATE_QUARANTINE);
  // The DIN is the facility's, allocated by custody, with its check
  // character in the eye-readable form.
  CC_ASSERT_OK_AND_ASSIGN(isbt128::Din din, isbt128::Din::Parse(r.lot.din()));
  EXPECT_EQ(din.fin(), "A9999");
  EXPECT_EQ(r.lot.din_eye_readable(), din.EyeReadable());
  custody::v1::Item item = Item(r.lot.item_id());
  EXPECT_EQ(item.type(), custody::v1::ITEM_TYPE_DONOR_LOT);
  ASSERT_GT(item.isbt128_size(), 0);
  EXPECT_EQ(item.isbt128(0).value(), r.lot.din());
  EXPECT_EQ(item.custodian_user_id(), "tina");

  CC_ASSERT_OK_AND_ASSIGN(auto determined, Determine(r.donor.donor_code()));
  EXPECT_EQ(determined.determination().eligibility(), v1::ELIGIBILITY_ELIGIBLE);
  EXPECT_TRUE(determined.determination().reasons().empty());
  EXPECT_FALSE(determined.record_id().empty());
  CC_ASSERT_OK_AND_ASSIGN(v1::DonorLot released, Release(r.lot.lot_id()));
  EXPECT_EQ(released.state(), v1::LOT_STATE_AVAILABLE);
  EXPECT_EQ(released.released_by_user_id(), "quinn");

  // A DIN query finds her screenings, recorded before the cord had a DIN
  // (each linked to it at receipt), and her determination, signed after.
  const std::string code = r.donor.donor_code();
  int64_t screenings = Count(
      "SELECT count(*) FROM cellchain_donor.screenings WHERE donor_code = $1",
      {code});
  ASSERT_GT(screenings, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records r "
                  "JOIN cellchain_donor.screenings s "
                  "ON r.entity_type = 'screening' AND r.entity_id = "
                  "s.screening_id WHERE s.donor_code = $1 AND r.din = $2 "
                  "AND r.action = 'screening.din_linked'",
                  {code, r.lot.din()}),
            screenings);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records WHERE "
                  "entity_type = 'determination' AND entity_id = $1 AND "
                  "din = $2",
                  {determined.determination().determination_id(), r.lot.din()}),
            1);

  EXPECT_THAT(History("donor_lot", r.lot.lot_id()),
              ElementsAre("lot.receive by tina",
                          "lot.release by quinn SIGNATURE_MEANING_APPROVED"));
  EXPECT_THAT(
      History("determination", determined.determination().determination_id()),
      ElementsAre("determination.sign by quinn "
                  "SIGNATURE_MEANING_APPROVED"));
  std::vector<std::string> donor_history =
      History("donor", r.donor.donor_code());
  ASSERT_GE(donor_history.size(), 3u);
  EXPECT_EQ(donor_history[0], "donor.register by tina");
  EXPECT_EQ(donor_history[1], "donor.consent_recorded by tina");
  EXPECT_EQ(donor_history[2], "donor.screening_recorded by otto");
  EXPECT_EQ(donor_history.back(), "donor.delivery_recorded by tina");
  ExpectEverySnapshotMatchesItsRow();

  // Released once: a second release is refused.
  EXPECT_EQ(ReasonOf(Release(r.lot.lot_id()).status()), kReasonLotState);
}

TEST_F(DonorTest, EachReasonOfAnIneligibleOrIncompleteDonorRefusesRelease) {
  struct Case {
    const char* name;
    std::function<absl::Status(const std::string&)> screen;
    v1::Eligibility eligibility;
    std::vector<std::string> reasons;  // "CODE TEST"
  };
  std::vector<Case> cases = {
      {"reactive",
       [&](const std::string& code) {
         CC_RETURN_IF_ERROR(ScreenAll(code, "HCV_NAT"));
         return Screen(code, "HCV_NAT", v1::SCREENING_RESULT_REACTIVE);
       },
       v1::ELIGIBILITY_INELIGIBLE,
       {"TEST_REACTIVE HCV_NAT"}},
      {"missing",
       [&](const std::string& code) { return ScreenAll(code, "HTLV_AB"); },
       v1::ELIGIBILITY_INCOMPLETE,
       {"TEST_MISSING HTLV_AB"}},
      {"out of window",
       [&](const std::string& code) {
         CC_RETURN_IF_ERROR(ScreenAll(code, "SYPHILIS"));
         // Eleven days before a birth three days ago: 8 days out.
         return Screen(code, "SYPHILIS", v1::SCREENING_RESULT_NON_REACTIVE,
                       absl::Hours(24 * 11));
       },
       v1::ELIGIBILITY_INCOMPLETE,
       {"SPECIMEN_OUT_OF_WINDOW SYPHILIS", "TEST_MISSING SYPHILIS"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register());
    CC_ASSERT_OK(Consent(donor.donor_code()));
    CC_ASSERT_OK_AND_ASSIGN(v1::DonorLot lot, Receive(donor.donor_code()));
    CC_ASSERT_OK(c.screen(donor.donor_code()));
    int64_t before = Records();
    if (c.eligibility == v1::ELIGIBILITY_INCOMPLETE) {
      // Nothing to approve: the signature is refused with every reason,
      // nothing is recorded, and the lot stays undetermined.
      absl::Status incomplete = Determine(donor.donor_code()).status();
      EXPECT_EQ(ReasonOf(incomplete), kReasonEligibilityIncomplete)
          << incomplete;
      for (const std::string& reason : c.reasons) {
        EXPECT_THAT(std::string(incomplete.message()), HasSubstr(reason));
      }
      EXPECT_EQ(Records(), before);
      EXPECT_EQ(ReasonOf(Release(lot.lot_id()).status()), kReasonNotDetermined);
      EXPECT_EQ(Records(), before);
      continue;
    }
    CC_ASSERT_OK_AND_ASSIGN(auto determined, Determine(donor.donor_code()));
    EXPECT_EQ(determined.determination().eligibility(), c.eligibility);
    std::vector<std::string> reasons;
    for (const auto& reason : determined.determination().reasons()) {
      reasons.push_back(reason.code() + " " + reason.test_code());
    }
    EXPECT_EQ(reasons, c.reasons);
    // Its signed record states the outcome and every reason.
    EXPECT_THAT(
        DeterminationRecordReason(
            db_->conninfo(), determined.determination().determination_id()),
        StartsWith("INELIGIBLE: TEST_REACTIVE HCV_NAT (HCV NAT: "
                   "reactive)"));
    before = Records();
    absl::Status refused = Release(lot.lot_id()).status();
    EXPECT_EQ(ReasonOf(refused), kReasonNotEligible) << refused;
    EXPECT_THAT(
        std::string(refused.message()),
        HasSubstr(c.reasons.back().substr(0, c.reasons.back().find(' '))));
    EXPECT_EQ(Records(), before);
    CC_ASSERT_OK_AND_ASSIGN(auto get, donors_->GetLot([&] {
      v1::GetLotRequest g;
      g.set_lot_id(lot.lot_id());
      return g;
    }()));
    EXPECT_EQ(get.lot().state(), v1::LOT_STATE_QUARANTINE);
  }
}

TEST_F(DonorTest, ReleaseNeedsADeterminationOfTheCurrentData) {
  CC_ASSERT_OK_AND_ASSIGN(Ready r, MakeReady());
  EXPECT_EQ(ReasonOf(Release(r.lot.lot_id()).status()), kReasonNotDetermined);
  CC_ASSERT_OK(Determine(r.donor.donor_code()).status());
  // A result recorded after the determination (here a reactive retest)
  // makes it stale: QA must determine again, and then it is INELIGIBLE.
  CC_ASSERT_OK(
      Screen(r.donor.donor_code(), "HIV1_NAT", v1::SCREENING_RESULT_REACTIVE));
  EXPECT_EQ(ReasonOf(Release(r.lot.lot_id()).status()),
            kReasonDeterminationStale);
  CC_ASSERT_OK_AND_ASSIGN(auto again, Determine(r.donor.donor_code()));
  EXPECT_EQ(again.determination().eligibility(), v1::ELIGIBILITY_INELIGIBLE);
  EXPECT_EQ(ReasonOf(Release(r.lot.lot_id()).status()), kReasonNotEligible);
}

TEST_F(DonorTest, DeterminationNeedsQaPasswordAndConsent) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register());
  CC_ASSERT_OK(ScreenAll(donor.donor_code()));
  CC_ASSERT_OK(Receive(donor.donor_code()).status());
  v1::DetermineEligibilityRequest request;
  *request.mutable_context() = Ctx();
  request.set_donor_code(donor.donor_code());
  *request.mutable_signature() = Approve();
  request.mutable_signature()->set_password("not the password");
  int64_t before = Count("SELECT count(*) FROM cellchain_donor.determinations");
  EXPECT_EQ(ReasonOf(donors_->DetermineEligibility(qa_, request).status()),
            auth::kReasonReauthenticationFailed);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.determinations"),
            before);
  // Without her consent the record is incomplete: not signed.
  absl::Status incomplete = Determine(donor.donor_code()).status();
  EXPECT_EQ(ReasonOf(incomplete), kReasonEligibilityIncomplete);
  EXPECT_THAT(std::string(incomplete.message()),
              HasSubstr("CONSENT_MISSING (no consent is recorded)"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.determinations"),
            before);
}

TEST_F(DonorTest, WithdrawalOfConsentHoldsEveryLotAndStopsReceipts) {
  CC_ASSERT_OK_AND_ASSIGN(Ready r, MakeReady());
  CC_ASSERT_OK_AND_ASSIGN(v1::DonorLot second, Receive(r.donor.donor_code()));
  CC_ASSERT_OK(Determine(r.donor.donor_code()).status());
  CC_ASSERT_OK(Release(second.lot_id()).status());

  v1::WithdrawConsentRequest withdraw;
  *withdraw.mutable_context() = Ctx("mother withdrew by phone, 2026-12-01");
  withdraw.set_donor_code(r.donor.donor_code());
  CC_ASSERT_OK_AND_ASSIGN(auto withdrawn,
                          donors_->WithdrawConsent(tech_, withdraw));
  EXPECT_EQ(withdrawn.donor().consent_status(), v1::CONSENT_STATUS_WITHDRAWN);
  EXPECT_EQ(withdrawn.held_item_ids_size(), 2);
  for (const std::string& item_id : {r.lot.item_id(), second.item_id()}) {
    custody::v1::Item item = Item(item_id);
    EXPECT_TRUE(item.on_hold()) << item_id;
    EXPECT_EQ(item.state(), custody::v1::ITEM_STATE_ON_HOLD);
  }
  custody::v1::GetItemRequest get;
  get.set_item_id(r.lot.item_id());
  CC_ASSERT_OK_AND_ASSIGN(auto held, custody_->GetItem(get));
  ASSERT_EQ(held.holds_size(), 1);
  EXPECT_THAT(held.holds(0).reason(), HasSubstr("consent withdrawn"));
  EXPECT_EQ(held.holds(0).placed_by_user_id(), "tina");

  // The same request again writes nothing: no second hold, no record.
  int64_t before = Records();
  CC_ASSERT_OK(donors_->WithdrawConsent(tech_, withdraw).status());
  EXPECT_EQ(Records(), before);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.holds"), 2);

  // No cord is received from her any more (and no DIN is spent on it),
  // nor is a lot released.
  int64_t dins =
      Count("SELECT count(*) FROM cellchain_custody.din_allocations");
  EXPECT_EQ(ReasonOf(Receive(r.donor.donor_code()).status()),
            kReasonConsentWithdrawn);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.din_allocations"),
            dins);
  EXPECT_EQ(ReasonOf(Release(r.lot.lot_id()).status()),
            kReasonConsentWithdrawn);
  CC_ASSERT_OK_AND_ASSIGN(auto now, Determine(r.donor.donor_code()));
  EXPECT_EQ(now.determination().eligibility(), v1::ELIGIBILITY_INELIGIBLE);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(DonorTest, IdentifyingDataIsSealedAndShownOnlyToQaOnRecord) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register(/*identifying=*/true));
  EXPECT_TRUE(donor.name_recorded());
  EXPECT_TRUE(donor.medical_record_number_recorded());
  EXPECT_TRUE(absl::StartsWith(donor.donor_code(), "DNR-"));
  EXPECT_THAT(donor.donor_code(), ::testing::Not(HasSubstr("MARIA")));
  CC_ASSERT_OK(Consent(donor.donor_code()));
  CC_ASSERT_OK(ScreenAll(donor.donor_code()));
  CC_ASSERT_OK_AND_ASSIGN(v1::DonorLot lot, Receive(donor.donor_code()));
  CC_ASSERT_OK(Determine(donor.donor_code()).status());

  // Nowhere in the database in clear, but in the sealed column: not in a
  // donor table, a custody item or label field, an audit snapshot or an
  // idempotency record (checked as text and as hex, for bytea columns).
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result tables,
      conn->Exec("SELECT table_schema || '.' || table_name FROM "
                 "information_schema.tables WHERE table_schema LIKE "
                 "'cellchain%' AND table_type = 'BASE TABLE'"));
  ASSERT_GT(tables.rows(), 10);
  for (const std::string& secret :
       {std::string(kName), std::string(kMrn), std::string("1991-04-17")}) {
    std::string hex = crypto::HexEncode(secret);
    for (int row = 0; row < tables.rows(); ++row) {
      std::string table = *tables.GetString(row, 0);
      CC_ASSERT_OK_AND_ASSIGN(
          pg::Result hits,
          conn->Exec(absl::StrCat("SELECT count(*) FROM ", table,
                                  " t WHERE strpos(t::text, $1) > 0 OR "
                                  "strpos(t::text, $2) > 0"),
                     {secret, hex}));
      EXPECT_EQ(*hits.GetInt64(0, 0), 0) << secret << " in " << table;
    }
  }
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result sealed,
      conn->Exec("SELECT name FROM cellchain_donor.donor_identifying "
                 "WHERE donor_code = $1",
                 {donor.donor_code()}));
  EXPECT_TRUE(absl::StartsWith(*sealed.GetString(0, 0), "cf1.t1."));

  // A technician sees no identifying data, and may not ask for it.
  v1::GetDonorRequest get;
  get.set_donor_code(donor.donor_code());
  CC_ASSERT_OK_AND_ASSIGN(auto plain, donors_->GetDonor(tech_, get));
  EXPECT_FALSE(plain.has_identifying());
  EXPECT_EQ(plain.current().eligibility(), v1::ELIGIBILITY_ELIGIBLE);
  EXPECT_THAT(plain.lot_ids(), ElementsAre(lot.lot_id()));
  get.set_reveal_identifying(true);
  get.set_reason("notify the mother of a reactive lookback result");
  EXPECT_EQ(donors_->GetDonor(tech_, get).status().code(),
            absl::StatusCode::kPermissionDenied);
  // QA does, and that she looked, and why, is on record.
  CC_ASSERT_OK_AND_ASSIGN(auto revealed, donors_->GetDonor(qa_, get));
  EXPECT_EQ(revealed.identifying().name(), kName);
  EXPECT_EQ(revealed.identifying().date_of_birth(), "1991-04-17");
  EXPECT_EQ(revealed.identifying().medical_record_number(), kMrn);
  EXPECT_EQ(History("donor", donor.donor_code()).back(),
            "donor.identifying_viewed by quinn");
  // A ciphertext moved to another donor's row does not open there.
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor other, Register(/*identifying=*/true));
  CC_ASSERT_OK(conn->Exec("UPDATE cellchain_donor.donor_identifying SET "
                          "name = (SELECT name FROM "
                          "cellchain_donor.donor_identifying WHERE donor_code "
                          "= $1) WHERE donor_code = $2",
                          {donor.donor_code(), other.donor_code()})
                   .status());
  get.set_donor_code(other.donor_code());
  EXPECT_EQ(ReasonOf(donors_->GetDonor(qa_, get).status()),
            kReasonIdentifyingUnavailable);
}

TEST_F(DonorTest, DinsStayUniqueUnderConcurrentReceipts) {
  constexpr int kThreads = 6;
  constexpr int kEach = 4;
  std::vector<std::string> codes;
  for (int i = 0; i < kThreads; ++i) {
    CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register());
    CC_ASSERT_OK(Consent(donor.donor_code()));
    codes.push_back(donor.donor_code());
  }
  std::vector<std::vector<v1::DonorLot>> lots(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto lot = Receive(codes[t]);
        EXPECT_TRUE(lot.ok()) << lot.status();
        if (lot.ok()) lots[t].push_back(*lot);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> dins, items;
  for (const auto& list : lots) {
    for (const v1::DonorLot& lot : list) {
      dins.insert(lot.din());
      items.insert(lot.item_id());
    }
  }
  EXPECT_EQ(dins.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(items.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(Count("SELECT count(DISTINCT din) FROM cellchain_donor.lots"),
            kThreads * kEach);
}

TEST_F(DonorTest, DeviationsAtReceiptWaitForQasSignedAssessment) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register());
  CC_ASSERT_OK(Consent(donor.donor_code()));
  CC_ASSERT_OK(ScreenAll(donor.donor_code()));
  v1::ReceiveCordRequest late = Receipt(donor.donor_code());
  *late.mutable_collected_at() = Ago(absl::Hours(71));
  *late.mutable_received_at() = Ago(absl::Hours(71 - 50));  // 50 h > 48 h
  late.set_transport_max_celsius(9.5);                      // > 8 °C
  CC_ASSERT_OK_AND_ASSIGN(auto received, donors_->ReceiveCord(tech_, late));
  const v1::DonorLot& lot = received.lot();
  ASSERT_EQ(lot.deviations_size(), 2);
  EXPECT_EQ(lot.deviations(0).kind(),
            v1::DEVIATION_KIND_COLLECTION_TO_PROCESSING_TIME);
  EXPECT_THAT(lot.deviations(0).description(), HasSubstr("50 h 00 min"));
  EXPECT_EQ(lot.deviations(1).kind(), v1::DEVIATION_KIND_TRANSPORT_TEMPERATURE);
  EXPECT_THAT(lot.deviations(1).description(), HasSubstr("9.5 °C"));
  EXPECT_EQ(lot.deviations(1).status(), v1::DEVIATION_STATUS_OPEN);
  CC_ASSERT_OK(Determine(donor.donor_code()).status());
  EXPECT_EQ(ReasonOf(Release(lot.lot_id()).status()), kReasonDeviationOpen);

  auto assess = [&](const v1::Deviation& d, v1::DeviationStatus decision) {
    v1::AssessDeviationRequest request;
    *request.mutable_context() = Ctx();
    request.set_deviation_id(d.deviation_id());
    request.set_decision(decision);
    request.set_assessment("validated transport study covers 52 h at 10 °C");
    *request.mutable_signature() = Approve();
    return donors_->AssessDeviation(qa_, request);
  };
  CC_ASSERT_OK(
      assess(lot.deviations(0), v1::DEVIATION_STATUS_ACCEPTABLE).status());
  EXPECT_EQ(
      ReasonOf(
          assess(lot.deviations(0), v1::DEVIATION_STATUS_ACCEPTABLE).status()),
      kReasonDeviationAssessed);
  CC_ASSERT_OK_AND_ASSIGN(
      auto assessed,
      assess(lot.deviations(1), v1::DEVIATION_STATUS_NOT_ACCEPTABLE));
  EXPECT_EQ(assessed.lot().deviations(1).assessed_by_user_id(), "quinn");
  EXPECT_EQ(ReasonOf(Release(lot.lot_id()).status()),
            kReasonDeviationNotAcceptable);
  EXPECT_THAT(History("donor_lot", lot.lot_id()),
              ElementsAre("lot.receive by tina",
                          "lot.deviation_assessed by quinn "
                          "SIGNATURE_MEANING_APPROVED",
                          "lot.deviation_assessed by quinn "
                          "SIGNATURE_MEANING_APPROVED"));

  // Not to be used: discarded, and its custody item with it.
  v1::DiscardLotRequest discard;
  *discard.mutable_context() = Ctx("transport deviation not acceptable");
  discard.set_lot_id(lot.lot_id());
  CC_ASSERT_OK_AND_ASSIGN(auto discarded, donors_->DiscardLot(tech_, discard));
  EXPECT_EQ(discarded.lot().state(), v1::LOT_STATE_DISCARDED);
  EXPECT_EQ(Item(lot.item_id()).state(), custody::v1::ITEM_STATE_DISCARDED);
  ExpectEverySnapshotMatchesItsRow();
}

// The reproduction: one person holding technician and qa recorded
// a donor's whole intake, then signed her eligibility and released the lot.
TEST_F(DonorTest, QaWhoRecordedTheIntakeCannotSignEligibilityOrRelease) {
  auth::Principal terry = MakeTwoHats();
  auth::Principal terry_as_qa = terry;
  terry_as_qa.acting_role = common::v1::ROLE_QA;
  tech_ = terry;
  analyst_ = terry;
  CC_ASSERT_OK_AND_ASSIGN(Ready r, MakeReady());
  const std::string& code = r.donor.donor_code();

  auto sign = [&]() {
    common::v1::ESignature s;
    s.set_password(testing::kTwoHatsPassword);
    s.set_meaning(common::v1::SIGNATURE_MEANING_APPROVED);
    return s;
  };
  int64_t before = Records();
  v1::DetermineEligibilityRequest determine;
  *determine.mutable_context() = Ctx();
  determine.set_donor_code(code);
  *determine.mutable_signature() = sign();
  absl::Status refused =
      donors_->DetermineEligibility(terry_as_qa, determine).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("terry recorded donor.register on donor " + code));
  EXPECT_EQ(Records(), before);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.determinations"), 0);

  // QA who only looked at her identifying data took no part in the intake.
  v1::GetDonorRequest look;
  look.set_donor_code(code);
  look.set_reveal_identifying(true);
  look.set_reason("eligibility review");
  CC_ASSERT_OK(donors_->GetDonor(qa_, look).status());
  CC_ASSERT_OK_AND_ASSIGN(auto determined, Determine(code));
  EXPECT_EQ(determined.determination().eligibility(), v1::ELIGIBILITY_ELIGIBLE);

  before = Records();
  v1::ReleaseLotRequest release;
  *release.mutable_context() = Ctx();
  release.set_lot_id(r.lot.lot_id());
  *release.mutable_signature() = sign();
  refused = donors_->ReleaseLot(terry_as_qa, release).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties);
  EXPECT_EQ(Records(), before);
  CC_ASSERT_OK_AND_ASSIGN(auto still, donors_->GetLot([&] {
    v1::GetLotRequest get;
    get.set_lot_id(r.lot.lot_id());
    return get;
  }()));
  EXPECT_EQ(still.lot().state(), v1::LOT_STATE_QUARANTINE);

  // Someone else's cord receipt is enough to bar terry from that lot.
  tech_ = Person("tina", common::v1::ROLE_TECHNICIAN);
  analyst_ = Person("otto", common::v1::ROLE_QC_ANALYST);
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor other, Register());
  CC_ASSERT_OK(Consent(other.donor_code()));
  CC_ASSERT_OK(ScreenAll(other.donor_code()));
  CC_ASSERT_OK_AND_ASSIGN(
      auto received, donors_->ReceiveCord(terry, Receipt(other.donor_code())));
  CC_ASSERT_OK(Determine(other.donor_code()).status());
  release.mutable_context()->set_request_id(crypto::RandomId("req"));
  release.set_lot_id(received.lot().lot_id());
  refused = donors_->ReleaseLot(terry_as_qa, release).status();
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties);
  // (The receipt recorded her delivery too: the first record found.)
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("terry recorded donor.delivery_recorded"));

  // Another QA person releases both.
  CC_ASSERT_OK_AND_ASSIGN(v1::DonorLot released, Release(r.lot.lot_id()));
  EXPECT_EQ(released.state(), v1::LOT_STATE_AVAILABLE);
  CC_ASSERT_OK(Release(received.lot().lot_id()).status());
}

TEST_F(DonorTest, WhoReceivedALotCannotAssessItsDeviation) {
  auth::Principal terry = MakeTwoHats();
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register());
  v1::ReceiveCordRequest warm = Receipt(donor.donor_code());
  warm.set_transport_max_celsius(9.5);
  CC_ASSERT_OK_AND_ASSIGN(auto received, donors_->ReceiveCord(terry, warm));
  ASSERT_EQ(received.lot().deviations_size(), 1);

  v1::AssessDeviationRequest request;
  *request.mutable_context() = Ctx();
  request.set_deviation_id(received.lot().deviations(0).deviation_id());
  request.set_decision(v1::DEVIATION_STATUS_ACCEPTABLE);
  request.set_assessment("validated transport study covers 10 °C");
  request.mutable_signature()->set_password(testing::kTwoHatsPassword);
  request.mutable_signature()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  terry.acting_role = common::v1::ROLE_QA;
  int64_t before = Records();
  absl::Status refused = donors_->AssessDeviation(terry, request).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties);
  EXPECT_EQ(Records(), before);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.deviations "
                  "WHERE status <> 1"),
            0);

  request.mutable_context()->set_request_id(crypto::RandomId("req"));
  *request.mutable_signature() = Approve();
  CC_ASSERT_OK_AND_ASSIGN(auto assessed,
                          donors_->AssessDeviation(qa_, request));
  EXPECT_EQ(assessed.lot().deviations(0).assessed_by_user_id(), "quinn");
}

TEST_F(DonorTest, BadInputNamesTheFieldAndWritesNothing) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register());
  int64_t before = Records();
  v1::ReceiveCordRequest r = Receipt(donor.donor_code());
  *r.mutable_collected_at() = Ago(absl::Hours(80));  // before the delivery
  EXPECT_EQ(FieldOf(donors_->ReceiveCord(tech_, r).status()), "collected_at");
  r = Receipt(donor.donor_code());
  r.set_tissue_weight_grams(0);
  EXPECT_EQ(FieldOf(donors_->ReceiveCord(tech_, r).status()),
            "tissue_weight_grams");
  r = Receipt(donor.donor_code());
  r.set_transport_min_celsius(9);
  EXPECT_EQ(FieldOf(donors_->ReceiveCord(tech_, r).status()),
            "transport_min_celsius");
  r = Receipt(donor.donor_code());
  r.clear_received_at();
  EXPECT_EQ(FieldOf(donors_->ReceiveCord(tech_, r).status()), "received_at");

  v1::RecordScreeningRequest s;
  *s.mutable_context() = Ctx();
  s.set_donor_code(donor.donor_code());
  s.set_test_code("HIV_RAPID");
  s.set_method("m");
  s.set_kit_lot("k");
  *s.mutable_specimen_drawn_at() = Ago(absl::Hours(1));
  s.set_result(v1::SCREENING_RESULT_NON_REACTIVE);
  absl::Status unknown = donors_->RecordScreening(analyst_, s).status();
  EXPECT_EQ(FieldOf(unknown), "test_code");
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("HIV12_AB"));
  s.set_test_code("HBSAG");
  *s.mutable_specimen_drawn_at() = Ago(-absl::Hours(24));
  EXPECT_EQ(FieldOf(donors_->RecordScreening(analyst_, s).status()),
            "specimen_drawn_at");

  v1::RecordConsentRequest c;
  *c.mutable_context() = Ctx();
  c.set_donor_code(donor.donor_code());
  c.set_form_version("v1");
  *c.mutable_consented_at() = Ago(absl::Hours(1));
  c.set_taken_by("Dr. Ines Obregon");
  c.set_witness(" dr. ines obregon ");
  EXPECT_EQ(FieldOf(donors_->RecordConsent(tech_, c).status()), "witness");

  v1::RegisterDonorRequest reg;
  *reg.mutable_context() = Ctx();
  reg.mutable_identifying()->set_date_of_birth("1991-02-30");
  EXPECT_EQ(FieldOf(donors_->RegisterDonor(tech_, reg).status()),
            "identifying.date_of_birth");
  EXPECT_EQ(Records(), before);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.din_allocations"), 0);
}

TEST_F(DonorTest, ARetriedReceiptReturnsTheSameLotAndSpendsNoSecondDin) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor donor, Register());
  v1::ReceiveCordRequest request = Receipt(donor.donor_code());
  CC_ASSERT_OK_AND_ASSIGN(auto first, donors_->ReceiveCord(tech_, request));
  int64_t records = Records();
  CC_ASSERT_OK_AND_ASSIGN(auto again, donors_->ReceiveCord(tech_, request));
  EXPECT_EQ(again.lot().lot_id(), first.lot().lot_id());
  EXPECT_EQ(again.lot().din(), first.lot().din());
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.din_allocations"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), 1);
  // A second cord of the same donor with another delivery time is refused,
  // and the custody item registered for it is held.
  v1::ReceiveCordRequest other = Receipt(donor.donor_code());
  *other.mutable_delivered_at() = Ago(absl::Hours(75));
  EXPECT_EQ(ReasonOf(donors_->ReceiveCord(tech_, other).status()),
            kReasonDeliveryMismatch);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items "
                  "WHERE on_hold"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_donor.lots"), 1);
}

TEST_F(DonorTest, ListLotsFiltersByStateTimeDinAndDonorAndPages) {
  CC_ASSERT_OK_AND_ASSIGN(Ready a, MakeReady());
  CC_ASSERT_OK_AND_ASSIGN(v1::Donor b, Register());
  v1::ReceiveCordRequest older = Receipt(b.donor_code());
  *older.mutable_delivered_at() = Ago(absl::Hours(24 * 10));
  *older.mutable_collected_at() = Ago(absl::Hours(24 * 10 - 1));
  *older.mutable_received_at() = Ago(absl::Hours(24 * 10 - 5));
  CC_ASSERT_OK_AND_ASSIGN(auto b_lot, donors_->ReceiveCord(tech_, older));
  CC_ASSERT_OK(Determine(a.donor.donor_code()).status());
  CC_ASSERT_OK(Release(a.lot.lot_id()).status());

  auto ids = [&](v1::ListLotsRequest request) {
    std::vector<std::string> out;
    auto listed = donors_->ListLots(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    for (const auto& lot : listed->lots()) out.push_back(lot.lot_id());
    return out;
  };
  v1::ListLotsRequest all;
  EXPECT_THAT(ids(all), ElementsAre(a.lot.lot_id(), b_lot.lot().lot_id()));
  v1::ListLotsRequest quarantined;
  quarantined.set_state(v1::LOT_STATE_QUARANTINE);
  EXPECT_THAT(ids(quarantined), ElementsAre(b_lot.lot().lot_id()));
  v1::ListLotsRequest recent;
  *recent.mutable_received_from() = Ago(absl::Hours(24 * 5));
  EXPECT_THAT(ids(recent), ElementsAre(a.lot.lot_id()));
  v1::ListLotsRequest by_din;
  CC_ASSERT_OK_AND_ASSIGN(isbt128::Din din, isbt128::Din::Parse(a.lot.din()));
  by_din.set_din(din.EyeReadable());  // as a person types it
  EXPECT_THAT(ids(by_din), ElementsAre(a.lot.lot_id()));
  v1::ListLotsRequest by_donor;
  by_donor.set_donor_code(b.donor_code());
  EXPECT_THAT(ids(by_donor), ElementsAre(b_lot.lot().lot_id()));

  v1::ListLotsRequest page;
  page.mutable_page()->set_page_size(1);
  CC_ASSERT_OK_AND_ASSIGN(auto first, donors_->ListLots(page));
  ASSERT_EQ(first.lots_size(), 1);
  ASSERT_FALSE(first.page().next_page_token().empty());
  page.mutable_page()->set_page_token(first.page().next_page_token());
  CC_ASSERT_OK_AND_ASSIGN(auto second, donors_->ListLots(page));
  ASSERT_EQ(second.lots_size(), 1);
  EXPECT_EQ(second.lots(0).lot_id(), b_lot.lot().lot_id());
  EXPECT_TRUE(second.page().next_page_token().empty());
  page.mutable_page()->set_page_token("forged");
  EXPECT_EQ(FieldOf(donors_->ListLots(page).status()), "page.page_token");
}

}  // namespace
}  // namespace cellchain::donor
