// Release testing of a product lot through the cellchain CLI's qc group,
// against a real cellchaind over real mTLS, as the lab and QA do it: a
// batch is made and harvested through the manufacturing commands (the
// paper record of two weeks ago, transcribed late with its reason); QA
// writes a release specification of three tests from a file and approves
// it; a QC analyst opens the batch's lot, a technician draws a sample, the
// analyst enters the results and a second analyst reviews them (the first
// may not); QA releases the lot with a signature once nothing blocks it,
// and the certificate of analysis is shown and saved as a PDF; and, on
// another batch, an out-of-specification result investigated, retested
// with QA's approval and the lot rejected. Refusals print one line naming
// the rule or the flag, with exit 1 (the server's) or 2 (the command
// line's).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// Three tests: a numeric one with a lower limit, one with an exclusive
// upper limit, and a qualitative one that may be pending at release.
constexpr char kTestsFile[] = R"({"tests": [
  {"code": "VIABILITY", "name": "Viability", "method": "7-AAD flow cytometry",
   "kind": "RESULT_KIND_NUMERIC", "unit": "%", "limits": {"min": "70"},
   "required": true},
  {"code": "ENDOTOXIN", "name": "Bacterial endotoxins",
   "method": "Ph. Eur. 2.6.14, kinetic LAL", "kind": "RESULT_KIND_NUMERIC",
   "unit": "[EU]/mL", "limits": {"max": "0.5", "max_exclusive": true},
   "required": true},
  {"code": "STERILITY", "name": "Sterility", "method": "Ph. Eur. 2.6.27",
   "kind": "RESULT_KIND_QUALITATIVE",
   "allowed_values": ["no growth", "growth"], "pass_values": ["no growth"],
   "required": true, "may_be_pending": true}
]})";

class QcE2eTest : public CliChainTest {
 protected:
  QcE2eTest() : CliChainTest("qc-e2e") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    AddChainCast();
  }

  // An RFC 3339 time `minutes` before now: the lab's work on the lot,
  // opened today.
  static std::string Ago(int minutes) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                            absl::Now() - absl::Minutes(minutes),
                            absl::UTCTimeZone());
  }

  // A batch harvested into its product lot and waiting for QC (the chain's
  // VerifiedHarvest, the batch shown QC_PENDING): its donor lot's DIN as
  // printed, and the batch id.
  std::pair<std::string, std::string> HarvestedBatch();
};

