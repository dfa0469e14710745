// The cellchain CLI's local session state and password input.
//
// A session file holds the token of one login (AuthService.Login's
// session_token) and nothing else, on one line. It is written mode 0600
// through a temporary file and a rename, so a reader never sees half a
// token, and its directory is created 0700 when missing.
//
// Passwords are typed at the terminal with echo off (termios), or read from
// stdin (--password-stdin, one line each) or from a named environment
// variable (--password-env=VAR): never taken as an argument, since any user
// of the host can read a process's arguments. They are never printed.
//
// Thread-safety: used from main() only (the terminal and stdin are
// process-wide).
#ifndef CELLCHAIN_CLIENTS_CLI_SESSION_H_
#define CELLCHAIN_CLIENTS_CLI_SESSION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cellchain::cli {

// $HOME/.cellchain/session (the home directory from the password database
// when HOME is unset); "" when there is no home directory at all.
std::string DefaultSessionFile();

// The token in `path`, trimmed of surrounding whitespace.
// NOT_FOUND: no such file. INVALID_ARGUMENT: the file is empty or holds more
// than one line. Other codes: the file cannot be read.
absl::StatusOr<std::string> ReadSessionFile(const std::string& path);

// Replaces `path` with `token` atomically, mode 0600, creating missing
// directories mode 0700. INTERNAL (naming the path and errno) on failure.
absl::Status WriteSessionFile(const std::string& path,
                              const std::string& token);

// Deletes `path`; OK when it does not exist. INTERNAL otherwise.
absl::Status RemoveSessionFile(const std::string& path);

// Where one password comes from, in order of precedence: the variable named
// `env_var` if not empty, else the next line of stdin if `from_stdin`, else
// the terminal.
struct PasswordSource {
  std::string env_var;
  bool from_stdin = false;
};

// One password. At a terminal, `prompt` ("new password") is written to
// stderr, capitalized, and the answer read with echo off; with `confirm`, it
// is asked again ("Repeat the new password: ") and must match.
// FAILED_PRECONDITION: no source (stdin is not a terminal and neither
// --password-stdin nor --password-env was given), the variable is unset or
// empty, stdin has no more lines, or the two answers differ. The message
// never contains the password.
absl::StatusOr<std::string> ReadPassword(const PasswordSource& source,
                                         const std::string& prompt,
                                         bool confirm);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_SESSION_H_
