#include "clients/cli/enum_words.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cellchain::cli {

std::string EnumChoices(const google::protobuf::EnumDescriptor* e,
                        std::string_view prefix,
                        const std::vector<int>& except) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    int number = e->value(i)->number();
    if (number == 0) continue;  // UNSPECIFIED
    if (std::find(except.begin(), except.end(), number) != except.end()) {
      continue;
    }
    names.push_back(LowerName(e->value(i)->name(), prefix));
  }
  if (names.size() < 2) return absl::StrJoin(names, "");
  std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " or ", last);
}

}  // namespace cellchain::cli
