#include "services/ledger/bench/tool_flags.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cellchain::bench {

ToolFlags::ToolFlags(std::string program, std::string summary)
    : program_(std::move(program)),
      loader_(program_, absl::AsciiStrToUpper(program_)) {
  loader_.set_summary(std::move(summary));
}

config::Option& ToolFlags::Int(std::string name, int* field, int min, int max,
                               std::string help) {
  ints_.emplace_back(*field, field);
  return loader_.Int64(std::move(name), &ints_.back().first, min, max,
                       std::move(help));
}

std::string ToolFlags::Problem(std::string_view name,
                               std::string_view what) const {
  return absl::StrCat("--", std::string(name), " (", loader_.EnvVarFor(name),
                      "): ", std::string(what));
}

void ToolFlags::LoadOrExit(
    int argc, const char* const* argv,
    const std::function<std::vector<std::string>()>& check) {
  const absl::Status status = loader_.Load(argc, argv);
  if (config::IsHelpRequested(status)) {
    std::cout << loader_.Usage();
    std::exit(0);
  }
  std::vector<std::string> problems;
  if (!status.ok()) {
    problems = absl::StrSplit(status.message(), '\n');
  }
  for (const std::string& argument : loader_.positional()) {
    problems.push_back("unexpected argument '" + argument + "'");
  }
  for (auto& [value, field] : ints_) *field = static_cast<int>(value);
  if (problems.empty() && check) problems = check();
  if (problems.empty()) return;
  for (const std::string& problem : problems) {
    std::cerr << program_ << ": " << problem << "\n";
  }
  std::cerr << program_ << ": see " << program_ << " --help\n";
  std::exit(2);
}

}  // namespace cellchain::bench
