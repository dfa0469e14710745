#include "services/ledger/bundle.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/ledger/internal_text.h"

namespace cellchain::ledger {
namespace {

namespace fs = std::filesystem;

// Larger than any file a bundle legitimately holds except index.jsonl; keeps
// a wrong path (a device, a huge file) from being read whole.
constexpr uintmax_t kMaxFileBytes = uintmax_t{64} << 20;
constexpr uintmax_t kMaxIndexBytes = uintmax_t{16} << 30;
constexpr int kMaxJsonDepth = 8;

// ---------------------------------------------------------------------------
// Files.

absl::Status IoError(std::string_view verb, const fs::path& path, int error) {
  std::string message = absl::StrCat("cannot ", ToAbsl(verb), " ",
                                     path.string(), ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status WriteFile(const fs::path& path, std::string_view data) {
  std::FILE* file = std::fopen(path.c_str(), "wbx");  // Never overwrite.
  if (file == nullptr) return IoError("create", path, errno);
  size_t written = std::fwrite(data.data(), 1, data.size(), file);
  int error = written == data.size() ? 0 : errno;
  if (std::fclose(file) != 0 && error == 0) error = errno;
  if (error != 0) return IoError("write", path, error);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const fs::path& path,
                                     uintmax_t limit = kMaxFileBytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return IoError("open", path, errno);
  std::string data;
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    data.append(buffer, got);
    if (data.size() > limit) {
      std::fclose(file);
      return absl::InvalidArgumentError(
          absl::StrCat(path.string(), " is over ", limit, " bytes"));
    }
  }
  int error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (error != 0) return IoError("read", path, error);
  return data;
}

absl::Status MakeDirectory(const fs::path& path) {
  std::error_code error;
  if (!fs::create_directory(path, error) && error) {
    return IoError("create directory", path, error.value());
  }
  return absl::OkStatus();
}

// The names of the entries of `dir` that keep(entry, name, error) accepts,
// sorted; none when `dir` does not exist.
template <typename Keep>
absl::StatusOr<std::vector<std::string>> ListNames(const fs::path& dir,
                                                   Keep keep) {
  std::vector<std::string> names;
  std::error_code error;
  if (!fs::exists(dir, error)) return names;
  fs::directory_iterator it(dir, error);
  if (error) return IoError("list", dir, error.value());
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) return IoError("list", dir, error.value());
    std::string name = it->path().filename().string();
    if (keep(*it, name, error)) names.push_back(std::move(name));
  }
  if (error) return IoError("list", dir, error.value());
  std::sort(names.begin(), names.end());
  return names;
}

// The names of the regular files in `dir` ending in `suffix`, sorted; none
// when `dir` does not exist.
absl::StatusOr<std::vector<std::string>> ListFiles(const fs::path& dir,
                                                   std::string_view suffix) {
  return ListNames(
      dir, [suffix](const fs::directory_entry& entry, const std::string& name,
                    std::error_code& error) {
        return entry.is_regular_file(error) && name.size() > suffix.size() &&
               name.ends_with(suffix);
      });
}

absl::StatusOr<std::vector<std::string>> ListDirectories(const fs::path& dir) {
  return ListNames(
      dir, [](const fs::directory_entry& entry, const std::string& name,
              std::error_code& error) { return entry.is_directory(error); });
}

// ---------------------------------------------------------------------------
// Names.

bool IsPlainNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Entity types and ids as file names: bytes other than [A-Za-z0-9_-] become
// %XX (uppercase hex), so "." and ".." and "/" can never appear.
std::string EncodeName(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (IsPlainNameChar(c)) {
      out.push_back(c);
    } else {
      unsigned char byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  // Never an empty file name; "%" alone decodes to "".
  if (out.empty()) out.push_back('%');
  return out;
}

// The inverse of EncodeName. Only the canonical encoding decodes, so that
// two file names never name one entity.
std::optional<std::string> DecodeName(std::string_view name) {
  if (name == "%") return std::string();
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (IsPlainNameChar(name[i])) {
      out.push_back(name[i]);
      continue;
    }
    if (name[i] != '%' || name.size() - i < 3) return std::nullopt;
    int high = hex(name[i + 1]);
    int low = hex(name[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    char decoded = static_cast<char>(high << 4 | low);
    if (IsPlainNameChar(decoded)) return std::nullopt;
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

std::string Padded(uint64_t value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%012" PRIu64, value);
  return buffer;
}

using internal::TimeText;

// ---------------------------------------------------------------------------
// JSON: a writer and a strict reader for this fixed schema. Numbers are
// non-negative integers only; strings carry bytes as they are (the values
// are UTF-8 text or hex) with control characters, '"' and '\' escaped.

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x",
                        static_cast<unsigned>(c));
          out += buffer;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string QuoteOrNull(const std::optional<std::string>& text) {
  return text.has_value() ? Quote(*text) : "null";
}

std::string HashList(const std::vector<Hash>& hashes) {
  std::string out = "[";
  for (size_t i = 0; i < hashes.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ", ", "\"", HashHex(hashes[i]), "\"");
  }
  out += "]";
  return out;
}

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  uint64_t number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;
};

class JsonParser {
 public:
  static absl::StatusOr<JsonValue> Parse(std::string_view text) {
    JsonParser parser(text);
    CC_ASSIGN_OR_RETURN(JsonValue value, parser.Value(0));
    parser.SkipSpace();
    if (parser.pos_ != text.size()) return parser.Error("text after the value");
    return value;
  }

 private:
  explicit JsonParser(std::string_view text) : text_(text) {}

  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON at byte ", pos_, ": ", ToAbsl(what)));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Reads the elements of an object or array from its opening bracket (at
  // pos_) through `close`, each by `element`, separated by commas.
  template <typename Element>
  absl::Status Elements(char close, Element element) {
    ++pos_;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      CC_RETURN_IF_ERROR(element());
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == close) {
        ++pos_;
        return absl::OkStatus();
      }
      return Error(
          absl::StrCat("expected ',' or '", std::string(1, close), "'"));
    }
  }

