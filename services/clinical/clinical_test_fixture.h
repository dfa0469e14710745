// ClinicalTest: the clinical service over a real PostgreSQL, with the real
// custody and identity services behind it. dose and qc are represented by
// their ports: a dose, its patient and its QC lot are values whose every
// change is signed by a dose or qc ledger as those services sign them (so
// that ledger::RequireAudited sees what it would in production), over a
// real custody product lot and dose bag that the pharmacy (phil) has handed
// off to carl at the cath lab. The users: carl and cleo (clinicians), phil
// (pharmacist), tina (technician), quinn (QA); the requests they send,
// filled in as they would. For a lookback, lots can be manufactured from
// a chosen donor lot with chosen reagent lots, and several doses made from
// one lot.
//
// For clinical_pg_test only. Thread-safety: as ServiceFixture.
#ifndef CELLCHAIN_SERVICES_CLINICAL_CLINICAL_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_CLINICAL_CLINICAL_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/clinical/clinical.h"
#include "services/common/testing/service_fixture.h"
#include "services/custody/custody.h"
#include "services/custody/custody_port.h"
#include "services/dose/fake_lots.h"

namespace cellchain::clinical {

inline constexpr char kCarlPassword[] = "catheter in place";
inline constexpr char kCleoPassword[] = "cares for patients";
inline constexpr char kPhilPassword[] = "releases with care";

// dose as clinical sees it: doses and patients by id.
class Doses final : public DosePort {
 public:
  absl::StatusOr<dose::v1::Dose> GetDose(const std::string& dose_id) override;
  absl::StatusOr<dose::v1::Patient> GetPatient(
      const std::string& subject_id) override;
  absl::flat_hash_map<std::string, dose::v1::Dose> doses;
  absl::flat_hash_map<std::string, dose::v1::Patient> patients;
};

// A product lot in custody and its QC lot, released as qc records it.
struct TestLot {
  std::string qc_lot_id;
  std::string product_item_id;
  std::string din;
};

class ClinicalTest : public testing::ServiceFixture {
 protected:
  void SetUp() override;

  // A donor lot of umbilical cord tissue in custody (its item id).
  std::string DonorLot();
  // A reagent lot in custody (its item id), e.g. "trypsin-EDTA 0.05 %".
  std::string ReagentLot(const std::string& name);
  // A product lot manufactured from `donor_lot` as custody records it — the
  // cord processed into a culture vessel that consumed `reagent_lots`
  // (MATERIAL), harvested under a fresh DIN — and its QC lot, RELEASED.
  TestLot ManufacturedLot(const std::string& donor_lot,
                          const std::vector<std::string>& reagent_lots);
  // The QC lot of a product lot in custody, RELEASED as qc records it.
  TestLot ReleasedLot(const std::string& product_item_id,
                      const std::string& din);
  // A dose of `lot` for a new patient `subject_id`, as IssuedDose(subject)
  // makes one (each dose of a lot its own division).
  dose::v1::Dose IssuedDose(const std::string& subject_id, const TestLot& lot);

  // A patient (date of birth 1958-03-21, initials JD) and a dose for them
  // from a new released lot, released by phil and issued to carl at the
  // cath lab (a custody handoff, open), expiring 6 h from now (to the
  // minute).
  dose::v1::Dose IssuedDose(const std::string& subject_id = "RH-017");
  // The dose (or its lot) changed as dose (or qc) would record it.
  void Record(const dose::v1::Dose& dose);
  void Record(const qc::v1::Lot& lot);
  // QA rejects the dose's lot: the product lot is recalled in custody (its
  // dose bags held), the lot REJECTED, as qc does.
  void RejectLot(const dose::v1::Dose& dose);

  // What a scanner reads from the dose bag's label: 001, 003, 005, 040.
  static std::string Label(const dose::v1::Dose& dose);
  // The wristband of the dose's patient, read as it is.
  v1::Wristband Wristband(const dose::v1::Dose& dose);

  // carl's receipt of `dose` by scanning its label.
  absl::StatusOr<v1::ReceiveDoseResponse> Receive(const dose::v1::Dose& dose);
  // carl's and cleo's bedside verification of `infusion`, both scanning
  // `dose`'s label and its patient's wristband.
  v1::VerifyAtBedsideRequest Bedside(const v1::Infusion& infusion,
                                     const dose::v1::Dose& dose);
  absl::StatusOr<v1::VerifyAtBedsideResponse> VerifyAs(
      const v1::VerifyAtBedsideRequest& request);

  custody::v1::Item Item(const std::string& item_id);

  using ServiceFixture::ExpectEverySnapshotMatchesItsRow;
  void ExpectEverySnapshotMatchesItsRow() {
    ExpectEverySnapshotMatchesItsRow("clinical");
  }

  std::unique_ptr<pg::Pool> pool_, custody_pool_, dose_pool_, qc_pool_;
  std::unique_ptr<ledger::Ledger> ledger_, custody_ledger_, dose_ledger_,
      qc_ledger_;
  std::unique_ptr<custody::Custody> custody_;
  std::unique_ptr<custody::DirectCustody> items_;
  Doses doses_;
  dose::FakeLots lots_;  // qc as clinical sees it
  std::unique_ptr<Clinical> clinical_;
  auth::Principal carl_, cleo_, phil_, tina_, qa_;
  std::string pharmacy_, cath_lab_;
  int patients_ = 0;
  // Doses made of each QC lot so far: the next one's division.
  absl::flat_hash_map<std::string, int> doses_of_lot_;
};

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_CLINICAL_TEST_FIXTURE_H_
