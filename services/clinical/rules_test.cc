// The clinical rules against hand-computed cases: every expected value below
// was worked out on paper from the rule in rules.h, not read back from the
// code.
#include "services/clinical/rules.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/clinical/observation_entry_testing.h"
#include "services/common/status/status.h"
#include "services/isbt128/din.h"

namespace cellchain::clinical {
namespace {

using Reasons = std::vector<std::string>;

const RuleOptions kOptions;

absl::Time At(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

// ---- the bedside
// --------------------------------------------------------------

class BedsideTest : public ::testing::Test {
 protected:
  BedsideTest() {
    isbt128::Din din = *isbt128::Din::Create("A9999", 27, 123456);
    dose_.set_dose_id("dos_1");
    dose_.set_lot_id("qcl_1");
    dose_.set_subject_id("RH-017");
    dose_.set_item_id("itm_dose");
    dose_.set_din(din.ToString());
    dose_.set_donation_identification(
        *isbt128::EncodeDonationIdentification(din, isbt128::Type3Flags(din)));
    dose_.set_product_code("=<S12950A0");
    dose_.set_expiration("&>0270151400");
    dose_.set_chain_of_identity("&/CHA999927000001");
    dose_.set_state(dose::v1::DOSE_STATE_ISSUED);
    dose_.set_released_by_user_id("phil");
    expires_ = At(2027, 1, 15, 14, 0);
    dose_.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(expires_));
    facts_.dose = &dose_;
    facts_.patient = {"RH-017", "1958-03-21", "JD", "&/CHA999927000001"};
    facts_.lot_state = qc::v1::LOT_STATE_RELEASED;
    facts_.item.set_item_id("itm_dose");
    *facts_.backward.mutable_root()->mutable_item() = facts_.item;
    facts_.backward.mutable_root()->add_children()->mutable_item()->set_item_id(
        "itm_lot");
    facts_.checks = {Scan("carl"), Scan("cleo")};
    facts_.now = expires_ - absl::Hours(2);
  }

  std::string Label() const {
    return dose_.donation_identification() + dose_.product_code() +
           dose_.expiration() + dose_.chain_of_identity();
  }

  ClinicianScan Scan(const std::string& user) const {
    ClinicianScan s;
    s.user_id = user;
    s.label_scan = Label();
    s.wristband.set_subject_id("RH-017");
    s.wristband.set_date_of_birth("1958-03-21");
    s.wristband.set_initials("JD");
    return s;
  }

  Reasons Failing() const {
    Reasons out;
    for (const Check& c : BedsideChecks(facts_)) out.push_back(c.reason);
    return out;
  }

  dose::v1::Dose dose_;
  absl::Time expires_;
  BedsideFacts facts_;
};

TEST_F(BedsideTest, EveryCheckPasses) { EXPECT_EQ(Failing(), Reasons{}); }

TEST_F(BedsideTest, ExpiredFromTheMinuteOnTheLabel) {
  facts_.now = expires_ - absl::Seconds(1);
  EXPECT_EQ(Failing(), Reasons{});
  facts_.now = expires_;
  EXPECT_EQ(Failing(), Reasons{kReasonDoseExpired});
}

TEST_F(BedsideTest, UnreleasedDose) {
  // Verified but never released by the pharmacy, whatever happened since.
  dose_.set_state(dose::v1::DOSE_STATE_VERIFIED);
  dose_.clear_released_by_user_id();
  EXPECT_EQ(Failing(), Reasons{kReasonDoseNotReleased});
  // A returned dose is back at the pharmacy, not at the bedside.
  dose_.set_state(dose::v1::DOSE_STATE_RETURNED);
  dose_.set_released_by_user_id("phil");
  EXPECT_EQ(Failing(), Reasons{kReasonDoseNotReleased});
  dose_.set_state(dose::v1::DOSE_STATE_DESTROYED);
  EXPECT_EQ(Failing(), Reasons{kReasonDoseNotReleased});
}

TEST_F(BedsideTest, LotRecalledAfterReleaseAndItsHold) {
  // QA rejects the lot after the dose left the pharmacy: the recall holds
  // the product lot and everything derived from it.
  facts_.lot_state = qc::v1::LOT_STATE_REJECTED;
  facts_.backward.mutable_root()
      ->mutable_children(0)
      ->mutable_item()
      ->set_on_hold(true);
  const std::vector<Check> checks = BedsideChecks(facts_);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].reason, kReasonLotNotReleased);
  EXPECT_NE(checks[0].message.find("recalled"), std::string::npos);
  EXPECT_EQ(checks[1].reason, kReasonItemOnHold);
  EXPECT_EQ(checks[1].message, "on hold: itm_lot");
  // A conditional release still lets the dose through.
  facts_.lot_state = qc::v1::LOT_STATE_CONDITIONALLY_RELEASED;
  facts_.backward.Clear();
  EXPECT_EQ(Failing(), Reasons{});
  facts_.item.set_on_hold(true);
  EXPECT_EQ(Failing(), Reasons{kReasonItemOnHold});
  facts_.item.set_on_hold(false);
  facts_.lot_state = qc::v1::LOT_STATE_ON_HOLD;
  EXPECT_EQ(Failing(), Reasons{kReasonLotNotReleased});
}

