// The clinical group of the cellchain CLI through the real binary against a
// real cellchaind over mTLS. The main path: a dose the pharmacy released and
// issued is received at the cath lab by scanning its bag, refused at the
// bedside for the wrong patient (the rule named), checked by two
// clinicians, infused (20 ml over 10 minutes, 2.00 ml/min), observed on
// day 1, a mild adverse event reported, and the patient's record shown; a
// second dose received and destroyed unused with a witness; a second
// patient infused in part from the same lot (a rate deviation, the
// remainder destroyed with a witness), whom the lookback of a serious event
// of the first then lists. Also a
// patient's record and a QC lot's infusions as the clinic, the pharmacy and QA
// read them; and what a clinician meets when something is refused — a dose
// nobody issued, an infusion nobody received, a second clinician who is not
// one, a catheter out of range named by its flag, an artery or a finding typed
// wrong — each as one line with its exit code.
//
// What comes before the cath lab is set up as the lab, QC and the pharmacy
// do it, each as its own user: the batch and QC's release testing through
// the donor, manufacturing and qc commands (CliChainTest's chain: the paper
// record of two weeks ago, transcribed late), the pharmacy's dose through
// its service's RPCs.
// Days 2-5 of the observation lie in the future of a real clock: a day
// recorded on the wrong day is shown refused instead (OBSERVATION_DAY).
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cellchain/dose/v1/dose.grpc.pb.h"
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

// The second clinician at the bedside, and the witness.
inline constexpr char kCarlPassword[] = "checks the wristband twice";
inline constexpr CastMember kCarl = {"clinic-ws-01", "carl", "Carl Clinician",
                                     "clinician", kCarlPassword};

// A trial subject as the wristband and the order sheet name them.
struct Patient {
  const char* subject_id;
  const char* date_of_birth;
  const char* initials;
};
inline constexpr Patient kJane = {"RH-017", "1961-04-02", "JD"};
inline constexpr Patient kMark = {"RH-018", "1975-09-30", "MK"};

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

common::v1::ESignature Sign(const char* password,
                            common::v1::SignatureMeaning meaning) {
  common::v1::ESignature signature;
  signature.set_password(password);
  signature.set_meaning(meaning);
  return signature;
}

google::protobuf::Timestamp Timestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

// An RFC 3339 time `minutes` from now (negative: in the past).
std::string Minutes(int minutes) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::Now() + absl::Minutes(minutes),
                          absl::UTCTimeZone());
}

class ClinicalE2eTest : public CliChainTest {
 protected:
  ClinicalE2eTest() : CliChainTest("clinical-e2e") {}

