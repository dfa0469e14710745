// The checks of a donor service request's values, as the person at the
// bench would meet them: each refusal names the field to correct, and the
// times are judged against the service's clock, not the machine's.
#include "services/donor/intake_values.h"

#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/donor/reasons.h"

namespace cellchain::donor {
namespace {

// The service's clock in these tests: 2025-06-15 12:00 UTC.
const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2025, 6, 15, 12, 0, 0), absl::UTCTimeZone());

google::protobuf::Timestamp At(absl::Duration from_now) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(kNow + from_now));
  return t;
}

TEST(IntakeValues, ADonorCodeIsDnrAndTenCharacters) {
  EXPECT_EQ(FieldOf(RequireDonorCode("")), "donor_code");
  EXPECT_EQ(FieldOf(RequireDonorCode("DNR-12345")), "donor_code");
  EXPECT_EQ(FieldOf(RequireDonorCode("XYZ-0123456789")), "donor_code");
  EXPECT_TRUE(RequireDonorCode("DNR-0123456789").ok());
}

TEST(IntakeValues, ANewDonorCodeTakesFiveBitsOfEachByteInCrockfordBase32) {
  // 0 -> 0, 1 -> 1, 31 -> Z, 32 -> 0, 33 -> 1, 255 -> Z, 10 -> A, 18 -> J
  // (no I), 20 -> M (no L), 22 -> P (no O).
  const std::string bytes = {0, 1, 31, 32, 33, '\xff', 10, 18, 20, 22};
  EXPECT_EQ(DonorCodeFrom(bytes), "DNR-01Z01ZAJMP");
  EXPECT_TRUE(RequireDonorCode(DonorCodeFrom(bytes)).ok());
}

TEST(IntakeValues, IdentifyingDataIsSealedForItsDonorAndField) {
  EXPECT_EQ(IdentifyingContext("DNR-0123456789", "date_of_birth"),
            "donor/DNR-0123456789/date_of_birth");
}

TEST(IntakeValues, ADateOfBirthIsADayFrom1900ToTheClocksToday) {
  v1::IdentifyingData data;
  data.set_date_of_birth("2025-06-15");
  EXPECT_TRUE(CheckIdentifying(data, kNow).ok());
  data.set_date_of_birth("1900-01-01");
  EXPECT_TRUE(CheckIdentifying(data, kNow).ok());
  for (const char* refused : {"2025-06-16", "1899-12-31"}) {
    data.set_date_of_birth(refused);
    absl::Status status = CheckIdentifying(data, kNow);
    EXPECT_EQ(FieldOf(status), "identifying.date_of_birth") << refused;
    EXPECT_NE(status.message().find("not a plausible date of birth"),
              absl::string_view::npos)
        << status;
  }
  for (const char* malformed : {"2025-6-1", "2025-02-30", "15.06.2025"}) {
    data.set_date_of_birth(malformed);
    EXPECT_EQ(CheckIdentifying(data, kNow).message(),
              "identifying.date_of_birth: YYYY-MM-DD")
        << malformed;
  }
  // Tomorrow's date is refused today and accepted tomorrow: the decision
  // is the clock's.
  data.set_date_of_birth("2025-06-16");
  EXPECT_TRUE(CheckIdentifying(data, kNow + absl::Hours(24)).ok());
}

TEST(IntakeValues, IdentifyingTextHasItsLimits) {
  v1::IdentifyingData data;
  data.set_name(std::string(200, 'n'));
  data.set_medical_record_number(std::string(64, 'm'));
  EXPECT_TRUE(CheckIdentifying(data, kNow).ok());
  data.set_name(std::string(201, 'n'));
  EXPECT_EQ(FieldOf(CheckIdentifying(data, kNow)), "identifying.name");
  data.set_name("");
  data.set_medical_record_number(std::string(65, 'm'));
  EXPECT_EQ(FieldOf(CheckIdentifying(data, kNow)),
            "identifying.medical_record_number");
}

