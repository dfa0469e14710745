// CallOptions: what every cellchain command needs to make its calls — where
// the server is, the workstation's certificate, the deadline, the session —
// and what every change sends with it (--reason) or signs with
// (--password-stdin, --password-env). Each command group's options struct
// derives from it and adds the group's own flags (group.h); the common
// flags are declared by command_line.cc, the rest by the groups whose
// commands take them.
// Thread-safety: plain structs, filled once by main() before any command
// runs and only read afterwards.
#ifndef CELLCHAIN_CLIENTS_CLI_OPTIONS_H_
#define CELLCHAIN_CLIENTS_CLI_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace cellchain::cli {

struct CallOptions {
  std::string target = "127.0.0.1:7443";
  std::string ca;
  std::string cert;
  std::string key;
  std::chrono::milliseconds deadline{10000};
  std::string session_file;  // where login writes and every command reads
  // Why a change is made (audited): a mutating call's RequestContext.
  std::string reason;
  // Where passwords come from when not typed at a terminal: never a value
  // on the command line, which any user of the host can read.
  bool password_stdin = false;
  std::string password_env;  // the name of a variable, not a password
  // Resolved by main() before a command runs: $CELLCHAIN_SESSION_TOKEN, or
  // the session file's token; "" when neither exists (the server then
  // answers SESSION_REQUIRED).
  std::string session_token;
  bool session_from_file = false;  // session_token came from session_file
};

// The flags of the groups not yet given options of their own (custody,
// donor, manufacturing), declared by command_line.cc.
struct Options : CallOptions {
  // shared with audit's filters
  std::string din;
  std::string from;    // RFC 3339
  std::string before;  // RFC 3339
  int64_t page_size = 50;
  // custody (cellchain custody ...)
  std::string item_id;
  std::string item_type;  // "donor_lot", "dose_bag", ...
  std::string local_code;
  std::string product_code;
  std::string expiration;
  std::string chain_of_identity;
  std::string description;
  std::vector<std::string> parents;  // ITEM_ID:KIND
  std::string location_id;
  std::string patient_id;
  std::string to_user;
  std::string to_location;
  std::string carrier;
  std::string condition;
  bool seal_broken = false;
  std::string scan;  // "-": one line from stdin (a keyboard-wedge scanner)
  std::string handoff_id;
  std::string hold_id;
  std::string outcome;  // consumed, infused, discarded
  std::string fin;
  std::string kind;  // location kind
  std::string name;
  std::string parent_location;
  std::string grid;  // location-add --kind=box: ROWSxCOLUMNS positions
  std::string logger_id;
  std::vector<std::string> readings;  // TIME=CELSIUS
  std::string min_celsius;
  std::string max_celsius;
  std::string direction = "backward";
  // donor (cellchain donor ...); times RFC 3339
  std::string donor_code;
  bool identifying_stdin = false;  // name=, date_of_birth=, mrn= lines
  bool reveal = false;
  std::string form_version;
  std::string consented_at;
  std::string taken_by;
  std::string witness;
  // donor screen: CODE[:RESULT[:METHOD[:KIT_LOT]]], repeatable; and a file
  // of such lines.
  std::vector<std::string> tests;
  std::string panel_file;
  std::string method;
  std::string kit_lot;
  std::string drawn_at;
  std::string result;  // non_reactive, reactive, indeterminate
  std::string delivered_at;
  std::string collected_at;
  std::string received_at;
  std::string weight_grams;
  std::string deviation_id;
  std::string decision;  // acceptable, not_acceptable
  std::string assessment;
  std::string lot_id;
  std::string state;  // lots: quarantine, available, discarded
  // manufacturing (cellchain manufacturing ...); times RFC 3339, dates
  // YYYY-MM-DD, cell counts as numbers ("1e7")
  std::string material_id;
  std::string supplier;
  std::string supplier_lot;
  std::string expires_on;
  std::string status;  // material-list, equipment-status
  std::string equipment_id;
  std::string asset_tag;
  std::string calibrated_on;
  std::string calibration_due;
  std::string calibration_reference;
  std::string batch_id;
  std::string process_version;
  std::string step_id;
  std::string source_step_id;
  int64_t revision = 0;  // 0: not given
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
  std::string bank;  // master, working, final_product
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
  std::string leftover;  // discarded, banked, carried
  // Steps, batch starts and material receipts and releases entered after
  // the server's window: why (manufacturing's late entry).
  std::string late_entry_reason;
  // batch-start, material-release: when it happened, for a paper record
  // entered after the fact (material-receive uses received_at).
  std::string started_at;
  std::string released_at;
  std::string classification;  // minor, major, critical
  std::string impact;
  std::string format = "table";  // growth-curve: table or csv
};

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_OPTIONS_H_
