// Support shared by the database benchmarks (never linked into a service): a
// shell runner and a throwaway PostgreSQL cluster, made by the same fixture
// script as the tests and migrated with this build's cellchaind, removed at
// exit. Thread-safety: call from main() only.
#ifndef CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_CLUSTER_H_
#define CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_CLUSTER_H_

#include <string>
#include <utility>

#include "absl/status/status.h"

namespace cellchain::bench {

// Runs a shell command; returns its exit status and combined output.
std::pair<int, std::string> Shell(const std::string& command);

// Starts a cluster in a new /tmp/<stem>-XXXXXX on `port`, removed by an
// atexit handler (so exit() after a failure removes it too), and points
// CELLCHAIN_TEST_PG / CELLCHAIN_TEST_PG_TEMPLATE at it for TestDatabase.
// INTERNAL with the fixture's output when it cannot start.
absl::Status StartThrowawayCluster(const std::string& stem, int port);

}  // namespace cellchain::bench

#endif  // CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_CLUSTER_H_
