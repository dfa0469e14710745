// verify_bench: figures, not a test. How many records per second the ledger
// verifier (verifier.h) checks on all cores, against the Ed25519 verify rate
// OpenSSL's own `openssl speed -multi <cores> ed25519` reaches on the same
// machine in the same run (design brief §6: at least 80 %).
//
// It builds a synthetic signed log (100,000 records of 10,000 entities by
// default, a checkpoint every 1,000 records, an inclusion proof for every
// record and consistency proofs between checkpoints: what a whole-log
// bundle holds), then verifies it --runs times with every check on, timing
// Verify() alone. `openssl speed`
// runs before each verifier run and after the last; each run is compared
// with its two neighbours, so that load from other processes, which drifts,
// hits both sides of a ratio alike.
//
// The ratio is of wall-clock records per second, what a user waits for, to
// openssl's verify/s. It is the conservative comparison: openssl speed
// divides by user CPU time (unless given -elapsed), which other processes'
// load does not lengthen, while it does lengthen our wall clock. Each run
// also prints the user CPU time it got, which shows how busy the machine
// was.
//
//   cmake --build B --target verify_bench && B/bin/verify_bench
//   B/bin/verify_bench --records=100000 --runs=3 --openssl-seconds=3
//   B/bin/verify_bench --write-bundle=/tmp/b   # also time read + verify
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/ledger/bench/tool_flags.h"
#include "services/ledger/bundle.h"
#include "services/ledger/verifier.h"
#include "services/ledger/verifier_testing.h"

namespace cellchain::ledger {
namespace {

struct Flags {
  uint64_t records = 100000;
  int runs = 3;
  int openssl_seconds = 3;
  std::string write_bundle;
};

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  auto records = static_cast<int64_t>(flags.records);
  bench::ToolFlags tool("verify_bench",
                        "The verifier's records/s against openssl speed "
                        "(docs/performance.md).");
  tool.loader().Int64("records", &records, 1,
                      std::numeric_limits<int64_t>::max(),
                      "Records of the synthetic signed log.");
  tool.Int("runs", &flags.runs, 1, bench::kAnyInt, "Verifier runs.");
  tool.Int("openssl-seconds", &flags.openssl_seconds, 1, bench::kAnyInt,
           "Seconds of each openssl speed run.");
  tool.loader().String("write-bundle", &flags.write_bundle,
                       "Also write the log as a bundle in this directory\n"
                       "and time reading and verifying it; empty: no bundle.");
  tool.LoadOrExit(argc, argv);
  flags.records = static_cast<uint64_t>(records);
  return flags;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

std::string CommandOutput(const std::string& command) {
  std::string out;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, got);
  }
  pclose(pipe);
  return out;
}

// verify/s of `openssl speed -seconds S -multi N ed25519`: the last number
// of the summary line "253 bits EdDSA (Ed25519) <s> <s> <sign/s> <verify/s>".
absl::StatusOr<double> OpensslVerifyRate(int seconds, unsigned cores) {
  const std::string command =
      absl::StrCat("openssl speed -seconds ", seconds, " -multi ", cores,
                   " ed25519 2>/dev/null");
  const std::string output = CommandOutput(command);
  std::istringstream lines(output);
  std::string line, summary;
  while (std::getline(lines, line)) {
    if (line.find("EdDSA (Ed25519)") != std::string::npos) summary = line;
  }
  std::istringstream tokens(summary);
  std::string token, last;
  while (tokens >> token) last = token;
  char* end = nullptr;
  double rate = std::strtod(last.c_str(), &end);
  if (summary.empty() || end == last.c_str() || rate <= 0) {
    return absl::InternalError(
        absl::StrCat("cannot parse the output of `", command, "`"));
  }
  return rate;
}

