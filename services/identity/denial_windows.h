// DenialWindows: the arithmetic of counting identical access denials
// instead of recording each one (issue 23: 1,000 calls with a garbage token
// wrote 1,000 signed records in 1.4 s). The first denial of a key (every
// field of a DeniedCall) opens a window of a fixed length and is recorded;
// the identical ones within the window are only counted; the count of a
// window that closed is handed back, to be recorded once, at the next
// denial of any key or at Flush(). A window that counted nothing gives
// nothing back. No database, no clock of its own: the caller passes the
// time, and writes what comes back (identity's denials.cc).
//
// Thread-safety: safe to call concurrently (it holds its own mutex).
#ifndef CELLCHAIN_SERVICES_IDENTITY_DENIAL_WINDOWS_H_
#define CELLCHAIN_SERVICES_IDENTITY_DENIAL_WINDOWS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cellchain::identity {

// A refused call as an access_denials row records it.
struct DeniedCall {
  std::string method;             // "/pkg.Service/Method"
  std::string workstation;        // certificate subject
  std::string user_id;            // "" when no session named a user
  std::string attempted_user_id;  // a login's user id, else ""
  std::string code;               // "UNAUTHENTICATED"
  std::string reason;             // the status's reason, "" when none
};

// The identical denials counted after the first in a window.
struct Repeat {
  int64_t count = 0;
  absl::Time window_start;
  absl::Time window_end;
  absl::Time last_at;
  std::string first_denial_id;
};

// A window's first denial and its count.
struct Counted {
  DeniedCall first;
  Repeat repeat;
};

class DenialWindows {
 public:
  explicit DenialWindows(absl::Duration window) : window_(window) {}
  DenialWindows(const DenialWindows&) = delete;
  DenialWindows& operator=(const DenialWindows&) = delete;

  struct Noted {
    // The new window's first denial id (from `new_id`), to be recorded now;
    // "" when the denial was counted in an open window.
    std::string first_denial_id;
    // The windows closed by `now` that counted denials, to be recorded.
    std::vector<Counted> closed;
  };

  // A denial of `call` at `now`: closes the windows that ended at or
  // before `now`, then counts `call` in its key's open window or opens one
  // (window_end = now + window) named by `new_id()`.
  Noted Note(const DeniedCall& call, absl::Time now,
             absl::FunctionRef<std::string()> new_id);

  // Every window that counted denials, ended at `now` if still open; all
  // windows close, so that later identical denials open new ones.
  std::vector<Counted> Flush(absl::Time now);

 private:
  const absl::Duration window_;
  absl::Mutex mu_;
  // Open windows by key (workstation, method, code, reason, user id,
  // attempted user id).
  std::map<std::string, Counted> windows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_DENIAL_WINDOWS_H_
