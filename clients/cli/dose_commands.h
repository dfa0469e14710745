// cellchain dose ...: the dose service's work as people do it
// (cellchain.dose.v1.DoseService) — the clinic registers a patient and
// orders a dose, the lab calculates, prepares, counts and verifies it, and
// the pharmacy releases it through every gate, issues it to the cath lab,
// takes it back or destroys it, and reads its worklists.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_DOSE_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_DOSE_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct DoseOptions : CallOptions {
  // patients: the subject id and the two bedside identifiers
  std::string subject_id;
  std::string date_of_birth;  // YYYY-MM-DD
  std::string initials;
  bool identifying_stdin = false;  // patient-register: name=, mrn= lines
  bool reveal = false;             // patient-show
  // orders; numbers as typed ("1e7"), read by the command
  std::string order_id;   // release: the order sheet's, the dose's order
  std::string cells;      // prescribed viable cells
  std::string volume_ml;  // final volume, ml
  std::string vehicle;
  std::string heparin_iu_per_ml;
  std::string route;
  std::string planned_infusion_at;  // RFC 3339
  std::string prescriber;
  // preparation: the source's count, or the bag's after preparation
  std::string cells_per_ml;  // total cells/ml
  std::string viability;     // %
  std::string lot_id;        // the QC lot, qcl_...
  std::string heparin;       // manufacturing's material lot, id or MAT- code
  std::string saline;
  std::string location_id;  // where the bag is kept
  // the dose and the pharmacy
  std::string dose_id;
  std::string scan;  // "-": one line from stdin (a keyboard-wedge scanner)
  std::vector<std::string> acknowledge;  // release: pending test codes
  std::string to_user;
  std::string to_location;
  std::string condition;
  bool seal_broken = false;
  std::string handoff_id;
  // destroy's co-signer (cosigner.h): --witness, --witness-password-env
  std::string witness;
  std::string witness_password_env;
  std::string worklist;        // list
  int64_t within_minutes = 0;  // list --worklist=expiring_soon
};

const Group& DoseGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_DOSE_COMMANDS_H_
