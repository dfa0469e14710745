#include "clients/cli/box_grid.h"

#include <charconv>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cellchain::cli {
namespace {

// A whole number of `text` from 1 to `max`, or 0.
int Count(std::string_view text, int max) {
  int value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > max) {
    return 0;
  }
  return value;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> GridPositions(std::string_view text) {
  size_t x = text.find_first_of("xX");
  int rows = x == std::string_view::npos ? 0 : Count(text.substr(0, x), 26);
  int columns = x == std::string_view::npos ? 0 : Count(text.substr(x + 1), 99);
  if (rows == 0 || columns == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grid: \"", std::string(text),
        "\" is not ROWSxCOLUMNS (9x9; 1 to 26 rows, lettered A..., and 1 to "
        "99 columns)"));
  }
  std::vector<std::string> names;
  names.reserve(rows * columns);
  for (int row = 0; row < rows; ++row) {
    for (int column = 1; column <= columns; ++column) {
      names.push_back(
          absl::StrCat(std::string(1, static_cast<char>('A' + row)), column));
    }
  }
  return names;
}

}  // namespace cellchain::cli
