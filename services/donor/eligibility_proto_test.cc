// The eligibility rules fed from the stored protos and their result as the
// determination the service stores: consent status, the birth and each
// screening result mapped one to one.
#include "services/donor/eligibility_proto.h"

#include "gtest/gtest.h"

namespace cellchain::donor {
namespace {

TEST(EligibilityProto, ConsentStatusIsGivenOrWithdrawn) {
  v1::Donor donor;
  donor.set_consent_status(v1::CONSENT_STATUS_NONE);
  DonorFacts facts = ToFacts(donor, {});
  EXPECT_FALSE(facts.consent.given);
  EXPECT_FALSE(facts.consent.withdrawn);
  donor.set_consent_status(v1::CONSENT_STATUS_GIVEN);
  facts = ToFacts(donor, {});
  EXPECT_TRUE(facts.consent.given);
  EXPECT_FALSE(facts.consent.withdrawn);
  donor.set_consent_status(v1::CONSENT_STATUS_WITHDRAWN);
  facts = ToFacts(donor, {});
  EXPECT_TRUE(facts.consent.given);
  EXPECT_TRUE(facts.consent.withdrawn);
}

TEST(EligibilityProto, TheBirthIsTheDeliveryWhenRecorded) {
  v1::Donor donor;
  EXPECT_FALSE(ToFacts(donor, {}).birth_at.has_value());
  donor.mutable_delivered_at()->set_seconds(1735689600);
  EXPECT_EQ(ToFacts(donor, {}).birth_at, absl::FromUnixSeconds(1735689600));
}

TEST(EligibilityProto, EachScreeningResultIsMapped) {
  std::vector<v1::Screening> stored(3);
  const v1::ScreeningResult results[] = {v1::SCREENING_RESULT_NON_REACTIVE,
                                         v1::SCREENING_RESULT_REACTIVE,
                                         v1::SCREENING_RESULT_INDETERMINATE};
  for (int i = 0; i < 3; ++i) {
    stored[i].set_test_code("HBSAG");
    stored[i].set_method("CMIA");
    stored[i].set_kit_lot("KIT-1");
    stored[i].mutable_specimen_drawn_at()->set_seconds(1735689600 + i);
    stored[i].set_result(results[i]);
  }
  DonorFacts facts = ToFacts(v1::Donor(), stored);
  ASSERT_EQ(facts.screenings.size(), 3u);
  EXPECT_EQ(facts.screenings[0].result, TestResult::kNonReactive);
  EXPECT_EQ(facts.screenings[1].result, TestResult::kReactive);
  EXPECT_EQ(facts.screenings[2].result, TestResult::kIndeterminate);
  EXPECT_EQ(facts.screenings[2].test_code, "HBSAG");
  EXPECT_EQ(facts.screenings[2].method, "CMIA");
  EXPECT_EQ(facts.screenings[2].kit_lot, "KIT-1");
  EXPECT_EQ(facts.screenings[2].specimen_drawn_at,
            absl::FromUnixSeconds(1735689602));
}

TEST(EligibilityProto, ADeterminationKeepsEveryReasonForTheCurrentRevision) {
  v1::Donor donor;
  donor.set_donor_code("DNR-0123456789");
  donor.set_revision(4);
  Determination d;
  d.eligibility = Eligibility::kIneligible;
  d.reasons = {{kCodeTestReactive, "HIV1_NAT", "HIV-1 NAT: reactive", true},
               {kCodeConsentMissing, "", "no consent is recorded", false}};
  v1::Determination out = ToProto(d, donor);
  EXPECT_EQ(out.donor_code(), "DNR-0123456789");
  EXPECT_EQ(out.donor_revision(), 4);
  EXPECT_EQ(out.eligibility(), v1::ELIGIBILITY_INELIGIBLE);
  ASSERT_EQ(out.reasons_size(), 2);
  EXPECT_EQ(out.reasons(0).code(), "TEST_REACTIVE");
  EXPECT_EQ(out.reasons(0).test_code(), "HIV1_NAT");
  EXPECT_EQ(out.reasons(0).message(), "HIV-1 NAT: reactive");
  EXPECT_TRUE(out.reasons(0).disqualifying());
  EXPECT_FALSE(out.reasons(1).disqualifying());
  d.eligibility = Eligibility::kEligible;
  EXPECT_EQ(ToProto(d, donor).eligibility(), v1::ELIGIBILITY_ELIGIBLE);
  d.eligibility = Eligibility::kIncomplete;
  EXPECT_EQ(ToProto(d, donor).eligibility(), v1::ELIGIBILITY_INCOMPLETE);
}

TEST(EligibilityProto, TheOutcomeIsDescribedWithEveryReason) {
  v1::Determination d;
  d.set_eligibility(v1::ELIGIBILITY_ELIGIBLE);
  EXPECT_EQ(DescribeOutcome(d), "ELIGIBLE");
  v1::EligibilityReason* cmv = d.add_reasons();
  cmv->set_code(kCodeReactiveForInformation);
  cmv->set_test_code("CMV_AB");
  cmv->set_message("CMV antibody: reactive");
  EXPECT_EQ(DescribeOutcome(d),
            "ELIGIBLE: TEST_REACTIVE_FOR_INFORMATION CMV_AB (CMV antibody: "
            "reactive)");
  d.set_eligibility(v1::ELIGIBILITY_INELIGIBLE);
  v1::EligibilityReason* consent = d.add_reasons();
  consent->set_code(kCodeConsentWithdrawn);
  consent->set_message("the donor withdrew her consent");
  EXPECT_EQ(DescribeReasons(d),
            "TEST_REACTIVE_FOR_INFORMATION CMV_AB (CMV antibody: reactive); "
            "CONSENT_WITHDRAWN (the donor withdrew her consent)");
  EXPECT_EQ(DescribeOutcome(d), "INELIGIBLE: " + DescribeReasons(d));
}

}  // namespace
}  // namespace cellchain::donor
