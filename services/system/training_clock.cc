#include "services/system/training_clock.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "services/common/log/log.h"
#include "services/common/status/status.h"
#include "services/system/clock_store.h"

namespace cellchain::system {

TrainingClock::TrainingClock(absl::Duration offset)
    : offset_us_(std::max<int64_t>(0, absl::ToInt64Microseconds(offset))) {}

namespace {

absl::StatusOr<absl::Duration> PersistedOffset(pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(v1::TrainingClockState state,
                      LoadTrainingClock(connection));
  return absl::Microseconds(
      google::protobuf::util::TimeUtil::DurationToMicroseconds(state.offset()));
}

}  // namespace

TrainingClock::~TrainingClock() {
  if (!follower_.joinable()) return;
  stop_.Notify();
  follower_.join();
}

absl::StatusOr<std::unique_ptr<TrainingClock>> TrainingClock::Load(
    pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(absl::Duration offset, PersistedOffset(connection));
  return std::make_unique<TrainingClock>(offset);
}

absl::Status TrainingClock::Refresh(pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(absl::Duration offset, PersistedOffset(connection));
  MoveForwardTo(offset);
  return absl::OkStatus();
}

void TrainingClock::Follow(std::string conninfo, absl::Duration period) {
  follower_ = std::thread([this, conninfo = std::move(conninfo), period] {
    std::optional<pg::Connection> connection;
    bool failing = false;
    while (!stop_.WaitForNotificationWithTimeout(period)) {
      absl::Status read;
      if (!connection.has_value()) {
        absl::StatusOr<pg::Connection> opened = pg::Connection::Open(conninfo);
        if (opened.ok()) {
          connection.emplace(*std::move(opened));
        } else {
          read = opened.status();
        }
      }
      if (connection.has_value()) read = Refresh(*connection);
      if (read.ok()) {
        failing = false;
        continue;
      }
      // A connection that failed once is not trusted again.
      connection.reset();
      if (!failing) {
        log::Warning("training_clock_refresh_failed",
                     {{"detail", read.ToString()}});
      }
      failing = true;
    }
  });
}

absl::Time TrainingClock::Now() {
  return absl::Now() +
         absl::Microseconds(offset_us_.load(std::memory_order_acquire));
}

absl::Duration TrainingClock::offset() const {
  return absl::Microseconds(offset_us_.load(std::memory_order_acquire));
}

void TrainingClock::MoveForwardTo(absl::Duration offset) {
  const int64_t wanted = absl::ToInt64Microseconds(offset);
  int64_t current = offset_us_.load(std::memory_order_acquire);
  while (wanted > current && !offset_us_.compare_exchange_weak(
                                 current, wanted, std::memory_order_acq_rel)) {
  }
}

}  // namespace cellchain::system
