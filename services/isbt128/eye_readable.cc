#include "services/isbt128/eye_readable.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/common/status/status.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/isbt128/scan.h"

namespace cellchain::isbt128 {
namespace {

constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

std::string DayText(absl::CivilDay day) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d %s %04d", day.day(),
                kMonths[day.month() - 1], static_cast<int>(day.year()));
  return buf;
}

std::string MinuteText(absl::CivilMinute at) {
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d", at.hour(), at.minute());
  return DayText(absl::CivilDay(at)) + buf;
}

std::string DinText(const Din& din) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d %06d", din.fin().c_str(), din.year(),
                din.sequence());
  return buf;
}

}  // namespace

absl::StatusOr<EyeReadable> EyeReadableOf(std::string_view data_structure) {
  if (data_structure.starts_with("=+")) {
    return InvalidField("scan",
                        "a compound message has no eye-readable form; give "
                        "one data structure");
  }
  absl::StatusOr<std::vector<DataStructure>> parsed = ParseScan(data_structure);
  if (!parsed.ok()) return parsed.status();
  if (parsed->size() != 1) {
    return InvalidField("scan", "give exactly one data structure");
  }
  return std::visit(
      [](const auto& value) -> absl::StatusOr<EyeReadable> {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, DonationIdentification>) {
          return EyeReadable{DinText(value.din), value.din.CheckCharacter()};
        } else if constexpr (std::is_same_v<T, ProductCode>) {
          return EyeReadable{value.description_code + value.tds};
        } else if constexpr (std::is_same_v<T, ExpirationDate>) {
          return EyeReadable{DayText(value.day)};
        } else if constexpr (std::is_same_v<T, Expiration> ||
                             std::is_same_v<T, Collection>) {
          return EyeReadable{MinuteText(value.at)};
        } else if constexpr (std::is_same_v<T, ChainOfIdentityId>) {
          char buf[40];
          std::snprintf(buf, sizeof buf, "CH %s %02d %s", value.fin().c_str(),
                        value.year(), value.sequence().c_str());
          return EyeReadable{buf, value.CheckCharacter()};
        } else {
          return InvalidField("scan",
                              "blood groups (002) have no eye-readable form "
                              "here");
        }
      },
      parsed->front().value);
}

}  // namespace cellchain::isbt128
