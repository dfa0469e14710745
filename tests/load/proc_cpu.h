// CPU seconds a process has used, read from /proc (utime + stime), so a load
// run can say what each request cost the server and the database.
// Thread-safety: stateless functions; safe from any thread.
#ifndef CELLCHAIN_TESTS_LOAD_PROC_CPU_H_
#define CELLCHAIN_TESTS_LOAD_PROC_CPU_H_

#include <sys/types.h>

#include <optional>
#include <string>

namespace cellchain::load {

// utime + stime of `pid`, in seconds; nullopt when the process is gone or
// /proc cannot be read.
std::optional<double> ProcessCpuSeconds(pid_t pid);

// A PostgreSQL server's CPU: the postmaster's own utime + stime, plus its
// reaped children's (cutime + cstime: backends that exited, e.g. pgbench's),
// plus every living child's utime + stime (the service pools' backends, the
// checkpointer, the WAL writer). nullopt when the postmaster is gone.
std::optional<double> PostgresCpuSeconds(pid_t postmaster);

// The first line of a pid file (cellchaind.pid, postmaster.pid) as a pid;
// nullopt when unreadable.
std::optional<pid_t> ReadPidFile(const std::string& path);

}  // namespace cellchain::load

#endif  // CELLCHAIN_TESTS_LOAD_PROC_CPU_H_
