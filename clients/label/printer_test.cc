#include "clients/label/printer.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/label/fake_printer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

using ::cellchain::label::testing::FakePrinter;
using ::cellchain::label::testing::FakeStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An answer as the ZPL II manual's ~HS example lays it out.
TEST(HostStatus, ParsesTheThreeStrings) {
  absl::StatusOr<PrinterStatus> status = ParseHostStatus(
      "\x02"
      "030,0,1,1218,002,0,0,0,000,0,0,0\x03\r\n"
      "\x02"
      "001,0,0,1,1,2,0,0,00000005,1,000\x03\r\n"
      "\x02"
      "1234,0\x03\r\n");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_FALSE(status->paper_out);
  EXPECT_TRUE(status->paused);
  EXPECT_EQ(status->label_length_dots, 1218);
  EXPECT_EQ(status->formats_in_buffer, 2);
  EXPECT_FALSE(status->head_open);
  EXPECT_TRUE(status->ribbon_out);
  EXPECT_TRUE(status->thermal_transfer);
  EXPECT_EQ(status->labels_remaining, 5);
}

TEST(HostStatus, RefusesWhatItCannotRead) {
  for (const char* bad : {
           "",
           "\x02"
           "030,0,0\x03",
           "\x02"
           "030,0,0,1218,000,0,0,0,000,0,0,0\x03\x02"
           "001,0,0,0,1,2,0,0,00000000,1,000\x03",
           "\x02"
           "030,2,0,1218,000,0,0,0,000,0,0,0\x03\x02"
           "001,0,0,0,1,2,0,0,00000000,1,000\x03\x02"
           "1234,0\x03",
           "\x02"
           "030,0,0,1218,000,0,0,0,000,0,0,0\x03\x02"
           "001,0,0,0,1,2,0,0,00000000,1,000\x03\x02"
           "1234,0",
       }) {
    EXPECT_EQ(ReasonOf(ParseHostStatus(bad).status()),
              "PRINTER_STATUS_UNREADABLE")
        << bad;
  }
}

TEST(HostStatus, ReadyOnlyWhenNothingStopsIt) {
  EXPECT_TRUE(ReadyToPrint(PrinterStatus{}).ok());
  PrinterStatus paused;
  paused.paused = true;
  EXPECT_EQ(ReasonOf(ReadyToPrint(paused)), "PRINTER_PAUSED");
  PrinterStatus out;
  out.paper_out = true;
  EXPECT_EQ(ReasonOf(ReadyToPrint(out)), "PRINTER_OUT_OF_MEDIA");
  PrinterStatus ribbon;
  ribbon.ribbon_out = true;
  // A direct thermal printer has no ribbon to run out of.
  EXPECT_TRUE(ReadyToPrint(ribbon).ok());
  ribbon.thermal_transfer = true;
  EXPECT_EQ(ReasonOf(ReadyToPrint(ribbon)), "PRINTER_OUT_OF_MEDIA");
  PrinterStatus both = paused;
  both.paper_out = true;
  both.head_open = true;
  absl::Status refused = ReadyToPrint(both);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("paused"));
  EXPECT_THAT(refused.message(), HasSubstr("out of labels"));
  EXPECT_THAT(refused.message(), HasSubstr("print head is open"));
}

TEST(PrinterAddress, Forms) {
  EXPECT_EQ(ParsePrinterAddress("zebra-lab2")->port, kRawPrintPort);
  EXPECT_EQ(ParsePrinterAddress("10.1.2.3:6101")->port, 6101);
  EXPECT_EQ(ParsePrinterAddress("10.1.2.3:6101")->host, "10.1.2.3");
  EXPECT_EQ(ParsePrinterAddress("[::1]:9100")->host, "::1");
  EXPECT_EQ(ParsePrinterAddress("[::1]")->port, kRawPrintPort);
  for (const char* bad : {"", ":9100", "host:", "host:0", "host:70000",
                          "host:x", "[::1", "[::1]9100"}) {
    EXPECT_EQ(FieldOf(ParsePrinterAddress(bad).status()), "printer") << bad;
  }
}

PrinterAddress Loopback(int port) { return {"127.0.0.1", port}; }

constexpr char kZpl[] = "^XA\n^FO20,20^A0N,30,30^FH_^FDtest_5E^FS\n^XZ\n";

TEST(SendToPrinter, AReadyPrinterGetsTheStatusQueryThenExactlyTheZpl) {
  FakePrinter printer(FakeStatus{});
  ASSERT_TRUE(
      SendToPrinter(Loopback(printer.port()), kZpl, absl::Seconds(5)).ok());
  EXPECT_THAT(printer.Connections(1), ElementsAre(std::string("~HS") + kZpl));
}

TEST(SendToPrinter, APausedPrinterIsRefusedAndSentNothing) {
  FakePrinter printer(FakeStatus{.paused = true});
  absl::Status sent =
      SendToPrinter(Loopback(printer.port()), kZpl, absl::Seconds(5));
  EXPECT_EQ(ReasonOf(sent), "PRINTER_PAUSED");
  EXPECT_THAT(sent.message(), HasSubstr("paused"));
  EXPECT_THAT(printer.Connections(1), ElementsAre("~HS"));
}

TEST(SendToPrinter, APrinterOutOfMediaIsRefusedAndSentNothing) {
  FakePrinter printer(FakeStatus{.paper_out = true});
  absl::Status sent =
      SendToPrinter(Loopback(printer.port()), kZpl, absl::Seconds(5));
  EXPECT_EQ(ReasonOf(sent), "PRINTER_OUT_OF_MEDIA");
  EXPECT_THAT(sent.message(), HasSubstr("out of labels"));
  EXPECT_THAT(printer.Connections(1), ElementsAre("~HS"));

  FakePrinter no_ribbon(FakeStatus{.ribbon_out = true});
  EXPECT_EQ(ReasonOf(SendToPrinter(Loopback(no_ribbon.port()), kZpl,
                                   absl::Seconds(5))),
            "PRINTER_OUT_OF_MEDIA");
  EXPECT_THAT(no_ribbon.Connections(1), ElementsAre("~HS"));
}

TEST(SendToPrinter, NoPrinterIsUnavailable) {
  int port;
  {
    FakePrinter gone(FakeStatus{});
    port = gone.port();
  }
  absl::Status sent = SendToPrinter(Loopback(port), kZpl, absl::Seconds(2));
  EXPECT_EQ(sent.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(sent.message(), HasSubstr("127.0.0.1"));
}

TEST(QueryPrinter, ReadsTheStatus) {
  FakePrinter printer(FakeStatus{.head_open = true});
  absl::StatusOr<PrinterStatus> status =
      QueryPrinter(Loopback(printer.port()), absl::Seconds(5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(status->head_open);
  EXPECT_FALSE(status->paused);
}

}  // namespace
}  // namespace cellchain::label
