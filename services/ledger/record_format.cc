#include "services/ledger/record_format.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/sha256.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::ledger {
namespace {

// ---------------------------------------------------------------------------
// Protobuf wire format, just what AuditRecord needs.

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  bool done() const { return pos_ == data_.size(); }

  absl::StatusOr<uint64_t> Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ == data_.size()) return Malformed("truncated varint");
      uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
      // The tenth byte may only carry bit 63.
      if (shift == 63 && byte > 1) return Malformed("varint over 64 bits");
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return Malformed("varint over 10 bytes");
  }

  absl::Status Tag(uint32_t* field, int* wire_type) {
    CC_ASSIGN_OR_RETURN(uint64_t tag, Varint());
    *field = static_cast<uint32_t>(tag >> 3);
    *wire_type = static_cast<int>(tag & 7);
    if (tag >> 3 == 0 || tag >> 3 > (1u << 29) - 1) {
      return Malformed("field number out of range");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string_view> LengthDelimited() {
    CC_ASSIGN_OR_RETURN(uint64_t length, Varint());
    if (length > data_.size() - pos_) return Malformed("truncated field");
    std::string_view value = data_.substr(pos_, length);
    pos_ += length;
    return value;
  }

  absl::Status Skip(int wire_type) {
    switch (wire_type) {
      case kVarint:
        return Varint().status();
      case kFixed64:
        return Advance(8);
      case kLengthDelimited:
        return LengthDelimited().status();
      case kFixed32:
        return Advance(4);
      default:
        // Groups (3, 4) are proto2-only and never in our records.
        return Malformed(absl::StrCat("unsupported wire type ", wire_type));
    }
  }

  static absl::Status Malformed(std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed protobuf: ", ToAbsl(what)));
  }

 private:
  absl::Status Advance(size_t n) {
    if (n > data_.size() - pos_) return Malformed("truncated field");
    pos_ += n;
    return absl::OkStatus();
  }

  std::string_view data_;
  size_t pos_ = 0;
};

// Calls on_field(field, wire_type, reader) for each field of `data`;
// on_field reads the value or returns false to have it skipped.
template <typename OnField>
absl::Status ForEachField(std::string_view data, OnField on_field) {
  WireReader reader(data);
  while (!reader.done()) {
    uint32_t field = 0;
    int wire_type = 0;
    CC_RETURN_IF_ERROR(reader.Tag(&field, &wire_type));
    CC_ASSIGN_OR_RETURN(bool consumed, on_field(field, wire_type, reader));
    if (!consumed) CC_RETURN_IF_ERROR(reader.Skip(wire_type));
  }
  return absl::OkStatus();
}

absl::Status ExpectWireType(uint32_t field, int actual, int expected) {
  if (actual == expected) return absl::OkStatus();
  return WireReader::Malformed(absl::StrCat("field ", field, " has wire type ",
                                            actual, ", expected ", expected));
}

// Reads a string/bytes field into *out (last occurrence wins).
absl::StatusOr<bool> ReadString(uint32_t field, int wire_type,
                                WireReader& reader, std::string* out) {
  CC_RETURN_IF_ERROR(ExpectWireType(field, wire_type, kLengthDelimited));
  CC_ASSIGN_OR_RETURN(std::string_view value, reader.LengthDelimited());
  out->assign(value);
  return true;
}

// Appends an embedded message's bytes to *out: parsing the concatenation of
// every occurrence is protobuf's merge.
absl::StatusOr<bool> AppendMessage(uint32_t field, int wire_type,
                                   WireReader& reader, std::string* out) {
  CC_RETURN_IF_ERROR(ExpectWireType(field, wire_type, kLengthDelimited));
  CC_ASSIGN_OR_RETURN(std::string_view value, reader.LengthDelimited());
  out->append(value);
  return true;
}

// google.protobuf.Timestamp.
absl::StatusOr<absl::Time> ParseTimestamp(std::string_view data) {
  int64_t seconds = 0;
  int64_t nanos = 0;
  CC_RETURN_IF_ERROR(ForEachField(
      data,
      [&](uint32_t field, int wire_type,
          WireReader& reader) -> absl::StatusOr<bool> {
        if (field != 1 && field != 2) return false;
        CC_RETURN_IF_ERROR(ExpectWireType(field, wire_type, kVarint));
        CC_ASSIGN_OR_RETURN(uint64_t value, reader.Varint());
        if (field == 1) {
          seconds = static_cast<int64_t>(value);
        } else {
          // int32 on the wire: a negative value is sign-extended to 64 bits.
          nanos = static_cast<int32_t>(static_cast<uint32_t>(value));
        }
        return true;
      }));
  // google.protobuf.Timestamp's valid range: 0001-01-01 to 9999-12-31.
  if (seconds < -62135596800 || seconds > 253402300799 || nanos < 0 ||
      nanos > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat("recorded_at out of range: ", seconds, "s ", nanos, "ns"));
  }
  return absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
}