TEST_F(BedsideTest, LabelMustBeTheDoses) {
  facts_.checks[1].label_scan = dose_.donation_identification() + "=<S12950B0" +
                                dose_.expiration() + dose_.chain_of_identity();
  const std::vector<Check> checks = BedsideChecks(facts_);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].reason, kReasonLabelMismatch);
  // Only the clinician who scanned the wrong label is named.
  EXPECT_EQ(checks[0].message.find("carl"), std::string::npos);
  EXPECT_NE(checks[0].message.find("cleo"), std::string::npos);
}

TEST_F(BedsideTest, WrongPatientByEitherIdentifier) {
  facts_.checks[0].wristband.set_date_of_birth("1958-03-12");
  EXPECT_EQ(Failing(), Reasons{kReasonWrongPatient});
  facts_.checks[0] = Scan("carl");
  facts_.checks[1].wristband.set_initials("DJ");
  EXPECT_EQ(Failing(), Reasons{kReasonWrongPatient});
  // Both identifiers are needed: one matching and one unread is not an
  // identification.
  facts_.checks[1] = Scan("cleo");
  facts_.checks[1].wristband.clear_initials();
  EXPECT_EQ(Failing(), Reasons{kReasonWrongPatient});
  // The subject id and the chain of identity, when read, must match too.
  facts_.checks[1] = Scan("cleo");
  facts_.checks[1].wristband.set_chain_of_identity("&/CHA999927000002");
  EXPECT_EQ(Failing(), Reasons{kReasonWrongPatient});
  facts_.checks[1] = Scan("cleo");
  facts_.checks[1].wristband.set_subject_id("RH-071");
  EXPECT_EQ(Failing(), Reasons{kReasonWrongPatient});
  // Absent, they are not required.
  facts_.checks[1] = Scan("cleo");
  facts_.checks[1].wristband.clear_subject_id();
  EXPECT_EQ(Failing(), Reasons{});
}

TEST_F(BedsideTest, TheWrongPatientAtTheBedside) {
  // Another patient's wristband, read by both: one check, both named.
  facts_.patient = {"RH-018", "1961-07-02", "MK", "&/CHA999927000002"};
  const std::vector<Check> checks = BedsideChecks(facts_);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].reason, kReasonWrongPatient);
  EXPECT_NE(checks[0].message.find("carl: the wristband's date of birth, "
                                   "initials, subject id do not match"),
            std::string::npos)
      << checks[0].message;
  EXPECT_NE(checks[0].message.find("cleo:"), std::string::npos);
}

