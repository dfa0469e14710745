// cellchain::config fills one configuration struct per binary from command
// line flags and environment variables, and validates it at startup, so that
// a misconfigured process refuses to start and says exactly what to fix.
//
// Options are declared by binding each to a field of the struct; the value a
// field holds when it is bound is the option's default:
//
//   struct ServerConfig {
//     std::string listen = "0.0.0.0:7443";
//     int64_t pg_pool_size = 8;
//     std::string pg_password;
//     std::chrono::milliseconds deadline{5000};
//   };
//
//   ServerConfig cfg;
//   config::Loader loader("cellchaind", "CELLCHAIN");
//   loader.String("listen", &cfg.listen, "Address to serve gRPC on.");
//   loader.Int64("pg-pool-size", &cfg.pg_pool_size, 1, 64,
//                "Connections in the PostgreSQL pool.");
//   loader.Secret("pg-password", &cfg.pg_password, "PostgreSQL password.")
//       .Required();
//   loader.Duration("deadline", &cfg.deadline, "Deadline of each RPC.");
//   absl::Status status = loader.Load(argc, argv);
//   if (config::IsHelpRequested(status)) {
//     std::cout << loader.Usage();
//     return 0;
//   }
//   if (!status.ok()) {
//     std::cerr << status.message() << "\n";
//     return 2;
//   }
//
// Sources, highest precedence first:
//   1. flags, read by CLI11 as every cellchain binary reads them (decision
//      0016): --name=value or --name value; a bool also takes --name (true)
//      and --no-name (false). A flag given twice keeps its last value. "--"
//      ends the flags. A value starting with "-" must use the "=" form,
//      unless it is a negative number; -h and --help anywhere before "--"
//      ask for help.
//   2. the environment variable <PREFIX>_<NAME>: the name in upper snake
//      case (prefix CELLCHAIN: --pg-pool-size <-> CELLCHAIN_PG_POOL_SIZE). A
//      variable set to "" counts as unset (compose files write FOO= for that).
//   3. the default.
// Arguments that are not flags are collected, in order, in positional()
// (binaries use the first as a subcommand).
//
// Secret options (passwords, tokens) are never printed: not in Usage(), not
// in Describe(), not in any error. Prefer the environment for them, since any
// user on the host can read a process's flags.
//
// Thread-safety: a Loader is used from main() alone. Declaring and loading
// are not safe to run concurrently with anything else on the same Loader, and
// Load writes the bound fields.
#ifndef CELLCHAIN_SERVICES_COMMON_CONFIG_CONFIG_H_
#define CELLCHAIN_SERVICES_COMMON_CONFIG_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace cellchain::config {

// Looks an environment variable up by name; nullopt when it is not set.
using EnvLookup =
    std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
std::optional<std::string> GetEnv(const std::string& name);

// True iff `status` is Load's answer to --help or -h.
bool IsHelpRequested(const absl::Status& status);

// One declared option. Returned by the Loader's declaring methods so that
// properties can be chained: loader.Secret(...).Required();
class Option {
 public:
  Option(const Option&) = delete;
  Option& operator=(const Option&) = delete;

  // Load fails unless a flag or the environment variable sets the option.
  Option& Required();

 private:
  friend class Loader;
  enum class Kind {
    kString,
    kSecret,
    kInt64,
    kBool,
    kDuration,
    kEnum,
    kList,
    kFile
  };
  enum class Source { kDefault, kEnv, kFlag };

  Option(Kind kind, std::string name, std::string env, std::string help)
      : kind_(kind),
        name_(std::move(name)),
        env_(std::move(env)),
        help_(std::move(help)) {}

  Kind kind_;
  std::string name_;  // Without the leading "--".
  std::string env_;
  std::string help_;
  bool required_ = false;
  Source source_ = Source::kDefault;
  std::string value_hint_;    // "INT", "DURATION", "json|text", ...
  std::string constraint_;    // "Range [1, 64]." for the usage text.
  std::string default_text_;  // The default, formatted at declaration.
  // Parses `text` into the bound field. Returns what is wrong ("" if OK);
  // the message must not quote `text` for a secret.
  std::function<std::string(std::string_view text)> set_;
  std::function<std::string()> format_;  // The field's current value.
  // Final check of the value wherever it came from ("" if OK); may be empty.
  std::function<std::string()> check_;
};

