// Fuzz target: `cellchain-label isbt parse`'s JSON (clients/label/
// isbt_json.h), written from whatever a scanner sent. Its promise is that
// any text a scan carries comes out as valid JSON (RFC 8259) that parses
// back to the same text. Checked two ways:
//   - a scan ParseScan accepts: the JSON parses, has one object per data
//     structure, each with its three-digit number and the text as scanned,
//     and says whether it was a compound message;
//   - the raw input carried as a structure's text, as a scanner could send
//     any bytes: the JSON parses, and when the input is UTF-8 its "data" is
//     the input itself (other bytes become U+FFFD, by the header's word).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/label/isbt_json.h"
#include "nlohmann/json.hpp"
#include "services/isbt128/scan.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace isbt = cellchain::isbt128;
using Json = nlohmann::json;

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, at most
// U+10FFFF.
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // cut short
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

Json Parsed(const std::string& text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!json.is_discarded(), "ScanJson writes valid JSON");
  FUZZ_CHECK(json.is_object() && json["data_structures"].is_array(),
             "ScanJson writes an object with a data_structures array");
  return json;
}

void CheckParsedScan(std::string_view input) {
  absl::StatusOr<std::vector<isbt::DataStructure>> scan =
      isbt::ParseScan(input);
  if (!scan.ok()) return;
  const bool compound = input.starts_with("=+");
  Json json = Parsed(cellchain::label::ScanJson(compound, *scan));
  FUZZ_CHECK(json["compound_message"] == compound,
             "the JSON says whether the scan was a compound message");
  const Json& structures = json["data_structures"];
  FUZZ_CHECK(structures.size() == scan->size(),
             "one JSON object per data structure");
  for (size_t i = 0; i < scan->size(); ++i) {
    const isbt::DataStructure& ds = (*scan)[i];
    char number[8];
    std::snprintf(number, sizeof number, "%03d", ds.number);
    FUZZ_CHECK(structures[i]["number"] == number,
               "each object has the structure's three-digit number");
    FUZZ_CHECK(structures[i]["data"] == ds.text,
               "each object has the text as scanned");
  }
}

void CheckRawText(std::string_view input) {
  isbt::DataStructure raw{.number = 2,
                          .text = std::string(input),
                          .value = isbt::BloodGroups{std::string(input)}};
  Json json = Parsed(cellchain::label::ScanJson(false, {raw}));
  FUZZ_CHECK(json["data_structures"].size() == 1 &&
                 json["data_structures"][0]["data"].is_string(),
             "the raw text comes out as one string");
  if (IsUtf8(input)) {
    FUZZ_CHECK(json["data_structures"][0]["data"] == std::string(input),
               "UTF-8 text parses back to the same text");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckParsedScan(input);
  CheckRawText(input);
  return 0;
}
