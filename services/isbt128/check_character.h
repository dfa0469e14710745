// ISO/IEC 7064 MOD 37-2 ("pure system", one check character) as ISBT 128
// uses it: the keyboard entry check character K printed beside a Donation
// Identification Number (ST-001 v6.2.2 section 7.5, Appendix A) and the Type 3
// flag characters (60 + checksum, ST-001 Table 3 [RT004], Appendix A.2).
//
// Character values: '0'-'9' = 0-9, 'A'-'Z' = 10-35, '*' = 36 (ST-001 Table 35).
// Lower-case letters have no value: ST-001 7.5.1 forbids MOD 37-2 for data
// structures that contain them.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_ISBT128_CHECK_CHARACTER_H_
#define CELLCHAIN_SERVICES_ISBT128_CHECK_CHARACTER_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::isbt128 {

// The checksum (0-36) of `data`.
// INVALID_ARGUMENT (field "check_character.data"): `data` is empty or holds a
// character outside 0-9 A-Z.
absl::StatusOr<int> Mod37_2Checksum(std::string_view data);

// The check character for a checksum: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
// indexed by `checksum`. `checksum` must be in [0, 36] (checked by assert;
// every value Mod37_2Checksum returns is).
char CheckCharacterFor(int checksum);

// The checksum a check character stands for, or -1 for any other character.
int ChecksumOfCheckCharacter(char c);

// CheckCharacterFor(Mod37_2Checksum(data)); same errors.
absl::StatusOr<char> Mod37_2CheckCharacter(std::string_view data);

}  // namespace cellchain::isbt128

#endif  // CELLCHAIN_SERVICES_ISBT128_CHECK_CHARACTER_H_
