// CliChainTest: the chain of custody the e2e tests of the later stages
// start from, made through the real `cellchain` CLI as the lab and QA make
// it — a donor registered, consented, screened (the 12-test panel) and the
// cord received, QA's determination and the donor lot's release; a batch
// whose P0 is processed, harvested and verified, and whose product is
// harvested (6e7 cells in 30 ml) and verified, all entered late from the
// paper record; then release testing of one test (viability), reviewed by
// a second analyst, and QA's release of the QC lot; and the pharmacy a dose
// is made in, its heparin and saline released. A test stops after the step
// it needs and gets the ids it goes on with:
//
//   class DoseE2eTest : public CliChainTest {
//    protected:
//     DoseE2eTest() : CliChainTest("dose-e2e") {}
//   };
//   TEST_F(DoseE2eTest, ...) {
//     AddChainCast();
//     if (HasFatalFailure()) return;
//     std::string lot = ReleasedQcLot(VerifiedHarvest().batch_id);
//     ASSERT_FALSE(lot.empty());
//
// Every command of a step must succeed: one that does not is a test
// failure (not fatal) and leaves the ids it would have printed empty, which
// the caller asserts on before going on.
// Thread-safety: as a GoogleTest fixture, the test's main thread only.
#ifndef CELLCHAIN_TESTS_E2E_CLI_CHAIN_H_
#define CELLCHAIN_TESTS_E2E_CLI_CHAIN_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/e2e/daemon.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {

// The second QC analyst, who reviews what otto enters.
inline constexpr char kAnaPassword[] = "a second pair of eyes on every result";
inline constexpr CastMember kAna = {"lab-ws-01", "ana", "Ana Reviewer",
                                    "qc_analyst", kAnaPassword};
// The clinician who orders doses and receives them at the cath lab.
// A release specification of one required test (viability >= 70 %), as
// `qc spec-create --tests-file` reads it.
inline constexpr char kOneTestSpecification[] = R"({"tests": [
  {"code": "VIABILITY", "name": "Viability", "method": "7-AAD",
   "kind": "RESULT_KIND_NUMERIC", "unit": "%", "limits": {"min": "70"},
   "required": true}]})";

inline constexpr char kCleoPassword[] = "the right cells to the right heart";
inline constexpr CastMember kCleo = {"clinic-ws-01", "cleo", "Cleo Clinician",
                                     "clinician", kCleoPassword};

// Sleeps until the clock is 10 ms past `t` (at once if it is already): a
// step entered with a time to the second after something the server
// stamped, without a fixed sleep of a second or two.
void WaitUntilPast(absl::Time t);
// WaitUntilPast the next whole second: a time taken after this and printed
// to the second is after everything done before the call.
void WaitForTheNextSecond();

class CliChainTest : public E2eTest {
 protected:
  // `sessions_stem` as E2eTest's; the cord is collected `collected_ago`
  // before the fixture is made (to the second): two weeks by default, so
  // that the chain's product is harvested in the past.
  explicit CliChainTest(const std::string& sessions_stem,
                        absl::Duration collected_ago = absl::Hours(24 * 14));

  // Adds tina, tom, otto, ana and quinn, those of them not added yet: the
  // people the chain's steps run as. Failures are fatal; the caller returns
  // on HasFatalFailure().
  void AddChainCast();

  // `cellchain <args> --password-stdin` with `input` (a scan's line, if
  // any) and then `password` on stdin.
  RunResult Signed(const CliSession& who, const char* password,
                   std::vector<std::string> args,
                   const std::string& input = "");
  // The same for a command that must succeed; its output.
  std::string SignedOk(const CliSession& who, const char* password,
                       std::vector<std::string> args,
                       const std::string& input = "");
  // `args` as `who`, signed with `password` from a variable
  // (--password-env) and nothing on stdin, which is no terminal: what a
  // script meets that gives a co-signer's password no source. `env` adds
  // variables ("CARL_PASSWORD=...").
  RunResult SignedFromVariable(const CliSession& who, const char* password,
                               std::vector<std::string> args,
                               std::vector<std::string> env = {});

  // An RFC 3339 time `hours` after the cord's collection.
  std::string At(double hours) const;

  // A donor lot QA released (AVAILABLE): its donor's code (DNR-...), its id
  // (lot_...) and its DIN as `donor receive` prints it ("A9999 26 000001
  // [K]"). Runs as tina, otto and quinn.
  struct DonorLot {
    std::string donor_code;
    std::string lot_id;
    std::string din;
  };
  DonorLot ReleasedDonorLot();

  // ReleasedDonorLot, then its batch up to the product harvest verified by
  // a second technician: the batch waits for QC. The ids, and the site
  // ("Cell Therapy Unit", with its "Culture room") the steps were made in.
  // Runs as tina, tom, otto and quinn.
  struct Harvest {
    DonorLot donor;
    std::string batch_id;
    std::string site_id;
    std::string p0_step_id;
    std::string harvest_step_id;
  };
  Harvest VerifiedHarvest();

  // Release testing of `batch_id`'s lot: a specification of one test
  // (VIABILITY, at least 70 %) from a file, approved by quinn; the lot
  // opened by otto, a sample drawn by tina, 93 % entered by otto and
  // reviewed by ana; the lot released by quinn. The QC lot's id (qcl_...).
  std::string ReleasedQcLot(const std::string& batch_id);
  // The same but the release: the lot awaits QA's disposition (TESTING,
  // its one test in specification and reviewed).
  std::string QcLotAwaitingDisposition(const std::string& batch_id);

  // What a dose is prepared with and where: a heparin lot ("Heparin sodium
  // 5000 IU/ml", supplier lot HEP-2291) and a saline lot ("Sodium chloride
  // 0.9 %", NACL-0077), each received by tina and released by quinn, and
  // the site "Pharmacy" added by quinn. Their ids (mat_..., loc_...). Runs
  // as tina and quinn.
  struct Pharmacy {
    std::string heparin_id;
    std::string saline_id;
    std::string location_id;
  };
  Pharmacy StockedPharmacy();

  // The technician's dose for `order_id` (1e7 cells in 20 ml, the order's
  // defaults) from `lot`: prepared by tina with `pharmacy`'s heparin and
  // saline and kept at the site "Pharmacy" (5.6 ml of a suspension of 2e6
  // cells/ml at 90 % viable, made up to 20 ml), then counted by her (5e5
  // cells/ml at 95 % viable: ACCEPTABLE); a second technician's verification
  // is left to the caller. Its id (dos_..., "" when prepare failed) and what
  // the two commands printed. Runs as tina.
  struct CountedDose {
    std::string dose_id;
    std::string prepared;
    std::string counted;
  };
  CountedDose PreparedAndCounted(const std::string& order_id,
                                 const std::string& lot,
                                 const Pharmacy& pharmacy);

  const absl::Time collected_;
  std::unique_ptr<CliSession> tina_, tom_, otto_, ana_, quinn_;

 private:
  // A material lot of `kind` received by tina and released by quinn: its
  // id, "" when it was not received.
  std::string ReleasedMaterial(const std::string& kind, const std::string& name,
                               const std::string& supplier_lot);
};

}  // namespace cellchain::e2e

#endif  // CELLCHAIN_TESTS_E2E_CLI_CHAIN_H_
