// cellchain custody ...: items, locations, handoffs, holds, temperatures and
// traces over the custody service.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_H_

#include <string>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct CustodyOptions : CallOptions {
  // The item a command acts on (itm_..., its local code or its DIN).
  std::string item_id;
  // register: what the item is and what is written on it
  std::string item_type;  // "donor_lot", "dose_bag", ... (set-limits too)
  std::string din;
  std::string local_code;
  std::string product_code;
  std::string expiration;
  std::string chain_of_identity;
  std::string description;
  std::vector<std::string> parents;  // register, link: ITEM_ID:KIND
  std::string location_id;           // register, temperatures
  std::string patient_id;            // register, end
  // handoff, accept, cancel-handoff
  std::string to_user;
  std::string to_location;
  std::string carrier;
  std::string condition;
  bool seal_broken = false;
  std::string scan;  // accept, find; "-": one line from stdin
  std::string handoff_id;
  std::string hold_id;  // release-hold
  std::string outcome;  // end: consumed, infused, discarded
  std::string fin;      // din: the facility
  // location-add, locations
  std::string kind;  // site, room, ... position
  std::string name;
  std::string parent_location;
  std::string grid;  // a box's ROWSxCOLUMNS positions
  // temperatures
  std::string logger_id;
  std::vector<std::string> readings;  // TIME=CELSIUS
  // set-limits
  std::string min_celsius;
  std::string max_celsius;
  std::string direction = "backward";  // trace: backward or forward
  std::string format = "table";        // trace: table, json or csv
};

const Group& CustodyGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_CUSTODY_COMMANDS_H_
