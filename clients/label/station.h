// cellchain-label station: the technician's interactive label station, the
// labels service's client at a GMP bench (docs/clients/label.md, "The
// station").
//
//   cellchain-label station login --user-id ID [--password-stdin]
//   cellchain-label station logout
//   cellchain-label station print [--item ITEM] --printer HOST[:PORT]
//                                 --dpi 203|300 [--copies N] [--png FILE]
//   cellchain-label station reprint [--item ITEM] [--job-id JOB] --reason WHY
//                                   --printer HOST[:PORT] --dpi 203|300
//                                   [--copies N] [--png FILE]
//                                   [--password-stdin]
//   cellchain-label station void --job-id JOB --reason WHY
//   cellchain-label station verify [--item ITEM]      scans from stdin
//   cellchain-label station reconcile (--item ITEM | --din DIN)
//
// It talks to cellchaind over mTLS as the cellchain CLI does: the same
// flags and variables (--target, --ca, --cert, --key, --deadline,
// --session-file; CELLCHAIN_TARGET, ...), the same session file, so one
// login serves both, and CELLCHAIN_SESSION_TOKEN wins over the file. ITEM
// is an item id or a DIN or label as typed or scanned (scan_input.h);
// without --item the station asks for it and reads one line of stdin.
// Printing asks the printer's ~HS status before the service records a job,
// then renders the job's label to ZPL at --dpi and sends it
// (station_printing.h); with --png it also saves the PNG of that same
// layout, what a scanner would read off the printed label. Passwords are read
// without echo at a terminal, or one line of stdin with --password-stdin.
//
// Exit status: 0 done (verify: every scan passed), 1 refused (by the
// server, the printer or a check; verify: a scan failed), 2 usage.
//
// Thread-safety: used from main() only (stdin, the terminal).
#ifndef CELLCHAIN_CLIENTS_LABEL_STATION_H_
#define CELLCHAIN_CLIENTS_LABEL_STATION_H_

#include <span>
#include <string>

namespace cellchain::label {

// `args` are the arguments after "station". Reads std::cin, writes
// std::cout (results) and std::cerr (prompts and refusals).
int RunStation(std::span<const std::string> args);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_STATION_H_
