// LabelsTest: the labels service over a real PostgreSQL, with the real
// custody and identity services behind it. dose and donor/manufacturing
// are represented by their ports: a dose and its patient are values kept
// by the dose bag's item id, each signed by a dose ledger as dose signs
// them (so that ledger::RequireAudited sees what it would in production);
// the cord's delivery and a vial's count are kept by item id. Users: tina
// (technician, prints and scans), tom (technician), quinn (QA).
//
// For labels_pg_test only. Thread-safety: as ServiceFixture.
#ifndef CELLCHAIN_SERVICES_LABELS_LABELS_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_LABELS_LABELS_TEST_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/common/testing/service_fixture.h"
#include "services/custody/custody.h"
#include "services/custody/custody_port.h"
#include "services/labels/labels.h"

namespace cellchain::labels {

inline constexpr char kTinaPassword[] = "labels every container";

// dose as labels sees it: doses by their bag's item id, patients by
// subject id.
class Doses final : public DosePort {
 public:
  absl::StatusOr<dose::v1::Dose> GetDoseOfItem(
      const std::string& item_id) override;
  absl::StatusOr<dose::v1::Patient> GetPatient(
      const std::string& subject_id) override;
  absl::flat_hash_map<std::string, dose::v1::Dose> doses;
  absl::flat_hash_map<std::string, dose::v1::Patient> patients;
};

// donor intake and manufacturing as labels sees them, by item id.
class Process final : public ProcessPort {
 public:
  absl::StatusOr<std::optional<absl::Time>> CollectedAt(
      const custody::v1::Item& item) override;
  absl::StatusOr<std::optional<CellCount>> VialCells(
      const custody::v1::Item& item) override;
  absl::flat_hash_map<std::string, absl::Time> collected;
  absl::flat_hash_map<std::string, CellCount> vials;
};

class LabelsTest : public testing::ServiceFixture {
 protected:
  void SetUp() override;

  // A dose bag in custody for `subject_id` (born 1958-03-21), from a new
  // product lot under a fresh DIN, and its dose as dose keeps it: 003
  // S1295 division A0, 005 a day from now, 040 of the patient.
  dose::v1::Dose DoseBag(const std::string& subject_id = "RH-017");
  // A DIN custody allocates (13 characters).
  std::string NewDin();
  // The dose (or its patient) changed as dose would record it.
  void Record(const dose::v1::Dose& dose);
  void Record(const dose::v1::Patient& patient);
  // An item of `type` registered under `din` (13 characters) with
  // `product_code` (003, or empty), derived from `parent_item_id` by
  // `kind`.
  std::string RegisterItem(custody::v1::ItemType type, const std::string& din,
                           const std::string& product_code,
                           const std::string& parent_item_id,
                           custody::v1::DerivationKind kind);

  // tina prints the item's first label on zebra-cleanroom-2.
  absl::StatusOr<v1::PrintLabelResponse> Print(const std::string& item_id);
  // tina reprints it after `job_id`, signing PERFORMED.
  v1::ReprintLabelRequest Reprint(const std::string& item_id,
                                  const std::string& job_id,
                                  const std::string& reason);
  // tina scans `scan` on the item.
  absl::StatusOr<v1::VerifyLabelScanResponse> Scan(const std::string& item_id,
                                                   const std::string& scan);
  // What a scanner sends reading the label's linear codes left to right.
  static std::string LinearScan(const v1::Label& label);
  absl::StatusOr<v1::ReconcileLabelsResponse> ReconcileItem(
      const std::string& item_id);
  absl::StatusOr<v1::ReconcileLabelsResponse> ReconcileDin(
      const std::string& din);

  using ServiceFixture::ExpectEverySnapshotMatchesItsRow;
  void ExpectEverySnapshotMatchesItsRow() {
    ExpectEverySnapshotMatchesItsRow("labels");
  }

  std::unique_ptr<pg::Pool> pool_, custody_pool_, dose_pool_;
  std::unique_ptr<ledger::Ledger> ledger_, custody_ledger_, dose_ledger_;
  std::unique_ptr<custody::Custody> custody_;
  std::unique_ptr<custody::DirectCustody> items_;
  Doses doses_;
  Process process_;
  std::unique_ptr<Labels> labels_;
  auth::Principal tina_, tom_, qa_;
  int patients_ = 0;
  // The donor lot DoseBag's product lot was harvested from, last made.
  std::string donor_lot_;
};

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_LABELS_TEST_FIXTURE_H_
