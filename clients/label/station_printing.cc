#include "clients/label/station_printing.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/label/layout.h"
#include "clients/label/preview.h"
#include "clients/label/zpl.h"
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

absl::StatusOr<RenderedLabel> RenderForPrinter(const StationPrinter& printer,
                                               const labels::v1::Label& label,
                                               int copies, bool with_png) {
  absl::StatusOr<Layout> layout = LayOut(label, printer.dpi);
  if (!layout.ok()) return layout.status();
  RenderedLabel rendered;
  absl::StatusOr<std::string> zpl = ToZpl(*layout, copies);
  if (!zpl.ok()) return zpl.status();
  rendered.zpl = *std::move(zpl);
  if (with_png) {
    absl::StatusOr<std::string> png = RenderPng(*layout);
    if (!png.ok()) return png.status();
    rendered.png = *std::move(png);
  }
  return rendered;
}

absl::Status SendRendered(const StationPrinter& printer,
                          const RenderedLabel& rendered) {
  return SendToPrinter(printer.address, rendered.zpl, printer.timeout);
}

absl::Status PrintOn(const StationPrinter& printer,
                     const labels::v1::Label& label, int copies) {
  absl::StatusOr<RenderedLabel> rendered =
      RenderForPrinter(printer, label, copies, /*with_png=*/false);
  if (!rendered.ok()) return rendered.status();
  return SendRendered(printer, *rendered);
}

absl::Status CheckPngPath(const std::string& path) {
  if (path.empty()) return InvalidField("png", "--png needs a file name");
  std::error_code error;
  const std::filesystem::path file(path);
  if (std::filesystem::is_directory(file, error)) {
    return InvalidField("png", absl::StrCat(path,
                                            " is a directory: give a "
                                            "file name"));
  }
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  if (!std::filesystem::is_directory(dir, error)) {
    return InvalidField(
        "png", absl::StrCat("no directory ", dir.string(), " for ", path));
  }
  if (access(dir.c_str(), W_OK) != 0) {
    return InvalidField("png", absl::StrCat("cannot write in ", dir.string(),
                                            ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status SaveLabelPng(const std::string& path, const std::string& png) {
  const std::string temporary = absl::StrCat(path, ".tmp-", getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << png;
    out.close();
    if (!out) {
      const int saved = errno;
      std::remove(temporary.c_str());
      return absl::InternalError(
          absl::StrCat("cannot write ", temporary, ": ", std::strerror(saved)));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    std::remove(temporary.c_str());
    return absl::InternalError(absl::StrCat("cannot rename ", temporary, " to ",
                                            path, ": ", std::strerror(saved)));
  }
  return absl::OkStatus();
}

}  // namespace cellchain::label
