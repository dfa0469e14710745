// Shared pieces of the cellchain command-line client: its options, and the
// one-line error report every command uses.
// Thread-safety: used from main() only.
#ifndef CELLCHAIN_CLIENTS_CLI_CLI_H_
#define CELLCHAIN_CLIENTS_CLI_CLI_H_

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace cellchain::cli {

struct Options {
  std::string target = "127.0.0.1:7443";
  std::string ca;
  std::string cert;
  std::string key;
  std::chrono::milliseconds deadline{10000};
  // audit filters and outputs
  std::string entity_type;
  std::string entity_id;
  std::string din;
  std::string actor;
  std::string action;
  std::string from;    // RFC 3339
  std::string before;  // RFC 3339
  bool newest_first = false;
  int64_t page_size = 50;
  std::string record_id;
  int64_t tree_size = 0;
  std::string out;  // export directory
  bool include_state = false;
};

// Prints "cellchain: <command>: <CODE>: <message> (reason: R) (field: f)"
// to stderr and returns 1.
int Report(const std::string& command, const grpc::Status& status);

// Prints "cellchain: <command>: <message>" to stderr and returns `code`.
int Fail(const std::string& command, const std::string& message, int code);

using Command = int (*)(std::shared_ptr<grpc::Channel>, const Options&);

// The command for "group verb", or nullptr.
Command FindSystemCommand(const std::string& verb);
Command FindAuditCommand(const std::string& verb);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_CLI_H_