TEST_F(BedsideTest, OneClinicianOnly) {
  facts_.checks.pop_back();
  EXPECT_EQ(Failing(), Reasons{kReasonSecondClinicianMissing});
  // A second check with nobody behind it is not a second clinician.
  facts_.checks.push_back(Scan(""));
  EXPECT_EQ(Failing(), Reasons{kReasonSecondClinicianMissing});
}

TEST_F(BedsideTest, TheSameClinicianTwice) {
  facts_.checks[1].user_id = "carl";
  EXPECT_EQ(Failing(), Reasons{kReasonFourEyesSamePerson});
}

TEST_F(BedsideTest, EveryFailingCheckNamedInOrder) {
  dose_.set_state(dose::v1::DOSE_STATE_VERIFIED);
  facts_.now = expires_ + absl::Minutes(1);
  facts_.lot_state = qc::v1::LOT_STATE_REJECTED;
  facts_.item.set_on_hold(true);
  facts_.checks[0].label_scan = "";
  facts_.checks[0].wristband.set_initials("XX");
  facts_.checks[1].user_id = "carl";
  EXPECT_EQ(Failing(), (Reasons{kReasonDoseExpired, kReasonDoseNotReleased,
                                kReasonLotNotReleased, kReasonItemOnHold,
                                kReasonLabelMismatch, kReasonWrongPatient,
                                kReasonFourEyesSamePerson}));
  const std::string text = FailingRulesText(BedsideChecks(facts_));
  EXPECT_EQ(text.find("DOSE_EXPIRED: dose dos_1 expired at "
                      "2027-01-15T14:00:00+00:00"),
            0u)
      << text;
  EXPECT_NE(text.find("; FOUR_EYES_SAME_PERSON: carl checked twice"),
            std::string::npos);
}

// ---- the rate
// -----------------------------------------------------------------

TEST(InfusionRateTest, TwentyMlInTenMinutesIsOnTarget) {
  const absl::Time start = At(2027, 1, 15, 10, 0);
  auto rate = InfusionRate(20.0, start, start + absl::Minutes(10), kOptions);
  ASSERT_TRUE(rate.ok()) << rate.status();
  EXPECT_DOUBLE_EQ(rate->ml_per_min, 2.0);
  EXPECT_FALSE(rate->deviation);
  EXPECT_EQ(rate->deviation_text, "");
}

TEST(InfusionRateTest, RoundsToTheHundredthHalvesUp) {
  const absl::Time start = At(2027, 1, 15, 10, 0);
  // 20 ml in 9 min = 2.2222 ml/min -> 2.22, in the band.
  auto down = InfusionRate(20.0, start, start + absl::Minutes(9), kOptions);
  ASSERT_TRUE(down.ok());
  EXPECT_DOUBLE_EQ(down->ml_per_min, 2.22);
  EXPECT_FALSE(down->deviation);
  // 10 ml in 5 min 20 s = 10 / 5.3333 = 1.875 exactly -> 1.88 (a half,
  // up).
  auto half = InfusionRate(10.0, start, start + absl::Seconds(320), kOptions);
  ASSERT_TRUE(half.ok());
  EXPECT_DOUBLE_EQ(half->ml_per_min, 1.88);
  // 20 ml in 11 min = 1.8182 -> 1.82.
  auto up = InfusionRate(20.0, start, start + absl::Minutes(11), kOptions);
  ASSERT_TRUE(up.ok());
  EXPECT_DOUBLE_EQ(up->ml_per_min, 1.82);
}

