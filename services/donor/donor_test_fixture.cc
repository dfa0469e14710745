#include "services/donor/donor_test_fixture.h"

#include <google/protobuf/util/time_util.h>

#include <utility>

#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::donor {

using testing::kQaPassword;

void DonorTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  // The deployment of the reproduction, where one person may hold
  // technician and qa: segregation of duties must hold per signature.
  StartIdentity(SigningIdentityOptions());
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("donor"));
  CC_ASSERT_OK_AND_ASSIGN(custody_pool_, ServicePool("custody"));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("donor"));
  CC_ASSERT_OK_AND_ASSIGN(custody_ledger_, ServiceLedger("custody"));
  custody_ = std::make_unique<custody::Custody>(
      custody_pool_.get(), custody_ledger_.get(), identity_.get(),
      ledger::RealClock());
  port_ = std::make_unique<custody::DirectCustody>(custody_.get());
  CC_ASSERT_OK_AND_ASSIGN(std::string key,
                          crypto::RandomBytes(crypto::kAes256KeySize));
  CC_ASSERT_OK_AND_ASSIGN(cipher_,
                          crypto::FieldCipher::Create({{"t1", key}}, "t1"));
  CC_ASSERT_OK(Donors::RegisterStateReaders(registry_));
  donors_ = std::make_unique<Donors>(pool_.get(), ledger_.get(), &*cipher_,
                                     identity_.get(), port_.get());
  qa_ = MakeQa();
}

google::protobuf::Timestamp DonorTest::Ago(absl::Duration d) {
  return At(absl::Now() - d);
}

common::v1::ESignature DonorTest::Approve() {
  return Sig(kQaPassword, common::v1::SIGNATURE_MEANING_APPROVED);
}

absl::StatusOr<v1::Donor> DonorTest::Register(bool identifying) {
  v1::RegisterDonorRequest request;
  *request.mutable_context() = Ctx();
  if (identifying) {
    request.mutable_identifying()->set_name(kName);
    request.mutable_identifying()->set_date_of_birth("1991-04-17");
    request.mutable_identifying()->set_medical_record_number(kMrn);
  }
  CC_ASSIGN_OR_RETURN(v1::RegisterDonorResponse r,
                      donors_->RegisterDonor(tech_, request));
  return r.donor();
}

absl::Status DonorTest::Consent(const std::string& code) {
  v1::RecordConsentRequest request;
  *request.mutable_context() = Ctx();
  request.set_donor_code(code);
  request.set_form_version("UC-ICF v3.2");
  *request.mutable_consented_at() = Ago(absl::Hours(24 * 20));
  request.set_taken_by("Dr. Ines Obregon");
  request.set_witness("Nurse Paul Kim");
  return donors_->RecordConsent(tech_, request).status();
}

absl::Status DonorTest::Screen(const std::string& code, const std::string& test,
                               v1::ScreeningResult result,
                               absl::Duration drawn_ago) {
  v1::RecordScreeningRequest request;
  *request.mutable_context() = Ctx();
  request.set_donor_code(code);
  request.set_test_code(test);
  request.set_method("CLIA chemiluminescence");
  request.set_kit_lot("KIT-" + test);
  *request.mutable_specimen_drawn_at() = Ago(drawn_ago);
  request.set_result(result);
  return donors_->RecordScreening(analyst_, request).status();
}

absl::Status DonorTest::ScreenAll(const std::string& code,
                                  const std::string& skip) {
  for (const PanelTest& test : DefaultPanel().tests) {
    if (test.code == skip) continue;
    CC_RETURN_IF_ERROR(
        Screen(code, test.code, v1::SCREENING_RESULT_NON_REACTIVE));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::DetermineEligibilityResponse> DonorTest::Determine(
    const std::string& code) {
  v1::DetermineEligibilityRequest request;
  *request.mutable_context() = Ctx();
  request.set_donor_code(code);
  *request.mutable_signature() = Approve();
  return donors_->DetermineEligibility(qa_, request);
}

v1::ReceiveCordRequest DonorTest::Receipt(const std::string& code) {
  v1::ReceiveCordRequest request;
  *request.mutable_context() = Ctx();
  request.set_donor_code(code);
  *request.mutable_delivered_at() = birth_;
  *request.mutable_collected_at() = Ago(absl::Hours(71));
  *request.mutable_received_at() = Ago(absl::Hours(66));
  request.set_transport_min_celsius(3.5);
  request.set_transport_max_celsius(6.0);
  request.set_tissue_weight_grams(42.5);
  return request;
}

absl::StatusOr<v1::DonorLot> DonorTest::Receive(const std::string& code) {
  CC_ASSIGN_OR_RETURN(v1::ReceiveCordResponse r,
                      donors_->ReceiveCord(tech_, Receipt(code)));
  return r.lot();
}

absl::StatusOr<v1::DonorLot> DonorTest::Release(const std::string& lot_id) {
  v1::ReleaseLotRequest request;
  *request.mutable_context() = Ctx();
  request.set_lot_id(lot_id);
  *request.mutable_signature() = Approve();
  CC_ASSIGN_OR_RETURN(v1::ReleaseLotResponse r,
                      donors_->ReleaseLot(qa_, request));
  return r.lot();
}

absl::StatusOr<DonorTest::Ready> DonorTest::MakeReady() {
  Ready ready;
  CC_ASSIGN_OR_RETURN(ready.donor, Register());
  CC_RETURN_IF_ERROR(Consent(ready.donor.donor_code()));
  CC_RETURN_IF_ERROR(ScreenAll(ready.donor.donor_code()));
  CC_ASSIGN_OR_RETURN(ready.lot, Receive(ready.donor.donor_code()));
  return ready;
}

custody::v1::Item DonorTest::Item(const std::string& item_id) {
  custody::v1::GetItemRequest request;
  request.set_item_id(item_id);
  auto item = custody_->GetItem(request);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item() : custody::v1::Item();
}

}  // namespace cellchain::donor
