#include "clients/cli/cosigner.h"

#include <unistd.h>

#include <algorithm>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/cli.h"
#include "clients/cli/commands.h"
#include "clients/cli/session.h"

namespace cellchain::cli {

void DeclareCosigner(config::Loader& loader, const CosignerRole& role,
                     std::string_view commands, std::string* user,
                     std::string* password_env) {
  const std::string flag = role.flag;
  const std::string password_flag = CosignerPasswordFlag(flag);
  loader.String(
      flag, user,
      FlagHelp(absl::StrCat(
          std::string(commands), ": ", role.who,
          ", by user id, co-signing at this workstation: their password is "
          "read from --",
          password_flag,
          "=VAR, else from stdin's next line after yours "
          "(--password-stdin), else typed without echo.")));
  loader.String(password_flag, password_env,
                FlagHelp(absl::StrCat(std::string(commands),
                                      ": the environment variable "
                                      "holding the password of --",
                                      flag, " (its name, not the password).")));
}

std::string CosignerPasswordFlag(std::string_view role) {
  return absl::StrCat(std::string(role), "-password-env");
}

std::string CosignerRoleOf(std::string_view command) {
  for (const CommandSpec& spec : Commands()) {
    if (command != spec.command) continue;
    const std::vector<std::string> flags = FlagsOf(spec);
    for (const std::string& flag : flags) {
      if (std::find(flags.begin(), flags.end(), CosignerPasswordFlag(flag)) !=
          flags.end()) {
        return flag;
      }
    }
  }
  return "";
}

bool CosignerNamed(const std::string& command, const std::string& user,
                   std::string_view when) {
  if (!user.empty()) return true;
  Fail(command,
       absl::StrCat("--", CosignerRoleOf(command), " is required",
                    when.empty() ? "" : " ", std::string(when), "; see ",
                    ProgramName(), " ", command, " --help"),
       2);
  return false;
}

bool ReadCoSignature(const CallOptions& o, const std::string& command,
                     const std::string& user_id, const std::string& env_var,
                     const std::string& what,
                     common::v1::SignatureMeaning meaning,
                     common::v1::CoSignature* out) {
  if (!CosignerNamed(command, user_id)) return false;
  const std::string role = CosignerRoleOf(command);
  const std::string password_flag = CosignerPasswordFlag(role);
  // ReadPassword's own refusal would name the signer's --password-env:
  // the person must learn which flag carries the co-signer's password.
  if (env_var.empty() && !o.password_stdin && !isatty(STDIN_FILENO)) {
    Fail(command,
         absl::StrCat("stdin is not a terminal for ", user_id, " (--", role,
                      ") to type their password at; use --", password_flag,
                      "=VAR, or --password-stdin with theirs on the line "
                      "after yours"),
         2);
    return false;
  }
  std::string meaning_name = absl::AsciiStrToUpper(LowerName(
      common::v1::SignatureMeaning_Name(meaning), "SIGNATURE_MEANING_"));
  absl::StatusOr<std::string> password =
      ReadPassword({.env_var = env_var, .from_stdin = o.password_stdin},
                   absl::StrCat("password of ", user_id, " (--", role,
                                ") to co-sign ", what, " (", meaning_name, ")"),
                   false);
  if (!password.ok()) {
    Fail(command,
         absl::StrCat(env_var.empty() ? "" : "--" + password_flag + ": ",
                      password.status().message()),
         2);
    return false;
  }
  out->set_user_id(user_id);
  out->set_password(*password);
  out->set_meaning(meaning);
  return true;
}

}  // namespace cellchain::cli