  absl::StatusOr<JsonValue> Value(int depth) {
    if (depth > kMaxJsonDepth) return Error("nested too deeply");
    SkipSpace();
    if (pos_ == text_.size()) return Error("unexpected end");
    JsonValue value;
    char c = text_[pos_];
    if (c == '{') {
      value.kind = JsonValue::Kind::kObject;
      std::set<std::string> seen;
      CC_RETURN_IF_ERROR(Elements('}', [&]() -> absl::Status {
        SkipSpace();
        CC_ASSIGN_OR_RETURN(std::string key, String());
        if (!seen.insert(key).second) {
          return Error(absl::StrCat("duplicate key \"", key, "\""));
        }
        SkipSpace();
        if (pos_ == text_.size() || text_[pos_] != ':') return Error("':'");
        ++pos_;
        CC_ASSIGN_OR_RETURN(JsonValue member, Value(depth + 1));
        value.object.emplace_back(std::move(key), std::move(member));
        return absl::OkStatus();
      }));
      return value;
    }
    if (c == '[') {
      value.kind = JsonValue::Kind::kArray;
      CC_RETURN_IF_ERROR(Elements(']', [&]() -> absl::Status {
        CC_ASSIGN_OR_RETURN(JsonValue item, Value(depth + 1));
        value.array.push_back(std::move(item));
        return absl::OkStatus();
      }));
      return value;
    }
    if (c == '"') {
      value.kind = JsonValue::Kind::kString;
      CC_ASSIGN_OR_RETURN(value.string, String());
      return value;
    }
    if (c >= '0' && c <= '9') {
      value.kind = JsonValue::Kind::kNumber;
      if (c == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
          text_[pos_ + 1] <= '9') {
        return Error("a number with a leading zero");
      }
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        uint64_t digit = text_[pos_] - '0';
        if (value.number > (UINT64_MAX - digit) / 10) {
          return Error("a number over 2^64 - 1");
        }
        value.number = value.number * 10 + digit;
        ++pos_;
      }
      if (pos_ < text_.size() &&
          (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
        return Error("numbers are non-negative integers in this format");
      }
      return value;
    }
    if (Literal("null")) return value;
    if (Literal("true")) {
      value.kind = JsonValue::Kind::kBool;
      value.boolean = true;
      return value;
    }
    if (Literal("false")) {
      value.kind = JsonValue::Kind::kBool;
      return value;
    }
    return Error(c == '-' ? "numbers are non-negative integers in this format"
                          : "unexpected character");
  }

  absl::StatusOr<std::string> String() {
    if (pos_ == text_.size() || text_[pos_] != '"')
      return Error("expected '\"'");
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ == text_.size()) return Error("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        return Error("a control character in a string");
      }
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ == text_.size()) return Error("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          CC_ASSIGN_OR_RETURN(uint32_t cp, Hex4());
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!Literal("\\u")) return Error("a lone surrogate");
            CC_ASSIGN_OR_RETURN(uint32_t low, Hex4());
            if (low < 0xDC00 || low > 0xDFFF) return Error("a lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error("a lone surrogate");
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Error("an unknown escape");
      }
    }
  }

  absl::StatusOr<uint32_t> Hex4() {
    if (text_.size() - pos_ < 4) return Error("a short \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      int digit = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
      if (digit < 0) return Error("a bad \\u escape");
      value = value << 4 | static_cast<uint32_t>(digit);
    }
    return value;
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | cp >> 6));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | cp >> 12));
      out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | cp >> 18));
      out.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Typed access to a JSON object's members; errors name `context` (the file
