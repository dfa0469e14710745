#include "clients/cli/session.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace cellchain::cli {
namespace {

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Creates each missing directory of `dir` mode 0700 (only the session's own
// directories are made; existing ones keep their modes).
absl::Status MakeDirectories(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::InternalError(absl::StrCat(dir, " is not a directory"));
  }
  size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    absl::Status parent = MakeDirectories(dir.substr(0, slash));
    if (!parent.ok()) return parent;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create directory", dir);
  }
  return absl::OkStatus();
}

// The terminal settings to restore if a signal arrives while echo is off;
// touched only by EchoOff and the signal handler.
struct termios saved_termios;
volatile sig_atomic_t echo_is_off = 0;

void RestoreEchoAndDie(int sig) {
  if (echo_is_off) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
  // SA_RESETHAND made the default action current: die of the same signal.
  raise(sig);
}

// Turns terminal echo off for its lifetime, and back on even when Ctrl-C
// ends the process mid-prompt (otherwise the shell is left without echo).
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_termios) != 0) return;
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = RestoreEchoAndDie;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < kSignals; ++i) {
      sigaction(kSignal[i], &action, &previous_[i]);
    }
    struct termios quiet = saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    echo_is_off = 1;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) echo_is_off = 0;
    active_ = true;
  }
  ~EchoOff() {
    if (!active_) return;
    if (echo_is_off) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    echo_is_off = 0;
    for (int i = 0; i < kSignals; ++i) {
      sigaction(kSignal[i], &previous_[i], nullptr);
    }
    // The Enter that ended the line was not echoed either.
    std::cerr << "\n";
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  static constexpr int kSignals = 4;
  static constexpr int kSignal[kSignals] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  struct sigaction previous_[kSignals];
  bool active_ = false;
};

// The next line of stdin without its line ending; false at end of input.
bool ReadLine(std::string* line) {
  if (!std::getline(std::cin, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

absl::StatusOr<std::string> Prompt(const std::string& prompt) {
  std::string answer;
  bool read = false;
  {
    // Echo goes off before the prompt shows, so that nothing typed after
    // the prompt appears (turning it off discards what was typed before).
    EchoOff quiet;
    std::cerr << prompt << std::flush;
    read = ReadLine(&answer);
  }
  if (!read) return absl::FailedPreconditionError("no password entered");
  return answer;
}

}  // namespace

std::string DefaultSessionFile() {
  std::string home;
  if (const char* env = std::getenv("HOME"); env != nullptr && *env != '\0') {
    home = env;
  } else if (const struct passwd* pw = getpwuid(getuid());
             pw != nullptr && pw->pw_dir != nullptr) {
    home = pw->pw_dir;
  }
  return home.empty() ? "" : home + "/.cellchain/session";
}

absl::StatusOr<std::string> ReadSessionFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("no session file ", path));
    }
    return Errno("cannot read", path);
  }
  std::ifstream in(path);
  if (!in) return Errno("cannot read", path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  const char* kSpace = " \t\r\n";
  size_t begin = token.find_first_not_of(kSpace);
  if (begin == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("session file ", path, " is empty"));
  }
  token = token.substr(begin, token.find_last_not_of(kSpace) - begin + 1);
  if (token.find_first_of(kSpace) != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("session file ", path, " holds more than a token"));
  }
  return token;
}

absl::Status WriteSessionFile(const std::string& path,
                              const std::string& token) {
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (dir.empty()) dir = "/";
  absl::Status made = MakeDirectories(dir);
  if (!made.ok()) return made;
  // mkstemp creates the file 0600, so the token is never readable by others,
  // not even for a moment.
  std::string temp = dir + "/.session.XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) return Errno("cannot create a file in", dir);
  std::string line = token + "\n";
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status error = Errno("cannot write", temp);
      close(fd);
      unlink(temp.c_str());
      return error;
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    absl::Status error = Errno("cannot write", temp);
    unlink(temp.c_str());
    return error;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status error = Errno("cannot replace", path);
    unlink(temp.c_str());
    return error;
  }
  return absl::OkStatus();
}

absl::Status RemoveSessionFile(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Errno("cannot delete", path);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadPassword(const PasswordSource& source,
                                         const std::string& prompt,
                                         bool confirm) {
  if (!source.env_var.empty()) {
    const char* value = std::getenv(source.env_var.c_str());
    if (value == nullptr || *value == '\0') {
      return absl::FailedPreconditionError(absl::StrCat(
          "environment variable ", source.env_var, " is unset or empty"));
    }
    return std::string(value);
  }
  if (source.from_stdin) {
    std::string line;
    if (!ReadLine(&line)) {
      return absl::FailedPreconditionError(
          "stdin has no more lines (--password-stdin reads one password per "
          "line)");
    }
    return line;
  }
  if (!isatty(STDIN_FILENO)) {
    return absl::FailedPreconditionError(
        "stdin is not a terminal to type a password at; use "
        "--password-stdin or --password-env=VAR");
  }
  std::string capitalized = prompt;
  if (!capitalized.empty()) {
    capitalized[0] = static_cast<char>(std::toupper(capitalized[0]));
  }
  absl::StatusOr<std::string> first = Prompt(capitalized + ": ");
  if (!first.ok() || !confirm) return first;
  absl::StatusOr<std::string> second = Prompt("Repeat the " + prompt + ": ");
  if (!second.ok()) return second;
  if (*first != *second) {
    return absl::FailedPreconditionError("the two passwords differ");
  }
  return first;
}

}  // namespace cellchain::cli
