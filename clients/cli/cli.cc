#include "clients/cli/cli.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "services/common/crypto/random.h"
#include "services/common/crypto/sha256.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {

int Report(const std::string& command, const grpc::Status& wire) {
  return Report(command, grpcx::FromGrpcStatus(wire));
}

int Report(const std::string& command, const absl::Status& status) {
  std::string reason = ReasonOf(status);
  std::string field = FieldOf(status);
  std::string message(status.message());
  // The access gate's refusals start with their reason, which is printed
  // once, at the end, like every other reason.
  if (!reason.empty() && message.starts_with(reason + ": ")) {
    message.erase(0, reason.size() + 2);
  }
  // A refused field is named by the flag the person typed for it ("--lot-id:
  // required", not "donor_lot_id: required"); the field stays at the end
  // for scripts.
  if (std::string flag = FlagForField(command, field); !flag.empty()) {
    if (message.starts_with(field + ": ")) message.erase(0, field.size() + 2);
    message = "--" + flag + ": " + message;
  }
  std::cerr << "cellchain: " << command << ": "
            << absl::StatusCodeToString(status.code()) << ": " << message;
  if (!reason.empty()) std::cerr << " (reason: " << reason << ")";
  if (!field.empty()) std::cerr << " (field: " << field << ")";
  std::cerr << "\n";
  return 1;
}

std::string DisplayTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  absl::Time time =
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

bool ParseTime(const std::string& text, google::protobuf::Timestamp* out) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return false;
  int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return true;
}

int Fail(const std::string& command, const std::string& message, int code) {
  std::cerr << "cellchain: " << command << ": " << message << "\n";
  return code;
}

std::unique_ptr<grpc::ClientContext> NewCallContext(
    const CallOptions& options, std::chrono::milliseconds deadline,
    const std::string& request_id) {
  std::unique_ptr<grpc::ClientContext> context =
      grpcx::NewContext(deadline, request_id);
  if (!options.session_token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options.session_token);
  }
  return context;
}

std::string NewRequestId() { return crypto::RandomId("cli"); }

std::string RequestIdOf(std::string_view what,
                        const google::protobuf::Message& request) {
  std::string bytes;
  request.SerializeToString(&bytes);
  std::string text(what);
  text += '\n';
  text += bytes;
  return "cli_" + crypto::Sha256Hex(text).substr(0, 40);
}

}  // namespace cellchain::cli
