// DoseTest: the dose service over a real PostgreSQL, with the real custody
// and identity services behind it. qc and manufacturing are represented by
// their ports: a QC lot here is a value whose every change is signed by a
// qc ledger as qc signs it (so that ledger::RequireAudited sees what it
// would in production), over a real custody product lot; a heparin or
// saline lot is a value over a real custody reagent lot. The users: tina
// and tom (technicians), phil and paula (pharmacists), rita (technician
// and pharmacist), cleo (clinician), quinn (QA); the requests they send,
// filled in as they would.
//
// For dose_pg_test only. Thread-safety: as ServiceFixture.
#ifndef CELLCHAIN_SERVICES_DOSE_DOSE_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_DOSE_DOSE_TEST_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/common/crypto/aead.h"
#include "services/common/testing/service_fixture.h"
#include "services/custody/custody.h"
#include "services/custody/custody_port.h"
#include "services/dose/direct_ports.h"
#include "services/dose/dose.h"
#include "services/dose/fake_lots.h"

namespace cellchain::dose {

inline constexpr char kTinaPassword[] = "prepares every dose";
inline constexpr char kTomPassword[] = "checks every dose";
inline constexpr char kPhilPassword[] = "releases with care";
inline constexpr char kPaulaPassword[] = "witnesses it all";
inline constexpr char kRitaPassword[] = "wears two hats";

// manufacturing as dose sees it: material lots by id.
class Materials final : public MaterialPort {
 public:
  absl::StatusOr<manufacturing::v1::MaterialLot> GetMaterial(
      const std::string& id_or_code) override;
  absl::flat_hash_map<std::string, manufacturing::v1::MaterialLot> materials;
};

class DoseTest : public testing::ServiceFixture {
 protected:
  void SetUp() override;

  // A QC lot over a new custody product lot, in `state` (with `pending`
  // tests for a conditional release), signed as qc signs it.
  qc::v1::Lot MakeLot(qc::v1::LotState state = qc::v1::LOT_STATE_RELEASED,
                      const std::vector<std::string>& pending = {});
  // QA's disposition of the lot, as qc records it; a rejection recalls the
  // product lot in custody first, as qc does.
  void Dispose(qc::v1::Lot& lot, qc::v1::LotState state);
  // A material lot of `kind` over a new custody reagent lot.
  manufacturing::v1::MaterialLot MakeMaterial(
      manufacturing::v1::MaterialKind kind,
      manufacturing::v1::MaterialStatus status =
          manufacturing::v1::MATERIAL_STATUS_RELEASED,
      const std::string& expires_on = "2099-12-31");

  // Registered by phil.
  absl::StatusOr<v1::Patient> Register(const std::string& subject_id,
                                       const std::string& name = "");
  // cleo's order for the patient, with the defaults.
  absl::StatusOr<v1::Order> MakeOrder(const std::string& subject_id);
  // tina's preparation of `order` from `lot` with a count of 2.0e6 cells/ml
  // at 90 % and the fixture's heparin and saline.
  v1::PrepareDoseRequest Preparation(const v1::Order& order,
                                     const qc::v1::Lot& lot);
  absl::StatusOr<v1::Dose> Prepare(const v1::Order& order,
                                   const qc::v1::Lot& lot);
  // tina's count: 5.0e5 cells/ml at 95 % (9.5e6 viable cells, -5 %) by
  // default.
  absl::StatusOr<v1::RecordPostPreparationCountResponse> CountDose(
      const v1::Dose& dose, double total_per_ml = 5.0e5, double viability = 95);
  // tom's verification (or `who`'s).
  absl::StatusOr<v1::Dose> Verify(const v1::Dose& dose,
                                  const auth::Principal* who = nullptr,
                                  const char* password = kTomPassword);
  // A patient, an order and a counted, verified dose from a released lot.
  v1::Dose VerifiedDose(const std::string& subject_id = "RH-017");

  // What a scanner reads from the dose bag's label: 001, 003, 005, 040.
  static std::string Label(const v1::Dose& dose);
  // phil's release of `dose` for its order, the label scanned and the
  // patient read as they are.
  v1::ReleaseDoseRequest Release(const v1::Dose& dose);
  absl::StatusOr<v1::ReleaseDoseResponse> ReleaseAs(
      const v1::ReleaseDoseRequest& request,
      const auth::Principal* who = nullptr,
      const char* password = kPhilPassword);

  // cleo accepts the bag of `dose` at the cath lab (the handoff
  // `issued_handoff_id`), scanning its label.
  absl::Status AcceptAtCathLab(const v1::Dose& dose,
                               const std::string& issued_handoff_id);
  // cleo hands the bag of `dose` back to phil: the handoff's id.
  absl::StatusOr<std::string> HandBackToPharmacy(const v1::Dose& dose);
  // phil's return of `dose` for `reason` over `handoff_id` (empty: the
  // service finds the bag's handoff back), its label scanned and its seal
  // intact.
  v1::ReturnDoseRequest Return(const v1::Dose& dose,
                               const std::string& handoff_id,
                               const std::string& reason);

  // phil's destruction of `dose` for `reason`, paula witnessing.
  v1::DestroyDoseRequest Destruction(
      const v1::Dose& dose,
      const std::string& reason = "dropped: bag punctured");

  custody::v1::Item Item(const std::string& item_id);
  int64_t DoseRecords();

  using ServiceFixture::ExpectEverySnapshotMatchesItsRow;
  void ExpectEverySnapshotMatchesItsRow() {
    ExpectEverySnapshotMatchesItsRow("dose");
  }

  std::unique_ptr<pg::Pool> pool_, custody_pool_, qc_pool_;
  std::unique_ptr<ledger::Ledger> ledger_, custody_ledger_, qc_ledger_;
  std::unique_ptr<custody::Custody> custody_;
  std::unique_ptr<custody::DirectCustody> items_;
  std::optional<crypto::FieldCipher> cipher_;
  FakeLots lots_;  // qc as dose sees it
  Materials materials_;
  std::unique_ptr<Dose> dose_;
  auth::Principal tina_, tom_, phil_, paula_, rita_, cleo_, qa_;
  manufacturing::v1::MaterialLot heparin_, saline_;
  // The pharmacy's place: prepared bags are kept there.
  std::string pharmacy_;
};

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DOSE_TEST_FIXTURE_H_
