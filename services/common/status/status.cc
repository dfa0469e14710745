#include "services/common/status/status.h"

#include <optional>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings/absl_view.h"

namespace cellchain {
namespace {

std::string PayloadString(const absl::Status& status, std::string_view url) {
  absl::optional<absl::Cord> payload = status.GetPayload(ToAbsl(url));
  return payload.has_value() ? std::string(*payload) : std::string();
}

}  // namespace

absl::Status InvalidField(std::string_view field, std::string_view message) {
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat(ToAbsl(field), ": ", ToAbsl(message)));
  status.SetPayload(ToAbsl(kFieldPayloadUrl), absl::Cord(ToAbsl(field)));
  return status;
}

absl::Status FailedRule(std::string_view reason, std::string_view message) {
  return WithReason(absl::FailedPreconditionError(ToAbsl(message)), reason);
}

absl::Status WithReason(absl::Status status, std::string_view reason) {
  if (!status.ok())
    status.SetPayload(ToAbsl(kReasonPayloadUrl), absl::Cord(ToAbsl(reason)));
  return status;
}

absl::Status NotFound(std::string_view what, std::string_view id,
                      std::string_view reason) {
  absl::Status status = absl::NotFoundError(
      absl::StrCat("no ", ToAbsl(what), " \"", ToAbsl(id), "\""));
  return reason.empty() ? status : WithReason(std::move(status), reason);
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
                         absl::StrCat(ToAbsl(context), ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

}  // namespace cellchain
