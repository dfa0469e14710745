// The digit helpers the ISBT 128 parsers share (din.cc, data_structures.cc,
// scan.cc): internal to the library, not part of its interface.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_ISBT128_DIGITS_H_
#define CELLCHAIN_SERVICES_ISBT128_DIGITS_H_

#include <string_view>

namespace cellchain::isbt128::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The non-negative integer written with exactly the digits of `s`, or -1
// (empty, or any other character).
inline int Digits(std::string_view s) {
  if (s.empty()) return -1;
  int value = 0;
  for (char c : s) {
    if (!IsDigit(c)) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace cellchain::isbt128::internal

#endif  // CELLCHAIN_SERVICES_ISBT128_DIGITS_H_
