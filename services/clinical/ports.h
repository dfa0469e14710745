// What the clinical service needs of the services around it, each a small
// interface so that tests and the host wire it (like dose's ports.h):
//   DosePort  dose: the dose as the pharmacy released and issued it, and
//             its patient's bedside identifiers;
//   LotPort   qc: the product lot's disposition now (a lot recalled after
//             the dose's release is REJECTED);
//   ItemPort  custody: the dose bag, accepting the pharmacy's handoff at
//             the cath lab, a handoff back, its end (INFUSED, DISCARDED),
//             what the bag came from (holds), and the traces a serious
//             adverse event's lookback walks (a lot's donor lot and reagent
//             lots backward, the dose bags they reached forward).
// cellchaind wires them over the co-hosted services: direct_doses.h
// (DosePort over dose::Dose), dose::DirectLots (LotPort over qc::Qc: dose's
// own LotPort, services/dose/lot_port.h and direct_lots.h) and
// custody::DirectCustody (ItemPort, custody_port.h). The dose service learns
// that a dose was infused from custody (the bag's INFUSED end), not from a call
// back. Callers pass the acting person's principal so that custody's records
// and rules name them; request ids are the clinical service's derived ones
// (idempotency::DerivedRequestId).
//
// Thread-safety: implementations must be thread-safe.
#ifndef CELLCHAIN_SERVICES_CLINICAL_PORTS_H_
#define CELLCHAIN_SERVICES_CLINICAL_PORTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/custody/custody_port.h"
#include "services/dose/lot_port.h"

namespace cellchain::clinical {

class DosePort {
 public:
  virtual ~DosePort() = default;
  // The dose (its snapshot as the dose service records it). NOT_FOUND
  // DOSE_NOT_FOUND; UNAVAILABLE.
  virtual absl::StatusOr<dose::v1::Dose> GetDose(
      const std::string& dose_id) = 0;
  // The patient, without identifying data. NOT_FOUND PATIENT_NOT_FOUND.
  virtual absl::StatusOr<dose::v1::Patient> GetPatient(
      const std::string& subject_id) = 0;
};

// The lot port dose reads lots through, so that one implementation
// (dose::DirectLots) serves both.
using LotPort = dose::LotPort;

// custody's own port (custody_port.h): the item, the handoffs, its end and
// both traces.
using ItemPort = custody::CustodyPort;

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_PORTS_H_
