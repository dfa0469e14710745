// TrainingClock: the ledger::Clock of a training or demo stack (cellchaind
// --training-clock, docs/decisions/0017-training-clock.md): real time plus
// an offset that only ever moves forward, so that a demo can play an
// infusion, the days of an observation or a dose's expiry without waiting.
// The offset is persisted in cellchain_system.training_clock (the system
// service's AdvanceClock raises it); Load reads it at start, so a restart
// never moves time backwards. cellchaind hands ONE TrainingClock to every
// service and ledger of the process, so that records' times agree.
// Thread-safety: Now(), offset() and MoveForwardTo() are safe to call
// concurrently (the offset is one atomic).
#ifndef CELLCHAIN_SERVICES_SYSTEM_TRAINING_CLOCK_H_
#define CELLCHAIN_SERVICES_SYSTEM_TRAINING_CLOCK_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/pg/connection.h"
#include "services/ledger/ledger.h"

namespace cellchain::system {

class TrainingClock final : public ledger::Clock {
 public:
  // A clock `offset` (>= 0; a negative one counts as 0) ahead of real time.
  explicit TrainingClock(absl::Duration offset);

  // The clock at the offset persisted in the database `connection` reaches
  // (as role cellchain_system, or the owner).
  // NOT_FOUND: the row is missing (migrations not applied); database errors
  // as from pg (UNAVAILABLE, INTERNAL for a role without SELECT).
  static absl::StatusOr<std::unique_ptr<TrainingClock>> Load(
      pg::Connection& connection);

  // Real time plus the offset.
  absl::Time Now() override;

  absl::Duration offset() const;

  // Raises the offset to `offset` when that is ahead of it; a lower one is
  // ignored, so that time seen by this process never goes back (a replayed
  // advance answers with an older offset).
  void MoveForwardTo(absl::Duration offset);

 private:
  std::atomic<int64_t> offset_us_;
};

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_TRAINING_CLOCK_H_
