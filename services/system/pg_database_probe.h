// DatabaseProbe over a libpq connection pool.
// Thread-safety: safe for concurrent Probe() calls (the pool is).
#ifndef CELLCHAIN_SERVICES_SYSTEM_PG_DATABASE_PROBE_H_
#define CELLCHAIN_SERVICES_SYSTEM_PG_DATABASE_PROBE_H_

#include "services/common/pg/pool.h"
#include "services/system/database_probe.h"

namespace cellchain::system {

class PgDatabaseProbe final : public DatabaseProbe {
 public:
  // `pool` must outlive the probe.
  explicit PgDatabaseProbe(pg::Pool* pool) : pool_(pool) {}

  absl::StatusOr<ProbeResult> Probe() override;

 private:
  pg::Pool* pool_;
};

}  // namespace cellchain::system

#endif  // CELLCHAIN_SERVICES_SYSTEM_PG_DATABASE_PROBE_H_
