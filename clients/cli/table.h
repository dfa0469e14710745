// Table: the one way the CLI prints rows of columns for people. Each column
// is as wide as its widest cell (header included, counted in characters, not
// bytes), columns are separated by two spaces, and no cell is ever cut: a
// value longer than the others widens its column instead of running into
// the next one (`item/itm_…Tina Tech (technician)` in audit query before).
// The last column is not padded, so lines carry no trailing spaces.
// Cells are printed as given: pass values from the server through
// Printable() first.
// Thread-safety: a Table is a value; use it from one thread.
#ifndef CELLCHAIN_CLIENTS_CLI_TABLE_H_
#define CELLCHAIN_CLIENTS_CLI_TABLE_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cellchain::cli {

class Table {
 public:
  // `header` names the columns; every row has as many cells (missing cells
  // print empty, extra cells are kept as further columns). An empty header
  // prints no header line (aligned lines inside a record, such as donor
  // show's screening results). `indent` starts every line (batch-show's
  // steps are indented under the batch).
  explicit Table(std::vector<std::string> header, std::string indent = "");

  // Right-aligns column `column` (numbers in the growth curve).
  Table& AlignRight(size_t column);

  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // The header and every row, each line ending in "\n".
  std::string ToString() const;
  void Print(std::ostream& out) const { out << ToString(); }

 private:
  std::string indent_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
};

// A record's label ("state", "donor lot") padded to `width` characters and
// followed by at least two spaces, so that a long label still stands apart
// from its value: the first column of the CLI's "label  value" lines.
std::string PadLabel(std::string_view label, size_t width);

// The width a terminal gives `text`: its UTF-8 code points (a byte that is
// not valid UTF-8 counts as one).
size_t DisplayWidth(std::string_view text);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_TABLE_H_
