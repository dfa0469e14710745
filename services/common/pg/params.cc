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

}  // namespace cellchain::pg
