// The checks of request fields every service's domain code makes: text
// that must be given and not too long, a time that must be given, valid and
// not in the future; and the conversions of protobuf timestamps those checks
// and the SQL use. Each refusal is INVALID_ARGUMENT naming the field
// (status.h InvalidField).
// Thread-safety: pure functions; time comes from the caller's clock.
#ifndef CELLCHAIN_SERVICES_COMMON_FIELDS_FIELDS_H_
#define CELLCHAIN_SERVICES_COMMON_FIELDS_FIELDS_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cellchain::fields {

// The longest free text a field takes unless it says otherwise.
inline constexpr size_t kMaxText = 500;
// A time in the future is refused beyond this clock difference.
inline constexpr absl::Duration kClockSkew = absl::Minutes(5);

int64_t Micros(const google::protobuf::Timestamp& t);
absl::Time ToTime(const google::protobuf::Timestamp& t);

// SQL for the n-th parameter sent as microseconds since the epoch:
// "('epoch'::timestamptz + $n::int8 * interval '1 microsecond')".
std::string TimestampParam(int n);

// Empty or only whitespace.
bool Blank(std::string_view s);

// "required" when blank; "at most N characters" when longer than `max`.
absl::Status RequireText(std::string_view value, std::string_view field,
                         size_t max = kMaxText);

// "required" when not `present`; "not a valid time" outside year 1970 to
// 9999; "lies in the future" beyond kClockSkew after `now` (the service's
// clock, so that a test can move it).
absl::Status RequirePastTime(const google::protobuf::Timestamp& t, bool present,
                             std::string_view field, absl::Time now);

}  // namespace cellchain::fields

#endif  // CELLCHAIN_SERVICES_COMMON_FIELDS_FIELDS_H_
