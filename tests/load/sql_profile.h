// What PostgreSQL spends on a load run, statement by statement (issue 13:
// which statements make an audited write cost ~2 ms of PostgreSQL's CPU).
// A figure tool for load_bench --profile-sql, not a test: it reads
// pg_stat_statements (the server must preload it: tests/load/run.sh
// PROFILE_SQL=1) for one database before and after the load, and prints the
// top statements by total execution time with their calls, rows, shared
// blocks and WAL bytes per audited write, the statements and transactions per
// write, and the round trips per write: the sends (sendto) of the database's
// client backends counted by `perf stat` over the run, one per Sync answered
// (when perf and its syscall tracepoints are there); and where the server's
// CPU went, process by process (/proc), grouped by backend type and, for the
// database's client backends, by role (one per hosted service).
// Thread-safety: one thread; Start before the load, Stop right after it,
// then Report.
#ifndef CELLCHAIN_TESTS_LOAD_SQL_PROFILE_H_
#define CELLCHAIN_TESTS_LOAD_SQL_PROFILE_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/pg/connection.h"

namespace cellchain::load {

// One statement's counters from pg_stat_statements (or their difference).
struct StatementCost {
  std::string query;
  double calls = 0, total_ms = 0, rows = 0;
  double plans = 0, plan_ms = 0;  // planning (track_planning on)
  double blocks_hit = 0, blocks_read = 0, blocks_dirtied = 0,
         blocks_written = 0, wal_bytes = 0;
};

class SqlProfile {
 public:
  // Connects to `conninfo`'s server (a superuser; dbname replaced by
  // `database`), creates the extension there if missing, takes the first
  // snapshot and starts counting round trips. FAILED_PRECONDITION when the
  // server does not preload pg_stat_statements.
  static absl::StatusOr<std::unique_ptr<SqlProfile>> Start(
      const std::string& conninfo, const std::string& database);
  ~SqlProfile();

  // Takes the second snapshot and stops counting round trips.
  absl::Status Stop();

  // Prints the difference: the `top` statements by total execution time,
  // each per audited write (`writes` acknowledged during the load), then the
  // CPU by process group; `server_cpu_seconds` (the whole server's, when
  // known) shows what went to processes not alive at both ends.
  void Report(int64_t writes, int top, std::ostream& out,
              std::optional<double> server_cpu_seconds) const;

 private:
  using Snapshot = std::map<std::string, StatementCost>;  // key: user/queryid
  struct ProcessCpu {
    std::string group;  // "client backend cellchain_custody", "walwriter"...
    double seconds = 0;
  };
  using CpuSnapshot = std::map<pid_t, ProcessCpu>;
  SqlProfile(pg::Connection db, std::string database);
  absl::StatusOr<Snapshot> Take();
  absl::StatusOr<int64_t> Transactions();
  absl::StatusOr<std::vector<pid_t>> Backends();
  CpuSnapshot TakeCpu();
  void StartRoundTrips();
  void StopRoundTrips();

  pg::Connection db_;
  std::string database_;
  Snapshot before_, after_;
  CpuSnapshot cpu_before_, cpu_after_;
  int64_t transactions_before_ = 0, transactions_after_ = 0;
  std::vector<pid_t> traced_;
  pid_t perf_ = -1;
  std::string perf_out_;
  double sends_ = -1;  // the backends' sendto calls; < 0: not counted
  int64_t untraced_ = 0;
};

}  // namespace cellchain::load

#endif  // CELLCHAIN_TESTS_LOAD_SQL_PROFILE_H_
