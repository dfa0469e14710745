// cellchain: the command-line client of cellchain's services, over mTLS.
//   cellchain [--target=HOST:PORT --ca=F --cert=F --key=F] COMMAND
// Every failure prints one line naming the refused rule or field and exits
// non-zero (1: the server refused or could not be reached, or a check
// failed; 2: usage).
//
// A person logs in once per workstation (`cellchain login`); the session
// token goes to a file that every later command reads and sends as
// "authorization: Bearer <token>".
#include "clients/cli/commands.h"
#include "clients/cli/run.h"

int main(int argc, char** argv) {
  return cellchain::cli::RunProgram(cellchain::cli::Cellchain(), argc, argv);
}
