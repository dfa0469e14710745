// PNG and PDF renderings of a label's layout, for workstations without a
// Zebra printer and for the batch record: the same elements the ZPL gives
// the printer, with the bar codes drawn module by module from libzint's
// symbols and the text in DejaVu Sans (fonts-dejavu-core), through cairo.
//
// The PNG has one pixel per printer dot (a 4 × 4 in label at 203 dpi is
// 812 × 812 pixels), so what a scanner can read off the preview it can read
// off the print. The PDF is the label at its real size, vector bar codes.
// A line of text a font draws wider than its room is narrowed to fit.
//
// Thread-safety: safe to call from several threads; calls are serialised
// by one lock because the FreeType faces are shared.
#ifndef CELLCHAIN_CLIENTS_LABEL_PREVIEW_H_
#define CELLCHAIN_CLIENTS_LABEL_PREVIEW_H_

#include <string>

#include "absl/status/statusor.h"
#include "clients/label/layout.h"

namespace cellchain::label {

// The encoded PNG file. FAILED_PRECONDITION when the DejaVu font files are
// missing (naming the Debian package); INVALID_ARGUMENT when zint refuses a
// symbol's data; INTERNAL when cairo fails.
absl::StatusOr<std::string> RenderPng(const Layout& layout);

// The PDF file; same errors.
absl::StatusOr<std::string> RenderPdf(const Layout& layout);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_PREVIEW_H_
