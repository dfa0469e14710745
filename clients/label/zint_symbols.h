// The bar code symbols of a label as libzint encodes them: Code 128 for the
// linear ISBT 128 codes, Data Matrix ECC 200 (square) for the compound
// message. A Symbol is the dark modules as rectangles in module units, so
// that a renderer scales them to whole device pixels or to PDF points and
// draws exactly what zint encoded.
//
// Thread-safety: each call uses a zint symbol of its own; safe to call
// concurrently.
#ifndef CELLCHAIN_CLIENTS_LABEL_ZINT_SYMBOLS_H_
#define CELLCHAIN_CLIENTS_LABEL_ZINT_SYMBOLS_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::label {

struct ModuleRect {
  double x = 0;  // modules from the symbol's left edge
  double y = 0;  // modules from its top; 0 for a linear symbol
  double width = 0;
  double height = 0;  // 1 for a linear symbol: the renderer sets bar height
};

struct Symbol {
  int width = 0;  // modules, quiet zones not included
  int rows = 0;   // modules (Data Matrix); 1 for a linear symbol
  std::vector<ModuleRect> dark;
};

// INVALID_ARGUMENT (field "code128" or "datamatrix") when zint refuses the
// data, with zint's message; INTERNAL when zint fails otherwise.
absl::StatusOr<Symbol> EncodeCode128(std::string_view data);
absl::StatusOr<Symbol> EncodeDataMatrix(std::string_view data);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_ZINT_SYMBOLS_H_
