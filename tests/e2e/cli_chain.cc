#include "tests/e2e/cli_chain.h"

#include <fstream>
#include <utility>

#include "absl/time/clock.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::e2e {
namespace {

// Why the chain's manufacturing steps are entered late: the batch was made
// two weeks ago, before anyone typed it in.
constexpr char kPaperRecord[] = "transcribed from the paper batch record";

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

void WaitUntilPast(absl::Time t) {
  const absl::Duration left = t + absl::Milliseconds(10) - absl::Now();
  if (left > absl::ZeroDuration()) absl::SleepFor(left);
}

void WaitForTheNextSecond() {
  WaitUntilPast(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 1));
}

CliChainTest::CliChainTest(const std::string& sessions_stem,
                           absl::Duration collected_ago)
    : E2eTest(sessions_stem),
      // To the second: the CLI reads and prints RFC 3339 to the second.
      collected_(absl::FromUnixSeconds(
          absl::ToUnixSeconds(absl::Now() - collected_ago))) {}

void CliChainTest::AddChainCast() {
  for (auto [who, session] :
       {std::pair{&kTina, &tina_}, std::pair{&kTom, &tom_},
        std::pair{&kOtto, &otto_}, std::pair{&kAna, &ana_},
        std::pair{&kQuinn, &quinn_}}) {
    if (*session != nullptr) continue;
    CC_ASSERT_OK_AND_ASSIGN(*session, AddUser(*who));
  }
}

RunResult CliChainTest::Signed(const CliSession& who, const char* password,
                               std::vector<std::string> args,
                               const std::string& input) {
  args.push_back("--password-stdin");
  return who.Run(args, input + password + "\n");
}

RunResult CliChainTest::SignedFromVariable(const CliSession& who,
                                           const char* password,
                                           std::vector<std::string> args,
                                           std::vector<std::string> env) {
  args.push_back("--password-env=SIGNER_PASSWORD");
  env.push_back(std::string("SIGNER_PASSWORD=") + password);
  return who.Run(args, "", env);
}