TEST_F(QcE2eTest, SpecificationToReleasedLotAndItsCertificate) {
  // The DIN as the donor lot's label prints it ("A9999 26 000001 [K]"),
  // and its 13 characters, which qc shows.
  auto [din, batch] = HarvestedBatch();
  ASSERT_FALSE(batch.empty());
  std::string din13;
  for (char c : din.substr(0, din.find('['))) {
    if (c != ' ') din13 += c;
  }
  ASSERT_EQ(din13.size(), 13u) << din;

  // QA writes the specification from a file; either a file or the default.
  TempDir files("qc-e2e-files");
  const std::string tests_file = files.path() + "/release-tests.json";
  std::ofstream(tests_file) << kTestsFile;
  RunResult neither = quinn_->Run({"qc", "spec-create"});
  EXPECT_EQ(neither.exit_code, 2) << neither.output;
  EXPECT_THAT(neither.output,
              HasSubstr("cellchain: qc spec-create: give either "
                        "--use-default (the default specification's tests) "
                        "or --tests-file=FILE\n"));
  // An analyst may read specifications, not write them.
  RunResult analyst_writes =
      otto_->Run({"qc", "spec-create", "--spec-name=E2E-RELEASE",
                  "--tests-file=" + tests_file});
  EXPECT_EQ(analyst_writes.exit_code, 1) << analyst_writes.output;
  EXPECT_THAT(analyst_writes.output,
              HasSubstr("cellchain: qc spec-create: PERMISSION_DENIED: "));
  EXPECT_THAT(analyst_writes.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));
  std::string created = Ok(
      *quinn_, {"qc", "spec-create", "--spec-name=E2E-RELEASE",
                "--product=UC-MSC, RegenHeart", "--tests-file=" + tests_file});
  std::string spec = Capture(created, "specification (spc_[A-Za-z0-9_-]+)");
  ASSERT_FALSE(spec.empty()) << created;
  EXPECT_THAT(created, HasSubstr("(E2E-RELEASE version 1) created: DRAFT, 3 "
                                 "test(s)"));
  EXPECT_THAT(created,
              ContainsRegex("VIABILITY +Viability +7-AAD flow cytometry +"
                            "≥ 70 % +required\n"));
  EXPECT_THAT(created, ContainsRegex("ENDOTOXIN +Bacterial endotoxins +Ph\\. "
                                     "Eur\\. 2\\.6\\.14, kinetic LAL +"
                                     "< 0\\.5 \\[EU\\]/mL +required\n"));
  EXPECT_THAT(created, ContainsRegex("STERILITY +Sterility +Ph\\. Eur\\. "
                                     "2\\.6\\.27 +no growth +required, may "
                                     "be pending at release\n"));

  // No lot is opened before the specification is approved.
  RunResult unapproved = otto_->Run(
      {"qc", "lot-open", "--batch-id=" + batch, "--spec-name=E2E-RELEASE"});
  EXPECT_EQ(unapproved.exit_code, 1) << unapproved.output;
  EXPECT_THAT(unapproved.output,
              HasSubstr("(reason: NO_APPROVED_SPECIFICATION)"));
  EXPECT_THAT(SignedOk(*quinn_, kQuinnPassword,
                       {"qc", "spec-approve", "--spec-id=" + spec}),
              HasSubstr("(E2E-RELEASE version 1) is EFFECTIVE: approved by "
                        "quinn at "));
  EXPECT_THAT(Ok(*otto_, {"qc", "spec-show", "--spec-name=E2E-RELEASE"}),
              ContainsRegex("status +EFFECTIVE\n"));
  EXPECT_THAT(Ok(*otto_, {"qc", "spec-list"}),
              ContainsRegex(spec + " +E2E-RELEASE +1 +EFFECTIVE +3 +"));

  // The analyst opens the lot, naming the batch by its number (the DIN).
  std::string opened = Ok(*otto_, {"qc", "lot-open", "--batch-id=" + din,
                                   "--spec-name=E2E-RELEASE"});
  std::string lot = Capture(opened,
                            "lot (qcl_[A-Za-z0-9_-]+) opened for "
                            "batch " +
                                batch);
  ASSERT_FALSE(lot.empty()) << opened;
  EXPECT_THAT(opened,
              HasSubstr("is TESTING; specification " + spec + " version 1"));
  RunResult again = otto_->Run(
      {"qc", "lot-open", "--batch-id=" + batch, "--spec-name=E2E-RELEASE"});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_THAT(again.output, HasSubstr("(reason: LOT_EXISTS)"));

  // The technician draws one sample for the three tests.
  std::string drawn = Ok(
      *tina_, {"qc", "sample-draw", "--batch-id=" + batch,
               "--tests=viability,endotoxin,sterility", "--drawn-at=" + Ago(30),
               "--description=5 mL of the final formulation"});
  std::string sample = Capture(drawn, "sample (smp_[A-Za-z0-9_-]+) drawn");
  ASSERT_FALSE(sample.empty()) << drawn;
  EXPECT_THAT(drawn, HasSubstr("drawn from lot " + lot +
                               " for VIABILITY, ENDOTOXIN, STERILITY at "));
  EXPECT_THAT(drawn, ContainsRegex("custody item itm_[A-Za-z0-9_-]+ "
                                   "\\(QC_SAMPLE"));

  // The analyst enters the results, each signed; a value the test does not
  // take is refused naming the flag it was typed with.
  std::vector<std::string> viability = {"qc",
                                        "result-enter",
                                        "--sample-id=" + sample,
                                        "--test=VIABILITY",
                                        "--unit=%",
                                        "--tested-at=" + Ago(20),
                                        "--instrument=FACSLyric FL-2"};
  std::vector<std::string> not_a_number = viability;
  not_a_number.push_back("--value=ninety");
  RunResult refused = Signed(*otto_, kOttoPassword, not_a_number);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output,
              ContainsRegex("^cellchain: qc result-enter: INVALID_ARGUMENT: "
                            "--value: [^\n]*\\(field: value\\)\n$"));
  viability.push_back("--value=92.5");
  std::string entered = SignedOk(*otto_, kOttoPassword, viability);
  std::string viability_result =
      Capture(entered, "result (res_[A-Za-z0-9_-]+)");
  ASSERT_FALSE(viability_result.empty()) << entered;
  EXPECT_THAT(entered, HasSubstr("VIABILITY = 92.5 % (criterion ≥ 70 %): "
                                 "IN_SPECIFICATION\n"));
  EXPECT_THAT(entered, HasSubstr("entered by otto at "));
  std::string endotoxin = SignedOk(
      *otto_, kOttoPassword,
      {"qc", "result-enter", "--sample-id=" + sample, "--test=ENDOTOXIN",
       "--value=0.12", "--unit=[EU]/mL", "--tested-at=" + Ago(15)});
  EXPECT_THAT(endotoxin, HasSubstr("ENDOTOXIN = 0.12 [EU]/mL (criterion "
                                   "< 0.5 [EU]/mL): IN_SPECIFICATION"));
  std::string sterility = SignedOk(
      *otto_, kOttoPassword,
      {"qc", "result-enter", "--sample-id=" + sample, "--test=STERILITY",
       "--value=no growth", "--tested-at=" + Ago(10)});
  EXPECT_THAT(sterility, HasSubstr("STERILITY = no growth (criterion no "
                                   "growth): IN_SPECIFICATION"));

  // Not yet reviewed: a release is refused naming the gate, and there is no
  // certificate.
  RunResult early =
      Signed(*quinn_, kQuinnPassword,
             {"qc", "dispose", "--lot-id=" + lot, "--disposition=released"});
  EXPECT_EQ(early.exit_code, 1) << early.output;
  EXPECT_THAT(early.output,
              ContainsRegex("^cellchain: qc dispose: FAILED_PRECONDITION: "
                            "[^\n]*\\(reason: TEST_AWAITING_REVIEW\\)\n$"));
  RunResult no_certificate =
      otto_->Run({"qc", "certificate", "--lot-id=" + lot});
  EXPECT_EQ(no_certificate.exit_code, 1) << no_certificate.output;
  EXPECT_THAT(no_certificate.output, HasSubstr("(reason: LOT_NOT_RELEASED)"));

  // Four eyes: the analyst who entered a result may not review it.
  RunResult own =
      Signed(*otto_, kOttoPassword,
             {"qc", "result-review", "--result-id=" + viability_result});
  EXPECT_EQ(own.exit_code, 1) << own.output;
  EXPECT_THAT(own.output,
              HasSubstr("cellchain: qc result-review: PERMISSION_DENIED: "));
  EXPECT_THAT(own.output, HasSubstr("(reason: FOUR_EYES_SAME_PERSON)\n"));
  std::string shown = Ok(*ana_, {"qc", "lot-show", "--lot-id=" + lot});
  EXPECT_THAT(shown, ContainsRegex("VIABILITY +≥ 70 % +AWAITING_REVIEW +92.5 "
                                   "% \\(" +
                                   viability_result + "\\)\n"));
  EXPECT_THAT(shown, HasSubstr("a release would be refused:\n"));
  for (const std::string& output : {entered, endotoxin, sterility}) {
    std::string id = Capture(output, "result (res_[A-Za-z0-9_-]+)");
    EXPECT_THAT(SignedOk(*ana_, kAnaPassword,
                         {"qc", "result-review", "--result-id=" + id}),
                HasSubstr("IN_SPECIFICATION; reviewed by ana at "));
  }

  // QA reads the lot and releases the version they read.
  shown = Ok(*quinn_, {"qc", "lot-show", "--batch-id=" + batch});
  EXPECT_THAT(shown, ContainsRegex("state +TESTING\n"));
  EXPECT_THAT(shown, ContainsRegex("DIN +" + din13 + "\n"));
  EXPECT_THAT(shown, ContainsRegex("VIABILITY +≥ 70 % +IN_SPECIFICATION +"));
  EXPECT_THAT(shown, ContainsRegex("STERILITY +no growth +IN_SPECIFICATION +"
                                   "no growth \\(res_"));
  EXPECT_THAT(shown, ContainsRegex(viability_result +
                                   " +VIABILITY +92.5 % +"
                                   "≥ 70 % +IN_SPECIFICATION +otto +ana"));
  EXPECT_THAT(shown, ContainsRegex(sample +
                                   " +itm_[A-Za-z0-9_-]+ +VIABILITY,"
                                   "ENDOTOXIN,STERILITY +[0-9T:Z-]+ +tina +5 mL"
                                   " of the final formulation\n"));
  EXPECT_THAT(shown, HasSubstr("release: nothing blocks it\n"));
  std::string version = Capture(shown, "\n  version +([0-9]+)\n");
  ASSERT_FALSE(version.empty()) << shown;
  RunResult typo = quinn_->Run({"qc", "dispose", "--lot-id=" + lot,
                                "--disposition=approved", "--password-stdin"},
                               std::string(kQuinnPassword) + "\n");
  EXPECT_EQ(typo.exit_code, 2) << typo.output;
  EXPECT_EQ(typo.output,
            "cellchain: qc dispose: --disposition: released, "
            "conditionally_released, rejected or on_hold\n");
  std::string released =
      SignedOk(*quinn_, kQuinnPassword,
               {"qc", "dispose", "--batch-id=" + batch,
                "--disposition=released", "--expected-version=" + version});
  EXPECT_THAT(released,
              HasSubstr("lot " + lot + " (batch " + batch + ", DIN " + din13 +
                        ") is RELEASED: signed "
                        "RELEASED by quinn at "));
  EXPECT_THAT(Ok(*otto_, {"qc", "lot-list", "--state=released"}),
              ContainsRegex(lot + " +" + batch + " +" + din13 + " +RELEASED"));
  EXPECT_THAT(Ok(*otto_, {"qc", "lot-list", "--state=testing"}),
              Not(HasSubstr(lot)));

  // The certificate of analysis: each test's decisive result and verdict,
  // every e-signature, and the PDF saved into a directory under the
  // server's file name.
  std::string certificate = Ok(*otto_, {"qc", "certificate", "--lot-id=" + lot,
                                        "--out=" + files.path()});
  EXPECT_THAT(certificate, ContainsRegex("disposition +RELEASED\n"));
  EXPECT_THAT(certificate, ContainsRegex("specification +E2E-RELEASE version "
                                         "1 \\(" +
                                         spec + "\\)\n"));
  EXPECT_THAT(certificate, ContainsRegex("VIABILITY +Viability +7-AAD flow "
                                         "cytometry +≥ 70 % +92.5 % +PASS\n"));
  EXPECT_THAT(certificate, ContainsRegex("ENDOTOXIN +.* +0.12 \\[EU\\]/mL "
                                         "+PASS\n"));
  EXPECT_THAT(certificate, ContainsRegex("STERILITY +.* +no growth +PASS\n"));
  EXPECT_THAT(certificate,
              ContainsRegex("Quinn Quality \\(quinn\\) +APPROVED +"));
  EXPECT_THAT(certificate,
              ContainsRegex("Quinn Quality \\(quinn\\) +RELEASED +"));
  EXPECT_THAT(certificate, ContainsRegex("Ana Reviewer \\(ana\\) +REVIEWED +"));
  EXPECT_THAT(certificate,
              ContainsRegex("Otto Analyst \\(otto\\) +PERFORMED +"));
  std::string file_name =
      Capture(certificate, "certificate of analysis ([^\n]+\\.pdf)\n");
  ASSERT_FALSE(file_name.empty()) << certificate;
  EXPECT_THAT(file_name, HasSubstr(lot));
  const std::string pdf_path = files.path() + "/" + file_name;
  EXPECT_THAT(certificate, ContainsRegex("wrote " + pdf_path +
                                         " \\([0-9]+ "
                                         "bytes\\)\n"));
  std::ifstream pdf(pdf_path, std::ios::binary);
  std::stringstream bytes;
  bytes << pdf.rdbuf();
  EXPECT_THAT(bytes.str(), ::testing::StartsWith("%PDF-"));
  EXPECT_EQ(std::to_string(bytes.str().size()),
            Capture(certificate, "wrote [^\n]+ \\(([0-9]+) bytes\\)"));
}

