// Table: the one way the CLI prints rows of columns — for people, aligned;
// for tools, as JSON or CSV (--format, OutputFormat).
//
// For people, each column is as wide as its widest cell (header included,
// counted in characters, not bytes), columns are separated by two spaces,
// and no cell is ever cut: a value longer than the others widens its column
// instead of running into the next one (`item/itm_…Tina Tech (technician)`
// in audit query before). The last column is not padded, so lines carry no
// trailing spaces.
//
// Two ways to fill one:
//  - ToString() prints cells as given: a caller that only ever prints for
//    people passes values from the server through Printable() first;
//  - Render(format) takes raw cells (the server's values as they are) and
//    escapes them for the format asked: Printable() for people (an empty
//    cell shown as "-"), JSON's or CSV's own escaping for tools — a control
//    character in a printed name is escaped, not a break in the document,
//    and no value is changed by an escape meant for a terminal.
//
// JSON is an array of objects, one per row, keyed by the header's names in
// snake_case ("RECORDED AT" is "recorded_at"; a column without a name is
// "column_N", counted from 1; a name met again gets "_2", "_3"), in the
// header's order. Every value is a
// string (an empty cell is ""), but in a column marked Number(): the cell
// as a JSON number, or null when empty or not a number. The text is ASCII:
// every other character is a \uXXXX escape (a terminal that shows it
// interprets none), and a byte that is not UTF-8 becomes U+FFFD.
// CSV is RFC 4180's: a header line of the same snake_case names, then one
// line per row, a field holding a comma, a quote, CR or LF quoted with its
// quotes doubled; lines end in LF, as the rest of the CLI's output and
// manufacturing growth-curve's CSV. Values are written as they are (a
// spreadsheet that evaluates a cell starting with '=' is the reader's
// concern: changing the value would make the CSV lie).
// Thread-safety: a Table is a value; use it from one thread.
#ifndef CELLCHAIN_CLIENTS_CLI_TABLE_H_
#define CELLCHAIN_CLIENTS_CLI_TABLE_H_

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cellchain::cli {

// How a listing prints (--format): an aligned table for people, or JSON or
// CSV for tools.
enum class OutputFormat { kTable, kJson, kCsv };

// "table", "json" or "csv"; nullopt for anything else.
std::optional<OutputFormat> ParseOutputFormat(std::string_view name);

class Table {
 public:
  // `header` names the columns; every row has as many cells (missing cells
  // print empty, extra cells are kept as further columns). An empty header
  // prints no header line (aligned lines inside a record, such as donor
  // show's screening results). `indent` starts every line (batch-show's
  // steps are indented under the batch); JSON and CSV ignore it.
  explicit Table(std::vector<std::string> header, std::string indent = "");

  // Right-aligns column `column` (numbers in the growth curve).
  Table& AlignRight(size_t column);
  // Column `column` holds numbers: JSON writes them unquoted (a cell that
  // is not a number, such as "" for none, as null).
  Table& Number(size_t column);

  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // The header and every row, each line ending in "\n", cells as given.
  std::string ToString() const;
  void Print(std::ostream& out) const { out << ToString(); }

  // The rows of raw cells in `format` (see above): the aligned table with
  // every cell through Printable() and "-" for an empty one, JSON, or CSV.
  std::string Render(OutputFormat format) const;

  // The JSON keys and CSV header: the header's names in snake_case.
  std::vector<std::string> Keys() const;

 private:
  std::string Json() const;
  std::string Csv() const;
  size_t Columns() const;

  std::string indent_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
  std::vector<bool> number_;
};

// A record's label ("state", "donor lot") padded to `width` characters and
// followed by at least two spaces, so that a long label still stands apart
// from its value: the first column of the CLI's "label  value" lines.
std::string PadLabel(std::string_view label, size_t width);

// The width a terminal gives `text`: its UTF-8 code points (a byte that is
// not valid UTF-8 counts as one).
size_t DisplayWidth(std::string_view text);

// "RECORDED (UTC)" -> "recorded_utc": lower case, each run of other
// characters than ASCII letters and digits one '_', none at either end.
std::string SnakeCase(std::string_view name);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_TABLE_H_
