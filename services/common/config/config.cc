#include "services/common/config/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::config {
namespace {

constexpr std::string_view kHelpReason = "HELP_REQUESTED";
constexpr std::string_view kRedacted = "<redacted>";
// What CLI11 hands back for a flag given without a value, and what marks an
// empty value given with '='; no command line holds them.
constexpr std::string_view kNoValue =
    "\x01"
    "cellchain:no-value\x01";
constexpr std::string_view kEmptyValue =
    "\x01"
    "cellchain:empty\x01";

std::string Quote(std::string_view text) {
  return absl::StrCat("\"", ToAbsl(text), "\"");
}

bool IsValidName(std::string_view name) {
  if (name.empty() || !(name.front() >= 'a' && name.front() <= 'z') ||
      name.back() == '-' || name.find("--") != name.npos) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A decimal int64: optional '-', digits, nothing else.
bool ParseInt64(std::string_view text, int64_t* out, bool* overflow) {
  *overflow = false;
  if (text.empty() || text.front() == '+') return false;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec == std::errc::result_out_of_range) *overflow = true;
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseBool(std::string_view text, bool* out) {
  if (text == "true" || text == "1") {
    *out = true;
  } else if (text == "false" || text == "0") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

constexpr std::pair<std::string_view, int64_t> kDurationUnits[] = {
    {"h", 3'600'000}, {"ms", 1}, {"m", 60'000}, {"s", 1'000}};

// "250ms", "30s", "5m", "2h", or a bare number of milliseconds. Returns what
// is wrong, or "".
std::string ParseDuration(std::string_view text,
                          std::chrono::milliseconds* out) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  std::string_view unit = text.substr(digits);
  int64_t factor = unit.empty() ? 1 : 0;
  for (auto [name, ms] : kDurationUnits) {
    if (unit == name) factor = ms;
  }
  int64_t count = 0;
  bool overflow = false;
  if (digits == 0 || factor == 0 ||
      !ParseInt64(text.substr(0, digits), &count, &overflow)) {
    return absl::StrCat(Quote(text),
                        " is not a duration (like 250ms, 30s, 5m, 2h)");
  }
  if (overflow || count > std::numeric_limits<int64_t>::max() / factor) {
    return absl::StrCat(Quote(text), " is too long a duration");
  }
  *out = std::chrono::milliseconds(count * factor);
  return "";
}

std::string FormatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0ms";
  for (auto [name, unit_ms] : kDurationUnits) {
    if (unit_ms > 1 && ms % unit_ms == 0) {
      return absl::StrCat(ms / unit_ms, ToAbsl(name));
    }
  }
  return absl::StrCat(ms, "ms");
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == text.npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

// "" if `path` names a readable file, else what is wrong.
std::string CheckReadableFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    int error = errno;
    if (error == ENOENT) return absl::StrCat(path, " does not exist");
    return absl::StrCat("cannot access ", path, ": ", std::strerror(error));
  }
  if (S_ISDIR(st.st_mode)) return absl::StrCat(path, " is a directory");
  if (access(path.c_str(), R_OK) != 0) {
    return absl::StrCat(path, " is not readable by this process");
  }
  return "";
}

}  // namespace

std::optional<std::string> GetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

bool IsHelpRequested(const absl::Status& status) {
  return status.code() == absl::StatusCode::kCancelled &&
         ReasonOf(status) == kHelpReason;
}

Option& Option::Required() {
  required_ = true;
  return *this;
}

Loader::Loader(std::string program, std::string env_prefix)
    : program_(std::move(program)), env_prefix_(std::move(env_prefix)) {}

Loader::~Loader() = default;

std::string Loader::EnvVarFor(std::string_view name) const {
  std::string env = env_prefix_.empty() ? "" : env_prefix_ + "_";
  for (char c : name) {
    if (c == '-') c = '_';
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    env.push_back(c);
  }
  return env;
}

std::string Loader::Subject(const Option& option) {
  return absl::StrCat("--", option.name_, " (", option.env_, "): ");
}

Option* Loader::Find(std::string_view name) {
  for (const std::unique_ptr<Option>& option : options_) {
    if (option->name_ == name) return option.get();
  }
  return nullptr;
}

