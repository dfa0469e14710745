// The command line of a benchmark or test tool (append_bench, load_bench,
// acked_check, ...), read as every cellchain binary reads its flags:
// config::Loader on CLI11 (decisions 0008 and 0016). So each tool has
// --help, refuses unknown flags and arguments naming them, names the flag
// and the rule of a bad value, and reports every problem at once.
//
//   bench::ToolFlags tool("append_bench", "What the audited write costs.");
//   tool.Int("seconds", &flags.seconds, 1, kAnyInt, "Seconds each run.");
//   tool.loader().String("pgbench", &flags.pgbench, "pgbench's path.");
//   tool.LoadOrExit(argc, argv);
//
// A flag can also be set through the environment variable named after the
// tool (load_bench --duration: LOAD_BENCH_DURATION); CELLCHAIN_* belong to
// the services, whose settings would otherwise leak into a tool.
//
// Thread-safety: from main() only, like config::Loader.
#ifndef CELLCHAIN_SERVICES_LEDGER_BENCH_TOOL_FLAGS_H_
#define CELLCHAIN_SERVICES_LEDGER_BENCH_TOOL_FLAGS_H_

#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/common/config/config.h"

namespace cellchain::bench {

// The largest value of an int flag: any the field can hold.
inline constexpr int kAnyInt = std::numeric_limits<int>::max();

class ToolFlags {
 public:
  // `program` heads the usage text and every message; `summary` is shown
  // under the usage line.
  ToolFlags(std::string program, std::string summary);

  // Where the flags are declared (String, Bool, Int64, ...).
  config::Loader& loader() { return loader_; }

  // A decimal integer in [min, max] into an int field (config::Loader's
  // integers are int64_t).
  config::Option& Int(std::string name, int* field, int min, int max,
                      std::string help);

  // "--name (VAR): what", as config::Loader names a flag in a problem.
  std::string Problem(std::string_view name, std::string_view what) const;

  // Reads argv. Returns when every flag was read and `check` (rules between
  // flags, each problem naming its flags) found nothing wrong. Otherwise
  // exits: 0 after printing the usage on stdout for --help or -h; 2 after
  // printing every problem on stderr, one a line, "PROGRAM: --flag (VAR):
  // what is wrong", an argument that is not a flag among them.
  void LoadOrExit(int argc, const char* const* argv,
                  const std::function<std::vector<std::string>()>& check = {});

 private:
  std::string program_;
  config::Loader loader_;
  // The int64_t each Int flag is loaded into, and the int it goes to.
  std::deque<std::pair<int64_t, int*>> ints_;
};

}  // namespace cellchain::bench

#endif  // CELLCHAIN_SERVICES_LEDGER_BENCH_TOOL_FLAGS_H_
