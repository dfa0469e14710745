// What the labels service needs of the services around it, each a small
// interface so that tests and the host wire it (like clinical's ports.h):
//   ItemPort     custody: the item — its type, DIN, 003, 005, 040, patient,
//                description and state (custody::DirectCustody,
//                custody_port.h);
//   DosePort     dose: the dose a dose bag holds (003 with its division,
//                005, 040, the count and volume) and its patient's subject
//                id and date of birth (DirectDoses over dose::Dose's
//                GetDoseOfItem and GetPatient, direct_doses.h);
//   ProcessPort  donor intake and manufacturing: when the cord was
//                collected (007) and a cryovial's cells and fill volume
//                (DirectProcess, direct_process.h); the host may pass none.
// Where a port has no data the label omits the field when its type allows
// (rules.h lists which); otherwise the label is refused
// LABEL_DATA_MISSING: a tissue container needs its collection, a cryovial
// its count, a dose bag its dose and patient.
//
// Thread-safety: implementations must be thread-safe.
#ifndef CELLCHAIN_SERVICES_LABELS_PORTS_H_
#define CELLCHAIN_SERVICES_LABELS_PORTS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "services/custody/custody_port.h"
#include "services/labels/rules.h"

namespace cellchain::labels {

// custody's own port (custody_port.h); labels reads items only (GetItem:
// NOT_FOUND ITEM_NOT_FOUND; UNAVAILABLE).
using ItemPort = custody::CustodyPort;

class DosePort {
 public:
  virtual ~DosePort() = default;
  // The dose whose bag is `item_id`. NOT_FOUND DOSE_NOT_FOUND; UNAVAILABLE.
  virtual absl::StatusOr<dose::v1::Dose> GetDoseOfItem(
      const std::string& item_id) = 0;
  // The patient, without identifying data. NOT_FOUND PATIENT_NOT_FOUND.
  virtual absl::StatusOr<dose::v1::Patient> GetPatient(
      const std::string& subject_id) = 0;
};

class ProcessPort {
 public:
  virtual ~ProcessPort() = default;
  // When the cord the item comes from was delivered; nullopt when unknown.
  virtual absl::StatusOr<std::optional<absl::Time>> CollectedAt(
      const custody::v1::Item& item) = 0;
  // A cryovial's cells and volume as frozen; nullopt when unknown.
  virtual absl::StatusOr<std::optional<CellCount>> VialCells(
      const custody::v1::Item& item) = 0;
};

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_PORTS_H_
