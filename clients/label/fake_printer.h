// A Zebra printer on a loopback port, in the test process, for tests of the
// printer sender: it answers ~HS with the status it was given and keeps
// every byte each connection sent, so a test sees exactly what a printer
// would have received.
//
// Test-only. Thread-safety: one thread serves connections one at a time;
// the public methods may be called from any thread.
#ifndef CELLCHAIN_CLIENTS_LABEL_FAKE_PRINTER_H_
#define CELLCHAIN_CLIENTS_LABEL_FAKE_PRINTER_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cellchain::label::testing {

struct FakeStatus {
  bool paper_out = false;
  bool paused = false;
  bool head_open = false;
  bool ribbon_out = false;
  bool thermal_transfer = true;
};

// The three ~HS strings of a printer in `status` (framed, CR LF after each),
// with the other fields as a ZT410 at rest answers them.
std::string HostStatusAnswer(const FakeStatus& status);

class FakePrinter {
 public:
  explicit FakePrinter(FakeStatus status);
  ~FakePrinter();
  FakePrinter(const FakePrinter&) = delete;
  FakePrinter& operator=(const FakePrinter&) = delete;

  int port() const { return port_; }

  // The bytes of each connection that has ended, in order; waits up to
  // 10 s for `count` of them.
  std::vector<std::string> Connections(size_t count);

 private:
  void Serve();

  std::string answer_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable ended_;
  std::vector<std::string> connections_;
  std::thread thread_;
};

}  // namespace cellchain::label::testing

#endif  // CELLCHAIN_CLIENTS_LABEL_FAKE_PRINTER_H_
