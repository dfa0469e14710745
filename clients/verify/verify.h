// cellchain-verify: offline checks of the audit ledger's cryptography with
// nothing but public data. The commands interoperate with other RFC 6962 /
// C2SP tooling:
//
//   cellchain-verify rfc6962 root [LEAF_DATA_HEX ...]
//   cellchain-verify rfc6962 inclusion --index I --size N --leaf-hash HEX
//                                      --root HEX --proof HEX,HEX,...
//   cellchain-verify rfc6962 consistency --size1 M --size2 N --root1 HEX
//                                        --root2 HEX --proof HEX,HEX,...
//   cellchain-verify note --vkey VERIFIER_KEY [--vkey ...] FILE
//   cellchain-verify bundle [--vkey VERIFIER_KEY ...] [--threads N] DIR
//   cellchain-verify vkey --name NAME FILE   (a PEM public key's vkey)
//
// Exit status: kExitValid (0), kExitInvalid (1, the reason on stderr),
// kExitUsage (2, a bad command line or unreadable input; the usage on
// stderr). "--help" prints the usage on stdout and exits 0.
//
// Commands are rows of one table (verify.cc). `bundle` checks a whole audit
// bundle (bundle_command.h): its exit status is 0 only when every check
// holds, 1 when any fails, 2 for a bad command line or unreadable bundle.
//
// Thread-safety: Run only touches the streams it is given.
#ifndef CELLCHAIN_CLIENTS_VERIFY_VERIFY_H_
#define CELLCHAIN_CLIENTS_VERIFY_VERIFY_H_

#include <istream>
#include <ostream>
#include <span>
#include <string>

namespace cellchain::verify {

inline constexpr int kExitValid = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// Runs one invocation. `args` are the arguments after the program name;
// `in` is read when a command is given the file "-". Returns the exit
// status.
int Run(std::span<const std::string> args, std::istream& in, std::ostream& out,
        std::ostream& err);

struct RunOptions {
  // `err` is a terminal: long commands draw a progress bar on it.
  bool err_is_terminal = false;
};
int Run(std::span<const std::string> args, std::istream& in, std::ostream& out,
        std::ostream& err, const RunOptions& options);

}  // namespace cellchain::verify

#endif  // CELLCHAIN_CLIENTS_VERIFY_VERIFY_H_