TEST(InfusionRateTest, OutsideTheBandIsADeviation) {
  const absl::Time start = At(2027, 1, 15, 10, 0);
  // 20 ml in 7 min = 2.857 -> 2.86 > 2.50.
  auto fast = InfusionRate(20.0, start, start + absl::Minutes(7), kOptions);
  ASSERT_TRUE(fast.ok());
  EXPECT_DOUBLE_EQ(fast->ml_per_min, 2.86);
  EXPECT_TRUE(fast->deviation);
  EXPECT_EQ(fast->deviation_text,
            "2.86 ml/min is above the band 1.50 ml/min to 2.50 ml/min "
            "(target 2.00 ml/min)");
  // 20 ml in 15 min = 1.333 -> 1.33 < 1.50.
  auto slow = InfusionRate(20.0, start, start + absl::Minutes(15), kOptions);
  ASSERT_TRUE(slow.ok());
  EXPECT_DOUBLE_EQ(slow->ml_per_min, 1.33);
  EXPECT_TRUE(slow->deviation);
  EXPECT_NE(slow->deviation_text.find("below"), std::string::npos);
}

TEST(InfusionRateTest, TheBandIsInclusiveOnTheRoundedRate) {
  const absl::Time start = At(2027, 1, 15, 10, 0);
  // 20 ml in 8 min = 2.50 exactly: in.
  auto edge = InfusionRate(20.0, start, start + absl::Minutes(8), kOptions);
  ASSERT_TRUE(edge.ok());
  EXPECT_DOUBLE_EQ(edge->ml_per_min, 2.5);
  EXPECT_FALSE(edge->deviation);
  // 15 ml in 10 min = 1.50 exactly: in.
  auto low = InfusionRate(15.0, start, start + absl::Minutes(10), kOptions);
  ASSERT_TRUE(low.ok());
  EXPECT_FALSE(low->deviation);
  // 20 ml in 7 min 59 s = 20 / 7.98333 = 2.5052 -> 2.51: out.
  auto over = InfusionRate(20.0, start, start + absl::Seconds(479), kOptions);
  ASSERT_TRUE(over.ok());
  EXPECT_DOUBLE_EQ(over->ml_per_min, 2.51);
  EXPECT_TRUE(over->deviation);
  // A band configured narrower flags what the default does not.
  RuleOptions narrow;
  narrow.min_rate_ml_per_min = 1.9;
  narrow.max_rate_ml_per_min = 2.1;
  auto nine = InfusionRate(20.0, start, start + absl::Minutes(9), narrow);
  ASSERT_TRUE(nine.ok());
  EXPECT_TRUE(nine->deviation);  // 2.22 > 2.10
}

TEST(InfusionRateTest, RefusesWhatCannotBeARate) {
  const absl::Time start = At(2027, 1, 15, 10, 0);
  EXPECT_EQ(
      FieldOf(
          InfusionRate(0, start, start + absl::Minutes(10), kOptions).status()),
      "details.volume_infused_ml");
  EXPECT_EQ(
      FieldOf(InfusionRate(20.05, start, start + absl::Minutes(10), kOptions)
                  .status()),
      "details.volume_infused_ml");
  EXPECT_EQ(FieldOf(InfusionRate(20, start, start, kOptions).status()),
            "details.ended_at");
  EXPECT_EQ(
      FieldOf(
          InfusionRate(20, start, start - absl::Minutes(1), kOptions).status()),
      "details.ended_at");
  EXPECT_EQ(
      FieldOf(
          InfusionRate(20, start, start + absl::Hours(25), kOptions).status()),
      "details.ended_at");
}

TEST(RemainderTest, PartialInfusionLeavesTheRest) {
  auto all = Remainder(20.0, 20.0);
  ASSERT_TRUE(all.ok());
  EXPECT_DOUBLE_EQ(*all, 0);
  // 20.0 − 13.7 is 6.3 exactly, computed in tenths.
  auto part = Remainder(20.0, 13.7);
  ASSERT_TRUE(part.ok());
  EXPECT_DOUBLE_EQ(*part, 6.3);
  EXPECT_EQ(FieldOf(Remainder(20.0, 20.1).status()),
            "details.volume_infused_ml");
}

