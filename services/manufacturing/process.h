// A manufacturing process version's limits, the service's options, and
// the reasons the service refuses with: plain values
// that the pure step rules (step_rules.h) and the service (manufacturing.h)
// share, with no I/O.
//
// Thread-safety: constants and plain structs.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_PROCESS_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_PROCESS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"

namespace cellchain::ledger {
class Clock;  // services/ledger/ledger.h; declared here so that the pure
              // rules library needs no ledger
}  // namespace cellchain::ledger

namespace cellchain::manufacturing {

// Reasons of NOT_FOUND refusals (status.h NotFound).
inline constexpr char kReasonMaterialNotFound[] = "MATERIAL_NOT_FOUND";
inline constexpr char kReasonEquipmentNotFound[] = "EQUIPMENT_NOT_FOUND";
inline constexpr char kReasonBatchNotFound[] = "BATCH_NOT_FOUND";
inline constexpr char kReasonStepNotFound[] = "STEP_NOT_FOUND";
inline constexpr char kReasonDeviationNotFound[] = "DEVIATION_NOT_FOUND";

// Reasons of FAILED_PRECONDITION refusals. A vial on hold in custody is
// refused with custody's own reason (custody::kReasonItemOnHold,
// services/custody/reasons.h).
inline constexpr char kReasonDonorLotNotAvailable[] = "DONOR_LOT_NOT_AVAILABLE";
inline constexpr char kReasonProcessUnknown[] = "PROCESS_UNKNOWN";
inline constexpr char kReasonBatchState[] = "BATCH_STATE";
inline constexpr char kReasonStepExists[] = "STEP_EXISTS";
inline constexpr char kReasonStepKind[] = "STEP_KIND";
inline constexpr char kReasonSourceNotHarvested[] = "SOURCE_NOT_HARVESTED";
inline constexpr char kReasonStepHarvested[] = "STEP_HARVESTED";
inline constexpr char kReasonCellsExceeded[] = "CELLS_EXCEEDED";
inline constexpr char kReasonPassageLimit[] = "PASSAGE_LIMIT";
inline constexpr char kReasonCumulativePdLimit[] = "CUMULATIVE_PD_LIMIT";
inline constexpr char kReasonMaterialNotReleased[] = "MATERIAL_NOT_RELEASED";
inline constexpr char kReasonMaterialExpired[] = "MATERIAL_EXPIRED";
inline constexpr char kReasonMaterialStatus[] = "MATERIAL_STATUS";
inline constexpr char kReasonEquipmentOutOfService[] =
    "EQUIPMENT_OUT_OF_SERVICE";
inline constexpr char kReasonCalibrationOverdue[] = "CALIBRATION_OVERDUE";
inline constexpr char kReasonStepRevision[] = "STEP_REVISION";
inline constexpr char kReasonStepVerified[] = "STEP_VERIFIED";
inline constexpr char kReasonStepNotVerified[] = "STEP_NOT_VERIFIED";
inline constexpr char kReasonStepNotPerformed[] = "STEP_NOT_PERFORMED";
inline constexpr char kReasonVialThawed[] = "VIAL_THAWED";
inline constexpr char kReasonNotAVial[] = "NOT_A_VIAL";
inline constexpr char kReasonDeviationClosed[] = "DEVIATION_CLOSED";
inline constexpr char kReasonCollectionToProcessing[] =
    "COLLECTION_TO_PROCESSING";
// A retry of a request whose step was refused after its custody items were
// made: they were discarded, so the step needs a new request id.
inline constexpr char kReasonRequestRefusedBefore[] = "REQUEST_REFUSED_BEFORE";

// A manufacturing process version: its limits and which steps a second
// person verifies.
struct Process {
  int max_passage = 5;
  double max_cumulative_population_doublings = 30;
  // Past a limit: refused (false), or allowed with a MAJOR deviation that
  // QA must assess before the batch can be disposed (true).
  bool deviation_past_limits = false;
  std::vector<v1::StepKind> verified_kinds = {
      v1::STEP_KIND_PROCESSING, v1::STEP_KIND_PASSAGE,
      v1::STEP_KIND_CRYOPRESERVATION, v1::STEP_KIND_THAW,
      v1::STEP_KIND_PRODUCT_HARVEST};
};

struct ManufacturingOptions {
  std::string default_process = "RH-UCMSC-1.0";
  absl::flat_hash_map<std::string, Process> processes = {
      {"RH-UCMSC-1.0", Process{}}};
  // Collection of the cord to the start of processing beyond this records
  // a MAJOR deviation.
  absl::Duration max_collection_to_processing = absl::Hours(48);
  // The product lot's ISBT 128 product code (data structure 003):
  // assigned per facility and product; these are placeholders.
  std::string product_description_code = "S1295";
  std::string product_tds = "000";
  // Where the service's time comes from: the day a material lot's expiry
  // and a calibration are checked against, and the present a recorded time
  // may not lie after. Not owned; must outlive the service. nullptr:
  // ledger::RealClock().
  ledger::Clock* clock = nullptr;
};
}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_PROCESS_H_
