#include "clients/label/isbt_json.h"

#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "nlohmann/json.hpp"
#include "services/isbt128/din.h"
#include "services/isbt128/eye_readable.h"

namespace cellchain::label {
namespace {

// Insertion-ordered: the fields keep the order scripts have always seen.
using Json = nlohmann::ordered_json;

const char* FlagTypeName(isbt128::FlagType type) {
  switch (type) {
    case isbt128::FlagType::kNone:
      return "none";
    case isbt128::FlagType::kType1:
      return "type1";
    case isbt128::FlagType::kType2:
      return "type2";
    case isbt128::FlagType::kType3:
      return "type3";
    case isbt128::FlagType::kReserved:
      return "reserved";
  }
  return "none";
}

// The decoded fields of one data structure, after "number" and "data".
void AddFields(const isbt128::DataStructure& ds, Json& out) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, isbt128::DonationIdentification>) {
          out["name"] = "donation identification number";
          out["din"] = v.din.ToString();
          out["fin"] = v.din.fin();
          out["year"] = v.din.year();
          out["sequence"] = v.din.sequence();
          out["flags"] = v.flags;
          out["flag_type"] = FlagTypeName(v.flag_type);
          out["check_character"] = std::string(1, v.din.CheckCharacter());
        } else if constexpr (std::is_same_v<T, isbt128::BloodGroups>) {
          out["name"] = "blood groups";
          out["content"] = v.content;
        } else if constexpr (std::is_same_v<T, isbt128::ProductCode>) {
          out["name"] = "product code";
          out["description_code"] = v.description_code;
          out["tds"] = v.tds;
        } else if constexpr (std::is_same_v<T, isbt128::ExpirationDate>) {
          out["name"] = "expiration date";
          out["date"] = absl::FormatCivilTime(v.day);
        } else if constexpr (std::is_same_v<T, isbt128::Expiration>) {
          out["name"] = "expiration date and time";
          out["at"] = absl::FormatCivilTime(v.at);
        } else if constexpr (std::is_same_v<T, isbt128::Collection>) {
          out["name"] = "collection date and time";
          out["at"] = absl::FormatCivilTime(v.at);
        } else {
          out["name"] = "chain of identity identifier";
          out["fin"] = v.fin();
          out["year"] = v.year();
          out["sequence"] = v.sequence();
          out["check_character"] = std::string(1, v.CheckCharacter());
        }
      },
      ds.value);
}

// A scalar as nlohmann writes it; `replace` rather than the default `strict`
// so that text that is not UTF-8 cannot throw.
std::string Scalar(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A flat object on one line: {"a": 1, "b": "x"}. nlohmann's own one-line
// form has no spaces ({"a":1,"b":"x"}), which is not what this command has
// always printed.
std::string OneLine(const Json& object) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : object.items()) {
    absl::StrAppend(&out, first ? "" : ", ", Scalar(Json(key)), ": ",
                    Scalar(value));
    first = false;
  }
  return out + "}";
}

}  // namespace

std::string ScanJson(bool compound_message,
                     const std::vector<isbt128::DataStructure>& structures) {
  std::string json = absl::StrCat(
      "{\n  \"compound_message\": ", compound_message ? "true" : "false",
      ",\n  \"data_structures\": [");
  for (size_t i = 0; i < structures.size(); ++i) {
    const isbt128::DataStructure& ds = structures[i];
    Json object;
    object["number"] = absl::StrCat(absl::Dec(ds.number, absl::kZeroPad3));
    object["data"] = ds.text;
    AddFields(ds, object);
    if (absl::StatusOr<isbt128::EyeReadable> eye =
            isbt128::EyeReadableOf(ds.text);
        eye.ok()) {
      object["eye_readable"] = eye->text;
    }
    absl::StrAppend(&json, i == 0 ? "\n    " : ",\n    ", OneLine(object));
  }
  return json + "\n  ]\n}\n";
}

}  // namespace cellchain::label