TEST(InfusionDetailsTest, TheProtocolsDeliveryAndItsRefusals) {
  v1::InfusionDetails d;
  d.set_route(v1::ROUTE_INTRACORONARY);
  d.set_artery(v1::CORONARY_ARTERY_LEFT_MAIN);
  d.set_catheter_french(6);
  EXPECT_TRUE(CheckInfusionDetails(d).ok());
  v1::InfusionDetails bad = d;
  bad.clear_route();
  EXPECT_EQ(FieldOf(CheckInfusionDetails(bad)), "details.route");
  bad = d;
  bad.clear_artery();
  EXPECT_EQ(FieldOf(CheckInfusionDetails(bad)), "details.artery");
  bad = d;
  bad.set_catheter_french(12);
  EXPECT_EQ(FieldOf(CheckInfusionDetails(bad)), "details.catheter_french");
  bad = d;
  bad.add_complications("");
  EXPECT_EQ(FieldOf(CheckInfusionDetails(bad)), "details.complications");
}

// ---- the observation
// ----------------------------------------------------------

class ObservationTest : public ::testing::Test {
 protected:
  // Infused on 15 January at 23:10 UTC: day 1 is the 15th, though only 50
  // minutes of it are left.
  const absl::Time infused_ = At(2027, 1, 15, 23, 10);
  const absl::Time now_ = At(2027, 1, 25, 12, 0);

  absl::Status Check(int32_t day, absl::Time at,
                     std::vector<v1::ObservationEntry> entries,
                     const RuleOptions& options = kOptions) {
    return CheckObservation(day, at, entries, infused_, now_, options);
  }
};

TEST_F(ObservationTest, DayOneIsTheInfusionsCalendarDay) {
  EXPECT_EQ(ObservationDayOf(infused_, At(2027, 1, 15, 23, 50), kOptions), 1);
  EXPECT_EQ(ObservationDayOf(infused_, At(2027, 1, 16, 0, 5), kOptions), 2);
  EXPECT_EQ(ObservationDayOf(infused_, At(2027, 1, 19, 8, 0), kOptions), 5);
  EXPECT_TRUE(Check(1, At(2027, 1, 15, 23, 50), {}).ok());
  EXPECT_TRUE(Check(5, At(2027, 1, 19, 8, 0), {}).ok());
  absl::Status wrong = Check(1, At(2027, 1, 16, 0, 5), {});
  EXPECT_EQ(ReasonOf(wrong), kReasonObservationDay);
  EXPECT_NE(wrong.message().find("which is day 2 of the observation, not 1"),
            std::string_view::npos)
      << wrong;
  // In the site's time zone: 23:10 UTC is already the 16th in Tokyo
  // (UTC+9), so 08:00 UTC on the 16th (17:00 there) is still day 1.
  RuleOptions tokyo;
  tokyo.time_zone = absl::FixedTimeZone(9 * 3600);
  EXPECT_TRUE(Check(1, At(2027, 1, 16, 8, 0), {}, tokyo).ok());
}

TEST_F(ObservationTest, DaysOneToFiveAndNotInTheFuture) {
  EXPECT_EQ(FieldOf(Check(0, At(2027, 1, 15, 23, 50), {})), "day");
  EXPECT_EQ(FieldOf(Check(6, At(2027, 1, 20, 8, 0), {})), "day");
  EXPECT_EQ(FieldOf(CheckObservation(1, At(2027, 1, 15, 23, 50), {}, infused_,
                                     At(2027, 1, 15, 23, 40), kOptions)),
            "observed_at");
}

TEST_F(ObservationTest, LabValuesWithTheirUnits) {
  const absl::Time day2 = At(2027, 1, 16, 8, 0);
  EXPECT_TRUE(Check(2, day2,
                    {Lab("AST", 38, "U/L"), Lab("ALT", 41, "U/L"),
                     Lab("TROPONIN_I", 0.04, "ng/mL")})
                  .ok());
  EXPECT_EQ(
      FieldOf(Check(2, day2, {Lab("AST", 38, "U/L"), Lab("ALT", 41, "mg/dL")})),
      "entries[1].lab.unit");
  EXPECT_EQ(FieldOf(Check(2, day2, {Lab("GGT", 20, "U/L")})),
            "entries[0].lab.analyte");
  EXPECT_EQ(FieldOf(Check(2, day2, {Lab("AST", -1, "U/L")})),
            "entries[0].lab.value");
  // 4000 ng/mL of troponin I is a unit gone wrong (ng/L meant), not a value.
  EXPECT_EQ(FieldOf(Check(2, day2, {Lab("TROPONIN_I", 4000, "ng/mL")})),
            "entries[0].lab.value");
  EXPECT_TRUE(Check(2, day2, {Lab("TROPONIN_I", 4000, "ng/L")}).ok());
}

