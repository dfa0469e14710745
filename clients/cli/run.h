// RunProgram: a client's main() — `cellchain`, `cellchain-qa`,
// `cellchain-pharmacy` — given the Program (program.h) it is: reads the
// command line, opens the mTLS channel, finds the session (the variable
// $CELLCHAIN_SESSION_TOKEN, else the session file), turns the names typed
// for things into their ids, and runs the command.
// Thread-safety: call once, from main().
#ifndef CELLCHAIN_CLIENTS_CLI_RUN_H_
#define CELLCHAIN_CLIENTS_CLI_RUN_H_

#include "clients/cli/program.h"

namespace cellchain::cli {

// The exit status: 0 done; 1 the server refused or could not be reached, or
// a check failed; 2 usage (every failure prints one line naming the refused
// rule or field).
int RunProgram(const Program& program, int argc, char** argv);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_RUN_H_
