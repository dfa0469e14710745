#include "services/isbt128/data_structures.h"

#include <algorithm>
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

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

bool IsLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// "cyyjjjhhmm" (with_time) or "cyyjjj" for `at`, after the identifier.
absl::StatusOr<std::string> EncodeJulian(std::string_view identifier,
                                         std::string_view field,
                                         absl::CivilMinute at, bool with_time) {
  if (at.year() < 2000 || at.year() > 2999) {
    return InvalidField(field, "ISBT 128 dates cover the years 2000-2999");
  }
  int c = static_cast<int>((at.year() - 2000) / 100);
  int yy = static_cast<int>(at.year() % 100);
  int jjj = absl::GetYearDay(absl::CivilDay(at));
  char buf[48];
  if (with_time) {
    std::snprintf(buf, sizeof buf, "%d%02d%03d%02d%02d", c, yy, jjj, at.hour(),
                  at.minute());
  } else {
    std::snprintf(buf, sizeof buf, "%d%02d%03d", c, yy, jjj);
  }
  return std::string(identifier) + buf;
}

absl::StatusOr<absl::CivilMinute> ParseJulian(std::string_view data_structure,
                                              std::string_view identifier,
                                              std::string_view field,
                                              bool with_time) {
  size_t length = identifier.size() + (with_time ? 10 : 6);
  if (data_structure.size() != length ||
      data_structure.substr(0, identifier.size()) != identifier) {
    return InvalidField(
        field, absl::StrCat("expected \"", std::string(identifier), "\" and ",
                            length - identifier.size(), " digits"));
  }
  std::string_view content = data_structure.substr(identifier.size());
  // Each character, not Digits(content): ten digits overflow an int (UB;
  // at -O0 "&>2990012359", an expiry in 2299, read as negative and was
  // refused as not digits). Found by tests/fuzz/isbt128_scan_fuzzer.
  if (!std::all_of(content.begin(), content.end(), IsDigit)) {
    return InvalidField(field, "date and time are digits only");
  }
  int year =
      2000 + 100 * Digits(content.substr(0, 1)) + Digits(content.substr(1, 2));
  int day = Digits(content.substr(3, 3));
  int days_in_year = IsLeap(year) ? 366 : 365;
  if (day < 1 || day > days_in_year) {
    return InvalidField(field, absl::StrCat("day ", day, " is not a day of ",
                                            year, " (1-", days_in_year, ")"));
  }
  int hour = 0;
  int minute = 0;
  if (with_time) {
    hour = Digits(content.substr(6, 2));
    minute = Digits(content.substr(8, 2));
    if (hour > 23 || minute > 59) {
      return InvalidField(field, "time must be 0000-2359");
    }
  }
  // CivilDay normalizes day-of-January overflow into the right month.
  absl::CivilDay civil_day = absl::CivilDay(year, 1, 1) + (day - 1);
  return absl::CivilMinute(civil_day.year(), civil_day.month(), civil_day.day(),
                           hour, minute);
}

}  // namespace

// --- 003 ---------------------------------------------------------------------

absl::StatusOr<std::string> EncodeProductCode(const ProductCode& code) {
  const std::string& pdc = code.description_code;
  bool pdc_ok = pdc.size() == 5 && IsUpper(pdc[0]);
  for (size_t i = 1; pdc_ok && i < pdc.size(); ++i) {
    pdc_ok = IsUpper(pdc[i]) || IsDigit(pdc[i]);
  }
  if (!pdc_ok) {
    return InvalidField("product_code.description_code",
                        "product description code is a letter and four of "
                        "A-Z 0-9");
  }
  const std::string& tds = code.tds;
  // t: A-Z a-z 0-9; d: A-Z 0-9; s: a-z 0-9 (ST-001 2.4.3).
  bool tds_ok = tds.size() == 3 &&
                (IsUpper(tds[0]) || IsLower(tds[0]) || IsDigit(tds[0])) &&
                (IsUpper(tds[1]) || IsDigit(tds[1])) &&
                (IsLower(tds[2]) || IsDigit(tds[2]));
  if (!tds_ok) {
    return InvalidField("product_code.tds",
                        "tds is t (A-Z a-z 0-9), d (A-Z 0-9), s (a-z 0-9)");
  }
  return absl::StrCat("=<", pdc, tds);
}