TEST_F(ObservationTest, EcgArrhythmiaIschemiaEchoAndIcu) {
  const absl::Time day1 = At(2027, 1, 15, 23, 55);
  v1::ObservationEntry ecg;
  ecg.mutable_ecg()->set_st_deviation_mm(-1.5);
  ecg.mutable_ecg()->add_leads("V5");
  ecg.mutable_ecg()->add_leads("V6");
  v1::ObservationEntry vt;
  vt.mutable_arrhythmia()->set_type(v1::ARRHYTHMIA_TYPE_NSVT);
  vt.mutable_arrhythmia()->set_episodes(2);
  v1::ObservationEntry echo;
  echo.mutable_echo()->set_local_hypokinesia(true);
  echo.mutable_echo()->set_segment("mid anterior");
  v1::ObservationEntry icu;
  icu.mutable_icu_stay()->set_hours(18);
  v1::ObservationEntry angina;
  angina.mutable_ischemic_event()->set_type(v1::ISCHEMIC_EVENT_TYPE_ANGINA);
  EXPECT_TRUE(Check(1, day1, {ecg, vt, echo, icu, angina}).ok());

  v1::ObservationEntry bad = ecg;
  bad.mutable_ecg()->set_st_deviation_mm(12);
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].ecg.st_deviation_mm");
  bad = ecg;
  bad.mutable_ecg()->clear_leads();
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].ecg.leads");
  bad.mutable_ecg()->add_leads("V7");
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].ecg.leads");
  bad = vt;
  bad.mutable_arrhythmia()->set_episodes(0);
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].arrhythmia.episodes");
  bad = vt;
  bad.mutable_arrhythmia()->clear_type();
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].arrhythmia.type");
  bad = echo;
  bad.mutable_echo()->clear_segment();
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].echo.segment");
  bad = icu;
  bad.mutable_icu_stay()->set_hours(30);
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].icu_stay.hours");
  bad = angina;
  bad.mutable_ischemic_event()->clear_type();
  EXPECT_EQ(FieldOf(Check(1, day1, {bad})), "entries[0].ischemic_event.type");
  // The first 24 h end on day 2 at the latest.
  EXPECT_TRUE(Check(2, At(2027, 1, 16, 9, 0), {icu}).ok());
  EXPECT_EQ(FieldOf(Check(3, At(2027, 1, 17, 9, 0), {icu})),
            "entries[0].icu_stay");
  EXPECT_EQ(FieldOf(Check(1, day1, {v1::ObservationEntry()})), "entries[0]");
}

// ---- adverse events
// -----------------------------------------------------------

class AdverseEventTest : public ::testing::Test {
 protected:
  AdverseEventTest() {
    request_.set_term("ventricular tachycardia");
    request_.mutable_onset_at()->set_seconds(
        absl::ToUnixSeconds(At(2027, 1, 16, 3, 0)));
    request_.set_seriousness(v1::SERIOUSNESS_SERIOUS);
    request_.add_criteria(v1::SERIOUSNESS_CRITERION_HOSPITALIZATION);
    request_.set_severity(v1::SEVERITY_SEVERE);
    request_.set_relatedness(v1::RELATEDNESS_POSSIBLE);
    request_.set_outcome(v1::OUTCOME_RECOVERING);
  }
  std::string Field() const {
    return FieldOf(CheckAdverseEvent(request_, infused_, now_));
  }
  const absl::Time infused_ = At(2027, 1, 15, 10, 0);
  const absl::Time now_ = At(2027, 1, 17, 10, 0);
  v1::ReportAdverseEventRequest request_;
};

