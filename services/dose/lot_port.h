// LotPort: a QC product lot's disposition as the services that act on a
// released lot read it — dose before it prepares or releases a dose
// (RELEASED, or CONDITIONALLY_RELEASED with its pending tests), clinical at
// the bedside (a lot recalled after the dose's release is REJECTED). One
// interface, so that one implementation (direct_lots.h) and each test's
// fake serve both; clinical's ports.h names it as its own LotPort.
//
// Thread-safety: implementations must be thread-safe.
#ifndef CELLCHAIN_SERVICES_DOSE_LOT_PORT_H_
#define CELLCHAIN_SERVICES_DOSE_LOT_PORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/qc/v1/qc.pb.h"

namespace cellchain::dose {

class LotPort {
 public:
  virtual ~LotPort() = default;
  // The QC lot. NOT_FOUND LOT_NOT_FOUND; UNAVAILABLE.
  virtual absl::StatusOr<qc::v1::Lot> GetLot(const std::string& lot_id) = 0;
};

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_LOT_PORT_H_
