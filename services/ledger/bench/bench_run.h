// What every database benchmark does around its figures (never linked into
// a service): stops with its name and a reason when something fails, says
// which machine and which PostgreSQL it measured, and opens the fresh
// database it measures in, on the ctest fixture's cluster or a throwaway
// one (bench_cluster.h). Messages begin with the program's name as it was
// invoked (glibc's program_invocation_short_name), so each benchmark keeps
// its own prefix without passing it around.
//
// Thread-safety: Die, Fail, OrDie, FirstLine and Setting (on a connection
// the caller owns) may be called from any thread; the rest from main() only.
#ifndef CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_RUN_H_
#define CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_RUN_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/pg/connection.h"
#include "services/common/testing/test_database.h"

namespace cellchain::bench {

// Prints "<name>: <problem>" and "usage: <name> <flags>" to stderr and exits
// with status 2.
[[noreturn]] void Usage(const std::string& problem, const std::string& flags);

// Prints "<name>: <what>: <status>" to stderr and exits with status 1 (which
// runs the atexit handler that removes a throwaway cluster).
[[noreturn]] void Die(const std::string& what, const absl::Status& status);

// Prints "<name>: <what>" to stderr and exits with status 1.
[[noreturn]] void Fail(const std::string& what);

// Dies unless `status` is OK.
void OrDie(const absl::Status& status, const std::string& what);

// The value, or dies with its status.
template <typename T>
T OrDie(absl::StatusOr<T> value, const std::string& what) {
  if (!value.ok()) Die(what, value.status());
  return *std::move(value);
}

// `text` up to its first newline.
std::string FirstLine(const std::string& text);

// Makes SIGINT and SIGTERM exit with status 130, so that Ctrl-C too removes
// a throwaway cluster (exit runs the atexit handler; a signal would not).
void ExitOnSignals();

// The machine the figures come from: "<cores> cores, <CPU model>; <kernel>".
std::string Machine();

// The 1, 5 and 15 minute load averages: how busy the machine was anyway.
std::string LoadAverage();

// The first column of the first row `sql` returns (e.g. "SHOW fsync"), or
// "?" when it fails: for describing the server, never fatal.
std::string Setting(pg::Connection& conn, const std::string& sql);

// A fresh database copied from the migrated template, and a superuser
// connection to it.
struct Database {
  std::unique_ptr<testing::TestDatabase> db;
  pg::Connection admin;
};

// Opens a Database on the cluster the ctest fixture's environment names
// (CELLCHAIN_TEST_PG set and not empty), else first starts a throwaway
// cluster in /tmp/<stem>-XXXXXX on `port` (StartThrowawayCluster). Dies
// when the cluster, the database or the connection cannot be had.
Database OpenDatabaseOrDie(const std::string& stem, int port);

}  // namespace cellchain::bench

#endif  // CELLCHAIN_SERVICES_LEDGER_BENCH_BENCH_RUN_H_
