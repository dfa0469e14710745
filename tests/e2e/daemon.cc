#include "tests/e2e/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"

namespace cellchain::e2e {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// `in_path` becomes stdin; `env` entries ("NAME=value") are added to the
// inherited environment.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& in_path = "/dev/null",
            const std::vector<std::string>& env = {}) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  int in = open(in_path.c_str(), O_RDONLY);
  dup2(in, STDIN_FILENO);
  for (const std::string& entry : env) {
    size_t eq = entry.find('=');
    setenv(entry.substr(0, eq).c_str(),
           eq == std::string::npos ? "" : entry.c_str() + eq + 1, 1);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

std::string TempPath(const std::string& stem) {
  std::string dir = Env("TMPDIR").empty() ? "/tmp" : Env("TMPDIR");
  std::string templ = dir + "/" + stem + "-XXXXXX";
  int fd = mkstemp(templ.data());
  if (fd >= 0) close(fd);
  return templ;
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string Pki() { return Env("CELLCHAIN_TEST_PKI"); }
std::string BinDir() { return Env("CELLCHAIN_BIN_DIR"); }

RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::string& input,
                     const std::vector<std::string>& env) {
  std::string out_path = TempPath("cellchain-run");
  std::string in_path = "/dev/null";
  if (!input.empty()) {
    // A file rather than a pipe: nothing to deadlock on, whatever the child
    // reads or does not read.
    in_path = TempPath("cellchain-input");
    std::ofstream(in_path) << input;
  }
  pid_t pid = Spawn(argv, out_path, in_path, env);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result{DecodeWaitStatus(status), ReadAll(out_path)};
  unlink(out_path.c_str());
  if (!input.empty()) unlink(in_path.c_str());
  return result;
}

std::string WithoutUser(std::string conninfo) {
  size_t user = conninfo.find("user=");
  if (user != std::string::npos) {
    size_t end = conninfo.find(' ', user);
    conninfo.erase(
        user, end == std::string::npos ? std::string::npos : end - user + 1);
  }
  return conninfo;
}

RunResult BootstrapAdmin(const std::string& pg_conninfo,
                         const std::string& user_id,
                         const std::string& printed_name,
                         const std::string& password) {
  return RunCommand(
      {BinDir() + "/cellchaind", "bootstrap-admin", "--pg=" + pg_conninfo,
       "--signing-key-dir=" + Pki() + "/signing", "--user-id=" + user_id,
       "--printed-name=" + printed_name, kTestPasswordHashCost},
      "", {"CELLCHAIN_BOOTSTRAP_PASSWORD=" + password});
}

std::unique_ptr<grpc::ClientContext> SessionContext(
    const std::string& token, std::chrono::milliseconds deadline) {
  std::unique_ptr<grpc::ClientContext> context = grpcx::NewContext(deadline);
  context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

TempDir::TempDir(const std::string& stem) {
  std::string dir = Env("TMPDIR").empty() ? "/tmp" : Env("TMPDIR");
  std::string templ = dir + "/" + stem + "-XXXXXX";
  if (mkdtemp(templ.data()) != nullptr) path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<Daemon> Daemon::Start(const std::string& pg_conninfo,
                                      const std::vector<std::string>& extra,
                                      std::string* error) {
  std::vector<std::string> argv = {
      BinDir() + "/cellchaind",
      "serve",
      "--listen=127.0.0.1:0",
      "--tls-cert=" + Pki() + "/server/cellchaind.crt",
      "--tls-key=" + Pki() + "/server/cellchaind.key",
      "--tls-ca=" + Pki() + "/ca.crt",
      "--pg=" + pg_conninfo,
      "--signing-key-dir=" + Pki() + "/signing",
      "--keyring=" + Pki() + "/signing/keyring",
      "--field-key-file=" + Pki() + "/field-keys",
      "--request-hash-key-file=" + Pki() + "/request-hash-key",
      // Before `extra`: the last of a flag given twice wins.
      "--pg-pool-size=4",
      kTestPasswordHashCost,
  };
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::string log_path = TempPath("cellchaind-log");
  std::unique_ptr<Daemon> daemon(new Daemon(Spawn(argv, log_path), log_path));
  const std::regex started("event=server_started .*port=([0-9]+)");
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < give_up) {
    std::smatch match;
    std::string log = daemon->Log();
    if (std::regex_search(log, match, started)) {
      daemon->port_ = std::stoi(match[1]);
      return daemon;
    }
    int status = 0;
    if (waitpid(daemon->pid_, &status, WNOHANG) == daemon->pid_) {
      daemon->exited_ = true;
      *error = "cellchaind exited with " +
               std::to_string(DecodeWaitStatus(status)) + ":\n" + log;
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = "cellchaind did not start within 20 s:\n" + daemon->Log();
  return nullptr;
}

Daemon::~Daemon() {
  if (!exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  unlink(log_path_.c_str());
}

std::string Daemon::Log() const { return ReadAll(log_path_); }

std::shared_ptr<grpc::Channel> Daemon::Channel(
    const std::string& client) const {
  auto channel = grpcx::NewChannel(
      {target(),
       {Pki() + "/clients/" + client + ".crt",
        Pki() + "/clients/" + client + ".key", Pki() + "/ca.crt"}});
  return channel.ok() ? *channel : nullptr;
}

absl::StatusOr<std::string> Daemon::Login(const std::string& client,
                                          const std::string& user_id,
                                          const std::string& password) const {
  auto stub = identity::v1::AuthService::NewStub(Channel(client));
  identity::v1::LoginRequest request;
  request.set_user_id(user_id);
  request.set_password(password);
  identity::v1::LoginResponse response;
  auto context = grpcx::NewContext();
  grpc::Status status = stub->Login(context.get(), request, &response);
  if (!status.ok()) return grpcx::FromGrpcStatus(status);
  return response.session_token();
}

std::optional<int> Daemon::SignalAndWait(int signal,
                                         std::chrono::milliseconds timeout) {
  if (exited_) return std::nullopt;
  kill(pid_, signal);
  auto give_up = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return DecodeWaitStatus(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::vector<std::string> CliSession::Argv(
    const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {
      BinDir() + "/cellchain",
      "--target=" + target_,
      "--ca=" + Pki() + "/ca.crt",
      "--cert=" + Pki() + "/clients/" + workstation_ + ".crt",
      "--key=" + Pki() + "/clients/" + workstation_ + ".key",
      "--session-file=" + session_file_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

RunResult CliSession::Run(const std::vector<std::string>& args,
                          const std::string& input,
                          const std::vector<std::string>& env) const {
  return RunCommand(Argv(args), input, env);
}

RunResult CliSession::Login(const std::string& user_id,
                            const std::string& password) const {
  return Run({"login", "--user-id=" + user_id, "--password-stdin"},
             password + "\n");
}

absl::Status ProvisionUser(const CliSession& admin, const CliSession& user,
                           const std::string& user_id,
                           const std::string& printed_name,
                           const std::string& roles,
                           const std::string& password) {
  const std::string temporary = "temporary-" + password;
  auto failed = [](const char* step, const RunResult& run) {
    return absl::InternalError(std::string(step) + " exited " +
                               std::to_string(run.exit_code) + ":\n" +
                               run.output);
  };
  RunResult created = admin.Run({"user", "create", "--user-id=" + user_id,
                                 "--printed-name=" + printed_name,
                                 "--roles=" + roles, "--password-stdin"},
                                temporary + "\n");
  if (created.exit_code != 0) return failed("user create", created);
  RunResult login = user.Login(user_id, temporary);
  if (login.exit_code != 0) return failed("login", login);
  RunResult changed = user.Run({"passwd", "--password-stdin"},
                               temporary + "\n" + password + "\n");
  if (changed.exit_code != 0) return failed("passwd", changed);
  return absl::OkStatus();
}

}  // namespace cellchain::e2e
