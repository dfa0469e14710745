// cellchain manufacturing ... (or mfg): materials, equipment, batches and
// their steps over the manufacturing service, with the options its commands
// read.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_MANUFACTURING_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_MANUFACTURING_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

// Times RFC 3339, dates YYYY-MM-DD, cell counts and percentages as numbers
// ("1e7"), read by the command that takes them so that a refusal names it.
struct ManufacturingOptions : CallOptions {
  // material lots (material-*)
  std::string material_id;
  std::string kind;  // a material's or equipment's kind: "medium", ...
  std::string name;  // material-receive, equipment-register
  std::string supplier;
  std::string supplier_lot;
  std::string expires_on;
  std::string received_at;
  std::string released_at;
  std::string status;  // material-list, equipment-status
  // equipment (equipment-*)
  std::string equipment_id;
  std::string asset_tag;
  std::string calibrated_on;
  std::string calibration_due;
  std::string calibration_reference;
  // where a lot, a piece of equipment or a step's vessels are
  std::string location_id;
  // batches
  std::string lot_id;  // batch-start, batch-list: the donor lot
  std::string batch_id;
  std::string process_version;
  std::string started_at;
  std::string state;             // batch-list: in_process, ...
  std::string format = "table";  // growth-curve: table or csv
  // steps
  std::string step_id;
  std::string source_step_id;
  int64_t revision = 0;  // verify, correct; 0: not given
  std::string item_id;   // thaw: the vial
  std::string method;    // processing: explant, enzymatic
  std::string tissue_grams;
  std::string vessel_type;
  int64_t vessel_count = 0;
  std::string seeded_at;
  std::string seeded_cells;
  std::string harvested_at;
  std::string harvested_cells;
  std::string recovered_cells;  // thaw
  std::string viability;
  std::string confluence;
  std::string bank;  // cryopreserve: master, working, final_product
  std::string cells_per_vial;
  std::string frozen_at;
  std::string thawed_at;
  std::string volume_ml;
  // Repeatable (each occurrence adds, comma-separated items too): MAT_ID or
  // MAT_ID:QUANTITY; EQP_ID.
  std::vector<std::string> materials;
  std::vector<std::string> equipment;
  std::vector<std::string> positions;  // cryopreserve: one location per vial
  // passage-seed/correct: what became of the cells left in the source.
  std::string leftover;
  // A step, batch start or material receipt or release entered after the
  // server's window: why.
  std::string late_entry_reason;
  // deviations
  std::string deviation_id;
  std::string classification;  // minor, major, critical
  std::string description;
  std::string impact;
  std::string assessment;
};

const Group& ManufacturingGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_MANUFACTURING_COMMANDS_H_
