// Test-only: reads a label's PNG the way a scanner reads the printed label
// — every linear symbol with zbar (every symbology it knows switched on,
// so that a stray reading would show), every Data Matrix with libdmtx,
// which zbar does not read. It decodes the file's pixels, not the layout
// the PNG was drawn from, so it sees what a reader of the file sees.
//
// Thread-safety: pure function (zbar and libdmtx state is per call).
#ifndef CELLCHAIN_CLIENTS_LABEL_PNG_SCAN_H_
#define CELLCHAIN_CLIENTS_LABEL_PNG_SCAN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::label::testing {

struct PngScan {
  int width = 0;   // pixels
  int height = 0;  // pixels
  // What zbar read, and each reading's symbology name ("CODE-128"), in
  // zbar's order.
  std::vector<std::string> linear;
  std::vector<std::string> linear_kinds;
  // What libdmtx read, one entry a symbol: it is given 5 s to find the
  // first and 1 s to find each other (a search of a whole label's text and
  // bars takes it up to 80 s; png_scan.cc).
  std::vector<std::string> data_matrices;
};

// INVALID_ARGUMENT when `png` is not a PNG cairo can read.
absl::StatusOr<PngScan> ScanPng(const std::string& png);

}  // namespace cellchain::label::testing

#endif  // CELLCHAIN_CLIENTS_LABEL_PNG_SCAN_H_
