// append_bench: what an audited write costs. Figures, not a test.
//
//   cmake --build B --target append_bench && B/bin/append_bench [flags]
//
// Prints, in one run:
//   1. CPU per record of Ledger::Seal (validate, build, serialize
//      deterministically, sign with Ed25519, leaf hash), in-process, no
//      database; with the parts measured alone.
//   2. Five runs of --seconds each (default 10) at --writers concurrency
//      (default 16), with synchronous_commit on, each giving transactions/s
//      and p50/p99/max latency:
//      a. pgbench -c writers -j 2 -T seconds, a custom script of one
//         single-row INSERT per transaction: the design brief's reference;
//      b. our writers (a thread and a pooled connection each): BEGIN, one
//         single-row INSERT into a test table, Ledger::Append, COMMIT;
//      c. the same without Append: what our client's transaction costs
//         (two round trips: BEGIN travels with the INSERT; COMMIT);
//      d. pgbench running the SQL of b in its three round trips (BEGIN and
//         the INSERT; the entity's lock and head; the record and COMMIT),
//         constant record bytes of the real size, with -M extended
//         (unnamed statements, parsed and planned every time, as our pg
//         layer did before it prepared statements): what the database
//         alone does with that SQL, no signing and no client of ours;
//      e. the same with -M prepared, the protocol our pg layer speaks
//         (services/common/pg prepares every statement on first use).
//      Then the ratios b/a (the brief's target is >= 0.5, for audited
//      writes over gRPC), b/c, b/e and e/d.
//
// Database: with the ctest fixture's environment (CELLCHAIN_TEST_PG etc.,
// cmake/CellchainTesting.cmake) it uses that cluster. Otherwise it starts a
// throwaway cluster of its own with tests/fixtures/pg_cluster.sh (port
// --port, default 55439, state under /tmp, migrated with this build's
// cellchaind) and removes it at exit, also after Ctrl-C. Either way the
// figures come from a fresh database copied from the migrated template
// (cellchain::testing::TestDatabase), written as a role with exactly a
// service's privileges.
//
// Flags: --seconds=N --writers=N --cpu-iterations=N --port=N
//        --pgbench=PATH (default: pgbench on PATH, else
//        /usr/lib/postgresql/15/bin/pgbench)
//        --runs=LETTERS  which of the runs a..e to make (default abcde; the
//                        ratios need both of their runs), e.g. --runs=ab
//                        when profiling one of them
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/random.h"
#include "services/common/crypto/sha256.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/pool.h"
#include "services/common/status/status.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/bench/bench_cluster.h"
#include "services/ledger/bench/bench_run.h"
#include "services/ledger/bench/tool_flags.h"
#include "services/ledger/ledger.h"
#include "services/ledger/merkle.h"

namespace cellchain::ledger {
namespace {

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted.store(true); }

struct Flags {
  int seconds = 10;
  int writers = 16;
  int cpu_iterations = 20000;
  int port = 55439;
  std::string pgbench;
  std::string runs = "abcde";
};

using bench::Die;
using bench::FirstLine;
using bench::OrDie;
using bench::Setting;

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  bench::ToolFlags tool("append_bench",
                        "What an audited write costs (docs/performance.md).");
  tool.Int("seconds", &flags.seconds, 1, bench::kAnyInt,
           "Seconds each of the runs a..e lasts.");
  tool.Int("writers", &flags.writers, 1, bench::kAnyInt,
           "Concurrent transactions in each run.");
  tool.Int("cpu-iterations", &flags.cpu_iterations, 1, bench::kAnyInt,
           "Records sealed for the CPU figures.");
  tool.Int("port", &flags.port, 1, 65535,
           "Port of the throwaway cluster (without the ctest fixture's).");
  tool.loader().String("pgbench", &flags.pgbench,
                       "pgbench to run; empty: pgbench on PATH, else\n"
                       "/usr/lib/postgresql/15/bin/pgbench.");
  tool.loader().String("runs", &flags.runs,
                       "Which of the runs a..e to make (the ratios need both\n"
                       "of their runs), e.g. ab when profiling one of them.");
  tool.LoadOrExit(argc, argv, [&]() -> std::vector<std::string> {
    if (flags.runs.empty() ||
        flags.runs.find_first_not_of("abcde") != std::string::npos) {
      return {tool.Problem("runs", "wants letters of abcde")};
    }
    return {};
  });
  return flags;
}

