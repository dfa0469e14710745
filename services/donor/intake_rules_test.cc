// The donor service's rules over what is stored, without a database: each
// reason a lot's release is refused for, in the order QA meets them, the
// deviations a receipt records, and the consent and delivery a receipt
// needs. Durations and temperatures are computed by hand.
#include "services/donor/intake_rules.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/donor/reasons.h"

namespace cellchain::donor {
namespace {

constexpr int64_t kHour0 = 1735689600;  // 2025-01-01T00:00:00Z

google::protobuf::Timestamp Hour(int h, int minutes = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(kHour0 + int64_t{h} * 3600 + int64_t{minutes} * 60);
  return t;
}

v1::Donor Donor(v1::ConsentStatus consent = v1::CONSENT_STATUS_GIVEN) {
  v1::Donor donor;
  donor.set_donor_code("DNR-0123456789");
  donor.set_consent_status(consent);
  donor.set_revision(7);
  return donor;
}

TEST(IntakeRules, WithdrawnConsentRefusesWithWhatItStops) {
  EXPECT_TRUE(RequireConsentStands(Donor()).ok());
  EXPECT_TRUE(RequireConsentStands(Donor(v1::CONSENT_STATUS_NONE)).ok());
  absl::Status refused = RequireConsentStands(
      Donor(v1::CONSENT_STATUS_WITHDRAWN), ": no cord is received from her");
  EXPECT_EQ(ReasonOf(refused), kReasonConsentWithdrawn);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            "donor DNR-0123456789 withdrew her consent: no cord is received "
            "from her");
}

TEST(IntakeRules, TheFirstCordRecordsTheDeliveryAndASecondRepeatsIt) {
  v1::Donor donor = Donor();
  EXPECT_TRUE(*DeliveryToRecord(donor, Hour(0)));
  *donor.mutable_delivered_at() = Hour(0);
  EXPECT_FALSE(*DeliveryToRecord(donor, Hour(0)));
  absl::StatusOr<bool> other = DeliveryToRecord(donor, Hour(1));
  EXPECT_EQ(ReasonOf(other.status()), kReasonDeliveryMismatch);
  EXPECT_EQ(other.status().message(),
            "donor DNR-0123456789 delivered at 2025-01-01T00:00:00Z, not "
            "2025-01-01T01:00:00Z");
}

v1::ReceiveCordRequest Receipt(int received_h, int received_min, double min_c,
                               double max_c) {
  v1::ReceiveCordRequest request;
  *request.mutable_delivered_at() = Hour(0);
  *request.mutable_collected_at() = Hour(0);
  *request.mutable_received_at() = Hour(received_h, received_min);
  request.set_transport_min_celsius(min_c);
  request.set_transport_max_celsius(max_c);
  return request;
}

TEST(IntakeRules, AReceiptWithinTheLimitsRecordsNoDeviation) {
  // 48 h exactly is within a 48 h limit; 2.0 and 8.0 °C are within 2–8 °C.
  EXPECT_TRUE(DeviationsAtReceipt(Receipt(48, 0, 2.0, 8.0), {}).empty());
}

TEST(IntakeRules, ALateOrWarmReceiptRecordsEachDeviationInOrder) {
  std::vector<FoundDeviation> found =
      DeviationsAtReceipt(Receipt(48, 1, 1.5, 8.0), {});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].kind, v1::DEVIATION_KIND_COLLECTION_TO_PROCESSING_TIME);
  EXPECT_EQ(found[0].description,
            "collection to processing 48 h 01 min, limit 48 h 00 min");
  EXPECT_EQ(found[1].kind, v1::DEVIATION_KIND_TRANSPORT_TEMPERATURE);
  EXPECT_EQ(found[1].description,
            "transport 1.5 °C to 8.0 °C, range 2.0 °C to 8.0 °C");

  DonorOptions options;
  options.max_collection_to_processing = absl::Hours(72);
  options.transport_max_celsius = 10;
  found = DeviationsAtReceipt(Receipt(50, 0, 4.0, 9.5), options);
  EXPECT_TRUE(found.empty());
  found = DeviationsAtReceipt(Receipt(1, 30, 4.0, 10.5), options);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].description,
            "transport 4.0 °C to 10.5 °C, range 2.0 °C to 10.0 °C");
}

TEST(IntakeRules, ADiscardedLotIsNotDiscardedAgain) {
  v1::DonorLot lot;
  lot.set_lot_id("lot_1");
  lot.set_state(v1::LOT_STATE_AVAILABLE);
  EXPECT_TRUE(CheckDiscard(lot).ok());
  lot.set_state(v1::LOT_STATE_DISCARDED);
  EXPECT_EQ(ReasonOf(CheckDiscard(lot)), kReasonLotState);
  EXPECT_EQ(CheckDiscard(lot).message(), "lot lot_1 was discarded already");
}

// A lot in quarantine, its donor's consent standing, an ELIGIBLE
// determination of her current revision, one deviation assessed
// ACCEPTABLE, its item not on hold: released.
struct Release {
  v1::DonorLot lot;
  v1::Donor donor = Donor();
  v1::Determination determination;
  bool determined = true;
  bool on_hold = false;

