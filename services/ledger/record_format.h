// The signed audit record's format as the verifier reads it: the fields of
// a serialized cellchain.audit.v1.AuditRecord that verification checks, read
// straight from the protobuf wire format (so that the offline verifier links
// no generated protobuf code, libpq or gRPC), the message a record's
// signature covers, and the form of a signing key's id. The formats are
// those services/ledger/ledger.h writes.
//
// Thread-safety: pure functions and constants.
#ifndef CELLCHAIN_SERVICES_LEDGER_RECORD_FORMAT_H_
#define CELLCHAIN_SERVICES_LEDGER_RECORD_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cellchain::ledger {

// ledger.h's kRecordSignatureDomain with its NUL: what a signed message
// starts with. Kept here rather than included because ledger.h pulls in
// libpq.
inline constexpr std::string_view kRecordSignaturePrefix(
    "cellchain.audit.v1.record\0", 26);

// What the signed bytes say about the fields the verifier checks.
struct RecordFields {
  std::string record_id;
  std::string service;
  std::string key_id;
  absl::Time recorded_at = absl::UnixEpoch();
  std::string actor_user_id;
  std::string action;
  std::string entity_type;
  std::string entity_id;
  // The value of the first ISBT 128 identifier of kind "din", if any.
  std::optional<std::string> din;
  std::string request_id;
  std::string previous_entity_hash;  // Empty for an entity's first record.
  bool has_after_state = false;
  std::string after_state_type_url;
  std::string after_state_value;  // google.protobuf.Any.value.
};

// Reads a serialized cellchain.audit.v1.AuditRecord. Unknown fields are
// skipped; repeated occurrences follow protobuf's rules (the last scalar
// wins, messages merge).
// INVALID_ARGUMENT: truncated or malformed wire data, a known field with
// another wire type than its declaration, a Timestamp out of range.
absl::StatusOr<RecordFields> ParseRecordFields(std::string_view record_bytes);

// The message a record's signature covers: "cellchain.audit.v1.record", one
// 0x00 byte, then the record bytes.
std::string RecordSignatureMessage(std::string_view record_bytes);

// "<service>:" + lowercase hex of the first 8 bytes of SHA-256(raw key).
std::string SigningKeyId(std::string_view service,
                         std::string_view raw_public_key);

// True for a string of the form of SigningKeyId: "<service>:<16 lowercase
// hex>" with service [a-z][a-z0-9_]*.
bool IsSigningKeyId(std::string_view key_id);

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_RECORD_FORMAT_H_
