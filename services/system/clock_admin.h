// ClockAdmin: what the system service does with the server's clock — shows
// it (GetClock) and, on a training stack, moves a TrainingClock forward
// (AdvanceClock) as an audited, idempotent administrator action
// (docs/decisions/0017-training-clock.md).
// Thread-safety: safe for concurrent calls (the pool, the ledger and the
// clock are).
#ifndef CELLCHAIN_SERVICES_SYSTEM_CLOCK_ADMIN_H_
#define CELLCHAIN_SERVICES_SYSTEM_CLOCK_ADMIN_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/system/v1/system.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/pg/pool.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"
#include "services/system/training_clock.h"

namespace cellchain::system {

inline constexpr char kServiceName[] = "cellchain.system.v1.SystemService";
// The largest single advance: a slip of the finger ("30d" for "30m") is
// refused rather than taking the stack a year ahead.
inline constexpr absl::Duration kMaxAdvance = absl::Hours(24 * 30);

class ClockAdmin {
 public:
  // A server on real time: GetClock says so, AdvanceClock refuses.
  ClockAdmin() = default;
  // A training stack: `pool` (role cellchain_system), `ledger` (signing as
  // "system") and `clock` are not owned and must outlive the admin.
  ClockAdmin(pg::Pool* pool, const ledger::Ledger* ledger,
             TrainingClock* clock);

  // The audit service's reader of the "training_clock" entity (the row of
  // cellchain_system.training_clock). ALREADY_EXISTS when registered twice.
  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  v1::GetClockResponse GetClock() const;

  // Moves the training clock forward by request.by(), once per request id:
  // the row's offset grows by `by` and a signed record
  // "training_clock.advance" (the caller, context.reason, the time before
  // and after) is appended in the same transaction; then this process's
  // clock moves.
  // FAILED_PRECONDITION reason TRAINING_CLOCK_OFF: not a training stack.
  // INVALID_ARGUMENT field "by": missing, not above 0, above kMaxAdvance or
  //   not a valid duration; field "context.reason": blank or over 500
  //   characters; field "request_id" as ledger::RecordOnce.
  // Refusals write nothing. Otherwise the errors of RecordOnce (UNAVAILABLE,
  // ABORTED, ...).
  absl::StatusOr<v1::AdvanceClockResponse> AdvanceClock(
      const auth::Principal& caller, const v1::AdvanceClockRequest& request);

 private:
  pg::Pool* pool_ = nullptr;
  const ledger::Ledger* ledger_ = nullptr;
  TrainingClock* clock_ = nullptr;
};

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_CLOCK_ADMIN_H_