  // The chain's cast (tina, tom, otto, ana, quinn), cleo and carl
  // (clinicians) and phil (pharmacist); patients RH-017 and RH-018,
  // registered by cleo as the clinic does.
  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    AddChainCast();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(cleo_, AddUser(kCleo));
    CC_ASSERT_OK_AND_ASSIGN(carl_, AddUser(kCarl));
    CC_ASSERT_OK_AND_ASSIGN(phil_, AddUser(kPhil));
    CC_ASSERT_OK_AND_ASSIGN(
        std::string token,
        daemon_->Login(kCleo.workstation, kCleo.user_id, kCleoPassword));
    auto dose =
        dose::v1::DoseService::NewStub(daemon_->Channel(kCleo.workstation));
    for (const Patient& patient : {kJane, kMark}) {
      dose::v1::RegisterPatientRequest request;
      request.mutable_context()->set_request_id(std::string("e2e_register_") +
                                                patient.subject_id);
      request.set_subject_id(patient.subject_id);
      request.set_date_of_birth(patient.date_of_birth);
      request.set_initials(patient.initials);
      dose::v1::RegisterPatientResponse response;
      grpc::Status registered = dose->RegisterPatient(
          SessionContext(token).get(), request, &response);
      ASSERT_TRUE(registered.ok()) << registered.error_message();
    }
  }

  // `cellchain clinical <args> --password-stdin` with `passwords`, one a
  // line (the signer's, then the co-signer's).
  RunResult SignedClinical(const CliSession& who, std::vector<std::string> args,
                           const std::vector<std::string>& passwords) {
    args.insert(args.begin(), "clinical");
    args.push_back("--password-stdin");
    std::string input;
    for (const std::string& p : passwords) absl::StrAppend(&input, p, "\n");
    return who.Run(args, input);
  }

  // `who`'s session for the RPCs the test sends as them: a channel from
  // their workstation and a token of their own, logged in at the first
  // call and kept for the test's later ones (three doses were twelve
  // log-ins).
  struct Caller {
    std::shared_ptr<grpc::Channel> channel;
    std::string token;
    std::unique_ptr<grpc::ClientContext> Context() const {
      return SessionContext(token);
    }
  };
  const Caller& As(const CastMember& who) {
    auto [kept, first] = callers_.try_emplace(who.user_id);
    if (first) {
      absl::StatusOr<std::string> token =
          daemon_->Login(who.workstation, who.user_id, who.password);
      EXPECT_TRUE(token.ok()) << who.user_id << ": " << token.status();
      kept->second = {daemon_->Channel(who.workstation), token.value_or("")};
    }
    return kept->second;
  }
  common::v1::RequestContext Request() {
    common::v1::RequestContext context;
    context.set_request_id(absl::StrFormat("e2e_clinical_%04d", ++requests_));
    return context;
  }

  // `patient`'s dose of 1e7 cells in 20 ml from `lot`, prepared, counted and
  // verified in the lab, released by phil and issued to cleo; its handoff
  // id in `handoff`. The first stocks the pharmacy all use.
  dose::v1::Dose IssuedDose(const std::string& lot, std::string* handoff,
                            const Patient& patient = kJane);

  std::unique_ptr<CliSession> cleo_, carl_, phil_;
  // IssuedDose's: the materials every dose is made with, and the pharmacy.
  Pharmacy pharmacy_;
  std::map<std::string, Caller> callers_;  // As's, by user id
  int requests_ = 0;
};

// What the scanner reads from the dose bag's label: its 001, 003, 005 and
// 040, concatenated.
std::string LabelOf(const dose::v1::Dose& dose) {
  return dose.donation_identification() + dose.product_code() +
         dose.expiration() + dose.chain_of_identity();
}