// and line) and the field.
class JsonObject {
 public:
  static absl::StatusOr<JsonObject> Parse(std::string_view text,
                                          std::string context) {
    absl::StatusOr<JsonValue> value = JsonParser::Parse(text);
    if (!value.ok()) return Annotate(value.status(), context);
    if (value->kind != JsonValue::Kind::kObject) {
      return absl::InvalidArgumentError(
          absl::StrCat(context, ": expected a JSON object"));
    }
    return JsonObject(*std::move(value), std::move(context));
  }

  absl::StatusOr<std::string> String(std::string_view key) const {
    CC_ASSIGN_OR_RETURN(const JsonValue* value, Get(key));
    if (value->kind != JsonValue::Kind::kString)
      return Mistyped(key, "a string");
    return value->string;
  }

  absl::StatusOr<std::optional<std::string>> NullableString(
      std::string_view key) const {
    CC_ASSIGN_OR_RETURN(const JsonValue* value, Get(key));
    if (value->kind == JsonValue::Kind::kNull) return std::nullopt;
    if (value->kind != JsonValue::Kind::kString) {
      return Mistyped(key, "a string or null");
    }
    return value->string;
  }

  absl::StatusOr<uint64_t> Uint(std::string_view key) const {
    CC_ASSIGN_OR_RETURN(const JsonValue* value, Get(key));
    if (value->kind != JsonValue::Kind::kNumber) {
      return Mistyped(key, "a non-negative integer");
    }
    return value->number;
  }

  absl::StatusOr<bool> Bool(std::string_view key) const {
    CC_ASSIGN_OR_RETURN(const JsonValue* value, Get(key));
    if (value->kind != JsonValue::Kind::kBool)
      return Mistyped(key, "a boolean");
    return value->boolean;
  }

  absl::StatusOr<absl::Time> Time(std::string_view key) const {
    CC_ASSIGN_OR_RETURN(std::string text, String(key));
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
      return Mistyped(key, "an RFC 3339 time");
    }
    return time;
  }

  // A hex string of exactly 32 bytes, returned as bytes.
  absl::StatusOr<std::string> HashBytesField(std::string_view key) const {
    CC_ASSIGN_OR_RETURN(std::string hex, String(key));
    absl::StatusOr<Hash> hash = HashFromHex(hex);
    if (!hash.ok()) return Mistyped(key, "a 32-byte hash in hex");
    return HashBytes(*hash);
  }

  absl::StatusOr<std::vector<Hash>> HashArray(std::string_view key) const {
    CC_ASSIGN_OR_RETURN(const JsonValue* value, Get(key));
    if (value->kind != JsonValue::Kind::kArray) {
      return Mistyped(key, "an array of hex hashes");
    }
    std::vector<Hash> hashes;
    for (const JsonValue& item : value->array) {
      if (item.kind != JsonValue::Kind::kString) {
        return Mistyped(key, "an array of hex hashes");
      }
      absl::StatusOr<Hash> hash = HashFromHex(item.string);
      if (!hash.ok()) return Mistyped(key, "an array of 32-byte hex hashes");
      hashes.push_back(*hash);
    }
    return hashes;
  }

  absl::StatusOr<JsonObject> Object(std::string_view key) const {
    CC_ASSIGN_OR_RETURN(const JsonValue* value, Get(key));
    if (value->kind != JsonValue::Kind::kObject) {
      return Mistyped(key, "an object");
    }
    return JsonObject(*value, absl::StrCat(context_, " \"", ToAbsl(key), "\""));
  }

  absl::StatusOr<std::vector<JsonObject>> ObjectArray(
      std::string_view key) const {
    CC_ASSIGN_OR_RETURN(const JsonValue* value, Get(key));
    if (value->kind != JsonValue::Kind::kArray) {
      return Mistyped(key, "an array of objects");
    }
    std::vector<JsonObject> objects;
    for (size_t i = 0; i < value->array.size(); ++i) {
      if (value->array[i].kind != JsonValue::Kind::kObject) {
        return Mistyped(key, "an array of objects");
      }
      objects.push_back(JsonObject(
          value->array[i],
          absl::StrCat(context_, " \"", ToAbsl(key), "\"[", i, "]")));
    }
    return objects;
  }

  bool Has(std::string_view key) const {
    for (const auto& [name, value] : value_.object) {
      if (name == key) return true;
    }
    return false;
  }

 private:
  JsonObject(JsonValue value, std::string context)
      : value_(std::move(value)), context_(std::move(context)) {}

  absl::StatusOr<const JsonValue*> Get(std::string_view key) const {
    for (const auto& [name, value] : value_.object) {
      if (name == key) return &value;
    }
    return absl::InvalidArgumentError(
        absl::StrCat(context_, ": missing field \"", ToAbsl(key), "\""));
  }

  absl::Status Mistyped(std::string_view key, std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(
        context_, ": field \"", ToAbsl(key), "\" must be ", ToAbsl(what)));
  }

  JsonValue value_;
  std::string context_;
};

