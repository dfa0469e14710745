#include "services/common/status/status.h"

#include <optional>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace cellchain {
namespace {

// Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so views cross the boundary explicitly.
absl::string_view Absl(std::string_view view) {
  return absl::string_view(view.data(), view.size());
}

std::string PayloadString(const absl::Status& status, std::string_view url) {
  absl::optional<absl::Cord> payload = status.GetPayload(Absl(url));
  return payload.has_value() ? std::string(*payload) : std::string();
}

}  // namespace

absl::Status InvalidField(std::string_view field, std::string_view message) {
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat(Absl(field), ": ", Absl(message)));
  status.SetPayload(Absl(kFieldPayloadUrl), absl::Cord(Absl(field)));
  return status;
}

absl::Status FailedRule(std::string_view reason, std::string_view message) {
  return WithReason(absl::FailedPreconditionError(Absl(message)), reason);
}

absl::Status WithReason(absl::Status status, std::string_view reason) {
  if (!status.ok()) status.SetPayload(Absl(kReasonPayloadUrl), absl::Cord(Absl(reason)));
  return status;
}

std::string FieldOf(const absl::Status& status) {
  return PayloadString(status, kFieldPayloadUrl);
}

std::string ReasonOf(const absl::Status& status) {
  return PayloadString(status, kReasonPayloadUrl);
}

absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  absl::Status annotated(status.code(),
                         absl::StrCat(Absl(context), ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

}  // namespace cellchain