TEST_F(ClinicalE2eTest, ADoseIsReceivedCheckedInfusedAndObserved) {
  const std::string batch = VerifiedHarvest().batch_id;
  ASSERT_FALSE(batch.empty());
  const std::string lot = ReleasedQcLot(batch);
  ASSERT_FALSE(lot.empty());
  std::string handoff;
  dose::v1::Dose dose = IssuedDose(lot, &handoff);
  ASSERT_FALSE(dose.dose_id().empty());
  const std::string label = LabelOf(dose);

  // The cath lab receives the bag by scanning it.
  std::string received =
      Ok(*cleo_,
         {"clinical", "receive", "--dose-id=" + dose.dose_id(), "--scan=-",
          "--condition=2-8 C, cool box"},
         label + "\n");
  std::string infusion = Capture(received, "infusion +(inf_[A-Za-z0-9_-]+)\n");
  ASSERT_FALSE(infusion.empty()) << received;
  EXPECT_THAT(received, HasSubstr("dose " + dose.dose_id() +
                                  " received at the cath lab for RH-017"));
  EXPECT_THAT(received, ContainsRegex("state +received\n"));
  EXPECT_THAT(received,
              ContainsRegex("dose +" + dose.dose_id() + " \\(20.0 ml\\)\n"));
  EXPECT_THAT(received, ContainsRegex("QC lot +" + lot + "\n"));
  EXPECT_THAT(received,
              ContainsRegex("received +[0-9T:-]+Z by cleo \\(handoff " +
                            handoff + "\\)\n"));

  // The bedside: carl reads another date of birth from the wristband.
  std::vector<std::string> check = {"clinical",
                                    "bedside-check",
                                    "--infusion-id=" + infusion,
                                    "--label-scan=" + label,
                                    "--date-of-birth=1961-04-02",
                                    "--initials=JD",
                                    "--subject-id=RH-017",
                                    "--second-clinician=carl",
                                    "--second-label-scan=" + label,
                                    "--second-initials=JD",
                                    "--password-stdin"};
  std::vector<std::string> wrong = check;
  wrong.push_back("--second-date-of-birth=1961-04-20");
  const std::string passwords =
      std::string(kCleoPassword) + "\n" + kCarlPassword + "\n";
  RunResult refused = cleo_->Run(wrong, passwords);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output,
              ContainsRegex("^cellchain: clinical bedside-check: "
                            "FAILED_PRECONDITION: dose " +
                            dose.dose_id() +
                            " cannot be given at the bedside: [^\n]*carl"
                            "[^\n]*\\(reason: WRONG_PATIENT\\)\n$"));
  std::vector<std::string> right = check;
  right.push_back("--second-date-of-birth=1961-04-02");
  std::string checked = cleo_->Run(right, passwords).output;
  EXPECT_THAT(checked, HasSubstr("bedside check passed: dose " +
                                 dose.dose_id() + " is for RH-017"));
  EXPECT_THAT(checked, ContainsRegex("state +bedside_verified\n"));
  EXPECT_THAT(checked, ContainsRegex("bedside check +[0-9T:-]+Z by cleo: "
                                     "wristband RH-017, born 1961-04-02, "
                                     "initials JD\n"));
  EXPECT_THAT(checked, ContainsRegex("bedside check +[0-9T:-]+Z by carl: "
                                     "wristband born 1961-04-02, initials "
                                     "JD\n"));
  std::string verified_text =
      Capture(checked, "bedside verified +([0-9T:-]+Z)\n");
  ASSERT_FALSE(verified_text.empty()) << checked;
  absl::Time verified;
  std::string error;
  ASSERT_TRUE(
      absl::ParseTime(absl::RFC3339_full, verified_text, &verified, &error))
      << error;

  // 20 ml over 10 minutes: 2.00 ml/min. A test cannot wait the 10
  // minutes, so the infusion is entered from 5 minutes before the bedside
  // check (the earliest start the service takes, its clock difference) to
  // 5 minutes after (the latest end it takes, the same difference): the
  // end is 301 s after the check's time to the second, so the clock must
  // have passed that second.
  WaitUntilPast(verified + absl::Seconds(1));
  const absl::Time started = verified - absl::Seconds(299);
  std::string infused =
      Ok(*cleo_,
         {"clinical", "infuse", "--infusion-id=" + infusion,
          "--started-at=" + Rfc3339(started),
          "--ended-at=" + Rfc3339(started + absl::Minutes(10)),
          "--volume-ml=20", "--artery=left_anterior_descending",
          "--catheter-fr=6", "--password-stdin"},
         std::string(kCleoPassword) + "\n");
  EXPECT_THAT(infused, HasSubstr("infused: 20.0 ml of dose " + dose.dose_id() +
                                 " into RH-017 at 2.00 ml/min\n"));
  EXPECT_THAT(infused, Not(HasSubstr("RATE DEVIATION")));
  EXPECT_THAT(infused, ContainsRegex("rate +2.00 ml/min \\(within the "
                                     "band\\)\n"));
  EXPECT_THAT(infused, ContainsRegex("route +intracoronary, "
                                     "left_anterior_descending, 6 Fr "
                                     "catheter, no balloon occlusion\n"));

  // Day 1's observation; day 2's, entered at the same time, is refused by
  // its rule. Day 1 is the infusion's calendar day (UTC), and the infusion
  // began 5 minutes before the bedside check: when midnight has passed
  // since, day 1 is observed at its last second, not now (a check at 00:02
  // made "now" day 2 of an infusion begun at 23:57).
  const absl::Time day1_ends =
      absl::FromCivil(absl::ToCivilDay(started, absl::UTCTimeZone()) + 1,
                      absl::UTCTimeZone()) -
      absl::Seconds(1);
  const std::string observed_at = Rfc3339(std::min(absl::Now(), day1_ends));
  std::string observed =
      Ok(*cleo_,
         {"clinical", "observe", "--infusion-id=" + infusion, "--day=1",
          "--observed-at=" + observed_at, "--entry=ecg:0",
          "--entry=lab:AST:35:U/L", "--entry=echo:none", "--password-stdin"},
         std::string(kCleoPassword) + "\n");
  EXPECT_THAT(observed,
              ContainsRegex("^day 1 of RH-017 recorded \\(obs_[A-Za-z0-9_-]+, "
                            "observed " +
                            observed_at +
                            "\\): ECG ST 0 mm; lab AST "
                            "35 U/L; echo no local hypokinesia\n$"));
  RunResult day2 =
      cleo_->Run({"clinical", "observe", "--infusion-id=" + infusion, "--day=2",
                  "--observed-at=" + observed_at, "--password-stdin"},
                 std::string(kCleoPassword) + "\n");
  EXPECT_EQ(day2.exit_code, 1) << day2.output;
  EXPECT_THAT(day2.output,
              ContainsRegex("^cellchain: clinical observe: [A-Z_]+: [^\n]*"
                            "\\(reason: OBSERVATION_DAY\\)\n$"));

  // Palpitations in the evening, not serious: no lookback.
  const std::string onset = Rfc3339(absl::Now() - absl::Seconds(30));
  std::string event =
      Ok(*cleo_,
         {"clinical", "adverse-event", "--infusion-id=" + infusion,
          "--term=palpitations", "--onset-at=" + onset,
          "--seriousness=not_serious", "--severity=mild",
          "--relatedness=possible", "--outcome=recovered", "--password-stdin"},
         std::string(kCleoPassword) + "\n");
  EXPECT_THAT(event, HasSubstr("adverse event of RH-017 reported\n"));
  EXPECT_THAT(event, ContainsRegex("adverse event +ae_[A-Za-z0-9_-]+\n"));
  EXPECT_THAT(event, ContainsRegex("onset +" + onset + "\n"));
  EXPECT_THAT(event, ContainsRegex("seriousness +not_serious\n"));
  EXPECT_THAT(event, ContainsRegex("relatedness +possible\n"));
  EXPECT_THAT(event, Not(HasSubstr("lookback")));

  // The patient's record, as QA reads it.
  std::string record =
      Ok(*quinn_, {"clinical", "record", "--subject-id=RH-017"});
  EXPECT_THAT(record, HasSubstr("patient RH-017: 1 infusion(s)\n"));
  EXPECT_THAT(record, ContainsRegex("infusion +" + infusion + "\n"));
  EXPECT_THAT(record, ContainsRegex("state +infused\n"));
  EXPECT_THAT(record, ContainsRegex("infused +" + Rfc3339(started) + " to " +
                                    Rfc3339(started + absl::Minutes(10)) +
                                    " \\(10 min 0 s\\), 20.0 ml by cleo\n"));
  EXPECT_THAT(record, ContainsRegex("\n +1 +" + observed_at +
                                    " +cleo +ECG ST 0 mm; lab AST 35 U/L; "
                                    "echo no local hypokinesia\n"));
  EXPECT_THAT(record, ContainsRegex("term +palpitations\n"));
  // And the lot's infusions, as the pharmacy reads them.
  EXPECT_THAT(Ok(*phil_, {"clinical", "infusions", "--lot-id=" + lot}),
              ContainsRegex(infusion + " +" + dose.dose_id() +
                            " +RH-017 +infused +[0-9T:-]+Z +" +
                            Rfc3339(started) + " +20.0 +2.00\n"));
  // The same lookback for tools: one object per infusion, the volume and
  // rate as numbers.
  const std::string lookback = Ok(
      *phil_, {"clinical", "infusions", "--lot-id=" + lot, "--format=json"});
  nlohmann::json rows = nlohmann::json::parse(lookback, nullptr, false);
  ASSERT_TRUE(rows.is_array() && rows.size() == 1) << lookback;
  EXPECT_EQ(rows[0]["infusion"], infusion);
  EXPECT_EQ(rows[0]["dose"], dose.dose_id());
  EXPECT_EQ(rows[0]["patient"], "RH-017");
  EXPECT_EQ(rows[0]["state"], "infused");
  EXPECT_EQ(rows[0]["started_at"], Rfc3339(started));
  EXPECT_EQ(rows[0]["volume_ml"], 20.0);
  EXPECT_EQ(rows[0]["rate_ml_per_min"], 2.0);
  EXPECT_EQ(rows[0]["rate_deviation"], "no");

  // A second dose, received and then not given: destroyed at the cath lab
  // with carl as witness, who co-signs with his own password.
  std::string second_handoff;
  dose::v1::Dose second = IssuedDose(lot, &second_handoff);
  ASSERT_FALSE(second.dose_id().empty());
  std::string second_received =
      Ok(*cleo_, {"clinical", "receive", "--dose-id=" + second.dose_id(),
                  "--scan=" + LabelOf(second)});
  std::string unused =
      Capture(second_received, "infusion +(inf_[A-Za-z0-9_-]+)\n");
  ASSERT_FALSE(unused.empty()) << second_received;
  std::string destroyed =
      Ok(*cleo_,
         {"clinical", "dispose-unused", "--infusion-id=" + unused,
          "--disposal=destroyed", "--witness=carl",
          "--reason=infusion cancelled: patient unstable", "--password-stdin"},
         passwords);
  EXPECT_THAT(destroyed, HasSubstr("dose " + second.dose_id() +
                                   " destroyed, witness carl\n"));
  EXPECT_THAT(destroyed, ContainsRegex("state +destroyed\n"));
  EXPECT_THAT(destroyed, ContainsRegex("destroyed +[0-9T:-]+Z by cleo, "
                                       "witness carl\n"));
  EXPECT_THAT(destroyed,
              ContainsRegex("reason +infusion cancelled: patient unstable\n"));
  EXPECT_THAT(Ok(*quinn_, {"clinical", "record", "--subject-id=RH-017"}),
              HasSubstr("patient RH-017: 2 infusion(s)\n"));

  // RH-018 receives a dose of the same lot.
  std::string mark_handoff;
  dose::v1::Dose mark = IssuedDose(lot, &mark_handoff, kMark);
  ASSERT_FALSE(mark.dose_id().empty());
  std::string mark_received =
      Ok(*cleo_, {"clinical", "receive", "--dose-id=" + mark.dose_id(),
                  "--scan=" + LabelOf(mark)});
  std::string mark_infusion =
      Capture(mark_received, "infusion +(inf_[A-Za-z0-9_-]+)\n");
  ASSERT_FALSE(mark_infusion.empty()) << mark_received;
  std::string mark_checked =
      Ok(*cleo_,
         {"clinical", "bedside-check", "--infusion-id=" + mark_infusion,
          "--label-scan=" + LabelOf(mark), "--date-of-birth=1975-09-30",
          "--initials=MK", "--second-clinician=carl",
          "--second-label-scan=" + LabelOf(mark),
          "--second-date-of-birth=1975-09-30", "--second-initials=MK",
          "--password-stdin"},
         passwords);
  absl::Time mark_verified;
  ASSERT_TRUE(
      absl::ParseTime(absl::RFC3339_full,
                      Capture(mark_checked, "bedside verified +([0-9T:-]+Z)\n"),
                      &mark_verified, &error))
      << mark_checked;
  WaitUntilPast(mark_verified + absl::Seconds(1));
  const absl::Time mark_started = mark_verified - absl::Seconds(299);
  // The infusion stopped at 12 ml: 1.20 ml/min, a deviation recorded (not
  // refused), and the 8 ml left in the opened bag destroyed, carl
  // witnessing.
  std::string partial = Ok(
      *cleo_,
      {"clinical", "infuse", "--infusion-id=" + mark_infusion,
       "--started-at=" + Rfc3339(mark_started),
       "--ended-at=" + Rfc3339(mark_started + absl::Minutes(10)),
       "--volume-ml=12", "--artery=right", "--catheter-fr=6",
       "--remainder=destroyed", "--witness=carl",
       "--reason=infusion stopped: transient bradycardia", "--password-stdin"},
      passwords);
  EXPECT_THAT(partial, HasSubstr("infused: 12.0 ml of dose " + mark.dose_id() +
                                 " into RH-018 at 1.20 ml/min\n"));
  EXPECT_THAT(partial, ContainsRegex("\nRATE DEVIATION: [^\n]+\n"));
  EXPECT_THAT(partial, ContainsRegex("rate +1.20 ml/min \\(DEVIATION: "
                                     "outside the band\\)\n"));
  EXPECT_THAT(partial,
              ContainsRegex("remainder +8.0 ml destroyed, witness carl\n"));

  // RH-017 is hospitalized: a serious event, whose lookback finds RH-018,
  // who received a dose of the same lot.
  std::string serious =
      Ok(*cleo_,
         {"clinical", "adverse-event", "--infusion-id=" + infusion,
          "--term=ventricular tachycardia",
          "--onset-at=" + Rfc3339(absl::Now() - absl::Seconds(10)),
          "--seriousness=serious", "--criteria=hospitalization",
          "--severity=severe", "--relatedness=possible", "--outcome=recovering",
          "--password-stdin"},
         std::string(kCleoPassword) + "\n");
  EXPECT_THAT(serious,
              ContainsRegex("seriousness +serious \\(hospitalization\\)\n"));
  EXPECT_THAT(serious, ContainsRegex("lookback +1 other patient\\(s\\)\n"));
  EXPECT_THAT(serious, ContainsRegex("PATIENT +DOSE +QC LOT +LINKED BY\n"));
  EXPECT_THAT(serious, ContainsRegex("RH-018 +" + mark.dose_id() + " +" + lot +
                                     " +same_lot\n"));
}

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
      SignedClinical(*cleo_, with_tina, {kCleoPassword, kTinaPassword});
  EXPECT_EQ(not_clinician.exit_code, 1) << not_clinician.output;
  EXPECT_EQ(not_clinician.output,
            "cellchain: clinical bedside-check: PERMISSION_DENIED: the second "
            "person tina (technician) may not sign this step (allowed: "
            "clinician) (reason: ROLE_NOT_ALLOWED)\n");
  std::vector<std::string> with_carl = bedside;
  with_carl.push_back("--second-clinician=carl");
  RunResult no_infusion =
      SignedClinical(*cleo_, with_carl, {kCleoPassword, kCarlPassword});
  EXPECT_EQ(no_infusion.exit_code, 1) << no_infusion.output;
  EXPECT_THAT(no_infusion.output,
              ContainsRegex("^cellchain: clinical bedside-check: NOT_FOUND: "
                            "[^\n]*\\(reason: INFUSION_NOT_FOUND\\)\n$"));
  // Without a terminal for the second clinician to type at, their password
  // comes from --second-clinician-password-env or stdin: the line says
  // which flag, and nothing is sent (exit 2).
  std::vector<std::string> no_terminal = with_carl;
  no_terminal.insert(no_terminal.begin(), "clinical");
  RunResult untyped = SignedFromVariable(*cleo_, kCleoPassword, no_terminal);
  EXPECT_EQ(untyped.exit_code, 2) << untyped.output;
  EXPECT_EQ(untyped.output,
            "cellchain: clinical bedside-check: stdin is not a terminal for "
            "carl (--second-clinician) to type their password at; use "
            "--second-clinician-password-env=VAR, or --password-stdin with "
            "theirs on the line after yours\n");
  // Given by its variable, it is the co-signature sent.
  no_terminal.push_back("--second-clinician-password-env=CARL_PASSWORD");
  RunResult by_variable =
      SignedFromVariable(*cleo_, kCleoPassword, no_terminal,
                         {std::string("CARL_PASSWORD=") + kCarlPassword});
  EXPECT_EQ(by_variable.exit_code, 1) << by_variable.output;
  EXPECT_THAT(by_variable.output, HasSubstr("(reason: INFUSION_NOT_FOUND)"));
  // Without the co-signer's password nothing is sent.
  RunResult one_password = SignedClinical(*cleo_, with_carl, {kCleoPassword});
  EXPECT_EQ(one_password.exit_code, 2) << one_password.output;
  EXPECT_THAT(one_password.output,
              HasSubstr("cellchain: clinical bedside-check: stdin has no more "
                        "lines"));
  // The second clinician is required, by its flag.
  RunResult alone = SignedClinical(*cleo_, bedside, {kCleoPassword});
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
  RunResult catheter = SignedClinical(*cleo_, wide, {kCleoPassword});
  EXPECT_EQ(catheter.exit_code, 1) << catheter.output;
  EXPECT_EQ(catheter.output,
            "cellchain: clinical infuse: INVALID_ARGUMENT: --catheter-fr: 4 "
            "to 8 Fr (field: details.catheter_french)\n");
  std::vector<std::string> aorta = infuse;
  aorta.insert(aorta.end(), {"--artery=aorta", "--catheter-fr=6"});
  RunResult artery = SignedClinical(*cleo_, aorta, {kCleoPassword});
  EXPECT_EQ(artery.exit_code, 2) << artery.output;
  EXPECT_EQ(artery.output,
            "cellchain: clinical infuse: --artery: left_main, "
            "left_anterior_descending, left_circumflex or right\n");
  std::vector<std::string> fine = infuse;
  fine.insert(fine.end(), {"--artery=right", "--catheter-fr=6"});
  RunResult not_received = SignedClinical(*cleo_, fine, {kCleoPassword});
  EXPECT_EQ(not_received.exit_code, 1) << not_received.output;
  EXPECT_THAT(not_received.output,
              ContainsRegex("^cellchain: clinical infuse: NOT_FOUND: [^\n]*"
                            "\\(reason: INFUSION_NOT_FOUND\\)\n$"));

  // A finding typed wrong is refused before anything is recorded.
  RunResult finding =
      SignedClinical(*cleo_,
                     {"observe", "--infusion-id=inf_nope", "--day=1",
                      "--observed-at=" + Minutes(-5), "--entry=ecg:0",
                      "--entry=lab:AST:high:U/L"},
                     {kCleoPassword});
  EXPECT_EQ(finding.exit_code, 2) << finding.output;
  EXPECT_EQ(finding.output,
            "cellchain: clinical observe: --entry lab:AST:high:U/L: "
            "lab:ANALYTE:VALUE:UNIT (lab:AST:35:U/L)\n");
  RunResult day =
      SignedClinical(*cleo_,
                     {"observe", "--infusion-id=inf_nope", "--day=first",
                      "--observed-at=" + Minutes(-5)},
                     {kCleoPassword});
  EXPECT_EQ(day.exit_code, 2) << day.output;
  EXPECT_EQ(day.output,
            "cellchain: clinical observe: --day: not a whole number\n");

  // An adverse event's seriousness is one of the proto's.
  RunResult serious = SignedClinical(
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
  RunResult unexplained =
      SignedClinical(*cleo_,
                     {"dispose-unused", "--infusion-id=inf_nope",
                      "--disposal=destroyed", "--witness=carl"},
                     {kCleoPassword, kCarlPassword});
  EXPECT_EQ(unexplained.exit_code, 2) << unexplained.output;
  EXPECT_THAT(unexplained.output,
              HasSubstr("cellchain: clinical dispose-unused: --reason is "
                        "required"));
  EXPECT_THAT(unexplained.output, Not(HasSubstr("INTERNAL")));
}

