// Result: the rows of one executed statement, owning its PGresult.
//
// Accessors return StatusOr. Every accessor failure (row or column out of
// range, unknown column name, NULL where a value was asked for, a value that
// does not parse as the asked type) means the code and the schema disagree —
// a bug, never the client's fault — so all of them are INTERNAL, with a
// message naming the column. Check IsNull() first for nullable columns.
//
// Both result formats are understood (params.h ResultFormat):
//   text   - every accessor parses PostgreSQL's text output; GetBytes decodes
//            bytea's hex form ("\x0aff"), the server default.
//   binary - GetBytes returns bytea bytes as is; GetInt64/GetInt32 read int2,
//            int4 and int8; GetBool bool; GetDouble float4 and float8;
//            GetString text-like types (text, varchar, char, name, json,
//            unknown) and bytea. Other types in binary: INTERNAL.
//
// Thread-safety: a Result is immutable once made; concurrent const use is
// safe. Move-only.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_RESULT_H_
#define CELLCHAIN_SERVICES_COMMON_PG_RESULT_H_

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::pg {

// A column given by index or by name (as PQfnumber understands it: folded to
// lower case unless double-quoted).
class ColumnRef {
 public:
  // Implicit so that GetString(row, 0) and GetString(row, "name") both read.
  // NOLINTBEGIN(google-explicit-constructor)
  ColumnRef(int index) : index_(index) {}
  ColumnRef(std::string_view name) : index_(-1), name_(name) {}
  ColumnRef(const char* name) : ColumnRef(std::string_view(name)) {}
  // NOLINTEND(google-explicit-constructor)

  int index() const { return index_; }
  std::string_view name() const { return name_; }
  bool by_name() const { return index_ < 0; }

 private:
  int index_;
  std::string_view name_;
};

class Result {
 public:
  // An empty result: no rows, no columns.
  Result() = default;
  // Takes ownership of `result` (may be null).
  explicit Result(PGresult* result) : result_(result) {}
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  int rows() const;
  int columns() const;
  // Rows affected by INSERT/UPDATE/DELETE/MERGE (PQcmdTuples); 0 otherwise.
  int64_t affected_rows() const;
  // The command tag, e.g. "INSERT 0 1", "COMMIT", "ROLLBACK".
  std::string_view command_tag() const;

  // INTERNAL: no such column.
  absl::StatusOr<int> ColumnIndex(std::string_view name) const;

  // True also for a row or column out of range (the Get* accessors report
  // those).
  bool IsNull(int row, int column) const;

  absl::StatusOr<std::string> GetString(int row, ColumnRef column) const;
  absl::StatusOr<int64_t> GetInt64(int row, ColumnRef column) const;
  absl::StatusOr<int32_t> GetInt32(int row, ColumnRef column) const;
  absl::StatusOr<bool> GetBool(int row, ColumnRef column) const;
  absl::StatusOr<double> GetDouble(int row, ColumnRef column) const;
  // bytea as raw bytes (text or binary format); any other column: its bytes.
  absl::StatusOr<std::string> GetBytes(int row, ColumnRef column) const;

  const PGresult* get() const { return result_; }

 private:
  struct Cell;
  absl::StatusOr<Cell> CellAt(int row, ColumnRef column) const;
  absl::StatusOr<int64_t> GetInteger(int row, ColumnRef column, int64_t min,
                                     int64_t max) const;

  PGresult* result_ = nullptr;
};

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_RESULT_H_
