// The station's printer: where a label goes (a Zebra printer on raw TCP
// 9100, named as the technician typed it) and at what resolution, and the
// two steps of printing there — asking whether the printer can print now,
// before the labels service records a job, and sending the label's ZPL.
//
// Thread-safety: pure values and blocking calls that share nothing.
#ifndef CELLCHAIN_CLIENTS_LABEL_STATION_PRINTING_H_
#define CELLCHAIN_CLIENTS_LABEL_STATION_PRINTING_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "clients/label/printer.h"

namespace cellchain::label {

struct StationPrinter {
  // As typed ("zebra-lab2", "192.0.2.10:9100"): the name the print job
  // records (1-64 characters).
  std::string name;
  PrinterAddress address;
  int dpi = 203;  // the printer's head: 203 or 300
  absl::Duration timeout = absl::Seconds(5);
};

// INVALID_ARGUMENT: field "printer" (empty, longer than 64 characters, not
// HOST[:PORT]), field "dpi" (not 203 or 300).
absl::StatusOr<StationPrinter> MakeStationPrinter(std::string_view name,
                                                  int dpi,
                                                  absl::Duration timeout);

// Asks the printer's ~HS status and sends it nothing else. OK when it can
// print now; otherwise QueryPrinter's and ReadyToPrint's errors
// (UNAVAILABLE, FAILED_PRECONDITION PRINTER_PAUSED, PRINTER_OUT_OF_MEDIA,
// ...).
absl::Status CheckPrinterReady(const StationPrinter& printer);

// Renders `label` to ZPL at the printer's dpi with `copies` (^PQ) and sends
// it (SendToPrinter: ~HS first, nothing more to a printer that cannot
// print). Render's errors (the label fails its checks: nothing is sent)
// and SendToPrinter's.
absl::Status PrintOn(const StationPrinter& printer,
                     const labels::v1::Label& label, int copies);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_STATION_PRINTING_H_
