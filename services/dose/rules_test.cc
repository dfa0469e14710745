// The dose rules against hand-computed cases: every expected value below
// was worked out on paper from the rule in rules.h, not read back from the
// code.
#include "services/dose/rules.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/isbt128/din.h"

namespace cellchain::dose {
namespace {

v1::SourceCount Source(double total_per_ml, double viability) {
  v1::SourceCount s;
  s.set_total_cells_per_ml(total_per_ml);
  s.set_viability_percent(viability);
  return s;
}

const RuleOptions kOptions;
const Prescription kDefault{1.0e7, 20.0};

TEST(PlanPreparationTest, DefaultDoseFromAFreshCount) {
  // 2.0e6 cells/ml at 90 % = 1.8e6 viable/ml; 1e7 / 1.8e6 = 5.5556 ml,
  // nearest 0.1 ml = 5.6 ml; 20.0 - 5.6 = 14.4 ml of diluent; 5.6 ml hold
  // 5.6 × 1.8e6 = 1.008e7 viable cells (+0.8 %), 5.04e5 cells/ml.
  auto plan = PlanPreparation(kDefault, Source(2.0e6, 90), kOptions);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_DOUBLE_EQ(plan->viable_cells_per_ml(), 1.8e6);
  EXPECT_DOUBLE_EQ(plan->suspension_volume_ml(), 5.6);
  EXPECT_DOUBLE_EQ(plan->diluent_volume_ml(), 14.4);
  EXPECT_DOUBLE_EQ(plan->final_volume_ml(), 20.0);
  EXPECT_DOUBLE_EQ(plan->planned_viable_cells(), 1.008e7);
  EXPECT_DOUBLE_EQ(plan->planned_cells_per_ml(), 5.04e5);
  EXPECT_NEAR(plan->planned_deviation_percent(), 0.8, 1e-9);
}

TEST(PlanPreparationTest, ExactlyTheDefaultConcentration) {
  // 5e6 viable/ml: 2.0 ml + 18.0 ml = 1e7 cells in 20 ml = 5e5 cells/ml.
  auto plan = PlanPreparation(kDefault, Source(5.0e6, 100), kOptions);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_DOUBLE_EQ(plan->suspension_volume_ml(), 2.0);
  EXPECT_DOUBLE_EQ(plan->diluent_volume_ml(), 18.0);
  EXPECT_DOUBLE_EQ(plan->planned_viable_cells(), 1.0e7);
  EXPECT_DOUBLE_EQ(plan->planned_cells_per_ml(), 5.0e5);
  EXPECT_DOUBLE_EQ(plan->planned_deviation_percent(), 0);
}

TEST(PlanPreparationTest, RoundsToTheNearestTenthHalvesUp) {
  // 1e7 / 3e6 = 3.333 ml -> 3.3 ml (down): 9.9e6 cells, -1 %.
  auto down = PlanPreparation(kDefault, Source(3.0e6, 100), kOptions);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_DOUBLE_EQ(down->suspension_volume_ml(), 3.3);
  EXPECT_DOUBLE_EQ(down->diluent_volume_ml(), 16.7);
  EXPECT_DOUBLE_EQ(down->planned_viable_cells(), 9.9e6);
  // 1e7 / 1.6e6 = 6.25 ml exactly: a half, away from zero -> 6.3 ml:
  // 1.008e7 cells.
  auto half = PlanPreparation(kDefault, Source(2.0e6, 80), kOptions);
  ASSERT_TRUE(half.ok()) << half.status();
  EXPECT_DOUBLE_EQ(half->suspension_volume_ml(), 6.3);
  EXPECT_DOUBLE_EQ(half->diluent_volume_ml(), 13.7);
  EXPECT_DOUBLE_EQ(half->planned_viable_cells(), 1.008e7);
  // 1e7 / 2.4e6 = 4.1667 ml -> 4.2 ml (up): 1.008e7 cells.
  auto up = PlanPreparation(kDefault, Source(3.0e6, 80), kOptions);
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_DOUBLE_EQ(up->suspension_volume_ml(), 4.2);
  EXPECT_DOUBLE_EQ(up->diluent_volume_ml(), 15.8);
}

TEST(PlanPreparationTest, TooDiluteNeedsMoreThanTheFinalVolume) {
  // 4e5 viable/ml: 25 ml > 20 ml.
  auto plan = PlanPreparation(kDefault, Source(5.0e5, 80), kOptions);
  EXPECT_EQ(ReasonOf(plan.status()), kReasonSuspensionTooDilute)
      << plan.status();
  // 5e5 viable/ml: exactly 20.0 ml, no diluent.
  auto all = PlanPreparation(kDefault, Source(5.0e5, 100), kOptions);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_DOUBLE_EQ(all->suspension_volume_ml(), 20.0);
  EXPECT_DOUBLE_EQ(all->diluent_volume_ml(), 0);
}

TEST(PlanPreparationTest, TooConcentratedWhenRoundingAloneLeavesTheWindow) {
  // 1.5e8 viable/ml: 0.0667 ml -> 0.1 ml = 1.5e7 cells, +50 %.
  auto coarse = PlanPreparation(kDefault, Source(1.5e8, 100), kOptions);
  EXPECT_EQ(ReasonOf(coarse.status()), kReasonSuspensionTooConcentrated);
  // 2.5e8 viable/ml: 0.04 ml -> 0.0 ml.
  auto none = PlanPreparation(kDefault, Source(2.5e8, 100), kOptions);
  EXPECT_EQ(ReasonOf(none.status()), kReasonSuspensionTooConcentrated);
  // 1.6e7 viable/ml: 0.625 ml -> 0.6 ml = 9.6e6, -4 %: still fine.
  auto fine = PlanPreparation(kDefault, Source(1.6e7, 100), kOptions);
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_DOUBLE_EQ(fine->suspension_volume_ml(), 0.6);
  EXPECT_DOUBLE_EQ(fine->planned_viable_cells(), 9.6e6);
}

TEST(PlanPreparationTest, RefusesWhatIsNotACount) {
  EXPECT_EQ(
      FieldOf(PlanPreparation(kDefault, Source(0, 90), kOptions).status()),
      "source.total_cells_per_ml");
  EXPECT_EQ(
      FieldOf(PlanPreparation(kDefault, Source(-1e6, 90), kOptions).status()),
      "source.total_cells_per_ml");
  EXPECT_EQ(
      FieldOf(PlanPreparation(kDefault, Source(2e6, 0), kOptions).status()),
      "source.viability_percent");
  EXPECT_EQ(
      FieldOf(PlanPreparation(kDefault, Source(2e6, 100.5), kOptions).status()),
      "source.viability_percent");
  EXPECT_EQ(
      FieldOf(
          PlanPreparation({1e7, 20.05}, Source(2e6, 90), kOptions).status()),
      "final_volume_ml");
  EXPECT_EQ(
      FieldOf(PlanPreparation({0, 20}, Source(2e6, 90), kOptions).status()),
      "prescribed_viable_cells");
}

TEST(PlanPreparationTest, DefaultsApplyToZeroes) {
  Prescription p = WithDefaults(0, 0, kOptions);
  EXPECT_DOUBLE_EQ(p.viable_cells, 1.0e7);
  EXPECT_DOUBLE_EQ(p.final_volume_ml, 20.0);
  p = WithDefaults(2e7, 40, kOptions);
  EXPECT_DOUBLE_EQ(p.viable_cells, 2e7);
  EXPECT_DOUBLE_EQ(p.final_volume_ml, 40);
}

TEST(JudgeCountTest, TheAcceptanceWindowIsInclusive) {
  // 5e5/ml at 100 % × 20 ml = 1e7: on target.
  auto exact = JudgeCount(1e7, 20, 5.0e5, 100, kOptions);
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_DOUBLE_EQ(exact->delivered_viable_cells, 1e7);
  EXPECT_TRUE(exact->failures.empty());
  // 5e5/ml at 90 % × 20 ml = 9e6: exactly -10 %, accepted.
  auto edge = JudgeCount(1e7, 20, 5.0e5, 90, kOptions);
  ASSERT_TRUE(edge.ok());
  EXPECT_DOUBLE_EQ(edge->delivered_viable_cells, 9e6);
  EXPECT_DOUBLE_EQ(edge->deviation_percent, -10);
  EXPECT_TRUE(edge->failures.empty()) << edge->failures.front();
  // 7e5/ml at exactly 70 %: 4.9e5 × 20 = 9.8e6 (-2 %), viability on the
  // limit: accepted.
  auto viable_edge = JudgeCount(1e7, 20, 7.0e5, 70, kOptions);
  ASSERT_TRUE(viable_edge.ok());
  EXPECT_TRUE(viable_edge->failures.empty());
}

TEST(JudgeCountTest, OutsideTheWindowSaysWhy) {
  // 5e5 × 89 % × 20 = 8.9e6: -11 %.
  auto low = JudgeCount(1e7, 20, 5.0e5, 89, kOptions);
  ASSERT_TRUE(low.ok());
  ASSERT_EQ(low->failures.size(), 1u);
  EXPECT_NE(low->failures[0].find("-11.0 %"), std::string::npos)
      << low->failures[0];
  // 6e5 × 92 % × 20 = 1.104e7: +10.4 %.
  auto high = JudgeCount(1e7, 20, 6.0e5, 92, kOptions);
  ASSERT_TRUE(high.ok());
  ASSERT_EQ(high->failures.size(), 1u);
  EXPECT_NE(high->failures[0].find("+10.4 %"), std::string::npos);
  // 5.5e5 × 65 % × 20 = 7.15e6 (-28.5 %) and viability 65 % < 70 %.
  auto both = JudgeCount(1e7, 20, 5.5e5, 65, kOptions);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->failures.size(), 2u);
  EXPECT_EQ(FieldOf(JudgeCount(1e7, 20, 0, 90, kOptions).status()),
            "total_cells_per_ml");
  EXPECT_EQ(FieldOf(JudgeCount(1e7, 20, 5e5, 0, kOptions).status()),
            "viability_percent");
}

TEST(ExpiryTest, HoursAfterPreparationDownToTheMinuteInIsbt128Form) {
  // 2027-01-15 08:00:30 UTC + 6 h = 14:00:30 -> 14:00; 15 January is day
  // 015 of 2027: "&>" c=0 yy=27 jjj=015 hhmm=1400.
  absl::Time prepared = absl::FromCivil(
      absl::CivilSecond(2027, 1, 15, 8, 0, 30), absl::UTCTimeZone());
  absl::Time expires = ExpiryOf(prepared, kOptions);
  EXPECT_EQ(expires, absl::FromCivil(absl::CivilMinute(2027, 1, 15, 14, 0),
                                     absl::UTCTimeZone()));
  auto text = ExpirationOf(expires, kOptions);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "&>0270151400");
  // Across the year's end: 2026-12-31 20:00 + 6 h = 2027-01-01 02:00.
  absl::Time late = absl::FromCivil(absl::CivilSecond(2026, 12, 31, 20, 0, 0),
                                    absl::UTCTimeZone());
  EXPECT_EQ(*ExpirationOf(ExpiryOf(late, kOptions), kOptions), "&>0270010200");
  // Written in the facility's zone: UTC+1, 4 hours.
  RuleOptions berlin;
  berlin.time_zone = absl::FixedTimeZone(3600);
  berlin.expiry = absl::Hours(4);
  EXPECT_EQ(*ExpirationOf(ExpiryOf(prepared, berlin), berlin), "&>0270151300");
}

