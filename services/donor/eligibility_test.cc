// Every eligibility rule, as the person signing the determination would
// check it: what makes a birth mother ELIGIBLE, and each reason that makes
// her INELIGIBLE or INCOMPLETE.
#include "services/donor/eligibility.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::donor {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kBirth = absl::FromCivil(
    absl::CivilMinute(2026, 11, 20, 3, 40), absl::UTCTimeZone());

// Consent given, birth recorded, every test of the panel non-reactive on a
// specimen drawn `offset` from the birth.
DonorFacts Complete(absl::Duration offset = absl::Hours(-2)) {
  DonorFacts facts;
  facts.consent.given = true;
  facts.birth_at = kBirth;
  for (const PanelTest& test : DefaultPanel().tests) {
    facts.screenings.push_back({test.code, TestResult::kNonReactive,
                                kBirth + offset, "NAT", "KIT-2026-07"});
  }
  return facts;
}

std::vector<std::string> Codes(const Determination& d) {
  std::vector<std::string> codes;
  for (const Reason& r : d.reasons) {
    codes.push_back(r.test_code.empty() ? r.code : r.code + ":" + r.test_code);
  }
  return codes;
}

Screening& Result(DonorFacts& facts, const std::string& code) {
  for (Screening& s : facts.screenings) {
    if (s.test_code == code) return s;
  }
  ADD_FAILURE() << "no " << code;
  return facts.screenings.front();
}

TEST(Eligibility, TheDefaultPanelCoversTheRequiredInfections) {
  std::vector<std::string> codes;
  for (const PanelTest& t : DefaultPanel().tests) codes.push_back(t.code);
  EXPECT_THAT(codes, ::testing::IsSupersetOf(
                         {"HIV12_AB", "HIV1_NAT", "HBSAG", "HBC_AB", "HBV_NAT",
                          "HCV_AB", "HCV_NAT", "HTLV_AB", "SYPHILIS"}));
  EXPECT_EQ(DefaultPanel().specimen_window, absl::Hours(24 * 7));
}

TEST(Eligibility, EligibleWhenConsentStandsAndEveryTestIsNonReactiveInWindow) {
  Determination d = Determine(DefaultPanel(), Complete());
  EXPECT_EQ(d.eligibility, Eligibility::kEligible);
  EXPECT_THAT(d.reasons, IsEmpty());
  // The window is 7 days either side of the birth, both ends included.
  EXPECT_EQ(
      Determine(DefaultPanel(), Complete(absl::Hours(-24 * 7))).eligibility,
      Eligibility::kEligible);
  EXPECT_EQ(
      Determine(DefaultPanel(), Complete(absl::Hours(24 * 7))).eligibility,
      Eligibility::kEligible);
}

TEST(Eligibility, AReactiveResultMakesHerIneligibleAndARetestDoesNotUndoIt) {
  DonorFacts facts = Complete();
  Result(facts, "HBSAG").result = TestResult::kReactive;
  facts.screenings.push_back({"HBSAG", TestResult::kNonReactive,
                              kBirth + absl::Hours(30), "CLIA", "KIT-2"});
  Determination d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kIneligible);
  EXPECT_THAT(Codes(d), ElementsAre("TEST_REACTIVE:HBSAG"));
  EXPECT_EQ(d.reasons[0].message, "Hepatitis B surface antigen: reactive");
}

TEST(Eligibility, IndeterminateIsNotNonReactive) {
  DonorFacts facts = Complete();
  Result(facts, "HIV1_NAT").result = TestResult::kIndeterminate;
  Determination d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kIneligible);
  EXPECT_THAT(Codes(d), ElementsAre("TEST_INDETERMINATE:HIV1_NAT"));
}

TEST(Eligibility, AReactiveCmvIsRecordedButDoesNotDisqualify) {
  DonorFacts facts = Complete();
  Result(facts, "CMV_AB").result = TestResult::kReactive;
  Determination d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kEligible);
  // Shown with the determination, for the product's labelling.
  EXPECT_THAT(Codes(d), ElementsAre("TEST_REACTIVE_FOR_INFORMATION:CMV_AB"));
  EXPECT_FALSE(d.reasons[0].disqualifying);
}

