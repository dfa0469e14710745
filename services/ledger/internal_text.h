// Text forms more than one file of the ledger libraries uses: the
// snake_case names of actions and entity types (ledger.cc,
// state_registry.cc) and the UTC time text of bundles and verification
// reports (bundle.cc, verifier.cc). Internal: not part of any interface.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_LEDGER_INTERNAL_TEXT_H_
#define CELLCHAIN_SERVICES_LEDGER_INTERNAL_TEXT_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace cellchain::ledger::internal {

// [a-z][a-z0-9_]*
inline bool IsSnakeCase(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

// "2026-12-05T07:30:00.000000Z": microseconds, always six digits.
inline std::string TimeText(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

}  // namespace cellchain::ledger::internal

#endif  // CELLCHAIN_SERVICES_LEDGER_INTERNAL_TEXT_H_