// ---------------------------------------------------------------------------
// Writing.

std::string ManifestJson(const Bundle& bundle) {
  BundleCounts counts = bundle.Counts();
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"format\": ", Quote(kBundleFormat), ",\n");
  absl::StrAppend(&out, "  \"origin\": ", Quote(bundle.origin), ",\n");
  absl::StrAppend(&out, "  \"verifier_key\": ", Quote(bundle.verifier_key),
                  ",\n");
  absl::StrAppend(&out, "  \"query\": ", Quote(bundle.query), ",\n");
  absl::StrAppend(
      &out, "  \"scope\": ", Quote(bundle.complete ? "log" : "subset"), ",\n");
  absl::StrAppend(&out, "  \"tree_size\": ", bundle.tree_size, ",\n");
  if (bundle.exported_at.has_value()) {
    absl::StrAppend(&out,
                    "  \"exported_at\": ", Quote(TimeText(*bundle.exported_at)),
                    ",\n");
  }
  absl::StrAppend(&out, "  \"counts\": {\n",
                  "    \"records\": ", counts.records, ",\n",
                  "    \"keys\": ", counts.keys, ",\n",
                  "    \"checkpoints\": ", counts.checkpoints, ",\n",
                  "    \"inclusion_proofs\": ", counts.inclusion_proofs, ",\n",
                  "    \"consistency_proofs\": ", counts.consistency_proofs,
                  ",\n", "    \"states\": ", counts.states, "\n  }\n}\n");
  return out;
}

std::string IndexLine(const StoredRecord& record) {
  return absl::StrCat(
      "{\"log_index\": ", record.log_index,
      ", \"record_id\": ", Quote(record.record_id),
      ", \"key_id\": ", Quote(record.key_id),
      ", \"leaf_hash\": ", Quote(crypto::HexEncode(record.leaf_hash)),
      ", \"service\": ", Quote(record.service),
      ", \"entity_type\": ", Quote(record.entity_type),
      ", \"entity_id\": ", Quote(record.entity_id),
      ", \"recorded_at\": ", Quote(TimeText(record.recorded_at)),
      ", \"actor_user_id\": ", Quote(record.actor_user_id),
      ", \"action\": ", Quote(record.action),
      ", \"din\": ", QuoteOrNull(record.din),
      ", \"request_id\": ", Quote(record.request_id),
      ", \"previous_entity_hash\": ",
      record.previous_entity_hash.empty()
          ? std::string("null")
          : Quote(crypto::HexEncode(record.previous_entity_hash)),
      "}\n");
}

