#include "services/common/pg/result.h"

#include <bit>
#include <limits>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::pg {
namespace {

// Type OIDs from catalog/pg_type.h (a server header, not shipped for
// clients); they are fixed across PostgreSQL versions.
constexpr Oid kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20,
              kInt2 = 21, kInt4 = 23, kText = 25, kJson = 114, kFloat4 = 700,
              kFloat8 = 701, kUnknown = 705, kBpchar = 1042, kVarchar = 1043;

bool IsTextLike(Oid type) {
  switch (type) {
    case kChar:
    case kName:
    case kText:
    case kJson:
    case kUnknown:
    case kBpchar:
    case kVarchar:
      return true;
    default:
      return false;
  }
}

uint64_t BigEndian(std::string_view data) {
  uint64_t value = 0;
  for (char c : data) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

struct Result::Cell {
  std::string_view column;  // name, for messages
  std::string_view data;
  Oid type;
  bool binary;

  absl::Status Error(std::string_view what) const {
    return absl::InternalError(
        absl::StrCat("column \"", ToAbsl(column), "\": ", ToAbsl(what)));
  }
  absl::Status WrongType(std::string_view wanted) const {
    return Error(absl::StrCat("binary value of type oid ", type,
                              " cannot be read as ", ToAbsl(wanted)));
  }
};

Result::Result(Result&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Result::~Result() { PQclear(result_); }

int Result::rows() const { return result_ ? PQntuples(result_) : 0; }
int Result::columns() const { return result_ ? PQnfields(result_) : 0; }

int64_t Result::affected_rows() const {
  int64_t n = 0;
  if (result_ == nullptr || !absl::SimpleAtoi(PQcmdTuples(result_), &n)) {
    return 0;
  }
  return n;
}

std::string_view Result::command_tag() const {
  return result_ ? PQcmdStatus(result_) : "";
}

absl::StatusOr<int> Result::ColumnIndex(std::string_view name) const {
  int index = result_ ? PQfnumber(result_, std::string(name).c_str()) : -1;
  if (index < 0) {
    return absl::InternalError(
        absl::StrCat("result has no column \"", ToAbsl(name), "\""));
  }
  return index;
}

bool Result::IsNull(int row, int column) const {
  return result_ == nullptr || PQgetisnull(result_, row, column) != 0;
}

absl::StatusOr<Result::Cell> Result::CellAt(int row, ColumnRef ref) const {
  int column = ref.index();
  if (ref.by_name()) {
    absl::StatusOr<int> index = ColumnIndex(ref.name());
    if (!index.ok()) return index.status();
    column = *index;
  }
  if (column < 0 || column >= columns()) {
    return absl::InternalError(absl::StrCat(
        "column ", column, " out of range (result has ", columns(), ")"));
  }
  const char* name = PQfname(result_, column);
  if (row < 0 || row >= rows()) {
    return absl::InternalError(absl::StrCat("column \"", name, "\": row ", row,
                                            " out of range (result has ",
                                            rows(), ")"));
  }
  if (PQgetisnull(result_, row, column)) {
    return absl::InternalError(
        absl::StrCat("column \"", name, "\": unexpected NULL in row ", row));
  }
  return Cell{name,
              std::string_view(PQgetvalue(result_, row, column),
                               PQgetlength(result_, row, column)),
              PQftype(result_, column), PQfformat(result_, column) == 1};
}

absl::StatusOr<std::string> Result::GetString(int row, ColumnRef column) const {
  absl::StatusOr<Cell> cell = CellAt(row, column);
  if (!cell.ok()) return cell.status();
  if (cell->binary && !IsTextLike(cell->type) && cell->type != kBytea) {
    return cell->WrongType("a string");
  }
  return std::string(cell->data);
}

absl::StatusOr<int64_t> Result::GetInteger(int row, ColumnRef column,
                                           int64_t min, int64_t max) const {
  absl::StatusOr<Cell> cell = CellAt(row, column);
  if (!cell.ok()) return cell.status();
  int64_t value = 0;
  if (cell->binary) {
    // Sign-extend from the wire width.
    switch (cell->type) {
      case kInt2:
        value = static_cast<int16_t>(BigEndian(cell->data));
        break;
      case kInt4:
        value = static_cast<int32_t>(BigEndian(cell->data));
        break;
      case kInt8:
        value = static_cast<int64_t>(BigEndian(cell->data));
        break;
      default:
        return cell->WrongType("an integer");
    }
  } else if (!absl::SimpleAtoi(ToAbsl(cell->data), &value)) {
    return cell->Error(
        absl::StrCat("\"", ToAbsl(cell->data), "\" is not an integer"));
  }
  if (value < min || value > max) {
    return cell->Error(absl::StrCat(value, " is out of range"));
  }
  return value;
}

absl::StatusOr<int64_t> Result::GetInt64(int row, ColumnRef column) const {
  return GetInteger(row, column, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max());
}

absl::StatusOr<int32_t> Result::GetInt32(int row, ColumnRef column) const {
  absl::StatusOr<int64_t> value =
      GetInteger(row, column, std::numeric_limits<int32_t>::min(),
                 std::numeric_limits<int32_t>::max());
  if (!value.ok()) return value.status();
  return static_cast<int32_t>(*value);
}

absl::StatusOr<bool> Result::GetBool(int row, ColumnRef column) const {
  absl::StatusOr<Cell> cell = CellAt(row, column);
  if (!cell.ok()) return cell.status();
  if (cell->binary) {
    if (cell->type != kBool || cell->data.size() != 1) {
      return cell->WrongType("a bool");
    }
    return cell->data[0] != 0;
  }
  if (cell->data == "t") return true;
  if (cell->data == "f") return false;
  return cell->Error(
      absl::StrCat("\"", ToAbsl(cell->data), "\" is not a bool"));
}

absl::StatusOr<double> Result::GetDouble(int row, ColumnRef column) const {
  absl::StatusOr<Cell> cell = CellAt(row, column);
  if (!cell.ok()) return cell.status();
  if (cell->binary) {
    if (cell->type == kFloat8 && cell->data.size() == 8) {
      return std::bit_cast<double>(BigEndian(cell->data));
    }
    if (cell->type == kFloat4 && cell->data.size() == 4) {
      return std::bit_cast<float>(static_cast<uint32_t>(BigEndian(cell->data)));
    }
    return cell->WrongType("a double");
  }
  double value = 0;
  if (!absl::SimpleAtod(ToAbsl(cell->data), &value)) {
    return cell->Error(
        absl::StrCat("\"", ToAbsl(cell->data), "\" is not a number"));
  }
  return value;
}

absl::StatusOr<std::string> Result::GetBytes(int row, ColumnRef column) const {
  absl::StatusOr<Cell> cell = CellAt(row, column);
  if (!cell.ok()) return cell.status();
  if (cell->binary || cell->type != kBytea) return std::string(cell->data);
  // Text-format bytea: "\x" then two hex digits per byte (bytea_output=hex,
  // the default since PostgreSQL 9.0; the old escape format is refused).
  std::string_view hex = cell->data;
  if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x' || hex.size() % 2) {
    return cell->Error("bytea is not in hex format (bytea_output=hex)");
  }
  std::string bytes;
  bytes.reserve(hex.size() / 2 - 1);
  for (size_t i = 2; i < hex.size(); i += 2) {
    int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return cell->Error("bad hex digit in bytea");
    bytes.push_back(static_cast<char>(hi << 4 | lo));
  }
  return bytes;
}

}  // namespace cellchain::pg
