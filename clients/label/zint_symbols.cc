#include "clients/label/zint_symbols.h"

#include <zint.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

struct ZintDeleter {
  void operator()(zint_symbol* symbol) const { ZBarcode_Delete(symbol); }
};
using ZintPtr = std::unique_ptr<zint_symbol, ZintDeleter>;

absl::StatusOr<Symbol> Encode(int symbology, std::string_view data,
                              std::string_view field) {
  ZintPtr symbol(ZBarcode_Create());
  if (symbol == nullptr) return absl::InternalError("zint: out of memory");
  symbol->symbology = symbology;
  // Bytes as given: no ECI, no GS1 parsing, no escape sequences.
  symbol->input_mode = DATA_MODE;
  // The label draws its own eye-readable text and quiet zones.
  symbol->show_hrt = 0;
  symbol->whitespace_width = 0;
  symbol->whitespace_height = 0;
  symbol->border_width = 0;
  symbol->output_options &= ~BARCODE_QUIET_ZONES;
  if (symbology == BARCODE_DATAMATRIX) symbol->option_3 = DM_SQUARE;
  int rc = ZBarcode_Encode(symbol.get(),
                           reinterpret_cast<const unsigned char*>(data.data()),
                           static_cast<int>(data.size()));
  if (rc >= ZINT_ERROR) {
    std::string message = absl::StrCat(
        "zint refuses the data: ", static_cast<const char*>(symbol->errtxt));
    if (rc == ZINT_ERROR_TOO_LONG || rc == ZINT_ERROR_INVALID_DATA ||
        rc == ZINT_ERROR_INVALID_OPTION) {
      return InvalidField(field, message);
    }
    return absl::InternalError(message);
  }
  rc = ZBarcode_Buffer_Vector(symbol.get(), /*rotate_angle=*/0);
  if (rc >= ZINT_ERROR || symbol->vector == nullptr || symbol->width <= 0) {
    return absl::InternalError(
        absl::StrCat("zint cannot lay out the symbol: ",
                     static_cast<const char*>(symbol->errtxt)));
  }
  Symbol out;
  out.width = symbol->width;
  out.rows = symbology == BARCODE_DATAMATRIX ? symbol->rows : 1;
  // zint's vector units per module, whatever its scale convention.
  const double unit = symbol->vector->width / symbol->width;
  for (const zint_vector_rect* r = symbol->vector->rectangles; r != nullptr;
       r = r->next) {
    if (out.rows == 1) {
      out.dark.push_back({r->x / unit, 0, r->width / unit, 1});
    } else {
      out.dark.push_back(
          {r->x / unit, r->y / unit, r->width / unit, r->height / unit});
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<Symbol> EncodeCode128(std::string_view data) {
  return Encode(BARCODE_CODE128, data, "code128");
}

absl::StatusOr<Symbol> EncodeDataMatrix(std::string_view data) {
  return Encode(BARCODE_DATAMATRIX, data, "datamatrix");
}

}  // namespace cellchain::label