// `text` as one shell word.
std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + "'";
}

int64_t ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

google::protobuf::Struct ItemState(const std::string& id, int64_t version) {
  // About the size of a real entity snapshot: a dozen short fields.
  google::protobuf::Struct s;
  auto& f = *s.mutable_fields();
  f["id"].set_string_value(id);
  f["name"].set_string_value("bench item");
  f["version"].set_number_value(static_cast<double>(version));
  f["status"].set_string_value("RECEIVED");
  f["volume_ml"].set_string_value("20.0");
  f["cells"].set_string_value("1.0E8");
  f["viability_percent"].set_string_value("97.5");
  f["lot"].set_string_value("lot_0123456789ABCDEFGHJKMNPQ");
  f["donor"].set_string_value("don_0123456789ABCDEFGHJKMNPQ");
  f["site"].set_string_value("RegenHeart cell processing facility 1");
  f["received_by"].set_string_value("usr_ada");
  f["temperature_cel"].set_string_value("-196");
  return s;
}

Event ItemEvent(const std::string& id, const google::protobuf::Struct* state) {
  Event event;
  event.actor.set_user_id("usr_ada");
  event.actor.set_printed_name("Ada Lovelace");
  event.actor.set_role("technician");
  event.actor.set_workstation("/O=cellchain-dev/OU=workstation/CN=lab-1");
  event.action = "bench_item.create";
  event.entity_type = "bench_item";
  event.entity_id = id;
  cellchain::audit::v1::Isbt128Identifier din;
  din.set_kind("din");
  din.set_value("A999924123456");
  event.isbt128.push_back(din);
  event.after_state = state;
  event.request_id = crypto::RandomId("req");
  return event;
}

// --- 1. CPU
// -------------------------------------------------------------------

// Returns the size of the records measured.
size_t CpuFigures(const Ledger& ledger, int iterations) {
  const std::string id = crypto::RandomId("itm");
  const google::protobuf::Struct state = ItemState(id, 1);
  const Event event = ItemEvent(id, &state);
  const std::string previous(32, '\x5a');
  // Warm up (page in code, OpenSSL's lazy initialisation).
  for (int i = 0; i < 200; ++i) OrDie(ledger.Seal(event, previous), "seal");

  absl::Time wall_start = absl::Now();
  int64_t cpu_start = ThreadCpuNanos();
  size_t bytes = 0;
  for (int i = 0; i < iterations; ++i) {
    bytes = OrDie(ledger.Seal(event, previous), "seal").record_bytes.size();
  }
  const double seal_cpu_us = (ThreadCpuNanos() - cpu_start) / 1e3 / iterations;
  const double seal_wall_us =
      absl::ToDoubleMicroseconds(absl::Now() - wall_start) / iterations;

  const SignedRecord sample = OrDie(ledger.Seal(event, previous), "seal");
  cellchain::audit::v1::AuditRecord record;
  record.ParseFromString(sample.record_bytes);
  cpu_start = ThreadCpuNanos();
  for (int i = 0; i < iterations; ++i) {
    OrDie(SerializeDeterministic(record), "serialize");
  }
  const double serialize_us = (ThreadCpuNanos() - cpu_start) / 1e3 / iterations;

  crypto::Ed25519PrivateKey key =
      OrDie(crypto::Ed25519PrivateKey::Generate(), "key");
  const std::string message = SignedMessage(sample.record_bytes);
  cpu_start = ThreadCpuNanos();
  for (int i = 0; i < iterations; ++i) OrDie(key.Sign(message), "sign");
  const double sign_us = (ThreadCpuNanos() - cpu_start) / 1e3 / iterations;

  cpu_start = ThreadCpuNanos();
  for (int i = 0; i < iterations; ++i) {
    Hash h = LeafHash(sample.record_bytes);
    asm volatile("" : : "r"(h.data()) : "memory");
  }
  const double leaf_us = (ThreadCpuNanos() - cpu_start) / 1e3 / iterations;

  std::cout << absl::StrFormat(
      "\n## 1. CPU per record, in-process, no database (%d records of %d "
      "bytes)\n"
      "Seal (validate + build + serialize + sign + leaf hash): "
      "%.1f us CPU (%.1f us wall) per record, i.e. %.0f records/s per core\n"
      "  of which, measured alone: deterministic serialize %.1f us, "
      "Ed25519 sign %.1f us, leaf hash %.2f us\n",
      iterations, static_cast<int>(bytes), seal_cpu_us, seal_wall_us,
      1e6 / seal_cpu_us, serialize_us, sign_us, leaf_us);
  return bytes;
}

