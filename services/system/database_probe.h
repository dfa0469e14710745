// The system service's view of the database: one round trip that proves the
// pool, the role and the server answer. The seam between SystemService and
// libpq (pg_database_probe.h implements it).
// Thread-safety: implementations are safe for concurrent Probe() calls.
#ifndef CELLCHAIN_SERVICES_SYSTEM_DATABASE_PROBE_H_
#define CELLCHAIN_SERVICES_SYSTEM_DATABASE_PROBE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace cellchain::system {

struct ProbeResult {
  std::string server_version;  // "15.8"
  int64_t server_time_us = 0;  // the server's clock, µs since the epoch, UTC
};

class DatabaseProbe {
 public:
  virtual ~DatabaseProbe() = default;
  // UNAVAILABLE when no connection is free in time or the server is down.
  virtual absl::StatusOr<ProbeResult> Probe() = 0;
};

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_DATABASE_PROBE_H_
