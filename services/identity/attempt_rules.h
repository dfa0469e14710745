// The rules of an authentication attempt (a login, a signature's
// re-authentication, the current password of a password change) that need
// neither the database nor gRPC: how an attempt ended (Outcome), what a
// refused attempt answers and what it records (RefusalOf), and the
// failed-attempt rate limits kept in memory (FailureCounts). identity's
// login.cc applies them; attempt_rules_test.cc checks them by hand.
//
// Thread-safety: RefusalOf is a pure function; FailureCounts is safe to call
// concurrently (it holds its own mutex).
#ifndef CELLCHAIN_SERVICES_IDENTITY_ATTEMPT_RULES_H_
#define CELLCHAIN_SERVICES_IDENTITY_ATTEMPT_RULES_H_

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cellchain::identity {

// How one authentication attempt ended.
enum class Outcome {
  kAccepted,       // the password matched
  kNoSuchUser,     // checked against a dummy hash, not counted
  kDisabled,       // refused before any password check
  kLocked,         // locked or at the threshold: refused, nothing checked
  kWrongPassword,  // counted (and the account locked at the threshold)
};

// What an attempt decides from the user's row, read locked, before any
// password is checked: kDisabled, kLocked (locked, or at the threshold,
// which happens unlocked only when the threshold was lowered since), or
// std::nullopt: check the password.
std::optional<Outcome> OutcomeBeforeCheck(bool disabled, bool locked,
                                          int failed_attempts,
                                          int lockout_threshold);

// Whether a failure that brought the consecutive count to
// `failed_attempts` locks the account (once: not when it is locked
// already).
bool LocksAccount(bool locked, int failed_attempts, int lockout_threshold);

// What a kind of attempt (a login, a signature) answers when refused.
struct AttemptAnswers {
  // The one answer for an unknown user, a wrong password and a locked
  // account, so that it tells neither that an account exists nor that a
  // guess was right.
  absl::Status refused;
  // A disabled account: answered and recorded as it is (refused before any
  // password is checked, it tells nothing of the password).
  absl::Status disabled;
  // What a locked account's access denial records: the true reason, for the
  // administrators, never the answer.
  absl::Status locked;
};

// A refused attempt: what the caller is answered, and the access denial to
// record (none for a wrong password, which is audited as the user's
// *_failed record and counted toward lockout instead).
struct Refusal {
  absl::Status answer;
  std::optional<absl::Status> denial;
};

// The refusal of an attempt that ended with `outcome` (anything but
// kAccepted; kAccepted gets answers.refused and no denial, as a refusal
// that should never be reached).
Refusal RefusalOf(Outcome outcome, const AttemptAnswers& answers);

// What a wrong password in the caller's own signature answers, the failure
// that brought the count of consecutive failures to `failed_attempts`: how
// many more failures lock the account, or that it is now locked and who
// can unlock it. Only for the caller's own signature: the caller knows the
// account exists, so this tells nothing a stranger could use.
std::string OwnSignatureRefusal(int failed_attempts, int lockout_threshold);

// Refused authentications (wrong password, unknown user, locked account)
// per claimed user id and per workstation within a sliding window, in
// memory: beyond the limit, attempts are refused before anything is read
// or hashed. A restart forgets them and N processes allow N times as many;
// the lockout, in the database, stays the hard limit.
class FailureCounts {
 public:
  // Which limit refuses an attempt.
  enum class Limit { kNone, kUserId, kWorkstation };

  FailureCounts(int max_per_user_id, int max_per_workstation,
                absl::Duration window)
      : max_per_user_id_(max_per_user_id),
        max_per_workstation_(max_per_workstation),
        window_(window) {}
  FailureCounts(const FailureCounts&) = delete;
  FailureCounts& operator=(const FailureCounts&) = delete;

  // Whether `user_id` or `workstation` (the user id's limit first) has had
  // its limit of failures in the window before `now`.
  Limit Check(std::string_view user_id, std::string_view workstation,
              absl::Time now);
  // Counts one failure of `user_id` at `workstation` at `now`.
  void Note(std::string_view user_id, std::string_view workstation,
            absl::Time now);

  // Keys held (for tests: made-up ids that stopped failing are dropped).
  size_t KeysForTesting();

 private:
  // Times kept per key: only whether the limit is reached matters.
  static constexpr size_t kMaxTimesPerKey = 1000;
  // Notes between sweeps of the keys whose times have all expired.
  static constexpr int kNotesPerSweep = 1000;

  const int max_per_user_id_;
  const int max_per_workstation_;
  const absl::Duration window_;
  absl::Mutex mu_;
  // "u:<user id>" and "w:<workstation>" -> times of recent failures, oldest
  // first; a key whose times have all expired is dropped when next swept.
  std::map<std::string, std::deque<absl::Time>> failures_ ABSL_GUARDED_BY(mu_);
  int notes_since_sweep_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_ATTEMPT_RULES_H_
