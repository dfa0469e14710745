// cellchain clinical receive|bedside-check|infuse|dispose-unused|observe|
// adverse-event|record|infusions: the cath lab's and the ward's commands
// over cellchain.clinical.v1.ClinicalService — a dose received, checked at
// the bedside by two clinicians, infused, or returned or destroyed unused;
// the 5-day observation and adverse events; a patient's record and a QC
// lot's infusions for the pharmacy and QA.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_CLINICAL_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_CLINICAL_COMMANDS_H_

#include <string>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct ClinicalOptions : CallOptions {
  std::string infusion_id;  // every command on one infusion
  std::string format = "table";  // infusions: table, json or csv
  // receive: the dose, its bag's scan ("-": a line of stdin, as a
  // keyboard-wedge scanner types it) and how it arrived.
  std::string dose_id;
  std::string handoff_id;  // "": the one the dose was issued with
  std::string scan;
  std::string condition;
  bool seal_broken = false;
  // bedside-check: each clinician's scan of the dose label and reading of
  // the patient's wristband; the second clinician co-signs.
  std::string label_scan;
  std::string subject_id;  // also record's patient
  std::string date_of_birth;
  std::string initials;
  std::string chain_of_identity;
  // The co-signer (cosigner.h): --second-clinician,
  // --second-clinician-password-env.
  std::string second_clinician;
  std::string second_clinician_password_env;
  std::string second_label_scan;
  std::string second_subject_id;
  std::string second_date_of_birth;
  std::string second_initials;
  std::string second_chain_of_identity;
  // infuse; times RFC 3339
  std::string started_at;
  std::string ended_at;
  std::string volume_ml;
  std::string route = "intracoronary";
  std::string artery;
  std::string catheter_fr;  // a whole number of Fr
  bool balloon_occlusion = false;
  std::vector<std::string> complications;
  std::string remainder;  // a partial infusion's: destroyed
  // The co-signer of infuse's remainder's or dispose-unused's destruction
  // (cosigner.h): --witness, --witness-password-env.
  std::string witness;
  std::string witness_password_env;
  // dispose-unused
  std::string disposal;     // returned_to_pharmacy, destroyed
  std::string to_location;  // the pharmacy, for a return
  // observe
  std::string day;  // 1 to 5
  std::string observed_at;
  std::vector<std::string> entries;  // KIND:VALUES, see --entry's help
  // adverse-event
  std::string term;
  std::string onset_at;
  std::string seriousness;
  std::vector<std::string> criteria;
  std::string severity;
  std::string relatedness;
  std::string outcome;
  std::string description;
  std::string lot_id;  // infusions: the QC lot
};

const Group& ClinicalGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_CLINICAL_COMMANDS_H_
