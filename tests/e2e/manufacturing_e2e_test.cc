// A batch as a lab records it, through the cellchain CLI against a real
// cellchaind over real mTLS: QA registers the equipment; a technician
// receives the material lots and QA releases them (and rejects one, which
// no step may use); a donor lot is brought to AVAILABLE as donor intake
// does it; the technician starts a batch, digests the tissue into P0,
// harvests it, seeds and harvests P1 and freezes a master bank into freezer
// positions; a second technician verifies every step (the one who recorded
// a step may not); the product lot is harvested and the batch waits for QC.
// The growth curve carries the population doublings of the counts entered.
//
// The times are entered after the fact, two weeks back, so that the
// culture's days are real days: the cord was collected 14 days ago and its
// processing started 19 hours later, within the 48 hours allowed. The
// technician transcribes the paper batch record as GMP has it: the medium's
// receipt and release, the batch's start and every step at the times they
// happened, each entry late by days and saying why.
#include <algorithm>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Why every entry of the paper record is made days after the fact.
constexpr char kPaperRecord[] = "transcribed from the paper batch record";

// YYYY-MM-DD, UTC.
std::string Day(absl::Time t);

class ManufacturingE2eTest : public E2eTest {
 protected:
  ManufacturingE2eTest() : E2eTest("manufacturing-e2e") {}

  // The admin, and tina and tom (technicians), otto (QC analyst) and quinn
  // (QA), each logged in at their workstation.
  void SetUp() override;

  // `cellchain manufacturing <args>` signed with `password` on stdin.
  RunResult Signed(const CliSession& who, const char* password,
                   std::vector<std::string> args);
  std::string SignedOk(const CliSession& who, const char* password,
                       std::vector<std::string> args);

  // An RFC 3339 time `hours` after the cord's collection.
  std::string At(double hours) const;

  // Donor intake as donor_e2e_test does it, up to QA's release of the lot:
  // its id.
  std::string AvailableDonorLot();
  // Registered by QA, calibrated 60 days ago: its id.
  std::string Equipment(const std::string& kind, const std::string& name,
                        const std::string& tag);
  // Received by tina, in quarantine, two days before the cord's collection
  // (a late entry, with its reason): its id.
  std::string Material(const std::string& kind, const std::string& name,
                       const std::string& lot);

  // A location of `kind` inside `parent` ("" for a site), made by QA.
  std::string Location(const std::string& kind, const std::string& name,
                       const std::string& parent);

  // When the cord was collected: 14 days ago, to the second.
  const absl::Time collected_ = absl::FromUnixSeconds(
      absl::ToUnixSeconds(absl::Now() - absl::Hours(24 * 14)));
  std::unique_ptr<CliSession> tina_, tom_, otto_, quinn_;
};

