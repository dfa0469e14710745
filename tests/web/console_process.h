// A real cellchain-web for the browser tests: started on 127.0.0.1:0
// against a cellchaind, serving HTTPS with the test PKI's cellchaind server
// certificate (SAN localhost) and calling cellchaind as workstation
// qa-ws-01; its port read from its own `event=web_started` log line.
// Thread-safety: not thread-safe; one per test.
#ifndef CELLCHAIN_TESTS_WEB_CONSOLE_PROCESS_H_
#define CELLCHAIN_TESTS_WEB_CONSOLE_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>

namespace cellchain::web_test {

class ConsoleProcess {
 public:
  // Starts $CELLCHAIN_BIN_DIR/cellchain-web against `target` (HOST:PORT),
  // its stderr to `log_path`, and waits up to 10 s for it to listen.
  // nullptr, with the log in *error, when it exits or does not start.
  static std::unique_ptr<ConsoleProcess> Start(const std::string& target,
                                               const std::string& log_path,
                                               std::string* error);
  ~ConsoleProcess();  // SIGTERM, then waits
  ConsoleProcess(const ConsoleProcess&) = delete;
  ConsoleProcess& operator=(const ConsoleProcess&) = delete;

  int port() const { return port_; }
  // https://localhost:PORT (the certificate names localhost).
  std::string Origin() const;
  // The certificate it serves (PEM), for the browser to trust.
  static std::string Certificate();
  std::string Log() const;

 private:
  ConsoleProcess(pid_t pid, std::string log_path)
      : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  int port_ = 0;
};

}  // namespace cellchain::web_test

#endif  // CELLCHAIN_TESTS_WEB_CONSOLE_PROCESS_H_
