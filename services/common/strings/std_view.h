// The way back from Debian 12's absl::string_view (a class of its own, see
// absl_view.h) to std::string_view, for status messages and other Abseil
// text handed to std::ostream or std::string_view interfaces. Header-only.
//
// Thread-safety: a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_STRINGS_STD_VIEW_H_
#define CELLCHAIN_SERVICES_COMMON_STRINGS_STD_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace cellchain {

inline std::string_view ToStd(absl::string_view view) {
  return std::string_view(view.data(), view.size());
}

}  // namespace cellchain

#endif  // CELLCHAIN_SERVICES_COMMON_STRINGS_STD_VIEW_H_
