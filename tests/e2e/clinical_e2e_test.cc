// The clinical group of the cellchain CLI through the real binary against a
// real cellchaind over mTLS: a patient's record and a QC lot's infusions as
// the clinic, the pharmacy and QA read them; and what a clinician meets
// when something is refused — a dose nobody issued, an infusion nobody
// received, a second clinician who is not one, a catheter out of range
// named by its flag, an artery or a finding typed wrong — each as one line
// with its exit code.
//
// Not yet here: the main path (a dose received, checked at the bedside,
// infused, observed on days 1-5), which needs a dose the pharmacy released
// and issued from a lot QA released: a manufactured batch, QC's tests and
// QA's disposition, then the pharmacy's preparation, count, verification,
// release and issue (see docs/services/clinical.md, "CLI").
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

inline constexpr char kCleoPassword[] = "the right cells to the right heart";
inline constexpr char kCarlPassword[] = "checks the wristband twice";
inline constexpr CastMember kCleo = {"clinic-ws-01", "cleo", "Cleo Clinician",
                                     "clinician", kCleoPassword};
inline constexpr CastMember kCarl = {"clinic-ws-01", "carl", "Carl Clinician",
                                     "clinician", kCarlPassword};

// An RFC 3339 time `minutes` from now (negative: in the past).
std::string Minutes(int minutes) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::Now() + absl::Minutes(minutes),
                          absl::UTCTimeZone());
}

class ClinicalE2eTest : public E2eTest {
 protected:
  ClinicalE2eTest() : E2eTest("clinical-e2e") {}

  // cleo and carl (clinicians), tina (technician), phil (pharmacist) and
  // quinn (QA); patient RH-017, registered by cleo as the clinic does.
  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(cleo_, AddUser(kCleo));
    CC_ASSERT_OK_AND_ASSIGN(carl_, AddUser(kCarl));
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
    CC_ASSERT_OK_AND_ASSIGN(phil_, AddUser(kPhil));
    CC_ASSERT_OK_AND_ASSIGN(quinn_, AddUser(kQuinn));
    CC_ASSERT_OK_AND_ASSIGN(
        std::string token,
        daemon_->Login(kCleo.workstation, kCleo.user_id, kCleoPassword));
    auto dose =
        dose::v1::DoseService::NewStub(daemon_->Channel(kCleo.workstation));
    dose::v1::RegisterPatientRequest request;
    request.mutable_context()->set_request_id("e2e_register_rh_017");
    request.set_subject_id("RH-017");
    request.set_date_of_birth("1961-04-02");
    request.set_initials("JD");
    dose::v1::RegisterPatientResponse response;
    grpc::Status registered =
        dose->RegisterPatient(SessionContext(token).get(), request, &response);
    ASSERT_TRUE(registered.ok()) << registered.error_message();
  }

  // `cellchain clinical <args> --password-stdin` with `passwords`, one a
  // line (the signer's, then the co-signer's).
  RunResult Signed(const CliSession& who, std::vector<std::string> args,
                   const std::vector<std::string>& passwords) {
    args.insert(args.begin(), "clinical");
    args.push_back("--password-stdin");
    std::string input;
    for (const std::string& p : passwords) absl::StrAppend(&input, p, "\n");
    return who.Run(args, input);
  }

  std::unique_ptr<CliSession> cleo_, carl_, tina_, phil_, quinn_;
};

