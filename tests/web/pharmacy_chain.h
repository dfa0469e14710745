// PharmacyChainTest: CliChainTest with a dose awaiting the pharmacy's
// release, for the web console's pharmacy tests (HTTPS and browser): cleo
// orders it, phil (the pharmacist) registers its patient, the lab prepares,
// counts and verifies it through the cellchain CLI.
//
// Thread-safety: as a GoogleTest fixture, the test's main thread only.
#ifndef CELLCHAIN_TESTS_WEB_PHARMACY_CHAIN_H_
#define CELLCHAIN_TESTS_WEB_PHARMACY_CHAIN_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {

class PharmacyChainTest : public CliChainTest {
 protected:
  using CliChainTest::CliChainTest;

  // The admin, cleo and phil; fatal on failure.
  void AddPharmacyCast() {
    SetUpWithAdmin();
    if (::testing::Test::HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(cleo_, AddUser(kCleo));
    CC_ASSERT_OK_AND_ASSIGN(phil_, AddUser(kPhil));
  }

  // A dose verified by the lab for patient RH-017 (born 1961-04-02,
  // initials JD): its id, its order's, and its bag's label as a scanner
  // reads it (ISBT 128 001, 003, 005 and 040 concatenated). An empty id
  // when a step failed (a test failure).
  struct VerifiedDose {
    std::string dose_id;
    std::string order_id;
    std::string label;
  };
  VerifiedDose MakeVerifiedDose() {
    VerifiedDose made;
    AddChainCast();
    if (::testing::Test::HasFatalFailure()) return made;
    const std::string lot = ReleasedQcLot(VerifiedHarvest().batch_id);
    if (lot.empty()) return made;
    const Pharmacy pharmacy = StockedPharmacy();
    Ok(*phil_, {"dose", "patient-register", "--subject-id=RH-017",
                "--date-of-birth=1961-04-02", "--initials=JD"});
    const std::string ordered =
        Ok(*cleo_, {"dose", "order-create", "--subject-id=RH-017",
                    "--heparin-iu-per-ml=2",
                    "--planned-infusion-at=2030-01-15T09:00:00Z",
                    "--prescriber=Dr. Hart"});
    made.order_id = Capture(ordered, "created order (ord_[A-Za-z0-9_]+)");
    if (made.order_id.empty()) return made;
    const CountedDose counted =
        PreparedAndCounted(made.order_id, lot, pharmacy);
    made.label = Capture(counted.prepared, "label data +([^\n]+)\n");
    SignedOk(*tom_, kTomPassword,
             {"dose", "verify", "--dose-id=" + counted.dose_id});
    made.dose_id = counted.dose_id;
    return made;
  }

  std::unique_ptr<CliSession> cleo_, phil_;
};

}  // namespace cellchain::e2e

#endif  // CELLCHAIN_TESTS_WEB_PHARMACY_CHAIN_H_