absl::Status ValidateForWriting(const Bundle& bundle) {
  for (const SigningKeyInfo& key : bundle.keys) {
    if (!IsSigningKeyId(key.key_id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key id \"", key.key_id, "\" is not <service>:<16 hex>"));
    }
  }
  std::set<uint64_t> indexes;
  for (const StoredRecord& record : bundle.records) {
    std::string which = absl::StrCat("record ", record.record_id,
                                     " (log index ", record.log_index, ")");
    if (!indexes.insert(record.log_index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": another record has the same log index"));
    }
    // A tampered signature or hash is still written (it is what the
    // database holds); only a size the format cannot carry is refused.
    if (record.signature.size() != crypto::kEd25519SignatureSize) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": the signature is not 64 bytes"));
    }
    if (record.leaf_hash.size() != kHashSize ||
        (!record.previous_entity_hash.empty() &&
         record.previous_entity_hash.size() != kHashSize)) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": a hash is not 32 bytes"));
    }
  }
  std::set<uint64_t> proof_indexes;
  for (const InclusionProofInput& proof : bundle.inclusion_proofs) {
    if (!proof_indexes.insert(proof.log_index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two inclusion proofs for log index ", proof.log_index));
    }
  }
  std::set<std::pair<uint64_t, uint64_t>> pairs;
  for (const ConsistencyProofInput& proof : bundle.consistency_proofs) {
    if (!pairs.emplace(proof.size1, proof.size2).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two consistency proofs from ", proof.size1, " to ", proof.size2));
    }
  }
  std::set<std::pair<std::string, std::string>> entities;
  for (const CurrentState& state : bundle.states) {
    if (!entities.emplace(state.entity_type, state.entity_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two states of entity ", state.entity_type, "/", state.entity_id));
    }
  }
  return absl::OkStatus();
}

// The size a checkpoint note claims, for its file name (0 if it says none).
uint64_t ClaimedSize(const std::string& note) {
  absl::StatusOr<Note> parsed = ParseNote(note);
  if (!parsed.ok()) return 0;
  absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(parsed->text);
  return checkpoint.ok() ? checkpoint->size : 0;
}

// ---------------------------------------------------------------------------
// Reading.

absl::StatusOr<StoredRecord> ParseIndexLine(std::string_view line,
                                            const std::string& context) {
  CC_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(line, context));
  StoredRecord record;
  CC_ASSIGN_OR_RETURN(record.log_index, object.Uint("log_index"));
  CC_ASSIGN_OR_RETURN(record.record_id, object.String("record_id"));
  CC_ASSIGN_OR_RETURN(record.key_id, object.String("key_id"));
  CC_ASSIGN_OR_RETURN(record.leaf_hash, object.HashBytesField("leaf_hash"));
  CC_ASSIGN_OR_RETURN(record.service, object.String("service"));
  CC_ASSIGN_OR_RETURN(record.entity_type, object.String("entity_type"));
  CC_ASSIGN_OR_RETURN(record.entity_id, object.String("entity_id"));
  CC_ASSIGN_OR_RETURN(record.recorded_at, object.Time("recorded_at"));
  CC_ASSIGN_OR_RETURN(record.actor_user_id, object.String("actor_user_id"));
  CC_ASSIGN_OR_RETURN(record.action, object.String("action"));
  CC_ASSIGN_OR_RETURN(record.din, object.NullableString("din"));
  CC_ASSIGN_OR_RETURN(record.request_id, object.String("request_id"));
  CC_ASSIGN_OR_RETURN(std::optional<std::string> previous,
                      object.NullableString("previous_entity_hash"));
  if (previous.has_value()) {
    CC_ASSIGN_OR_RETURN(record.previous_entity_hash,
                        object.HashBytesField("previous_entity_hash"));
  }
  return record;
}

absl::Status ReadManifest(const fs::path& root, Bundle& bundle) {
  const fs::path path = root / "manifest.json";
  CC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  CC_ASSIGN_OR_RETURN(JsonObject manifest,
                      JsonObject::Parse(text, "manifest.json"));
  CC_ASSIGN_OR_RETURN(std::string format, manifest.String("format"));
  if (format != kBundleFormat) {
    return absl::InvalidArgumentError(absl::StrCat(
        "manifest.json: format \"", format,
        "\" is not supported (this reader reads ", kBundleFormat, ")"));
  }
  CC_ASSIGN_OR_RETURN(bundle.origin, manifest.String("origin"));
  CC_ASSIGN_OR_RETURN(bundle.verifier_key, manifest.String("verifier_key"));
  CC_ASSIGN_OR_RETURN(bundle.query, manifest.String("query"));
  CC_ASSIGN_OR_RETURN(std::string scope, manifest.String("scope"));
  if (scope != "log" && scope != "subset") {
    return absl::InvalidArgumentError(
        "manifest.json: field \"scope\" must be \"log\" or \"subset\"");
  }
  bundle.complete = scope == "log";
  CC_ASSIGN_OR_RETURN(bundle.tree_size, manifest.Uint("tree_size"));
  if (manifest.Has("exported_at")) {
    CC_ASSIGN_OR_RETURN(bundle.exported_at, manifest.Time("exported_at"));
  }
  CC_ASSIGN_OR_RETURN(JsonObject counts, manifest.Object("counts"));
  CC_ASSIGN_OR_RETURN(bundle.declared.records, counts.Uint("records"));
  CC_ASSIGN_OR_RETURN(bundle.declared.keys, counts.Uint("keys"));
  CC_ASSIGN_OR_RETURN(bundle.declared.checkpoints, counts.Uint("checkpoints"));
  CC_ASSIGN_OR_RETURN(bundle.declared.inclusion_proofs,
                      counts.Uint("inclusion_proofs"));
  CC_ASSIGN_OR_RETURN(bundle.declared.consistency_proofs,
                      counts.Uint("consistency_proofs"));
  CC_ASSIGN_OR_RETURN(bundle.declared.states, counts.Uint("states"));
  return absl::OkStatus();
}