TEST(IdentificationTest, DivisionCodes) {
  EXPECT_EQ(*DivisionCode(0), "A0");
  EXPECT_EQ(*DivisionCode(25), "Z0");
  EXPECT_EQ(*DivisionCode(26), "10");
  EXPECT_EQ(*DivisionCode(34), "90");
  EXPECT_EQ(*DivisionCode(35), "Aa");
  EXPECT_EQ(*DivisionCode(35 * 27 - 1), "9z");
  EXPECT_EQ(ReasonOf(DivisionCode(35 * 27).status()),
            kReasonLotDivisionsExhausted);
  EXPECT_EQ(ReasonOf(DivisionCode(-1).status()), kReasonLotDivisionsExhausted);
}

TEST(IdentificationTest, ProductCodeAndChainOfIdentity) {
  isbt128::Din din = *isbt128::Din::Create("A9999", 27, 123456);
  EXPECT_EQ(*DonationIdentificationOf(din.ToString()),
            "=" + din.ToString() + isbt128::Type3Flags(din));
  EXPECT_FALSE(DonationIdentificationOf("A99992712345").ok());
  EXPECT_EQ(*DoseProductCode("A0", kOptions), "=<S12950A0");
  EXPECT_EQ(*DoseProductCode("Ba", kOptions), "=<S12950Ba");
  RuleOptions bad;
  bad.product_description_code = "s12";
  EXPECT_FALSE(DoseProductCode("A0", bad).ok());
  EXPECT_EQ(*ChainOfIdentityFor("A9999", 2027, 1), "&/CHA999927000001");
  EXPECT_EQ(*ChainOfIdentityFor("A9999", 2027, 36), "&/CHA999927000010");
  EXPECT_EQ(*ChainOfIdentityFor("A9999", 2027, 36 * 36 + 35),
            "&/CHA99992700010Z");
  EXPECT_FALSE(ChainOfIdentityFor("A9999", 2027, 0).ok());
  EXPECT_FALSE(ChainOfIdentityFor("A9999", 2027, 2176782336).ok());
  EXPECT_FALSE(ChainOfIdentityFor("O9999", 2027, 1).ok());
}

