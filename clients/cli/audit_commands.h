// cellchain audit checkpoint|query|history|proof|verify|export|pin-key: QA's view
// of the signed audit log, every command after the log was checked against
// the checkpoint this user saw last (log_witness.h).
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_AUDIT_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_AUDIT_COMMANDS_H_

#include <cstdint>
#include <string>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct AuditOptions : CallOptions {
  // the records' filters (query, export)
  std::string entity_type;
  std::string entity_id;
  std::string din;
  std::string actor;
  std::string action;
  std::string from;    // RFC 3339
  std::string before;  // RFC 3339
  bool newest_first = false;
  int64_t page_size = 50;
  std::string record_id;         // proof
  int64_t tree_size = 0;         // checkpoint, proof: 0 is the latest
  std::string out;               // export: the bundle's directory
  std::string save;              // checkpoint: also write it to this file
  std::string since;             // verify: a checkpoint file kept outside
  std::string add_key;           // pin-key: a checkpoint key to pin
  std::string remove_key;        // pin-key: a pinned key to drop
  bool include_state = false;    // export
  std::string format = "table";  // query, history: table, json or csv
};

const Group& AuditGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_AUDIT_COMMANDS_H_