absl::Status ReadKeys(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(std::string text, ReadFile(root / "keys" / "keys.json"));
  CC_ASSIGN_OR_RETURN(JsonObject file,
                      JsonObject::Parse(text, "keys/keys.json"));
  CC_ASSIGN_OR_RETURN(std::vector<JsonObject> keys, file.ObjectArray("keys"));
  for (const JsonObject& entry : keys) {
    SigningKeyInfo key;
    CC_ASSIGN_OR_RETURN(key.key_id, entry.String("key_id"));
    CC_ASSIGN_OR_RETURN(key.service, entry.String("service"));
    CC_ASSIGN_OR_RETURN(key.valid_from, entry.Time("valid_from"));
    if (!IsSigningKeyId(key.key_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("keys/keys.json: key id \"", key.key_id,
                       "\" is not <service>:<16 hex>"));
    }
    const std::string name = absl::StrCat("keys/", KeyFileName(key.key_id));
    CC_ASSIGN_OR_RETURN(std::string pem, ReadFile(root / name));
    absl::StatusOr<crypto::Ed25519PublicKey> public_key =
        crypto::Ed25519PublicKey::FromPem(pem);
    if (!public_key.ok()) return Annotate(public_key.status(), name);
    key.public_key = public_key->Raw();
    bundle.keys.push_back(std::move(key));
  }
  CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      ListFiles(root / "keys", ".pub"));
  bundle.found.keys = files.size();
  return absl::OkStatus();
}

absl::Status ReadRecords(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(
      std::string index,
      ReadFile(root / "records" / "index.jsonl", kMaxIndexBytes));
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < index.size()) {
    size_t end = index.find('\n', begin);
    if (end == std::string::npos) end = index.size();
    std::string_view line(index.data() + begin, end - begin);
    begin = end + 1;
    ++line_number;
    if (line.empty()) continue;
    const std::string context =
        absl::StrCat("records/index.jsonl line ", line_number);
    CC_ASSIGN_OR_RETURN(StoredRecord record, ParseIndexLine(line, context));
    const std::string stem = RecordFileStem(record.log_index);
    absl::StatusOr<std::string> bytes = ReadFile(root / (stem + ".bin"));
    absl::StatusOr<std::string> signature = ReadFile(root / (stem + ".sig"));
    for (const absl::Status& status : {bytes.status(), signature.status()}) {
      if (absl::IsNotFound(status)) {
        return absl::InvalidArgumentError(
            absl::StrCat(context, " lists record ", record.record_id,
                         " but its file is missing: ", status.message()));
      }
      CC_RETURN_IF_ERROR(status);
    }
    record.record_bytes = *std::move(bytes);
    record.signature = *std::move(signature);
    bundle.records.push_back(std::move(record));
  }
  CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      ListFiles(root / "records", ".bin"));
  bundle.found.records = files.size();
  return absl::OkStatus();
}

absl::Status ReadCheckpoints(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      ListFiles(root / "checkpoints", ".note"));
  for (const std::string& name : files) {
    CC_ASSIGN_OR_RETURN(std::string note,
                        ReadFile(root / "checkpoints" / name));
    bundle.checkpoints.push_back(std::move(note));
  }
  bundle.found.checkpoints = files.size();
  return absl::OkStatus();
}

absl::Status ReadProofs(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> inclusion,
                      ListFiles(root / "proofs", ".json"));
  for (const std::string& name : inclusion) {
    CC_ASSIGN_OR_RETURN(std::string text, ReadFile(root / "proofs" / name));
    CC_ASSIGN_OR_RETURN(JsonObject object,
                        JsonObject::Parse(text, absl::StrCat("proofs/", name)));
    InclusionProofInput proof;
    CC_ASSIGN_OR_RETURN(proof.log_index, object.Uint("log_index"));
    CC_ASSIGN_OR_RETURN(proof.tree_size, object.Uint("tree_size"));
    CC_ASSIGN_OR_RETURN(proof.hashes, object.HashArray("proof"));
    bundle.inclusion_proofs.push_back(std::move(proof));
  }
  bundle.found.inclusion_proofs = inclusion.size();

  CC_ASSIGN_OR_RETURN(std::vector<std::string> consistency,
                      ListFiles(root / "consistency", ".json"));
  for (const std::string& name : consistency) {
    CC_ASSIGN_OR_RETURN(std::string text,
                        ReadFile(root / "consistency" / name));
    CC_ASSIGN_OR_RETURN(
        JsonObject object,
        JsonObject::Parse(text, absl::StrCat("consistency/", name)));
    ConsistencyProofInput proof;
    CC_ASSIGN_OR_RETURN(proof.size1, object.Uint("size1"));
    CC_ASSIGN_OR_RETURN(proof.size2, object.Uint("size2"));
    CC_ASSIGN_OR_RETURN(proof.hashes, object.HashArray("proof"));
    bundle.consistency_proofs.push_back(std::move(proof));
  }
  bundle.found.consistency_proofs = consistency.size();
  return absl::OkStatus();
}

