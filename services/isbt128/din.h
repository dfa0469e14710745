// The ISBT 128 Donation Identification Number (DIN) and its data structure
// 001, "=αppppyynnnnnnff" (ST-001 v6.2.2 section 2.4.1).
//
// A Din is the 13-character identifier αppppyynnnnnn: Facility
// Identification Number (FIN, αpppp), nominal year (yy), sequence number
// within that year for the FIN (nnnnnn). The flag characters ff are not part
// of the DIN; a DonationIdentification carries them beside it.
//
// FIN character sets (ST-001 2.4.1): α is one of A-N, P-Z, 1-9 (no O, no 0);
// the next two are A-N, P-Z or 0-9; the last two are digits.
//
// Flags (ST-001 Table 3 [RT004]): 00 none; 01-19 Type 1 (defined by ICCBBA;
// 14 is reserved); 20-59 Type 2 (defined locally, meaningful only to the
// FIN that assigned them); 60-96 Type 3 (60 + the MOD 37-2 checksum of the
// DIN); 97-99 and alphanumeric values reserved.
//
// Thread-safety: values; const methods and free functions are safe to call
// concurrently.
#ifndef CELLCHAIN_SERVICES_ISBT128_DIN_H_
#define CELLCHAIN_SERVICES_ISBT128_DIN_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace cellchain::isbt128 {

class Din {
 public:
  // INVALID_ARGUMENT, field "din.fin" (not 5 characters of the sets above),
  // "din.year" (outside 0-99) or "din.sequence" (outside 0-999999).
  static absl::StatusOr<Din> Create(std::string_view fin, int year,
                                    int sequence);

  // From the 13 characters αppppyynnnnnn (no data identifier, no flags).
  // INVALID_ARGUMENT: field "din" (length), or one of Create's fields.
  static absl::StatusOr<Din> Parse(std::string_view thirteen);

  // From text typed at a keyboard: the 13 DIN characters followed by the
  // keyboard entry check character K, spaces and a box drawn as [K]
  // ignored, e.g. "A9999 21 123456 [3]" or "A999921123456 3".
  // INVALID_ARGUMENT: field "din" (shape), one of Create's fields, or
  // "din.check_character" when K does not match the DIN (a typing error).
  static absl::StatusOr<Din> FromKeyboardEntry(std::string_view text);

  const std::string& fin() const { return fin_; }
  int year() const { return year_; }  // last two digits of the nominal year
  int sequence() const { return sequence_; }

  // αppppyynnnnnn
  std::string ToString() const;
  // The MOD 37-2 checksum (0-36) of ToString().
  int Checksum() const;
  // The keyboard entry check character K (ST-001 7.5, Appendix A).
  char CheckCharacter() const;
  // "A9999 21 123456 [3]": FIN, year, sequence, then K in brackets standing
  // for the box ST-001 7.5.1.1 requires around it. Flags are never part of
  // it (Type 3 flags are not printed; Type 1/2 are printed rotated, which
  // text cannot show).
  std::string EyeReadable() const;

  friend bool operator==(const Din&, const Din&) = default;

 private:
  Din(std::string fin, int year, int sequence)
      : fin_(std::move(fin)), year_(year), sequence_(sequence) {}

  std::string fin_;
  int year_ = 0;
  int sequence_ = 0;
};

// True for a FIN in the character sets above (shared by 001 and 040).
bool IsValidFin(std::string_view fin);

enum class FlagType {
  kNone,      // 00
  kType1,     // 01-13, 15-19: defined by ICCBBA (container n of a set, ...)
  kType2,     // 20-59: defined by the facility
  kType3,     // 60-96: check character
  kReserved,  // 14, 97-99, alphanumeric
};

// Classifies two flag characters.
// INVALID_ARGUMENT (field "din.flags"): not two characters of 0-9, A-H, J-N,
// P, R-Y.
absl::StatusOr<FlagType> ClassifyFlags(std::string_view flags);

// The Type 3 flag characters of `din`: 60 + its checksum, two digits.
std::string Type3Flags(const Din& din);

// Data structure 001 as scanned or to be encoded.
struct DonationIdentification {
  Din din;
  std::string flags;  // two characters
  FlagType flag_type = FlagType::kNone;

  friend bool operator==(const DonationIdentification&,
                         const DonationIdentification&) = default;
};

// "=" + DIN + flags.
// INVALID_ARGUMENT (field "din.flags"): flags malformed or reserved, or
// Type 3 flags that are not this DIN's check value.
absl::StatusOr<std::string> EncodeDonationIdentification(
    const Din& din, std::string_view flags);

// Parses "=αppppyynnnnnnff" (16 characters, data identifier included).
// INVALID_ARGUMENT: field "din" (length or identifier), a field of
// Din::Create, "din.flags" (characters), or "din.check_character" when
// Type 3 flags do not match the DIN. Reserved flag values are accepted and
// classified kReserved: a reader should not refuse a label a later
// revision of the standard makes valid.
absl::StatusOr<DonationIdentification> ParseDonationIdentification(
    std::string_view data_structure);

// A DIN from whatever form a person types or a scanner returns, for every
// command and RPC that takes one: the 13 characters ("A999926000003"); the
// 13 and the keyboard entry check character K, spaces and the box drawn as
// [K] ignored (the eye-readable "A9999 26 000003 [4]", "A9999260000034");
// data structure 001 as scanned ("=A99992600000300") or typed without its
// flags ("=A999926000003"); any of them in lower case, with leading and
// trailing white space. K when present, and Type 3 flags, are verified.
// INVALID_ARGUMENT: field "din" (none of these shapes, naming them), a field
// of Din::Create, "din.flags", or "din.check_character" (K or Type 3 flags
// do not match: a typing error).
absl::StatusOr<Din> ParseDinText(std::string_view text);

}  // namespace cellchain::isbt128

#endif  // CELLCHAIN_SERVICES_ISBT128_DIN_H_
