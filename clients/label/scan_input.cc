#include "clients/label/scan_input.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/isbt128/din.h"

namespace cellchain::label {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text[0]))) {
    text.remove_prefix(1);
  }
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string CleanScanLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  // ISBT 128 data starts with '=' or '&', never ']', so a leading "]Xm" is
  // always the scanner's and never the label's.
  if (line.size() >= 3 && line[0] == ']' &&
      std::isalpha(static_cast<unsigned char>(line[1]))) {
    line.remove_prefix(3);
  }
  return std::string(line);
}

absl::StatusOr<ItemInput> ParseItemInput(std::string_view text) {
  const std::string cleaned = CleanScanLine(Trim(text));
  std::string_view input = Trim(cleaned);
  if (input.empty()) {
    return InvalidField("item",
                        "no item: type its id (itm_...) or scan its label");
  }
  if (input.starts_with("itm_")) {
    return ItemInput{ItemInput::Kind::kItemId, std::string(input)};
  }
  absl::StatusOr<isbt128::Din> din = isbt128::ParseDinText(input);
  if (din.ok()) {
    return ItemInput{ItemInput::Kind::kScan,
                     absl::StrCat("=", din->ToString(), "00")};
  }
  // More than a DIN alone (a product code after it, a compound message):
  // custody reads it as it reads a scan at a handoff.
  if ((input.starts_with("=") || input.starts_with("&")) && input.size() > 16) {
    return ItemInput{ItemInput::Kind::kScan, std::string(input)};
  }
  // A DIN with a typing error (its check character or flags do not match)
  // says so; anything else is named by the forms the station takes.
  if (const std::string field = FieldOf(din.status());
      field == "din.check_character" || field == "din.flags") {
    return din.status();
  }
  return InvalidField("item", absl::StrCat("\"", std::string(input),
                                           "\" is not an item id (itm_...), "
                                           "a DIN or a scanned label"));
}

absl::StatusOr<std::string> ParseDinInput(std::string_view text) {
  const std::string cleaned = CleanScanLine(Trim(text));
  absl::StatusOr<isbt128::Din> din = isbt128::ParseDinText(Trim(cleaned));
  if (!din.ok()) return din.status();
  return din->ToString();
}

}  // namespace cellchain::label