// User CPU time of this process, all threads: what `openssl speed` divides
// by (it measures user time unless given -elapsed).
double UserCpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec) / 1e6;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("verify_bench: %llu records, %d runs, all %u cores (%s)\n",
              static_cast<unsigned long long>(flags.records), flags.runs, cores,
              CpuModel().c_str());
  std::printf("openssl: %s", CommandOutput("openssl version").c_str());

  auto build_start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<testing::SyntheticLog>> log =
      testing::SyntheticLog::Create();
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", std::string(log.status().message()).c_str());
    return 1;
  }
  const uint64_t entities = std::max<uint64_t>(1, flags.records / 10);
  for (uint64_t i = 0; i < flags.records; ++i) {
    absl::Status appended = (*log)->Append(
        i % 4 == 3 ? "qc" : "donor", i % 4 == 3 ? "qc_sample" : "donor_lot",
        absl::StrCat("ent_", i % entities), "bench.step",
        i % 4 == 3 ? std::nullopt
                   : std::optional<std::string>(
                         absl::StrCat("W0000240", 10000 + i % entities)));
    if (appended.ok() && (i + 1) % 1000 == 0) appended = (*log)->Checkpoint();
    if (!appended.ok()) {
      std::fprintf(stderr, "%s\n", std::string(appended.message()).c_str());
      return 1;
    }
  }
  if (flags.records % 1000 != 0) (void)(*log)->Checkpoint();
  const VerifyInput input = (*log)->Input();
  std::printf(
      "built and signed the log in %.1f s (%zu inclusion proofs, "
      "%zu checkpoints)\n",
      Seconds(std::chrono::steady_clock::now() - build_start),
      input.inclusion_proofs.size(), input.checkpoints.size());

  // Rounds of: openssl, then the verifier; openssl once more at the end.
  std::vector<double> openssl_rates;
  auto measure_openssl = [&]() -> bool {
    absl::StatusOr<double> rate =
        OpensslVerifyRate(flags.openssl_seconds, cores);
    if (!rate.ok()) {
      std::fprintf(stderr, "%s\n",
                   std::string(rate.status().message()).c_str());
      return false;
    }
    openssl_rates.push_back(*rate);
    std::printf("openssl speed -seconds %d -multi %u ed25519: %.0f verify/s\n",
                flags.openssl_seconds, cores, *rate);
    return true;
  };
  std::vector<double> wall_rates;
  for (int run = 0; run < flags.runs; ++run) {
    if (!measure_openssl()) return 1;
    const double cpu_before = UserCpuSeconds();
    auto start = std::chrono::steady_clock::now();
    VerifyResult result = Verify(input);
    const double seconds = Seconds(std::chrono::steady_clock::now() - start);
    const double cpu = UserCpuSeconds() - cpu_before;
    if (!result.ok()) {
      std::fprintf(stderr, "the synthetic log did not verify: %s\n",
                   FormatFinding(result.findings[0]).c_str());
      return 1;
    }
    const double n = static_cast<double>(flags.records);
    wall_rates.push_back(n / seconds);
    // How much of the machine the run got: other processes' load shows here.
    std::printf(
        "verifier run %d: %llu records in %.2f s: %.0f records/s (user CPU "
        "%.2f s of the %.2f s the %u cores offered)\n",
        run + 1, static_cast<unsigned long long>(flags.records), seconds,
        wall_rates.back(), cpu, seconds * cores, cores);
  }
  if (!measure_openssl()) return 1;

  std::vector<double> wall_ratios;
  for (int run = 0; run < flags.runs; ++run) {
    const double openssl = (openssl_rates[run] + openssl_rates[run + 1]) / 2;
    wall_ratios.push_back(wall_rates[run] / openssl);
  }
  std::printf(
      "\nsummary (median of %d runs; %u cores):\n"
      "  openssl speed ed25519 verify:      %.0f verify/s\n"
      "  verifier, every check:             %.0f records/s\n"
      "  ratio (per run, to its neighbours): %.1f %%   (target >= 80 %%)\n",
      flags.runs, cores, Median(openssl_rates), Median(wall_rates),
      100 * Median(wall_ratios));

  if (!flags.write_bundle.empty()) {
    const Bundle bundle =
        (*log)->WholeLogBundle(input, "whole log (verify_bench)");
    absl::Status written = WriteBundle(bundle, flags.write_bundle);
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", std::string(written.message()).c_str());
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<Bundle> read = ReadBundle(flags.write_bundle);
    double read_seconds = Seconds(std::chrono::steady_clock::now() - start);
    if (!read.ok()) {
      std::fprintf(stderr, "%s\n",
                   std::string(read.status().message()).c_str());
      return 1;
    }
    std::printf("\nwrote %s; ReadBundle took %.2f s (%.0f records/s)\n",
                flags.write_bundle.c_str(), read_seconds,
                static_cast<double>(flags.records) / read_seconds);
    std::printf("check it with: cellchain-verify bundle --vkey %s %s\n",
                bundle.verifier_key.c_str(), flags.write_bundle.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace cellchain::ledger

int main(int argc, char** argv) { return cellchain::ledger::Main(argc, argv); }
