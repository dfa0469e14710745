// A manufacturing process version's limits and the service's options:
// plain values that the pure step rules (step_rules.h) and the service
// (manufacturing.h) share, with no I/O. The reasons the service refuses
// with are in reasons.h, which this header includes.
//
// Thread-safety: constants and plain structs.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_PROCESS_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_PROCESS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/manufacturing/reasons.h"

namespace cellchain::ledger {
class Clock;  // services/ledger/ledger.h; declared here so that the pure
              // rules library needs no ledger
}  // namespace cellchain::ledger

namespace cellchain::manufacturing {

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
  // The volume each cryovial of a bank is filled with (ml), e.g. 1.0 ml of
  // cryopreservation medium: a cryopreservation step records the cells
  // per vial, not the volume, so a vial's label takes it from here.
  double vial_fill_ml = 1.0;
  // The fastest these cells double: a culture's harvest implying more
  // population doublings between its seeding and its harvest than that
  // interval / min_doubling_time is implausible (a miscount, a mix-up) and
  // is refused, or with deviation_past_limits raises a MAJOR deviation.
  absl::Duration min_doubling_time = absl::Hours(15);
};

struct ManufacturingOptions {
  std::string default_process = "RH-UCMSC-1.0";
  absl::flat_hash_map<std::string, Process> processes = {
      {"RH-UCMSC-1.0", Process{}}};
  // Collection of the cord to the start of processing beyond this records
  // a MAJOR deviation.
  absl::Duration max_collection_to_processing = absl::Hours(48);
  // An entry made more than this after the time it says the step was
  // performed is a late entry: it needs a reason and is marked late in the
  // step and its audit record (cellchaind
  // --manufacturing-late-entry-after).
  absl::Duration late_entry_after = absl::Hours(1);
  // The product lot's ISBT 128 product code (data structure 003):
  // assigned per facility and product; these are placeholders.
  std::string product_description_code = "S1295";
  std::string product_tds = "000";
  // The product codes of the batch's cryovials and culture vessels (issue
  // 28): each carries the batch's DIN with its kind's description code and
  // product_tds's type character t followed by a division unique within the
  // DIN (item_divisions.h), so that each can be labelled. Placeholders, as
  // above: set the codes assigned for in-process cells.
  std::string cryovial_description_code = "S1296";
  std::string vessel_description_code = "S1297";
  // Where the service's time comes from: the day a material lot's expiry
  // and a calibration are checked against, and the present a recorded time
  // may not lie after. Not owned; must outlive the service. nullptr:
  // ledger::RealClock().
  ledger::Clock* clock = nullptr;
};
}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_PROCESS_H_
