#include "clients/label/png_scan.h"

#include <cairo.h>
#include <dmtx.h>
#include <zbar.h>

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"

namespace cellchain::label::testing {
namespace {

struct Gray {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> pixels;  // one byte per pixel, rows top down
};

struct PngReader {
  const std::string* png;
  size_t offset = 0;
};

cairo_status_t ReadPng(void* closure, unsigned char* data,
                       unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->offset + length > reader->png->size()) {
    return CAIRO_STATUS_READ_ERROR;
  }
  std::copy_n(reader->png->data() + reader->offset, length, data);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

absl::StatusOr<Gray> Decode(const std::string& png) {
  PngReader reader{&png};
  cairo_surface_t* surface =
      cairo_image_surface_create_from_png_stream(ReadPng, &reader);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return absl::InvalidArgumentError("not a PNG");
  }
  Gray gray;
  gray.width = cairo_image_surface_get_width(surface);
  gray.height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  gray.pixels.resize(static_cast<size_t>(gray.width) * gray.height);
  for (int y = 0; y < gray.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < gray.width; ++x) {
      const uint32_t p = row[x];
      const int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
      gray.pixels[static_cast<size_t>(y) * gray.width + x] =
          static_cast<unsigned char>((r * 299 + g * 587 + b * 114) / 1000);
    }
  }
  cairo_surface_destroy(surface);
  return gray;
}

void ZbarSymbols(const Gray& gray, PngScan& scan) {
  zbar::zbar_image_scanner_t* scanner = zbar::zbar_image_scanner_create();
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_NONE,
                                      zbar::ZBAR_CFG_ENABLE, 1);
  zbar::zbar_image_t* image = zbar::zbar_image_create();
  zbar::zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(image, gray.width, gray.height);
  zbar::zbar_image_set_data(image, gray.pixels.data(), gray.pixels.size(),
                            nullptr);
  zbar::zbar_scan_image(scanner, image);
  for (const zbar::zbar_symbol_t* s = zbar::zbar_image_first_symbol(image);
       s != nullptr; s = zbar::zbar_symbol_next(s)) {
    scan.linear.emplace_back(zbar::zbar_symbol_get_data(s),
                             zbar::zbar_symbol_get_data_length(s));
    scan.linear_kinds.push_back(
        zbar::zbar_get_symbol_name(zbar::zbar_symbol_get_type(s)));
  }
  zbar::zbar_image_destroy(image);
  zbar::zbar_image_scanner_destroy(scanner);
}

// How long libdmtx looks for a Data Matrix, and for another once it has
// found one. Found or not, it goes on through the whole image, which on a
// label's text and bars is slow: 0.6 s to the dose bag's symbol at 300 dpi
// (dmtxread -N1), 82 s to the end of the image (dmtxread). The second
// search is a look, not a proof there is none: at 5 s it cost
// label_render_test 12 of its 16 s per resolution and still did not reach
// the end of the dose bag, culture vessel or tissue container.
constexpr int kFirstDataMatrixMs = 5000;
constexpr int kAnotherDataMatrixMs = 1000;

void DataMatrices(const Gray& gray, PngScan& scan) {
  std::vector<unsigned char> pixels = gray.pixels;
  DmtxImage* image =
      dmtxImageCreate(pixels.data(), gray.width, gray.height, DmtxPack8bppK);
  dmtxImageSetProp(image, DmtxPropImageFlip, DmtxFlipNone);
  DmtxDecode* decode = dmtxDecodeCreate(image, 1);
  for (;;) {
    DmtxTime timeout = dmtxTimeAdd(
        dmtxTimeNow(), scan.data_matrices.empty() ? kFirstDataMatrixMs
                                                  : kAnotherDataMatrixMs);
    DmtxRegion* region = dmtxRegionFindNext(decode, &timeout);
    if (region == nullptr) break;
    DmtxMessage* message =
        dmtxDecodeMatrixRegion(decode, region, DmtxUndefined);
    if (message != nullptr) {
      scan.data_matrices.emplace_back(
          reinterpret_cast<const char*>(message->output), message->outputIdx);
      dmtxMessageDestroy(&message);
    }
    dmtxRegionDestroy(&region);
  }
  dmtxDecodeDestroy(&decode);
  dmtxImageDestroy(&image);
}

}  // namespace

absl::StatusOr<PngScan> ScanPng(const std::string& png) {
  absl::StatusOr<Gray> gray = Decode(png);
  if (!gray.ok()) return gray.status();
  PngScan scan;
  scan.width = gray->width;
  scan.height = gray->height;
  ZbarSymbols(*gray, scan);
  DataMatrices(*gray, scan);
  return scan;
}

}  // namespace cellchain::label::testing
