// Cosigner: the second person of a four-eyes step who signs at the signer's
// workstation — the witness of a destruction, the second clinician at the
// bedside, QA approving a retest — named and authenticated the same way by
// every command that takes one. The pair of flags is always
//   --ROLE=USER               who co-signs (ROLE is the domain's word:
//                             witness, second-clinician, qa-approver)
//   --ROLE-password-env=VAR   the variable holding their password
// and without the variable their password is stdin's next line after the
// signer's (--password-stdin), else typed at the terminal without echo
// after a prompt naming them and their role. With no terminal and no source
// the command stops before anything is sent, in one line naming
// --ROLE-password-env; a co-signer not named is refused in the command
// line's own words for a missing flag. Declaring and reading them here
// keeps their names, help and refusals from drifting apart per group.
//
// A command takes at most one co-signer: its role is the flag whose
// "-password-env" twin the command also takes (CosignerRoleOf), so that the
// refusals name the flag the person types.
//
// Thread-safety: used from main() only (the terminal and stdin are
// process-wide).
#ifndef CELLCHAIN_CLIENTS_CLI_COSIGNER_H_
#define CELLCHAIN_CLIENTS_CLI_COSIGNER_H_

#include <string>
#include <string_view>

#include "cellchain/common/v1/common.pb.h"
#include "clients/cli/options.h"
#include "services/common/config/config.h"

namespace cellchain::cli {

struct CosignerRole {
  // The flags' word: "witness" gives --witness and --witness-password-env.
  const char* flag;
  // Who they are, for the help: "the witness of the destruction (a
  // pharmacist, not you)".
  const char* who;
};

// Declares --ROLE and --ROLE-password-env on `loader`, bound to `user` and
// `password_env`, with the same help for every role; `commands` ("infuse,
// dispose-unused") heads it, as a group's flags name the commands they
// serve. The pointers must outlive the loader's Load.
void DeclareCosigner(config::Loader& loader, const CosignerRole& role,
                     std::string_view commands, std::string* user,
                     std::string* password_env);

// "witness" -> "witness-password-env".
std::string CosignerPasswordFlag(std::string_view role);

// The co-signer's role of `command` ("dose destroy" -> "witness"): the flag
// it takes whose "-password-env" twin it takes too; "" when it takes none.
std::string CosignerRoleOf(std::string_view command);

// True when `user` names the co-signer of `command`. Otherwise prints
// "PROGRAM: COMMAND: --ROLE is required[ WHEN]; see PROGRAM COMMAND --help"
// — a missing required flag's refusal — and returns false (exit 2). A
// command whose co-signer is needed only sometimes (a destruction, a
// retest) checks this before any password is asked, `when` saying when
// ("with --retest-of").
bool CosignerNamed(const std::string& command, const std::string& user,
                   std::string_view when = "");

// `user_id`'s co-signature of `what` with `meaning`: their password from
// the variable named `env_var` (--ROLE-password-env) when not empty, else
// stdin's next line after the signer's (--password-stdin), else typed:
// "Password of carl (--second-clinician) to co-sign the bedside check
// (VERIFIED): ". False, after printing one line why (exit 2): the
// co-signer is not named (CosignerNamed), stdin is not a terminal and
// neither source was given (the line names --ROLE-password-env), the
// variable is unset or empty, or stdin has no more lines.
bool ReadCoSignature(const CallOptions& o, const std::string& command,
                     const std::string& user_id, const std::string& env_var,
                     const std::string& what,
                     common::v1::SignatureMeaning meaning,
                     common::v1::CoSignature* out);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_COSIGNER_H_