// An endotoxin result out of specification: its investigation, a retest
// QA approves at the analyst's workstation that cannot test the lot into
// compliance, QA's conclusion and invalidation, and the lot rejected with
// its lookback — under the default specification.
TEST_F(QcE2eTest, OutOfSpecificationToRejectedLot) {
  auto [din, batch] = HarvestedBatch();
  ASSERT_FALSE(batch.empty());
  std::string created = Ok(*quinn_, {"qc", "spec-create", "--use-default",
                                     "--product=UC-MSC, RegenHeart"});
  std::string spec = Capture(created, "specification (spc_[A-Za-z0-9_-]+)");
  ASSERT_FALSE(spec.empty()) << created;
  EXPECT_THAT(created, ContainsRegex("ENDOTOXIN +Endotoxin +Ph\\. Eur\\. "
                                     "2\\.6\\.14, kinetic LAL +< 0\\.5 "
                                     "\\[EU\\]/mL +required\n"));
  SignedOk(*quinn_, kQuinnPassword,
           {"qc", "spec-approve", "--spec-id=" + spec});
  std::string opened = Ok(*otto_, {"qc", "lot-open", "--batch-id=" + batch});
  std::string lot = Capture(opened, "lot (qcl_[A-Za-z0-9_-]+) opened");
  ASSERT_FALSE(lot.empty()) << opened;
  std::string drawn =
      Ok(*otto_, {"qc", "sample-draw", "--lot-id=" + lot, "--tests=ENDOTOXIN",
                  "--drawn-at=" + Ago(30), "--description=2 mL supernatant"});
  std::string sample = Capture(drawn, "sample (smp_[A-Za-z0-9_-]+) drawn");
  ASSERT_FALSE(sample.empty()) << drawn;

  // 0.7 EU/ml: out of specification, and an investigation opens at once.
  std::vector<std::string> endotoxin = {"qc",
                                        "result-enter",
                                        "--sample-id=" + sample,
                                        "--test=ENDOTOXIN",
                                        "--unit=[EU]/mL",
                                        "--tested-at=" + Ago(20)};
  std::vector<std::string> first = endotoxin;
  first.push_back("--value=0.7");
  std::string oos = SignedOk(*otto_, kOttoPassword, first);
  std::string oos_result = Capture(oos, "result (res_[A-Za-z0-9_-]+)");
  std::string investigation =
      Capture(oos, "investigation (inv_[A-Za-z0-9_-]+) opened");
  ASSERT_FALSE(investigation.empty()) << oos;
  EXPECT_THAT(oos, HasSubstr("ENDOTOXIN = 0.7 [EU]/mL (criterion < 0.5 "
                             "[EU]/mL): OUT_OF_SPECIFICATION\n"));

  // A further result is a retest: refused without one, and a retest needs
  // QA's approval given here.
  std::vector<std::string> retest = endotoxin;
  retest.push_back("--value=0.3");
  RunResult plain = Signed(*otto_, kOttoPassword, retest);
  EXPECT_EQ(plain.exit_code, 1) << plain.output;
  EXPECT_THAT(plain.output, HasSubstr("(reason: RETEST_REQUIRED)\n"));
  retest.push_back("--retest-of=" + oos_result);
  retest.push_back("--reason=LAL reagent lot suspected");
  RunResult alone = Signed(*otto_, kOttoPassword, retest);
  EXPECT_EQ(alone.exit_code, 2) << alone.output;
  EXPECT_EQ(alone.output,
            "cellchain: qc result-enter: --qa-approver is required with "
            "--retest-of; see cellchain qc result-enter --help\n");
  retest.push_back("--qa-approver=quinn");
  // Without a terminal for QA to type at, QA's password comes from
  // --qa-approver-password-env or stdin: the line says which flag, and
  // nothing is sent (exit 2).
  RunResult untyped = SignedFromVariable(*otto_, kOttoPassword, retest);
  EXPECT_EQ(untyped.exit_code, 2) << untyped.output;
  EXPECT_EQ(untyped.output,
            "cellchain: qc result-enter: stdin is not a terminal for quinn "
            "(--qa-approver) to type their password at; use "
            "--qa-approver-password-env=VAR, or --password-stdin with theirs "
            "on the line after yours\n");
  retest.push_back("--password-stdin");
  RunResult retested = otto_->Run(
      retest, std::string(kOttoPassword) + "\n" + kQuinnPassword + "\n");
  ASSERT_EQ(retested.exit_code, 0) << retested.output;
  EXPECT_THAT(retested.output,
              HasSubstr("ENDOTOXIN = 0.3 [EU]/mL (criterion < 0.5 [EU]/mL): "
                        "IN_SPECIFICATION\n"));
  EXPECT_THAT(retested.output,
              HasSubstr("; retest of " + oos_result + " approved by quinn\n"));
  std::string retest_result =
      Capture(retested.output, "result (res_[A-Za-z0-9_-]+)");

  // No testing into compliance: the OOS result keeps the test failed, and
  // the open investigation blocks release too.
  std::string shown = Ok(*quinn_, {"qc", "lot-show", "--lot-id=" + lot});
  EXPECT_THAT(shown, ContainsRegex("ENDOTOXIN +< 0.5 \\[EU\\]/mL +"
                                   "OUT_OF_SPECIFICATION +0.7 \\[EU\\]/mL"));
  EXPECT_THAT(shown, ContainsRegex(investigation + " +ENDOTOXIN +" +
                                   oos_result + " +OPEN +- *\n"));
  EXPECT_THAT(shown, HasSubstr("retest of " + oos_result +
                               " (LAL reagent lot suspected; approved by "
                               "quinn)"));
  EXPECT_THAT(shown, HasSubstr("a release would be refused:\n"));
  EXPECT_THAT(shown, HasSubstr("INVESTIGATION_OPEN"));

  // QA concludes: the product failed; the result stands.
  RunResult mistyped = Signed(
      *quinn_, kQuinnPassword,
      {"qc", "investigation-close", "--investigation-id=" + investigation,
       "--outcome=mistake", "--conclusion=reagent in date"});
  EXPECT_EQ(mistyped.exit_code, 2) << mistyped.output;
  EXPECT_EQ(mistyped.output,
            "cellchain: qc investigation-close: --outcome: lab_error, "
            "product_failure or inconclusive\n");
  std::string closed = SignedOk(
      *quinn_, kQuinnPassword,
      {"qc", "investigation-close", "--investigation-id=" + investigation,
       "--outcome=product_failure",
       "--conclusion=reagent and instrument in order; the product is "
       "contaminated"});
  EXPECT_THAT(closed, HasSubstr("closed by quinn at "));
  EXPECT_THAT(closed, HasSubstr(": PRODUCT_FAILURE: reagent and instrument in "
                                "order; the product is contaminated\n"));
  EXPECT_THAT(closed, HasSubstr(oos_result + " ENDOTOXIN = 0.7 [EU]/mL "
                                             "(criterion < 0.5 [EU]/mL) "
                                             "stands"));
  // The retest is QA's to invalidate, with a reason.
  EXPECT_THAT(
      SignedOk(*quinn_, kQuinnPassword,
               {"qc", "result-invalidate", "--result-id=" + retest_result,
                "--reason=a retest of a confirmed product failure"}),
      HasSubstr(retest_result + " ENDOTOXIN = 0.3 [EU]/mL (criterion < 0.5 "
                                "[EU]/mL) INVALIDATED by quinn at "));

  // A rejection needs its reason; then the product lot is recalled.
  RunResult unexplained =
      Signed(*quinn_, kQuinnPassword,
             {"qc", "dispose", "--lot-id=" + lot, "--disposition=rejected"});
  EXPECT_EQ(unexplained.exit_code, 1) << unexplained.output;
  EXPECT_THAT(unexplained.output,
              HasSubstr("cellchain: qc dispose: INVALID_ARGUMENT: --reason: "));
  std::string rejected =
      SignedOk(*quinn_, kQuinnPassword,
               {"qc", "dispose", "--lot-id=" + lot, "--disposition=rejected",
                "--reason=endotoxin out of specification"});
  EXPECT_THAT(rejected, HasSubstr(") is REJECTED: signed REJECTED by quinn "
                                  "at "));
  EXPECT_THAT(rejected, HasSubstr(": endotoxin out of specification\n"));
  EXPECT_THAT(rejected, ContainsRegex("lookback lbk_[A-Za-z0-9_-]+: "));
  EXPECT_THAT(rejected, ContainsRegex("recall [^ ]+ holds [1-9][0-9]* "
                                      "item\\(s\\) derived from product lot "
                                      "itm_"));
  EXPECT_THAT(rejected, HasSubstr("no patient received it\n"));
  shown = Ok(*quinn_, {"qc", "lot-show", "--lot-id=" + lot});
  EXPECT_THAT(shown, ContainsRegex("state +REJECTED\n"));
  EXPECT_THAT(shown, ContainsRegex(investigation + " +ENDOTOXIN +" +
                                   oos_result + " +CLOSED +PRODUCT_FAILURE"));
  EXPECT_THAT(shown, HasSubstr("INVALIDATED by quinn: a retest of a "
                               "confirmed product failure"));
  EXPECT_THAT(shown, Not(HasSubstr("a release would be refused")));
  RunResult no_certificate =
      quinn_->Run({"qc", "certificate", "--batch-id=" + batch});
  EXPECT_EQ(no_certificate.exit_code, 1) << no_certificate.output;
  EXPECT_THAT(no_certificate.output, HasSubstr("(reason: LOT_NOT_RELEASED)"));
}

std::pair<std::string, std::string> QcE2eTest::HarvestedBatch() {
  Harvest harvest = VerifiedHarvest();
  EXPECT_THAT(Ok(*quinn_, {"manufacturing", "batch-show",
                           "--batch-id=" + harvest.batch_id}),
              ContainsRegex("state +QC_PENDING"));
  return {harvest.donor.din, harvest.batch_id};
}

}  // namespace
}  // namespace cellchain::e2e
