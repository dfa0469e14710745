#include "tests/load/sql_profile.h"

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tests/load/proc_cpu.h"

extern char** environ;

namespace cellchain::load {
namespace {

// Every top-level statement of `database` (dbid), keyed by user and query id
// (a statement run by two roles is two entries, as pg_stat_statements keeps
// it); the role (each hosted service has its own) names the statement's
// caller.
constexpr char kSnapshotSql[] = R"sql(
SELECT s.userid::text || '/' || s.queryid::text AS key,
       coalesce(r.rolname, s.userid::text) || ': ' || s.query,
       s.calls::float8, s.total_exec_time, s.rows::float8,
       s.shared_blks_hit::float8, s.shared_blks_read::float8,
       s.shared_blks_dirtied::float8, s.shared_blks_written::float8,
       s.wal_bytes::float8, s.plans::float8, s.total_plan_time
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
  LEFT JOIN pg_roles r ON r.oid = s.userid
 WHERE d.datname = $1 AND s.toplevel)sql";

// Whitespace runs to one space, cut to `width` characters.
std::string OneLine(const std::string& query, size_t width) {
  std::string out;
  for (char c : query) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  if (out.size() > width) out = out.substr(0, width - 3) + "...";
  return out;
}

// to += sign * from, counter by counter.
void AddCounters(StatementCost& to, const StatementCost& from, double sign) {
  to.calls += sign * from.calls;
  to.total_ms += sign * from.total_ms;
  to.rows += sign * from.rows;
  to.blocks_hit += sign * from.blocks_hit;
  to.blocks_read += sign * from.blocks_read;
  to.blocks_dirtied += sign * from.blocks_dirtied;
  to.blocks_written += sign * from.blocks_written;
  to.wal_bytes += sign * from.wal_bytes;
  to.plans += sign * from.plans;
  to.plan_ms += sign * from.plan_ms;
}

std::string PerWrite(double value, int64_t writes) {
  return absl::StrFormat("%.2f", value / static_cast<double>(writes));
}

}  // namespace

SqlProfile::SqlProfile(pg::Connection db, std::string database)
    : db_(std::move(db)), database_(std::move(database)) {}

SqlProfile::~SqlProfile() {
  if (perf_ > 0) {
    kill(perf_, SIGINT);
    waitpid(perf_, nullptr, 0);
  }
}

