// The label station as a technician uses it, through the real binaries: a
// real cellchaind hosting labels over real mTLS, the cellchain CLI to
// register the containers, and `cellchain-label station` to log in, print
// to a Zebra printer (a fake one on a loopback port of this process) and
// save the label's PNG, verify the applied label by scanning it (the PNG
// decoded as a scanner reads it), reprint and reconcile.
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "clients/label/fake_printer.h"
#include "clients/label/png_scan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/files.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::cellchain::label::testing::FakePrinter;
using ::cellchain::label::testing::FakeStatus;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The content of the label's Data Matrix (^BX's field data): what a scanner
// reading it types.
std::string DataMatrixOf(const std::string& zpl) {
  return Capture(zpl, "\\^BX[^\\^]*\\^FH_\\^FD([^\\^]*)\\^FS");
}

// Decodes the label PNG at `path` as a scanner would and checks it is the
// label whose ZPL the printer received; returns its Data Matrix's content
// ("" after a failure).
std::string ScannedDataMatrix(const std::string& path, int width,
                              const std::vector<std::string>& linear,
                              const std::string& zpl) {
  SCOPED_TRACE(path);
  absl::StatusOr<label::testing::PngScan> read =
      label::testing::ScanPng(cellchain::testing::ReadFileOrEmpty(path));
  EXPECT_TRUE(read.ok()) << read.status();
  if (!read.ok()) return "";
  EXPECT_EQ(read->width, width);
  EXPECT_THAT(read->linear, ::testing::UnorderedElementsAreArray(linear));
  EXPECT_THAT(read->data_matrices, ::testing::ElementsAre(DataMatrixOf(zpl)));
  return read->data_matrices.empty() ? "" : read->data_matrices[0];
}

class LabelStationE2eTest : public E2eTest {
 protected:
  LabelStationE2eTest() : E2eTest("label-station-e2e") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
  }

  // `cellchain-label station <args>` at tina's workstation with the
  // station's own session file.
  RunResult Station(const std::vector<std::string>& args,
                    const std::string& input = "") {
    std::vector<std::string> argv = {BinDir() + "/cellchain-label", "station"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--target=" + daemon_->target());
    argv.push_back("--ca=" + Pki() + "/ca.crt");
    argv.push_back("--cert=" + Pki() + "/clients/" + kTina.workstation +
                   ".crt");
    argv.push_back("--key=" + Pki() + "/clients/" + kTina.workstation + ".key");
    argv.push_back("--session-file=" + sessions_.path() + "/tina-station");
    return RunCommand(argv, input);
  }

  // "registered itm_... (...)" -> the item id.
  std::string Register(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"custody", "register"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string id = Capture(Ok(*tina_, argv), "registered (itm_[A-Za-z0-9]+)");
    EXPECT_FALSE(id.empty());
    return id;
  }

  std::unique_ptr<CliSession> tina_;
};

