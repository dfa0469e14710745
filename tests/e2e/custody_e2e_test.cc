// Custody as people do it, through the cellchain CLI against a real
// cellchaind over real mTLS: a technician allocates a DIN and registers a
// donor lot and what is made from it, hands the dose to the pharmacy, whose
// scan of the wrong bag is refused; QA recalls the lot, traces the dose
// back to its donor, and the whole audit trail — custody's signed
// snapshots included — verifies.
#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/test_database.h"
#include "tests/e2e/daemon.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdminPassword[] = "correct horse battery staple";
constexpr char kTinaPassword[] = "she keeps the chain intact";
constexpr char kPhilPassword[] = "releases only the right dose";
constexpr char kQuinnPassword[] = "quality is never an accident";

// The first match of `pattern`'s group 1 in `text`, or "".
std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern))) return m[1];
  return "";
}

class CustodyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Pki().empty()) << "run through ctest";
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    RunResult boot = BootstrapAdmin(WithoutUser(db_->conninfo()), "admin",
                                    "Ada Admin", kAdminPassword);
    ASSERT_EQ(boot.exit_code, 0) << boot.output;
    std::string error;
    daemon_ = Daemon::Start(WithoutUser(db_->conninfo()), {}, &error);
    ASSERT_NE(daemon_, nullptr) << error;
    admin_ = Person("admin-cli", "admin");
    ASSERT_EQ(admin_->Login("admin", kAdminPassword).exit_code, 0);
    tina_ = Person("lab-ws-01", "tina");
    phil_ = Person("pharmacy-ws-01", "phil");
    quinn_ = Person("qa-ws-01", "quinn");
    ASSERT_TRUE(ProvisionUser(*admin_, *tina_, "tina", "Tina Tech",
                              "technician", kTinaPassword)
                    .ok())
        << "provisioning tina";
    ASSERT_TRUE(ProvisionUser(*admin_, *phil_, "phil", "Phil Pharmacist",
                              "pharmacist", kPhilPassword)
                    .ok());
    ASSERT_TRUE(ProvisionUser(*admin_, *quinn_, "quinn", "Quinn Quality",
                              "qa", kQuinnPassword)
                    .ok());
  }

  std::unique_ptr<CliSession> Person(const std::string& workstation,
                                     const std::string& name) {
    return std::make_unique<CliSession>(*daemon_, workstation,
                                        sessions_.path() + "/" + name);
  }

  // Runs a command that must succeed; its output.
  std::string Ok(const CliSession& who, const std::vector<std::string>& args,
                 const std::string& input = "") {
    RunResult r = who.Run(args, input);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  }

  // "registered itm_... (...)" -> the item id.
  std::string Register(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"custody", "register"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string id = Capture(Ok(*tina_, argv), "registered (itm_[A-Za-z0-9]+)");
    EXPECT_FALSE(id.empty());
    return id;
  }

  TempDir sessions_{"custody-e2e"};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<CliSession> admin_, tina_, phil_, quinn_;
};

TEST_F(CustodyE2eTest, FromDonorLotToPharmacyWithScansRecallTraceAndVerify) {
  // A DIN for the donor lot, with its boxed check character.
  std::string din_out = Ok(*tina_, {"custody", "din", "--fin=A9999"});
  std::string data = Capture(din_out, "data structure +(=A9999[0-9]{8}[0-9]{2})");
  ASSERT_FALSE(data.empty()) << din_out;
  EXPECT_THAT(din_out, ::testing::ContainsRegex("A9999 [0-9]{2} 000001 \\[.\\]"));

  std::string lot = Register({"--type=donor_lot", "--din=" + data});
  std::string medium = Register({"--type=reagent_lot", "--local-code=MED-7"});
  std::string vessel = Register(
      {"--type=culture_vessel", "--local-code=P0-7",
       "--parents=" + lot + ":processing," + medium + ":material"});
  std::string dose = Register({"--type=dose_bag", "--local-code=DOSE-7",
                               "--patient-id=RH-017",
                               "--parents=" + vessel + ":formulation"});
  std::string other = Register({"--type=dose_bag", "--local-code=DOSE-8",
                                "--parents=" + vessel + ":formulation"});

  // To the pharmacy: the wrong bag scanned is refused, the right one taken.
  std::string handoff_out = Ok(*tina_, {"custody", "handoff", "--item-id=" + dose,
                                        "--to-user=phil", "--condition=cool box"});
  std::string handoff = Capture(handoff_out, "handoff (hnd_[A-Za-z0-9]+)");
  ASSERT_FALSE(handoff.empty()) << handoff_out;
  RunResult wrong = phil_->Run(
      {"custody", "accept", "--handoff-id=" + handoff, "--scan=-"}, "DOSE-8\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.output, HasSubstr("(reason: SCAN_MISMATCH)"));
  std::string accepted = Ok(
      *phil_, {"custody", "accept", "--handoff-id=" + handoff, "--scan=-"},
      "DOSE-7\n");
  EXPECT_THAT(accepted, HasSubstr("custodian phil"));
  // Only the custodian hands it on.
  RunResult not_hers = tina_->Run(
      {"custody", "handoff", "--item-id=" + dose, "--to-user=tina"});
  EXPECT_THAT(not_hers.output, HasSubstr("(reason: NOT_CUSTODIAN)"));
  // A technician may not recall.
  RunResult not_qa = tina_->Run({"custody", "recall", "--item-id=" + lot,
                                 "--reason=suspected contamination"});
  EXPECT_THAT(not_qa.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));

  // QA recalls the donor lot: it and everything made from it is held.
  std::string recalled = Ok(*quinn_, {"custody", "recall", "--item-id=" + lot,
                                      "--reason=maternal HBV NAT reactive"});
  EXPECT_THAT(recalled, HasSubstr("4 item(s) on hold"));
  EXPECT_THAT(recalled, HasSubstr(dose));
  EXPECT_THAT(recalled, HasSubstr(other));
  EXPECT_THAT(Ok(*phil_, {"custody", "show", "--item-id=" + dose}),
              HasSubstr("on_hold (held)"));
  RunResult infuse = phil_->Run({"custody", "end", "--item-id=" + dose,
                                 "--outcome=infused", "--patient-id=RH-017"});
  EXPECT_THAT(infuse.output, HasSubstr("(reason: ITEM_ON_HOLD)"));

  // The dose traced back: donor lot, reagent lot, operators, patient.
  std::string trace = Ok(*quinn_, {"custody", "trace", "--item-id=" + dose});
  EXPECT_THAT(trace, HasSubstr("donor lots    " + lot));
  EXPECT_THAT(trace, HasSubstr("reagent lots  " + medium));
  EXPECT_THAT(trace, HasSubstr("operators     phil, quinn, tina"));
  EXPECT_THAT(trace, HasSubstr("RH-017"));
  EXPECT_THAT(trace, ::testing::ContainsRegex("<- formulation itm_.* \\(rec_"));

  // Every custody record verifies, snapshots against rows included.
  std::string verified = Ok(*quinn_, {"audit", "verify"});
  EXPECT_THAT(verified, Not(HasSubstr("FINDING")));
}

}  // namespace
}  // namespace cellchain::e2e
