// cellchain-label's command line: the offline commands a technician (or a
// validation engineer) runs without a server.
//
//   cellchain-label render --from-json FILE --format zpl|png|pdf
//                          --dpi 203|300 -o OUT
//   cellchain-label print --from-json FILE --dpi 203|300
//                         (--printer HOST[:PORT] | -o FILE) [--copies N]
//                         [--timeout SECONDS]
//   cellchain-label printer-status --printer HOST[:PORT] [--timeout SECONDS]
//   cellchain-label isbt check-char DIN13
//   cellchain-label isbt parse STRING
//
// (`cellchain-label station ...`, the labels service's client, is apart:
// station.h; main.cc routes it.)
//
// FILE is a cellchain.labels.v1.Label in its proto JSON form (what the
// labels service will return); OUT and -o FILE may be "-" for stdout.
// `print` reads the printer's ~HS status first and sends nothing to a
// printer that is paused, out of media, open or full (printer.h).
//
// Each command's flags are read by CLI11 (command.cc): "--name value",
// "--name=value", "-o value"; a flag's value is the next argument, whatever
// it looks like. An unknown flag, a flag given twice or without its value
// and an argument a command does not take are refused, naming them.
//
// Exit status: kExitDone (0), kExitRefused (1: the label, the input or the
// printer was refused; the reason on stderr), kExitUsage (2: a bad command
// line; the usage on stderr). "--help" or "-h", anywhere, prints the usage
// and exits 0.
//
// Thread-safety: Run only touches the streams it is given and the files
// and printers it is told to.
#ifndef CELLCHAIN_CLIENTS_LABEL_COMMAND_H_
#define CELLCHAIN_CLIENTS_LABEL_COMMAND_H_

#include <ostream>
#include <span>
#include <string>

namespace cellchain::label {

inline constexpr int kExitDone = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;

// `args` are the arguments after the program name. Returns the exit status.
int Run(std::span<const std::string> args, std::ostream& out,
        std::ostream& err);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_COMMAND_H_