dose::v1::Dose ClinicalE2eTest::IssuedDose(const std::string& lot,
                                           std::string* handoff,
                                           const Patient& patient) {
  namespace dv1 = cellchain::dose::v1;
  if (pharmacy_.location_id.empty()) pharmacy_ = StockedPharmacy();
  const Caller &cleo = As(kCleo), &tina = As(kTina), &tom = As(kTom),
               &phil = As(kPhil);

  dv1::CreateOrderRequest order;
  *order.mutable_context() = Request();
  order.set_subject_id(patient.subject_id);
  order.set_heparin_iu_per_ml(2);
  *order.mutable_planned_infusion_at() =
      Timestamp(absl::Now() + absl::Hours(1));
  order.set_prescriber("Dr. Hart");
  dv1::CreateOrderResponse ordered;
  grpc::Status status =
      dv1::DoseService::NewStub(cleo.channel)
          ->CreateOrder(cleo.Context().get(), order, &ordered);
  EXPECT_TRUE(status.ok()) << "order: " << status.error_message();
  dv1::PrepareDoseRequest prepare;
  *prepare.mutable_context() = Request();
  prepare.set_order_id(ordered.order().order_id());
  prepare.set_lot_id(lot);
  prepare.mutable_source()->set_total_cells_per_ml(2.0e6);
  prepare.mutable_source()->set_viability_percent(90);
  prepare.set_heparin_material_id(pharmacy_.heparin_id);
  prepare.set_saline_material_id(pharmacy_.saline_id);
  prepare.set_location_id(pharmacy_.location_id);
  *prepare.mutable_signature() =
      Sign(kTinaPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  dv1::PrepareDoseResponse prepared;
  status = dv1::DoseService::NewStub(tina.channel)
               ->PrepareDose(tina.Context().get(), prepare, &prepared);
  EXPECT_TRUE(status.ok()) << "prepare: " << status.error_message();
  const std::string dose_id = prepared.dose().dose_id();
  dv1::RecordPostPreparationCountRequest count;
  *count.mutable_context() = Request();
  count.set_dose_id(dose_id);
  count.set_total_cells_per_ml(5.0e5);
  count.set_viability_percent(95);
  *count.mutable_signature() =
      Sign(kTinaPassword, common::v1::SIGNATURE_MEANING_PERFORMED);
  dv1::RecordPostPreparationCountResponse counted;
  status =
      dv1::DoseService::NewStub(tina.channel)
          ->RecordPostPreparationCount(tina.Context().get(), count, &counted);
  EXPECT_TRUE(status.ok()) << "count: " << status.error_message();
  dv1::VerifyDoseRequest verify;
  *verify.mutable_context() = Request();
  verify.set_dose_id(dose_id);
  *verify.mutable_signature() =
      Sign(kTomPassword, common::v1::SIGNATURE_MEANING_VERIFIED);
  dv1::VerifyDoseResponse verified;
  status = dv1::DoseService::NewStub(tom.channel)
               ->VerifyDose(tom.Context().get(), verify, &verified);
  EXPECT_TRUE(status.ok()) << "verify: " << status.error_message();
  dv1::ReleaseDoseRequest release;
  *release.mutable_context() = Request();
  release.set_dose_id(dose_id);
  release.set_order_id(verified.dose().order_id());  // the order sheet's
  release.set_label_scan(LabelOf(verified.dose()));
  release.set_subject_id(patient.subject_id);
  release.set_date_of_birth(patient.date_of_birth);
  release.set_initials(patient.initials);
  *release.mutable_signature() =
      Sign(kPhilPassword, common::v1::SIGNATURE_MEANING_RELEASED);
  dv1::ReleaseDoseResponse released;
  status = dv1::DoseService::NewStub(phil.channel)
               ->ReleaseDose(phil.Context().get(), release, &released);
  EXPECT_TRUE(status.ok()) << "release: " << status.error_message();
  dv1::IssueDoseRequest issue;
  *issue.mutable_context() = Request();
  issue.set_dose_id(dose_id);
  issue.set_to_user_id("cleo");
  issue.set_condition("2-8 C, cool box");
  issue.set_seal_intact(true);
  dv1::IssueDoseResponse issued;
  status = dv1::DoseService::NewStub(phil.channel)
               ->IssueDose(phil.Context().get(), issue, &issued);
  EXPECT_TRUE(status.ok()) << "issue: " << status.error_message();
  *handoff = issued.handoff_id();
  return issued.dose();
}

}  // namespace
}  // namespace cellchain::e2e
