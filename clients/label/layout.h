// The layout of one label at one printer resolution: where each bar code,
// line of text and box goes, in printer dots (origin top left), decided
// once so that the ZPL the printer receives and the PNG and PDF previews
// show the same label.
//
// Stock and content per type (docs/clients/label.md has the drawings):
//   dose bag 4 × 4 in, tissue container 4 × 3 in, culture vessel 4 × 2 in:
//     linear Code 128 codes in rows (001 and 003 first, then 005, 007,
//     040 as the label has them), each with its eye-readable text under
//     it and, for 001 and 040, the check character in a box; below, the
//     text lines on the left and the Data Matrix on the right.
//   cryovial and QC sample 2 × 1 in: no room for linear codes; the Data
//     Matrix on the left carries every structure, and the eye-readable
//     text of each (the DIN with its boxed K first) is printed beside it.
// Code 128 modules are 2 dots at 203 dpi and 3 at 300 (0.25 mm, ISBT 128's
// nominal X dimension) with 10-module quiet zones; Data Matrix modules
// 4 / 6 dots (0.5 mm) on large labels, 3 / 4 (0.37 / 0.34 mm) on small
// ones. Text widths are estimated (0.62 × the height per character) since
// the printer's font is not the preview's; a preview shrinks a line that
// would overrun its width rather than let it touch a bar code.
//
// Thread-safety: pure functions and values.
#ifndef CELLCHAIN_CLIENTS_LABEL_LAYOUT_H_
#define CELLCHAIN_CLIENTS_LABEL_LAYOUT_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/labels/v1/labels.pb.h"

namespace cellchain::label {

// One line of text; (x, y) is the top left of its line box.
struct TextElement {
  int x = 0;
  int y = 0;
  int height = 0;     // character height in dots
  int max_width = 0;  // the room it has, in dots
  bool bold = false;
  std::string text;  // UTF-8
};

// A rectangle outline (the box around a check character).
struct BoxElement {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  int thickness = 0;
};

// A Code 128 symbol; (x, y) is the top left of its first bar. The quiet
// zones (10 modules each side) are left free by the layout.
struct Code128Element {
  int x = 0;
  int y = 0;
  int module = 0;   // dots per module
  int height = 0;   // bar height in dots
  int modules = 0;  // width in modules (code128.h's plan)
  std::string data;
};

// A Data Matrix ECC 200 symbol; (x, y) is its top left corner.
struct DataMatrixElement {
  int x = 0;
  int y = 0;
  int module = 0;
  int rows = 0;
  int columns = 0;
  std::string data;
};

using Element =
    std::variant<TextElement, BoxElement, Code128Element, DataMatrixElement>;

struct Layout {
  int dpi = 0;
  int width = 0;      // dots
  int height = 0;     // dots
  std::string title;  // "cryovial label itm_..." (PDF metadata)
  std::vector<Element> elements;
};

// 203 and 300: the Zebra print heads this supports.
bool SupportedDpi(int dpi);

// The label checked (label_check.h) and laid out.
// INVALID_ARGUMENT: CheckLabel's fields; "dpi" (not 203 or 300); "text"
// when the text does not fit the stock. UNIMPLEMENTED as CheckLabel.
absl::StatusOr<Layout> LayOut(const cellchain::labels::v1::Label& label,
                              int dpi);

// The Code 128 symbols of a label, each an ISBT 128 data structure in the
// order the layout prints them, and the Data Matrix's content: what a
// scanner reads off the printed label.
std::vector<std::string> LinearCodesOf(const Layout& layout);
std::vector<std::string> DataMatricesOf(const Layout& layout);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_LAYOUT_H_
