#include "clients/common/connection_flags.h"

#include "clients/cli/session.h"

namespace cellchain::client {

void DeclareConnectionFlags(config::Loader& loader, ConnectionOptions& o) {
  loader.String("target", &o.target,
                "cellchaind's address, HOST:PORT; or its replicas',\n"
                "HOST:PORT,HOST:PORT,...: each call goes to one that is\n"
                "up and serving, and every one's certificate must be valid\n"
                "for the first HOST.");
  loader
      .ReadableFile("ca", &o.ca, "PEM CA that issued the server's certificate.")
      .Required();
  loader
      .ReadableFile("cert", &o.cert,
                    "PEM client certificate of this workstation.")
      .Required();
  loader.ReadableFile("key", &o.key, "PEM private key of this workstation.")
      .Required();
  loader.Duration("deadline", &o.deadline, "Deadline of each call.");
  o.session_file = cli::DefaultSessionFile();
  loader.String("session-file", &o.session_file,
                "Where login saves the session token and the other commands\n"
                "read it (every cellchain client shares it);\n"
                "$CELLCHAIN_SESSION_TOKEN, when set, is used instead.");
}

const std::vector<std::string_view>& ConnectionFlagNames() {
  static const auto* const names = new std::vector<std::string_view>{
      "target", "ca", "cert", "key", "deadline", "session-file"};
  return *names;
}

}  // namespace cellchain::client
