#include "services/ledger/bench/bench_run.h"

#include <errno.h>  // program_invocation_short_name (glibc)

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/ledger/bench/bench_cluster.h"

namespace cellchain::bench {
namespace {

void ExitOnSignal(int) { std::exit(130); }

}  // namespace

void Usage(const std::string& problem, const std::string& flags) {
  std::cerr << program_invocation_short_name << ": " << problem << "\n"
            << "usage: " << program_invocation_short_name << " " << flags
            << "\n";
  std::exit(2);
}

void Die(const std::string& what, const absl::Status& status) {
  std::cerr << program_invocation_short_name << ": " << what << ": " << status
            << "\n";
  std::exit(1);
}

void Fail(const std::string& what) {
  std::cerr << program_invocation_short_name << ": " << what << "\n";
  std::exit(1);
}

void OrDie(const absl::Status& status, const std::string& what) {
  if (!status.ok()) Die(what, status);
}

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

void ExitOnSignals() {
  std::signal(SIGINT, ExitOnSignal);
  std::signal(SIGTERM, ExitOnSignal);
}

std::string Machine() {
  return absl::StrCat(std::thread::hardware_concurrency(), " cores, ",
                      FirstLine(Shell("grep -m1 'model name' /proc/cpuinfo | "
                                      "cut -d: -f2 | sed 's/^ //'")
                                    .second),
                      "; ", FirstLine(Shell("uname -sr").second));
}

std::string LoadAverage() {
  return FirstLine(Shell("cut -d' ' -f1-3 /proc/loadavg").second);
}

std::string Setting(pg::Connection& conn, const std::string& sql) {
  absl::StatusOr<pg::Result> r = conn.Exec(sql);
  if (!r.ok()) return "?";
  return r->GetString(0, 0).value_or("?");
}

Database OpenDatabaseOrDie(const std::string& stem, int port) {
  const char* env = std::getenv("CELLCHAIN_TEST_PG");
  if (env == nullptr || *env == '\0') {
    OrDie(StartThrowawayCluster(stem, port), "starting the cluster");
  }
  auto db = OrDie(testing::TestDatabase::Create(), "creating the database");
  pg::Connection admin =
      OrDie(pg::Connection::Open(db->conninfo()), "connecting");
  return {std::move(db), std::move(admin)};
}

}  // namespace cellchain::bench
