// Latency and outcome figures of one kind of RPC in a load run: every call's
// latency and, for a failed call, its gRPC code; merged across workers and
// summarized as count, rate, percentiles and errors by code.
// Thread-safety: a KindStats is filled by one worker; Merge and Summarize
// run after the workers have joined.
#ifndef CELLCHAIN_TESTS_LOAD_LOAD_STATS_H_
#define CELLCHAIN_TESTS_LOAD_LOAD_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cellchain::load {

struct KindStats {
  std::vector<int64_t> ok_micros;         // latency of each successful call
  std::map<std::string, int64_t> errors;  // gRPC code name -> calls

  void Merge(const KindStats& other);
};

struct KindSummary {
  int64_t ok = 0;
  int64_t failed = 0;
  double per_second = 0;  // successful calls per second of the run
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  std::map<std::string, int64_t> errors;
};

// `seconds` is the run's wall time; percentiles are over successful calls
// (nearest rank), 0 when there are none.
KindSummary Summarize(KindStats stats, double seconds);

// One table row: "kind  count  /s  p50  p95  p99  max  errors".
std::string FormatRow(const std::string& kind, const KindSummary& summary);
std::string HeaderRow();

}  // namespace cellchain::load

#endif  // CELLCHAIN_TESTS_LOAD_LOAD_STATS_H_