absl::Status ReadStates(const fs::path& root, Bundle& bundle) {
  const fs::path states = root / "states";
  CC_ASSIGN_OR_RETURN(std::vector<std::string> types, ListDirectories(states));
  for (const std::string& type_name : types) {
    std::optional<std::string> type = DecodeName(type_name);
    if (!type.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "states/", type_name, ": not a percent-encoded entity type"));
    }
    for (std::string_view suffix : {".bin", ".missing"}) {
      CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                          ListFiles(states / type_name, suffix));
      for (const std::string& file : files) {
        const std::string stem = file.substr(0, file.size() - suffix.size());
        std::optional<std::string> id = DecodeName(stem);
        if (!id.has_value()) {
          return absl::InvalidArgumentError(
              absl::StrCat("states/", type_name, "/", file,
                           ": not a percent-encoded entity id"));
        }
        CurrentState state{*type, *id, std::nullopt};
        if (suffix == ".bin") {
          CC_ASSIGN_OR_RETURN(state.state, ReadFile(states / type_name / file));
        }
        bundle.states.push_back(std::move(state));
      }
    }
  }
  bundle.found.states = bundle.states.size();
  return absl::OkStatus();
}

}  // namespace

BundleCounts Bundle::Counts() const {
  return {records.size(),
          keys.size(),
          checkpoints.size(),
          inclusion_proofs.size(),
          consistency_proofs.size(),
          states.size()};
}

std::string KeyFileName(const std::string& key_id) {
  std::string name = key_id;
  std::replace(name.begin(), name.end(), ':', '_');
  return name + ".pub";
}

std::string RecordFileStem(uint64_t log_index) {
  return absl::StrCat("records/", Padded(log_index));
}

absl::Status WriteBundle(const Bundle& bundle, const std::string& dir) {
  CC_RETURN_IF_ERROR(ValidateForWriting(bundle));
  const fs::path root(dir);
  std::error_code error;
  if (fs::exists(root, error)) {
    if (!fs::is_directory(root, error) || !fs::is_empty(root, error)) {
      return absl::AlreadyExistsError(
          absl::StrCat(dir, " exists and is not an empty directory"));
    }
  } else {
    CC_RETURN_IF_ERROR(MakeDirectory(root));
  }
  for (const char* sub :
       {"keys", "records", "checkpoints", "proofs", "consistency"}) {
    CC_RETURN_IF_ERROR(MakeDirectory(root / sub));
  }

  std::string keys_json = "{\"keys\": [\n";
  for (size_t i = 0; i < bundle.keys.size(); ++i) {
    const SigningKeyInfo& key = bundle.keys[i];
    absl::StatusOr<crypto::Ed25519PublicKey> public_key =
        crypto::Ed25519PublicKey::FromRaw(key.public_key);
    if (!public_key.ok()) return Annotate(public_key.status(), key.key_id);
    CC_ASSIGN_OR_RETURN(std::string pem, public_key->ToPem());
    const std::string file = KeyFileName(key.key_id);
    CC_RETURN_IF_ERROR(WriteFile(root / "keys" / file, pem));
    absl::StrAppend(&keys_json, "  {\"key_id\": ", Quote(key.key_id),
                    ", \"service\": ", Quote(key.service),
                    ", \"valid_from\": ", Quote(TimeText(key.valid_from)),
                    ", \"file\": ", Quote(file), "}",
                    i + 1 < bundle.keys.size() ? "," : "", "\n");
  }
  keys_json += "]}\n";
  CC_RETURN_IF_ERROR(WriteFile(root / "keys" / "keys.json", keys_json));

  std::vector<const StoredRecord*> records;
  for (const StoredRecord& record : bundle.records) records.push_back(&record);
  std::sort(records.begin(), records.end(),
            [](const StoredRecord* a, const StoredRecord* b) {
              return a->log_index < b->log_index;
            });
  std::string index;
  for (const StoredRecord* record : records) {
    const std::string stem = RecordFileStem(record->log_index);
    CC_RETURN_IF_ERROR(WriteFile(root / (stem + ".bin"), record->record_bytes));
    CC_RETURN_IF_ERROR(WriteFile(root / (stem + ".sig"), record->signature));
    index += IndexLine(*record);
  }
  CC_RETURN_IF_ERROR(WriteFile(root / "records" / "index.jsonl", index));

  std::map<uint64_t, int> notes_of_size;
  for (const std::string& note : bundle.checkpoints) {
    uint64_t size = ClaimedSize(note);
    // Two notes of one size (a fork, kept as evidence) get distinct names.
    int n = ++notes_of_size[size];
    std::string name = n == 1 ? absl::StrCat(size, ".note")
                              : absl::StrCat(size, "-", n, ".note");
    CC_RETURN_IF_ERROR(WriteFile(root / "checkpoints" / name, note));
  }

  for (const InclusionProofInput& proof : bundle.inclusion_proofs) {
    std::string leaf = "null";
    for (const StoredRecord* record : records) {
      if (record->log_index == proof.log_index) {
        leaf = Quote(crypto::HexEncode(record->leaf_hash));
      }
    }
    CC_RETURN_IF_ERROR(WriteFile(
        root / "proofs" / absl::StrCat(Padded(proof.log_index), ".json"),
        absl::StrCat("{\"log_index\": ", proof.log_index, ", \"tree_size\": ",
                     proof.tree_size, ", \"leaf_hash\": ", leaf,
                     ", \"proof\": ", HashList(proof.hashes), "}\n")));
  }
  for (const ConsistencyProofInput& proof : bundle.consistency_proofs) {
    CC_RETURN_IF_ERROR(WriteFile(
        root / "consistency" /
            absl::StrCat(proof.size1, "-", proof.size2, ".json"),
        absl::StrCat("{\"size1\": ", proof.size1, ", \"size2\": ", proof.size2,
                     ", \"proof\": ", HashList(proof.hashes), "}\n")));
  }

  if (!bundle.states.empty())
    CC_RETURN_IF_ERROR(MakeDirectory(root / "states"));
  for (const CurrentState& state : bundle.states) {
    const fs::path type_dir = root / "states" / EncodeName(state.entity_type);
    CC_RETURN_IF_ERROR(MakeDirectory(type_dir));
    const std::string id = EncodeName(state.entity_id);
    if (state.state.has_value()) {
      CC_RETURN_IF_ERROR(WriteFile(type_dir / (id + ".bin"), *state.state));
    } else {
      CC_RETURN_IF_ERROR(WriteFile(type_dir / (id + ".missing"), ""));
    }
  }

  // Last: a bundle without its manifest is visibly incomplete.
  return WriteFile(root / "manifest.json", ManifestJson(bundle));
}

