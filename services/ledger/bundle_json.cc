#include "services/ledger/bundle_json.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::ledger::bundle_json {
namespace {

// Levels below the top-level object (proofs and keys use two).
constexpr size_t kMaxDepth = 8;
constexpr char kNumbers[] =
    "; numbers in this format are non-negative integers below 2^64";

// Builds the document from nlohmann's SAX events, refusing what the format
// refuses as the events arrive: nlohmann's own DOM parser would keep the
// last of two equal keys and accept any number.
class StrictBuilder {
 public:
  bool null() { return Put(nullptr); }
  bool boolean(bool value) { return Put(value); }
  bool number_integer(Json::number_integer_t) {
    // nlohmann reports only numbers written with a '-' as signed integers.
    return Fail(absl::StrCat(Where(), "a negative number", kNumbers));
  }
  bool number_unsigned(Json::number_unsigned_t value) { return Put(value); }
  bool number_float(Json::number_float_t, const std::string& text) {
    // An integer too large for 64 bits reaches here too, as a float.
    const bool integer = text.find_first_of(".eE") == std::string::npos;
    return Fail(absl::StrCat(Where(), text,
                             integer ? " is too large" : " is not an integer",
                             kNumbers));
  }
  bool string(std::string& value) { return Put(std::move(value)); }
  bool binary(Json::binary_t&) { return Fail("binary values are not JSON"); }
  bool start_object(std::size_t) {
    if (!Open(Json::object())) return false;
    keys_.emplace_back();
    return true;
  }
  bool key(std::string& key) {
    if (!keys_.back().insert(key).second) {
      return Fail(absl::StrCat("duplicate key \"", key, "\""));
    }
    key_ = std::move(key);
    return true;
  }
  bool end_object() {
    keys_.pop_back();
    return Close();
  }
  bool start_array(std::size_t) { return Open(Json::array()); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) {
    // what() is "[json.exception.parse_error.101] parse error at line 1,
    // column 2: syntax error ..."; the bracketed id tells a reader nothing.
    std::string_view what = error.what();
    if (size_t end = what.find("] "); end != what.npos) {
      what.remove_prefix(end + 2);
    }
    return Fail(
        absl::StrCat("invalid JSON at byte ", position, ": ", ToAbsl(what)));
  }

  Json& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  // "field \"x\": " for a value of field x, or an item of an array in x;
  // "" elsewhere.
  std::string Where() const {
    if (open_.empty()) return "";
    const std::string& field =
        open_.back()->is_object() ? key_ : opened_as_.back();
    if (field.empty()) return "";
    return absl::StrCat("field \"", field, "\": ");
  }

  bool Fail(std::string error) {
    error_ = std::move(error);
    return false;
  }

  // Places `value` in the open object or array (or as the root); returns it.
  Json* Place(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    Json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  bool Put(Json value) {
    Place(std::move(value));
    return true;
  }

  bool Open(Json container) {
    if (open_.size() > kMaxDepth) return Fail("nested too deeply");
    opened_as_.push_back(
        !open_.empty() && open_.back()->is_object() ? key_ : std::string());
    // Only the innermost open container grows, so pointers to the outer
    // ones stay valid.
    open_.push_back(Place(std::move(container)));
    return true;
  }

  bool Close() {
    open_.pop_back();
    opened_as_.pop_back();
    return true;
  }

  Json root_;
  std::vector<Json*> open_;
  std::vector<std::string> opened_as_;  // The field each open value is in.
  std::vector<std::set<std::string>> keys_;
  std::string key_;
  std::string error_;
};

// nlohmann's escaping of `text`, but U+0008 and U+000C as bundles have always
// written them (see the header).
void AppendText(const std::string& text, std::string& out) {
  out.push_back('"');
  size_t start = 0;
  while (true) {
    size_t end = text.find_first_of("\b\f", start);
    std::string part =
        Json(text.substr(start, end == text.npos ? text.npos : end - start))
            .dump(-1, ' ', false, Json::error_handler_t::replace);
    out.append(part, 1, part.size() - 2);  // Without its quotes.
    if (end == text.npos) break;
    out += text[end] == '\b' ? "\\u0008" : "\\u000c";
    start = end + 1;
  }
  out.push_back('"');
}

// `indent` < 0: on one line.
void Append(const Json& value, int indent, int depth, std::string& out) {
  if (value.is_string()) {
    AppendText(value.get_ref<const std::string&>(), out);
  } else if (value.is_object() && indent >= 0 && !value.empty()) {
    const std::string pad(static_cast<size_t>(indent * (depth + 1)), ' ');
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      out += first ? "" : ",\n";
      first = false;
      out += pad;
      AppendText(key, out);
      out += ": ";
      Append(member, indent, depth + 1, out);
    }
    out += "\n";
    out.append(static_cast<size_t>(indent * depth), ' ');
    out += "}";
  } else if (value.is_object()) {
    out += "{";
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      out += first ? "" : ", ";
      first = false;
      AppendText(key, out);
      out += ": ";
      Append(member, indent, depth + 1, out);
    }
    out += "}";
  } else if (value.is_array()) {
    out += "[";
    for (size_t i = 0; i < value.size(); ++i) {
      out += i == 0 ? "" : ", ";
      Append(value[i], indent, depth + 1, out);
    }
    out += "]";
  } else {
    out += value.dump();  // Numbers, booleans, null.
  }
}

}  // namespace