absl::StatusOr<ProductCode> ParseProductCode(std::string_view data_structure) {
  if (data_structure.size() != 10 || data_structure.substr(0, 2) != "=<") {
    return InvalidField("product_code",
                        "data structure 003 is \"=<\" and 8 characters");
  }
  ProductCode code{std::string(data_structure.substr(2, 5)),
                   std::string(data_structure.substr(7, 3))};
  CC_RETURN_IF_ERROR(EncodeProductCode(code).status());
  return code;
}

// --- 004 / 005 / 007
// ------------------------------------------------------------

absl::StatusOr<std::string> EncodeExpirationDate(absl::CivilDay day) {
  return EncodeJulian("=>", "expiration", absl::CivilMinute(day), false);
}

absl::StatusOr<absl::CivilDay> ParseExpirationDate(
    std::string_view data_structure) {
  CC_ASSIGN_OR_RETURN(absl::CivilMinute at,
                      ParseJulian(data_structure, "=>", "expiration", false));
  return absl::CivilDay(at);
}

absl::StatusOr<std::string> EncodeExpiration(absl::CivilMinute at) {
  return EncodeJulian("&>", "expiration", at, true);
}

absl::StatusOr<std::string> EncodeExpiration(absl::CivilDay day) {
  return EncodeExpiration(
      absl::CivilMinute(day.year(), day.month(), day.day(), 23, 59));
}

absl::StatusOr<absl::CivilMinute> ParseExpiration(
    std::string_view data_structure) {
  return ParseJulian(data_structure, "&>", "expiration", true);
}

absl::StatusOr<std::string> EncodeCollection(absl::CivilMinute at) {
  return EncodeJulian("&*", "collection", at, true);
}

absl::StatusOr<absl::CivilMinute> ParseCollection(
    std::string_view data_structure) {
  return ParseJulian(data_structure, "&*", "collection", true);
}

// --- 040 ---------------------------------------------------------------------

absl::StatusOr<ChainOfIdentityId> ChainOfIdentityId::Create(
    std::string_view fin, int year, std::string_view sequence) {
  if (!IsValidFin(fin)) {
    return InvalidField("coi.fin",
                        "facility identification number is not 5 characters: "
                        "one of A-N P-Z 1-9, two of A-N P-Z 0-9, two digits");
  }
  if (year < 0 || year > 99) {
    return InvalidField("coi.year", "year must be two digits (0-99)");
  }
  bool sequence_ok = sequence.size() == 6;
  for (char c : sequence)
    sequence_ok = sequence_ok && (IsUpper(c) || IsDigit(c));
  if (!sequence_ok) {
    return InvalidField("coi.sequence",
                        "sequence is six characters of A-Z 0-9");
  }
  return ChainOfIdentityId(std::string(fin), year, std::string(sequence));
}

std::string ChainOfIdentityId::Content() const {
  char year[12];
  std::snprintf(year, sizeof year, "%02d", year_);
  return absl::StrCat("CH", fin_, year, sequence_);
}

char ChainOfIdentityId::CheckCharacter() const {
  // Content() is all 0-9 A-Z by construction.
  return *Mod37_2CheckCharacter(Content());
}

std::string EncodeChainOfIdentity(const ChainOfIdentityId& id) {
  return absl::StrCat("&/", id.Content());
}

absl::StatusOr<ChainOfIdentityId> ParseChainOfIdentity(
    std::string_view data_structure) {
  if (data_structure.size() != 17 || data_structure.substr(0, 4) != "&/CH") {
    return InvalidField("coi",
                        "data structure 040 is \"&/CH\" and 13 characters");
  }
  std::string_view year_text = data_structure.substr(9, 2);
  int year = Digits(year_text);
  if (year < 0) return InvalidField("coi.year", "year must be two digits");
  return ChainOfIdentityId::Create(data_structure.substr(4, 5), year,
                                   data_structure.substr(11, 6));
}

}  // namespace cellchain::isbt128