absl::StatusOr<Bundle> ReadBundle(const std::string& dir) {
  const fs::path root(dir);
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return absl::NotFoundError(absl::StrCat(dir, " is not a directory"));
  }
  Bundle bundle;
  CC_RETURN_IF_ERROR(ReadManifest(root, bundle));
  CC_RETURN_IF_ERROR(ReadKeys(root, bundle));
  CC_RETURN_IF_ERROR(ReadRecords(root, bundle));
  CC_RETURN_IF_ERROR(ReadCheckpoints(root, bundle));
  CC_RETURN_IF_ERROR(ReadProofs(root, bundle));
  CC_RETURN_IF_ERROR(ReadStates(root, bundle));
  return bundle;
}

std::vector<std::string> ManifestDiscrepancies(const Bundle& bundle) {
  std::vector<std::string> out;
  const BundleCounts read = bundle.Counts();
  auto compare = [&](std::string_view what, uint64_t declared, uint64_t listed,
                     uint64_t files) {
    if (declared != listed) {
      out.push_back(absl::StrCat("manifest.json declares ", declared, " ",
                                 ToAbsl(what), ", the bundle holds ", listed));
    }
    if (files != listed) {
      out.push_back(absl::StrCat("the bundle lists ", listed, " ", ToAbsl(what),
                                 " but holds ", files, " files of them"));
    }
  };
  compare("records", bundle.declared.records, read.records,
          bundle.found.records);
  compare("keys", bundle.declared.keys, read.keys, bundle.found.keys);
  compare("checkpoints", bundle.declared.checkpoints, read.checkpoints,
          bundle.found.checkpoints);
  compare("inclusion proofs", bundle.declared.inclusion_proofs,
          read.inclusion_proofs, bundle.found.inclusion_proofs);
  compare("consistency proofs", bundle.declared.consistency_proofs,
          read.consistency_proofs, bundle.found.consistency_proofs);
  compare("current states", bundle.declared.states, read.states,
          bundle.found.states);
  uint64_t largest = 0;
  for (const std::string& note : bundle.checkpoints) {
    largest = std::max(largest, ClaimedSize(note));
  }
  if (!bundle.checkpoints.empty() && largest != bundle.tree_size) {
    out.push_back(
        absl::StrCat("manifest.json says the latest checkpoint has "
                     "size ",
                     bundle.tree_size,
                     ", the largest in the bundle "
                     "claims ",
                     largest));
  }
  return out;
}

VerifyInput ToVerifyInput(Bundle bundle, std::vector<NoteVerifier> verifiers) {
  VerifyInput input;
  input.complete = bundle.complete;
  input.records = std::move(bundle.records);
  input.keys = std::move(bundle.keys);
  input.origin = std::move(bundle.origin);
  input.checkpoint_verifiers = std::move(verifiers);
  input.checkpoints = std::move(bundle.checkpoints);
  input.inclusion_proofs = std::move(bundle.inclusion_proofs);
  input.consistency_proofs = std::move(bundle.consistency_proofs);
  input.states = std::move(bundle.states);
  return input;
}

}  // namespace cellchain::ledger
