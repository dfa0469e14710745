#include "clients/label/render.h"

#include <string>
#include <string_view>

#include "clients/label/layout.h"
#include "clients/label/preview.h"
#include "clients/label/zpl.h"
#include "services/common/status/status.h"

namespace cellchain::label {

absl::StatusOr<Format> ParseFormat(std::string_view name) {
  if (name == "zpl") return Format::kZpl;
  if (name == "png") return Format::kPng;
  if (name == "pdf") return Format::kPdf;
  return InvalidField("format", "zpl, png or pdf");
}

absl::StatusOr<std::string> Render(const cellchain::labels::v1::Label& label,
                                   Format format, int dpi, int copies) {
  absl::StatusOr<Layout> layout = LayOut(label, dpi);
  if (!layout.ok()) return layout.status();
  switch (format) {
    case Format::kZpl:
      return ToZpl(*layout, copies);
    case Format::kPng:
      return RenderPng(*layout);
    case Format::kPdf:
      return RenderPdf(*layout);
  }
  return absl::InternalError("unknown format");
}

}  // namespace cellchain::label
