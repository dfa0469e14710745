#include "clients/verify/command_line.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::verify {
namespace {

// What CLI11 hands back for a flag given without a value, and what marks an
// empty value given with '=' (CLI11 reads "--proof=" as "--proof" without
// a value, and would then take the next argument for it); no command line
// holds them.
constexpr std::string_view kNoValue =
    "\x01"
    "cellchain-verify:no-value\x01";
constexpr std::string_view kEmptyValue =
    "\x01"
    "cellchain-verify:empty\x01";

// "--name=" exactly: the first '=' ends the argument. "--vkey=a+b+c=" is a
// value ending in '=', not an empty one.
bool IsEmptyValueForm(std::string_view arg) {
  return arg.starts_with("--") && arg.find('=') == arg.size() - 1;
}

// A word CLI11 left over that was meant as a flag: anything starting with
// '-' but "-" (standard input). CLI11 leaves "---x" and "-1" as arguments;
// here they are refused, as a misspelt flag and as a flag no command has.
bool LooksLikeFlag(std::string_view word) {
  return word.size() > 1 && word.front() == '-';
}

}  // namespace

absl::StatusOr<std::string> ParsedArgs::Required(std::string_view name) const {
  auto it = flags.find(name);
  if (it == flags.end()) {
    return absl::InvalidArgumentError(absl::StrCat("missing --", ToAbsl(name)));
  }
  return it->second.front();
}

// One CLI::App per command, built here from the command's FlagSpec list,
// rather than one App with a subcommand per command: the command table, its
// groups ("rfc6962 inclusion") and its usage texts stay in verify.cc, and a
// CLI11 subcommand tree would read an argument that happens to name a
// command (a FILE called "bundle") as that command.
//
// Every value is taken as text (expected(0, 1)) and converted by the
// command, so that a flag without its value is ours to name; CLI11 enforces
// "once" (MultiOptionPolicy::Throw) and reads "--name value",
// "--name=value", negative numbers and -h/--help as in every cellchain
// binary (decision 0016). CLI11 reports by throwing; every exception is
// caught here, so none leaves this function (decision 0003).
absl::StatusOr<ParsedArgs> ParseArgs(std::span<const std::string> args,
                                     std::span<const FlagSpec> specs) {
  ParsedArgs parsed;
  // "--" ends the flags; what follows is taken here, because CLI11 reads a
  // "--" right after a flag that wants a value as the end of that flag's
  // values and goes on reading flags.
  const auto separator = std::find(args.begin(), args.end(), "--");
  // CLI11 wants the arguments last first.
  std::vector<std::string> reversed;
  for (auto arg = std::make_reverse_iterator(separator); arg != args.rend();
       ++arg) {
    reversed.push_back(IsEmptyValueForm(*arg)
                           ? absl::StrCat(*arg, ToAbsl(kEmptyValue))
                           : *arg);
  }

  CLI::App app;
  // Unknown flags and positional arguments are left over, in order, and
  // told apart below: a positional option of CLI11's would split "[a,b]"
  // into two arguments.
  app.allow_extras();
  app.set_help_flag("-h,--help");
  std::vector<std::pair<const FlagSpec*, CLI::Option*>> options;
  try {
    for (const FlagSpec& spec : specs) {
      CLI::Option* option =
          app.add_option(absl::StrCat("--", ToAbsl(spec.name)))
              ->expected(0, 1)
              ->default_str(std::string(kNoValue))
              ->multi_option_policy(spec.repeatable
                                        ? CLI::MultiOptionPolicy::TakeAll
                                        : CLI::MultiOptionPolicy::Throw);
      options.emplace_back(&spec, option);
    }
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    parsed.help = true;
    return parsed;
  } catch (const CLI::ArgumentMismatch& error) {
    // CLI11 stops at the repeated flag before it reaches a -h typed
    // earlier (it reads the arguments last first); --help wins over every
    // other problem, as in every cellchain binary.
    if (std::find_if(args.begin(), separator, [](const std::string& arg) {
          return arg == "-h" || arg == "--help";
        }) != separator) {
      parsed.help = true;
      return parsed;
    }
    for (const auto& [spec, option] : options) {
      if (!spec->repeatable && option->count() > 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", ToAbsl(spec->name), " given more than once"));
      }
    }
    return absl::InvalidArgumentError(error.what());
  } catch (const CLI::Error& error) {
    return absl::InvalidArgumentError(
        absl::StrCat("the command line cannot be read: ", error.get_name(),
                     ": ", error.what()));
  }

  // Every problem at once: unknown flags, named up to their '=' in the
  // order given, then flags missing their value.
  std::vector<std::string> problems;
  for (std::string& word : app.remaining()) {
    if (LooksLikeFlag(word)) {
      problems.push_back(
          absl::StrCat("unknown option ", word.substr(0, word.find('='))));
    } else {
      parsed.positional.push_back(std::move(word));
    }
  }
  if (!problems.empty()) {
    std::vector<std::string> known;
    for (const FlagSpec& spec : specs) {
      known.push_back(absl::StrCat("--", ToAbsl(spec.name)));
    }
    problems.back() +=
        known.empty()
            ? " (this command takes no options)"
            : absl::StrCat(" (options: ", absl::StrJoin(known, ", "), ")");
  }
  for (const auto& [spec, option] : options) {
    if (option->count() == 0) continue;
    std::vector<std::string>& values = parsed.flags[std::string(spec->name)];
    for (const std::string& result : option->results()) {
      if (result == kNoValue) {
        problems.push_back(
            absl::StrCat("--", ToAbsl(spec->name), " needs a value"));
      }
      values.push_back(result == kEmptyValue ? "" : result);
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  }
  if (separator != args.end()) {
    parsed.positional.insert(parsed.positional.end(), separator + 1,
                             args.end());
  }
  return parsed;
}

absl::StatusOr<uint64_t> ParseDecimal(std::string_view text,
                                      std::string_view what) {
  auto bad = [&]() {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(what),
                     " must be a decimal number without sign or leading "
                     "zeros, at most 18446744073709551615; got \"",
                     ToAbsl(text), "\""));
  };
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return bad();
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    uint64_t digit = c - '0';
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return bad();
    }
    value = value * 10 + digit;
  }
  return value;
}

absl::StatusOr<std::string> ParseHexBytes(std::string_view text,
                                          std::string_view what) {
  absl::StatusOr<std::string> bytes = crypto::HexDecode(text);
  if (!bytes.ok()) return Annotate(bytes.status(), what);
  return bytes;
}

absl::StatusOr<ledger::Hash> ParseHashHex(std::string_view text,
                                          std::string_view what) {
  CC_ASSIGN_OR_RETURN(std::string bytes, ParseHexBytes(text, what));
  absl::StatusOr<ledger::Hash> hash = ledger::HashFromBytes(bytes);
  if (!hash.ok()) return Annotate(hash.status(), what);
  return hash;
}

absl::StatusOr<std::vector<ledger::Hash>> ParseHashList(std::string_view text,
                                                        std::string_view what) {
  std::vector<ledger::Hash> hashes;
  if (text.empty()) return hashes;
  size_t item = 0;
  while (true) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    std::string label = absl::StrCat(ToAbsl(what), " item ", item);
    if (part.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(label, " is empty"));
    }
    CC_ASSIGN_OR_RETURN(ledger::Hash hash, ParseHashHex(part, label));
    hashes.push_back(hash);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    ++item;
  }
  return hashes;
}

}  // namespace cellchain::verify