TEST_F(ManufacturingE2eTest, DonorLotToProductLotWithFourEyesAndGrowthCurve) {
  // QA registers the equipment; the technician may not.
  RunResult not_qa =
      tina_->Run({"manufacturing", "equipment-register", "--kind=incubator",
                  "--name=Heracell 240i", "--asset-tag=INC-99",
                  "--calibrated-on=2026-01-01", "--calibration-due=2027-01-01",
                  "--calibration-reference=CAL-99"});
  EXPECT_EQ(not_qa.exit_code, 1);
  EXPECT_THAT(not_qa.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));
  std::string cabinet =
      Equipment("biosafety_cabinet", "Herasafe 2030i", "BSC-01");
  std::string incubator = Equipment("incubator", "Heracell 240i", "INC-01");
  std::string freezer =
      Equipment("controlled_rate_freezer", "CryoMed 7456", "CRF-01");
  EXPECT_THAT(Ok(*tina_, {"manufacturing", "equipment-list"}),
              ContainsRegex("INC-01 +incubator +in_service"));
  // For tools: RFC 4180 CSV, a header line and nothing else but the rows.
  std::string equipment_csv =
      Ok(*quinn_, {"manufacturing", "equipment-list", "--format=csv"});
  EXPECT_THAT(equipment_csv, StartsWith("equipment,asset_tag,kind,status,"
                                        "calibration_due,name\n"));
  EXPECT_THAT(equipment_csv,
              ContainsRegex("\n" + incubator +
                            ",INC-01,incubator,in_service,"
                            "[0-9]{4}-[0-9]{2}-[0-9]{2},Heracell 240i\n"));

  // The technician receives the material lots into quarantine; QA releases
  // them and rejects the one whose certificate of analysis is missing.
  std::string medium = Material("medium", "MEM alpha", "ME-2291");
  std::string lysate = Material("supplement", "human platelet lysate", "PL-77");
  std::string enzyme =
      Material("digestion_enzyme", "collagenase NB 6", "CN-310");
  std::string dmso = Material("cryoprotectant", "CryoStor CS10", "CS-5521");
  std::string bad = Material("medium", "MEM alpha", "ME-2292");
  // Released the day before the collection, as the paper record says.
  for (const std::string& id : {medium, lysate, enzyme, dmso}) {
    EXPECT_THAT(SignedOk(*quinn_, kQuinnPassword,
                         {"material-release", "--material-id=" + id,
                          "--released-at=" + At(-24),
                          std::string("--late-entry-reason=") + kPaperRecord}),
                HasSubstr(") released"));
  }
  std::string medium_shown = Ok(
      *quinn_, {"manufacturing", "material-show", "--material-id=" + medium});
  EXPECT_THAT(medium_shown,
              ContainsRegex("received +" + At(-48) + " by tina\n"));
  EXPECT_THAT(medium_shown,
              ContainsRegex("released +" + At(-24) + " by quinn\n"));
  EXPECT_THAT(medium_shown,
              ContainsRegex(std::string("late entry +") + kPaperRecord));
  RunResult tech_release = Signed(*tina_, kTinaPassword,
                                  {"material-release", "--material-id=" + bad});
  EXPECT_THAT(tech_release.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));
  EXPECT_THAT(SignedOk(*quinn_, kQuinnPassword,
                       {"material-reject", "--material-id=" + bad,
                        "--reason=certificate of analysis missing"}),
              HasSubstr("rejected: certificate of analysis missing"));
  std::string listed =
      Ok(*tina_, {"manufacturing", "material-list", "--status=released"});
  EXPECT_THAT(listed, HasSubstr(medium));
  EXPECT_THAT(listed, Not(HasSubstr(bad)));
  // For tools: JSON, the name and the supplier lot each a field of its own.
  std::string listed_json = Ok(*quinn_, {"manufacturing", "material-list",
                                         "--status=released", "--format=json"});
  nlohmann::json released = nlohmann::json::parse(listed_json, nullptr, false);
  ASSERT_TRUE(released.is_array()) << listed_json;
  auto released_medium = std::find_if(
      released.begin(), released.end(),
      [&](const nlohmann::json& r) { return r["material"] == medium; });
  ASSERT_NE(released_medium, released.end()) << listed_json;
  EXPECT_EQ((*released_medium)["name"], "MEM alpha");
  EXPECT_EQ((*released_medium)["supplier_lot"], "ME-2291");
  EXPECT_EQ((*released_medium)["status"], "released");
  EXPECT_THAT(listed_json, Not(HasSubstr(bad)));

  std::string lot = AvailableDonorLot();
  ASSERT_FALSE(lot.empty());
  // The batch was started 18 hours after the collection; entered now, it
  // needs a reason, and the refusal names the flag to give it with.
  std::vector<std::string> start = {"manufacturing", "batch-start",
                                    "--lot-id=" + lot,
                                    "--started-at=" + At(18)};
  RunResult unexplained_start = tina_->Run(start);
  EXPECT_EQ(unexplained_start.exit_code, 1) << unexplained_start.output;
  EXPECT_THAT(unexplained_start.output,
              HasSubstr("cellchain: manufacturing batch-start: "
                        "INVALID_ARGUMENT: --late-entry-reason: required"));
  start.push_back(std::string("--late-entry-reason=") + kPaperRecord);
  std::string started = Ok(*tina_, start);
  std::string batch = Capture(started, "batch (bat_[A-Za-z0-9_-]+) started");
  ASSERT_FALSE(batch.empty()) << started;
  EXPECT_THAT(started, HasSubstr("IN_PROCESS"));
  EXPECT_THAT(started, HasSubstr("started " + At(18) +
                                 ", entered late: " + kPaperRecord));

  // The cultures live in the culture room's incubator.
  std::string site = Location("site", "Cell Therapy Unit", "");
  std::string culture = Location("room", "Culture room", site);

  // Processing: the rejected lot is refused, naming the rule; then an
  // enzymatic digest of 2.5e5 viable cells into two flasks.
  std::vector<std::string> processing = {
      "processing",
      "--batch-id=" + batch,
      "--location-id=" + culture,
      "--method=enzymatic",
      "--tissue-grams=20",
      "--vessel-type=T175 flask",
      "--vessel-count=2",
      "--seeded-at=" + At(19),
      "--seeded-cells=2.5e5",
      "--material=" + enzyme + ":1 vial",
      "--equipment=" + cabinet,
      "--equipment=" + incubator,
      std::string("--late-entry-reason=") + kPaperRecord};
  std::vector<std::string> with_bad = processing;
  with_bad.push_back("--material=" + bad + ":500 ml");
  RunResult refused = Signed(*tina_, kTinaPassword, with_bad);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.output, HasSubstr("(reason: MATERIAL_NOT_RELEASED)"));
  EXPECT_THAT(refused.output,
              HasSubstr("cellchain: manufacturing processing:"));
  processing.push_back("--material=" + medium + ":500 ml");
  std::string p0_out = SignedOk(*tina_, kTinaPassword, processing);
  std::string p0 =
      Capture(p0_out, "step (stp_[A-Za-z0-9_-]+) \\(processing P0");
  ASSERT_FALSE(p0.empty()) << p0_out;
  EXPECT_THAT(p0_out, ContainsRegex("2 T175 flask itm_[A-Za-z0-9_-]+, itm_"));
  EXPECT_THAT(p0_out, Not(HasSubstr("DEVIATION")));

  // P0 harvested on day 7: 2.5e5 -> 4e6 is 4 doublings in 168 h. Entered a
  // week later, without saying why, it is refused naming the flag.
  std::vector<std::string> p0_harvest_args = {
      "harvest",
      "--step-id=" + p0,
      "--harvested-at=" + At(19 + 168),
      "--harvested-cells=4e6",
      "--viability=95",
      "--confluence=85",
      "--material=" + lysate + ":50 ml"};
  RunResult unexplained = Signed(*tina_, kTinaPassword, p0_harvest_args);
  EXPECT_EQ(unexplained.exit_code, 1) << unexplained.output;
  EXPECT_THAT(unexplained.output,
              HasSubstr("cellchain: manufacturing harvest: INVALID_ARGUMENT: "
                        "--late-entry-reason: required: this entry is late"));
  p0_harvest_args.push_back(
      "--late-entry-reason=counter printout found in "
      "the cleanroom log");
  std::string p0_harvest = SignedOk(*tina_, kTinaPassword, p0_harvest_args);
  EXPECT_THAT(p0_harvest, HasSubstr("PD 4.00, cumulative PD 4.00"));
  EXPECT_THAT(p0_harvest, HasSubstr("doubling time 42.0 h"));
  std::string p0_revision = Capture(p0_harvest, "revision ([0-9]+)");

  // What became of the cells a seeding leaves is one of the proto's
  // dispositions, typed in any case; another word is refused listing them.
  RunResult kept =
      Signed(*tina_, kTinaPassword,
             {"passage-seed", "--source-step-id=" + p0,
              "--location-id=" + culture, "--vessel-type=T175 flask",
              "--vessel-count=1", "--seeded-at=" + At(19 + 168 + 1),
              "--seeded-cells=1e6", "--leftover=kept"});
  EXPECT_EQ(kept.exit_code, 2) << kept.output;
  EXPECT_THAT(kept.output,
              HasSubstr("passage-seed: --leftover: discarded, banked or "
                        "carried\n"));

  // P1 from 1e6 of those cells, harvested 96 h later at 8e6: 3 doublings,
  // 7 in all.
  std::string p1_out =
      SignedOk(*tina_, kTinaPassword,
               {"passage-seed", "--source-step-id=" + p0,
                "--location-id=" + culture, "--vessel-type=T175 flask",
                "--vessel-count=1", "--seeded-at=" + At(19 + 168 + 1),
                "--seeded-cells=1e6", "--material=" + medium + ":30 ml",
                "--equipment=" + incubator, "--leftover=Carried",
                std::string("--late-entry-reason=") + kPaperRecord});
  std::string p1 = Capture(p1_out, "step (stp_[A-Za-z0-9_-]+) \\(passage P1");
  ASSERT_FALSE(p1.empty()) << p1_out;
  std::string p1_harvest = SignedOk(
      *tina_, kTinaPassword,
      {"harvest", "--step-id=" + p1, "--harvested-at=" + At(19 + 168 + 97),
       "--harvested-cells=8e6", "--viability=93", "--confluence=90",
       std::string("--late-entry-reason=") + kPaperRecord});
  EXPECT_THAT(p1_harvest, HasSubstr("PD 3.00, cumulative PD 7.00"));
  EXPECT_THAT(p1_harvest, HasSubstr("doubling time 32.0 h"));
  std::string p1_revision = Capture(p1_harvest, "revision ([0-9]+)");

  // P1's confluence was misread: a correction, a new revision.
  std::string corrected =
      SignedOk(*tina_, kTinaPassword,
               {"correct", "--batch-id=" + batch, "--step-id=" + p1,
                "--revision=" + p1_revision, "--confluence=88",
                "--reason=confluence misread at the microscope"});
  p1_revision = Capture(corrected, "revision ([0-9]+)");
  EXPECT_EQ(p1_revision, "3") << corrected;

  // The verifier sees what they sign: every recorded value, materials by
  // code and lot, equipment by tag, and the correction's old -> new values
  // with its reason.
  std::string step_shown =
      Ok(*tom_, {"manufacturing", "step-show", "--step-id=" + p1});
  EXPECT_THAT(step_shown, ContainsRegex("passage +P1\n"));
  EXPECT_THAT(step_shown, ContainsRegex("vessel type +T175 flask\n"));
  EXPECT_THAT(step_shown, ContainsRegex("vessel count +1\n"));
  EXPECT_THAT(step_shown,
              ContainsRegex("seeded at +" + At(19 + 168 + 1) + "\n"));
  EXPECT_THAT(step_shown, ContainsRegex("seeded cells +1.00e\\+06\n"));
  EXPECT_THAT(step_shown,
              ContainsRegex("harvested at +" + At(19 + 168 + 97) + "\n"));
  EXPECT_THAT(step_shown, ContainsRegex("viable cells +8.00e\\+06\n"));
  EXPECT_THAT(step_shown, ContainsRegex("viability \\(%\\) +93.0\n"));
  EXPECT_THAT(step_shown, ContainsRegex("confluence \\(%\\) +88.0\n"));
  EXPECT_THAT(step_shown,
              ContainsRegex("material +MAT-[A-Za-z0-9]+ lot ME-2291 "
                            "\\(MEM alpha\\) \\(30 ml\\)\n"));
  EXPECT_THAT(step_shown, ContainsRegex("equipment +INC-01\n"));
  EXPECT_THAT(step_shown, ContainsRegex("recorded by +tina at "));
  EXPECT_THAT(step_shown, ContainsRegex("verified by +- \\(not verified\\)"));
  EXPECT_THAT(step_shown, HasSubstr("revision 1 by tina at "));
  EXPECT_THAT(step_shown,
              ContainsRegex("revision 3 by tina at [^\n]*, reason: "
                            "confluence misread at the microscope\n"));
  EXPECT_THAT(step_shown, HasSubstr("confluence (%): 90.0 -> 88.0\n"));
  // Revision 2 is the harvest (a recording, not a correction).
  EXPECT_THAT(step_shown,
              ContainsRegex("revision 2 by tina at [^\n]*: recorded\n"));
  EXPECT_THAT(step_shown, HasSubstr("viability (%): - -> 93.0\n"));
  EXPECT_THAT(step_shown, Not(HasSubstr("viability (%): 93.0 -> ")));
  // The seeding and the harvest were late entries, each with its reason;
  // the correction is not one. The seeding left cells in P0, carried on.
  EXPECT_THAT(step_shown,
              ContainsRegex(std::string("revision 1 by tina at [^\n]*: first "
                                        "recorded\n +entered late: ") +
                            kPaperRecord + "\n"));
  EXPECT_THAT(step_shown,
              ContainsRegex(std::string("revision 2 by tina at [^\n]*: "
                                        "recorded\n +entered late: ") +
                            kPaperRecord + "\n"));
  EXPECT_THAT(step_shown, ContainsRegex("leftover cells +carried\n"));
  std::string p0_shown =
      Ok(*tom_, {"manufacturing", "step-show", "--step-id=" + p0});
  EXPECT_THAT(p0_shown, ContainsRegex("late entry +counter printout found in "
                                      "the cleanroom log\n"));

  // verify without --revision shows the step and signs the revision shown,
  // once confirmed; "no" signs nothing.
  const std::string tom_password = std::string(kTomPassword) + "\n";
  RunResult declined = tom_->Run(
      {"manufacturing", "verify", "--step-id=" + p1, "--password-stdin"},
      "no\n" + tom_password);
  EXPECT_EQ(declined.exit_code, 1) << declined.output;
  EXPECT_THAT(declined.output, HasSubstr("not confirmed: nothing was signed"));
  RunResult confirmed = tom_->Run(
      {"manufacturing", "verify", "--step-id=" + p1, "--password-stdin"},
      "yes\n" + tom_password);
  EXPECT_EQ(confirmed.exit_code, 0) << confirmed.output;
  EXPECT_THAT(confirmed.output, HasSubstr("confluence (%): 90.0 -> 88.0"));
  EXPECT_THAT(confirmed.output, HasSubstr("verify revision 3 of this step"));
  EXPECT_THAT(confirmed.output,
              HasSubstr("revision 3, verified) verified by tom (recorded by "
                        "tina)"));

  // Four eyes: the one who recorded a step may not verify it.
  RunResult own =
      Signed(*tina_, kTinaPassword,
             {"verify", "--step-id=" + p0, "--revision=" + p0_revision});
  EXPECT_NE(own.exit_code, 0);
  EXPECT_THAT(own.output, HasSubstr("(reason: FOUR_EYES_SAME_PERSON)"));
  EXPECT_THAT(
      SignedOk(*tom_, kTomPassword,
               {"verify", "--step-id=" + p0, "--revision=" + p0_revision}),
      HasSubstr("verified by tom (recorded by tina)"));

  // A master bank of two vials of 1e6 cells, one per freezer position.
  std::string room = Location("room", "Cryo room", site);
  std::string tank = Location("freezer", "LN2 tank 1", room);
  std::string rack = Location("rack", "Rack A", tank);
  std::string box = Location("box", "Box 1", rack);
  std::string a1 = Location("position", "A1", box);
  std::string a2 = Location("position", "A2", box);
  std::string frozen =
      SignedOk(*tina_, kTinaPassword,
               {"cryopreserve", "--source-step-id=" + p1, "--bank=master",
                "--cells-per-vial=1e6", "--frozen-at=" + At(19 + 168 + 99),
                "--viability=92", "--positions=" + a1 + "," + a2,
                "--material=" + dmso + ":2 ml", "--equipment=" + freezer,
                std::string("--late-entry-reason=") + kPaperRecord});
  std::string cryo =
      Capture(frozen, "step (stp_[A-Za-z0-9_-]+) \\(cryopreservation P1");
  ASSERT_FALSE(cryo.empty()) << frozen;
  EXPECT_THAT(frozen, HasSubstr("2 vial(s) of 1.00e+06 cells into the master"));
  EXPECT_THAT(frozen, HasSubstr(" at " + a1));
  std::string cryo_revision = Capture(frozen, "revision ([0-9]+)");

  // The product lot waits for every verification.
  std::vector<std::string> product = {
      "product-harvest",
      "--source-step-id=" + p1,
      "--harvested-at=" + At(19 + 168 + 100),
      "--harvested-cells=5e6",
      "--viability=91",
      "--volume-ml=50",
      std::string("--late-entry-reason=") + kPaperRecord};
  RunResult early = Signed(*tina_, kTinaPassword, product);
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_THAT(early.output, HasSubstr("(reason: STEP_NOT_VERIFIED)"));
  SignedOk(*tom_, kTomPassword,
           {"verify", "--step-id=" + cryo, "--revision=" + cryo_revision});
  std::string harvested = SignedOk(*tina_, kTinaPassword, product);
  EXPECT_THAT(harvested, ContainsRegex("product lot itm_[A-Za-z0-9_-]+ "
                                       "harvested: 5.00e\\+06 cells"));
  // Release testing waits for a second person to check the harvest.
  EXPECT_THAT(harvested, HasSubstr("is IN_PROCESS"));
  std::string harvest_step =
      Capture(harvested, "step (stp_[A-Za-z0-9_-]+) \\(product_harvest");
  ASSERT_FALSE(harvest_step.empty()) << harvested;
  SignedOk(*tom_, kTomPassword,
           {"verify", "--step-id=" + harvest_step,
            "--revision=" + Capture(harvested, "revision ([0-9]+)")});

  // The batch record as QA reads it.
  std::string shown =
      Ok(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + batch});
  EXPECT_THAT(shown, ContainsRegex("state +QC_PENDING"));
  // The product harvest's concentration: 5e6 viable cells in 50 ml.
  EXPECT_THAT(shown,
              ContainsRegex("concentration +1.00e\\+05 viable cells/ml"));
  EXPECT_THAT(shown,
              ContainsRegex(p0 + " +processing +P0 +verified +" + p0_revision +
                            " +2.50e\\+05 +4.00e\\+06 +"
                            "4.00 +4.00 +42.0 +tina / tom"));
  EXPECT_THAT(shown,
              ContainsRegex(p1 + " +passage +P1 +verified +" + p1_revision +
                            " +1.00e\\+06 +8.00e\\+06 +"
                            "3.00 +7.00 +32.0 +tina / tom"));
  EXPECT_THAT(shown, ContainsRegex(cryo + " +cryopreservation +P1 +verified"));
  EXPECT_THAT(shown, HasSubstr("bank master: 2 vial(s) frozen, 0 thawed, 2 "
                               "available"));
  EXPECT_THAT(shown, HasSubstr("uses " + enzyme + " (1 vial)"));
  EXPECT_THAT(shown, Not(HasSubstr("deviation bdv_")));
  // The start's late entry, and every step in full as step-show prints it.
  EXPECT_THAT(shown, ContainsRegex(std::string("late entry +") + kPaperRecord));
  EXPECT_THAT(shown, HasSubstr("revision 1 entered late: " +
                               std::string(kPaperRecord)));
  EXPECT_THAT(shown, HasSubstr("; leftover cells carried"));
  EXPECT_THAT(shown, ContainsRegex("step " + p1 +
                                   " \\(passage P1, revision 3, verified\\)"
                                   "\n(  [^\n]*\n)*  harvested at +" +
                                   At(19 + 168 + 97) + "\n"));
  EXPECT_THAT(
      Ok(*quinn_, {"manufacturing", "batch-list", "--state=qc_pending"}),
      HasSubstr(batch));
  EXPECT_THAT(Ok(*quinn_,
                 {"manufacturing", "material-show", "--material-id=" + medium}),
              ContainsRegex("used by steps +.*" + p0));

  // The growth curve: day since the start of processing, passage,
  // cumulative population doublings.
  std::string csv = Ok(*quinn_, {"manufacturing", "growth-curve",
                                 "--batch-id=" + batch, "--format=csv"});
  EXPECT_THAT(csv, ::testing::StartsWith("day,passage,cumulative_pd,line\n"));
  EXPECT_THAT(csv, HasSubstr("\n7.00,0,4.00,main\n"));
  EXPECT_THAT(csv, HasSubstr("\n11.04,1,7.00,main\n"));
  std::string table =
      Ok(*quinn_, {"manufacturing", "growth-curve", "--batch-id=" + batch});
  EXPECT_THAT(table, ContainsRegex("11.04 +P1 +7.00 +main +" + p1));
  std::string json = Ok(*quinn_, {"manufacturing", "growth-curve",
                                  "--batch-id=" + batch, "--format=json"});
  EXPECT_THAT(json, HasSubstr("\"day\": 11.04,\n    \"passage\": 1,\n"));
  EXPECT_THAT(json, HasSubstr("\"step\": \"" + p1 + "\""));

  // Aborting a batch is QA's signature with a reason, shown in batch-show.
  std::string second_lot = AvailableDonorLot();
  ASSERT_FALSE(second_lot.empty());
  std::string second_start =
      Ok(*tina_, {"manufacturing", "batch-start", "--lot-id=" + second_lot});
  std::string second =
      Capture(second_start, "batch (bat_[A-Za-z0-9_-]+) started");
  ASSERT_FALSE(second.empty()) << second_start;
  // Its processing, entered as it starts (a second later than the batch's
  // start, to the second), comes two weeks after the cord's collection: a
  // MAJOR deviation, which the step shows.
  WaitForTheNextSecond();
  std::string second_p0_out = SignedOk(
      *tina_, kTinaPassword,
      {"processing", "--batch-id=" + second, "--location-id=" + culture,
       "--method=explant", "--tissue-grams=12", "--vessel-type=T75 flask",
       "--vessel-count=1",
       "--seeded-at=" + absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                                         absl::UTCTimeZone())});
  EXPECT_THAT(second_p0_out, ContainsRegex("DEVIATION bdv_[A-Za-z0-9_-]+ MAJOR "
                                           "COLLECTION_TO_PROCESSING: "));
  std::string second_p0 =
      Capture(second_p0_out, "step (stp_[A-Za-z0-9_-]+) \\(processing P0");
  ASSERT_FALSE(second_p0.empty()) << second_p0_out;
  std::string second_p0_shown =
      Ok(*quinn_, {"manufacturing", "step-show", "--step-id=" + second_p0});
  EXPECT_THAT(second_p0_shown,
              ContainsRegex("deviation +bdv_[A-Za-z0-9_-]+ MAJOR OPEN "
                            "COLLECTION_TO_PROCESSING: "));
  EXPECT_THAT(second_p0_shown, Not(HasSubstr("late entry")));
  std::vector<std::string> abort = {"batch-abort", "--batch-id=" + second,
                                    "--reason=wrong donor lot scanned"};
  RunResult wrong = Signed(*quinn_, "not quinn's password", abort);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_THAT(wrong.output,
              HasSubstr("(reason: SIGNATURE_REAUTHENTICATION_FAILED)"));
  EXPECT_THAT(
      Ok(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + second}),
      ContainsRegex("state +IN_PROCESS"));
  EXPECT_THAT(SignedOk(*quinn_, kQuinnPassword, abort),
              HasSubstr("is ABORTED: wrong donor lot scanned (signed REJECTED "
                        "by Quinn Quality (quinn) at "));
  std::string aborted =
      Ok(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + second});
  EXPECT_THAT(aborted, ContainsRegex("state +ABORTED\n"));
  EXPECT_THAT(aborted,
              ContainsRegex("abort reason +wrong donor lot scanned\n"));
  EXPECT_THAT(aborted, ContainsRegex("aborted by +Quinn Quality \\(quinn\\), "
                                     "signed REJECTED\n"));
  EXPECT_THAT(aborted,
              ContainsRegex("aborted at +20[0-9][0-9]-[0-9-]+T[0-9:]+Z\n"));
}

