// Debian 12's Abseil is built with its own absl::string_view class
// (ABSL_OPTION_USE_STD_STRING_VIEW 0), which does not convert from
// std::string_view. cellchain's interfaces use std::string_view; ToAbsl is
// the one explicit crossing into Abseil's (StrCat, StrSplit, SimpleAtoi,
// Cord, status messages and payloads). Header-only: every library may
// include it without linking anything.
//
// Thread-safety: a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_STRINGS_ABSL_VIEW_H_
#define CELLCHAIN_SERVICES_COMMON_STRINGS_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace cellchain {

inline absl::string_view ToAbsl(std::string_view view) {
  return absl::string_view(view.data(), view.size());
}

}  // namespace cellchain

#endif  // CELLCHAIN_SERVICES_COMMON_STRINGS_ABSL_VIEW_H_
