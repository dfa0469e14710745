#include "clients/cli/table.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "services/common/strings/printable.h"

namespace cellchain::cli {

namespace {
constexpr size_t kSeparator = 2;
}  // namespace

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

Table::Table(std::vector<std::string> header, std::string indent)
    : indent_(std::move(indent)), header_(std::move(header)) {}

Table& Table::AlignRight(size_t column) {
  if (right_.size() <= column) right_.resize(column + 1, false);
  right_[column] = true;
  return *this;
}

void Table::AddRow(std::vector<std::string> cells) {
  rows_.push_back(std::move(cells));
}

std::string Table::ToString() const {
  size_t columns = header_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
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

}  // namespace cellchain::cli