absl::StatusOr<std::unique_ptr<SqlProfile>> SqlProfile::Start(
    const std::string& conninfo, const std::string& database) {
  // The view shows every database's statements; reading it from `postgres`
  // keeps this profile's own queries out of `database`'s figures.
  absl::StatusOr<pg::Connection> db =
      pg::Connection::Open(conninfo + " dbname=postgres");
  if (!db.ok()) return db.status();
  absl::StatusOr<pg::Result> preload =
      db->Exec("SELECT current_setting('shared_preload_libraries')");
  if (!preload.ok()) return preload.status();
  absl::StatusOr<std::string> libraries = preload->GetString(0, 0);
  if (!libraries.ok()) return libraries.status();
  if (libraries->find("pg_stat_statements") == std::string::npos) {
    return absl::FailedPreconditionError(
        "--profile-sql: the server does not preload pg_stat_statements "
        "(shared_preload_libraries = '" + *libraries +
        "'); start it with PGSTATSTATEMENTS_CELLCHAIN=1 (run.sh PROFILE_SQL=1)");
  }
  absl::Status created =
      db->ExecScript("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  if (!created.ok()) return created;
  std::unique_ptr<SqlProfile> profile(
      new SqlProfile(*std::move(db), database));
  absl::StatusOr<Snapshot> before = profile->Take();
  if (!before.ok()) return before.status();
  profile->before_ = *std::move(before);
  absl::StatusOr<int64_t> transactions = profile->Transactions();
  if (!transactions.ok()) return transactions.status();
  profile->transactions_before_ = *transactions;
  profile->cpu_before_ = profile->TakeCpu();
  profile->StartRoundTrips();
  return profile;
}

absl::StatusOr<SqlProfile::Snapshot> SqlProfile::Take() {
  absl::StatusOr<pg::Result> rows = db_.Exec(kSnapshotSql, {database_});
  if (!rows.ok()) return rows.status();
  Snapshot snapshot;
  for (int r = 0; r < rows->rows(); ++r) {
    absl::StatusOr<std::string> key = rows->GetString(r, 0);
    absl::StatusOr<std::string> query = rows->GetString(r, 1);
    if (!key.ok()) return key.status();
    if (!query.ok()) return query.status();
    StatementCost cost;
    cost.query = *query;
    double* fields[] = {&cost.calls,          &cost.total_ms,
                        &cost.rows,           &cost.blocks_hit,
                        &cost.blocks_read,    &cost.blocks_dirtied,
                        &cost.blocks_written, &cost.wal_bytes,
                        &cost.plans,          &cost.plan_ms};
    for (int c = 0; c < 10; ++c) {
      absl::StatusOr<double> value = rows->GetDouble(r, c + 2);
      if (!value.ok()) return value.status();
      *fields[c] = *value;
    }
    snapshot[*key] = std::move(cost);
  }
  return snapshot;
}

absl::StatusOr<int64_t> SqlProfile::Transactions() {
  absl::StatusOr<pg::Result> row = db_.Exec(
      "SELECT xact_commit + xact_rollback FROM pg_stat_database "
      "WHERE datname = $1",
      {database_});
  if (!row.ok()) return row.status();
  if (row->rows() != 1) {
    return absl::NotFoundError(
        absl::StrCat("--profile-sql: no database ", database_));
  }
  return row->GetInt64(0, 0);
}

// Every server process pg_stat_activity shows (client backends of every
// database, the WAL writer, checkpointer, autovacuum...) with its CPU so far.
SqlProfile::CpuSnapshot SqlProfile::TakeCpu() {
  CpuSnapshot cpu;
  absl::StatusOr<pg::Result> rows = db_.Exec(
      "SELECT pid, CASE WHEN backend_type = 'client backend' "
      "THEN 'backend ' || coalesce(datname, '?') || ' ' || "
      "coalesce(usename, '?') ELSE backend_type END "
      "FROM pg_stat_activity WHERE pid <> pg_backend_pid()");
  if (!rows.ok()) return cpu;
  for (int r = 0; r < rows->rows(); ++r) {
    absl::StatusOr<int32_t> pid = rows->GetInt32(r, 0);
    absl::StatusOr<std::string> group = rows->GetString(r, 1);
    if (!pid.ok() || !group.ok()) continue;
    std::optional<double> seconds = ProcessCpuSeconds(*pid);
    if (seconds) cpu[*pid] = {*group, *seconds};
  }
  return cpu;
}

absl::StatusOr<std::vector<pid_t>> SqlProfile::Backends() {
  absl::StatusOr<pg::Result> rows = db_.Exec(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 "
      "AND backend_type = 'client backend' ORDER BY pid",
      {database_});
  if (!rows.ok()) return rows.status();
  std::vector<pid_t> pids;
  for (int r = 0; r < rows->rows(); ++r) {
    absl::StatusOr<int32_t> pid = rows->GetInt32(r, 0);
    if (!pid.ok()) return pid.status();
    pids.push_back(*pid);
  }
  return pids;
}

// A backend sends once per Sync it answers (its output is flushed at
// ReadyForQuery), so the sendto calls of the database's backends are the
// round trips made to it; a result larger than the send buffer would add
// sends, none of this load's does.
void SqlProfile::StartRoundTrips() {
  absl::StatusOr<std::vector<pid_t>> pids = Backends();
  if (!pids.ok() || pids->empty()) return;
  traced_ = *pids;
  char path[] = "/tmp/cc-sql-profile-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return;
  close(fd);
  perf_out_ = path;
  const std::string pid_list = absl::StrJoin(traced_, ",");
  std::vector<std::string> args = {
      "perf", "stat", "-x,", "-e", "syscalls:sys_enter_sendto",
      "-p",   pid_list, "-o", perf_out_};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "perf", nullptr, nullptr, argv.data(), environ) ==
      0) {
    perf_ = pid;
    usleep(300 * 1000);  // perf attaches before the load starts
  }
}

void SqlProfile::StopRoundTrips() {
  if (perf_ <= 0) return;
  kill(perf_, SIGINT);
  waitpid(perf_, nullptr, 0);
  perf_ = -1;
  std::ifstream in(perf_out_);
  std::string line;
  while (std::getline(in, line)) {
    // CSV: count,unit,event,...
    if (line.find("sys_enter_sendto") == std::string::npos) continue;
    std::istringstream(line.substr(0, line.find(','))) >> sends_;
  }
  unlink(perf_out_.c_str());
  absl::StatusOr<std::vector<pid_t>> now = Backends();
  if (!now.ok()) return;
  for (pid_t p : *now) {
    if (!std::binary_search(traced_.begin(), traced_.end(), p)) ++untraced_;
  }
}

absl::Status SqlProfile::Stop() {
  cpu_after_ = TakeCpu();
  StopRoundTrips();
  absl::StatusOr<Snapshot> after = Take();
  if (!after.ok()) return after.status();
  after_ = *std::move(after);
  absl::StatusOr<int64_t> transactions = Transactions();
  if (!transactions.ok()) return transactions.status();
  transactions_after_ = *transactions;
  return absl::OkStatus();
}