// The helpers declared above.

const char* const kPanel[] = {"HIV12_AB", "HIV1_NAT", "HBSAG",     "HBC_AB",
                              "HBV_NAT",  "HCV_AB",   "HCV_NAT",   "HTLV_AB",
                              "SYPHILIS", "WNV_NAT",  "TCRUZI_AB", "CMV_AB"};

RunResult ManufacturingE2eTest::Signed(const CliSession& who,
                                       const char* password,
                                       std::vector<std::string> args) {
  args.insert(args.begin(), "manufacturing");
  args.push_back("--password-stdin");
  return who.Run(args, std::string(password) + "\n");
}

std::string ManufacturingE2eTest::SignedOk(const CliSession& who,
                                           const char* password,
                                           std::vector<std::string> args) {
  RunResult r = Signed(who, password, std::move(args));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

std::string ManufacturingE2eTest::At(double hours) const {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", collected_ + absl::Hours(hours),
                          absl::UTCTimeZone());
}

std::string ManufacturingE2eTest::AvailableDonorLot() {
  std::string out = Ok(*tina_, {"donor", "register"});
  std::string code = Capture(out, "donor (DNR-[0-9A-Z]{10}) registered");
  EXPECT_FALSE(code.empty()) << out;
  Ok(*tina_, {"donor", "consent", "--donor-code=" + code,
              "--form-version=UC-ICF v3.2", "--consented-at=" + At(-24 * 6),
              "--taken-by=Dr. Ines Obregon", "--witness=Nurse Paul Kim"});
  for (const char* test : kPanel) {
    Ok(*otto_,
       {"donor", "screen", "--donor-code=" + code,
        std::string("--test=") + test, "--method=CMIA", "--kit-lot=K-2291",
        "--drawn-at=" + At(-24), "--result=non_reactive"});
  }
  out = Ok(*tina_, {"donor", "receive", "--donor-code=" + code,
                    "--delivered-at=" + At(-1), "--collected-at=" + At(0),
                    "--received-at=" + At(5), "--min-celsius=3.5",
                    "--max-celsius=6", "--weight-grams=42.5"});
  std::string lot = Capture(out, "lot (lot_[A-Za-z0-9_-]+) received");
  EXPECT_FALSE(lot.empty()) << out;
  std::string password = std::string(kQuinnPassword) + "\n";
  EXPECT_THAT(
      Ok(*quinn_,
         {"donor", "determine", "--donor-code=" + code, "--password-stdin"},
         password),
      HasSubstr("ELIGIBLE"));
  EXPECT_THAT(
      Ok(*quinn_,
         {"donor", "release-lot", "--lot-id=" + lot, "--password-stdin"},
         password),
      HasSubstr("is available"));
  return lot;
}