TEST(PatientTest, Fields) {
  v1::RegisterPatientRequest r;
  r.set_subject_id("RH-017");
  r.set_date_of_birth("1958-03-21");
  r.set_initials("JD");
  const absl::CivilDay today(2027, 1, 15);
  EXPECT_TRUE(CheckPatient(r, today).ok());
  auto with = [&](auto change) {
    v1::RegisterPatientRequest copy = r;
    change(copy);
    return FieldOf(CheckPatient(copy, today));
  };
  EXPECT_EQ(with([](auto& c) { c.set_subject_id("rh-017"); }), "subject_id");
  EXPECT_EQ(with([](auto& c) { c.set_subject_id(""); }), "subject_id");
  EXPECT_EQ(with([](auto& c) { c.set_date_of_birth("1958-02-30"); }),
            "date_of_birth");
  EXPECT_EQ(with([](auto& c) { c.set_date_of_birth("2027-01-16"); }),
            "date_of_birth");
  EXPECT_EQ(with([](auto& c) { c.set_initials("J"); }), "initials");
  EXPECT_EQ(with([](auto& c) { c.set_initials("jd"); }), "initials");
  EXPECT_EQ(with([](auto& c) {
              c.mutable_identifying()->set_name(std::string(201, 'x'));
            }),
            "identifying.name");
}

