#include "services/identity/attempt_rules.h"

#include <iterator>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cellchain::identity {
namespace {

// Drops the failure times at or before `since`.
void Expire(std::deque<absl::Time>& times, absl::Time since) {
  while (!times.empty() && times.front() <= since) times.pop_front();
}

std::string UserKey(std::string_view user_id) {
  return absl::StrCat("u:", std::string(user_id));
}

std::string WorkstationKey(std::string_view workstation) {
  return absl::StrCat("w:", std::string(workstation));
}

}  // namespace

std::optional<Outcome> OutcomeBeforeCheck(bool disabled, bool locked,
                                          int failed_attempts,
                                          int lockout_threshold) {
  if (disabled) return Outcome::kDisabled;
  if (locked || failed_attempts >= lockout_threshold) return Outcome::kLocked;
  return std::nullopt;
}

bool LocksAccount(bool locked, int failed_attempts, int lockout_threshold) {
  return !locked && failed_attempts >= lockout_threshold;
}

Refusal RefusalOf(Outcome outcome, const AttemptAnswers& answers) {
  switch (outcome) {
    case Outcome::kDisabled:
      return {.answer = answers.disabled, .denial = answers.disabled};
    case Outcome::kLocked:
      return {.answer = answers.refused, .denial = answers.locked};
    case Outcome::kNoSuchUser:
      return {.answer = answers.refused, .denial = answers.refused};
    case Outcome::kWrongPassword:  // audited as the user's *_failed record
    case Outcome::kAccepted:
      break;
  }
  return {.answer = answers.refused, .denial = std::nullopt};
}

std::string OwnSignatureRefusal(int failed_attempts, int lockout_threshold) {
  const int left = lockout_threshold - failed_attempts;
  return left > 0 ? absl::StrCat("signature refused: wrong password; ", left,
                                 left == 1 ? " more wrong password locks"
                                           : " more wrong passwords lock",
                                 " your account")
                  : absl::StrCat(
                        "signature refused: wrong password; your account is "
                        "now locked after ",
                        failed_attempts,
                        " consecutive failures; an administrator can unlock "
                        "it");
}

FailureCounts::Limit FailureCounts::Check(std::string_view user_id,
                                          std::string_view workstation,
                                          absl::Time now) {
  const absl::Time since = now - window_;
  absl::MutexLock lock(&mu_);
  for (const auto& [key, limit, which] :
       {std::make_tuple(UserKey(user_id), max_per_user_id_, Limit::kUserId),
        std::make_tuple(WorkstationKey(workstation), max_per_workstation_,
                        Limit::kWorkstation)}) {
    auto it = failures_.find(key);
    if (it == failures_.end()) continue;
    Expire(it->second, since);
    if (static_cast<int>(it->second.size()) >= limit) return which;
  }
  return Limit::kNone;
}

void FailureCounts::Note(std::string_view user_id, std::string_view workstation,
                         absl::Time now) {
  absl::MutexLock lock(&mu_);
  for (std::string key : {UserKey(user_id), WorkstationKey(workstation)}) {
    std::deque<absl::Time>& times = failures_[key];
    times.push_back(now);
    while (times.size() > kMaxTimesPerKey) times.pop_front();
  }
  // Keys of ids that stopped failing go, so that a spray of made-up user
  // ids cannot grow the map without bound.
  if (++notes_since_sweep_ >= kNotesPerSweep) {
    notes_since_sweep_ = 0;
    const absl::Time since = now - window_;
    for (auto it = failures_.begin(); it != failures_.end();) {
      Expire(it->second, since);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
}

size_t FailureCounts::KeysForTesting() {
  absl::MutexLock lock(&mu_);
  return failures_.size();
}

}  // namespace cellchain::identity
