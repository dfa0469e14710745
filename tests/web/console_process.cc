#include "tests/web/console_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <regex>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/daemon.h"
#include "tests/web/spawn.h"

namespace cellchain::web_test {

std::string ConsoleProcess::Certificate() {
  return e2e::Pki() + "/server/cellchaind.crt";
}

std::unique_ptr<ConsoleProcess> ConsoleProcess::Start(
    const std::string& target, const std::string& log_path,
    std::string* error) {
  const std::string pki = e2e::Pki();
  std::vector<std::string> args = {
      e2e::BinDir() + "/cellchain-web",
      "--listen=127.0.0.1:0",
      "--https-cert=" + Certificate(),
      "--https-key=" + pki + "/server/cellchaind.key",
      "--target=" + target,
      "--ca=" + pki + "/ca.crt",
      "--cert=" + pki + "/clients/qa-ws-01.crt",
      "--key=" + pki + "/clients/qa-ws-01.key"};
  const pid_t pid = SpawnLogged(args, log_path, {}, error);
  if (pid < 0) return nullptr;
  std::unique_ptr<ConsoleProcess> console(new ConsoleProcess(pid, log_path));
  const std::regex started("event=web_started .*port=([0-9]+)");
  for (int i = 0; i < 500; ++i) {
    std::smatch match;
    const std::string log = console->Log();
    if (std::regex_search(log, match, started)) {
      console->port_ = std::stoi(match[1]);
      return console;
    }
    if (waitpid(pid, nullptr, WNOHANG) == pid) {
      console->pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = "cellchain-web did not start:\n" + console->Log();
  return nullptr;
}

ConsoleProcess::~ConsoleProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::string ConsoleProcess::Origin() const {
  return "https://localhost:" + std::to_string(port_);
}

std::string ConsoleProcess::Log() const { return ReadWholeFile(log_path_); }

}  // namespace cellchain::web_test
