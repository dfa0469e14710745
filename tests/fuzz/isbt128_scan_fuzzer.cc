// Fuzz target: what a bar code scanner or a keyboard sends to the ISBT 128
// library (services/isbt128/scan.h, din.h, data_structures.h,
// eye_readable.h). Besides "no crash", it checks the promises a label and
// the chain of identity rest on:
//   - ParseScan refuses with INVALID_ARGUMENT or UNIMPLEMENTED only; what it
//     accepts is the scan cut into data structures (nothing skipped), and
//     each structure encodes back to the exact text scanned;
//   - a scan's structures put into a compound message scan back to the same;
//   - the eye-readable text of a DIN, typed with its check character, is
//     that DIN (what a technician types when the scanner fails);
//   - ParseDinText refuses with INVALID_ARGUMENT only, and the DIN it reads
//     reads back from its 13 characters and from its eye-readable text.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/isbt128/eye_readable.h"
#include "services/isbt128/scan.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace isbt = cellchain::isbt128;

// The text each parsed value encodes to; nullopt where the library has no
// encoder for it (002 is kept as text) or refuses to write it (reserved
// DIN flags are read, never written).
std::optional<std::string> Encoded(const isbt::DataStructure& ds) {
  return std::visit(
      [&](const auto& value) -> std::optional<std::string> {
        using T = std::decay_t<decltype(value)>;
        absl::StatusOr<std::string> encoded;
        if constexpr (std::is_same_v<T, isbt::DonationIdentification>) {
          if (value.flag_type == isbt::FlagType::kReserved) return std::nullopt;
          encoded = isbt::EncodeDonationIdentification(value.din, value.flags);
        } else if constexpr (std::is_same_v<T, isbt::BloodGroups>) {
          return "=%" + value.content;
        } else if constexpr (std::is_same_v<T, isbt::ProductCode>) {
          encoded = isbt::EncodeProductCode(value);
        } else if constexpr (std::is_same_v<T, isbt::ExpirationDate>) {
          encoded = isbt::EncodeExpirationDate(value.day);
        } else if constexpr (std::is_same_v<T, isbt::Expiration>) {
          encoded = isbt::EncodeExpiration(value.at);
        } else if constexpr (std::is_same_v<T, isbt::Collection>) {
          encoded = isbt::EncodeCollection(value.at);
        } else {
          static_assert(std::is_same_v<T, isbt::ChainOfIdentityId>);
          return isbt::EncodeChainOfIdentity(value);
        }
        FUZZ_CHECK(encoded.ok(), "a parsed data structure encodes");
        return *encoded;
      },
      ds.value);
}

void CheckScan(std::string_view input) {
  absl::StatusOr<std::vector<isbt::DataStructure>> scan =
      isbt::ParseScan(input);
  if (!scan.ok()) {
    FUZZ_CHECK(scan.status().code() == absl::StatusCode::kInvalidArgument ||
                   scan.status().code() == absl::StatusCode::kUnimplemented,
               "ParseScan refuses with INVALID_ARGUMENT or UNIMPLEMENTED");
    return;
  }
  const bool compound = input.starts_with("=+");
  std::string joined;
  std::vector<std::string> texts;
  for (const isbt::DataStructure& ds : *scan) {
    joined += ds.text;
    texts.push_back(ds.text);
    std::optional<std::string> encoded = Encoded(ds);
    if (encoded.has_value()) {
      FUZZ_CHECK(*encoded == ds.text,
                 "a data structure encodes to the text scanned");
    }
    if (ds.number != 2) {
      absl::StatusOr<isbt::EyeReadable> eye = isbt::EyeReadableOf(ds.text);
      FUZZ_CHECK(eye.ok(), "a scanned data structure has an eye-readable form");
      if (const auto* id =
              std::get_if<isbt::DonationIdentification>(&ds.value)) {
        absl::StatusOr<isbt::Din> typed = isbt::Din::FromKeyboardEntry(
            eye->text + " [" + eye->check_character + "]");
        FUZZ_CHECK(typed.ok() && *typed == id->din,
                   "the DIN's eye-readable text typed with K is the DIN");
      }
    }
  }
  FUZZ_CHECK(joined == (compound ? input.substr(7) : input),
             "the data structures are the whole scan, in order");
  if (!texts.empty() && texts.size() <= 99) {
    absl::StatusOr<std::string> message = isbt::EncodeCompound(texts);
    FUZZ_CHECK(message.ok(), "scanned structures make a compound message");
    absl::StatusOr<std::vector<isbt::DataStructure>> again =
        isbt::ParseScan(*message);
    FUZZ_CHECK(again.ok() && again->size() == texts.size(),
               "a compound message scans back");
    for (size_t i = 0; i < texts.size(); ++i) {
      FUZZ_CHECK((*again)[i].text == texts[i],
                 "a compound message scans back to its structures");
    }
  }
}

void CheckDinText(std::string_view input) {
  absl::StatusOr<isbt::Din> din = isbt::ParseDinText(input);
  if (!din.ok()) {
    FUZZ_CHECK(din.status().code() == absl::StatusCode::kInvalidArgument,
               "ParseDinText refuses with INVALID_ARGUMENT");
    return;
  }
  absl::StatusOr<isbt::Din> plain = isbt::Din::Parse(din->ToString());
  FUZZ_CHECK(plain.ok() && *plain == *din,
             "a DIN reads from its 13 characters");
  absl::StatusOr<isbt::Din> eye = isbt::ParseDinText(din->EyeReadable());
  FUZZ_CHECK(eye.ok() && *eye == *din,
             "a DIN reads from its eye-readable text");
  absl::StatusOr<std::string> type3 =
      isbt::EncodeDonationIdentification(*din, isbt::Type3Flags(*din));
  FUZZ_CHECK(type3.ok(), "a DIN encodes with its Type 3 flags");
  absl::StatusOr<isbt::Din> scanned = isbt::ParseDinText(*type3);
  FUZZ_CHECK(scanned.ok() && *scanned == *din,
             "a DIN reads from its data structure 001");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckScan(input);
  CheckDinText(input);
  return 0;
}