  Release() {
    lot.set_lot_id("lot_1");
    lot.set_donor_code(donor.donor_code());
    lot.set_item_id("itm_1");
    lot.set_state(v1::LOT_STATE_QUARANTINE);
    v1::Deviation* deviation = lot.add_deviations();
    deviation->set_deviation_id("dev_1");
    deviation->set_description("transport 1.5 °C to 8.0 °C");
    deviation->set_status(v1::DEVIATION_STATUS_ACCEPTABLE);
    determination.set_determination_id("elg_1");
    determination.set_eligibility(v1::ELIGIBILITY_ELIGIBLE);
    determination.set_donor_revision(donor.revision());
  }

  absl::Status Check() const {
    return CheckRelease({.lot = lot,
                         .donor = donor,
                         .latest = determined ? &determination : nullptr,
                         .item_on_hold = on_hold});
  }
};

TEST(IntakeRules, ALotIsReleasedWhenEveryRuleHolds) {
  EXPECT_TRUE(Release().Check().ok());
}

TEST(IntakeRules, EachRuleOfARelease) {
  Release r;
  r.lot.set_state(v1::LOT_STATE_AVAILABLE);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonLotState);
  EXPECT_EQ(r.Check().message(),
            "lot lot_1 is LOT_STATE_AVAILABLE, not in quarantine");

  r = Release();
  r.donor.set_consent_status(v1::CONSENT_STATUS_WITHDRAWN);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonConsentWithdrawn);

  r = Release();
  r.determined = false;
  EXPECT_EQ(ReasonOf(r.Check()), kReasonNotDetermined);

  r = Release();
  r.determination.set_donor_revision(6);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonDeterminationStale);
  EXPECT_EQ(r.Check().message(),
            "donor DNR-0123456789's data changed after the determination "
            "elg_1: determine eligibility again");

  r = Release();
  r.lot.mutable_deviations(0)->set_status(v1::DEVIATION_STATUS_OPEN);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonDeviationOpen);
  EXPECT_EQ(r.Check().message(),
            "deviation dev_1 (transport 1.5 °C to 8.0 °C) awaits QA's "
            "assessment");

  r = Release();
  r.lot.mutable_deviations(0)->set_status(v1::DEVIATION_STATUS_NOT_ACCEPTABLE);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonDeviationNotAcceptable);

  r = Release();
  r.on_hold = true;
  EXPECT_EQ(ReasonOf(r.Check()), kReasonLotOnHold);
  EXPECT_EQ(r.Check().message(), "the lot's custody item itm_1 is on hold");
}

TEST(IntakeRules, AnIneligibleDonorsReasonsAreListedButTheWindowNotes) {
  Release r;
  r.determination.set_eligibility(v1::ELIGIBILITY_INELIGIBLE);
  auto add = [&](const char* code, const char* test) {
    v1::EligibilityReason* reason = r.determination.add_reasons();
    reason->set_code(code);
    reason->set_test_code(test);
  };
  add(kCodeSpecimenOutOfWindow, "HIV1_NAT");
  add(kCodeTestReactive, "HIV1_NAT");
  add(kCodeConsentMissing, "");
  absl::Status refused = r.Check();
  EXPECT_EQ(ReasonOf(refused), kReasonNotEligible);
  EXPECT_EQ(refused.message(),
            "donor DNR-0123456789 was determined INELIGIBLE (TEST_REACTIVE "
            "HIV1_NAT, CONSENT_MISSING)");
}

TEST(IntakeRules, TheRulesAreCheckedInOrder) {
  // Everything wrong at once: the lot's state is named first, then consent,
  // and so on down the list.
  Release r;
  r.on_hold = true;
  r.lot.mutable_deviations(0)->set_status(v1::DEVIATION_STATUS_OPEN);
  r.determination.set_donor_revision(1);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonDeterminationStale);
  r.determination.set_eligibility(v1::ELIGIBILITY_INCOMPLETE);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonNotEligible);
  r.determined = false;
  EXPECT_EQ(ReasonOf(r.Check()), kReasonNotDetermined);
  r.donor.set_consent_status(v1::CONSENT_STATUS_WITHDRAWN);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonConsentWithdrawn);
  r.lot.set_state(v1::LOT_STATE_DISCARDED);
  EXPECT_EQ(ReasonOf(r.Check()), kReasonLotState);
}

TEST(IntakeRules, EligibilityWordsAreTheEnumsNamesWithoutPrefix) {
  EXPECT_STREQ(EligibilityWord(v1::ELIGIBILITY_ELIGIBLE), "ELIGIBLE");
  EXPECT_STREQ(EligibilityWord(v1::ELIGIBILITY_INELIGIBLE), "INELIGIBLE");
  EXPECT_STREQ(EligibilityWord(v1::ELIGIBILITY_INCOMPLETE), "INCOMPLETE");
  EXPECT_STREQ(EligibilityWord(v1::ELIGIBILITY_UNSPECIFIED), "UNSPECIFIED");
}

}  // namespace
}  // namespace cellchain::donor