TEST(OrderTest, DefaultsAndRequiredFields) {
  v1::CreateOrderRequest r;
  r.set_subject_id("RH-017");
  r.set_heparin_iu_per_ml(5);
  r.mutable_planned_infusion_at()->set_seconds(1'800'000'000);
  r.set_prescriber("Dr. P. Cardio");
  auto order = OrderFrom(r, kOptions);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_DOUBLE_EQ(order->prescribed_viable_cells(), 1e7);
  EXPECT_DOUBLE_EQ(order->final_volume_ml(), 20);
  EXPECT_NE(order->route().find("left coronary artery"), std::string::npos);
  auto without = [&](auto change) {
    v1::CreateOrderRequest copy = r;
    change(copy);
    return FieldOf(OrderFrom(copy, kOptions).status());
  };
  EXPECT_EQ(without([](auto& c) { c.clear_heparin_iu_per_ml(); }),
            "heparin_iu_per_ml");
  EXPECT_EQ(without([](auto& c) { c.clear_planned_infusion_at(); }),
            "planned_infusion_at");
  EXPECT_EQ(without([](auto& c) { c.set_prescriber("  "); }), "prescriber");
  EXPECT_EQ(without([](auto& c) { c.set_final_volume_ml(-20); }),
            "final_volume_ml");
}

// ---- release gates
// ------------------------------------------------------------

class GatesTest : public ::testing::Test {
 protected:
  GatesTest() {
    isbt128::Din din = *isbt128::Din::Create("A9999", 27, 123456);
    dose_.set_dose_id("dos_1");
    dose_.set_lot_id("qcl_1");
    dose_.set_subject_id("RH-017");
    dose_.set_product_item_id("itm_lot");
    dose_.set_item_id("itm_dose");
    dose_.set_din(din.ToString());
    dose_.set_donation_identification(
        *isbt128::EncodeDonationIdentification(din, isbt128::Type3Flags(din)));
    dose_.set_product_code("=<S12950A0");
    dose_.set_expiration("&>0270151400");
    dose_.set_chain_of_identity("&/CHA999927000001");
    dose_.set_state(v1::DOSE_STATE_VERIFIED);
    dose_.set_counted_by_user_id("tina");
    dose_.set_verified_by_user_id("tom");
    expires_ = absl::FromCivil(absl::CivilMinute(2027, 1, 15, 14, 0),
                               absl::UTCTimeZone());
    dose_.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(expires_));
    facts_.dose = &dose_;
    facts_.lot_state = qc::v1::LOT_STATE_RELEASED;
    facts_.label_scan = Label();
    facts_.given = {"RH-017", "1958-03-21", "JD"};
    facts_.ordered = facts_.given;
    facts_.now = expires_ - absl::Hours(2);
    facts_.item.set_item_id("itm_dose");
    facts_.item.set_type(custody::v1::ITEM_TYPE_DOSE_BAG);
    facts_.item.set_state(custody::v1::ITEM_STATE_AVAILABLE);
    facts_.item.set_custodian_user_id("phil");
    facts_.item.set_patient_id("RH-017");
    custody::v1::ParentLink* parent = facts_.item.add_parents();
    parent->set_parent_item_id("itm_lot");
    parent->set_kind(custody::v1::DERIVATION_KIND_FORMULATION);
    *facts_.backward.mutable_root()->mutable_item() = facts_.item;
    facts_.backward.mutable_root()->add_children()->mutable_item()->set_item_id(
        "itm_lot");
  }

  std::string Label() const {
    return dose_.donation_identification() + dose_.product_code() +
           dose_.expiration() + dose_.chain_of_identity();
  }

  std::vector<std::string> Failing() const {
    std::vector<std::string> out;
    for (const Gate& g : ReleaseGates(facts_)) out.push_back(g.reason);
    return out;
  }

  v1::Dose dose_;
  absl::Time expires_;
  ReleaseFacts facts_;
};

