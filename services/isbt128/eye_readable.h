// The eye-readable text of an ISBT 128 data structure: what a label prints
// under or beside its bar code so that a person can read it and type it
// when the scanner fails (ST-001 v6.2.2 chapter 7).
//
//   001  "A9999 21 123456" and the keyboard entry check character K, which
//        the label prints in a box beside the text (7.5.1.1); flags are
//        never part of the text (7.4.1)
//   003  the 8 characters of data content, "S12954A0"
//   004  "29 JAN 2018"
//   005  "29 JAN 2018 23:59" (expiration), 007 the same (collection)
//   040  "CH A9999 21 ABC123" and its K (Table 30 requires K when printed;
//        see data_structures.h on how K is computed)
// The date form (day, three-letter English month in capitals, four-digit
// year) is the one ST-001 Figure 21 prints; the grouping of the 040 text
// follows the DIN's, as ST-028 was not available.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_ISBT128_EYE_READABLE_H_
#define CELLCHAIN_SERVICES_ISBT128_EYE_READABLE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::isbt128 {

struct EyeReadable {
  std::string text;
  // K for 001 and 040; '\0' for the structures that print none.
  char check_character = '\0';

  friend bool operator==(const EyeReadable&, const EyeReadable&) = default;
};

// The eye-readable form of one data structure, data identifier included
// ("=A99992112345600").
// INVALID_ARGUMENT: whatever ParseScan refuses (field "scan", "din", ...);
// field "scan" when the text holds more than one data structure, a compound
// message, or 002 (blood groups are printed as text of their own, Table 4,
// which cellular therapy labels here do not carry).
absl::StatusOr<EyeReadable> EyeReadableOf(std::string_view data_structure);

}  // namespace cellchain::isbt128

#endif  // CELLCHAIN_SERVICES_ISBT128_EYE_READABLE_H_