TEST(IntakeValues, IdentifyingTextGivenIsNotBlank) {
  // Found by hostile_input_e2e_test: blanks were sealed and the part shown
  // as recorded.
  v1::IdentifyingData data;
  data.set_name("   ");
  absl::Status status = CheckIdentifying(data, kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "identifying.name");
  data.set_name("O'Brien, Siobhan");
  data.set_medical_record_number("\t ");
  EXPECT_EQ(FieldOf(CheckIdentifying(data, kNow)),
            "identifying.medical_record_number");
  data.set_medical_record_number(" MRN 0042 ");
  EXPECT_TRUE(CheckIdentifying(data, kNow).ok());
}

TEST(IntakeValues, ARegistrationsDeliveryIsNotAfterTheClock) {
  v1::RegisterDonorRequest request;
  EXPECT_TRUE(CheckRegistration(request, kNow).ok());
  *request.mutable_delivered_at() = At(absl::Hours(1));
  EXPECT_EQ(FieldOf(CheckRegistration(request, kNow)), "delivered_at");
  EXPECT_TRUE(CheckRegistration(request, kNow + absl::Hours(1)).ok());
}

v1::RecordConsentRequest Consent() {
  v1::RecordConsentRequest request;
  request.set_donor_code("DNR-0123456789");
  request.set_form_version("ICF-3");
  *request.mutable_consented_at() = At(-absl::Hours(2));
  request.set_taken_by("Nurse Nell");
  request.set_witness("Midwife Mo");
  return request;
}

TEST(IntakeValues, AConsentIsWitnessedBySomeoneElse) {
  EXPECT_TRUE(CheckConsent(Consent(), kNow).ok());
  v1::RecordConsentRequest request = Consent();
  request.set_witness("  nurse NELL ");
  EXPECT_EQ(FieldOf(CheckConsent(request, kNow)), "witness");
  request = Consent();
  request.clear_consented_at();
  EXPECT_EQ(FieldOf(CheckConsent(request, kNow)), "consented_at");
  request = Consent();
  request.set_form_version(std::string(65, 'v'));
  EXPECT_EQ(FieldOf(CheckConsent(request, kNow)), "form_version");
  request = Consent();
  request.set_taken_by(" ");
  EXPECT_EQ(FieldOf(CheckConsent(request, kNow)), "taken_by");
}

TEST(IntakeValues, AWithdrawalGivesItsReason) {
  v1::WithdrawConsentRequest request;
  request.set_donor_code("DNR-0123456789");
  EXPECT_EQ(FieldOf(CheckWithdrawal(request, kNow)), "context.reason");
  request.mutable_context()->set_reason("she asked");
  EXPECT_TRUE(CheckWithdrawal(request, kNow).ok());
  *request.mutable_withdrawn_at() = At(absl::Hours(1));
  EXPECT_EQ(FieldOf(CheckWithdrawal(request, kNow)), "withdrawn_at");
}

v1::RecordScreeningRequest Screening() {
  v1::RecordScreeningRequest request;
  request.set_donor_code("DNR-0123456789");
  request.set_test_code("HIV1_NAT");
  request.set_method("NAT");
  request.set_kit_lot("KIT-7");
  *request.mutable_specimen_drawn_at() = At(-absl::Hours(30));
  request.set_result(v1::SCREENING_RESULT_NON_REACTIVE);
  return request;
}

