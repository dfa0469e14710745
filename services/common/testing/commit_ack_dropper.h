// CommitAckDropper: a PostgreSQL connection that breaks at the worst moment.
// It relays libpq sessions between a Unix socket of its own and the test
// cluster's, one session at a time; once armed, it cuts the session that
// next carries the server's answer to COMMIT just before that answer reaches
// the client. The server has committed; the client only sees the connection
// go ("the outcome of COMMIT is unknown"). For tests of what a retry does
// then.
//
//   CC_ASSERT_OK_AND_ASSIGN(auto dropper, CommitAckDropper::Start(conninfo));
//   dropper->Arm();
//   ... a pool on dropper->conninfo() ...
//
// The server's messages are read as the protocol frames them (a type byte, a
// 32-bit length); the client's are relayed as they come. Header-only, so
// that a test links nothing for it. Test-only. Thread-safety: Arm() and
// the accessors from any thread; the relay runs on a thread of its own.
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_COMMIT_ACK_DROPPER_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_COMMIT_ACK_DROPPER_H_

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace cellchain::testing {

class CommitAckDropper {
 public:
  // Relays to the server that `conninfo` (host = a socket directory) names.
  static absl::StatusOr<std::unique_ptr<CommitAckDropper>> Start(
      const std::string& conninfo) {
    std::string host, port, user, dbname;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
    for (PQconninfoOption* o = options; o && o->keyword; ++o) {
      if (o->val == nullptr) continue;
      std::string key = o->keyword;
      if (key == "host") host = o->val;
      if (key == "port") port = o->val;
      if (key == "user") user = o->val;
      if (key == "dbname") dbname = o->val;
    }
    PQconninfoFree(options);
    if (host.empty() || host[0] != '/' || port.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a Unix socket conninfo: ", conninfo));
    }
    char dir[] = "/tmp/cc_dropper_XXXXXX";
    if (mkdtemp(dir) == nullptr) return absl::InternalError("mkdtemp failed");
    std::unique_ptr<CommitAckDropper> dropper(new CommitAckDropper(
        absl::StrCat(host, "/.s.PGSQL.", port), dir,
        absl::StrCat(dir, "/.s.PGSQL.", port),
        absl::StrCat("host=", dir, " port=", port, " user=", user,
                     " dbname=", dbname)));
    dropper->listener_ = Listen(dropper->socket_path_);
    if (dropper->listener_ < 0) {
      return absl::InternalError("cannot listen on the relay's socket");
    }
    dropper->thread_ = std::thread([d = dropper.get()] { d->Serve(); });
    return dropper;
  }

  CommitAckDropper(const CommitAckDropper&) = delete;
  CommitAckDropper& operator=(const CommitAckDropper&) = delete;
  ~CommitAckDropper() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) close(listener_);
    unlink(socket_path_.c_str());
    rmdir(dir_.c_str());
  }

  // The next answer to COMMIT is dropped, with its session.
  void Arm() { armed_ = true; }
  // How many answers to COMMIT were dropped.
  int dropped() const { return dropped_; }
  // The conninfo of the relay (same user and database).
  const std::string& conninfo() const { return conninfo_; }

 private:
  CommitAckDropper(std::string server_path, std::string dir,
                   std::string socket_path, std::string conninfo)
      : server_path_(std::move(server_path)),
        dir_(std::move(dir)),
        socket_path_(std::move(socket_path)),
        conninfo_(std::move(conninfo)) {}

  static sockaddr_un Address(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    return address;
  }

  static int Listen(const std::string& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = Address(path);
    if (fd < 0 ||
        bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(fd, 8) != 0) {
      if (fd >= 0) close(fd);
      return -1;
    }
    return fd;
  }

  static bool WriteAll(int fd, const char* data, size_t size) {
    while (size > 0) {
      ssize_t n = write(fd, data, size);
      if (n <= 0) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  void Serve() {
    while (!stop_) {
      pollfd fd = {listener_, POLLIN, 0};
      if (poll(&fd, 1, 50) <= 0) continue;
      int client = accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      int server = socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un address = Address(server_path_);
      if (server >= 0 &&
          connect(server, reinterpret_cast<sockaddr*>(&address),
                  sizeof(address)) == 0) {
        Relay(client, server);
      }
      if (server >= 0) close(server);
      close(client);
    }
  }

  // Until either side closes, or an armed COMMIT answer is dropped.
  void Relay(int client, int server) {
    std::string pending;  // from the server, not yet a whole message
    char buffer[8192];
    while (!stop_) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (poll(fds, 2, 50) <= 0) continue;
      if (fds[0].revents) {
        ssize_t n = read(client, buffer, sizeof(buffer));
        if (n <= 0 || !WriteAll(server, buffer, static_cast<size_t>(n))) {
          return;
        }
      }
      if (fds[1].revents) {
        ssize_t n = read(server, buffer, sizeof(buffer));
        if (n <= 0) return;
        pending.append(buffer, static_cast<size_t>(n));
        while (pending.size() >= 5) {
          uint32_t length;
          std::memcpy(&length, pending.data() + 1, 4);
          size_t size = 1 + ntohl(length);
          if (pending.size() < size) break;
          if (armed_ && pending[0] == 'C' &&
              pending.compare(5, 7, std::string("COMMIT\0", 7)) == 0) {
            armed_ = false;
            ++dropped_;
            return;  // committed on the server, never told to the client
          }
          if (!WriteAll(client, pending.data(), size)) return;
          pending.erase(0, size);
        }
      }
    }
  }

  const std::string server_path_;  // the server's socket
  const std::string dir_;          // the relay's socket directory
  const std::string socket_path_;  // the relay's socket
  const std::string conninfo_;
  int listener_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_ = false;
  std::atomic<bool> armed_ = false;
  std::atomic<int> dropped_ = 0;
};

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_COMMIT_ACK_DROPPER_H_
