#include "services/common/fields/fields.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"

namespace cellchain::fields {

int64_t Micros(const google::protobuf::Timestamp& t) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(t);
}

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(Micros(t));
}

std::string TimestampParam(int n) {
  return absl::StrCat("('epoch'::timestamptz + $", n,
                      "::int8 * interval '1 microsecond')");
}

bool Blank(std::string_view s) {
  return absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size()))
      .empty();
}

absl::Status RequireText(std::string_view value, std::string_view field,
                         size_t max) {
  if (Blank(value)) return InvalidField(field, "required");
  if (value.size() > max) {
    return InvalidField(field, absl::StrCat("at most ", max, " characters"));
  }
  return absl::OkStatus();
}

absl::Status RequirePastTime(const google::protobuf::Timestamp& t, bool present,
                             std::string_view field, absl::Time now) {
  if (!present) return InvalidField(field, "required");
  if (t.seconds() < 0 || t.seconds() > 253402300799 || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return InvalidField(field, "not a valid time");
  }
  if (ToTime(t) > now + kClockSkew) {
    return InvalidField(field, "lies in the future");
  }
  return absl::OkStatus();
}

}  // namespace cellchain::fields
