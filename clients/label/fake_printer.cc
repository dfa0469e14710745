#include "clients/label/fake_printer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cellchain::label::testing {

std::string HostStatusAnswer(const FakeStatus& s) {
  auto flag = [](bool b) { return b ? "1" : "0"; };
  return absl::StrCat("\x02", "030,", flag(s.paper_out), ",", flag(s.paused),
                      ",1218,000,0,0,0,000,0,0,0\x03\r\n", "\x02", "001,0,",
                      flag(s.head_open), ",", flag(s.ribbon_out), ",",
                      flag(s.thermal_transfer), ",2,0,0,00000000,1,000\x03\r\n",
                      "\x02", "1234,0\x03\r\n");
}

FakePrinter::FakePrinter(FakeStatus status)
    : answer_(HostStatusAnswer(status)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  listen(listen_fd_, 4);
  socklen_t length = sizeof address;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

FakePrinter::~FakePrinter() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

void FakePrinter::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::string got;
    bool answered = false;
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(10);
    char buffer[4096];
    while (std::chrono::steady_clock::now() < give_up && !stop_) {
      pollfd c{fd, POLLIN, 0};
      if (poll(&c, 1, 50) <= 0) continue;
      ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;  // end of the connection, or a reset
      got.append(buffer, static_cast<size_t>(n));
      // A printer answers ~HS as soon as it reads it, whatever follows.
      if (!answered && got.find("~HS") != std::string::npos) {
        send(fd, answer_.data(), answer_.size(), MSG_NOSIGNAL);
        answered = true;
      }
    }
    close(fd);
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.push_back(std::move(got));
    ended_.notify_all();
  }
}

std::vector<std::string> FakePrinter::Connections(size_t count) {
  std::unique_lock<std::mutex> lock(mutex_);
  ended_.wait_for(lock, std::chrono::seconds(10),
                  [&] { return connections_.size() >= count; });
  return connections_;
}

}  // namespace cellchain::label::testing
