// RoundTripCounter: the round trips a libpq connection makes to PostgreSQL,
// counted as the Sync messages the client sends (libpq's protocol trace):
// the connection sends one Sync per pipeline (services/common/pg), and waits
// for its answer before sending the next. For tests that hold a code path to
// its round-trip budget (issue 13: latency is round trips on a busy server).
//
//   RoundTripCounter trips(lease->get());
//   ... the code under test, on that connection ...
//   EXPECT_EQ(trips.Take(), 3);   // round trips since the last Take()
//
// Thread-safety: one thread, as the connection. The connection must outlive
// the counter (its destructor stops the trace).
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_ROUND_TRIPS_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_ROUND_TRIPS_H_

#include <libpq-fe.h>

#include <cstdio>
#include <string_view>

namespace cellchain::testing {

class RoundTripCounter {
 public:
  explicit RoundTripCounter(PGconn* conn)
      : conn_(conn), trace_(std::tmpfile()) {
    if (trace_ == nullptr) return;  // Take() then reports -1
    PQtrace(conn_, trace_);
    PQsetTraceFlags(conn_, PQTRACE_SUPPRESS_TIMESTAMPS);
  }
  ~RoundTripCounter() {
    if (trace_ == nullptr) return;
    PQuntrace(conn_);
    std::fclose(trace_);
  }
  RoundTripCounter(const RoundTripCounter&) = delete;
  RoundTripCounter& operator=(const RoundTripCounter&) = delete;

  // The Syncs sent since the counter was made or last taken; -1 when no
  // trace file could be made.
  int Take() {
    if (trace_ == nullptr) return -1;
    std::fflush(trace_);
    std::fseek(trace_, read_, SEEK_SET);
    int syncs = 0;
    char line[4096];
    while (std::fgets(line, sizeof(line), trace_) != nullptr) {
      std::string_view l(line);
      syncs += l.starts_with("F\t") && l.find("\tSync") != l.npos;
    }
    read_ = std::ftell(trace_);
    return syncs;
  }

 private:
  PGconn* conn_;
  std::FILE* trace_;
  long read_ = 0;  // what Take() has counted up to
};

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_ROUND_TRIPS_H_
