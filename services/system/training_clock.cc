#include "services/system/training_clock.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "services/common/status/status.h"
#include "services/system/clock_store.h"

namespace cellchain::system {

TrainingClock::TrainingClock(absl::Duration offset)
    : offset_us_(std::max<int64_t>(0, absl::ToInt64Microseconds(offset))) {}

absl::StatusOr<std::unique_ptr<TrainingClock>> TrainingClock::Load(
    pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(v1::TrainingClockState state,
                      LoadTrainingClock(connection));
  return std::make_unique<TrainingClock>(absl::Microseconds(
      google::protobuf::util::TimeUtil::DurationToMicroseconds(
          state.offset())));
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