std::string CliChainTest::SignedOk(const CliSession& who, const char* password,
                                   std::vector<std::string> args,
                                   const std::string& input) {
  RunResult r = Signed(who, password, std::move(args), input);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

std::string CliChainTest::At(double hours) const {
  return Rfc3339(collected_ + absl::Hours(hours));
}

CliChainTest::DonorLot CliChainTest::ReleasedDonorLot() {
  DonorLot lot;
  std::string out = Ok(*tina_, {"donor", "register"});
  lot.donor_code = Capture(out, "donor (DNR-[0-9A-Z]{10}) registered");
  EXPECT_FALSE(lot.donor_code.empty()) << out;
  Ok(*tina_, {"donor", "consent", "--donor-code=" + lot.donor_code,
              "--form-version=UC-ICF v3.2", "--consented-at=" + At(-24 * 6),
              "--taken-by=Dr. Ines Obregon", "--witness=Nurse Paul Kim"});
  std::vector<std::string> screen = {"donor",
                                     "screen",
                                     "--donor-code=" + lot.donor_code,
                                     "--method=CMIA",
                                     "--kit-lot=K-2291",
                                     "--drawn-at=" + At(-24),
                                     "--result=non_reactive"};
  for (const char* test :
       {"HIV12_AB", "HIV1_NAT", "HBSAG", "HBC_AB", "HBV_NAT", "HCV_AB",
        "HCV_NAT", "HTLV_AB", "SYPHILIS", "WNV_NAT", "TCRUZI_AB", "CMV_AB"}) {
    screen.push_back(std::string("--test=") + test);
  }
  Ok(*otto_, screen);
  out = Ok(*tina_, {"donor", "receive", "--donor-code=" + lot.donor_code,
                    "--delivered-at=" + At(-1), "--collected-at=" + At(0),
                    "--received-at=" + At(5), "--min-celsius=3.5",
                    "--max-celsius=6", "--weight-grams=42.5"});
  lot.lot_id = Capture(out, "lot (lot_[A-Za-z0-9_-]+) received");
  lot.din = Capture(out, "received: DIN ([^,]+),");
  EXPECT_FALSE(lot.lot_id.empty()) << out;
  EXPECT_FALSE(lot.din.empty()) << out;
  SignedOk(*quinn_, kQuinnPassword,
           {"donor", "determine", "--donor-code=" + lot.donor_code});
  SignedOk(*quinn_, kQuinnPassword,
           {"donor", "release-lot", "--lot-id=" + lot.lot_id});
  return lot;
}

CliChainTest::Harvest CliChainTest::VerifiedHarvest() {
  Harvest h;
  h.donor = ReleasedDonorLot();
  const std::string late = std::string("--late-entry-reason=") + kPaperRecord;
  std::string out =
      Ok(*tina_, {"manufacturing", "batch-start", "--lot-id=" + h.donor.lot_id,
                  "--started-at=" + At(18), late});
  h.batch_id = Capture(out, "batch (bat_[A-Za-z0-9_-]+) started");
  EXPECT_FALSE(h.batch_id.empty()) << out;
  out = Ok(*quinn_, {"custody", "location-add", "--kind=site",
                     "--name=Cell Therapy Unit"});
  h.site_id = Capture(out, "location (loc_[A-Za-z0-9_-]+)");
  out = Ok(*quinn_, {"custody", "location-add", "--kind=room",
                     "--name=Culture room", "--parent-location=" + h.site_id});
  std::string culture = Capture(out, "location (loc_[A-Za-z0-9_-]+)");
  out = SignedOk(
      *tina_, kTinaPassword,
      {"manufacturing", "processing", "--batch-id=" + h.batch_id,
       "--location-id=" + culture, "--method=enzymatic", "--tissue-grams=20",
       "--vessel-type=T175 flask", "--vessel-count=1", "--seeded-at=" + At(19),
       "--seeded-cells=2.5e5", late});
  h.p0_step_id = Capture(out, "step (stp_[A-Za-z0-9_-]+) \\(processing P0");
  EXPECT_FALSE(h.p0_step_id.empty()) << out;
  // 2.5e5 to 6.4e7 in 168 h: 8 doublings, one in 21 h.
  out = SignedOk(*tina_, kTinaPassword,
                 {"manufacturing", "harvest", "--step-id=" + h.p0_step_id,
                  "--harvested-at=" + At(19 + 168), "--harvested-cells=6.4e7",
                  "--viability=95", "--confluence=85", late});
  SignedOk(*tom_, kTomPassword,
           {"manufacturing", "verify", "--step-id=" + h.p0_step_id,
            "--revision=" + Capture(out, "revision ([0-9]+)")});
  // 6e7 cells in 30 ml: 2e6 cells/ml, what a dose is prepared from.
  out = SignedOk(
      *tina_, kTinaPassword,
      {"manufacturing", "product-harvest", "--source-step-id=" + h.p0_step_id,
       "--harvested-at=" + At(19 + 169), "--harvested-cells=6e7",
       "--viability=93", "--volume-ml=30", late});
  h.harvest_step_id =
      Capture(out, "step (stp_[A-Za-z0-9_-]+) \\(product_harvest");
  EXPECT_FALSE(h.harvest_step_id.empty()) << out;
  SignedOk(*tom_, kTomPassword,
           {"manufacturing", "verify", "--step-id=" + h.harvest_step_id,
            "--revision=" + Capture(out, "revision ([0-9]+)")});
  return h;
}

std::string CliChainTest::ReleasedQcLot(const std::string& batch_id) {
  std::string lot = QcLotAwaitingDisposition(batch_id);
  SignedOk(*quinn_, kQuinnPassword,
           {"qc", "dispose", "--lot-id=" + lot, "--disposition=released"});
  return lot;
}

std::string CliChainTest::QcLotAwaitingDisposition(
    const std::string& batch_id) {
  TempDir files("cli-chain-files");
  const std::string tests_file = files.path() + "/release-tests.json";
  std::ofstream(tests_file) << kOneTestSpecification;
  std::string out = Ok(
      *quinn_, {"qc", "spec-create", "--spec-name=CHAIN-RELEASE",
                "--product=UC-MSC, RegenHeart", "--tests-file=" + tests_file});
  std::string spec = Capture(out, "specification (spc_[A-Za-z0-9_-]+)");
  EXPECT_FALSE(spec.empty()) << out;
  SignedOk(*quinn_, kQuinnPassword,
           {"qc", "spec-approve", "--spec-id=" + spec});
  out = Ok(*otto_, {"qc", "lot-open", "--batch-id=" + batch_id,
                    "--spec-name=CHAIN-RELEASE"});
  std::string lot = Capture(out, "lot (qcl_[A-Za-z0-9_-]+) opened");
  EXPECT_FALSE(lot.empty()) << out;
  // The lab's work on the lot is today's.
  const std::string drawn_at = Rfc3339(absl::Now() - absl::Minutes(30));
  out = Ok(*tina_, {"qc", "sample-draw", "--batch-id=" + batch_id,
                    "--tests=viability", "--drawn-at=" + drawn_at,
                    "--description=1 mL of the final formulation"});
  std::string sample = Capture(out, "sample (smp_[A-Za-z0-9_-]+) drawn");
  EXPECT_FALSE(sample.empty()) << out;
  out = SignedOk(
      *otto_, kOttoPassword,
      {"qc", "result-enter", "--sample-id=" + sample, "--test=VIABILITY",
       "--value=93", "--unit=%", "--tested-at=" + drawn_at});
  std::string result = Capture(out, "result (res_[A-Za-z0-9_-]+)");
  EXPECT_FALSE(result.empty()) << out;
  SignedOk(*ana_, kAnaPassword,
           {"qc", "result-review", "--result-id=" + result});
  return lot;
}

CliChainTest::Pharmacy CliChainTest::StockedPharmacy() {
  Pharmacy pharmacy;
  pharmacy.heparin_id =
      ReleasedMaterial("heparin", "Heparin sodium 5000 IU/ml", "HEP-2291");
  pharmacy.saline_id =
      ReleasedMaterial("saline", "Sodium chloride 0.9 %", "NACL-0077");
  std::string out = Ok(
      *quinn_, {"custody", "location-add", "--kind=site", "--name=Pharmacy"});
  pharmacy.location_id = Capture(out, "location (loc_[A-Za-z0-9_-]+)");
  EXPECT_FALSE(pharmacy.location_id.empty()) << out;
  return pharmacy;
}

CliChainTest::CountedDose CliChainTest::PreparedAndCounted(
    const std::string& order_id, const std::string& lot,
    const Pharmacy& pharmacy) {
  CountedDose dose;
  dose.prepared =
      SignedOk(*tina_, kTinaPassword,
               {"dose", "prepare", "--order-id=" + order_id, "--lot-id=" + lot,
                "--cells-per-ml=2e6", "--viability=90",
                "--heparin=" + pharmacy.heparin_id,
                "--saline=" + pharmacy.saline_id, "--location-id=Pharmacy"});
  dose.dose_id = Capture(dose.prepared, "prepared dose (dos_[A-Za-z0-9_]+)");
  if (dose.dose_id.empty()) return dose;
  dose.counted = SignedOk(*tina_, kTinaPassword,
                          {"dose", "post-count", "--dose-id=" + dose.dose_id,
                           "--cells-per-ml=5e5", "--viability=95"});
  return dose;
}

std::string CliChainTest::ReleasedMaterial(const std::string& kind,
                                           const std::string& name,
                                           const std::string& supplier_lot) {
  // A year to go: no dose the tests make outlives its materials.
  std::string out = Ok(
      *tina_,
      {"manufacturing", "material-receive", "--kind=" + kind, "--name=" + name,
       "--supplier=BioSupply GmbH", "--supplier-lot=" + supplier_lot,
       "--expires-on=" + absl::FormatTime("%Y-%m-%d",
                                          absl::Now() + absl::Hours(24 * 365),
                                          absl::UTCTimeZone())});
  std::string id = Capture(out, "material (mat_[A-Za-z0-9_-]+)");
  EXPECT_FALSE(id.empty()) << out;
  SignedOk(*quinn_, kQuinnPassword,
           {"manufacturing", "material-release", "--material-id=" + id});
  return id;
}

}  // namespace cellchain::e2e