Option& Loader::Add(Option::Kind kind, std::string name, std::string help,
                    bool field_is_null) {
  if (!IsValidName(name)) {
    declaration_errors_.push_back(absl::StrCat("option name ", Quote(name),
                                               " is not lowercase kebab case"));
  } else if (name == "help" || StartsWith(name, "no-")) {
    declaration_errors_.push_back(absl::StrCat(
        "option name ", Quote(name), " is reserved (--help, --no-<bool>)"));
  } else if (Find(name) != nullptr) {
    declaration_errors_.push_back(
        absl::StrCat("option --", name, " is declared twice"));
  }
  if (field_is_null) {
    declaration_errors_.push_back(
        absl::StrCat("option --", name, " is bound to a null field"));
  }
  std::string env = EnvVarFor(name);
  options_.push_back(std::unique_ptr<Option>(
      new Option(kind, std::move(name), std::move(env), std::move(help))));
  Option& option = *options_.back();
  // A null field gets inert accessors; Load refuses to run anyway.
  option.set_ = [](std::string_view) { return std::string(); };
  option.format_ = [] { return std::string(); };
  return option;
}

Option& Loader::String(std::string name, std::string* field, std::string help) {
  Option& o = Add(Option::Kind::kString, std::move(name), std::move(help),
                  field == nullptr);
  if (field == nullptr) return o;
  o.value_hint_ = "STRING";
  o.set_ = [field](std::string_view text) {
    *field = std::string(text);
    return std::string();
  };
  o.format_ = [field] { return *field; };
  o.default_text_ = *field;
  return o;
}

Option& Loader::Secret(std::string name, std::string* field, std::string help) {
  Option& o = String(std::move(name), field, std::move(help));
  o.kind_ = Option::Kind::kSecret;
  o.value_hint_ = "SECRET";
  o.default_text_.clear();
  return o;
}

Option& Loader::Int64(std::string name, int64_t* field, int64_t min,
                      int64_t max, std::string help) {
  Option& o = Add(Option::Kind::kInt64, std::move(name), std::move(help),
                  field == nullptr);
  if (field == nullptr) return o;
  if (min > max) {
    declaration_errors_.push_back(absl::StrCat(
        "option --", o.name_, " has minimum ", min, " > maximum ", max));
  } else if (*field < min || *field > max) {
    declaration_errors_.push_back(
        absl::StrCat("option --", o.name_, " has default ", *field,
                     " outside [", min, ", ", max, "]"));
  }
  o.value_hint_ = "INT";
  if (min != std::numeric_limits<int64_t>::min() ||
      max != std::numeric_limits<int64_t>::max()) {
    o.constraint_ = absl::StrCat("Range [", min, ", ", max, "].");
  }
  o.set_ = [field, min, max](std::string_view text) -> std::string {
    int64_t value = 0;
    bool overflow = false;
    if (!ParseInt64(text, &value, &overflow)) {
      return absl::StrCat(Quote(text), overflow ? " is out of the int64 range"
                                                : " is not an integer");
    }
    if (value < min) {
      return absl::StrCat(value, " is below the minimum ", min);
    }
    if (value > max) {
      return absl::StrCat(value, " is above the maximum ", max);
    }
    *field = value;
    return "";
  };
  o.format_ = [field] { return absl::StrCat(*field); };
  o.default_text_ = o.format_();
  return o;
}

Option& Loader::Bool(std::string name, bool* field, std::string help) {
  Option& o = Add(Option::Kind::kBool, std::move(name), std::move(help),
                  field == nullptr);
  if (field == nullptr) return o;
  o.set_ = [field](std::string_view text) -> std::string {
    if (!ParseBool(text, field)) {
      return absl::StrCat(Quote(text), " is not a boolean (true or false)");
    }
    return "";
  };
  o.format_ = [field] { return std::string(*field ? "true" : "false"); };
  o.default_text_ = o.format_();
  return o;
}

