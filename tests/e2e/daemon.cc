#include "tests/e2e/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "services/common/grpc/client.h"

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

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  int null = open("/dev/null", O_RDONLY);
  dup2(null, STDIN_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
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

RunResult RunCommand(const std::vector<std::string>& argv) {
  std::string out_path = TempPath("cellchain-run");
  pid_t pid = Spawn(argv, out_path);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result{DecodeWaitStatus(status), ReadAll(out_path)};
  unlink(out_path.c_str());
  return result;
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

std::shared_ptr<grpc::Channel> Daemon::Channel(const std::string& client) const {
  auto channel = grpcx::NewChannel(
      {target(),
       {Pki() + "/clients/" + client + ".crt",
        Pki() + "/clients/" + client + ".key", Pki() + "/ca.crt"}});
  return channel.ok() ? *channel : nullptr;
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

}  // namespace cellchain::e2e
