// Starting the browser tests' processes (Chromium, cellchain-web): stdin
// and stdout on /dev/null, stderr to a log file the test reads back.
// Thread-safety: thread-compatible (free functions).
#ifndef CELLCHAIN_TESTS_WEB_SPAWN_H_
#define CELLCHAIN_TESTS_WEB_SPAWN_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace cellchain::web_test {

// Runs `argv` (argv[0] a path) with stderr to `log_path` (truncated) and
// each (from, to) of `fds` placed as descriptor `to` in the child; its pid,
// or -1 with errno's text in *error.
pid_t SpawnLogged(std::vector<std::string> argv, const std::string& log_path,
                  const std::vector<std::pair<int, int>>& fds,
                  std::string* error);

// The whole content of the file at `path` ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

}  // namespace cellchain::web_test

#endif  // CELLCHAIN_TESTS_WEB_SPAWN_H_
