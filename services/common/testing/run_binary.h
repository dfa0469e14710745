// RunBinary: runs a built executable the way a script would (arguments,
// stdin from a file, stdout and stderr captured apart) and returns its exit
// status and output, for tests that check what a command-line program shows
// and which status it exits with. Header-only so that a test links nothing
// for it.
//
// Test-only. Thread-safety: safe from any thread; each call captures into
// files of its own under ::testing::TempDir().
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_RUN_BINARY_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_RUN_BINARY_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/testing/files.h"

extern char** environ;

namespace cellchain::testing {

// What a run of an executable showed.
struct RunOutcome {
  int exit_code = -1;  // -1: it did not start or did not exit normally.
  std::string out;
  std::string err;
};

// Runs `bin` with `args`, stdin from `stdin_path`, in this process's
// environment, and waits for it. A run that cannot start or that does not
// exit normally is a test failure (ADD_FAILURE) and returns exit_code -1.
inline RunOutcome RunBinary(const std::string& bin,
                            const std::vector<std::string>& args,
                            const std::string& stdin_path = "/dev/null") {
  static std::atomic<int> counter{0};
  const std::string base = absl::StrCat(::testing::TempDir(), "/run_binary_",
                                        getpid(), "_", ++counter);
  const std::string out_path = base + ".out";
  const std::string err_path = base + ".err";
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(bin.c_str()));
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY,
                                   0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int rc =
      posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  RunOutcome outcome;
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << bin << ": " << rc;
    return outcome;
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
    ADD_FAILURE() << bin << " did not exit normally";
    return outcome;
  }
  outcome.exit_code = WEXITSTATUS(status);
  outcome.out = ReadFileOrEmpty(out_path);
  outcome.err = ReadFileOrEmpty(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return outcome;
}

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_RUN_BINARY_H_
