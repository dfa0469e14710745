// People name things by what is written on them, through the real cellchain
// binary against a real cellchaind over mTLS: a material lot by its MAT-
// code, equipment by its asset tag, a donor lot and its batch by the lot's
// DIN as printed, a custody item by its local code or DIN, a place by its
// path of names (FRZ-01/R2/B3/A1) — in any case — where every command took
// only internal ids (mat_…, eqp_…, lot_…, bat_…, itm_…, loc_…), which still
// work. A code that names nothing, or several things, is refused in one
// line naming the flag, before anything is sent. The steps recorded with
// them also exercise --leftover, the disposition of the cells a passage's
// seeding leaves in its source.
#include <algorithm>

#include "absl/strings/ascii.h"
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

constexpr char kId[] = "[A-Za-z0-9_-]+";

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}
std::string Day(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

class CliCodesE2eTest : public CliChainTest {
 protected:
  // The cord collected 20 hours ago: the chain's donor lot is one whose
  // batch the test starts now, as it happens, not entered late.
  CliCodesE2eTest() : CliChainTest("cli-codes-e2e", absl::Hours(20)) {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
    CC_ASSERT_OK_AND_ASSIGN(otto_, AddUser(kOtto));
    CC_ASSERT_OK_AND_ASSIGN(quinn_, AddUser(kQuinn));
  }

  // A refusal before anything is sent or by the server: exit 1, one line.
  std::string Refused(const CliSession& who,
                      const std::vector<std::string>& args) {
    RunResult r = who.Run(args);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1)
        << r.output;
    return r.output;
  }

  // A location made by QA inside `parent`, named as a person names it.
  std::string Location(const std::string& kind, const std::string& name,
                       const std::string& parent) {
    std::vector<std::string> args = {"custody", "location-add",
                                     "--kind=" + kind, "--name=" + name};
    if (!parent.empty()) args.push_back("--parent-location=" + parent);
    std::string out = Ok(*quinn_, args);
    std::string id = Capture(out, "location (loc_[A-Za-z0-9_-]+)");
    EXPECT_FALSE(id.empty()) << out;
    return id;
  }
};