TEST_F(LabelStationE2eTest, PrintVerifyReprintAndReconcile) {
  // A donation: its DIN, the donor lot, and two culture vessels of it.
  std::string din_out = Ok(*tina_, {"custody", "din", "--fin=A9999"});
  std::string din = Capture(din_out, "DIN ([A-Z0-9]{13})");
  std::string data =
      Capture(din_out, "data structure +(=A9999[0-9]{8}[0-9]{2})");
  ASSERT_FALSE(din.empty()) << din_out;
  std::string lot = Register({"--type=donor_lot", "--din=" + data});
  std::string medium = Register({"--type=reagent_lot", "--local-code=MED-7"});
  std::string vessel = Register(
      {"--type=culture_vessel", "--din=" + data, "--product-code==<S1295000",
       "--parents=" + lot + ":processing," + medium + ":material"});
  std::string other = Register(
      {"--type=culture_vessel", "--din=" + data, "--product-code==<S1295100",
       "--parents=" + lot + ":processing," + medium + ":material"});
  ASSERT_FALSE(HasFailure());

  RunResult login = Station({"login", "--user-id=tina", "--password-stdin"},
                            std::string(kTinaPassword) + "\n");
  ASSERT_EQ(login.exit_code, 0) << login.output;
  EXPECT_THAT(login.output, HasSubstr("logged in as tina (Tina Tech)"));

  // Each vessel's label to the bench's printer, typed by its id, its PNG
  // saved beside.
  FakePrinter printer(FakeStatus{});
  const std::string at = "127.0.0.1:" + std::to_string(printer.port());
  const std::string vessel_png = sessions_.path() + "/vessel.png";
  const std::string other_png = sessions_.path() + "/other.png";
  // A PNG that could not be saved is refused before the printer is asked
  // or a job recorded.
  RunResult nowhere =
      Station({"print", "--item=" + vessel, "--printer=" + at, "--dpi=203",
               "--png=" + sessions_.path() + "/no-such-dir/vessel.png"});
  EXPECT_EQ(nowhere.exit_code, 2) << nowhere.output;
  EXPECT_THAT(nowhere.output, HasSubstr("no-such-dir"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 0);
  RunResult printed = Station({"print", "--item=" + vessel, "--printer=" + at,
                               "--dpi=203", "--png=" + vessel_png});
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  EXPECT_THAT(printed.output,
              HasSubstr("the culture vessel label of " + vessel +
                        ", 1 copy on " + at + " (203 dpi)"));
  EXPECT_THAT(printed.output, HasSubstr("PNG (one pixel per printer dot) "
                                        "saved in " +
                                        vessel_png));
  RunResult printed_other =
      Station({"print", "--item=" + other, "--printer=" + at, "--dpi=300",
               "--png=" + other_png});
  ASSERT_EQ(printed_other.exit_code, 0) << printed_other.output;
  std::vector<std::string> received = printer.Connections(4);
  ASSERT_EQ(received.size(), 4u);
  // The station asked before the job was recorded, then sent the label.
  EXPECT_EQ(received[0], "~HS");
  EXPECT_THAT(received[1], StartsWith("~HS^XA"));
  EXPECT_THAT(received[1], HasSubstr(data));
  EXPECT_THAT(received[1], HasSubstr("=<S1295000"));
  EXPECT_THAT(received[3], HasSubstr("=<S1295100"));
  ASSERT_THAT(DataMatrixOf(received[1]), StartsWith("=+"));
  ASSERT_THAT(DataMatrixOf(received[3]), StartsWith("=+"));

  // Each PNG, decoded as a scanner reads a label (Code 128 with zbar, Data
  // Matrix with libdmtx), is the label the printer got: 4 in wide at its
  // dpi, the DIN's 001 structure and the vessel's product code in its
  // linear codes, the ZPL's Data Matrix in its own.
  const std::string scan =
      ScannedDataMatrix(vessel_png, 812, {data, "=<S1295000"}, received[1]);
  const std::string other_scan =
      ScannedDataMatrix(other_png, 1200, {data, "=<S1295100"}, received[3]);
  ASSERT_FALSE(HasFailure());

  // The vessel's own label passes; the other vessel's, scanned on it,
  // fails naming that vessel. A keyboard-wedge scanner ends each with CR LF.
  RunResult verified = Station({"verify", "--item=" + vessel},
                               scan + "\r\n" + other_scan + "\r\n\n");
  EXPECT_EQ(verified.exit_code, 1) << verified.output;
  EXPECT_THAT(verified.output,
              HasSubstr("PASS  the label on " + vessel + " is its own"));
  EXPECT_THAT(verified.output,
              HasSubstr("FAIL  this is the label of another item, " + other +
                        ", not " + vessel));
  EXPECT_THAT(verified.output, HasSubstr("2 scans: 1 passed, 1 failed"));

  // A paused printer: refused before anything is recorded.
  FakePrinter paused(FakeStatus{.paused = true});
  RunResult refused = Station(
      {"reprint", "--item=" + vessel, "--reason=label torn",
       "--printer=" + std::string("127.0.0.1:") + std::to_string(paused.port()),
       "--dpi=203", "--password-stdin"},
      std::string(kTinaPassword) + "\n");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("PRINTER_PAUSED"));
  EXPECT_THAT(refused.output, HasSubstr("nothing was printed or recorded"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_labels.print_jobs"), 2);

  // A reprint: the reason and the password; the label says REPRINT.
  RunResult reprinted =
      Station({"reprint", "--item=" + vessel, "--reason=label torn",
               "--printer=" + at, "--dpi=203", "--password-stdin"},
              std::string(kTinaPassword) + "\n");
  ASSERT_EQ(reprinted.exit_code, 0) << reprinted.output;
  EXPECT_THAT(reprinted.output, HasSubstr("reprinted job lbj_"));
  received = printer.Connections(6);
  ASSERT_EQ(received.size(), 6u);
  EXPECT_THAT(received[5], HasSubstr("REPRINT"));

  // The donation's labels by its DIN, typed as it is printed.
  RunResult reconciled = Station({"reconcile", "--din=" + din});
  ASSERT_EQ(reconciled.exit_code, 0) << reconciled.output;
  EXPECT_THAT(reconciled.output,
              HasSubstr("labels of DIN " + din + ": 2 items"));
  EXPECT_THAT(reconciled.output,
              ::testing::ContainsRegex(vessel + " +culture vessel +2 +2 +1 "));
  EXPECT_THAT(reconciled.output,
              HasSubstr("more than one live label: void the ones not on the "
                        "container"));
  EXPECT_THAT(reconciled.output, Not(HasSubstr("no discrepancies")));
}

}  // namespace
}  // namespace cellchain::e2e
