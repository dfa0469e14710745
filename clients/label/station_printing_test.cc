#include "clients/label/station_printing.h"

#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/label/fake_printer.h"
#include "clients/label/png_scan.h"
#include "clients/label/render.h"
#include "clients/label/sample_labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/files.h"

namespace cellchain::label {
namespace {

namespace v1 = cellchain::labels::v1;
using ::cellchain::label::testing::FakePrinter;
using ::cellchain::label::testing::FakeStatus;
using ::cellchain::label::testing::SampleLabel;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

StationPrinter At(const FakePrinter& printer, int dpi) {
  absl::StatusOr<StationPrinter> station = MakeStationPrinter(
      absl::StrCat("127.0.0.1:", printer.port()), dpi, absl::Seconds(5));
  EXPECT_TRUE(station.ok()) << station.status();
  return *station;
}

TEST(MakeStationPrinter, RefusesWhatTheJobCannotRecordOrTheStationReach) {
  EXPECT_EQ(FieldOf(MakeStationPrinter("", 203, absl::Seconds(5)).status()),
            "printer");
  EXPECT_EQ(
      FieldOf(MakeStationPrinter(std::string(65, 'z'), 203, absl::Seconds(5))
                  .status()),
      "printer");
  EXPECT_EQ(
      FieldOf(MakeStationPrinter("zebra:port", 203, absl::Seconds(5)).status()),
      "printer");
  EXPECT_EQ(
      FieldOf(MakeStationPrinter("zebra", 250, absl::Seconds(5)).status()),
      "dpi");
  absl::StatusOr<StationPrinter> printer =
      MakeStationPrinter("zebra-lab2", 300, absl::Seconds(5));
  ASSERT_TRUE(printer.ok()) << printer.status();
  EXPECT_EQ(printer->name, "zebra-lab2");
  EXPECT_EQ(printer->address.host, "zebra-lab2");
  EXPECT_EQ(printer->address.port, 9100);
}

TEST(PrintOn, AReadyPrinterGetsTheStatusQueryThenTheLabelAtItsDpi) {
  FakePrinter printer(FakeStatus{});
  const v1::Label label = SampleLabel(v1::LABEL_TYPE_DOSE_BAG);
  ASSERT_TRUE(PrintOn(At(printer, 203), label, 2).ok());
  absl::StatusOr<std::string> zpl = Render(label, Format::kZpl, 203, 2);
  ASSERT_TRUE(zpl.ok()) << zpl.status();
  std::vector<std::string> received = printer.Connections(1);
  ASSERT_THAT(received, ElementsAre("~HS" + *zpl));
  // The DIN's data structure in the Data Matrix, 4 in wide at 203 dpi, two
  // copies.
  EXPECT_THAT(received[0], HasSubstr(testing::kDinData));
  EXPECT_THAT(received[0], HasSubstr("^PW812"));
  EXPECT_THAT(received[0], HasSubstr("^PQ2"));
}

TEST(PrintOn, AThreeHundredDpiPrinterGetsTheLabelLaidOutForIt) {
  FakePrinter printer(FakeStatus{});
  const v1::Label label = SampleLabel(v1::LABEL_TYPE_DOSE_BAG);
  ASSERT_TRUE(PrintOn(At(printer, 300), label, 1).ok());
  std::vector<std::string> received = printer.Connections(1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_THAT(received[0], HasSubstr("^PW1200"));
  EXPECT_THAT(received[0], ::testing::Not(HasSubstr("^PQ")));
}

TEST(CheckPrinterReady, APausedPrinterIsRefusedAndSentOnlyTheQuery) {
  FakePrinter printer(FakeStatus{.paused = true});
  absl::Status ready = CheckPrinterReady(At(printer, 203));
  EXPECT_EQ(ready.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(ready), "PRINTER_PAUSED");
  EXPECT_THAT(printer.Connections(1), ElementsAre("~HS"));
}

TEST(CheckPrinterReady, AReadyPrinterIsOkAndSentOnlyTheQuery) {
  FakePrinter printer(FakeStatus{});
  EXPECT_TRUE(CheckPrinterReady(At(printer, 203)).ok());
  EXPECT_THAT(printer.Connections(1), ElementsAre("~HS"));
}

TEST(PrintOn, APrinterOutOfLabelsGetsNoLabel) {
  FakePrinter printer(FakeStatus{.paper_out = true});
  absl::Status sent =
      PrintOn(At(printer, 203), SampleLabel(v1::LABEL_TYPE_DOSE_BAG), 1);
  EXPECT_EQ(ReasonOf(sent), "PRINTER_OUT_OF_MEDIA");
  EXPECT_THAT(printer.Connections(1), ElementsAre("~HS"));
}

TEST(PrintOn, ALabelFailingItsChecksIsNotSent) {
  FakePrinter printer(FakeStatus{});
  v1::Label label = SampleLabel(v1::LABEL_TYPE_DOSE_BAG);
  label.mutable_text()->clear_subject_id();
  absl::Status sent = PrintOn(At(printer, 203), label, 1);
  EXPECT_EQ(sent.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(printer.Connections(0), IsEmpty());
}

TEST(PrintOn, NoPrinterIsUnavailable) {
  absl::StatusOr<StationPrinter> nowhere =
      MakeStationPrinter("127.0.0.1:1", 203, absl::Seconds(2));
  ASSERT_TRUE(nowhere.ok());
  absl::Status sent =
      PrintOn(*nowhere, SampleLabel(v1::LABEL_TYPE_DOSE_BAG), 1);
  EXPECT_EQ(sent.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(sent.message()), HasSubstr("127.0.0.1:1"));
}

// The field data of the ZPL's ^BX (Data Matrix) field with ^FH's _XX
// escapes undone: what the printer encodes in the symbol.
std::string DataMatrixInZpl(const std::string& zpl) {
  const size_t bx = zpl.find("^BX");
  if (bx == std::string::npos) return "";
  const size_t fd = zpl.find("^FD", bx);
  const size_t fs = zpl.find("^FS", fd);
  if (fd == std::string::npos || fs == std::string::npos) return "";
  std::string data;
  for (size_t i = fd + 3; i < fs; ++i) {
    if (zpl[i] == '_' && i + 2 < fs) {
      data.push_back(
          static_cast<char>(std::stoi(zpl.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      data.push_back(zpl[i]);
    }
  }
  return data;
}

// The PNG is the label the printer gets: decoded as a scanner reads it, its
// Data Matrix is the ZPL's, byte for byte, and its Code 128 symbols carry
// the item's DIN and product code; at the printer's dpi, a pixel a dot.
TEST(RenderForPrinter, ThePngDecodesToTheDataTheZplPrints) {
  for (int dpi : {203, 300}) {
    SCOPED_TRACE(dpi);
    FakePrinter printer(FakeStatus{});
    absl::StatusOr<RenderedLabel> rendered = RenderForPrinter(
        At(printer, dpi), SampleLabel(v1::LABEL_TYPE_DOSE_BAG), 1, true);
    ASSERT_TRUE(rendered.ok()) << rendered.status();
    const std::string printed = DataMatrixInZpl(rendered->zpl);
    ASSERT_THAT(printed, StartsWith("=+04000"));
    absl::StatusOr<testing::PngScan> scan = testing::ScanPng(rendered->png);
    ASSERT_TRUE(scan.ok()) << scan.status();
    EXPECT_EQ(scan->width, dpi == 203 ? 812 : 1200);
    EXPECT_THAT(scan->data_matrices, ElementsAre(printed));
    EXPECT_THAT(scan->linear, ::testing::IsSupersetOf(
                                  {std::string(testing::kDinData),
                                   std::string(testing::kDoseProductCode)}));
    // Rendering sends nothing.
    EXPECT_THAT(printer.Connections(0), IsEmpty());
  }
}

TEST(RenderForPrinter, NoPngUnlessAskedAndTheSameZplAsPrintOn) {
  FakePrinter printer(FakeStatus{});
  const v1::Label label = SampleLabel(v1::LABEL_TYPE_CULTURE_VESSEL);
  absl::StatusOr<RenderedLabel> rendered =
      RenderForPrinter(At(printer, 203), label, 3, false);
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  EXPECT_THAT(rendered->png, IsEmpty());
  ASSERT_TRUE(SendRendered(At(printer, 203), *rendered).ok());
  EXPECT_THAT(printer.Connections(1), ElementsAre("~HS" + rendered->zpl));
  EXPECT_EQ(rendered->zpl, *Render(label, Format::kZpl, 203, 3));
}

TEST(CheckPngPath, RefusesAFileThatCannotBeWrittenBeforeAnythingIsRecorded) {
  const std::string dir = ::testing::TempDir();
  EXPECT_TRUE(CheckPngPath(dir + "/label.png").ok());
  EXPECT_TRUE(CheckPngPath("label.png").ok());  // the working directory
  EXPECT_EQ(FieldOf(CheckPngPath("")), "png");
  EXPECT_EQ(FieldOf(CheckPngPath(dir)), "png");
  absl::Status missing = CheckPngPath(dir + "/no-such-dir/label.png");
  EXPECT_EQ(FieldOf(missing), "png");
  EXPECT_THAT(std::string(missing.message()), HasSubstr("no-such-dir"));
}

TEST(SaveLabelPng, WritesTheBytesAndLeavesNoTemporaryFile) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      absl::StrCat("save_label_png_", getpid());
  std::filesystem::create_directories(dir);
  const std::string png("\x89PNG\r\n\x1a\n\0data", 13);
  ASSERT_TRUE(SaveLabelPng((dir / "vial.png").string(), png).ok());
  EXPECT_EQ(cellchain::testing::ReadFileOrEmpty(dir / "vial.png"), png);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  absl::Status nowhere =
      SaveLabelPng((dir / "missing" / "vial.png").string(), png);
  EXPECT_EQ(nowhere.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(nowhere.message()), HasSubstr("missing"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cellchain::label
