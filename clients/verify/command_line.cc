#include "clients/verify/command_line.h"

#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::verify {
namespace {

const FlagSpec* FindSpec(std::span<const FlagSpec> specs,
                         std::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<std::string> ParsedArgs::Required(std::string_view name) const {
  auto it = flags.find(name);
  if (it == flags.end()) {
    return absl::InvalidArgumentError(absl::StrCat("missing --", ToAbsl(name)));
  }
  return it->second.front();
}

absl::StatusOr<ParsedArgs> ParseArgs(std::span<const std::string> args,
                                     std::span<const FlagSpec> specs) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg == "-" || arg.empty() || arg[0] != '-') {
      parsed.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      return parsed;
    }
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option ", arg, " (options are --name)"));
    }
    std::string_view body = std::string_view(arg).substr(2);
    std::string_view name = body;
    std::string value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      name = body.substr(0, eq);
      value = std::string(body.substr(eq + 1));
      has_value = true;
    }
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", ToAbsl(name)));
    }
    if (!has_value) {
      if (i + 1 == args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", ToAbsl(name), " needs a value"));
      }
      value = args[++i];
    }
    std::vector<std::string>& values = parsed.flags[std::string(name)];
    if (!values.empty() && !spec->repeatable) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", ToAbsl(name), " given more than once"));
    }
    values.push_back(std::move(value));
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
