// cellchain donor ...: birth mothers, consent, screening, eligibility and
// donor lots over the donor service.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_DONOR_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_DONOR_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

// The donor commands' flags; times RFC 3339, numbers as typed ("4.5").
struct DonorOptions : CallOptions {
  std::string donor_code;          // DNR-...
  bool identifying_stdin = false;  // register: name=, date_of_birth=, mrn=
  bool reveal = false;             // show: identifying data (QA, audited)
  // consent
  std::string form_version;
  std::string consented_at;
  std::string taken_by;
  std::string witness;
  // screen: CODE[:RESULT[:METHOD[:KIT_LOT]]], repeatable, and a file of
  // such lines; --result, --method and --kit-lot fill what an entry omits.
  std::vector<std::string> tests;
  std::string panel_file;
  std::string method;
  std::string kit_lot;
  std::string result;  // a ScreeningResult: non_reactive, ...
  std::string drawn_at;
  // register, receive
  std::string delivered_at;
  std::string collected_at;
  std::string received_at;
  std::string min_celsius;  // the transport's readings
  std::string max_celsius;
  std::string weight_grams;
  std::string location_id;  // where the lot is put: loc_... or its path
  // assess
  std::string deviation_id;
  std::string decision;  // a DeviationStatus but open: acceptable, ...
  std::string assessment;
  // the lots
  std::string lot_id;  // lot_... or its DIN
  std::string din;
  std::string state;   // a LotState: quarantine, ...
  std::string from;    // lots received at or after
  std::string before;  // lots received before
  int64_t page_size = 50;
  std::string format = "table";  // lots: table, json or csv
};

const Group& DonorGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_DONOR_COMMANDS_H_