Option& Loader::Duration(std::string name, std::chrono::milliseconds* field,
                         std::string help) {
  Option& o = Add(Option::Kind::kDuration, std::move(name), std::move(help),
                  field == nullptr);
  if (field == nullptr) return o;
  if (field->count() < 0) {
    declaration_errors_.push_back(
        absl::StrCat("option --", o.name_, " has a negative default"));
  }
  o.value_hint_ = "DURATION";
  o.set_ = [field](std::string_view text) {
    return ParseDuration(text, field);
  };
  o.format_ = [field] { return FormatDuration(*field); };
  o.default_text_ = o.format_();
  return o;
}

Option& Loader::Enum(std::string name, std::string* field,
                     std::vector<std::string> allowed, std::string help) {
  Option& o = Add(Option::Kind::kEnum, std::move(name), std::move(help),
                  field == nullptr);
  if (field == nullptr) return o;
  // The declared spelling of `value` in any case ("JSON" is "json", as the
  // CLI reads enum values named by proto codes), or null.
  auto spelling = [allowed](std::string_view value) -> const std::string* {
    for (const std::string& a : allowed) {
      if (absl::EqualsIgnoreCase(ToAbsl(a), ToAbsl(value))) return &a;
    }
    return nullptr;
  };
  if (allowed.empty()) {
    declaration_errors_.push_back(
        absl::StrCat("option --", o.name_, " allows no value"));
  } else if (!field->empty() &&
             (spelling(*field) == nullptr || *spelling(*field) != *field)) {
    declaration_errors_.push_back(absl::StrCat("option --", o.name_,
                                               " has default ", Quote(*field),
                                               " outside its allowed values"));
  }
  o.value_hint_ = absl::StrJoin(allowed, "|");
  std::string listed = absl::StrJoin(allowed, ", ");
  o.set_ = [field, spelling, listed](std::string_view text) -> std::string {
    const std::string* canonical = spelling(text);
    if (canonical == nullptr) {
      return absl::StrCat(Quote(text), " is not one of ", listed);
    }
    *field = *canonical;
    return "";
  };
  o.format_ = [field] { return *field; };
  o.default_text_ = *field;
  return o;
}

Option& Loader::List(std::string name, std::vector<std::string>* field,
                     std::string help) {
  Option& o = Add(Option::Kind::kList, std::move(name), std::move(help),
                  field == nullptr);
  if (field == nullptr) return o;
  o.value_hint_ = "A,B,...";
  o.set_ = [field](std::string_view text) {
    *field = SplitList(text);
    return std::string();
  };
  o.format_ = [field] { return absl::StrJoin(*field, ","); };
  o.default_text_ = o.format_();
  return o;
}

Option& Loader::ReadableFile(std::string name, std::string* field,
                             std::string help) {
  Option& o = String(std::move(name), field, std::move(help));
  if (field == nullptr) return o;
  o.kind_ = Option::Kind::kFile;
  o.value_hint_ = "FILE";
  o.check_ = [field] {
    return field->empty() ? std::string() : CheckReadableFile(*field);
  };
  return o;
}

