#include "services/identity/denial_windows.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_join.h"

namespace cellchain::identity {
namespace {

// The aggregation key: every field of the record but its time.
std::string KeyOf(const DeniedCall& call) {
  return absl::StrJoin({call.workstation, call.method, call.code, call.reason,
                        call.user_id, call.attempted_user_id},
                       "\x1f");
}

}  // namespace

DenialWindows::Noted DenialWindows::Note(
    const DeniedCall& call, absl::Time now,
    absl::FunctionRef<std::string()> new_id) {
  Noted noted;
  const std::string key = KeyOf(call);
  absl::MutexLock lock(&mu_);
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (it->second.repeat.window_end > now) {
      ++it;
      continue;
    }
    if (it->second.repeat.count > 0) noted.closed.push_back(it->second);
    it = windows_.erase(it);
  }
  auto open = windows_.find(key);
  if (open != windows_.end()) {
    ++open->second.repeat.count;
    open->second.repeat.last_at = now;
    return noted;
  }
  noted.first_denial_id = new_id();
  Counted& window = windows_[key];
  window.first = call;
  window.repeat.window_start = now;
  window.repeat.window_end = now + window_;
  window.repeat.first_denial_id = noted.first_denial_id;
  return noted;
}

std::vector<Counted> DenialWindows::Flush(absl::Time now) {
  std::vector<Counted> counted;
  absl::MutexLock lock(&mu_);
  for (auto& [key, window] : windows_) {
    if (window.repeat.count == 0) continue;
    window.repeat.window_end = std::min(window.repeat.window_end, now);
    counted.push_back(window);
  }
  windows_.clear();
  return counted;
}

}  // namespace cellchain::identity