TEST_F(CliCodesE2eTest, ThingsAreNamedByTheirCodesInAnyCase) {
  absl::Time now = absl::Now();
  // Equipment by its asset tag.
  std::string registered =
      Ok(*quinn_,
         {"manufacturing", "equipment-register", "--kind=biosafety_cabinet",
          "--name=Herasafe 2030i", "--asset-tag=BSC-02",
          "--calibrated-on=" + Day(now - absl::Hours(24 * 30)),
          "--calibration-due=" + Day(now + absl::Hours(24 * 300)),
          "--calibration-reference=CAL-7"});
  std::string cabinet =
      Capture(registered, std::string("equipment (eqp_") + kId + ")");
  ASSERT_FALSE(cabinet.empty()) << registered;
  EXPECT_THAT(
      Ok(*quinn_,
         {"manufacturing", "equipment-calibrate", "--equipment-id=bsc-02",
          "--calibrated-on=" + Day(now - absl::Hours(24)),
          "--calibration-due=" + Day(now + absl::Hours(24 * 364)),
          "--calibration-reference=CAL-8"}),
      HasSubstr(cabinet));
  EXPECT_THAT(
      Refused(*quinn_, {"manufacturing", "equipment-calibrate",
                        "--equipment-id=BSC-99", "--calibrated-on=" + Day(now),
                        "--calibration-due=" + Day(now + absl::Hours(24 * 364)),
                        "--calibration-reference=CAL-9"}),
      HasSubstr("cellchain: manufacturing equipment-calibrate: "
                "NOT_FOUND: --equipment-id: no equipment's asset tag "
                "is \"BSC-99\""));

  // A material lot by its MAT- code, typed in lower case.
  std::string received =
      Ok(*tina_, {"manufacturing", "material-receive", "--kind=medium",
                  "--name=MEM alpha", "--supplier=BioSupply GmbH",
                  "--supplier-lot=ME-2291",
                  "--expires-on=" + Day(now + absl::Hours(24 * 365))});
  std::string medium = Capture(received, "material (mat_[A-Za-z0-9_-]+)");
  std::string code = Capture(received, "\\((MAT-[A-Z0-9]{8})\\)");
  ASSERT_FALSE(code.empty()) << received;
  std::string lower = absl::AsciiStrToLower(code);
  EXPECT_THAT(
      SignedOk(*quinn_, kQuinnPassword,
               {"manufacturing", "material-release", "--material-id=" + lower}),
      HasSubstr("material " + medium + " (" + code + ") released"));
  EXPECT_THAT(
      Refused(*tina_,
              {"manufacturing", "material-show", "--material-id=MAT-NONE0000"}),
      HasSubstr("--material-id: no material lot's code is \"MAT-NONE0000\""));

  // Places by their path from any level down, each name in any case.
  Location("site", "Cell Therapy Unit", "");
  std::string culture = Location("room", "Culture room", "cell therapy unit");
  Location("room", "Cryo room", "Cell Therapy Unit");
  std::string frz1 =
      Location("freezer", "FRZ-01", "Cell Therapy Unit/Cryo room");
  Location("freezer", "FRZ-02", "cryo room");
  std::string r2 = Location("rack", "R2", "frz-01");
  Location("rack", "R2", "FRZ-02");
  std::string b3 = Location("box", "B3", "FRZ-01/R2");
  std::string a1 = Location("position", "A1", "FRZ-01/R2/B3");
  std::string a2 = Location("position", "A2", "frz-01/r2/b3");
  EXPECT_THAT(Ok(*quinn_, {"custody", "locations",
                           "--parent-location=Cell Therapy Unit/Cryo room"}),
              ContainsRegex(frz1 + " +freezer +FRZ-01\n"));
  // An item put at a position named by its path.
  std::string item_out =
      Ok(*tina_, {"custody", "register", "--type=reagent_lot",
                  "--local-code=RGT-0001", "--location-id=frz-01/R2/b3/A1"});
  std::string item = Capture(item_out, "(itm_[A-Za-z0-9_-]+)");
  ASSERT_FALSE(item.empty()) << item_out;
  EXPECT_THAT(
      Ok(*tina_, {"custody", "locations", "--parent-location=FRZ-01/R2/B3"}),
      ContainsRegex(a1 + " +position +A1 +\\[" + item + "\\]"));
  // For tools: the box's positions as JSON, the occupant's id as it is
  // ("" for an empty position), and as CSV under its header line.
  std::string box_json =
      Ok(*quinn_, {"custody", "locations", "--parent-location=FRZ-01/R2/B3",
                   "--format=json"});
  nlohmann::json positions = nlohmann::json::parse(box_json, nullptr, false);
  ASSERT_TRUE(positions.is_array()) << box_json;
  auto position = [&](const std::string& id) {
    return std::find_if(
        positions.begin(), positions.end(),
        [&](const nlohmann::json& p) { return p["location"] == id; });
  };
  ASSERT_NE(position(a1), positions.end()) << box_json;
  EXPECT_EQ((*position(a1))["item"], item);
  EXPECT_EQ((*position(a1))["name"], "A1");
  ASSERT_NE(position(a2), positions.end()) << box_json;
  EXPECT_EQ((*position(a2))["item"], "");
  EXPECT_THAT(Ok(*quinn_, {"custody", "locations",
                           "--parent-location=FRZ-01/R2/B3", "--format=csv"}),
              ContainsRegex("^location,kind,name,item\n(.*\n)*" + a1 +
                            ",position,A1," + item + "\n"));
  // The item by its local code, in any case.
  EXPECT_THAT(Ok(*tina_, {"custody", "show", "--item-id=rgt-0001"}),
              ContainsRegex("item id +" + item + "\n"));
  EXPECT_THAT(Refused(*tina_, {"custody", "show", "--item-id=RGT-0404"}),
              HasSubstr("custody show: NOT_FOUND: --item-id: no item has the "
                        "code or DIN \"RGT-0404\""));
  // A name two places have, and names nothing has, are refused.
  std::string ambiguous =
      Refused(*tina_, {"custody", "locations", "--parent-location=r2"});
  EXPECT_THAT(ambiguous,
              HasSubstr("cellchain: custody locations: INVALID_ARGUMENT: "
                        "--parent-location: \"r2\" is ambiguous: it names "));
  EXPECT_THAT(ambiguous,
              HasSubstr("Cell Therapy Unit/Cryo room/FRZ-01/R2 (" + r2 + ")"));
  EXPECT_THAT(ambiguous, HasSubstr("Cell Therapy Unit/Cryo room/FRZ-02/R2"));
  EXPECT_THAT(Refused(*tina_, {"custody", "locations",
                               "--parent-location=FRZ-01/R2/B3/Z9"}),
              HasSubstr("--parent-location: \"FRZ-01/R2/B3/Z9\": "
                        "Cell Therapy Unit/Cryo room/FRZ-01/R2/B3 holds no "
                        "\"Z9\""));
  EXPECT_THAT(
      Refused(*quinn_, {"custody", "location-add", "--kind=box", "--name=B9",
                        "--parent-location=FRZ-09/R2"}),
      HasSubstr("custody location-add: NOT_FOUND: --parent-location: no "
                "location is named \"FRZ-09\""));
  // The ids still work, and a box's positions are not searched from the
  // top: a position is named through its box.
  EXPECT_THAT(Ok(*tina_, {"custody", "locations", "--parent-location=" + b3}),
              HasSubstr(a2));
  EXPECT_THAT(Refused(*tina_, {"custody", "locations", "--parent-location=A1"}),
              HasSubstr("no location is named \"A1\""));

  // A donor lot, and then its batch, by the DIN as the CLI prints it, in
  // any of its forms.
  std::string din = ReleasedDonorLot().din;
  ASSERT_FALSE(din.empty());
  std::string bare = din.substr(0, din.find(" ["));
  bare.erase(std::remove(bare.begin(), bare.end(), ' '), bare.end());
  ASSERT_EQ(bare.size(), 13u) << din;
  // The donor lot's custody item by the DIN as printed.
  std::string lot_item = Ok(*tina_, {"custody", "show", "--item-id=" + din});
  EXPECT_THAT(lot_item, ContainsRegex("type +donor_lot\n"));
  EXPECT_THAT(lot_item, ContainsRegex("din +" + bare + "\n"));
  EXPECT_EQ(Ok(*tina_, {"custody", "show", "--item-id==" + bare}), lot_item);
  std::string started =
      Ok(*tina_, {"manufacturing", "batch-start", "--lot-id=" + din});
  std::string batch = Capture(started, "batch (bat_[A-Za-z0-9_-]+) started");
  ASSERT_FALSE(batch.empty()) << started;
  EXPECT_THAT(started, HasSubstr("(DIN " + bare + ")"));
  EXPECT_THAT(Ok(*tina_, {"manufacturing", "batch-list",
                          "--lot-id=" + absl::AsciiStrToLower(bare)}),
              HasSubstr(batch));

  // A step recorded with every thing named by its code: the batch by its
  // number (the DIN, lower case), the room by name, the medium by its code,
  // the cabinet by its tag.
  WaitForTheNextSecond();
  // After the batch's start and the medium's release (to the second).
  std::string seeded_at = Rfc3339(absl::Now());
  std::string step_out = SignedOk(
      *tina_, kTinaPassword,
      {"manufacturing", "processing",
       "--batch-id=" + absl::AsciiStrToLower(bare),
       "--location-id=culture ROOM", "--method=enzymatic", "--tissue-grams=20",
       "--vessel-type=T175 flask", "--vessel-count=1",
       "--seeded-at=" + seeded_at, "--seeded-cells=2.5e5",
       "--material=" + lower + ":500 ml", "--equipment=bsc-02"});
  std::string step =
      Capture(step_out, "step (stp_[A-Za-z0-9_-]+) \\(processing");
  ASSERT_FALSE(step.empty()) << step_out;
  std::string shown =
      Ok(*quinn_, {"manufacturing", "step-show", "--step-id=" + step});
  EXPECT_THAT(shown, ContainsRegex("material +" + code +
                                   " lot ME-2291 \\(MEM alpha\\) "
                                   "\\(500 ml\\)\n"));
  EXPECT_THAT(shown, ContainsRegex("equipment +BSC-02\n"));
  EXPECT_THAT(Ok(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + din}),
              ContainsRegex("batch +" + batch + "\n"));
  EXPECT_THAT(Ok(*quinn_, {"custody", "show",
                           "--item-id=" +
                               Capture(step_out, "flask (itm_" +
                                                     std::string(kId) + ")")}),
              ContainsRegex("location +" + culture + "\n"));

  // The culture harvested, then a passage seeded from part of it: the cells
  // left in the flask need a disposition (--leftover), and once discarded
  // nothing more is drawn from them.
  WaitForTheNextSecond();
  SignedOk(*tina_, kTinaPassword,
           {"manufacturing", "harvest", "--step-id=" + step,
            "--harvested-at=" + Rfc3339(absl::Now()), "--harvested-cells=2.5e5",
            "--viability=95"});
  WaitForTheNextSecond();
  std::vector<std::string> seed = {
      "manufacturing",
      "passage-seed",
      "--source-step-id=" + step,
      "--location-id=Cell Therapy Unit/Culture room",
      "--vessel-type=T75 flask",
      "--vessel-count=1",
      "--seeded-at=" + Rfc3339(absl::Now()),
      "--seeded-cells=1e5",
      "--material=" + lower + ":15 ml",
      "--equipment=BSC-02"};
  RunResult unsaid = Signed(*tina_, kTinaPassword, seed);
  EXPECT_EQ(unsaid.exit_code, 1) << unsaid.output;
  EXPECT_THAT(unsaid.output, HasSubstr("cellchain: manufacturing passage-seed: "
                                       "INVALID_ARGUMENT: --leftover: "));
  std::vector<std::string> discarded = seed;
  discarded.push_back("--leftover=discarded");
  EXPECT_THAT(SignedOk(*tina_, kTinaPassword, discarded),
              HasSubstr("(passage P1"));
  RunResult more = Signed(*tina_, kTinaPassword, seed);
  EXPECT_EQ(more.exit_code, 1) << more.output;
  EXPECT_THAT(more.output, HasSubstr("(reason: LEFTOVER_DISCARDED)"));

  // The DIN names the lot's batch that was not aborted; when every batch
  // of the lot was aborted and there are several, it names none.
  std::vector<std::string> abort = {"manufacturing", "batch-abort",
                                    "--batch-id=" + bare,
                                    "--reason=wrong donor lot scanned"};
  EXPECT_THAT(SignedOk(*quinn_, kQuinnPassword, abort),
              HasSubstr(batch + " is ABORTED"));
  std::string restarted =
      Ok(*tina_, {"manufacturing", "batch-start", "--lot-id=" + bare});
  std::string second = Capture(restarted, "batch (bat_[A-Za-z0-9_-]+) started");
  ASSERT_FALSE(second.empty()) << restarted;
  EXPECT_THAT(Ok(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + din}),
              ContainsRegex("batch +" + second + "\n"));
  EXPECT_THAT(SignedOk(*quinn_, kQuinnPassword, abort),
              HasSubstr(second + " is ABORTED"));
  std::string two =
      Refused(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + din});
  EXPECT_THAT(two, HasSubstr("--batch-id: \"" + din + "\" is ambiguous"));
  EXPECT_THAT(two, HasSubstr(batch + " (aborted)"));
  EXPECT_THAT(two, HasSubstr(second + " (aborted)"));
  EXPECT_THAT(
      Ok(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + batch}),
      ContainsRegex("state +ABORTED\n"));
  // A DIN whose check character is wrong is no batch number.
  std::string wrong = bare + (din.ends_with("[0]") ? "1" : "0");
  EXPECT_THAT(
      Refused(*quinn_, {"manufacturing", "batch-show", "--batch-id=" + wrong}),
      HasSubstr("--batch-id: \"" + wrong +
                "\" is neither a batch id (bat_...) nor a batch number"));
}

}  // namespace
}  // namespace cellchain::e2e
