#include "clients/label/label_check.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/isbt128/din.h"
#include "services/isbt128/eye_readable.h"
#include "services/isbt128/scan.h"

namespace cellchain::label {
namespace {

using ::cellchain::labels::v1::Isbt128Code;
using ::cellchain::labels::v1::Label;
using ::cellchain::labels::v1::LabelText;
using ::cellchain::labels::v1::LabelType;

constexpr size_t kMaxTextBytes = 200;
constexpr int kMaxDetails = 12;

bool ValidUtf8WithoutControls(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    int extra;
    unsigned int code;
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates, beyond U+10FFFF, C1 controls.
    static constexpr unsigned int kMin[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[extra] || (code >= 0xd800 && code <= 0xdfff) ||
        code > 0x10ffff || (code >= 0x80 && code <= 0x9f)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

absl::Status CheckLine(std::string_view value, std::string_view field) {
  if (value.size() > kMaxTextBytes) {
    return InvalidField(field,
                        absl::StrCat("longer than ", kMaxTextBytes, " bytes"));
  }
  if (!ValidUtf8WithoutControls(value)) {
    return InvalidField(field,
                        "not one line of UTF-8 text without control "
                        "characters");
  }
  return absl::OkStatus();
}

absl::Status Require(std::string_view value, std::string_view field,
                     std::string_view type_name) {
  if (value.empty()) {
    return InvalidField(
        field, absl::StrCat("required on a ", ToAbsl(type_name), " label"));
  }
  return absl::OkStatus();
}

absl::Status RefuseOffDose(std::string_view value, std::string_view field) {
  if (!value.empty()) {
    return InvalidField(field, "belongs on a dose bag label only");
  }
  return absl::OkStatus();
}

// One ISBT 128 code of the label: `number` is the data structure it must
// hold. Adds its data to `present` when it is there.
absl::Status CheckCode(const Isbt128Code& code, std::string_view field,
                       int number, std::vector<std::string>& present) {
  const std::string base = absl::StrCat("isbt128.", ToAbsl(field));
  if (code.data().empty()) {
    if (!code.eye_readable().empty() || !code.check_character().empty()) {
      return InvalidField(base + ".data",
                          "text or check character without the data");
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(code.data());
  if (!parsed.ok()) {
    return InvalidField(base + ".data", std::string(parsed.status().message()));
  }
  if (parsed->size() != 1 || parsed->front().number != number ||
      code.data().starts_with("=+")) {
    return InvalidField(
        base + ".data",
        absl::StrCat("must hold data structure ",
                     absl::Dec(number, absl::kZeroPad3), " alone"));
  }
  if (number == 1) {
    const auto& din =
        std::get<isbt128::DonationIdentification>(parsed->front().value);
    if (din.flag_type != isbt128::FlagType::kNone &&
        din.flag_type != isbt128::FlagType::kType3) {
      return absl::UnimplementedError(absl::StrCat(
          base, ".data: flags ", din.flags,
          " are printed rotated beside the DIN, which this renderer does not "
          "do; use 00 or Type 3 flags"));
    }
  }
  absl::StatusOr<isbt128::EyeReadable> expected =
      isbt128::EyeReadableOf(code.data());
  if (!expected.ok()) {
    return InvalidField(base + ".data",
                        std::string(expected.status().message()));
  }
  if (code.eye_readable() != expected->text) {
    return InvalidField(
        base + ".eye_readable",
        absl::StrCat("is \"", code.eye_readable(), "\"; the data says \"",
                     expected->text, "\""));
  }
  const std::string k = expected->check_character == '\0'
                            ? std::string()
                            : std::string(1, expected->check_character);
  if (code.check_character() != k) {
    return InvalidField(base + ".check_character",
                        absl::StrCat("is \"", code.check_character(),
                                     "\"; the data's is \"", k, "\""));
  }
  present.push_back(code.data());
  return absl::OkStatus();
}

absl::Status CheckCompound(std::string_view compound,
                           std::vector<std::string> present) {
  constexpr char kField[] = "isbt128.compound_message";
  if (compound.empty()) return InvalidField(kField, "required on every label");
  if (!compound.starts_with("=+")) {
    return InvalidField(kField, "not a compound message (=+aabbb)");
  }
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(compound);
  if (!parsed.ok())
    return InvalidField(kField, std::string(parsed.status().message()));
  std::vector<std::string> held;
  for (const isbt128::DataStructure& structure : *parsed) {
    held.push_back(structure.text);
  }
  std::sort(held.begin(), held.end());
  std::sort(present.begin(), present.end());
  if (held != present) {
    return InvalidField(kField,
                        "must hold exactly the label's data structures, each "
                        "once");
  }
  return absl::OkStatus();
}

bool ValidSubjectId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool ValidDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(ToAbsl(text), &day)) return false;
  return absl::FormatCivilTime(day) == ToAbsl(text);
}

bool ValidItemId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

absl::Status CheckText(const LabelText& text) {
  const std::pair<std::string_view, std::string_view> lines[] = {
      {text.product_name(), "text.product_name"},
      {text.cells_and_volume(), "text.cells_and_volume"},
      {text.storage(), "text.storage"},
      {text.route(), "text.route"},
      {text.investigational_statement(), "text.investigational_statement"},
      {text.subject_id(), "text.subject_id"},
      {text.date_of_birth(), "text.date_of_birth"},
      {text.manufacturer(), "text.manufacturer"},
  };
  for (const auto& [value, field] : lines) {
    CC_RETURN_IF_ERROR(CheckLine(value, field));
  }
  if (text.details_size() > kMaxDetails) {
    return InvalidField("text.details",
                        absl::StrCat("at most ", kMaxDetails, " lines"));
  }
  for (int i = 0; i < text.details_size(); ++i) {
    CC_RETURN_IF_ERROR(
        CheckLine(text.details(i), absl::StrCat("text.details[", i, "]")));
  }
  if (!text.subject_id().empty() && !ValidSubjectId(text.subject_id())) {
    return InvalidField("text.subject_id", "1-32 of A-Z 0-9 and '-'");
  }
  if (!text.date_of_birth().empty() && !ValidDate(text.date_of_birth())) {
    return InvalidField("text.date_of_birth", "a date YYYY-MM-DD");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckLabel(const Label& label) {
  const LabelType type = label.type();
  if (type == labels::v1::LABEL_TYPE_UNSPECIFIED ||
      !labels::v1::LabelType_IsValid(type)) {
    return InvalidField("type", "a label type is required");
  }
  if (!ValidItemId(label.item_id())) {
    return InvalidField("item_id", "1-64 of A-Z a-z 0-9 '_' '-'");
  }
  const labels::v1::Isbt128Data& isbt = label.isbt128();
  const LabelText& text = label.text();
  std::vector<std::string> present;
  CC_RETURN_IF_ERROR(CheckCode(isbt.donation_identification(),
                               "donation_identification", 1, present));
  CC_RETURN_IF_ERROR(
      CheckCode(isbt.product_code(), "product_code", 3, present));
  CC_RETURN_IF_ERROR(CheckCode(isbt.expiration(), "expiration", 5, present));
  CC_RETURN_IF_ERROR(CheckCode(isbt.collection(), "collection", 7, present));
  CC_RETURN_IF_ERROR(
      CheckCode(isbt.chain_of_identity(), "chain_of_identity", 40, present));
  CC_RETURN_IF_ERROR(CheckCompound(isbt.compound_message(), present));
  CC_RETURN_IF_ERROR(CheckText(text));

  // "dose bag", "cryovial", ... for messages.
  std::string name =
      LabelType_Name(type).substr(std::string_view("LABEL_TYPE_").size());
  for (char& c : name) c = c == '_' ? ' ' : static_cast<char>(c - 'A' + 'a');
  CC_RETURN_IF_ERROR(Require(isbt.donation_identification().data(),
                             "isbt128.donation_identification.data", name));
  CC_RETURN_IF_ERROR(Require(text.product_name(), "text.product_name", name));
  switch (type) {
    case labels::v1::LABEL_TYPE_DOSE_BAG:
      CC_RETURN_IF_ERROR(Require(isbt.product_code().data(),
                                 "isbt128.product_code.data", name));
      CC_RETURN_IF_ERROR(
          Require(isbt.expiration().data(), "isbt128.expiration.data", name));
      CC_RETURN_IF_ERROR(Require(isbt.chain_of_identity().data(),
                                 "isbt128.chain_of_identity.data", name));
      CC_RETURN_IF_ERROR(
          Require(text.cells_and_volume(), "text.cells_and_volume", name));
      CC_RETURN_IF_ERROR(Require(text.storage(), "text.storage", name));
      CC_RETURN_IF_ERROR(Require(text.route(), "text.route", name));
      CC_RETURN_IF_ERROR(Require(text.investigational_statement(),
                                 "text.investigational_statement", name));
      CC_RETURN_IF_ERROR(Require(text.subject_id(), "text.subject_id", name));
      CC_RETURN_IF_ERROR(
          Require(text.date_of_birth(), "text.date_of_birth", name));
      return absl::OkStatus();
    case labels::v1::LABEL_TYPE_CRYOVIAL:
      CC_RETURN_IF_ERROR(Require(isbt.product_code().data(),
                                 "isbt128.product_code.data", name));
      CC_RETURN_IF_ERROR(
          Require(text.cells_and_volume(), "text.cells_and_volume", name));
      CC_RETURN_IF_ERROR(Require(text.storage(), "text.storage", name));
      break;
    case labels::v1::LABEL_TYPE_TISSUE_CONTAINER:
      CC_RETURN_IF_ERROR(
          Require(isbt.collection().data(), "isbt128.collection.data", name));
      CC_RETURN_IF_ERROR(Require(text.storage(), "text.storage", name));
      break;
    default:
      break;
  }
  CC_RETURN_IF_ERROR(RefuseOffDose(isbt.chain_of_identity().data(),
                                   "isbt128.chain_of_identity.data"));
  CC_RETURN_IF_ERROR(RefuseOffDose(text.route(), "text.route"));
  CC_RETURN_IF_ERROR(RefuseOffDose(text.subject_id(), "text.subject_id"));
  CC_RETURN_IF_ERROR(RefuseOffDose(text.date_of_birth(), "text.date_of_birth"));
  return absl::OkStatus();
}

}  // namespace cellchain::label
