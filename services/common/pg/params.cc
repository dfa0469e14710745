#include "services/common/pg/params.h"

#include <charconv>

namespace cellchain::pg {

// Shortest text that reads back as the same double; PostgreSQL's float8 input
// accepts to_chars' "inf", "-inf" and "nan" as well.
Param::Param(double value) : kind_(Kind::kText) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  value_.assign(buffer, end);
}

namespace {

void AppendQuoted(std::string_view value, std::string& out) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendQuoted(values[i], out);
  }
  return out + "}";
}

std::string TextArray(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    if (values[i].has_value()) {
      AppendQuoted(*values[i], out);
    } else {
      out += "NULL";
    }
  }
  return out + "}";
}

}  // namespace cellchain::pg
