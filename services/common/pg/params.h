// Statement parameters ($1..$n) and statements, the only way a value reaches
// SQL: values travel separately from the SQL text (PQexecParams), so no value
// is ever parsed as SQL, whatever it contains.
//
// A Param is text (type inferred by the server from the statement, e.g.
// "$1::uuid" or the target column), bytea bytes (sent in binary format with
// type bytea, exact bytes, no escaping) or NULL. Numbers and bools are sent as
// their exact text form. A Param owns a copy of its value, so temporaries are
// safe in `{...}` lists.
//
// Thread-safety: plain values; const use from several threads is safe.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_PARAMS_H_
#define CELLCHAIN_SERVICES_COMMON_PG_PARAMS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cellchain::pg {

class Param {
 public:
  static Param Null() { return Param(Kind::kNull, std::string()); }
  // Exact bytes for a bytea parameter.
  static Param Bytes(std::string_view bytes) {
    return Param(Kind::kBytes, std::string(bytes));
  }

  // Implicit on purpose: these are what a `{...}` parameter list is made of.
  // NOLINTBEGIN(google-explicit-constructor)
  Param(std::string text) : Param(Kind::kText, std::move(text)) {}
  Param(std::string_view text) : Param(Kind::kText, std::string(text)) {}
  Param(const char* text) : Param(std::string_view(text)) {}
  Param(bool value) : Param(Kind::kText, value ? "true" : "false") {}
  Param(double value);
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>,
                             int> = 0>
  Param(T value) : Param(Kind::kText, absl::StrCat(value)) {}
  Param(std::nullopt_t) : Param(Null()) {}
  template <typename T>
  Param(const std::optional<T>& value)
      : Param(value.has_value() ? Param(*value) : Null()) {}
  // NOLINTEND(google-explicit-constructor)

  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bytes() const { return kind_ == Kind::kBytes; }
  const std::string& value() const { return value_; }

 private:
  enum class Kind { kNull, kText, kBytes };
  Param(Kind kind, std::string value) : kind_(kind), value_(std::move(value)) {}

  Kind kind_;
  std::string value_;
};

// The parameter list of one statement: `{a, b, Param::Null()}` or built up
// with Add().
class Params {
 public:
  Params() = default;
  Params(std::initializer_list<Param> params)  // NOLINT: list syntax
      : params_(params) {}

  Params& Add(Param param) {
    params_.push_back(std::move(param));
    return *this;
  }
  size_t size() const { return params_.size(); }
  bool empty() const { return params_.empty(); }
  const Param& operator[](size_t i) const { return params_[i]; }
  auto begin() const { return params_.begin(); }
  auto end() const { return params_.end(); }

 private:
  std::vector<Param> params_;
};

// Format of the values in a result. kText suits everything; kBinary returns
// bytea without the hex round trip (worth it for large bytea) and is read by
// the same Result accessors (see result.h for the types they understand).
enum class ResultFormat { kText, kBinary };

// One statement of a pipeline (Connection::ExecPipeline).
struct Statement {
  Statement(std::string sql, Params params = {},  // NOLINT: list syntax
            ResultFormat format = ResultFormat::kText)
      : sql(std::move(sql)), params(std::move(params)), format(format) {}

  std::string sql;
  Params params;
  ResultFormat format;
};

// A PostgreSQL array literal of `values`, every element double-quoted with
// `"` and `\` escaped, so that any text (commas, braces, spaces, "NULL")
// arrives as itself; send it as one parameter cast to its array type
// (`$1::text[]`, `$1::smallint[]`). A nullopt element is SQL NULL.
std::string TextArray(const std::vector<std::string>& values);
std::string TextArray(const std::vector<std::optional<std::string>>& values);

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_PARAMS_H_
