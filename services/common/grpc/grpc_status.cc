#include "services/common/grpc/grpc_status.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cellchain/common/v1/common.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/common/crypto/crypto.h"
#include "services/common/log/log.h"
#include "services/common/status/metadata.h"
#include "services/common/status/status.h"

namespace cellchain::grpcx {
namespace {

constexpr std::string_view kErrorDetailType =
    "type.googleapis.com/cellchain.common.v1.ErrorDetail";
constexpr std::string_view kErrorInfoType =
    "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kErrorInfoDomain[] = "cellchain.dev";

// The longest prefix of `text` within `limit` bytes that does not end
// inside a UTF-8 character.
size_t WholeCharacters(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text.size();
  size_t keep = limit;
  // Not inside a character: back over UTF-8 continuation bytes.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80)
    --keep;
  return keep;
}

// `message` within kMaxStatusMessageBytes (grpc_status.h says why).
std::string Bounded(std::string message) {
  if (message.size() <= kMaxStatusMessageBytes) return message;
  const std::string total = absl::StrCat(message.size());
  const std::string note = absl::StrCat("... (cut; ", total, " bytes)");
  message.resize(
      WholeCharacters(message, kMaxStatusMessageBytes - note.size()));
  return message + note;
}

// `metadata` within kMaxErrorValueBytes a value and kMaxErrorMetadataBytes
// in all (grpc_status.h): the shortest values first take what they need,
// each of the rest at most an equal share of what is left.
std::map<std::string, std::string> BoundedMetadata(
    std::map<std::string, std::string> metadata) {
  constexpr std::string_view kCut = "...";
  size_t budget = kMaxErrorMetadataBytes;
  std::vector<std::string*> values;
  for (auto& [key, value] : metadata) {
    budget -= std::min(budget, key.size());
    values.push_back(&value);
  }
  std::sort(values.begin(), values.end(),
            [](const std::string* a, const std::string* b) {
              return a->size() < b->size();
            });
  for (size_t i = 0; i < values.size(); ++i) {
    std::string& value = *values[i];
    const size_t share =
        std::min(kMaxErrorValueBytes, budget / (values.size() - i));
    if (value.size() > share) {
      const size_t room = share < kCut.size() ? share : share - kCut.size();
      value.resize(WholeCharacters(value, room));
      if (share >= kCut.size()) value += kCut;
    }
    budget -= value.size();
  }
  return metadata;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message = Bounded(std::string(status.message()));
  const bool internal = status.code() == absl::StatusCode::kInternal ||
                        status.code() == absl::StatusCode::kUnknown ||
                        status.code() == absl::StatusCode::kDataLoss;
  if (internal) {
    std::string ref = crypto::RandomId("err");
    log::Error("internal_error",
               {{"ref", ref}, {"detail", status.ToString()}});
    message = absl::StrCat("internal error; the server log has the details "
                           "under ref=", ref);
  }
  cellchain::common::v1::ErrorDetail detail;
  detail.set_reason(ReasonOf(status));
  detail.set_field(FieldOf(status));
  detail.set_message(message);
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(status.code()));
  rich.set_message(message);
  google::protobuf::Any* any = rich.add_details();
  any->set_type_url(std::string(kErrorDetailType));
  any->set_value(detail.SerializeAsString());
  // The refusal's facts, when it has any (an internal error's stay in the
  // server log with the rest of it).
  std::map<std::string, std::string> metadata =
      BoundedMetadata(AllMetadataOf(status));
  if (!internal && !metadata.empty()) {
    google::rpc::ErrorInfo info;
    info.set_reason(detail.reason());
    info.set_domain(kErrorInfoDomain);
    info.mutable_metadata()->insert(metadata.begin(), metadata.end());
    any = rich.add_details();
    any->set_type_url(std::string(kErrorInfoType));
    any->set_value(info.SerializeAsString());
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      rich.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  google::rpc::Status rich;
  if (!status.error_details().empty() &&
      rich.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : rich.details()) {
      google::rpc::ErrorInfo info;
      if (any.type_url() == kErrorInfoType &&
          info.ParseFromString(any.value())) {
        for (const auto& [key, value] : info.metadata()) {
          result = WithMetadata(std::move(result), key, value);
        }
        continue;
      }
      cellchain::common::v1::ErrorDetail detail;
      if (any.type_url() != kErrorDetailType ||
          !detail.ParseFromString(any.value())) {
        continue;
      }
      if (!detail.reason().empty()) {
        result.SetPayload(kReasonPayloadUrl, absl::Cord(detail.reason()));
      }
      if (!detail.field().empty()) {
        result.SetPayload(kFieldPayloadUrl, absl::Cord(detail.field()));
      }
    }
  } else if (std::string reason = LeadingReason(status.error_message());
             !reason.empty()) {
    result.SetPayload(kReasonPayloadUrl, absl::Cord(reason));
  }
  return result;
}

std::string LeadingReason(std::string_view message) {
  size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return "";
  for (char c : message.substr(0, colon)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return "";
    }
  }
  return std::string(message.substr(0, colon));
}

}  // namespace cellchain::grpcx
