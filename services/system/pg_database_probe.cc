#include "services/system/pg_database_probe.h"

#include "services/common/status/status.h"

namespace cellchain::system {

absl::StatusOr<ProbeResult> PgDatabaseProbe::Probe() {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      lease->Exec("SELECT current_setting('server_version'), "
                  "(extract(epoch FROM clock_timestamp()) * 1000000)::int8"));
  ProbeResult probe;
  CC_ASSIGN_OR_RETURN(probe.server_version, result.GetString(0, 0));
  CC_ASSIGN_OR_RETURN(probe.server_time_us, result.GetInt64(0, 1));
  return probe;
}

}  // namespace cellchain::system
