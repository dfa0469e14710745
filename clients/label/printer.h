// Sending ZPL to a Zebra printer over raw TCP (port 9100), after asking the
// printer how it is: the host status (~HS) is read first, and a printer
// that cannot print the label now is refused with a message the technician
// can act on, rather than sent a label that would sit in its buffer and
// come out later, out of order, or be lost when someone clears the jam.
//
// ~HS (ZPL II Programming Guide, "~HS Host Status Return") answers three
// strings, each <STX> ... <ETX> <CR><LF>:
//   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l   b paper out, c pause, dddd label
//      length, eee formats in the receive buffer, f buffer full, g
//      communications diagnostic mode, h partial format, iii unused, j
//      corrupt RAM, k under temperature, l over temperature
//   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www   o head up, p ribbon out, q thermal
//      transfer mode, r print mode, s print width mode, t label waiting,
//      uuuuuuuu labels remaining in batch, v format while printing, www
//      graphics stored
//   3: xxxx,y                              password, static RAM installed
//
// Refused (FAILED_PRECONDITION, reason as named): paused (PRINTER_PAUSED),
// out of paper or labels (PRINTER_OUT_OF_MEDIA), out of ribbon in thermal
// transfer mode (PRINTER_OUT_OF_MEDIA), print head open (PRINTER_HEAD_OPEN),
// receive buffer full (PRINTER_BUFFER_FULL), too hot or too cold
// (PRINTER_TEMPERATURE); every condition that holds is named in the message.
//
// Thread-safety: pure functions and blocking calls that share nothing.
#ifndef CELLCHAIN_CLIENTS_LABEL_PRINTER_H_
#define CELLCHAIN_CLIENTS_LABEL_PRINTER_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cellchain::label {

inline constexpr int kRawPrintPort = 9100;

struct PrinterStatus {
  bool paper_out = false;
  bool paused = false;
  int label_length_dots = 0;
  int formats_in_buffer = 0;
  bool buffer_full = false;
  bool under_temperature = false;
  bool over_temperature = false;
  bool head_open = false;
  bool ribbon_out = false;
  bool thermal_transfer = false;
  int labels_remaining = 0;
};

// Parses the three ~HS strings (bytes between them and after them, such as
// CR LF, are ignored). FAILED_PRECONDITION reason PRINTER_STATUS_UNREADABLE
// when it is not three framed strings of 12, 11 and 2 comma-separated
// fields with the flags 0 or 1.
absl::StatusOr<PrinterStatus> ParseHostStatus(std::string_view response);

// OK when the printer can print now; otherwise FAILED_PRECONDITION with the
// reason of the first condition above and every condition in the message.
absl::Status ReadyToPrint(const PrinterStatus& status);

// "host", "host:port", "[v6addr]:port". INVALID_ARGUMENT (field "printer").
struct PrinterAddress {
  std::string host;
  int port = kRawPrintPort;
};
absl::StatusOr<PrinterAddress> ParsePrinterAddress(std::string_view text);

// Connects, sends "~HS", reads the answer, and asks the printer's state.
// UNAVAILABLE: the printer cannot be reached or does not answer within
// `timeout` (the address in the message); PRINTER_STATUS_UNREADABLE as
// ParseHostStatus.
absl::StatusOr<PrinterStatus> QueryPrinter(const PrinterAddress& printer,
                                           absl::Duration timeout);

// QueryPrinter, ReadyToPrint, then on the same connection the ZPL, and
// closes the connection. Nothing but "~HS" is sent to a printer that is
// refused. The errors of both, and UNAVAILABLE when the ZPL cannot be
// written in full within `timeout`.
absl::Status SendToPrinter(const PrinterAddress& printer, std::string_view zpl,
                           absl::Duration timeout);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_PRINTER_H_
