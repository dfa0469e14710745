#include "clients/label/station_printing.h"

#include "clients/label/render.h"
#include "services/common/status/status.h"

namespace cellchain::label {

absl::StatusOr<StationPrinter> MakeStationPrinter(std::string_view name,
                                                  int dpi,
                                                  absl::Duration timeout) {
  // The labels service keeps 1-64 characters of the printer's name.
  if (name.empty() || name.size() > 64) {
    return InvalidField("printer",
                        "give the printer as HOST[:PORT], 1 to 64 "
                        "characters");
  }
  if (dpi != 203 && dpi != 300) {
    return InvalidField("dpi", "the printer's resolution is 203 or 300 dpi");
  }
  absl::StatusOr<PrinterAddress> address = ParsePrinterAddress(name);
  if (!address.ok()) return address.status();
  return StationPrinter{std::string(name), *address, dpi, timeout};
}

absl::Status CheckPrinterReady(const StationPrinter& printer) {
  absl::StatusOr<PrinterStatus> status =
      QueryPrinter(printer.address, printer.timeout);
  if (!status.ok()) return status.status();
  return ReadyToPrint(*status);
}

absl::Status PrintOn(const StationPrinter& printer,
                     const labels::v1::Label& label, int copies) {
  absl::StatusOr<std::string> zpl =
      Render(label, Format::kZpl, printer.dpi, copies);
  if (!zpl.ok()) return zpl.status();
  return SendToPrinter(printer.address, *zpl, printer.timeout);
}

}  // namespace cellchain::label
