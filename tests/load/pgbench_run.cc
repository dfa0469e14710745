#include "tests/load/pgbench_run.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace cellchain::load {
namespace {

constexpr char kScratchDb[] = "load_bench_scratch";

// The design brief's reference, as services/ledger/bench/append_bench runs
// it: one single-row INSERT per transaction, a fresh key each time.
constexpr char kInsertScript[] =
    "\\set n random(1, 9000000000000000000)\n"
    "INSERT INTO load_items (id, name, version) "
    "VALUES ('pgb_' || :client_id || '_' || :n, 'bench item', 1);\n";

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs `command` under sh, stderr folded into the output it returns.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// conninfo with its dbname replaced (libpq takes the last one given).
std::string WithDb(const std::string& conninfo, const std::string& db) {
  return conninfo + " dbname=" + db;
}

double Ms(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted.size()));
  if (rank >= sorted.size()) rank = sorted.size() - 1;
  return static_cast<double>(sorted[rank]) / 1000.0;
}

}  // namespace

std::optional<PgbenchFigures> RunPgbenchInsert(const std::string& pgbench,
                                               const std::string& conninfo,
                                               int clients, int seconds) {
  const std::string bin = pgbench.substr(0, pgbench.rfind('/') + 1);
  const std::string psql = bin.empty() ? "psql" : bin + "psql";
  // CREATE DATABASE has no IF NOT EXISTS: ask first.
  auto [rc, exists] = Shell(
      psql + " -XAtq " + Quote(WithDb(conninfo, "postgres")) +
      " -c \"SELECT 1 FROM pg_database WHERE datname = '" + kScratchDb + "'\"");
  if (rc == 0 && exists.find('1') == std::string::npos) {
    std::tie(rc, exists) =
        Shell(psql + " -Xq " + Quote(WithDb(conninfo, "postgres")) +
              " -c 'CREATE DATABASE " + kScratchDb + "'");
  }
  if (rc == 0) {
    std::tie(rc, exists) = Shell(
        psql + " -Xq " + Quote(WithDb(conninfo, kScratchDb)) +
        " -c 'CREATE TABLE IF NOT EXISTS load_items (id text PRIMARY KEY, "
        "name text NOT NULL, version integer NOT NULL)'");
  }
  if (rc != 0) {
    std::cerr << "load_bench: cannot make the scratch database:\n" << exists;
    return std::nullopt;
  }

  char dir[] = "/tmp/cc-load-pgbench-XXXXXX";
  if (mkdtemp(dir) == nullptr) return std::nullopt;
  const std::string script = std::string(dir) + "/insert.sql";
  std::ofstream(script) << kInsertScript;
  const int threads = std::min(clients, 2);  // the machine's cores
  auto [bench_rc, output] = Shell(
      pgbench + " -n -M prepared -c " + std::to_string(clients) + " -j " +
      std::to_string(threads) + " -T " + std::to_string(seconds) + " -f " +
      Quote(script) + " -l --log-prefix=" + Quote(std::string(dir) + "/log") +
      " " + Quote(WithDb(conninfo, kScratchDb)));
  std::optional<PgbenchFigures> figures;
  // "tps = 1234.567890 (without initial connection time)"
  const size_t tps_at = output.find("tps = ");
  if (bench_rc == 0 && tps_at != std::string::npos) {
    PgbenchFigures f;
    std::istringstream(output.substr(tps_at + 6)) >> f.tps;
    // Per-transaction log lines: client_id tx_no latency_us script_no
    // epoch_s epoch_us.
    std::vector<int64_t> latencies;
    if (DIR* d = opendir(dir)) {
      while (dirent* entry = readdir(d)) {
        const std::string name = entry->d_name;
        if (!name.starts_with("log.")) continue;
        std::ifstream in(std::string(dir) + "/" + name);
        std::string line;
        while (std::getline(in, line)) {
          std::istringstream fields(line);
          int64_t client, tx, latency;
          if (fields >> client >> tx >> latency) latencies.push_back(latency);
        }
      }
      closedir(d);
    }
    std::sort(latencies.begin(), latencies.end());
    f.transactions = static_cast<int64_t>(latencies.size());
    f.p50_ms = Ms(latencies, 0.50);
    f.p99_ms = Ms(latencies, 0.99);
    f.max_ms = latencies.empty() ? 0 : latencies.back() / 1000.0;
    figures = f;
  } else {
    std::cerr << "load_bench: pgbench failed (exit " << bench_rc << "):\n"
              << output;
  }
  Shell("rm -rf " + Quote(dir));
  return figures;
}

}  // namespace cellchain::load
