// Reading what a scanner sends: one ISBT 128 data structure, several
// concatenated by the scanner (ST-001 v6.2.2 chapter 10: the data of the
// left bar code then of the right one, data identifiers included, nothing
// in between), or a compound message (data structure 023, "=+aabbb" then
// aa data structures, ST-001 2.4.23) as read from a Data Matrix symbol.
//
// Understood: 001, 002 (blood groups; kept as text), 003, 004, 005, 007,
// 040, and 023 with bbb = 000 (undefined sequence). Anything else is
// refused by its data identifier, as is a specified-sequence compound
// message: checking its order needs ICCBBA's table RT017, which is not
// public.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_ISBT128_SCAN_H_
#define CELLCHAIN_SERVICES_ISBT128_SCAN_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"

namespace cellchain::isbt128 {

struct BloodGroups {  // 002, content "ggre" uninterpreted
  std::string content;
  friend bool operator==(const BloodGroups&, const BloodGroups&) = default;
};
struct ExpirationDate {  // 004
  absl::CivilDay day;
  friend bool operator==(const ExpirationDate&, const ExpirationDate&) = default;
};
struct Expiration {  // 005
  absl::CivilMinute at;
  friend bool operator==(const Expiration&, const Expiration&) = default;
};
struct Collection {  // 007
  absl::CivilMinute at;
  friend bool operator==(const Collection&, const Collection&) = default;
};

using DataStructureValue =
    std::variant<DonationIdentification, BloodGroups, ProductCode,
                 ExpirationDate, Expiration, Collection, ChainOfIdentityId>;

struct DataStructure {
  int number = 0;    // ISBT 128 data structure number: 1, 2, 3, 4, 5, 7, 40
  std::string text;  // as scanned, data identifier included
  DataStructureValue value;
};

// Parses a scanned string into its data structures, in order. A compound
// message header is checked and not returned.
// INVALID_ARGUMENT, field:
//   "scan"            empty input, or an unknown or unsupported data
//                     identifier (the message names it and its offset),
//                     or a data structure cut short;
//   "compound"        a compound message header that is not "=+" and five
//                     digits, or a compound message inside another one;
//   "compound.count"  aa is 00, or not the number of structures that follow;
//   the field of the data structure that is malformed ("din",
//   "din.check_character", "product_code.tds", "expiration", ...).
// UNIMPLEMENTED (reason COMPOUND_SEQUENCE_UNSUPPORTED): bbb is not 000.
absl::StatusOr<std::vector<DataStructure>> ParseScan(std::string_view scan);

// A compound message of undefined sequence ("=+", aa, "000") followed by
// `data_structures` (each already encoded, data identifier included).
// INVALID_ARGUMENT (field "compound.count"): fewer than 1 or more than 99
// structures; (field "compound") one of them is a compound message or not a
// data structure ParseScan understands.
absl::StatusOr<std::string> EncodeCompound(
    const std::vector<std::string>& data_structures);

}  // namespace cellchain::isbt128

#endif  // CELLCHAIN_SERVICES_ISBT128_SCAN_H_
