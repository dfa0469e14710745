#include "tests/faults/tool_flags.h"

#include <iostream>

#include "absl/strings/numbers.h"

namespace cellchain::faults {

bool ParseNamedFlags(int argc, char** argv, std::string_view program,
                     const std::map<std::string, std::string*>& text,
                     const std::map<std::string, int*>& numbers,
                     int min_number) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string::npos) {
      std::cerr << program << ": expected --name=value, got '" << arg << "'\n";
      return false;
    }
    const std::string name = arg.substr(2, eq - 2);
    const std::string value = arg.substr(eq + 1);
    if (auto t = text.find(name); t != text.end()) {
      *t->second = value;
    } else if (auto n = numbers.find(name); n != numbers.end()) {
      if (!absl::SimpleAtoi(value, n->second) || *n->second < min_number) {
        std::cerr << program << ": --" << name << " must be a number of at "
                  << "least " << min_number << "\n";
        return false;
      }
    } else {
      std::cerr << program << ": unknown flag --" << name << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace cellchain::faults
