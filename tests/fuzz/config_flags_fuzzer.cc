// Fuzz target: a command line and environment as every cellchain binary
// reads them (services/common/config/config.h, on CLI11). The input is
// split at NUL bytes into arguments; an argument starting with "env:" is
// instead an environment variable "NAME=value". The loader declares one
// option of each kind, as cellchaind's does. Besides "no crash" (CLI11
// reports by throwing, and nothing may escape Load), it checks:
//   - Load answers OK, CANCELLED (help) or INVALID_ARGUMENT only: INTERNAL
//     would mean these fixed declarations were refused;
//   - every field holds a value its option allows, whatever failed;
//   - the secret's value, when set, is in no error message, usage text or
//     description (unless some other argument or variable holds the same
//     text, where it would be quoted as that one).

#include <bitset>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "services/common/config/config.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace config = cellchain::config;

constexpr char kSecretDefault[] = "default-secret-value";
constexpr size_t kMaxArguments = 64;

struct Config {
  std::string listen = "0.0.0.0:7443";
  int64_t pool_size = 8;
  bool verbose = false;
  std::chrono::milliseconds deadline{5000};
  std::string log_format = "json";
  std::vector<std::string> peers = {"a", "b"};
  std::string password = kSecretDefault;
};

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The options of a typical server binary, bound to `cfg`.
void Declare(config::Loader& loader, Config& cfg) {
  loader.set_summary("Commands: serve, migrate.");
  loader.String("listen", &cfg.listen, "Address to serve gRPC on.");
  loader.Int64("pg-pool-size", &cfg.pool_size, 1, 64,
               "Connections in the PostgreSQL pool.");
  loader.Bool("verbose", &cfg.verbose, "Log debug lines.");
  loader.Duration("deadline", &cfg.deadline, "Deadline of each RPC.");
  loader.Enum("log-format", &cfg.log_format, {"json", "text"},
              "Log line format.");
  loader.List("peers", &cfg.peers, "Peer addresses.");
  loader.Secret("pg-password", &cfg.password, "PostgreSQL password.");
}

// The bytes the loader writes of its own accord: its usage, and the
// description of the defaults with every source it names. A secret with
// none of its bytes outside these could be the loader's own words
// ("sword=<redacted> (env CELLCHAI" is), so only a secret holding some
// other byte is looked for in what the loader prints.
const std::bitset<256>& OwnBytes() {
  static const std::bitset<256>* own = [] {
    Config cfg;
    config::Loader loader("cellchaind", "CELLCHAIN");
    Declare(loader, cfg);
    const char* argv[] = {"cellchaind"};
    absl::Status status =
        loader.Load(1, argv, [](const std::string&) { return std::nullopt; });
    FUZZ_CHECK(status.ok(), "the fixed declarations load");
    auto* bytes = new std::bitset<256>;
    for (const std::string& text :
         {loader.Usage(), loader.Describe(),
          std::string("(env flag default) <redacted>=,:\n\t")}) {
      for (char c : text) bytes->set(static_cast<unsigned char>(c));
    }
    return bytes;
  }();
  return *own;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args = {"cellchaind"};
  std::map<std::string, std::string> env;
  std::vector<std::string> env_values;
  size_t begin = 0;
  while (begin <= input.size() && args.size() + env.size() < kMaxArguments) {
    size_t end = input.find('\0', begin);
    if (end == std::string_view::npos) end = input.size();
    std::string_view arg = input.substr(begin, end - begin);
    begin = end + 1;
    if (arg.starts_with("env:")) {
      arg.remove_prefix(4);
      size_t equals = arg.find('=');
      if (equals == std::string_view::npos) continue;
      env[std::string(arg.substr(0, equals))] =
          std::string(arg.substr(equals + 1));
      env_values.emplace_back(arg.substr(equals + 1));
    } else {
      args.emplace_back(arg);
    }
  }

  Config cfg;
  config::Loader loader("cellchaind", "CELLCHAIN");
  Declare(loader, cfg);

  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  absl::Status status = loader.Load(
      static_cast<int>(argv.size()), argv.data(),
      [&env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
      });
  FUZZ_CHECK(status.ok() || config::IsHelpRequested(status) ||
                 status.code() == absl::StatusCode::kInvalidArgument,
             "Load answers OK, help or INVALID_ARGUMENT");
  FUZZ_CHECK(cfg.pool_size >= 1 && cfg.pool_size <= 64,
             "an Int64 field stays in its range");
  FUZZ_CHECK(cfg.deadline.count() >= 0, "a duration is not negative");
  FUZZ_CHECK(cfg.log_format == "json" || cfg.log_format == "text",
             "an enum field holds an allowed value");

  const std::string& secret = cfg.password;
  if (secret != kSecretDefault && secret.size() >= 8) {
    // Only where neither the loader's own words (OwnBytes) nor anything
    // else the caller gave can hold the same text: an unknown flag
    // "--x=<secret>" is rightly quoted as itself.
    bool elsewhere = true;
    for (char c : secret) {
      if (!OwnBytes().test(static_cast<unsigned char>(c))) elsewhere = false;
    }
    // The one argument that gave the secret; a second one holding the same
    // text is another argument (an unknown flag, say) quoted as itself.
    auto from_env = env.find("CELLCHAIN_PG_PASSWORD");
    int givers = from_env != env.end() && from_env->second == secret ? 1 : 0;
    for (size_t i = 1; i < args.size() && !elsewhere; ++i) {
      std::string_view arg = args[i];
      if (arg == secret ||  // --pg-password <secret>
          (arg.starts_with("--pg-password=") && arg.substr(14) == secret)) {
        elsewhere = ++givers > 1;
        continue;
      }
      elsewhere = Contains(arg, secret);
    }
    for (const std::string& value : env_values) {
      if (value != secret && Contains(value, secret)) elsewhere = true;
    }
    if (!elsewhere) {
      FUZZ_CHECK(!Contains(std::string(status.message()), secret),
                 "the secret is in no error message");
      FUZZ_CHECK(!Contains(loader.Describe(), secret),
                 "the secret is not in the description");
    }
  }
  return 0;
}
