// Runs the built cellchain-label (CELLCHAIN_LABEL_BIN, set by CMake) the way
// a technician's station or a validation script does: a label's JSON in,
// ZPL / PNG / PDF out, the ISBT 128 helpers, and printing to a fake Zebra
// printer on a loopback port of this process.
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/label/fake_printer.h"
#include "clients/label/layout.h"
#include "clients/label/sample_labels.h"
#include "clients/label/zpl.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/files.h"
#include "services/common/testing/run_binary.h"

namespace cellchain::label {
namespace {

using ::cellchain::label::testing::FakePrinter;
using ::cellchain::label::testing::FakeStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using Outcome = ::cellchain::testing::RunOutcome;

std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/label_binary_test_", getpid(),
                      "_", name);
}

Outcome Exec(const std::vector<std::string>& args) {
  return cellchain::testing::RunBinary(CELLCHAIN_LABEL_BIN, args);
}

// The label as the labels service will hand it over: its proto JSON form.
std::string WriteLabelJson(const labels::v1::Label& label,
                           const std::string& name) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(label, &json, options).ok());
  const std::string path = TempPath(name);
  cellchain::testing::WriteFileBytes(path, json);
  return path;
}

std::string ExpectedZpl(const labels::v1::Label& label, int dpi,
                        int copies = 1) {
  return *ToZpl(*LayOut(label, dpi), copies);
}

void ExpectUsage(const Outcome& o) {
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_THAT(o.err, HasSubstr("usage: cellchain-label"));
  EXPECT_THAT(o.out, IsEmpty());
}

TEST(LabelBinaryTest, RendersEveryFormatFromTheLabelsJson) {
  const labels::v1::Label label =
      testing::SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  const std::string json = WriteLabelJson(label, "dose.json");
  for (int dpi : {203, 300}) {
    const std::string zpl = TempPath(absl::StrCat("dose_", dpi, ".zpl"));
    Outcome o = Exec({"render", "--from-json", json, "--format", "zpl", "--dpi",
                      absl::StrCat(dpi), "-o", zpl});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(cellchain::testing::ReadFileOrEmpty(zpl),
              ExpectedZpl(label, dpi));
  }
  Outcome to_stdout = Exec({"render", "--from-json", json, "--format", "zpl",
                            "--dpi", "203", "-o", "-"});
  EXPECT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, ExpectedZpl(label, 203));

  const std::string png = TempPath("dose.png");
  ASSERT_EQ(Exec({"render", "--from-json", json, "--format", "png", "--dpi",
                  "300", "-o", png})
                .exit_code,
            0);
  EXPECT_THAT(cellchain::testing::ReadFileOrEmpty(png),
              StartsWith("\x89PNG\r\n"));
  const std::string pdf = TempPath("dose.pdf");
  ASSERT_EQ(Exec({"render", "--from-json", json, "--format=pdf", "--dpi=203",
                  "-o", pdf})
                .exit_code,
            0);
  EXPECT_THAT(cellchain::testing::ReadFileOrEmpty(pdf), StartsWith("%PDF-"));
}

TEST(LabelBinaryTest, ALabelThatFailsItsChecksIsNotRendered) {
  labels::v1::Label label =
      testing::SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_isbt128()
      ->mutable_donation_identification()
      ->set_check_character("3");
  const std::string out = TempPath("bad.zpl");
  Outcome o = Exec({"render", "--from-json", WriteLabelJson(label, "bad.json"),
                    "--format", "zpl", "--dpi", "203", "-o", out});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, HasSubstr("check_character"));
  EXPECT_THAT(cellchain::testing::ReadFileOrEmpty(out), IsEmpty());

  const std::string not_json = TempPath("not.json");
  cellchain::testing::WriteFileBytes(not_json, "{\"type\": \"BAG\"}");
  Outcome bad_json = Exec({"render", "--from-json", not_json, "--format", "zpl",
                           "--dpi", "203", "-o", out});
  EXPECT_EQ(bad_json.exit_code, 1);
  EXPECT_THAT(bad_json.err, HasSubstr("not a cellchain.labels.v1.Label"));
}

