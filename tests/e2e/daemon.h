// Runs a real cellchaind process for end-to-end tests: started with the test
// PKI and a database of the test cluster, stderr captured to a file, its
// listening port read from its own `event=server_started` log line.
// Thread-safety: not thread-safe; one per test.
#ifndef CELLCHAIN_TESTS_E2E_DAEMON_H_
#define CELLCHAIN_TESTS_E2E_DAEMON_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

namespace cellchain::e2e {

// $CELLCHAIN_TEST_PKI, $CELLCHAIN_BIN_DIR ("" when unset).
std::string Pki();
std::string BinDir();

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a command to completion (argv[0] is a path), capturing its output.
RunResult RunCommand(const std::vector<std::string>& argv);

class Daemon {
 public:
  // Starts `cellchaind serve` on 127.0.0.1:0 against `pg_conninfo` (without a
  // user; cellchaind picks each service's role) plus `extra_flags`, and waits
  // up to 20 s for its server_started line. Returns nullptr (with the log in
  // *error) when it exits or does not start.
  static std::unique_ptr<Daemon> Start(const std::string& pg_conninfo,
                                       const std::vector<std::string>& extra,
                                       std::string* error);
  ~Daemon();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;

  // An mTLS channel as workstation `client` (a name under pki/clients).
  std::shared_ptr<grpc::Channel> Channel(const std::string& client) const;

  // Sends `signal` and waits up to `timeout` for the exit; the exit status
  // (WEXITSTATUS, or 128+signal) or nullopt on timeout.
  std::optional<int> SignalAndWait(int signal,
                                   std::chrono::milliseconds timeout);

 private:
  Daemon(pid_t pid, std::string log_path)
      : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  int port_ = 0;
  bool exited_ = false;
};

}  // namespace cellchain::e2e

#endif  // CELLCHAIN_TESTS_E2E_DAEMON_H_