absl::StatusOr<JsonObject> JsonObject::Parse(std::string_view text,
                                             std::string context) {
  // nlohmann skips a byte order mark; JSON text exchanged between systems
  // has none (RFC 8259 section 8.1), and this reader never accepted one.
  if (text.starts_with("\xEF\xBB\xBF")) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, ": invalid JSON at byte 0: a byte order mark"));
  }
  // nlohmann's lexer takes a NUL byte for the end of the text, so that
  // "{...}\0anything" would read as "{...}". JSON has no raw NUL anywhere.
  if (size_t nul = text.find('\0'); nul != text.npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, ": invalid JSON at byte ", nul, ": a NUL byte"));
  }
  StrictBuilder builder;
  if (!Json::sax_parse(text, &builder)) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, ": ", builder.error()));
  }
  if (!builder.root().is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, ": expected a JSON object"));
  }
  return JsonObject(std::move(builder.root()), std::move(context));
}

absl::StatusOr<const Json*> JsonObject::Get(std::string_view key) const {
  auto it = value_.find(std::string(key));
  if (it == value_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(context_, ": missing field \"", ToAbsl(key), "\""));
  }
  return &*it;
}

absl::Status JsonObject::Mistyped(std::string_view key,
                                  std::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat(
      context_, ": field \"", ToAbsl(key), "\" must be ", ToAbsl(what)));
}

bool JsonObject::Has(std::string_view key) const {
  return value_.contains(std::string(key));
}

absl::StatusOr<std::string> JsonObject::String(std::string_view key) const {
  CC_ASSIGN_OR_RETURN(const Json* value, Get(key));
  if (!value->is_string()) return Mistyped(key, "a string");
  return value->get<std::string>();
}

absl::StatusOr<std::optional<std::string>> JsonObject::NullableString(
    std::string_view key) const {
  CC_ASSIGN_OR_RETURN(const Json* value, Get(key));
  if (value->is_null()) return std::nullopt;
  if (!value->is_string()) return Mistyped(key, "a string or null");
  return value->get<std::string>();
}

absl::StatusOr<uint64_t> JsonObject::Uint(std::string_view key) const {
  CC_ASSIGN_OR_RETURN(const Json* value, Get(key));
  // Parse refused every other kind of number.
  if (!value->is_number_unsigned()) {
    return Mistyped(key, "a non-negative integer");
  }
  return value->get<uint64_t>();
}

absl::StatusOr<absl::Time> JsonObject::Time(std::string_view key) const {
  CC_ASSIGN_OR_RETURN(std::string text, String(key));
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return Mistyped(key, "an RFC 3339 time");
  }
  return time;
}

absl::StatusOr<std::string> JsonObject::HashBytesField(
    std::string_view key) const {
  CC_ASSIGN_OR_RETURN(std::string hex, String(key));
  absl::StatusOr<Hash> hash = HashFromHex(hex);
  if (!hash.ok()) return Mistyped(key, "a 32-byte hash in hex");
  return HashBytes(*hash);
}

absl::StatusOr<std::vector<Hash>> JsonObject::HashArray(
    std::string_view key) const {
  CC_ASSIGN_OR_RETURN(const Json* value, Get(key));
  if (!value->is_array()) return Mistyped(key, "an array of hex hashes");
  std::vector<Hash> hashes;
  for (const Json& item : *value) {
    if (!item.is_string()) return Mistyped(key, "an array of hex hashes");
    absl::StatusOr<Hash> hash = HashFromHex(item.get_ref<const std::string&>());
    if (!hash.ok()) return Mistyped(key, "an array of 32-byte hex hashes");
    hashes.push_back(*hash);
  }
  return hashes;
}

absl::StatusOr<JsonObject> JsonObject::Object(std::string_view key) const {
  CC_ASSIGN_OR_RETURN(const Json* value, Get(key));
  if (!value->is_object()) return Mistyped(key, "an object");
  return JsonObject(*value, absl::StrCat(context_, " \"", ToAbsl(key), "\""));
}

absl::StatusOr<std::vector<JsonObject>> JsonObject::ObjectArray(
    std::string_view key) const {
  CC_ASSIGN_OR_RETURN(const Json* value, Get(key));
  if (!value->is_array()) return Mistyped(key, "an array of objects");
  std::vector<JsonObject> objects;
  for (size_t i = 0; i < value->size(); ++i) {
    if (!(*value)[i].is_object()) return Mistyped(key, "an array of objects");
    objects.push_back(
        JsonObject((*value)[i],
                   absl::StrCat(context_, " \"", ToAbsl(key), "\"[", i, "]")));
  }
  return objects;
}

std::string OneLine(const Json& value) {
  std::string out;
  Append(value, -1, 0, out);
  return out;
}

std::string Indented(const Json& value) {
  std::string out;
  Append(value, 2, 0, out);
  return out;
}

}  // namespace cellchain::ledger::bundle_json
