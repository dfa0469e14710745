// DonorTest: the donor service over a real PostgreSQL, with the real custody
// and identity services behind it, the people of its tests (tina,
// technician; otto, QC analyst; quinn, QA with a password identity knows)
// and the requests they send, filled in as at a cord-blood bank: a donor
// registered, consent taken, the panel screened, the cord received,
// eligibility determined and the lot released under QA's signature.
//
// For donor_pg_test only. Thread-safety: as ServiceFixture; the request
// builders (Receipt) and donors_ may be used from several threads.
#ifndef CELLCHAIN_SERVICES_DONOR_DONOR_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_DONOR_DONOR_TEST_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/testing/service_fixture.h"
#include "services/custody/custody.h"
#include "services/custody/custody_port.h"
#include "services/donor/donor.h"

namespace cellchain::donor {

inline constexpr char kName[] = "Maria Fernandes-Ortega";
inline constexpr char kMrn[] = "MRN-4471923";

class DonorTest : public testing::ServiceFixture {
 protected:
  // Identity (one person may hold technician and qa), custody, a field
  // cipher with one fresh key, the donor service, and quinn (MakeQa).
  void SetUp() override;

  // `d` before now.
  static google::protobuf::Timestamp Ago(absl::Duration d);
  // quinn's signature, APPROVED.
  static common::v1::ESignature Approve();

  // Registered by tina; with the birth mother's name, date of birth and
  // medical record number when `identifying`.
  absl::StatusOr<v1::Donor> Register(bool identifying = false);
  // Consent to UC-ICF v3.2 taken 20 days ago.
  absl::Status Consent(const std::string& code);
  // `test` recorded by otto on a specimen drawn `drawn_ago`.
  absl::Status Screen(const std::string& code, const std::string& test,
                      v1::ScreeningResult result,
                      absl::Duration drawn_ago = absl::Hours(24 * 4));
  // Every test of the panel non-reactive, except `skip`.
  absl::Status ScreenAll(const std::string& code, const std::string& skip = "");
  // Signed by quinn.
  absl::StatusOr<v1::DetermineEligibilityResponse> Determine(
      const std::string& code);
  // A cord delivered at birth_, collected 71 h and received 66 h ago, kept
  // between 3.5 and 6 °C.
  v1::ReceiveCordRequest Receipt(const std::string& code);
  // Receipt, recorded by tina.
  absl::StatusOr<v1::DonorLot> Receive(const std::string& code);
  // Released by quinn.
  absl::StatusOr<v1::DonorLot> Release(const std::string& lot_id);

  // A donor with consent, a full non-reactive panel and a lot received.
  struct Ready {
    v1::Donor donor;
    v1::DonorLot lot;
  };
  absl::StatusOr<Ready> MakeReady();

  custody::v1::Item Item(const std::string& item_id);

  // The donor's records name a signature's meaning in full
  // (SIGNATURE_MEANING_APPROVED).
  std::vector<std::string> History(const std::string& type,
                                   const std::string& id) {
    return ServiceFixture::History(type, id, MeaningName::kProto);
  }
  using ServiceFixture::ExpectEverySnapshotMatchesItsRow;
  void ExpectEverySnapshotMatchesItsRow() {
    ExpectEverySnapshotMatchesItsRow("donor");
  }

  std::unique_ptr<pg::Pool> pool_, custody_pool_;
  std::unique_ptr<ledger::Ledger> ledger_, custody_ledger_;
  std::unique_ptr<custody::Custody> custody_;
  std::unique_ptr<custody::DirectCustody> port_;
  std::optional<crypto::FieldCipher> cipher_;
  std::unique_ptr<Donors> donors_;
  auth::Principal tech_ = Person("tina", common::v1::ROLE_TECHNICIAN);
  auth::Principal analyst_ = Person("otto", common::v1::ROLE_QC_ANALYST);
  auth::Principal qa_;
  // Three days ago: the specimens, drawn four days ago, are in window.
  google::protobuf::Timestamp birth_ = Ago(absl::Hours(72));
};

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_DONOR_TEST_FIXTURE_H_
