// TrainingClock: the ledger::Clock of a training or demo stack (cellchaind
// --training-clock, docs/decisions/0017-training-clock.md): real time plus
// an offset that only ever moves forward, so that a demo can play an
// infusion, the days of an observation or a dose's expiry without waiting.
// The offset is persisted in cellchain_system.training_clock (the system
// service's AdvanceClock raises it); Load reads it at start, so a restart
// never moves time backwards. cellchaind hands ONE TrainingClock to every
// service and ledger of the process, so that records' times agree, and has
// it Follow the persisted offset, so that several processes on one
// database (replicas) agree within a second after any of them advances.
// Thread-safety: Now(), offset(), MoveForwardTo() and Refresh() are safe to
// call concurrently (the offset is one atomic); Follow() is called once, by
// the clock's owner.
#ifndef CELLCHAIN_SERVICES_SYSTEM_TRAINING_CLOCK_H_
#define CELLCHAIN_SERVICES_SYSTEM_TRAINING_CLOCK_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/common/pg/connection.h"
#include "services/ledger/ledger.h"

namespace cellchain::system {

class TrainingClock final : public ledger::Clock {
 public:
  // A clock `offset` (>= 0; a negative one counts as 0) ahead of real time.
  explicit TrainingClock(absl::Duration offset);
  // Stops following (Follow), waiting for a read under way.
  ~TrainingClock() override;

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

  // Reads the offset persisted in the database `connection` reaches and
  // moves forward to it: an advance another process made is seen here.
  // Errors as Load's; the offset is then unchanged.
  absl::Status Refresh(pg::Connection& connection);

  // Refreshes from the database `conninfo` reaches every `period`, on a
  // thread of its own, until the clock is destroyed. A read that fails is
  // logged (training_clock_refresh_failed, once until one succeeds) and
  // tried again the next period on a new connection, the offset kept.
  void Follow(std::string conninfo, absl::Duration period);

 private:
  std::atomic<int64_t> offset_us_;
  absl::Notification stop_;
  std::thread follower_;
};

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_TRAINING_CLOCK_H_
