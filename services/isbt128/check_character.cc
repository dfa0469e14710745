#include "services/isbt128/check_character.h"

#include <cassert>
#include <string_view>

#include "services/common/status/status.h"

namespace cellchain::isbt128 {
namespace {

constexpr std::string_view kCheckCharacters =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

// Value of a data character; '*' is a check character only.
int DataValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<int> Mod37_2Checksum(std::string_view data) {
  if (data.empty()) {
    return InvalidField("check_character.data", "no characters to check");
  }
  // ISO/IEC 7064 pure system, recursive method: fold left to right,
  // doubling modulo 37, then pick the value that makes the whole congruent
  // to 1 (mod 37).
  int sum = 0;
  for (char c : data) {
    int value = DataValue(c);
    if (value < 0) {
      return InvalidField("check_character.data",
                          "MOD 37-2 covers only 0-9 and A-Z");
    }
    sum = ((sum + value) * 2) % 37;
  }
  return (38 - sum) % 37;
}

char CheckCharacterFor(int checksum) {
  assert(checksum >= 0 && checksum <= 36);
  return kCheckCharacters[static_cast<size_t>(checksum)];
}

int ChecksumOfCheckCharacter(char c) {
  size_t pos = kCheckCharacters.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

absl::StatusOr<char> Mod37_2CheckCharacter(std::string_view data) {
  CC_ASSIGN_OR_RETURN(int checksum, Mod37_2Checksum(data));
  return CheckCharacterFor(checksum);
}

}  // namespace cellchain::isbt128
