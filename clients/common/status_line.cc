#include "clients/common/status_line.h"

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"

namespace cellchain::client {

std::string MessageWithoutReason(const absl::Status& status) {
  const std::string reason = ReasonOf(status);
  std::string message(status.message());
  if (!reason.empty() && message.starts_with(reason + ": ")) {
    message.erase(0, reason.size() + 2);
  }
  return message;
}

std::string StatusLine(const absl::Status& status, std::string_view message) {
  std::string line = absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                                  std::string(message));
  if (std::string reason = ReasonOf(status); !reason.empty()) {
    absl::StrAppend(&line, " (reason: ", reason, ")");
  }
  if (std::string field = FieldOf(status); !field.empty()) {
    absl::StrAppend(&line, " (field: ", field, ")");
  }
  return line;
}

}  // namespace cellchain::client
