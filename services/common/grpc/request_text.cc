#include "services/common/grpc/request_text.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::grpcx {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

// protobuf's own default recursion limit is 100; no cellchain request nests
// anywhere near this.
constexpr int kMaxDepth = 64;

// Decodes one code point of strict UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF) at text[*pos] and advances *pos;
// nullopt when the bytes there are not one.
std::optional<uint32_t> NextCodePoint(std::string_view text, size_t* pos) {
  auto byte = [&](size_t i) -> int {
    return i < text.size() ? static_cast<unsigned char>(text[i]) : -1;
  };
  auto continuation = [&](size_t i, int lo = 0x80, int hi = 0xBF) {
    int b = byte(i);
    return b >= lo && b <= hi;
  };
  size_t i = *pos;
  int b0 = byte(i);
  if (b0 < 0x80) {
    *pos = i + 1;
    return static_cast<uint32_t>(b0);
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!continuation(i + 1)) return std::nullopt;
    *pos = i + 2;
    return ((b0 & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    int lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    int hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    if (!continuation(i + 1, lo, hi) || !continuation(i + 2)) {
      return std::nullopt;
    }
    *pos = i + 3;
    return ((b0 & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) |
           (byte(i + 2) & 0x3Fu);
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    int lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlong forms
    int hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    if (!continuation(i + 1, lo, hi) || !continuation(i + 2) ||
        !continuation(i + 3)) {
      return std::nullopt;
    }
    *pos = i + 4;
    return ((b0 & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) |
           ((byte(i + 2) & 0x3Fu) << 6) | (byte(i + 3) & 0x3Fu);
  }
  return std::nullopt;
}

absl::Status Refuse(std::string_view path, std::string_view reason,
                    std::string message) {
  return WithReason(InvalidField(path, message), reason);
}

absl::Status Malformed(const Descriptor& type) {
  return absl::InvalidArgumentError(absl::StrCat(
      "the request is not a well-formed ", type.full_name(), " message"));
}

// "\"S01\"" for a map key that reads as plain text, else "".
std::string QuotedKey(const FieldDescriptor& key, std::string_view value) {
  if (!CheckText(key, "", value).ok()) return "";
  for (char c : value) {
    if (c == '"' || c == '\\') return "";
  }
  return absl::StrCat("\"", ToAbsl(value), "\"");
}

absl::Status Walk(const Descriptor& type, std::string_view wire,
                  const std::string& prefix, int depth);

// A map entry at `path` ("revisions"), its `index`-th occurrence: the key is
// checked as "revisions[3].key", the value named by its key when that reads
// as plain text ("revisions[\"S01\"]"), else "revisions[3].value".
absl::Status WalkMapEntry(const FieldDescriptor& field, std::string_view entry,
                          const std::string& path, int index, int depth) {
  const Descriptor& type = *field.message_type();
  const FieldDescriptor& key = *type.map_key();
  const FieldDescriptor& value = *type.map_value();
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(entry.data()),
      static_cast<int>(entry.size()));
  std::string key_label = absl::StrCat("[", index, "]");
  std::optional<std::string_view> value_bytes;
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    int number = WireFormatLite::GetTagFieldNumber(tag);
    bool delimited = WireFormatLite::GetTagWireType(tag) ==
                     WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (number == key.number() && !delimited &&
        WireFormatLite::GetTagWireType(tag) ==
            WireFormatLite::WIRETYPE_VARINT) {
      uint64_t k = 0;
      if (!in.ReadVarint64(&k)) return Malformed(type);
      key_label = absl::StrCat("[", k, "]");
      continue;
    }
    if (delimited && (number == key.number() || number == value.number())) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return Malformed(type);
      size_t at = static_cast<size_t>(in.CurrentPosition());
      if (length > entry.size() - at) return Malformed(type);
      std::string_view bytes = entry.substr(at, length);
      if (!in.Skip(static_cast<int>(length))) return Malformed(type);
      if (number == key.number()) {
        if (key.type() == FieldDescriptor::TYPE_STRING) {
          CC_RETURN_IF_ERROR(
              CheckText(key, absl::StrCat(path, "[", index, "].key"), bytes));
          std::string quoted = QuotedKey(key, bytes);
          if (!quoted.empty()) key_label = absl::StrCat("[", quoted, "]");
        }
      } else {
        value_bytes = bytes;
      }
      continue;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return Malformed(type);
  }
  if (static_cast<size_t>(in.CurrentPosition()) != entry.size()) {
    return Malformed(type);
  }
  if (!value_bytes.has_value()) return absl::OkStatus();
  std::string value_path = absl::StrCat(path, key_label);
  if (value.type() == FieldDescriptor::TYPE_STRING) {
    return CheckText(value, value_path, *value_bytes);
  }
  if (value.type() == FieldDescriptor::TYPE_MESSAGE) {
    return Walk(*value.message_type(), *value_bytes,
                absl::StrCat(value_path, "."), depth + 1);
  }
  return absl::OkStatus();
}

absl::Status Walk(const Descriptor& type, std::string_view wire,
                  const std::string& prefix, int depth) {
  if (depth > kMaxDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request nests messages deeper than ", kMaxDepth));
  }
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(wire.data()),
      static_cast<int>(wire.size()));
  std::map<int, int> occurrences;  // of each repeated field, for its index
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    const FieldDescriptor* field =
        type.FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    bool textual =
        field != nullptr && (field->type() == FieldDescriptor::TYPE_STRING ||
                             field->type() == FieldDescriptor::TYPE_MESSAGE);
    if (!textual || WireFormatLite::GetTagWireType(tag) !=
                        WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      // Numbers, bytes, unknown fields, and a known field sent with
      // another wire type (protobuf keeps it as an unknown field).
      if (!WireFormatLite::SkipField(&in, tag)) return Malformed(type);
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return Malformed(type);
    size_t at = static_cast<size_t>(in.CurrentPosition());
    if (length > wire.size() - at) return Malformed(type);
    std::string_view bytes = wire.substr(at, length);
    if (!in.Skip(static_cast<int>(length))) return Malformed(type);

    std::string path = absl::StrCat(prefix, field->name());
    int index = 0;
    if (field->is_repeated()) index = occurrences[field->number()]++;
    if (field->is_map()) {
      CC_RETURN_IF_ERROR(WalkMapEntry(*field, bytes, path, index, depth));
      continue;
    }
    if (field->is_repeated()) absl::StrAppend(&path, "[", index, "]");
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      CC_RETURN_IF_ERROR(CheckText(*field, path, bytes));
    } else {
      CC_RETURN_IF_ERROR(Walk(*field->message_type(), bytes,
                              absl::StrCat(path, "."), depth + 1));
    }
  }
  // ReadTag() answers 0 at the end and on a malformed or zero tag.
  if (static_cast<size_t>(in.CurrentPosition()) != wire.size()) {
    return Malformed(type);
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

// True when one of the words of `field`'s name (split at '_') is in `words`.
template <size_t N>
bool NameHasWord(const FieldDescriptor& field,
                 const std::array<std::string_view, N>& words) {
  std::string_view name = field.name();
  while (!name.empty()) {
    size_t end = name.find('_');
    std::string_view word = name.substr(0, end);
    for (std::string_view w : words) {
      if (word == w) return true;
    }
    if (end == std::string_view::npos) break;
    name.remove_prefix(end + 1);
  }
  return false;
}

// U+202A-U+202E (embeddings and overrides) and U+2066-U+2069 (isolates).
bool IsBidiControl(uint32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

bool IsFreeText(const FieldDescriptor& field) {
  return field.type() == FieldDescriptor::TYPE_STRING &&
         NameHasWord(field, kFreeTextWords);
}

absl::Status CheckText(const FieldDescriptor& field, std::string_view path,
                       std::string_view value) {
  const bool free_text = IsFreeText(field);
  // A password is never shown, so no bidi control can spoof it; refusing
  // one would lock out a user whose password already holds it.
  static constexpr std::array<std::string_view, 1> kSecretWords = {"password"};
  const bool shown = !NameHasWord(field, kSecretWords);

  size_t pos = 0;
  for (int character = 1; pos < value.size(); ++character) {
    size_t at = pos;
    std::optional<uint32_t> c = NextCodePoint(value, &pos);
    if (!c.has_value()) {
      return Refuse(path, kReasonInvalidUtf8,
                    absl::StrCat("not valid UTF-8 text (byte ", at + 1, " of ",
                                 value.size(), ")"));
    }
    if (*c == 0) {
      return Refuse(path, kReasonNulCharacter,
                    absl::StrCat("holds a NUL character (U+0000) at "
                                 "character ",
                                 character));
    }
    bool allowed_in_free_text = *c == '\t' || *c == '\n' || *c == '\r';
    bool control = *c < 0x20 || (*c >= 0x7F && *c <= 0x9F);
    bool line_break = *c == 0x2028 || *c == 0x2029;
    if ((control && !(free_text && allowed_in_free_text)) ||
        (line_break && !free_text)) {
      std::string what =
          free_text ? "free text may hold tab, line feed and carriage return, "
                      "and no other control character"
                    : "a single-line field holds no control character or line "
                      "break";
      return Refuse(path, kReasonControlCharacter,
                    absl::StrFormat("holds U+%04X at character %d; %s", *c,
                                    character, what));
    }
    if (shown && IsBidiControl(*c)) {
      return Refuse(
          path, kReasonBidiControl,
          absl::StrFormat("holds U+%04X at character %d; a bidirectional "
                          "embedding, override or isolate control changes "
                          "the order in which the text is shown",
                          *c, character));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequestText(const Descriptor& type, std::string_view wire) {
  return Walk(type, wire, "", 0);
}

}  // namespace cellchain::grpcx
