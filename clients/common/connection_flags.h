// ConnectionOptions: how a cellchain client reaches cellchaind — the
// server's address, the workstation's mTLS certificate, key and the CA that
// issued the server's, the deadline of each call, and the session file —
// and DeclareConnectionFlags, the one declaration of the flags and
// variables that fill it (--target, --ca, --cert, --key, --deadline,
// --session-file; CELLCHAIN_TARGET, ...). The cellchain CLI and
// `cellchain-label station` take the same flags and share the session
// file, so that a workstation configured for one is configured for the
// other and one login serves both; declaring them once keeps their names,
// defaults and help from drifting apart.
//
// A client whose options hold more (the CLI's CallOptions adds --reason and
// the password sources) derives its struct from ConnectionOptions and calls
// DeclareConnectionFlags on it before declaring its own flags.
//
// Thread-safety: plain values, filled once by main() through a
// config::Loader (used from main() alone) and only read afterwards.
#ifndef CELLCHAIN_CLIENTS_COMMON_CONNECTION_FLAGS_H_
#define CELLCHAIN_CLIENTS_COMMON_CONNECTION_FLAGS_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/config/config.h"

namespace cellchain::client {

struct ConnectionOptions {
  // cellchaind, HOST:PORT, or its replicas, HOST:PORT,HOST:PORT
  // (services/common/grpc/targets.h).
  std::string target = "127.0.0.1:7443";
  std::string ca;    // PEM file: the CA that issued the server's certificate
  std::string cert;  // PEM file: this workstation's client certificate
  std::string key;   // PEM file: its private key
  std::chrono::milliseconds deadline{10000};  // of each call
  // Where login writes the session token and every other command reads it
  // ($HOME/.cellchain/session by default; "" without a home directory).
  std::string session_file;
};

// Declares the connection flags on `loader`, bound to `o`'s fields: --ca,
// --cert and --key are required and must name readable files (Load fails
// naming the flag otherwise); --session-file defaults to
// cli::DefaultSessionFile(). `o` must outlive the loader's Load.
void DeclareConnectionFlags(config::Loader& loader, ConnectionOptions& o);

// The names DeclareConnectionFlags declares, without "--", in its order:
// what a client accepts on every one of its commands.
const std::vector<std::string_view>& ConnectionFlagNames();

}  // namespace cellchain::client

#endif  // CELLCHAIN_CLIENTS_COMMON_CONNECTION_FLAGS_H_