// --- 2. concurrent writers
// ------------------------------------------------------

struct RunFigures {
  int64_t transactions = 0;
  int64_t failures = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double per_second() const { return transactions / seconds; }
};

double Percentile(std::vector<int64_t>& sorted_us, double p) {
  if (sorted_us.empty()) return 0;
  size_t index = static_cast<size_t>(p * (sorted_us.size() - 1) + 0.5);
  return sorted_us[std::min(index, sorted_us.size() - 1)] / 1000.0;
}

RunFigures Summarize(std::vector<int64_t> latencies_us, double seconds,
                     int64_t failures) {
  std::sort(latencies_us.begin(), latencies_us.end());
  RunFigures f;
  f.transactions = static_cast<int64_t>(latencies_us.size());
  f.failures = failures;
  f.seconds = seconds;
  f.p50_ms = Percentile(latencies_us, 0.50);
  f.p99_ms = Percentile(latencies_us, 0.99);
  f.max_ms = latencies_us.empty() ? 0 : latencies_us.back() / 1000.0;
  return f;
}

RunFigures RunWriters(pg::Pool& pool, const Ledger* ledger, int writers,
                      int seconds) {
  absl::Mutex mu;
  std::vector<int64_t> all_latencies;
  int64_t failures = 0;
  absl::Status first_failure;
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::Seconds(seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&] {
      std::vector<int64_t> latencies;
      latencies.reserve(20000);
      int64_t failed = 0;
      absl::Status failure;
      while (absl::Now() < deadline && !g_interrupted.load()) {
        const std::string id = crypto::RandomId("itm");
        const google::protobuf::Struct state = ItemState(id, 1);
        const Event event = ItemEvent(id, &state);
        const absl::Time t0 = absl::Now();
        absl::Status s = pool.InTransaction([&](pg::Transaction& tx) {
          CC_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO bench_items (id, name, version) "
                      "VALUES ($1, $2, 1)",
                      {id, "bench item"})
                  .status());
          if (ledger == nullptr) return absl::OkStatus();
          return ledger->Append(tx, event).status();
        });
        if (s.ok()) {
          latencies.push_back(absl::ToInt64Microseconds(absl::Now() - t0));
        } else {
          ++failed;
          if (failure.ok()) failure = s;
        }
      }
      absl::MutexLock lock(&mu);
      all_latencies.insert(all_latencies.end(), latencies.begin(),
                           latencies.end());
      failures += failed;
      if (first_failure.ok()) first_failure = failure;
    });
  }
  for (std::thread& t : threads) t.join();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  if (!first_failure.ok()) {
    std::cerr << "append_bench: " << failures
              << " transactions failed; first: " << first_failure << "\n";
  }
  return Summarize(std::move(all_latencies), elapsed, failures);
}

// --- 3. pgbench
// -----------------------------------------------------------------