TEST_F(AdverseEventTest, ASeriousEventNamesItsCriteria) {
  EXPECT_TRUE(CheckAdverseEvent(request_, infused_, now_).ok());
  request_.clear_criteria();
  EXPECT_EQ(Field(), "criteria");
  request_.set_seriousness(v1::SERIOUSNESS_NOT_SERIOUS);
  EXPECT_EQ(Field(), "");
  request_.add_criteria(v1::SERIOUSNESS_CRITERION_DISABILITY);
  EXPECT_EQ(Field(), "criteria");
}

TEST_F(AdverseEventTest, EveryClassificationRequired) {
  auto without = [&](auto clear) {
    v1::ReportAdverseEventRequest saved = request_;
    clear(request_);
    std::string field = Field();
    request_ = saved;
    return field;
  };
  EXPECT_EQ(without([](auto& r) { r.clear_term(); }), "term");
  EXPECT_EQ(without([](auto& r) { r.clear_onset_at(); }), "onset_at");
  EXPECT_EQ(without([](auto& r) { r.clear_seriousness(); }), "seriousness");
  EXPECT_EQ(without([](auto& r) { r.clear_severity(); }), "severity");
  EXPECT_EQ(without([](auto& r) { r.clear_relatedness(); }), "relatedness");
  EXPECT_EQ(without([](auto& r) { r.clear_outcome(); }), "outcome");
  EXPECT_EQ(without([](auto& r) {
              r.add_criteria(v1::SERIOUSNESS_CRITERION_HOSPITALIZATION);
            }),
            "criteria");
  // Before the infusion, or not yet.
  EXPECT_EQ(without([](auto& r) {
              r.mutable_onset_at()->set_seconds(
                  absl::ToUnixSeconds(At(2027, 1, 15, 9, 0)));
            }),
            "onset_at");
  EXPECT_EQ(without([](auto& r) {
              r.mutable_onset_at()->set_seconds(
                  absl::ToUnixSeconds(At(2027, 1, 18, 9, 0)));
            }),
            "onset_at");
  // Fatal is serious with the criterion death.
  EXPECT_EQ(without([](auto& r) { r.set_outcome(v1::OUTCOME_FATAL); }),
            "outcome");
}

TEST(NeedsLookbackTest, EverySeriousEventWhateverItsRelatedness) {
  v1::AdverseEvent e;
  e.set_seriousness(v1::SERIOUSNESS_SERIOUS);
  e.set_relatedness(v1::RELATEDNESS_NOT_RELATED);
  EXPECT_TRUE(NeedsLookback(e));
  e.set_seriousness(v1::SERIOUSNESS_NOT_SERIOUS);
  e.set_relatedness(v1::RELATEDNESS_DEFINITE);
  EXPECT_FALSE(NeedsLookback(e));
}

// ---- the lookback
// -------------------------------------------------------------

// Two donor lots (don_A, don_B). From don_A, lots L1 and L2; from don_B,
// lot L3 and lot L4. L1 and L3 share the trypsin lot rgt_T; L4 shares
// nothing with L1. Patients: P1 (index, L1), P2 (L1), P3 (L2), P4 (L3),
// P5 (L4), and P1 again with a dose of L4.
LookbackGraph TwoDonorLots() {
  LookbackGraph g;
  g.lots = {
      {"L1", "don_A", {"rgt_T", "rgt_M1"}},
      {"L2", "don_A", {"rgt_M2"}},
      {"L3", "don_B", {"rgt_T", "rgt_M2"}},
      {"L4", "don_B", {"rgt_M3"}},
  };
  g.administrations = {
      {"P2", "dos_2", "L1"}, {"P1", "dos_1", "L1"}, {"P4", "dos_4", "L3"},
      {"P3", "dos_3", "L2"}, {"P5", "dos_5", "L4"}, {"P1", "dos_6", "L4"},
  };
  return g;
}

