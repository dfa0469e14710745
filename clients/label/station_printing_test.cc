#include "clients/label/station_printing.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/label/fake_printer.h"
#include "clients/label/render.h"
#include "clients/label/sample_labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

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

}  // namespace
}  // namespace cellchain::label