// Returns the value of field `wanted` (a string) of a small message.
absl::StatusOr<std::string> StringField(std::string_view data,
                                        uint32_t wanted) {
  std::string out;
  CC_RETURN_IF_ERROR(
      ForEachField(data,
                   [&](uint32_t field, int wire_type,
                       WireReader& reader) -> absl::StatusOr<bool> {
                     if (field != wanted) return false;
                     return ReadString(field, wire_type, reader, &out);
                   }));
  return out;
}

}  // namespace

absl::StatusOr<RecordFields> ParseRecordFields(std::string_view record_bytes) {
  RecordFields out;
  std::string timestamp, actor, entity, any;
  std::vector<std::string_view> isbt128;
  CC_RETURN_IF_ERROR(ForEachField(
      record_bytes,
      [&](uint32_t field, int wire_type,
          WireReader& reader) -> absl::StatusOr<bool> {
        switch (field) {
          case 1:
            return ReadString(field, wire_type, reader, &out.record_id);
          case 2:
            return ReadString(field, wire_type, reader, &out.service);
          case 3:
            return ReadString(field, wire_type, reader, &out.key_id);
          case 4:
            return AppendMessage(field, wire_type, reader, &timestamp);
          case 5:
            return AppendMessage(field, wire_type, reader, &actor);
          case 6:
            return ReadString(field, wire_type, reader, &out.action);
          case 7:
            return AppendMessage(field, wire_type, reader, &entity);
          case 8: {
            CC_RETURN_IF_ERROR(
                ExpectWireType(field, wire_type, kLengthDelimited));
            CC_ASSIGN_OR_RETURN(std::string_view value,
                                reader.LengthDelimited());
            isbt128.push_back(value);
            return true;
          }
          case 10:
            out.has_after_state = true;
            return AppendMessage(field, wire_type, reader, &any);
          case 12:
            return ReadString(field, wire_type, reader, &out.request_id);
          case 13:
            return ReadString(field, wire_type, reader,
                              &out.previous_entity_hash);
          default:
            return false;
        }
      }));
  CC_ASSIGN_OR_RETURN(out.recorded_at, ParseTimestamp(timestamp));
  CC_ASSIGN_OR_RETURN(out.actor_user_id, StringField(actor, 1));
  CC_ASSIGN_OR_RETURN(out.entity_type, StringField(entity, 1));
  CC_ASSIGN_OR_RETURN(out.entity_id, StringField(entity, 2));
  for (std::string_view identifier : isbt128) {
    CC_ASSIGN_OR_RETURN(std::string kind, StringField(identifier, 1));
    if (kind != "din") continue;
    CC_ASSIGN_OR_RETURN(out.din, StringField(identifier, 2));
    break;
  }
  CC_ASSIGN_OR_RETURN(out.after_state_type_url, StringField(any, 1));
  CC_ASSIGN_OR_RETURN(out.after_state_value, StringField(any, 2));
  return out;
}

std::string RecordSignatureMessage(std::string_view record_bytes) {
  std::string message(kRecordSignaturePrefix);
  message.append(record_bytes);
  return message;
}

std::string SigningKeyId(std::string_view service,
                         std::string_view raw_public_key) {
  crypto::Sha256Digest digest = crypto::Sha256(raw_public_key);
  return absl::StrCat(ToAbsl(service), ":",
                      crypto::HexEncode(std::string_view(
                          reinterpret_cast<const char*>(digest.data()), 8)));
}

bool IsSigningKeyId(std::string_view key_id) {
  size_t colon = key_id.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view service = key_id.substr(0, colon);
  std::string_view hex = key_id.substr(colon + 1);
  if (service[0] < 'a' || service[0] > 'z') return false;
  for (char c : service) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  if (hex.size() != 16) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace cellchain::ledger