TEST(LookbackTest, SameLotSameDonorLotAndASharedReagentLot) {
  auto found = Lookback(TwoDonorLots(), "L1", "P1");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 3u);
  // P2: the same lot.
  EXPECT_EQ((*found)[0].subject_id(), "P2");
  EXPECT_EQ((*found)[0].dose_id(), "dos_2");
  ASSERT_EQ((*found)[0].links_size(), 1);
  EXPECT_EQ((*found)[0].links(0), v1::LOOKBACK_LINK_SAME_LOT);
  // P3: L2, the same donor lot, no shared reagent (rgt_M2 is not L1's).
  EXPECT_EQ((*found)[1].subject_id(), "P3");
  EXPECT_EQ((*found)[1].lot_id(), "L2");
  ASSERT_EQ((*found)[1].links_size(), 1);
  EXPECT_EQ((*found)[1].links(0), v1::LOOKBACK_LINK_SAME_DONOR_LOT);
  EXPECT_EQ((*found)[1].donor_lot_id(), "don_A");
  // P4: L3, another donor, but L1's trypsin lot.
  EXPECT_EQ((*found)[2].subject_id(), "P4");
  ASSERT_EQ((*found)[2].links_size(), 1);
  EXPECT_EQ((*found)[2].links(0), v1::LOOKBACK_LINK_SHARED_REAGENT);
  ASSERT_EQ((*found)[2].reagent_lot_ids_size(), 1);
  EXPECT_EQ((*found)[2].reagent_lot_ids(0), "rgt_T");
  // P5 (L4 shares nothing with L1) and P1 (the index patient, whatever
  // else they received) are not found.
}

TEST(LookbackTest, FromTheOtherLotSharingTheReagent) {
  // An SAE of P4 (L3): P1 twice — their L1 dose through rgt_T, their L4
  // dose through the donor lot don_B —, P2 through rgt_T, P3 through
  // rgt_M2, P5 through don_B.
  auto found = Lookback(TwoDonorLots(), "L3", "P4");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 5u);
  EXPECT_EQ((*found)[0].subject_id(), "P1");
  EXPECT_EQ((*found)[0].dose_id(), "dos_1");
  EXPECT_EQ((*found)[0].links(0), v1::LOOKBACK_LINK_SHARED_REAGENT);
  EXPECT_EQ((*found)[1].subject_id(), "P1");
  EXPECT_EQ((*found)[1].dose_id(), "dos_6");
  EXPECT_EQ((*found)[1].links(0), v1::LOOKBACK_LINK_SAME_DONOR_LOT);
  EXPECT_EQ((*found)[2].subject_id(), "P2");
  EXPECT_EQ((*found)[2].reagent_lot_ids(0), "rgt_T");
  EXPECT_EQ((*found)[3].subject_id(), "P3");
  EXPECT_EQ((*found)[3].reagent_lot_ids(0), "rgt_M2");
  EXPECT_EQ((*found)[4].subject_id(), "P5");
  EXPECT_EQ((*found)[4].donor_lot_id(), "don_B");
}

TEST(LookbackTest, BothLinksAndAnUnknownLot) {
  LookbackGraph g = TwoDonorLots();
  g.lots[1].reagent_lot_ids.push_back("rgt_M1");  // L2 now shares rgt_M1
  auto found = Lookback(g, "L1", "P1");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ((*found)[1].subject_id(), "P3");
  EXPECT_EQ((*found)[1].links_size(), 2);
  EXPECT_EQ((*found)[1].reagent_lot_ids(0), "rgt_M1");
  EXPECT_EQ(ReasonOf(Lookback(g, "L9", "P1").status()), kReasonLotNotFound);
}

}  // namespace
}  // namespace cellchain::clinical