TEST(IntakeValues, AScreeningIsATestOfThePanelWithAResult) {
  Panel panel;
  panel.tests = {{"HIV1_NAT", "HIV-1 NAT"}, {"HBSAG", "HBsAg"}};
  EXPECT_TRUE(CheckScreening(Screening(), panel, kNow).ok());
  v1::RecordScreeningRequest request = Screening();
  request.set_test_code("HIV_RAPID");
  absl::Status status = CheckScreening(request, panel, kNow);
  EXPECT_EQ(FieldOf(status), "test_code");
  EXPECT_EQ(ReasonOf(status), kReasonTestNotInPanel);
  EXPECT_EQ(status.message(),
            "test_code: \"HIV_RAPID\" is not a test of the panel (HIV1_NAT, "
            "HBSAG)");
  request = Screening();
  request.set_result(v1::SCREENING_RESULT_UNSPECIFIED);
  EXPECT_EQ(FieldOf(CheckScreening(request, panel, kNow)), "result");
  request = Screening();
  request.set_kit_lot(std::string(65, 'k'));
  EXPECT_EQ(FieldOf(CheckScreening(request, panel, kNow)), "kit_lot");
}

v1::ReceiveCordRequest Receipt() {
  v1::ReceiveCordRequest request;
  request.set_donor_code("DNR-0123456789");
  *request.mutable_delivered_at() = At(-absl::Hours(30));
  *request.mutable_collected_at() = At(-absl::Hours(29));
  *request.mutable_received_at() = At(-absl::Hours(1));
  request.set_transport_min_celsius(3.5);
  request.set_transport_max_celsius(6.0);
  request.set_tissue_weight_grams(42.5);
  return request;
}

TEST(IntakeValues, AReceiptsTimesFollowEachOther) {
  EXPECT_TRUE(CheckReceipt(Receipt(), kNow).ok());
  v1::ReceiveCordRequest request = Receipt();
  *request.mutable_collected_at() = At(-absl::Hours(31));
  EXPECT_EQ(FieldOf(CheckReceipt(request, kNow)), "collected_at");
  request = Receipt();
  *request.mutable_received_at() = At(-absl::Hours(29) - absl::Seconds(1));
  EXPECT_EQ(FieldOf(CheckReceipt(request, kNow)), "received_at");
  request = Receipt();
  *request.mutable_received_at() = At(absl::Minutes(6));
  EXPECT_EQ(CheckReceipt(request, kNow).message(),
            "received_at: lies in the future");
  // Five minutes of clock difference are allowed.
  *request.mutable_received_at() = At(absl::Minutes(5));
  EXPECT_TRUE(CheckReceipt(request, kNow).ok());
}