std::string ManufacturingE2eTest::Equipment(const std::string& kind,
                                            const std::string& name,
                                            const std::string& tag) {
  absl::Time now = absl::Now();
  std::string out =
      Ok(*quinn_, {"manufacturing", "equipment-register", "--kind=" + kind,
                   "--name=" + name, "--asset-tag=" + tag,
                   "--calibrated-on=" + Day(now - absl::Hours(24 * 60)),
                   "--calibration-due=" + Day(now + absl::Hours(24 * 300)),
                   "--calibration-reference=CAL-" + tag});
  EXPECT_THAT(out, HasSubstr("in_service")) << out;
  std::string id = Capture(out, "equipment (eqp_[A-Za-z0-9_-]+)");
  EXPECT_FALSE(id.empty()) << out;
  return id;
}

std::string ManufacturingE2eTest::Material(const std::string& kind,
                                           const std::string& name,
                                           const std::string& lot) {
  std::string out =
      Ok(*tina_, {"manufacturing", "material-receive", "--kind=" + kind,
                  "--name=" + name, "--supplier=BioSupply GmbH",
                  "--supplier-lot=" + lot,
                  "--expires-on=" + Day(absl::Now() + absl::Hours(24 * 365)),
                  "--received-at=" + At(-48),
                  std::string("--late-entry-reason=") + kPaperRecord});
  EXPECT_THAT(out, HasSubstr("quarantine")) << out;
  EXPECT_THAT(out, ContainsRegex("\\(MAT-[A-Z0-9]{8}\\)")) << out;
  std::string id = Capture(out, "material (mat_[A-Za-z0-9_-]+)");
  EXPECT_FALSE(id.empty()) << out;
  return id;
}

std::string ManufacturingE2eTest::Location(const std::string& kind,
                                           const std::string& name,
                                           const std::string& parent) {
  std::vector<std::string> args = {"custody", "location-add", "--kind=" + kind,
                                   "--name=" + name};
  if (!parent.empty()) args.push_back("--parent-location=" + parent);
  std::string out = Ok(*quinn_, args);
  std::string id = Capture(out, "location (loc_[A-Za-z0-9_-]+)");
  EXPECT_FALSE(id.empty()) << out;
  return id;
}

std::string Day(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

void ManufacturingE2eTest::SetUp() {
  SetUpWithAdmin();
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
  CC_ASSERT_OK_AND_ASSIGN(tom_, AddUser(kTom));
  CC_ASSERT_OK_AND_ASSIGN(otto_, AddUser(kOtto));
  CC_ASSERT_OK_AND_ASSIGN(quinn_, AddUser(kQuinn));
}

}  // namespace
}  // namespace cellchain::e2e
