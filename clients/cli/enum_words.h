// A proto enum's values as a person types them on a command line ("dose-bag",
// "non_reactive", in any case) and as help and refusals offer them, read from
// the proto itself so that a value added there is offered everywhere. Apart
// from cli.h so that the bulk-entry readers (screening_panel.h) use it too.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_CLI_ENUM_WORDS_H_
#define CELLCHAIN_CLIENTS_CLI_ENUM_WORDS_H_

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace cellchain::cli {

// "dose-bag" -> "DOSE_BAG": a flag's word as its enum value's suffix.
inline std::string EnumWord(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  return s;
}

// "ITEM_TYPE_DOSE_BAG" without `prefix`, in lower case: "dose_bag".
inline std::string LowerName(std::string s, std::string_view prefix) {
  if (s.starts_with(prefix)) s = s.substr(prefix.size());
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "dose_bag" -> ITEM_TYPE_DOSE_BAG through the enum's own parser; false for
// an empty, unknown or UNSPECIFIED (0) name.
template <typename Enum>
bool ParseEnumName(const std::string& name, const char* prefix,
                   bool (*parse)(const std::string&, Enum*), Enum* out) {
  return !name.empty() && parse(prefix + EnumWord(name), out) &&
         static_cast<int>(*out) != 0;
}

// An enum's values as a person types them: "discarded, banked or carried"
// (UNSPECIFIED left out, `prefix` taken off, lower case).
// `except` lists values (by number) a flag does not take, e.g. a status a
// record starts in but no one sets.
std::string EnumChoices(const google::protobuf::EnumDescriptor* e,
                        std::string_view prefix,
                        const std::vector<int>& except = {});

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_ENUM_WORDS_H_
