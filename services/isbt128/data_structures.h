// ISBT 128 data structures other than the DIN (ST-001 v6.2.2 section 2.4):
//   003 Product Code              =<αoooo tds  (8 characters of content)
//   004 Expiration Date           =>cyyjjj
//   005 Expiration Date and Time  &>cyyjjjhhmm
//   007 Collection Date and Time  &*cyyjjjhhmm
//   040 Chain of Identity (CoI) Identifier  &/CHαppppyynnnnnn
// Each has an Encode function (value -> data structure with its data
// identifier) and a Parse function (the reverse).
//
// Dates: c is the century counted from 2000 (c = 0 for 2000-2099), yy the
// year in it, jjj the ordinal day (001-365, 366 in leap years), hh 00-23,
// mm 00-59. c = 0 for the 2000s is read from ST-001 Figure 21 (label 4:
// "0180292359" printed as "29 JAN 2018"); 2.4.4 only says "century". A
// date-only expiration of a product uses 005 with the time 2359 (2.4.5:
// "When a time is not specified, the default value of 2359 shall be
// encoded"); 004 is meant for devices and supplies.
//
// Thread-safety: pure functions and values.
#ifndef CELLCHAIN_SERVICES_ISBT128_DATA_STRUCTURES_H_
#define CELLCHAIN_SERVICES_ISBT128_DATA_STRUCTURES_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/isbt128/din.h"

namespace cellchain::isbt128 {

// --- 003 Product Code --------------------------------------------------------

struct ProductCode {
  // αoooo: α A-Z, oooo A-Z 0-9. S = cellular therapy, P = regenerated
  // tissue, E/F blood components, T tissue, ...
  std::string description_code;
  // tds: for α in E F H S P X0 Y*, t is the collection type (Table 7) and
  // ds the division code (d A-Z 0-9, s a-z 0-9); for M N R T V W a
  // three-digit division code. "000" when the product is not divided.
  std::string tds;

  friend bool operator==(const ProductCode&, const ProductCode&) = default;
};

// INVALID_ARGUMENT (field "product_code.description_code" or
// "product_code.tds"): characters outside the sets of ST-001 2.4.3.
absl::StatusOr<std::string> EncodeProductCode(const ProductCode& code);
// Parses "=<" + 8 characters. INVALID_ARGUMENT: field "product_code"
// (length, identifier) or the fields above.
absl::StatusOr<ProductCode> ParseProductCode(std::string_view data_structure);

// --- 004 / 005 / 007 dates and times -----------------------------------------

// INVALID_ARGUMENT (field "expiration"): year outside 2000-2999.
absl::StatusOr<std::string> EncodeExpirationDate(absl::CivilDay day);  // 004
absl::StatusOr<absl::CivilDay> ParseExpirationDate(
    std::string_view data_structure);

// 005. INVALID_ARGUMENT (field "expiration"): year outside 2000-2999.
absl::StatusOr<std::string> EncodeExpiration(absl::CivilMinute at);
// 005 for a date without a time: the time is 2359 (ST-001 2.4.5).
absl::StatusOr<std::string> EncodeExpiration(absl::CivilDay day);
// INVALID_ARGUMENT (field "expiration"): wrong identifier or length, a
// non-digit, day 000 or past the end of the year (366 in a common year),
// hour over 23, minute over 59.
absl::StatusOr<absl::CivilMinute> ParseExpiration(
    std::string_view data_structure);

// 007, same rules; field "collection".
absl::StatusOr<std::string> EncodeCollection(absl::CivilMinute at);
absl::StatusOr<absl::CivilMinute> ParseCollection(
    std::string_view data_structure);

// --- 040 Chain of Identity Identifier ------------------------------------------

class ChainOfIdentityId {
 public:
  // INVALID_ARGUMENT: field "coi.fin" (FIN rules as for the DIN),
  // "coi.year" (0-99), "coi.sequence" (not 6 characters of A-Z 0-9).
  static absl::StatusOr<ChainOfIdentityId> Create(std::string_view fin,
                                                  int year,
                                                  std::string_view sequence);

  const std::string& fin() const { return fin_; }
  int year() const { return year_; }
  const std::string& sequence() const { return sequence_; }

  // The 15-character data content "CHαppppyynnnnnn".
  std::string Content() const;
  // Keyboard entry check character K, which ST-001 7.5 requires when the
  // identifier is printed. Computed over Content() as 7.5 describes for
  // data structures in general ("calculated from [the data content
  // string]"); ST-028, which governs CoI identifiers, was not available to
  // confirm this, and no published worked example was found.
  char CheckCharacter() const;

  friend bool operator==(const ChainOfIdentityId&,
                         const ChainOfIdentityId&) = default;

 private:
  ChainOfIdentityId(std::string fin, int year, std::string sequence)
      : fin_(std::move(fin)), year_(year), sequence_(std::move(sequence)) {}

  std::string fin_;
  int year_ = 0;
  std::string sequence_;
};

// "&/" + Content().
std::string EncodeChainOfIdentity(const ChainOfIdentityId& id);
// INVALID_ARGUMENT: field "coi" (identifier, length, missing "CH") or a
// field of Create.
absl::StatusOr<ChainOfIdentityId> ParseChainOfIdentity(
    std::string_view data_structure);

}  // namespace cellchain::isbt128

#endif  // CELLCHAIN_SERVICES_ISBT128_DATA_STRUCTURES_H_