// One pgbench run of `script` (written to a file) at `clients` concurrency;
// its tps and, from its per-transaction log, the latency percentiles.
std::optional<RunFigures> RunPgbench(const std::string& pgbench,
                                     const std::string& conninfo,
                                     const std::string& script_text,
                                     const std::string& protocol, int clients,
                                     int seconds) {
  char dir[] = "/tmp/cc-append-pgbench-XXXXXX";
  if (mkdtemp(dir) == nullptr) return std::nullopt;
  const std::string script = std::string(dir) + "/script.sql";
  std::ofstream(script) << script_text;
  const std::string command =
      absl::StrCat(ShellQuote(pgbench), " -n -M ", protocol, " -c ", clients,
                   " -j 2 -T ", seconds, " -f ", ShellQuote(script),
                   " -l --log-prefix=", ShellQuote(std::string(dir) + "/log"),
                   " ", ShellQuote(conninfo));
  auto [rc, output] = bench::Shell(command);
  std::optional<RunFigures> figures;
  // "tps = 1234.567890 (without initial connection time)"
  const size_t tps_at = output.find("tps = ");
  double tps = 0;
  if (tps_at != std::string::npos) {
    std::istringstream(output.substr(tps_at + 6)) >> tps;
  }
  if (rc == 0 && tps > 0) {
    // Per-transaction log lines: client_id tx_no latency_us script_no
    // epoch_s epoch_us.
    std::vector<int64_t> latencies;
    if (DIR* d = opendir(dir)) {
      while (dirent* entry = readdir(d)) {
        std::string name = entry->d_name;
        if (!name.starts_with("log.")) continue;
        std::ifstream in(std::string(dir) + "/" + name);
        int64_t client, tx, latency;
        std::string line;
        while (std::getline(in, line)) {
          std::istringstream fields(line);
          if (fields >> client >> tx >> latency) latencies.push_back(latency);
        }
      }
      closedir(d);
    }
    figures = Summarize(std::move(latencies), seconds, 0);
    figures->seconds = figures->transactions / tps;  // so per_second() = tps
  } else {
    std::cerr << "append_bench: pgbench failed (exit " << rc << "):\n"
              << output;
  }
  bench::Shell(absl::StrCat("rm -rf '", dir, "'"));
  return figures;
}

// The reference of the design brief: one single-row INSERT per transaction.
constexpr char kPgbenchInsert[] =
    "\\set n random(1, 9000000000000000000)\n"
    "INSERT INTO pgbench_items (id, name, version) "
    "VALUES ('pgb_' || :client_id || '_' || :n, 'bench item', 1);\n";

// The statements an audited write sends (the service's INSERT, then
// Ledger::Append's two round trips, in its transaction), with constant
// record bytes of the size the ledger writes: what the database alone can do
// with them, no signing and no client of ours. Every entity is new, as in b:
// the head lookup finds nothing and entity_seq is 1. Keep in step with
// ledger.cc.
std::string PgbenchAuditedScript(const std::string& key_id,
                                 size_t record_size) {
  const std::string id = "'pga_' || :client_id || '_' || :n";
  const std::string rec = "'rec_pga_' || :client_id || '_' || :n";
  const std::string leaf = "sha256((" + id + ")::bytea)";
  // pgbench reads ":name" as a variable even inside quotes: spell the key
  // id's colon as chr(58).
  const size_t colon = key_id.find(':');
  const std::string key =
      absl::StrCat("'", key_id.substr(0, colon), "' || chr(58) || '",
                   key_id.substr(colon + 1), "'");
  // Three round trips, as pg::Transaction and Ledger::Append send them:
  // BEGIN with the service's INSERT, the entity's lock with its head, the
  // record with COMMIT.
  return absl::StrCat(
      "\\set n random(1, 9000000000000000000)\n"
      "\\startpipeline\n"
      "BEGIN;\n"
      "INSERT INTO pgbench_items (id, name, version) VALUES (",
      id, ", 'bench item', 1);\n",
      "\\endpipeline\n"
      "\\startpipeline\n"
      "SELECT pg_advisory_xact_lock(hashtextextended('bench_item/' || ",
      id, ", 0));\n",
      "SELECT leaf_hash, entity_seq FROM cellchain_audit.records "
      "WHERE entity_type = 'bench_item' AND entity_id = ",
      id, " ORDER BY entity_seq DESC LIMIT 1;\n",
      "\\endpipeline\n"
      "\\startpipeline\n"
      "WITH r AS (INSERT INTO cellchain_audit.records (record_id, service, "
      "key_id, recorded_at, entity_type, entity_id, entity_seq, "
      "actor_user_id, action, din, request_id, record_bytes, signature, "
      "leaf_hash, previous_entity_hash) VALUES (",
      rec, ", 'bench', ", key, ", now(), 'bench_item', ", id,
      ", 1, 'usr_ada', 'bench_item.create', 'A999924123456', "
      "'req_0123456789ABCDEFGHJKMNPQRS', decode(repeat('ab', ",
      record_size, "), 'hex'), decode(repeat('cd', 64), 'hex'), ", leaf,
      ", NULL) RETURNING record_id, leaf_hash) "
      "INSERT INTO cellchain_audit.pending (record_id, leaf_hash) "
      "SELECT record_id, leaf_hash FROM r;\n",
      "COMMIT;\n"
      "\\endpipeline\n");
}

