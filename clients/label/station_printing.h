// The station's printer: where a label goes (a Zebra printer on raw TCP
// 9100, named as the technician typed it) and at what resolution, and the
// two steps of printing there — asking whether the printer can print now,
// before the labels service records a job, and sending the label's ZPL —
// and the PNG of the same label a technician may keep (--png).
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

// A job's label as the station sends it: the ZPL for the printer and, when
// asked for, the PNG of the very same layout (one pixel per printer dot,
// preview.h), so that what a scanner reads off the PNG is what the printer
// prints.
struct RenderedLabel {
  std::string zpl;
  std::string png;  // "" unless asked for
};

// Lays `label` out once at the printer's dpi and writes its ZPL with
// `copies` (^PQ) and, when `with_png`, its PNG from that layout. Sends
// nothing. LayOut's and ToZpl's errors (INVALID_ARGUMENT: the label fails
// the station's checks); RenderPng's (FAILED_PRECONDITION: the DejaVu fonts
// are missing; INTERNAL).
absl::StatusOr<RenderedLabel> RenderForPrinter(const StationPrinter& printer,
                                               const labels::v1::Label& label,
                                               int copies, bool with_png);

// Sends `rendered.zpl` (SendToPrinter: ~HS first, nothing more to a printer
// that cannot print). SendToPrinter's errors.
absl::Status SendRendered(const StationPrinter& printer,
                          const RenderedLabel& rendered);

// RenderForPrinter without the PNG, then SendRendered: nothing is sent when
// the label fails its checks. Their errors.
absl::Status PrintOn(const StationPrinter& printer,
                     const labels::v1::Label& label, int copies);

// Whether a PNG can be saved at `path`, asked before a job is recorded so
// that a typing error does not leave a recorded job without its file.
// INVALID_ARGUMENT (field "png"): the path is empty or a directory, or its
// directory does not exist or is not writable.
absl::Status CheckPngPath(const std::string& path);

// Writes `png` to `path` through a temporary file in its directory and a
// rename, so that a reader (a decoder watching the folder) never sees half
// a label. INTERNAL naming the path and the system's reason on failure.
absl::Status SaveLabelPng(const std::string& path, const std::string& png);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_STATION_PRINTING_H_