TEST(IntakeValues, AReceiptsReadingsAndWeightArePlausible) {
  v1::ReceiveCordRequest request = Receipt();
  request.set_transport_max_celsius(60.5);
  EXPECT_EQ(FieldOf(CheckReceipt(request, kNow)), "transport_max_celsius");
  request = Receipt();
  request.set_transport_min_celsius(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(FieldOf(CheckReceipt(request, kNow)), "transport_min_celsius");
  request = Receipt();
  request.set_transport_min_celsius(7);
  request.set_transport_max_celsius(6);
  EXPECT_EQ(CheckReceipt(request, kNow).message(),
            "transport_min_celsius: greater than transport_max_celsius");
  request = Receipt();
  request.set_transport_min_celsius(-90);
  request.set_transport_max_celsius(60);
  request.set_tissue_weight_grams(2000);
  EXPECT_TRUE(CheckReceipt(request, kNow).ok());
  for (double grams : {0.0, -1.0, 2000.5}) {
    request.set_tissue_weight_grams(grams);
    EXPECT_EQ(FieldOf(CheckReceipt(request, kNow)), "tissue_weight_grams")
        << grams;
  }
}

TEST(IntakeValues, AnAssessmentDecidesAcceptableOrNot) {
  v1::AssessDeviationRequest request;
  EXPECT_EQ(FieldOf(CheckAssessment(request)), "deviation_id");
  request.set_deviation_id("dev_1");
  request.set_decision(v1::DEVIATION_STATUS_OPEN);
  EXPECT_EQ(FieldOf(CheckAssessment(request)), "decision");
  request.set_decision(v1::DEVIATION_STATUS_NOT_ACCEPTABLE);
  EXPECT_EQ(FieldOf(CheckAssessment(request)), "assessment");
  request.set_assessment("logger fault, tissue cold throughout");
  EXPECT_TRUE(CheckAssessment(request).ok());
}

TEST(IntakeValues, ADinIsTakenInEveryFormAPersonOrScannerGives) {
  EXPECT_EQ(*NormalizeDin("G123417654321"), "G123417654321");
  EXPECT_EQ(*NormalizeDin("=G12341765432170"), "G123417654321");
  EXPECT_EQ(*NormalizeDin("A9998 18 123456 N"), "A999818123456");
  EXPECT_EQ(*NormalizeDin("a9998 18 123456 n"), "A999818123456");
  EXPECT_EQ(FieldOf(NormalizeDin("not a din").status()), "din");
  // A typo is caught by the check character.
  EXPECT_EQ(FieldOf(NormalizeDin("A9998 18 123465 N").status()),
            "din.check_character");
}

TEST(IntakeValues, AListingsFiltersAreCheckedAndItsDinNormalized) {
  v1::ListLotsRequest request;
  absl::StatusOr<LotQuery> query = CheckListLots(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->page_size, kDefaultPageSize);
  EXPECT_FALSE(query->received_from.has_value());
  EXPECT_FALSE(query->after_received_at.has_value());

  request.set_state(v1::LOT_STATE_AVAILABLE);
  request.set_din("A9998 18 123456 N");
  request.set_donor_code("DNR-0123456789");
  *request.mutable_received_from() = At(-absl::Hours(2));
  *request.mutable_received_to() = At(absl::ZeroDuration());
  request.mutable_page()->set_page_size(500);
  query = CheckListLots(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->state, v1::LOT_STATE_AVAILABLE);
  EXPECT_EQ(query->din, "A999818123456");
  EXPECT_EQ(query->donor_code, "DNR-0123456789");
  EXPECT_EQ(*query->received_from, absl::ToUnixMicros(kNow - absl::Hours(2)));
  EXPECT_EQ(*query->received_to, absl::ToUnixMicros(kNow));
  EXPECT_EQ(query->page_size, 500);

  v1::ListLotsRequest bad = request;
  bad.set_state(static_cast<v1::LotState>(9));
  EXPECT_EQ(FieldOf(CheckListLots(bad).status()), "state");
  bad = request;
  bad.mutable_page()->set_page_size(501);
  EXPECT_EQ(FieldOf(CheckListLots(bad).status()), "page.page_size");
  bad = request;
  *bad.mutable_received_to() = bad.received_from();
  EXPECT_EQ(FieldOf(CheckListLots(bad).status()), "received_to");
  bad = request;
  bad.set_donor_code("DNR-1");
  EXPECT_EQ(FieldOf(CheckListLots(bad).status()), "donor_code");
}

TEST(IntakeValues, APageTokenIsTheLastLotsReceiptAndId) {
  v1::DonorLot last;
  last.set_lot_id("lot_01J0");
  *last.mutable_received_at() = At(-absl::Hours(1));
  std::string token = NextLotPageToken(last);
  EXPECT_EQ(token, absl::StrCat(absl::ToUnixMicros(kNow - absl::Hours(1)),
                                ".lot_01J0"));
  v1::ListLotsRequest request;
  request.mutable_page()->set_page_token(token);
  absl::StatusOr<LotQuery> query = CheckListLots(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(*query->after_received_at,
            absl::ToUnixMicros(kNow - absl::Hours(1)));
  EXPECT_EQ(query->after_lot_id, "lot_01J0");
  for (const char* forged : {"12.dev_1", "x.lot_1", "123"}) {
    request.mutable_page()->set_page_token(forged);
    EXPECT_EQ(FieldOf(CheckListLots(request).status()), "page.page_token")
        << forged;
  }
}

}  // namespace
}  // namespace cellchain::donor
