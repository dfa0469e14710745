#include "clients/cli/table.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "nlohmann/json.hpp"
#include "services/common/strings/printable.h"

namespace cellchain::cli {

namespace {
constexpr size_t kSeparator = 2;

// A CSV field: quoted when it holds what would end it or the line.
std::string CsvField(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}
}  // namespace

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  return std::nullopt;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++width) {
    uint32_t cp = 0;
    size_t n = Utf8Sequence(text, i, &cp);
    i += n == 0 ? 1 : n;
  }
  return width;
}

std::string PadLabel(std::string_view label, size_t width) {
  std::string out(label);
  size_t shown = DisplayWidth(label);
  out.append(std::max(width, shown + kSeparator) - shown, ' ');
  return out;
}

std::string SnakeCase(std::string_view name) {
  std::string out;
  bool gap = false;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9');
    if (!alnum) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += '_';
    gap = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

Table::Table(std::vector<std::string> header, std::string indent)
    : indent_(std::move(indent)), header_(std::move(header)) {}

Table& Table::AlignRight(size_t column) {
  if (right_.size() <= column) right_.resize(column + 1, false);
  right_[column] = true;
  return *this;
}

Table& Table::Number(size_t column) {
  if (number_.size() <= column) number_.resize(column + 1, false);
  number_[column] = true;
  return *this;
}

void Table::AddRow(std::vector<std::string> cells) {
  rows_.push_back(std::move(cells));
}

size_t Table::Columns() const {
  size_t columns = header_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  return columns;
}

std::string Table::ToString() const {
  size_t columns = Columns();
  std::vector<size_t> width(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) {
      width[c] = std::max(width[c], DisplayWidth(row[c]));
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text = indent_;
    for (size_t c = 0; c < columns; ++c) {
      const std::string empty;
      const std::string& cell = c < row.size() ? row[c] : empty;
      size_t pad = width[c] - DisplayWidth(cell);
      bool right = c < right_.size() && right_[c];
      if (right) text.append(pad, ' ');
      text += cell;
      if (c + 1 < columns) text.append((right ? 0 : pad) + kSeparator, ' ');
    }
    // A short last cell leaves no trailing blanks.
    text.erase(text.find_last_not_of(' ') + 1);
    out += text;
    out += "\n";
  };
  if (!header_.empty()) line(header_);
  for (const auto& row : rows_) line(row);
  return out;
}

std::vector<std::string> Table::Keys() const {
  std::vector<std::string> keys;
  std::set<std::string> taken;
  for (size_t c = 0; c < Columns(); ++c) {
    std::string key = c < header_.size() ? SnakeCase(header_[c]) : "";
    if (key.empty()) key = "column_" + std::to_string(c + 1);
    std::string unique = key;
    for (int n = 2; taken.contains(unique); ++n) {
      unique = key + "_" + std::to_string(n);
    }
    taken.insert(unique);
    keys.push_back(std::move(unique));
  }
  return keys;
}

std::string Table::Json() const {
  std::vector<std::string> keys = Keys();
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& row : rows_) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (size_t c = 0; c < keys.size(); ++c) {
      std::string cell = c < row.size() ? row[c] : "";
      if (c < number_.size() && number_[c]) {
        // nlohmann's own number grammar: "", "-", "12 kg" and NaN are null.
        nlohmann::ordered_json number =
            nlohmann::ordered_json::parse(cell, nullptr, false);
        object[keys[c]] = number.is_number() ? number : nullptr;
      } else {
        object[keys[c]] = std::move(cell);
      }
    }
    rows.push_back(std::move(object));
  }
  // ASCII only, and U+FFFD for a byte that is not UTF-8: dump() neither
  // throws nor writes a byte a terminal would act on.
  return rows.dump(2, ' ', /*ensure_ascii=*/true,
                   nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

std::string Table::Csv() const {
  std::vector<std::string> keys = Keys();
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < keys.size(); ++c) {
      if (c > 0) out += ',';
      if (c < cells.size()) out += CsvField(cells[c]);
    }
    out += '\n';
  };
  line(keys);
  for (const auto& row : rows_) line(row);
  return out;
}

std::string Table::Render(OutputFormat format) const {
  switch (format) {
    case OutputFormat::kJson:
      return Json();
    case OutputFormat::kCsv:
      return Csv();
    case OutputFormat::kTable:
      break;
  }
  Table shown(header_, indent_);
  shown.right_ = right_;
  for (const auto& row : rows_) {
    std::vector<std::string> cells;
    cells.reserve(row.size());
    for (const std::string& cell : row) {
      cells.push_back(cell.empty() ? "-" : Printable(cell));
    }
    shown.AddRow(std::move(cells));
  }
  return shown.ToString();
}

}  // namespace cellchain::cli
