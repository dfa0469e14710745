// CustodyTest: the custody service over a real PostgreSQL, with the real
// identity service behind QA's e-signatures, the people of its tests (tina
// and tom, technicians; ana, QC analyst; phil, pharmacist; quinn at the QA
// desk — and quinn with a password identity knows, from MakeQa) and the
// requests they send: items registered with their parents, locations,
// handoffs and their acceptance by scan, holds, and a whole chain from a
// donor lot to a patient's dose.
//
// For custody_pg_test only. Thread-safety: as ServiceFixture; the request
// helpers and custody_ may be used from several threads.
#ifndef CELLCHAIN_SERVICES_CUSTODY_CUSTODY_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_CUSTODY_CUSTODY_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/testing/service_fixture.h"
#include "services/custody/custody.h"

namespace cellchain::custody {

class CustodyTest : public testing::ServiceFixture {
 protected:
  // Identity (one person may hold technician and qa; not bootstrapped:
  // MakeQa does that) and custody, recalling at most 500 items.
  void SetUp() override;

  // Registered by `who`, derived from `parents`, at `location`, for
  // `patient`.
  absl::StatusOr<v1::Item> Register(
      const auth::Principal& who, v1::ItemType type, const std::string& code,
      std::vector<std::pair<std::string, v1::DerivationKind>> parents = {},
      const std::string& location = "", const std::string& patient = "");
  // Made by the QA desk.
  absl::StatusOr<v1::Location> Place(v1::LocationKind kind,
                                     const std::string& name,
                                     const std::string& parent = "");
  // In a cool box with its seal intact.
  absl::StatusOr<v1::InitiateHandoffResponse> Handoff(
      const auth::Principal& who, const std::string& item,
      const std::string& to_user, const std::string& to_location = "");
  absl::StatusOr<v1::AcceptHandoffResponse> Accept(const auth::Principal& who,
                                                   const std::string& handoff,
                                                   const std::string& scan,
                                                   bool seal_intact = true);
  // Placed by tina.
  absl::StatusOr<v1::PlaceHoldResponse> Hold(const std::string& item,
                                             const std::string& reason);
  absl::StatusOr<v1::Item> Get(const std::string& id);

  using ServiceFixture::ExpectEverySnapshotMatchesItsRow;
  void ExpectEverySnapshotMatchesItsRow() {
    ExpectEverySnapshotMatchesItsRow("custody");
  }

  // donor lot -> tissue -> P0 -> P1 -> product lot -> vial -> thawed -> dose,
  // with a QC sample of the product lot, two reagent lots and a cabinet.
  struct Chain {
    v1::Item donor, tissue, p0, p1, lot, vial, thawed, dose, sample;
    v1::Item medium, trypsin, cabinet;
  };
  absl::StatusOr<Chain> MakeChain(const std::string& tag,
                                  const std::string& patient);

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<Custody> custody_;
  auth::Principal tech_ = Person("tina", common::v1::ROLE_TECHNICIAN);
  auth::Principal tech2_ = Person("tom", common::v1::ROLE_TECHNICIAN);
  auth::Principal analyst_ = Person("ana", common::v1::ROLE_QC_ANALYST);
  auth::Principal pharmacist_ = Person("phil", common::v1::ROLE_PHARMACIST);
  auth::Principal qa_desk_ = Person("quinn", common::v1::ROLE_QA);
};

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_CUSTODY_TEST_FIXTURE_H_
