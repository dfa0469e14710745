// Support shared by the database benchmarks (never linked into a service): a
// shell runner and a throwaway PostgreSQL cluster, made by the same fixture
// script as the tests and migrated with this build's cellchaind, removed at
// exit. Thread-safety: call from main() only.
#ifndef CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_CLUSTER_H_
#define CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_CLUSTER_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace cellchain::bench {

// Runs a shell command; returns its exit status and combined output.
std::pair<int, std::string> Shell(const std::string& command);

// Starts a cluster in a new /tmp/<stem>-XXXXXX on `port`, removed by an
// atexit handler (so exit() after a failure removes it too), and points
// CELLCHAIN_TEST_PG / CELLCHAIN_TEST_PG_TEMPLATE at it for TestDatabase.
// INTERNAL with the fixture's output when it cannot start.
absl::Status StartThrowawayCluster(const std::string& stem, int port);

// Reads every argument as "--NAME=N" with N an integer >= `min`, stored in
// each of `targets(NAME)` (empty: an unknown flag; several: an alias that
// sets them all). Returns "" when every argument was read, otherwise the
// problem, for the benchmark's usage line.
std::string ParseIntFlags(
    int argc, char** argv, int min,
    const std::function<std::vector<int*>(std::string_view name)>& targets);

}  // namespace cellchain::bench

#endif  // CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_CLUSTER_H_
