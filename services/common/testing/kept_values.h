// FindKept: how a test's stand-in for another service's port — values kept
// in a map by id, such as clinical's and labels' dose ports or dose's and
// clinical's qc lots — answers a lookup: the value kept under `key`, or
// NOT_FOUND naming `what`, `key` and the owning service's `reason`, as that
// service answers (status.h NotFound). One way for every fake, so that a
// fake's refusal reads like the real service's.
//
// Test-only, header-only. Thread-safety: as the map's const use.
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_KEPT_VALUES_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_KEPT_VALUES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/common/status/status.h"

namespace cellchain::testing {

template <typename Map>
absl::StatusOr<typename Map::mapped_type> FindKept(const Map& kept,
                                                   const std::string& key,
                                                   std::string_view what,
                                                   std::string_view reason) {
  auto it = kept.find(key);
  if (it == kept.end()) return NotFound(what, key, reason);
  return it->second;
}

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_KEPT_VALUES_H_
