// The reference a load run is compared with: pgbench, one single-row INSERT
// per transaction, against the stack's own PostgreSQL server but in a scratch
// database and table of its own (never cellchain's).
// Thread-safety: runs child processes; call from one thread at a time.
#ifndef CELLCHAIN_TESTS_LOAD_PGBENCH_RUN_H_
#define CELLCHAIN_TESTS_LOAD_PGBENCH_RUN_H_

#include <cstdint>
#include <optional>
#include <string>

namespace cellchain::load {

struct PgbenchFigures {
  double tps = 0;
  int64_t transactions = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// Creates (if missing) the database load_bench_scratch and its table
// load_items on the server `conninfo` reaches (a superuser, dbname ignored),
// then runs `pgbench` with `clients` clients for `seconds` seconds.
// nullopt (with pgbench's output on stderr) when any step fails.
std::optional<PgbenchFigures> RunPgbenchInsert(const std::string& pgbench,
                                               const std::string& conninfo,
                                               int clients, int seconds);

}  // namespace cellchain::load

#endif  // CELLCHAIN_TESTS_LOAD_PGBENCH_RUN_H_