void SqlProfile::Report(int64_t writes, int top, std::ostream& out,
                        std::optional<double> server_cpu_seconds) const {
  if (writes <= 0) {
    out << "SQL profile: no audited write acknowledged, nothing to divide by\n";
    return;
  }
  std::vector<StatementCost> run;
  StatementCost all;
  all.query = "(all statements)";
  for (const auto& [key, now] : after_) {
    StatementCost d = now;
    if (auto b = before_.find(key); b != before_.end()) {
      AddCounters(d, b->second, -1);
    }
    if (d.calls <= 0) continue;
    AddCounters(all, d, +1);
    run.push_back(std::move(d));
  }
  std::sort(run.begin(), run.end(),
            [](const StatementCost& a, const StatementCost& b) {
              return a.total_ms > b.total_ms;
            });
  std::string round_trips =
      "round trips not counted (perf missing or no backends)";
  if (sends_ >= 0) {
    round_trips = absl::StrFormat(
        "%s round trips (%.0f sends by the %d backends there at the start%s)",
        PerWrite(sends_, writes), sends_, traced_.size(),
        untraced_ > 0 ? absl::StrFormat("; %d started later not counted",
                                        untraced_)
                      : "");
  }
  out << absl::StrFormat(
      "SQL profile of database %s (pg_stat_statements, top-level statements "
      "of every client: the services, the sequencer, logins; %d audited "
      "writes acknowledged):\n"
      "  per write: %s statements (%d kinds), %s transactions "
      "(pg_stat_database, flushed up to 1 s late), %s\n"
      "  per write: %s ms of statement execution (waits for locks and WAL "
      "flush included), %s plans taking %.3f ms (a prepared statement "
      "planned again: a custom plan)\n",
      database_, writes, PerWrite(all.calls, writes), run.size(),
      PerWrite(static_cast<double>(transactions_after_ - transactions_before_),
               writes),
      round_trips, PerWrite(all.total_ms, writes), PerWrite(all.plans, writes),
      all.plan_ms / static_cast<double>(writes));
  out << absl::StrFormat(
      "  %5s %7s %8s %7s %7s %8s %6s %7s %6s %6s %6s %8s  %s\n", "time%",
      "calls/w", "mean ms", "ms/w", "plans/w", "plan ms/w", "rows/w", "hit/w",
      "read/w", "dirt/w", "wr/w", "WAL B/w", "statement");
  auto row = [&](const StatementCost& s) {
    out << absl::StrFormat(
        "  %5.1f %7s %8.3f %7s %7s %8s %6s %7s %6s %6s %6s %8.0f  %s\n",
        all.total_ms > 0 ? 100.0 * s.total_ms / all.total_ms : 0.0,
        PerWrite(s.calls, writes), s.total_ms / s.calls,
        PerWrite(s.total_ms, writes), PerWrite(s.plans, writes),
        absl::StrFormat("%.3f", s.plan_ms / static_cast<double>(writes)),
        PerWrite(s.rows, writes),
        PerWrite(s.blocks_hit, writes), PerWrite(s.blocks_read, writes),
        PerWrite(s.blocks_dirtied, writes), PerWrite(s.blocks_written, writes),
        s.wal_bytes / static_cast<double>(writes), OneLine(s.query, 150));
  };
  for (int i = 0; i < top && i < static_cast<int>(run.size()); ++i) {
    row(run[i]);
  }
  // Where the plans of the other statements go (a statement planned at
  // every execution is cheap in time but shows in the custody backends'
  // CPU: issue 13's "remaining re-planning").
  std::vector<StatementCost> replanned(
      run.begin() + std::min<size_t>(std::max(top, 0), run.size()), run.end());
  std::erase_if(replanned, [&](const StatementCost& s) {
    return s.plans < 0.005 * static_cast<double>(writes);
  });
  std::sort(replanned.begin(), replanned.end(),
            [](const StatementCost& a, const StatementCost& b) {
              return a.plans > b.plans;
            });
  if (!replanned.empty()) out << "  planned again, beyond the top:\n";
  for (const StatementCost& s : replanned) row(s);
  row(all);

  // CPU by process group, over the processes alive at both snapshots.
  std::map<std::string, std::pair<double, int>> groups;  // seconds, processes
  double counted = 0;
  for (const auto& [pid, now] : cpu_after_) {
    auto b = cpu_before_.find(pid);
    if (b == cpu_before_.end()) continue;
    const double used = now.seconds - b->second.seconds;
    groups[now.group].first += used;
    groups[now.group].second += 1;
    counted += used;
  }
  std::vector<std::pair<std::string, std::pair<double, int>>> by_cpu(
      groups.begin(), groups.end());
  std::sort(by_cpu.begin(), by_cpu.end(), [](const auto& a, const auto& b) {
    return a.second.first > b.second.first;
  });
  out << "  PostgreSQL CPU per write by process (/proc utime + stime):\n";
  for (const auto& [group, used] : by_cpu) {
    if (used.first <= 0) continue;
    out << absl::StrFormat("    %8.1f us  %s (%d)\n",
                           used.first * 1e6 / static_cast<double>(writes),
                           group, used.second);
  }
  if (server_cpu_seconds) {
    out << absl::StrFormat(
        "    %8.1f us  processes not alive at both ends (autovacuum workers, "
        "new backends) and the postmaster\n",
        (*server_cpu_seconds - counted) * 1e6 / static_cast<double>(writes));
  }
}

}  // namespace cellchain::load
