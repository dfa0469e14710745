// One label to the bytes of one output format: ZPL II for a Zebra printer,
// or a PNG or PDF preview. Lays the label out once (layout.h), which checks
// it first (label_check.h), then writes it (zpl.h, preview.h).
//
// Thread-safety: as preview.h.
#ifndef CELLCHAIN_CLIENTS_LABEL_RENDER_H_
#define CELLCHAIN_CLIENTS_LABEL_RENDER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cellchain/labels/v1/labels.pb.h"

namespace cellchain::label {

enum class Format { kZpl, kPng, kPdf };

// "zpl", "png", "pdf". INVALID_ARGUMENT (field "format") otherwise.
absl::StatusOr<Format> ParseFormat(std::string_view name);

// The errors of LayOut, ToZpl, RenderPng and RenderPdf.
absl::StatusOr<std::string> Render(const cellchain::labels::v1::Label& label,
                                   Format format, int dpi, int copies = 1);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_RENDER_H_