// Pass 1: CLI11 reads argv into what each flag was given, in order. Every
// value is taken as text and converted afterwards, because CLI11's typed
// options and validators throw at the first bad value and every problem is
// to be reported at once (decision 0016).
absl::Status Loader::ReadFlags(int argc, const char* const* argv,
                               std::vector<std::optional<std::string>>& values,
                               std::vector<std::string>& errors,
                               std::vector<std::string>& unknown) {
  std::vector<std::string> args(argv, argv + argc);
  // "--" ends the flags; what follows is arguments, taken here: CLI11 reads
  // a "--" right after a flag that takes a value as the end of that flag's
  // values and goes on reading flags.
  const auto separator = std::find(args.begin() + 1, args.end(), "--");
  std::vector<std::string> literal(
      separator == args.end() ? separator : separator + 1, args.end());
  args.erase(separator, args.end());
  // CLI11 reads "--name=" as "--name" without a value; marking the empty
  // value keeps "--peers=" (an empty list) apart from "--peers" (a value is
  // missing). Only an "=" that is the first is the name's: "--key=abc="
  // is the value "abc=" (Base64 padding, a password's last character).
  for (std::string& arg : args) {
    if (arg.starts_with("--") && arg.find('=') == arg.size() - 1) {
      arg += std::string(kEmptyValue);
    }
  }
  std::vector<const char*> marked;
  for (const std::string& arg : args) marked.push_back(arg.c_str());

  CLI::App app(program_);
  app.allow_extras();  // Unknown flags are collected, and refused below.
  app.set_help_flag("-h,--help");
  // The option (index into options_) behind each CLI11 option, and whether
  // it is the --no- form of a bool.
  std::map<const CLI::Option*, std::pair<size_t, bool>> owner;
  auto every_occurrence = [](CLI::Option* option) {
    return option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  };
  try {
    for (size_t i = 0; i < options_.size(); ++i) {
      const std::string flag = "--" + options_[i]->name_;
      if (options_[i]->kind_ == Option::Kind::kBool) {
        owner[every_occurrence(app.add_flag(flag))] = {i, false};
        // A bare --no-name reads as kNoValue, so that --no-name=true can be
        // refused.
        owner[every_occurrence(app.add_flag(absl::StrCat(
            "--no-", options_[i]->name_, "{", ToAbsl(kNoValue), "}")))] = {
            i, true};
      } else {
        owner[every_occurrence(
            app.add_option(flag)->expected(0, 1)->default_str(
                std::string(kNoValue)))] = {i, false};
      }
    }
    app.add_option("args", positional_);
    app.parse(static_cast<int>(marked.size()), marked.data());
  } catch (const CLI::CallForHelp&) {
    return WithReason(absl::CancelledError("help requested"), kHelpReason);
  } catch (const CLI::Error& error) {
    // Not expected with every value taken as text; the message is left out
    // because it could quote a secret.
    return absl::InvalidArgumentError(absl::StrCat(
        "the command line cannot be read (", error.get_name(), ")"));
  }
  // Only the names: "--pasword=hunter2" must not print the password.
  auto name_of = [](const std::string& arg) {
    return arg.substr(0, arg.find('='));
  };
  std::multiset<std::string> unknown_names;
  for (const std::string& arg : app.remaining()) {
    unknown_names.insert(name_of(arg));
  }
  // CLI11 takes "---x" for an argument; it is a mistyped flag.
  std::vector<std::string> words = std::move(positional_);
  positional_.clear();
  for (std::string& word : words) {
    if (word.starts_with("--")) {
      unknown_names.insert(name_of(word));
    } else {
      positional_.push_back(std::move(word));
    }
  }
  positional_.insert(positional_.end(), literal.begin(), literal.end());
  // Named in the order given.
  for (auto arg = args.begin() + 1; arg != args.end(); ++arg) {
    auto it = unknown_names.find(name_of(*arg));
    if (it == unknown_names.end()) continue;
    unknown.push_back(*it);
    unknown_names.erase(it);
  }
  unknown.insert(unknown.end(), unknown_names.begin(), unknown_names.end());

  // Each occurrence in order, so that the last one given wins.
  std::map<const CLI::Option*, size_t> taken;
  for (const CLI::Option* given : app.parse_order()) {
    auto it = owner.find(given);
    if (it == owner.end()) continue;  // A positional argument.
    const auto [index, negated] = it->second;
    const Option& option = *options_[index];
    std::string text = given->results()[taken[given]++];
    if (text.ends_with(kEmptyValue)) text.clear();
    errors[index].clear();
    if (negated) {
      if (text != kNoValue) {
        errors[index] = absl::StrCat("--no-", option.name_, " takes no value");
      }
      values[index] = "false";
    } else if (text == kNoValue) {
      errors[index] = "missing value";
      values[index] = std::nullopt;
    } else if (option.kind_ == Option::Kind::kList &&
               values[index].has_value()) {
      // A list given more than once takes the items of every occurrence;
      // any other flag, the last.
      values[index] = absl::StrCat(*values[index], ",", text);
    } else {
      values[index] = std::move(text);
    }
  }
  return absl::OkStatus();
}