TEST(LabelBinaryTest, UsageErrors) {
  ExpectUsage(Exec({}));
  ExpectUsage(Exec({"frobnicate"}));
  ExpectUsage(Exec({"render", "--format", "zpl", "--dpi", "203", "-o", "-"}));
  ExpectUsage(Exec({"render", "--from-json", "x", "--format", "bmp", "--dpi",
                    "203", "-o", "-"}));
  ExpectUsage(Exec({"render", "--from-json", "x", "--format", "zpl", "--dpi",
                    "600", "-o", "-"}));
  ExpectUsage(Exec({"print", "--from-json", "x", "--dpi", "203"}));
  ExpectUsage(Exec({"print", "--from-json", "x", "--dpi", "203", "-o", "a",
                    "--printer", "p"}));
  ExpectUsage(Exec({"isbt", "check-char"}));
  Outcome help = Exec({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("isbt check-char DIN13"));
}

// ST-001 Figure 2: DIN A9999 21 123456, check character 3; Appendix A.1:
// G123417654321, A.
TEST(LabelBinaryTest, CheckCharacter) {
  Outcome o = Exec({"isbt", "check-char", "A999921123456"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "3\n");
  EXPECT_EQ(Exec({"isbt", "check-char", "G123417654321"}).out, "A\n");
  Outcome bad = Exec({"isbt", "check-char", "A99992112345"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("din"));
  EXPECT_THAT(bad.out, IsEmpty());
}

TEST(LabelBinaryTest, ParsesAScanIntoItsDataStructures) {
  const labels::v1::Label label =
      testing::SampleLabel(labels::v1::LABEL_TYPE_DOSE_BAG);
  Outcome o = Exec({"isbt", "parse", label.isbt128().compound_message()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("\"compound_message\": true"));
  EXPECT_THAT(o.out,
              HasSubstr("{\"number\": \"001\", \"data\": \"=A99992600001789\", "
                        "\"name\": \"donation identification number\", "
                        "\"din\": \"A999926000017\", \"fin\": \"A9999\", "
                        "\"year\": 26, \"sequence\": 17, \"flags\": \"89\", "
                        "\"flag_type\": \"type3\", \"check_character\": \"T\", "
                        "\"eye_readable\": \"A9999 26 000017\"}"));
  EXPECT_THAT(o.out, HasSubstr("\"description_code\": \"S1295\", "
                               "\"tds\": \"0A0\""));
  EXPECT_THAT(o.out, HasSubstr("\"at\": \"2026-12-31T14:05\""));
  EXPECT_THAT(o.out, HasSubstr("\"sequence\": \"RH0017\""));
  Outcome bad = Exec({"isbt", "parse", "=A99992600001788"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("refused"));
}

TEST(LabelBinaryTest, PrintsToAReadyPrinterExactlyTheLabelsZpl) {
  FakePrinter printer(FakeStatus{});
  const labels::v1::Label label =
      testing::SampleLabel(labels::v1::LABEL_TYPE_CRYOVIAL);
  Outcome o = Exec({"print", "--from-json", WriteLabelJson(label, "vial.json"),
                    "--dpi", "300", "--copies", "2", "--printer",
                    absl::StrCat("127.0.0.1:", printer.port())});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.err, HasSubstr("sent 2 labels for itm_vial_0017_012"));
  EXPECT_THAT(printer.Connections(1),
              ElementsAre("~HS" + ExpectedZpl(label, 300, 2)));
}

TEST(LabelBinaryTest, APausedOrEmptyPrinterIsRefusedAndGetsNoLabel) {
  const std::string json = WriteLabelJson(
      testing::SampleLabel(labels::v1::LABEL_TYPE_QC_SAMPLE), "sample.json");
  FakePrinter paused(FakeStatus{.paused = true});
  Outcome o = Exec({"print", "--from-json", json, "--dpi", "203", "--printer",
                    absl::StrCat("127.0.0.1:", paused.port())});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, HasSubstr("is paused"));
  EXPECT_THAT(o.err, HasSubstr("Nothing was sent"));
  EXPECT_THAT(paused.Connections(1), ElementsAre("~HS"));

  FakePrinter empty(FakeStatus{.paper_out = true});
  o = Exec({"print", "--from-json", json, "--dpi", "203", "--printer",
            absl::StrCat("127.0.0.1:", empty.port())});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, HasSubstr("out of labels"));
  EXPECT_THAT(empty.Connections(1), ElementsAre("~HS"));
}

TEST(LabelBinaryTest, PrintToAFileWritesTheZpl) {
  const labels::v1::Label label =
      testing::SampleLabel(labels::v1::LABEL_TYPE_TISSUE_CONTAINER);
  const std::string out = TempPath("tissue.zpl");
  Outcome o =
      Exec({"print", "--from-json", WriteLabelJson(label, "tissue.json"),
            "--dpi", "203", "-o", out});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(cellchain::testing::ReadFileOrEmpty(out), ExpectedZpl(label, 203));
}

TEST(LabelBinaryTest, PrinterStatus) {
  FakePrinter printer(FakeStatus{.head_open = true});
  Outcome o = Exec({"printer-status", "--printer",
                    absl::StrCat("127.0.0.1:", printer.port())});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.out, HasSubstr("head open: yes\n"));
  EXPECT_THAT(o.out, HasSubstr("ready: no\n"));
  EXPECT_THAT(o.err, HasSubstr("print head is open"));
}

// The station's connection flags with files that exist (the PEM files are
// read only when a call is made) and a server address nothing answers at:
// what these tests show happens before any call, or instead of one.
std::vector<std::string> Station(std::vector<std::string> args) {
  const std::string pem = TempPath("station.pem");
  cellchain::testing::WriteFileBytes(pem, "");
  std::vector<std::string> argv = {"station"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* flag : {"--ca", "--cert", "--key"}) {
    argv.push_back(absl::StrCat(flag, "=", pem));
  }
  argv.push_back("--target=127.0.0.1:1");
  argv.push_back("--deadline=2s");
  argv.push_back(absl::StrCat("--session-file=", TempPath("session")));
  return argv;
}

TEST(LabelStationBinaryTest, APausedPrinterIsRefusedBeforeAJobIsRecorded) {
  FakePrinter paused(FakeStatus{.paused = true});
  Outcome o = Exec(
      Station({"print", "--item", "itm_bag1", "--printer",
               absl::StrCat("127.0.0.1:", paused.port()), "--dpi", "203"}));
  EXPECT_EQ(o.exit_code, 1) << o.err;
  // Had the station asked the service first, it would have reported the
  // unreachable server instead.
  EXPECT_THAT(o.err, HasSubstr("cannot print now: FAILED_PRECONDITION"));
  EXPECT_THAT(o.err, HasSubstr("(reason: PRINTER_PAUSED)"));
  EXPECT_THAT(o.err, HasSubstr("nothing was printed or recorded"));
  EXPECT_THAT(o.out, IsEmpty());
  EXPECT_THAT(paused.Connections(1), ElementsAre("~HS"));
}

TEST(LabelStationBinaryTest, UsageErrors) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"print", "--item", "itm_bag1", "--reason", "x"},
           {"frobnicate"},
           {"reprint", "--item", "itm_bag1", "--printer", "zebra", "--dpi",
            "203"},
           {"void", "--job-id", "lbj_1"},
           {"reconcile"},
           {"reconcile", "--item", "itm_bag1", "--din", "A999926000017"},
           {"print", "--item", "itm_bag1", "--printer", "zebra", "--dpi",
            "250"},
           {"print", "--item", "itm_bag1", "--dpi", "203"}}) {
    Outcome o = Exec(Station(args));
    EXPECT_EQ(o.exit_code, 2) << args[0] << ": " << o.err;
    EXPECT_THAT(o.err, StartsWith("cellchain-label station")) << args[0];
  }
  Outcome o = Exec(Station({"print", "--item", "itm_bag1", "--reason", "x"}));
  EXPECT_THAT(o.err, HasSubstr("--reason is not a flag of this command"));
}

// The station's help says its usage once, then every command and flag.
TEST(LabelStationBinaryTest, HelpSaysItsUsageOnceThenTheCommandsAndFlags) {
  Outcome o = Exec(Station({"--help"}));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.out,
              StartsWith("usage: cellchain-label station <command> [flags]\n"
                         "\nThe technician's label station"));
  EXPECT_THAT(absl::AsciiStrToLower(o.out), Not(HasSubstr("\nusage: ")));
  EXPECT_THAT(o.out, HasSubstr("\n  reconcile (--item ITEM | --din DIN)\n"));
  EXPECT_THAT(o.out, HasSubstr("\n\nFlags (a flag overrides"));
  EXPECT_THAT(o.out,
              HasSubstr("\n  --printer=STRING  (env CELLCHAIN_PRINTER)"));
  EXPECT_THAT(o.out, HasSubstr("\n  --help, -h\n"));
}

TEST(LabelStationBinaryTest, VerifyWithNoScanVerifiesNothing) {
  Outcome o = Exec(Station({"verify", "--item", "itm_bag1"}));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, HasSubstr("no scan read: nothing was verified"));
}

}  // namespace
}  // namespace cellchain::label
