#include "clients/cli/screening_panel.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "clients/cli/enum_words.h"

namespace cellchain::cli {
namespace {

namespace donor = cellchain::donor::v1;

// "CODE:RESULT[:METHOD[:KIT_LOT]]" written at `source` (the flag for the
// refusal's start is `flag`).
absl::StatusOr<PanelEntry> ParseEntry(const std::string& text,
                                      const std::string& flag,
                                      const std::string& source,
                                      const PanelDefaults& defaults) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  for (std::string& part : parts) {
    part = std::string(absl::StripAsciiWhitespace(part));
  }
  auto refuse = [&](const std::string& why) {
    // "--test=X: ..." names its flag already.
    return absl::InvalidArgumentError(absl::StrCat(
        source.starts_with(flag) ? "" : flag + ": ", source, ": ", why));
  };
  if (parts.size() > 4) {
    return refuse("not CODE:RESULT[:METHOD[:KIT_LOT]]");
  }
  parts.resize(4);
  PanelEntry entry;
  entry.test = absl::AsciiStrToUpper(parts[0]);
  if (entry.test.empty()) return refuse("no test code");
  entry.result =
      absl::AsciiStrToLower(parts[1].empty() ? defaults.result : parts[1]);
  if (entry.result.empty()) {
    return refuse(absl::StrCat("no result for ", entry.test, " (CODE:RESULT, ",
                               "or --result for every entry without one)"));
  }
  donor::ScreeningResult result = donor::SCREENING_RESULT_UNSPECIFIED;
  if (!ParseEnumName(entry.result, "SCREENING_RESULT_",
                     &donor::ScreeningResult_Parse, &result)) {
    return refuse(absl::StrCat(
        "the result of ", entry.test, " is ",
        EnumChoices(donor::ScreeningResult_descriptor(), "SCREENING_RESULT_")));
  }
  entry.result =
      LowerName(donor::ScreeningResult_Name(result), "SCREENING_RESULT_");
  entry.method = parts[2].empty() ? defaults.method : parts[2];
  entry.kit_lot = parts[3].empty() ? defaults.kit_lot : parts[3];
  entry.source = source;
  return entry;
}

}  // namespace

absl::StatusOr<std::vector<PanelEntry>> ParsePanel(
    const std::vector<std::string>& tests, std::string_view file_name,
    std::string_view file_text, const PanelDefaults& defaults) {
  std::vector<PanelEntry> entries;
  std::set<std::string> seen;
  auto add = [&](absl::StatusOr<PanelEntry> entry,
                 const std::string& flag) -> absl::Status {
    if (!entry.ok()) return entry.status();
    if (!seen.insert(entry->test).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry->source.starts_with(flag) ? "" : flag + ": ",
                       entry->source, ": ", entry->test,
                       " is entered twice; a panel has one result a test"));
    }
    entries.push_back(*std::move(entry));
    return absl::OkStatus();
  };
  for (const std::string& test : tests) {
    absl::Status added =
        add(ParseEntry(test, "--test", "--test=" + test, defaults), "--test");
    if (!added.ok()) return added;
  }
  int number = 0;
  for (absl::string_view line : absl::StrSplit(
           absl::string_view(file_text.data(), file_text.size()), '\n')) {
    ++number;
    std::string text(absl::StripAsciiWhitespace(
        line.substr(0, std::min(line.size(), line.find('#')))));
    if (text.empty()) continue;
    absl::Status added =
        add(ParseEntry(text, "--panel-file",
                       absl::StrCat(std::string(file_name), " line ", number),
                       defaults),
            "--panel-file");
    if (!added.ok()) return added;
  }
  if (entries.empty()) {
    return absl::InvalidArgumentError(
        "--test: no test entered (--test=CODE:RESULT, repeated, or "
        "--panel-file=FILE)");
  }
  return entries;
}

}  // namespace cellchain::cli