TEST(Eligibility, AMissingTestLeavesItIncomplete) {
  DonorFacts facts = Complete();
  std::erase_if(facts.screenings,
                [](const Screening& s) { return s.test_code == "WNV_NAT"; });
  Determination d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kIncomplete);
  EXPECT_THAT(Codes(d), ElementsAre("TEST_MISSING:WNV_NAT"));
}

TEST(Eligibility, ASpecimenOutOfWindowDoesNotCount) {
  DonorFacts facts = Complete();
  Result(facts, "HCV_NAT").specimen_drawn_at =
      kBirth - absl::Hours(24 * 7) - absl::Hours(1);
  Determination d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kIncomplete);
  EXPECT_THAT(Codes(d), ElementsAre("SPECIMEN_OUT_OF_WINDOW:HCV_NAT",
                                    "TEST_MISSING:HCV_NAT"));
  EXPECT_THAT(d.reasons[0].message, ::testing::HasSubstr("169h before"));
  // Nor does a reactive result outside the window make her ineligible: it
  // is not a result of her donation's specimen (it is listed, and a person
  // decides what to do with it).
  Result(facts, "HCV_NAT").result = TestResult::kReactive;
  EXPECT_EQ(Determine(DefaultPanel(), facts).eligibility,
            Eligibility::kIncomplete);
  // An in-window specimen of the same test completes it.
  facts.screenings.push_back({"HCV_NAT", TestResult::kNonReactive,
                              kBirth + absl::Hours(5), "NAT", "KIT-3"});
  d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kEligible);
  EXPECT_THAT(Codes(d), ElementsAre("SPECIMEN_OUT_OF_WINDOW:HCV_NAT"));
}

TEST(Eligibility, ConsentMissingOrWithdrawn) {
  DonorFacts facts = Complete();
  facts.consent.given = false;
  Determination missing = Determine(DefaultPanel(), facts);
  EXPECT_EQ(missing.eligibility, Eligibility::kIncomplete);
  EXPECT_THAT(Codes(missing), ElementsAre("CONSENT_MISSING"));
  facts.consent = {.given = true, .withdrawn = true};
  Determination withdrawn = Determine(DefaultPanel(), facts);
  EXPECT_EQ(withdrawn.eligibility, Eligibility::kIneligible);
  EXPECT_THAT(Codes(withdrawn), ElementsAre("CONSENT_WITHDRAWN"));
}

TEST(Eligibility, EveryReasonIsListedAndIneligibleWinsOverIncomplete) {
  DonorFacts facts = Complete();
  facts.consent.given = false;
  Result(facts, "SYPHILIS").result = TestResult::kReactive;
  std::erase_if(facts.screenings,
                [](const Screening& s) { return s.test_code == "HTLV_AB"; });
  Determination d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kIneligible);
  EXPECT_THAT(Codes(d), ElementsAre("CONSENT_MISSING", "TEST_MISSING:HTLV_AB",
                                    "TEST_REACTIVE:SYPHILIS"));
}

TEST(Eligibility, WithoutTheBirthNoSpecimenCounts) {
  DonorFacts facts = Complete();
  facts.birth_at.reset();
  Determination d = Determine(DefaultPanel(), facts);
  EXPECT_EQ(d.eligibility, Eligibility::kIncomplete);
  EXPECT_THAT(Codes(d), ElementsAre("BIRTH_NOT_RECORDED"));
  EXPECT_STREQ(EligibilityName(d.eligibility), "INCOMPLETE");
}

TEST(Eligibility, ATestOutsideThePanelIsIgnored) {
  DonorFacts facts = Complete();
  facts.screenings.push_back(
      {"ZIKA_NAT", TestResult::kReactive, kBirth, "NAT", "KIT-9"});
  EXPECT_EQ(Determine(DefaultPanel(), facts).eligibility,
            Eligibility::kEligible);
  // A configured panel applies its own tests and window.
  Panel panel{.tests = {{"ZIKA_NAT", "Zika NAT", true}},
              .specimen_window = absl::Hours(48)};
  EXPECT_EQ(Determine(panel, facts).eligibility, Eligibility::kIneligible);
}

}  // namespace
}  // namespace cellchain::donor
