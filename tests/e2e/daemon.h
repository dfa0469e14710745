// Runs a real cellchaind process for end-to-end tests: started with the test
// PKI and a database of the test cluster, stderr captured to a file, its
// listening port read from its own `event=server_started` log line. Also the
// helpers to act as a person: bootstrap the first admin, log in, and run the
// cellchain CLI with a workstation's certificate and a session file.
// Thread-safety: not thread-safe; one per test.
#ifndef CELLCHAIN_TESTS_E2E_DAEMON_H_
#define CELLCHAIN_TESTS_E2E_DAEMON_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::e2e {

// The scrypt cost that bootstrap-admin and Start give cellchaind: ln=4
// instead of the product's 15 (about 0.2 ms instead of 0.1-0.2 s per hash,
// decision 0020). Each log-in, password change and e-signature is one hash;
// at the product's cost they were half of the e2e tests' time. A test of
// the product's cost passes --password-hash-cost=15 in `extra`.
inline constexpr char kTestPasswordHashCost[] = "--password-hash-cost=4";

// $CELLCHAIN_TEST_PKI, $CELLCHAIN_BIN_DIR ("" when unset).
std::string Pki();
std::string BinDir();

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a command to completion (argv[0] is a path), capturing its output.
// `input` is its stdin (empty: /dev/null); `env` entries ("NAME=value") are
// added to the environment it inherits.
RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::string& input = "",
                     const std::vector<std::string>& env = {});

// `conninfo` without its user= keyword: cellchaind connects each service
// as that service's own role.
std::string WithoutUser(std::string conninfo);

// `cellchaind bootstrap-admin` against `pg_conninfo` (without a user, as for
// serve) with the test PKI's signing keys and kTestPasswordHashCost; the
// password goes in through CELLCHAIN_BOOTSTRAP_PASSWORD. Exit 0: created;
// 3: an admin exists.
RunResult BootstrapAdmin(const std::string& pg_conninfo,
                         const std::string& user_id,
                         const std::string& printed_name,
                         const std::string& password);

// A context for one call that carries `token` as "authorization: Bearer".
std::unique_ptr<grpc::ClientContext> SessionContext(
    const std::string& token,
    std::chrono::milliseconds deadline = std::chrono::seconds(10));

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& stem);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Daemon {
 public:
  // Starts `cellchaind serve` on 127.0.0.1:0 against `pg_conninfo` (without a
  // user; cellchaind picks each service's role) plus `extra_flags`, and waits
  // up to 20 s for its server_started line. Returns nullptr (with the log in
  // *error) when it exits or does not start.
  //
  // With kTestPasswordHashCost unless `extra` names another cost, and
  // with --pg-pool-size=4 unless `extra_flags` names another: cellchaind
  // opens every pool's connections at start, ten services x the default 8
  // took 3.2-3.6 s of each start on the CI machine (1.7-1.9 s with 4), and
  // a test's calls come from one CLI at a time or a few threads.
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

  // AuthService.Login as `user_id` at workstation `client`: the session
  // token, or the refusal.
  absl::StatusOr<std::string> Login(const std::string& client,
                                    const std::string& user_id,
                                    const std::string& password) const;

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

// The cellchain CLI as one person at one workstation: every command runs
// with pki/clients/<workstation>'s certificate and the person's own session
// file, so that a test can switch between people as a demo does.
class CliSession {
 public:
  CliSession(const Daemon& daemon, std::string workstation,
             std::string session_file)
      : CliSession(daemon.target(), std::move(workstation),
                   std::move(session_file)) {}
  // The same against `target` as given ("HOST:PORT,HOST:PORT" for several
  // daemons).
  CliSession(std::string target, std::string workstation,
             std::string session_file)
      : target_(std::move(target)),
        workstation_(std::move(workstation)),
        session_file_(std::move(session_file)) {}

  const std::string& session_file() const { return session_file_; }

  // The command line of `cellchain <args>`.
  std::vector<std::string> Argv(const std::vector<std::string>& args) const;
  RunResult Run(const std::vector<std::string>& args,
                const std::string& input = "",
                const std::vector<std::string>& env = {}) const;
  // `cellchain login --user-id=ID --password-stdin`.
  RunResult Login(const std::string& user_id,
                  const std::string& password) const;

 private:
  std::string target_;
  std::string workstation_;
  std::string session_file_;
};

// A user as a person gets one: `admin` (logged in) creates `user_id` with
// `roles` ("qa,technician") and a temporary password; then the user logs in
// at `user` and changes it to `password` (and stays logged in there). The
// failing command's output, or OK.
absl::Status ProvisionUser(const CliSession& admin, const CliSession& user,
                           const std::string& user_id,
                           const std::string& printed_name,
                           const std::string& roles,
                           const std::string& password);

}  // namespace cellchain::e2e

#endif  // CELLCHAIN_TESTS_E2E_DAEMON_H_
