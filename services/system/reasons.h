// Every FAILED_PRECONDITION reason of the system service, named once.
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_SYSTEM_REASONS_H_
#define CELLCHAIN_SERVICES_SYSTEM_REASONS_H_

namespace cellchain::system {

// AdvanceClock on a server that is not on a training clock (cellchaind
// without --training-clock: production never is).
inline constexpr char kReasonTrainingClockOff[] = "TRAINING_CLOCK_OFF";

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_REASONS_H_
