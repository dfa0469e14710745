#include "services/isbt128/din.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/isbt128/check_character.h"
#include "services/isbt128/digits.h"

namespace cellchain::isbt128 {
namespace {

using internal::Digits;
using internal::IsDigit;

// A-N, P-Z: upper-case letters without O.
bool IsLetterNoO(char c) { return c >= 'A' && c <= 'Z' && c != 'O'; }

bool IsFlagCharacter(char c) {
  // {0-9}, {A-H; J-N; P; R-Y} (ST-001 2.4.1).
  if (IsDigit(c)) return true;
  if (c >= 'A' && c <= 'H') return true;
  if (c >= 'J' && c <= 'N') return true;
  if (c == 'P') return true;
  return c >= 'R' && c <= 'Y';
}

std::string TwoDigits(int value) {
  char buf[12];
  std::snprintf(buf, sizeof buf, "%02d", value);
  return buf;
}

}  // namespace

bool IsValidFin(std::string_view fin) {
  if (fin.size() != 5) return false;
  char first = fin[0];
  if (!(IsLetterNoO(first) || (first >= '1' && first <= '9'))) return false;
  for (size_t i = 1; i <= 2; ++i) {
    if (!(IsLetterNoO(fin[i]) || IsDigit(fin[i]))) return false;
  }
  return IsDigit(fin[3]) && IsDigit(fin[4]);
}

absl::StatusOr<Din> Din::Create(std::string_view fin, int year, int sequence) {
  if (!IsValidFin(fin)) {
    return InvalidField(
        "din.fin",
        absl::StrCat("facility identification number \"", std::string(fin),
                     "\" is not 5 characters: one of A-N P-Z 1-9, two of "
                     "A-N P-Z 0-9, two digits"));
  }
  if (year < 0 || year > 99) {
    return InvalidField("din.year", "year must be two digits (0-99)");
  }
  if (sequence < 0 || sequence > 999999) {
    return InvalidField("din.sequence",
                        "sequence number must be six digits (0-999999)");
  }
  return Din(std::string(fin), year, sequence);
}

absl::StatusOr<Din> Din::Parse(std::string_view thirteen) {
  if (thirteen.size() != 13) {
    return InvalidField(
        "din", absl::StrCat("a DIN has 13 characters, got ", thirteen.size()));
  }
  int year = Digits(thirteen.substr(5, 2));
  if (year < 0) return InvalidField("din.year", "year must be two digits");
  int sequence = Digits(thirteen.substr(7, 6));
  if (sequence < 0) {
    return InvalidField("din.sequence", "sequence number must be six digits");
  }
  return Create(thirteen.substr(0, 5), year, sequence);
}

absl::StatusOr<Din> Din::FromKeyboardEntry(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c == ' ' || c == '[' || c == ']') continue;
    compact.push_back(c);
  }
  if (compact.size() != 14) {
    return InvalidField("din",
                        "expected the 13 DIN characters and the check "
                        "character");
  }
  CC_ASSIGN_OR_RETURN(Din din, Parse(std::string_view(compact).substr(0, 13)));
  if (compact[13] != din.CheckCharacter()) {
    return InvalidField("din.check_character",
                        "check character does not match the DIN; re-enter "
                        "it or scan the bar code");
  }
  return din;
}

std::string Din::ToString() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%02d%06d", fin_.c_str(), year_, sequence_);
  return buf;
}

int Din::Checksum() const {
  // A Din is valid by construction, so its characters are all in 0-9 A-Z.
  return *Mod37_2Checksum(ToString());
}

char Din::CheckCharacter() const { return CheckCharacterFor(Checksum()); }

std::string Din::EyeReadable() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02d %06d [%c]", fin_.c_str(), year_,
                sequence_, CheckCharacter());
  return buf;
}

absl::StatusOr<FlagType> ClassifyFlags(std::string_view flags) {
  if (flags.size() != 2 || !IsFlagCharacter(flags[0]) ||
      !IsFlagCharacter(flags[1])) {
    return InvalidField("din.flags",
                        "flags are two characters of 0-9 A-H J-N P R-Y");
  }
  int value = Digits(flags);
  if (value < 0) return FlagType::kReserved;  // alphanumeric
  if (value == 0) return FlagType::kNone;
  if (value == 14) return FlagType::kReserved;
  if (value <= 19) return FlagType::kType1;
  if (value <= 59) return FlagType::kType2;
  if (value <= 96) return FlagType::kType3;
  return FlagType::kReserved;
}

std::string Type3Flags(const Din& din) {
  return TwoDigits(60 + din.Checksum());
}

absl::StatusOr<std::string> EncodeDonationIdentification(
    const Din& din, std::string_view flags) {
  CC_ASSIGN_OR_RETURN(FlagType type, ClassifyFlags(flags));
  if (type == FlagType::kReserved) {
    return InvalidField("din.flags",
                        absl::StrCat("flag value ", std::string(flags),
                                     " is reserved by ICCBBA"));
  }
  if (type == FlagType::kType3 && flags != Type3Flags(din)) {
    return InvalidField(
        "din.flags", absl::StrCat("Type 3 flags of ", din.ToString(), " are ",
                                  Type3Flags(din)));
  }
  return absl::StrCat("=", din.ToString(), std::string(flags));
}

absl::StatusOr<DonationIdentification> ParseDonationIdentification(
    std::string_view data_structure) {
  if (data_structure.size() != 16 || data_structure[0] != '=') {
    return InvalidField("din", "data structure 001 is \"=\" and 15 characters");
  }
  CC_ASSIGN_OR_RETURN(Din din, Din::Parse(data_structure.substr(1, 13)));
  std::string flags(data_structure.substr(14, 2));
  CC_ASSIGN_OR_RETURN(FlagType type, ClassifyFlags(flags));
  if (type == FlagType::kType3 && flags != Type3Flags(din)) {
    return InvalidField("din.check_character",
                        absl::StrCat("Type 3 flags ", flags,
                                     " do not match DIN ", din.ToString()));
  }
  return DonationIdentification{std::move(din), std::move(flags), type};
}

absl::StatusOr<Din> ParseDinText(std::string_view text) {
  std::string upper;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A')
                                         : c);
  }
  std::string_view din = upper;
  if (din.starts_with("=")) {
    if (din.size() == 16) {
      CC_ASSIGN_OR_RETURN(DonationIdentification id,
                          ParseDonationIdentification(din));
      return std::move(id.din);
    }
    din.remove_prefix(1);
    if (din.size() != 13) {
      return InvalidField("din",
                          "data structure 001 is \"=\", the 13 DIN "
                          "characters and two flag characters");
    }
    return Din::Parse(din);
  }
  if (din.size() == 13) return Din::Parse(din);
  if (din.size() == 14 || din.find('[') != std::string_view::npos) {
    return Din::FromKeyboardEntry(din);
  }
  return InvalidField("din",
                      "not a DIN: give its 13 characters, optionally "
                      "followed by the check character (\"A9999 26 000003 "
                      "[4]\"), or scan its bar code (\"=A99992600000300\")");
}

}  // namespace cellchain::isbt128
