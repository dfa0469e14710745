// The session commands (cellchain login|logout|whoami|passwd) and the
// administration of users (cellchain user ...), over the identity service.
// Both groups read the same options.
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_IDENTITY_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_IDENTITY_COMMANDS_H_

#include <string>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct IdentityOptions : CallOptions {
  std::string user_id;
  std::string printed_name;        // user create
  std::vector<std::string> roles;  // "qa", "technician", ...
  std::string new_password_env;    // passwd: the new password's variable
};

const Group& SessionGroup();  // login, logout, whoami, passwd
const Group& UserGroup();     // user create, list, show, ...

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_IDENTITY_COMMANDS_H_