using Reasons = std::vector<std::string>;

TEST_F(GatesTest, EveryGateOpen) { EXPECT_EQ(Failing(), Reasons{}); }

TEST_F(GatesTest, LotNotReleased) {
  for (auto state : {qc::v1::LOT_STATE_TESTING, qc::v1::LOT_STATE_ON_HOLD,
                     qc::v1::LOT_STATE_REJECTED}) {
    facts_.lot_state = state;
    EXPECT_EQ(Failing(), Reasons{kReasonLotNotReleased});
  }
}

TEST_F(GatesTest, ConditionalReleaseNeedsEveryPendingTestAcknowledged) {
  facts_.lot_state = qc::v1::LOT_STATE_CONDITIONALLY_RELEASED;
  facts_.pending_test_codes = {"STERILITY", "MYCOPLASMA"};
  facts_.acknowledged_test_codes = {"STERILITY"};
  auto gates = ReleaseGates(facts_);
  ASSERT_EQ(gates.size(), 1u);
  EXPECT_EQ(gates[0].reason, kReasonConditionNotAcknowledged);
  EXPECT_NE(gates[0].message.find("MYCOPLASMA"), std::string::npos);
  facts_.acknowledged_test_codes = {"MYCOPLASMA", "STERILITY"};
  EXPECT_EQ(Failing(), Reasons{});
}

TEST_F(GatesTest, PreparationNotCountedNotAcceptableNotVerified) {
  dose_.clear_counted_by_user_id();
  dose_.clear_verified_by_user_id();
  EXPECT_EQ(Failing(), (Reasons{kReasonPreparationNotAccepted,
                                kReasonPreparationNotVerified}));
  dose_.set_counted_by_user_id("tina");
  dose_.set_state(v1::DOSE_STATE_NOT_ACCEPTABLE);
  EXPECT_EQ(Failing(), (Reasons{kReasonPreparationNotAccepted,
                                kReasonPreparationNotVerified}));
}

TEST_F(GatesTest, LabelMustBeExactlyTheDoses) {
  facts_.label_scan = dose_.donation_identification() + dose_.product_code() +
                      dose_.expiration();  // no chain of identity
  EXPECT_EQ(Failing(), Reasons{kReasonLabelMismatch});
  facts_.label_scan = dose_.donation_identification() + "=<S12950B0" +
                      dose_.expiration() + dose_.chain_of_identity();
  EXPECT_EQ(Failing(), Reasons{kReasonLabelMismatch});
  facts_.label_scan = Label() + "&>0270151500";  // a second, later expiry
  EXPECT_EQ(Failing(), Reasons{kReasonLabelMismatch});
  facts_.label_scan = "not a label";
  EXPECT_EQ(Failing(), Reasons{kReasonLabelMismatch});
  facts_.label_scan = "";
  EXPECT_EQ(Failing(), Reasons{kReasonLabelMismatch});
}

TEST_F(GatesTest, PatientIdentifiersMustMatchTheOrder) {
  facts_.given.date_of_birth = "1958-03-12";
  EXPECT_EQ(Failing(), Reasons{kReasonPatientMismatch});
  facts_.given = facts_.ordered;
  facts_.given.initials = "DJ";
  EXPECT_EQ(Failing(), Reasons{kReasonPatientMismatch});
  facts_.given = facts_.ordered;
  facts_.given.subject_id = "RH-071";
  EXPECT_EQ(Failing(), Reasons{kReasonPatientMismatch});
}

