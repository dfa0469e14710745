// The text rules every request obeys, checked once for every call before
// protobuf parses it and before any handler runs (CheckedService,
// checked_service.h; docs/decisions/0013-request-text.md):
//   - every string field is valid UTF-8 (what proto3 promises; protobuf's
//     own parser would refuse it too, but as INTERNAL with no message);
//   - no string field holds NUL (PostgreSQL text cannot store it);
//   - no string field holds a C1 control (U+0080 to U+009F) or DEL;
//   - a free-text field may hold TAB, LF and CR and no other C0 control;
//   - every other string field is single-line: no C0 control at all, and
//     no U+2028 LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR;
//   - no string field but a password holds a bidirectional embedding,
//     override or isolate control (U+202A-U+202E, U+2066-U+2069): shown
//     to a reviewer, "abc\u202Efdp.exe" reads "abcexe.pdf" (Trojan Source,
//     CVE-2021-42574); right-to-left names need none of them.
// A string field is free text when one of the words of its name (split at
// '_') is in kFreeTextWords ("description", "withdrawal_reason",
// "condition_at_receipt", "new_password"); every other one is single-line.
//
// The check walks the request's wire bytes with the message's descriptor,
// so it sees a string exactly as the client sent it (an invalid one could
// not be parsed into a message first): nested and repeated messages and map
// values are walked; bytes fields, numbers and unknown fields are skipped.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_REQUEST_TEXT_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_REQUEST_TEXT_H_

#include <google/protobuf/descriptor.h>

#include <array>
#include <string_view>

#include "absl/status/status.h"

namespace cellchain::grpcx {

// The words that make a string field free text (see above).
inline constexpr std::array<std::string_view, 9> kFreeTextWords = {
    "description", "note",   "notes",     "comment", "reason",
    "assessment",  "impact", "condition", "password"};

// Reasons (ErrorDetail.reason) of the refusals.
inline constexpr char kReasonInvalidUtf8[] = "INVALID_UTF8";
inline constexpr char kReasonNulCharacter[] = "NUL_CHARACTER";
inline constexpr char kReasonControlCharacter[] = "CONTROL_CHARACTER";
inline constexpr char kReasonBidiControl[] = "BIDI_CONTROL";

// True when `field` is a string field of free text.
bool IsFreeText(const google::protobuf::FieldDescriptor& field);

// Checks `wire`, the serialized bytes of a `type` message. OK, or
// INVALID_ARGUMENT naming the first offending field by its proto path
// ("actor.printed_name", "readings[2].note", "revisions[\"S01\"].note")
// with reason INVALID_UTF8, NUL_CHARACTER, CONTROL_CHARACTER or
// BIDI_CONTROL; or
// INVALID_ARGUMENT (no field) when `wire` is not a well-formed message or
// nests messages deeper than 64.
absl::Status CheckRequestText(const google::protobuf::Descriptor& type,
                              std::string_view wire);

// The rule for one value of `field` at `path` (exposed for tests).
absl::Status CheckText(const google::protobuf::FieldDescriptor& field,
                       std::string_view path, std::string_view value);

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_REQUEST_TEXT_H_
