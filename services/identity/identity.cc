// Construction, the bounded scrypt work every attempt and password change
// goes through, and the helpers the other files share (identity_internal.h).
// The RPCs are defined, one idea per file, in login.cc, sessions.cc,
// users.cc and denials.cc; the SQL and the state readers in store.cc.
#include "services/identity/identity.h"

#include <algorithm>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/identity/identity_internal.h"
#include "services/identity/store.h"

namespace cellchain::identity {
namespace {

constexpr char kAnonymous[] = "(anonymous)";
constexpr char kNotAuthenticated[] = "(not authenticated)";

}  // namespace

common::v1::Actor Unauthenticated(std::string_view claimed_user_id,
                                  std::string_view workstation) {
  common::v1::Actor actor;
  actor.set_user_id(claimed_user_id.empty() ? kAnonymous
                                            : std::string(claimed_user_id));
  actor.set_printed_name(kNotAuthenticated);
  actor.set_workstation(std::string(workstation));
  return actor;
}

ledger::Recorder RecorderWithOwnId(pg::Transaction& tx,
                                   const ledger::Ledger& ledger,
                                   common::v1::Actor actor) {
  return ledger::Recorder(tx, ledger, std::move(actor),
                          crypto::RandomId("req"));
}

absl::StatusOr<v1::User> AppendUser(ledger::Recorder& audit, std::string action,
                                    std::string_view user_id,
                                    std::string reason) {
  CC_ASSIGN_OR_RETURN(v1::User user, LoadUser(audit.tx(), user_id));
  CC_RETURN_IF_ERROR(audit
                         .Append(std::move(action), "user",
                                 std::string(user_id), user, std::move(reason))
                         .status());
  return user;
}

// A fixed number of scrypt computations at once in a process: a flood of
// logins waits a bounded time for a slot, then is refused, instead of
// holding every gRPC handler thread.
class Identity::HashSlots {
 public:
  explicit HashSlots(int count) : count_(count) {}

  // `hash()` run in a slot: UNAVAILABLE AUTHENTICATION_BUSY when none frees
  // within `timeout`.
  template <typename T>
  absl::StatusOr<T> Run(absl::Duration timeout,
                        absl::FunctionRef<absl::StatusOr<T>()> hash) {
    {
      absl::MutexLock lock(&mu_);
      if (!mu_.AwaitWithTimeout(absl::Condition(&HasFree, this), timeout)) {
        return WithReason(
            absl::UnavailableError("too many passwords are being checked at "
                                   "once; try again in a moment"),
            kReasonAuthenticationBusy);
      }
      ++busy_;
    }
    absl::StatusOr<T> result = hash();
    absl::MutexLock lock(&mu_);
    --busy_;
    return result;
  }

 private:
  static bool HasFree(HashSlots* slots)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slots->mu_) {
    return slots->busy_ < slots->count_;
  }

  const int count_;
  absl::Mutex mu_;
  int busy_ ABSL_GUARDED_BY(mu_) = 0;
};

Identity::Identity(pg::Pool* pool, const ledger::Ledger* ledger,
                   IdentityOptions options)
    : pool_(pool),
      ledger_(ledger),
      options_(std::move(options)),
      hash_slots_(std::make_unique<HashSlots>(
          options_.max_concurrent_hashes > 0
              ? options_.max_concurrent_hashes
              : std::max(
                    1, static_cast<int>(std::thread::hardware_concurrency())))),
      failures_(options_.max_failures_per_user_id,
                options_.max_failures_per_workstation, options_.failure_window),
      denials_(options_.denial_window) {
  absl::StatusOr<std::string> dummy =
      crypto::HashPassword("cellchain-dummy-credential", options_.scrypt);
  if (dummy.ok()) dummy_hash_ = *std::move(dummy);
}

Identity::~Identity() { FlushRepeatedDenials(); }

absl::StatusOr<bool> Identity::VerifyPassword(std::string_view password,
                                              std::string_view encoded) {
  return hash_slots_->Run<bool>(options_.hash_queue_timeout, [&] {
    return crypto::VerifyPassword(password, encoded);
  });
}

absl::StatusOr<std::string> Identity::HashPassword(std::string_view password) {
  return hash_slots_->Run<std::string>(options_.hash_queue_timeout, [&] {
    return crypto::HashPassword(password, options_.scrypt);
  });
}

}  // namespace cellchain::identity
