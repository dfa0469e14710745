// CallOptions: what every cellchain command needs to make its calls — where
// the server is, the workstation's certificate, the deadline, the session —
// and what every change sends with it (--reason) or signs with
// (--password-stdin, --password-env). Each command group's options struct
// derives from it and adds the group's own flags (group.h); the common
// flags are declared by clients/common/connection_flags.h, the rest by the
// groups whose commands take them. Thread-safety: plain structs, filled once by
// main() before any command runs and only read afterwards.
#ifndef CELLCHAIN_CLIENTS_CLI_OPTIONS_H_
#define CELLCHAIN_CLIENTS_CLI_OPTIONS_H_

#include <string>

#include "clients/common/connection_flags.h"

namespace cellchain::cli {

// Where to call and as which workstation: client::ConnectionOptions,
// declared by DeclareConnectionFlags as for the label station.
struct CallOptions : client::ConnectionOptions {
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

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_OPTIONS_H_