TEST_F(ClinicalE2eTest, TheRecordAndALotsInfusionsAreReadByClinicPharmacyQa) {
  // A patient registered and not yet infused: an empty record, not an
  // error, for the clinic, the pharmacy and QA alike.
  for (const CliSession* who : {cleo_.get(), phil_.get(), quinn_.get()}) {
    EXPECT_EQ(Ok(*who, {"clinical", "record", "--subject-id=RH-017"}),
              "patient RH-017: 0 infusion(s)\n");
  }
  // A subject the dose service does not know is not "never infused".
  RunResult unknown = cleo_->Run({"clinical", "record", "--subject-id=RH-404"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_THAT(unknown.output,
              ContainsRegex("^cellchain: clinical record: NOT_FOUND: [^\n]*"
                            "\\(reason: PATIENT_NOT_FOUND\\)\n$"));
  // A technician reads no patient records.
  RunResult technician =
      tina_->Run({"clinical", "record", "--subject-id=RH-017"});
  EXPECT_EQ(technician.exit_code, 1) << technician.output;
  EXPECT_THAT(technician.output,
              ContainsRegex("^cellchain: clinical record: PERMISSION_DENIED: "
                            "[^\n]*\\(reason: ROLE_NOT_ALLOWED\\)\n$"));

  // A lot none of whose doses was infused: the table's header, and none.
  std::string listed =
      Ok(*quinn_, {"clinical", "infusions", "--lot-id=qcl_none"});
  EXPECT_THAT(listed, ContainsRegex("^INFUSION +DOSE +PATIENT +STATE +"
                                    "RECEIVED \\(UTC\\) +INFUSED \\(UTC\\) +"
                                    "ML +ML/MIN\n"));
  EXPECT_THAT(listed, HasSubstr("\n0 infusion(s) of lot qcl_none\n"));

  // Every command says what it takes.
  std::string help = Ok(*cleo_, {"clinical", "--help"});
  for (const char* verb :
       {"receive", "bedside-check", "infuse", "dispose-unused", "observe",
        "adverse-event", "record", "infusions"}) {
    EXPECT_THAT(help, ContainsRegex(std::string("\n  ") + verb + " +[A-Z]"))
        << verb;
  }
  EXPECT_THAT(Ok(*cleo_, {"clinical", "infuse", "--help"}),
              HasSubstr("--artery=STRING"));
}

TEST_F(ClinicalE2eTest, ARefusalIsOneLineNamingTheRuleOrTheFlag) {
  // A dose the pharmacy never issued: the service's rule, exit 1.
  RunResult no_dose = cleo_->Run(
      {"clinical", "receive", "--dose-id=dos_nope", "--scan==W0000"});
  EXPECT_EQ(no_dose.exit_code, 1) << no_dose.output;
  EXPECT_THAT(no_dose.output,
              ContainsRegex("^cellchain: clinical receive: NOT_FOUND: [^\n]*"
                            "\\(reason: DOSE_NOT_FOUND\\)\n$"));
  // Only a clinician receives at the cath lab.
  RunResult technician = tina_->Run(
      {"clinical", "receive", "--dose-id=dos_nope", "--scan==W0000"});
  EXPECT_EQ(technician.exit_code, 1) << technician.output;
  EXPECT_THAT(technician.output,
              ContainsRegex("^cellchain: clinical receive: PERMISSION_DENIED: "
                            "[^\n]*\\(reason: ROLE_NOT_ALLOWED\\)\n$"));
  // The client's own refusals, before anything is sent: exit 2.
  RunResult no_scan = cleo_->Run({"clinical", "receive", "--dose-id=dos_x"});
  EXPECT_EQ(no_scan.exit_code, 2) << no_scan.output;
  EXPECT_THAT(no_scan.output,
              HasSubstr("cellchain: clinical receive: --scan is required"));
  RunResult empty_scan =
      cleo_->Run({"clinical", "receive", "--dose-id=dos_x", "--scan=-"});
  EXPECT_EQ(empty_scan.exit_code, 2) << empty_scan.output;
  EXPECT_EQ(empty_scan.output,
            "cellchain: clinical receive: --scan: the dose bag's label, "
            "scanned\n");

  // The bedside check: the second clinician co-signs with their own
  // password (stdin's second line). A technician may not be the second.
  const std::vector<std::string> bedside = {"bedside-check",
                                            "--infusion-id=inf_nope",
                                            "--label-scan==W0000",
                                            "--date-of-birth=1961-04-02",
                                            "--initials=JD",
                                            "--second-label-scan==W0000",
                                            "--second-date-of-birth=1961-04-02",
                                            "--second-initials=JD"};
  std::vector<std::string> with_tina = bedside;
  with_tina.push_back("--second-clinician=tina");
  RunResult not_clinician =
      Signed(*cleo_, with_tina, {kCleoPassword, kTinaPassword});
  EXPECT_EQ(not_clinician.exit_code, 1) << not_clinician.output;
  EXPECT_EQ(not_clinician.output,
            "cellchain: clinical bedside-check: PERMISSION_DENIED: the second "
            "person tina (technician) may not sign this step (allowed: "
            "clinician) (reason: ROLE_NOT_ALLOWED)\n");
  std::vector<std::string> with_carl = bedside;
  with_carl.push_back("--second-clinician=carl");
  RunResult no_infusion =
      Signed(*cleo_, with_carl, {kCleoPassword, kCarlPassword});
  EXPECT_EQ(no_infusion.exit_code, 1) << no_infusion.output;
  EXPECT_THAT(no_infusion.output,
              ContainsRegex("^cellchain: clinical bedside-check: NOT_FOUND: "
                            "[^\n]*\\(reason: INFUSION_NOT_FOUND\\)\n$"));
  // Without the co-signer's password nothing is sent.
  RunResult one_password = Signed(*cleo_, with_carl, {kCleoPassword});
  EXPECT_EQ(one_password.exit_code, 2) << one_password.output;
  EXPECT_THAT(one_password.output,
              HasSubstr("cellchain: clinical bedside-check: stdin has no more "
                        "lines"));
  // The second clinician is required, by its flag.
  RunResult alone = Signed(*cleo_, bedside, {kCleoPassword});
  EXPECT_EQ(alone.exit_code, 2) << alone.output;
  EXPECT_THAT(alone.output, HasSubstr("cellchain: clinical bedside-check: "
                                      "--second-clinician is required"));

  // The infusion as performed: a field of the request named by the flag
  // typed for it; an artery that is not one, with the proto's choices.
  std::vector<std::string> infuse = {
      "infuse", "--infusion-id=inf_nope", "--started-at=" + Minutes(-20),
      "--ended-at=" + Minutes(-10), "--volume-ml=20"};
  std::vector<std::string> wide = infuse;
  wide.insert(wide.end(),
              {"--artery=left_anterior_descending", "--catheter-fr=12"});
  RunResult catheter = Signed(*cleo_, wide, {kCleoPassword});
  EXPECT_EQ(catheter.exit_code, 1) << catheter.output;
  EXPECT_EQ(catheter.output,
            "cellchain: clinical infuse: INVALID_ARGUMENT: --catheter-fr: 4 "
            "to 8 Fr (field: details.catheter_french)\n");
  std::vector<std::string> aorta = infuse;
  aorta.insert(aorta.end(), {"--artery=aorta", "--catheter-fr=6"});
  RunResult artery = Signed(*cleo_, aorta, {kCleoPassword});
  EXPECT_EQ(artery.exit_code, 2) << artery.output;
  EXPECT_EQ(artery.output,
            "cellchain: clinical infuse: --artery: left_main, "
            "left_anterior_descending, left_circumflex or right\n");
  std::vector<std::string> fine = infuse;
  fine.insert(fine.end(), {"--artery=right", "--catheter-fr=6"});
  RunResult not_received = Signed(*cleo_, fine, {kCleoPassword});
  EXPECT_EQ(not_received.exit_code, 1) << not_received.output;
  EXPECT_THAT(not_received.output,
              ContainsRegex("^cellchain: clinical infuse: NOT_FOUND: [^\n]*"
                            "\\(reason: INFUSION_NOT_FOUND\\)\n$"));

  // A finding typed wrong is refused before anything is recorded.
  RunResult finding = Signed(*cleo_,
                             {"observe", "--infusion-id=inf_nope", "--day=1",
                              "--observed-at=" + Minutes(-5), "--entry=ecg:0",
                              "--entry=lab:AST:high:U/L"},
                             {kCleoPassword});
  EXPECT_EQ(finding.exit_code, 2) << finding.output;
  EXPECT_EQ(finding.output,
            "cellchain: clinical observe: --entry lab:AST:high:U/L: "
            "lab:ANALYTE:VALUE:UNIT (lab:AST:35:U/L)\n");
  RunResult day = Signed(*cleo_,
                         {"observe", "--infusion-id=inf_nope", "--day=first",
                          "--observed-at=" + Minutes(-5)},
                         {kCleoPassword});
  EXPECT_EQ(day.exit_code, 2) << day.output;
  EXPECT_EQ(day.output,
            "cellchain: clinical observe: --day: not a whole number\n");

  // An adverse event's seriousness is one of the proto's.
  RunResult serious = Signed(
      *cleo_,
      {"adverse-event", "--infusion-id=inf_nope", "--term=palpitations",
       "--onset-at=" + Minutes(-5), "--seriousness=grave", "--severity=mild",
       "--relatedness=possible", "--outcome=recovered"},
      {kCleoPassword});
  EXPECT_EQ(serious.exit_code, 2) << serious.output;
  EXPECT_EQ(serious.output,
            "cellchain: clinical adverse-event: --seriousness: not_serious or "
            "serious\n");
  // A return needs a reason, asked for by its flag before anything is sent.
  RunResult unexplained = Signed(*cleo_,
                                 {"dispose-unused", "--infusion-id=inf_nope",
                                  "--disposal=destroyed", "--witness=carl"},
                                 {kCleoPassword, kCarlPassword});
  EXPECT_EQ(unexplained.exit_code, 2) << unexplained.output;
  EXPECT_THAT(unexplained.output,
              HasSubstr("cellchain: clinical dispose-unused: --reason is "
                        "required"));
  EXPECT_THAT(unexplained.output, Not(HasSubstr("INTERNAL")));
}

}  // namespace
}  // namespace cellchain::e2e
