// What the dose service needs of the services around it, each a small
// interface so that tests and cellchaind wire it (like qc::BatchPort):
//   LotPort       qc: a product lot's disposition (RELEASED or
//                 CONDITIONALLY_RELEASED with its pending tests), in its
//                 own lot_port.h because clinical reads lots through it too;
//   MaterialPort  manufacturing: a heparin or saline lot, its status and
//                 expiry;
//   ItemPort      custody: the dose bag's item, its handoffs to the cath
//                 lab and back, its end, and what it came from (holds).
// ItemPort is custody::CustodyPort, which carries the handoffs and the
// backward trace dose needs; custody::DirectCustody implements it over
// custody::Custody.
// Callers pass the acting person's principal so that custody's records and
// rules name them; request ids are the dose service's derived ones
// (idempotency::DerivedRequestId).
//
// Thread-safety: implementations must be thread-safe.
#ifndef CELLCHAIN_SERVICES_DOSE_PORTS_H_
#define CELLCHAIN_SERVICES_DOSE_PORTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/custody/custody_port.h"
#include "services/dose/lot_port.h"

namespace cellchain::dose {

class MaterialPort {
 public:
  virtual ~MaterialPort() = default;
  // A material lot by id or material code. NOT_FOUND MATERIAL_NOT_FOUND.
  virtual absl::StatusOr<manufacturing::v1::MaterialLot> GetMaterial(
      const std::string& id_or_code) = 0;
};

// custody's own port (custody_port.h), which every service co-hosted with
// custody reaches it through.
using ItemPort = custody::CustodyPort;

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_PORTS_H_
