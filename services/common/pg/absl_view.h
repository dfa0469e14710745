// Debian 12's Abseil is built with its own absl::string_view class
// (ABSL_OPTION_USE_STD_STRING_VIEW 0), which does not convert from
// std::string_view. cellchain's interfaces use std::string_view; this is the
// explicit crossing into Abseil's (StrCat, SimpleAtoi, Cord, status messages).
//
// Thread-safety: a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_ABSL_VIEW_H_
#define CELLCHAIN_SERVICES_COMMON_PG_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace cellchain::pg {

inline absl::string_view ToAbsl(std::string_view view) {
  return absl::string_view(view.data(), view.size());
}

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_ABSL_VIEW_H_