// What the pharmacist reads names each identifier that differs, in words
// that agree with how many there are.
TEST_F(GatesTest, APatientMismatchNamesTheIdentifiersThatDiffer) {
  facts_.given.date_of_birth = "1958-03-12";
  std::vector<Gate> gates = ReleaseGates(facts_);
  ASSERT_EQ(gates.size(), 1u);
  EXPECT_EQ(gates[0].message,
            "the patient's date of birth does not match the order's patient");
  facts_.given.initials = "DJ";
  gates = ReleaseGates(facts_);
  ASSERT_EQ(gates.size(), 1u);
  EXPECT_EQ(gates[0].message,
            "the patient's date of birth, initials do not match the order's "
            "patient");
}

TEST_F(GatesTest, ExpiredAtTheMinuteOnTheLabel) {
  facts_.now = expires_ - absl::Seconds(1);
  EXPECT_EQ(Failing(), Reasons{});
  facts_.now = expires_;
  EXPECT_EQ(Failing(), Reasons{kReasonDoseExpired});
}

TEST_F(GatesTest, HoldOnTheDoseOrAnAncestor) {
  facts_.backward.mutable_root()
      ->mutable_children(0)
      ->mutable_item()
      ->set_on_hold(true);
  auto gates = ReleaseGates(facts_);
  ASSERT_EQ(gates.size(), 1u);
  EXPECT_EQ(gates[0].reason, kReasonItemOnHold);
  EXPECT_NE(gates[0].message.find("itm_lot"), std::string::npos);
  facts_.backward.Clear();
  facts_.item.set_on_hold(true);
  EXPECT_EQ(Failing(), Reasons{kReasonItemOnHold});
}

TEST_F(GatesTest, CustodyBroken) {
  facts_.item.set_state(custody::v1::ITEM_STATE_IN_TRANSIT);
  facts_.item.set_open_handoff_id("hnd_1");
  EXPECT_EQ(Failing(), Reasons{kReasonCustodyBroken});
  facts_.item.set_state(custody::v1::ITEM_STATE_AVAILABLE);
  facts_.item.clear_open_handoff_id();
  facts_.item.set_patient_id("RH-018");
  EXPECT_EQ(Failing(), Reasons{kReasonCustodyBroken});
  facts_.item.set_patient_id("RH-017");
  facts_.item.mutable_parents(0)->set_parent_item_id("itm_other_lot");
  EXPECT_EQ(Failing(), Reasons{kReasonCustodyBroken});
}

TEST_F(GatesTest, TemperatureExcursion) {
  facts_.item.set_temperature_excursion(true);
  EXPECT_EQ(Failing(), Reasons{kReasonTemperatureExcursion});
}

TEST_F(GatesTest, EveryFailingGateNamedInOrder) {
  facts_.lot_state = qc::v1::LOT_STATE_REJECTED;
  facts_.given.initials = "XX";
  facts_.now = expires_ + absl::Minutes(1);
  facts_.item.set_on_hold(true);
  EXPECT_EQ(Failing(), (Reasons{kReasonLotNotReleased, kReasonPatientMismatch,
                                kReasonDoseExpired, kReasonItemOnHold}));
  EXPECT_NE(
      FailingRulesText(ReleaseGates(facts_)).find("DOSE_EXPIRED: dose dos_1"),
      std::string::npos);
  // The preview (GetDose) does not judge what is scanned at release.
  facts_.judge_scan_and_patient = false;
  facts_.label_scan = "";
  EXPECT_EQ(Failing(), (Reasons{kReasonLotNotReleased, kReasonDoseExpired,
                                kReasonItemOnHold}));
}

TEST(StateTest, RequireStateNamesWhatTheActionNeeds) {
  v1::Dose d;
  d.set_dose_id("dos_1");
  d.set_state(v1::DOSE_STATE_RELEASED);
  absl::Status s = RequireState(d, {v1::DOSE_STATE_VERIFIED}, "a release");
  EXPECT_EQ(ReasonOf(s), kReasonDoseState);
  EXPECT_NE(s.message().find("is released: a release needs it verified"),
            std::string_view::npos)
      << s;
  EXPECT_TRUE(Live(v1::DOSE_STATE_RETURNED));
  EXPECT_FALSE(Live(v1::DOSE_STATE_NOT_ACCEPTABLE));
  EXPECT_FALSE(Live(v1::DOSE_STATE_DESTROYED));
}

}  // namespace
}  // namespace cellchain::dose
