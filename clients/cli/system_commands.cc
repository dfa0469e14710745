// cellchain system health|version|ping|clock|clock-advance
#include "clients/cli/system_commands.h"

#include <cstdio>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cellchain/system/v1/system.grpc.pb.h"
#include "clients/cli/cli.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/fields/fields.h"

namespace cellchain::cli {
namespace {

int Health(std::shared_ptr<grpc::Channel> channel,
           const SystemOptions& options) {
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status =
      Call(channel, options, &grpc::health::v1::Health::Stub::Check,
           grpc::health::v1::HealthCheckRequest(), &response);
  if (!status.ok()) return Report("system health", status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                   response.status())
            << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : 1;
}

int Version(std::shared_ptr<grpc::Channel> channel,
            const SystemOptions& options) {
  system::v1::GetVersionResponse response;
  grpc::Status status =
      Call(channel, options, &system::v1::SystemService::Stub::GetVersion,
           system::v1::GetVersionRequest(), &response);
  if (!status.ok()) return Report("system version", status);
  std::cout << "cellchaind " << response.version() << ", hosting:";
  for (const std::string& service : response.services()) {
    std::cout << " " << service;
  }
  std::cout << "\n";
  return 0;
}

int Ping(std::shared_ptr<grpc::Channel> channel, const SystemOptions& options) {
  system::v1::PingResponse response;
  grpc::Status status =
      Call(channel, options, &system::v1::SystemService::Stub::Ping,
           system::v1::PingRequest(), &response);
  if (!status.ok()) return Report("system ping", status);
  absl::Time db_time = fields::ToTime(response.database_time());
  std::cout << "PostgreSQL " << response.database_version() << " answered in "
            << response.database_round_trip_us() << " us; database time "
            << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", db_time,
                                absl::UTCTimeZone())
            << "\nserver saw this client as: " << response.peer_subject()
            << "\n";
  return 0;
}

// "+4d 00:11:00": how far a training clock is ahead of real time.
std::string Offset(const google::protobuf::Duration& d) {
  int64_t seconds = d.seconds();
  char text[64];
  std::snprintf(text, sizeof(text), "+%lldd %02lld:%02lld:%02lld",
                static_cast<long long>(seconds / 86400),
                static_cast<long long>(seconds % 86400 / 3600),
                static_cast<long long>(seconds % 3600 / 60),
                static_cast<long long>(seconds % 60));
  return text;
}

// "1d", "11m", "6h5m", "90s": digits and a unit (d, h, m, s), repeated.
// False when `text` is not that.
bool ParseBy(const std::string& text, int64_t* seconds) {
  int64_t total = 0;
  size_t i = 0;
  if (text.empty()) return false;
  while (i < text.size()) {
    size_t digits = i;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      ++digits;
    }
    if (digits == i || digits == text.size() || digits - i > 9) return false;
    int64_t count = 0;
    if (!absl::SimpleAtoi(text.substr(i, digits - i), &count)) return false;
    switch (text[digits]) {
      case 'd':
        total += count * 86400;
        break;
      case 'h':
        total += count * 3600;
        break;
      case 'm':
        total += count * 60;
        break;
      case 's':
        total += count;
        break;
      default:
        return false;
    }
    i = digits + 1;
  }
  *seconds = total;
  return true;
}

int Clock(std::shared_ptr<grpc::Channel> channel, const SystemOptions& o) {
  system::v1::GetClockResponse response;
  grpc::Status status =
      Call(channel, o, &system::v1::SystemService::Stub::GetClock,
           system::v1::GetClockRequest(), &response);
  if (!status.ok()) return Report("system clock", status);
  const system::v1::TrainingClock& clock = response.clock();
  if (clock.training()) {
    std::cout << "training clock: " << Offset(clock.offset())
              << " (server time " << DisplayTime(clock.now()) << ")\n";
  } else {
    std::cout << "real time (server time " << DisplayTime(clock.now()) << ")\n";
  }
  return 0;
}

int ClockAdvance(std::shared_ptr<grpc::Channel> channel,
                 const SystemOptions& o) {
  const std::string command = "system clock-advance";
  int64_t seconds = 0;
  if (!ParseBy(o.by, &seconds)) {
    return Fail(command,
                absl::StrCat("--by: \"", o.by,
                             "\" is not a duration (like 1d, 11m, 6h5m)"),
                2);
  }
  system::v1::AdvanceClockRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.mutable_by()->set_seconds(seconds);
  system::v1::AdvanceClockResponse response;
  grpc::Status status =
      Call(channel, o, &system::v1::SystemService::Stub::AdvanceClock, request,
           &response);
  if (!status.ok()) return Report(command, status);
  std::cout << "clock advanced by " << o.by << ": "
            << DisplayTime(response.from()) << " -> "
            << DisplayTime(response.to())
            << "\ntraining clock: " << Offset(response.offset()) << " (record "
            << response.record_id() << ")\n";
  return 0;
}

void DeclareSystemFlags(config::Loader& loader, SystemOptions& o) {
  loader.String("by", &o.by,
                "clock-advance: how far to move the training clock forward\n"
                "(1d, 11m, 6h5m; above 0, at most 30d).");
  loader.String("reason", &o.reason, "clock-advance: why (audited; required).");
}

}  // namespace

const Group& SystemGroup() {
  static const auto* const group = new GroupOf<SystemOptions>({
      .name = "system",
      .alias = "",
      .about = "The server's health, version, database round trip and clock",
      .declare = DeclareSystemFlags,
      .commands =
          {
              {{"system health", "",
                "cellchain system health\n"
                "SERVING when the server is up. No session needed.\n"},
               Health},
              {{"system version", "",
                "cellchain system version\n"
                "The server's version and hosted services. No session "
                "needed.\n"},
               Version},
              {{"system ping", "",
                "cellchain system ping\n"
                "A round trip through the server to PostgreSQL, and the "
                "workstation\n"
                "subject the server saw. No session needed.\n"},
               Ping},
              {{"system clock", "",
                "cellchain system clock\n"
                "The server's time; on a training stack (cellchaind "
                "--training-clock)\n"
                "how far its clock is ahead of real time: \"training clock: "
                "+4d 00:11:00\n"
                "(server time ...)\". No session needed.\n"},
               Clock},
              {{"system clock-advance", "by! reason!",
                "cellchain system clock-advance --by=1d --reason=TEXT\n"
                "Moves a training stack's clock forward (administrators "
                "only; each\n"
                "advance is a signed audit record with who, from, to and "
                "why). A\n"
                "server on real time refuses: TRAINING_CLOCK_OFF.\n"},
               ClockAdvance},
          },
      .field_aliases = {},
      .named_flags = nullptr,
  });
  return *group;
}

}  // namespace cellchain::cli
