// The JSON of audit bundles (docs/bundle-format.md) on nlohmann-json: a
// strict reader that gives typed access to one object's fields, and the
// writer's layout. Internal to bundle.cc (and its tests).
//
// Reading is stricter than JSON: numbers are non-negative integers below
// 2^64 (fractions, exponents and negative numbers are refused), an object
// may not repeat a key, and values nest at most 8 levels below the top. Every
// error names the file (the caller's `context`, e.g. "records/index.jsonl line
// 3") and, where there is one, the field. Fields an object has beyond those
// asked for are ignored: within cellchain-bundle/1 writers may add optional
// fields (docs/bundle-format.md, "Versioning").
//
// Writing lays JSON out as bundles have always been laid out (a space after
// every ':' and ',', one object per line in index.jsonl, an indented
// manifest), so that a bundle written today is byte-for-byte the bundle
// written before nlohmann-json replaced the hand-written code; every scalar
// is nlohmann's, except that U+0008 and U+000C are written \u0008 and
// \u000c (nlohmann writes \b and \f). Text that is not UTF-8 is written with
// U+FFFD for each bad byte, since JSON text is UTF-8 (RFC 8259); no service
// stores such text (record columns come from proto3 strings).
//
// Thread-safety: values without shared state; a JsonObject is immutable.
#ifndef CELLCHAIN_SERVICES_LEDGER_BUNDLE_JSON_H_
#define CELLCHAIN_SERVICES_LEDGER_BUNDLE_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "services/ledger/merkle.h"

namespace cellchain::ledger::bundle_json {

// Insertion-ordered, so that written fields keep the documented order.
using Json = nlohmann::ordered_json;

// Typed access to the fields of one JSON object. Each accessor returns
// INVALID_ARGUMENT naming the context and the field when the field is
// missing or is not of the asked type.
class JsonObject {
 public:
  // Parses `text`, which must hold one JSON object and nothing else.
  // INVALID_ARGUMENT: bad JSON, a number that is not a non-negative integer
  // below 2^64, a repeated key, nesting over 8 levels, or not an object; the
  // message starts with `context`.
  static absl::StatusOr<JsonObject> Parse(std::string_view text,
                                          std::string context);

  absl::StatusOr<std::string> String(std::string_view key) const;
  // A string or null (nullopt).
  absl::StatusOr<std::optional<std::string>> NullableString(
      std::string_view key) const;
  absl::StatusOr<uint64_t> Uint(std::string_view key) const;
  // An RFC 3339 time string.
  absl::StatusOr<absl::Time> Time(std::string_view key) const;
  // A hex string of exactly 32 bytes, returned as the bytes.
  absl::StatusOr<std::string> HashBytesField(std::string_view key) const;
  // An array of hex strings of 32 bytes each.
  absl::StatusOr<std::vector<Hash>> HashArray(std::string_view key) const;
  absl::StatusOr<JsonObject> Object(std::string_view key) const;
  absl::StatusOr<std::vector<JsonObject>> ObjectArray(
      std::string_view key) const;
  bool Has(std::string_view key) const;

 private:
  JsonObject(Json value, std::string context)
      : value_(std::move(value)), context_(std::move(context)) {}

  absl::StatusOr<const Json*> Get(std::string_view key) const;
  absl::Status Mistyped(std::string_view key, std::string_view what) const;

  Json value_;
  std::string context_;
};

// `value` on one line: {"a": 1, "b": ["x", "y"]}.
std::string OneLine(const Json& value);

// `value` indented by two spaces per level, objects one field per line, as
// manifest.json is written (arrays stay on one line).
std::string Indented(const Json& value);

}  // namespace cellchain::ledger::bundle_json

#endif  // CELLCHAIN_SERVICES_LEDGER_BUNDLE_JSON_H_