std::string FindPgbench(const Flags& flags) {
  if (!flags.pgbench.empty()) return flags.pgbench;
  auto [rc, path] = bench::Shell("command -v pgbench");
  if (rc == 0 && !path.empty()) return FirstLine(path);
  return "/usr/lib/postgresql/15/bin/pgbench";
}

void PrintRun(const std::string& what, const RunFigures& f) {
  std::cout << absl::StrFormat(
      "%s: %.0f transactions/s (%d in %.1f s), latency p50 %.2f ms, p99 "
      "%.2f ms, max %.2f ms%s\n",
      what, f.per_second(), f.transactions, f.seconds, f.p50_ms, f.p99_ms,
      f.max_ms,
      f.failures > 0 ? absl::StrCat(", ", f.failures, " FAILED") : "");
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  std::cout << "# append_bench\nmachine: " << bench::Machine() << "\n";

  crypto::Ed25519PrivateKey key =
      OrDie(crypto::Ed25519PrivateKey::Generate(), "generating a key");
  std::unique_ptr<Ledger> ledger =
      OrDie(Ledger::Create("bench", std::move(key), RealClock()), "ledger");
  const size_t record_size = CpuFigures(*ledger, flags.cpu_iterations);
  if (g_interrupted.load()) return 1;

  int rc = 0;
  {
    auto [db, admin] = bench::OpenDatabaseOrDie("cc-append-bench", flags.port);
    OrDie(admin.ExecScript(
              "CREATE TABLE bench_items (seq bigserial PRIMARY KEY, "
              "id text NOT NULL, name text NOT NULL, version bigint NOT NULL);"
              "CREATE TABLE pgbench_items (seq bigserial PRIMARY KEY, "
              "id text NOT NULL, name text NOT NULL, version bigint NOT NULL);"
              "GRANT INSERT ON bench_items, pgbench_items "
              "TO cellchain_service;"
              "GRANT USAGE ON SEQUENCE bench_items_seq_seq, "
              "pgbench_items_seq_seq TO cellchain_service;"),
          "creating the test tables");
    const std::string role =
        OrDie(db->CreateServiceRole("bench"), "creating a role");
    const std::string conninfo = db->ConninfoAs(role);
    std::cout << "\ndatabase: " << FirstLine(Setting(admin, "SELECT version()"))
              << "\n"
              << "synchronous_commit="
              << Setting(admin, "SHOW synchronous_commit")
              << " fsync=" << Setting(admin, "SHOW fsync")
              << " wal_sync_method=" << Setting(admin, "SHOW wal_sync_method")
              << " shared_buffers=" << Setting(admin, "SHOW shared_buffers")
              << " (Unix socket; as a role with a service's privileges)\n";

    // The owner registers the key, as `cellchaind migrate --keyring` does.
    OrDie(ledger->RegisterKey(admin), "registering the key");
    auto pool = OrDie(pg::Pool::Create({.name = "bench",
                                        .conninfo = conninfo,
                                        .size = flags.writers,
                                        .acquire_timeout = absl::Seconds(30)}),
                      "pool");

    const auto runs = [&](char run) {
      return flags.runs.find(run) != std::string::npos;
    };
    std::cout << "\n## 2. Concurrent transactions (running "
              << flags.runs.size() * flags.seconds << " s)\n"
              << std::flush;
    const std::string pgbench = FindPgbench(flags);
    std::cout << "pgbench: " << pgbench << " -n -c " << flags.writers
              << " -j 2 -T " << flags.seconds << " -M <protocol> -f <script> "
              << "-l\n"
              << std::flush;
    // Each run that --runs leaves out, or that fails, stays empty.
    std::optional<RunFigures> reference, audited, plain, sql_extended,
        sql_prepared;
    if (runs('a')) {
      reference = RunPgbench(pgbench, conninfo, kPgbenchInsert, "simple",
                             flags.writers, flags.seconds);
    }
    if (g_interrupted.load()) return 1;
    if (runs('b')) {
      audited = RunWriters(*pool, ledger.get(), flags.writers, flags.seconds);
    }
    if (g_interrupted.load()) return 1;
    if (runs('c')) {
      plain = RunWriters(*pool, nullptr, flags.writers, flags.seconds);
    }
    if (g_interrupted.load()) return 1;
    const std::string audited_sql =
        PgbenchAuditedScript(ledger->key_id(), record_size);
    if (runs('d')) {
      sql_extended = RunPgbench(pgbench, conninfo, audited_sql, "extended",
                                flags.writers, flags.seconds);
    }
    if (g_interrupted.load()) return 1;
    if (runs('e')) {
      sql_prepared = RunPgbench(pgbench, conninfo, audited_sql, "prepared",
                                flags.writers, flags.seconds);
    }
    const int64_t stored =
        OrDie(OrDie(admin.Exec("SELECT count(*) FROM cellchain_audit.records "
                               "WHERE record_id NOT LIKE 'rec\\_pga\\_%'"),
                    "counting records")
                  .GetInt64(0, 0),
              "counting records");
    const int64_t stored_by_pgbench =
        OrDie(OrDie(admin.Exec("SELECT count(*) FROM cellchain_audit.records "
                               "WHERE record_id LIKE 'rec\\_pga\\_%'"),
                    "counting records")
                  .GetInt64(0, 0),
              "counting records");

    std::cout << "\n## Results (" << flags.writers << " concurrent "
              << "transactions, " << flags.seconds << " s each)\n";
    auto print = [&](char run, const std::string& what,
                     const std::optional<RunFigures>& figures) {
      if (!runs(run)) return;
      if (!figures.has_value()) {
        std::cout << run << ". " << what << ": FAILED, see above\n";
        rc = 1;
        return;
      }
      PrintRun(absl::StrCat(std::string(1, run), ". ", what), *figures);
    };
    print('a', "pgbench, one single-row INSERT (simple)    ", reference);
    print('b', "ours: INSERT + Ledger::Append (audited)    ", audited);
    print('c', "ours: INSERT only, same client             ", plain);
    print('d', "pgbench, the audited SQL, -M extended      ", sql_extended);
    print('e', "pgbench, the audited SQL, -M prepared      ", sql_prepared);
    auto ratio = [](const std::optional<RunFigures>& x,
                    const std::optional<RunFigures>& y, const char* what) {
      if (!x.has_value() || !y.has_value()) return;
      std::cout << absl::StrFormat("%s: %.2f\n", what,
                                   x->per_second() / y->per_second());
    };
    ratio(audited, reference,
          "ratio b/a, audited write / pgbench INSERT (design target >= 0.50, "
          "over gRPC)");
    ratio(audited, plain,
          "ratio b/c, the ledger's share of our own "
          "transaction");
    ratio(audited, sql_prepared,
          "ratio b/e, our client / the database alone with the same SQL, "
          "prepared");
    ratio(sql_prepared, sql_extended,
          "ratio e/d, what prepared statements give the database");
    const int64_t committed = audited.has_value() ? audited->transactions : 0;
    std::cout << "records stored by b: " << stored
              << " (committed appends: " << committed
              << "); by d and e: " << stored_by_pgbench << "\n";
    const int64_t logged_by_pgbench =
        (sql_extended.has_value() ? sql_extended->transactions : 0) +
        (sql_prepared.has_value() ? sql_prepared->transactions : 0);
    if (stored != committed || (audited.has_value() && audited->failures > 0) ||
        (plain.has_value() && plain->failures > 0) ||
        stored_by_pgbench != logged_by_pgbench) {
      std::cout << "WARNING: failures or a record count that does not match "
                   "the committed appends; see above\n";
      rc = 1;
    }
  }
  return rc;
}

}  // namespace
}  // namespace cellchain::ledger

int main(int argc, char** argv) { return cellchain::ledger::Main(argc, argv); }
