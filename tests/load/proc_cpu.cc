#include "tests/load/proc_cpu.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cellchain::load {
namespace {

struct Stat {
  pid_t ppid = 0;
  long long utime = 0, stime = 0, cutime = 0, cstime = 0;  // clock ticks
};

// /proc/<pid>/stat: the command name is in parentheses and may hold spaces,
// so the fields are counted from the last ')'.
std::optional<Stat> ReadStat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::vector<std::string> f;
  std::string field;
  while (fields >> field) f.push_back(field);
  // After ')': state(3) ppid(4) ... utime(14) stime(15) cutime(16)
  // cstime(17), numbered as proc(5) numbers them from pid = 1.
  if (f.size() < 15) return std::nullopt;
  Stat s;
  s.ppid = static_cast<pid_t>(std::atoll(f[1].c_str()));
  s.utime = std::atoll(f[11].c_str());
  s.stime = std::atoll(f[12].c_str());
  s.cutime = std::atoll(f[13].c_str());
  s.cstime = std::atoll(f[14].c_str());
  return s;
}

double Ticks(long long ticks) {
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

std::optional<double> ProcessCpuSeconds(pid_t pid) {
  std::optional<Stat> s = ReadStat(pid);
  if (!s) return std::nullopt;
  return Ticks(s->utime + s->stime);
}

std::optional<double> PostgresCpuSeconds(pid_t postmaster) {
  std::optional<Stat> root = ReadStat(postmaster);
  if (!root) return std::nullopt;
  long long ticks = root->utime + root->stime + root->cutime + root->cstime;
  if (DIR* proc = opendir("/proc")) {
    while (dirent* entry = readdir(proc)) {
      char* end = nullptr;
      const long pid = std::strtol(entry->d_name, &end, 10);
      if (end == entry->d_name || *end != '\0') continue;
      std::optional<Stat> child = ReadStat(static_cast<pid_t>(pid));
      if (child && child->ppid == postmaster) {
        ticks += child->utime + child->stime;
      }
    }
    closedir(proc);
  }
  return Ticks(ticks);
}

std::optional<pid_t> ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  long long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

}  // namespace cellchain::load
