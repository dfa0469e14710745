#include "tests/load/load_stats.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace cellchain::load {
namespace {

// Nearest rank on a sorted vector: the smallest value with at least q of the
// calls at or below it.
double PercentileMs(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted.size()));
  if (rank >= sorted.size()) rank = sorted.size() - 1;
  return static_cast<double>(sorted[rank]) / 1000.0;
}

}  // namespace

void KindStats::Merge(const KindStats& other) {
  ok_micros.insert(ok_micros.end(), other.ok_micros.begin(),
                   other.ok_micros.end());
  for (const auto& [code, n] : other.errors) errors[code] += n;
}

KindSummary Summarize(KindStats stats, double seconds) {
  KindSummary s;
  std::sort(stats.ok_micros.begin(), stats.ok_micros.end());
  s.ok = static_cast<int64_t>(stats.ok_micros.size());
  for (const auto& [code, n] : stats.errors) s.failed += n;
  s.errors = std::move(stats.errors);
  s.per_second = seconds > 0 ? static_cast<double>(s.ok) / seconds : 0;
  s.p50_ms = PercentileMs(stats.ok_micros, 0.50);
  s.p95_ms = PercentileMs(stats.ok_micros, 0.95);
  s.p99_ms = PercentileMs(stats.ok_micros, 0.99);
  s.max_ms = stats.ok_micros.empty()
                 ? 0
                 : static_cast<double>(stats.ok_micros.back()) / 1000.0;
  return s;
}

std::string HeaderRow() {
  char line[256];
  std::snprintf(line, sizeof line, "%-22s %8s %9s %8s %8s %8s %8s  %s", "kind",
                "ok", "ok/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors");
  return line;
}

std::string FormatRow(const std::string& kind, const KindSummary& s) {
  std::string errors;
  for (const auto& [code, n] : s.errors) {
    if (!errors.empty()) errors += ", ";
    errors += code + " " + std::to_string(n);
  }
  if (errors.empty()) errors = "-";
  char line[256];
  std::snprintf(line, sizeof line,
                "%-22s %8lld %9.1f %8.2f %8.2f %8.2f %8.2f  ", kind.c_str(),
                static_cast<long long>(s.ok), s.per_second, s.p50_ms, s.p95_ms,
                s.p99_ms, s.max_ms);
  return line + errors;
}

}  // namespace cellchain::load