class Loader {
 public:
  // `program` heads the usage text. `env_prefix` (e.g. "CELLCHAIN") names
  // the environment variables; "" means no prefix.
  Loader(std::string program, std::string env_prefix);
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;
  ~Loader();

  // Text shown under the usage line, e.g. the subcommands.
  void set_summary(std::string summary) { summary_ = std::move(summary); }

  // Declaring methods. `name` is lowercase kebab case ("pg-pool-size");
  // `field` must outlive the Loader. A bad declaration (malformed or
  // duplicate name, null field, min > max, a default outside the allowed
  // values) is a programming error that Load reports as INTERNAL.
  Option& String(std::string name, std::string* field, std::string help);
  // Like String, but the value is never printed.
  Option& Secret(std::string name, std::string* field, std::string help);
  // A decimal integer in [min, max].
  Option& Int64(std::string name, int64_t* field, int64_t min, int64_t max,
                std::string help);
  // true/false (also 1/0); see the flag forms above.
  Option& Bool(std::string name, bool* field, std::string help);
  // A non-negative duration: a number with a unit (250ms, 30s, 5m, 2h) or a
  // bare number of milliseconds.
  Option& Duration(std::string name, std::chrono::milliseconds* field,
                   std::string help);
  // One of `allowed`, in any case ("JSON" sets "json": the field always
  // holds the declared spelling). An empty default means unset.
  Option& Enum(std::string name, std::string* field,
               std::vector<std::string> allowed, std::string help);
  // Comma-separated; items are trimmed of spaces and empty items dropped.
  // Given more than once, the items of every occurrence, in order.
  Option& List(std::string name, std::vector<std::string>* field,
               std::string help);
  // A path to a file that must exist and be readable when Load returns
  // (the default is checked too, unless it is empty).
  Option& ReadableFile(std::string name, std::string* field, std::string help);

  // Fills the bound fields from `argv` (argv[0] is the program) and `env`.
  //   OK                everything parsed and validated;
  //   CANCELLED         --help or -h was given: IsHelpRequested() is true,
  //                     print Usage() and exit 0; nothing else is checked;
  //   INVALID_ARGUMENT  unknown flags, or options with bad, missing or
  //                     out-of-range values. The message lists every problem,
  //                     one per line, each naming the flag and its variable:
  //                     "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): 0 is below
  //                     the minimum 1". Fields of options that failed keep
  //                     their defaults;
  //   INTERNAL          a bad declaration (see above).
  absl::Status Load(int argc, const char* const* argv,
                    const EnvLookup& env = GetEnv);

  // Arguments other than flags, in order, from the last Load.
  const std::vector<std::string>& positional() const { return positional_; }

  // Usage text: every option with its value form, environment variable,
  // help, constraint and default (secrets show no default).
  std::string Usage() const;
  // The same for the options named in `names` only (in declaration order),
  // under a "Flags" heading: the part of a subcommand's help about its own
  // flags.
  std::string FlagsUsage(const std::vector<std::string>& names) const;

  // The effective configuration after Load, one "--name=value (source)"
  // line per option, for the startup log. Secrets show as <redacted>.
  std::string Describe() const;

  // The environment variable of option `name` ("pg-pool-size" ->
  // "CELLCHAIN_PG_POOL_SIZE").
  std::string EnvVarFor(std::string_view name) const;

 private:
  Option& Add(Option::Kind kind, std::string name, std::string help,
              bool field_is_null);
  Option* Find(std::string_view name);
  // Load's first pass: reads argv with CLI11 into each option's flag text
  // (`values`) or flag problem (`errors`), the unknown flags' names and
  // positional(). CANCELLED (IsHelpRequested) for --help or -h.
  absl::Status ReadFlags(int argc, const char* const* argv,
                         std::vector<std::optional<std::string>>& values,
                         std::vector<std::string>& errors,
                         std::vector<std::string>& unknown);
  // "--name (ENV_VAR): " for error messages.
  static std::string Subject(const Option& option);

  std::string program_;
  std::string env_prefix_;
  std::string summary_;
  std::vector<std::unique_ptr<Option>> options_;
  std::vector<std::string> declaration_errors_;
  std::vector<std::string> positional_;
};

}  // namespace cellchain::config

#endif  // CELLCHAIN_SERVICES_COMMON_CONFIG_CONFIG_H_
