// Strict command-line parsing for cellchain-verify: long flags read by
// CLI11 ("--name value" or "--name=value", as every cellchain binary reads
// them; decision 0016), positional arguments, and the value syntaxes the
// commands accept. Anything unexpected is an error rather than a guess,
// because a verifier that misreads its input verifies the wrong thing.
//
// Every error here is INVALID_ARGUMENT with a message naming the flag or
// argument; the caller turns it into a usage error (exit status 2).
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_VERIFY_COMMAND_LINE_H_
#define CELLCHAIN_CLIENTS_VERIFY_COMMAND_LINE_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/ledger/merkle.h"

namespace cellchain::verify {

// A flag a command accepts, without its leading "--".
struct FlagSpec {
  std::string_view name;
  bool repeatable = false;
};

struct ParsedArgs {
  // Values by flag name, in command-line order.
  std::map<std::string, std::vector<std::string>, std::less<>> flags;
  std::vector<std::string> positional;
  // "--help" or "-h" was given; flags and positionals are then left empty.
  bool help = false;

  // The flag's single value, or INVALID_ARGUMENT naming it when absent.
  absl::StatusOr<std::string> Required(std::string_view name) const;
};

// Splits `args` by `specs`, with CLI11. "--" ends the flags; "-" is a
// positional argument (stdin); "--name=" is an empty value. A value that
// starts with '-' and is not a negative number must use the '=' form
// ("--keyring=-k"): "--keyring -k" is a flag without its value and an
// unknown flag -k. Any other argument starting with '-' but "-" ("-1",
// "---x") is an unknown flag. "--help" or "-h" anywhere before "--" asks
// for help, even with unknown flags or a flag missing its value, but not
// with a flag given twice (CLI11 refuses that first).
// INVALID_ARGUMENT: unknown flags (all named, in order) and flags without
// their value, all in one message; a non-repeatable flag given twice.
absl::StatusOr<ParsedArgs> ParseArgs(std::span<const std::string> args,
                                     std::span<const FlagSpec> specs);

// Decimal digits only: no sign, no spaces, no leading zero (except "0"),
// at most 2^64 - 1. `what` names the value in messages.
absl::StatusOr<uint64_t> ParseDecimal(std::string_view text,
                                      std::string_view what);

// Hex of either case, an even number of digits. "" is zero bytes.
absl::StatusOr<std::string> ParseHexBytes(std::string_view text,
                                          std::string_view what);

// Hex of exactly 32 bytes.
absl::StatusOr<ledger::Hash> ParseHashHex(std::string_view text,
                                          std::string_view what);

// Comma-separated 32-byte hex hashes; "" is the empty list. An empty item
// (",,", a leading or trailing comma) is refused.
absl::StatusOr<std::vector<ledger::Hash>> ParseHashList(std::string_view text,
                                                        std::string_view what);

}  // namespace cellchain::verify

#endif  // CELLCHAIN_CLIENTS_VERIFY_COMMAND_LINE_H_
