#include "services/ledger/bench/bench_cluster.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace cellchain::bench {
namespace {

std::string g_cluster_dir;

void RemoveCluster() {
  if (g_cluster_dir.empty()) return;
  Shell(absl::StrCat(CELLCHAIN_SOURCE_DIR, "/tests/fixtures/pg_cluster.sh",
                     " cleanup ", g_cluster_dir, "/pg"));
  Shell(absl::StrCat("rm -rf '", g_cluster_dir, "'"));
  std::cout << "throwaway cluster removed\n";
  g_cluster_dir.clear();
}

}  // namespace

std::pair<int, std::string> Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, n);
  }
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

absl::Status StartThrowawayCluster(const std::string& stem, int port) {
  std::string dir = "/tmp/" + stem + "-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  chmod(dir.c_str(), 0755);  // the server runs as user postgres when we are root
  g_cluster_dir = dir;
  std::atexit(RemoveCluster);
  const std::string state = g_cluster_dir + "/pg";
  std::cout << "\nstarting a throwaway PostgreSQL cluster in " << state
            << " (port " << port << ") ...\n"
            << std::flush;
  auto [rc, output] = Shell(absl::StrCat(
      CELLCHAIN_SOURCE_DIR, "/tests/fixtures/pg_cluster.sh setup ", state, " ",
      port, " ", CELLCHAIN_BINARY_DIR, "/bin/cellchaind"));
  if (rc != 0) {
    return absl::InternalError(
        absl::StrCat("pg_cluster.sh setup exited ", rc, ":\n", output));
  }
  setenv("CELLCHAIN_TEST_PG",
         absl::StrCat("host=", state, "/run port=", port,
                      " user=postgres dbname=postgres")
             .c_str(),
         1);
  setenv("CELLCHAIN_TEST_PG_TEMPLATE", "cellchain_template", 1);
  return absl::OkStatus();
}

}  // namespace cellchain::bench
