// The training clock's row (cellchain_system.training_clock, migration
// 0002): its SQL, and the loader the clock, the advance and the audit
// service's state reader share, so that all three read it alike.
// Thread-safety: pure functions of the connection they are given.
#ifndef CELLCHAIN_SERVICES_SYSTEM_CLOCK_STORE_H_
#define CELLCHAIN_SERVICES_SYSTEM_CLOCK_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/system/v1/system.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/result.h"

namespace cellchain::system {

// The entity the advances are recorded on: one training clock per database.
inline constexpr char kClockEntityType[] = "training_clock";
inline constexpr char kClockEntityId[] = "training_clock";

// "UPDATE ... SET offset_us = $1, advanced_from = $2, advanced_to = $3"
// (microseconds since the epoch for both times).
extern const char kUpdateTrainingClock[];

// The SELECT of the row; `for_update` takes its row lock (inside a
// transaction), so that concurrent advances queue.
std::string SelectTrainingClock(bool for_update);

// The row SelectTrainingClock read, as its audited state.
// NOT_FOUND: no row (migrations not applied); INTERNAL: a malformed row.
absl::StatusOr<v1::TrainingClockState> TrainingClockFrom(
    const pg::Result& result);

// SelectTrainingClock(false) on `connection`, then TrainingClockFrom; and
// database errors as from pg.
absl::StatusOr<v1::TrainingClockState> LoadTrainingClock(
    pg::Connection& connection);

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_CLOCK_STORE_H_