absl::Status Loader::Load(int argc, const char* const* argv,
                          const EnvLookup& env) {
  positional_.clear();
  if (!declaration_errors_.empty()) {
    return absl::InternalError(absl::StrCat(
        "bad option declarations: ", absl::StrJoin(declaration_errors_, "; ")));
  }
  std::vector<std::optional<std::string>> flag_value(options_.size());
  std::vector<std::string> flag_error(options_.size());
  std::vector<std::string> unknown;
  CC_RETURN_IF_ERROR(ReadFlags(argc, argv, flag_value, flag_error, unknown));

  // Pass 2: set each option from its flag, else its variable, and check it.
  std::vector<std::string> errors;
  for (const std::string& flag : unknown) {
    errors.push_back(absl::StrCat("unknown flag ", flag));
  }
  for (size_t i = 0; i < options_.size(); ++i) {
    Option& option = *options_[i];
    option.source_ = Option::Source::kDefault;
    std::optional<std::string> text;
    Option::Source source = Option::Source::kFlag;
    if (!flag_error[i].empty()) {
      errors.push_back(Subject(option) + flag_error[i]);
      continue;
    }
    if (flag_value[i].has_value()) {
      text = flag_value[i];
    } else if (std::optional<std::string> value = env(option.env_);
               value.has_value() && !value->empty()) {
      text = std::move(value);
      source = Option::Source::kEnv;
    }
    if (!text.has_value()) {
      if (option.required_) {
        errors.push_back(Subject(option) + "required but not set");
        continue;
      }
    } else if (std::string error = option.set_(*text); !error.empty()) {
      errors.push_back(Subject(option) + error);
      continue;
    } else {
      option.source_ = source;
    }
    if (option.check_) {
      if (std::string error = option.check_(); !error.empty()) {
        errors.push_back(Subject(option) + error);
      }
    }
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  }
  return absl::OkStatus();
}

std::string Loader::Usage() const {
  std::string out = absl::StrCat("Usage: ", program_, " [flags] [args...]\n");
  if (!summary_.empty()) {
    absl::StrAppend(&out, summary_, summary_.back() == '\n' ? "" : "\n");
  }
  std::vector<std::string> names;
  for (const std::unique_ptr<Option>& o : options_) names.push_back(o->name_);
  absl::StrAppend(&out, "\n", FlagsUsage(names));
  absl::StrAppend(&out, "  --help, -h\n      Print this text and exit.\n");
  return out;
}

std::string Loader::FlagsUsage(const std::vector<std::string>& names) const {
  std::string out =
      "Flags (a flag overrides its environment variable, which overrides the "
      "default):\n";
  for (const std::unique_ptr<Option>& o : options_) {
    if (std::find(names.begin(), names.end(), o->name_) == names.end()) {
      continue;
    }
    if (o->kind_ == Option::Kind::kBool) {
      absl::StrAppend(&out, "  --[no-]", o->name_);
    } else {
      absl::StrAppend(&out, "  --", o->name_, "=", o->value_hint_);
    }
    absl::StrAppend(&out, "  (env ", o->env_, ")\n");
    size_t start = 0;
    while (start < o->help_.size()) {
      size_t end = o->help_.find('\n', start);
      if (end == std::string::npos) end = o->help_.size();
      absl::StrAppend(
          &out, "      ",
          ToAbsl(std::string_view(o->help_).substr(start, end - start)), "\n");
      start = end + 1;
    }
    std::vector<std::string> notes;
    if (!o->constraint_.empty()) notes.push_back(o->constraint_);
    if (o->required_) notes.push_back("Required.");
    if (o->kind_ == Option::Kind::kSecret) {
      notes.push_back("Secret: never printed.");
    } else if (!o->default_text_.empty()) {
      notes.push_back(absl::StrCat("Default: ", o->default_text_, "."));
    }
    if (!notes.empty()) {
      absl::StrAppend(&out, "      ", absl::StrJoin(notes, " "), "\n");
    }
  }
  return out;
}

std::string Loader::Describe() const {
  std::string out;
  for (const std::unique_ptr<Option>& o : options_) {
    std::string value = o->format_();
    if (o->kind_ == Option::Kind::kSecret && !value.empty()) {
      value = std::string(kRedacted);
    }
    std::string source;
    switch (o->source_) {
      case Option::Source::kDefault:
        source = "default";
        break;
      case Option::Source::kEnv:
        source = absl::StrCat("env ", o->env_);
        break;
      case Option::Source::kFlag:
        source = "flag";
        break;
    }
    absl::StrAppend(&out, "--", o->name_, "=", value, " (", source, ")\n");
  }
  return out;
}

}  // namespace cellchain::config
