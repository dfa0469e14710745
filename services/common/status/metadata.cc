#include "services/common/status/metadata.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings/absl_view.h"
#include "services/common/strings/std_view.h"

namespace cellchain {
namespace {

// A key's payload URL: this prefix and the key.
constexpr std::string_view kMetadataPayloadPrefix =
    "type.cellchain.dev/cellchain.metadata/";

std::string UrlOf(std::string_view key) {
  return absl::StrCat(ToAbsl(kMetadataPayloadPrefix), ToAbsl(key));
}

}  // namespace

absl::Status WithMetadata(absl::Status status, std::string_view key,
                          std::string_view value) {
  if (!status.ok()) status.SetPayload(UrlOf(key), absl::Cord(ToAbsl(value)));
  return status;
}

std::string MetadataOf(const absl::Status& status, std::string_view key) {
  absl::optional<absl::Cord> payload = status.GetPayload(UrlOf(key));
  return payload.has_value() ? std::string(*payload) : std::string();
}

std::map<std::string, std::string> AllMetadataOf(const absl::Status& status) {
  std::map<std::string, std::string> metadata;
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& value) {
    std::string_view name = ToStd(url);
    if (name.starts_with(kMetadataPayloadPrefix)) {
      name.remove_prefix(kMetadataPayloadPrefix.size());
      metadata.emplace(name, std::string(value));
    }
  });
  return metadata;
}

}  // namespace cellchain
