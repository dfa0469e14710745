#include "clients/label/printer.h"

#include <linux/sockios.h>
#include <netdb.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::label {
namespace {

constexpr char kStx = '\x02';
constexpr char kEtx = '\x03';
constexpr char kUnreadable[] = "PRINTER_STATUS_UNREADABLE";

absl::Status Unreadable(std::string_view why) {
  return FailedRule(
      kUnreadable,
      absl::StrCat("the printer's ~HS answer is not readable: ", ToAbsl(why)));
}

absl::StatusOr<std::vector<std::string>> Framed(std::string_view response) {
  std::vector<std::string> strings;
  size_t at = 0;
  while (strings.size() < 3) {
    size_t start = response.find(kStx, at);
    if (start == std::string_view::npos) break;
    size_t end = response.find(kEtx, start + 1);
    if (end == std::string_view::npos) return Unreadable("a string not ended");
    strings.emplace_back(response.substr(start + 1, end - start - 1));
    at = end + 1;
  }
  if (strings.size() != 3) return Unreadable("fewer than three strings");
  return strings;
}

absl::StatusOr<bool> Flag(const std::string& field, std::string_view name) {
  if (field == "0") return false;
  if (field == "1") return true;
  return Unreadable(absl::StrCat(ToAbsl(name), " is \"", field, "\""));
}

absl::StatusOr<int> Number(const std::string& field, std::string_view name) {
  int value = 0;
  if (field.empty() || !absl::SimpleAtoi(field, &value) || value < 0) {
    return Unreadable(absl::StrCat(ToAbsl(name), " is \"", field, "\""));
  }
  return value;
}

std::string Where(const PrinterAddress& printer) {
  return absl::StrCat("printer ", printer.host, ":", printer.port);
}

// A connected socket, closed on destruction.
class Connection {
 public:
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }

  static absl::StatusOr<Connection> Open(const PrinterAddress& printer,
                                         absl::Time deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = absl::StrCat(printer.port);
    int rc = getaddrinfo(printer.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
      return absl::UnavailableError(absl::StrCat(
          Where(printer), ": cannot resolve the host: ", gai_strerror(rc)));
    }
    std::string last_error = "no address";
    Connection connection;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd =
          socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                 a->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
        last_error = std::strerror(errno);
        close(fd);
        continue;
      }
      absl::Status ready = WaitFor(fd, POLLOUT, deadline);
      int error = 0;
      socklen_t length = sizeof error;
      if (ready.ok() &&
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 &&
          error == 0) {
        connection.fd_ = fd;
        break;
      }
      last_error = ready.ok() ? std::strerror(error) : "timed out";
      close(fd);
    }
    freeaddrinfo(found);
    if (connection.fd_ < 0) {
      return absl::UnavailableError(
          absl::StrCat(Where(printer), ": cannot connect: ", last_error));
    }
    return connection;
  }

  Connection(Connection&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Connection& operator=(Connection&&) = delete;

  absl::Status Write(std::string_view data, absl::Time deadline) {
    while (!data.empty()) {
      CC_RETURN_IF_ERROR(WaitFor(fd_, POLLOUT, deadline));
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return absl::UnavailableError(std::strerror(errno));
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  // Reads until `done(read so far)` or the deadline.
  template <typename Done>
  absl::StatusOr<std::string> ReadUntil(Done done, absl::Time deadline) {
    std::string got;
    char buffer[512];
    while (!done(got)) {
      CC_RETURN_IF_ERROR(WaitFor(fd_, POLLIN, deadline));
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return absl::UnavailableError(std::strerror(errno));
      }
      if (n == 0) return absl::UnavailableError("connection closed");
      got.append(buffer, static_cast<size_t>(n));
      if (got.size() > 4096) return absl::UnavailableError("answer too long");
    }
    return got;
  }

  // Ends the sending side and waits until the peer has acknowledged every
  // byte (the send queue is empty) or closed. Closing a socket with unread
  // input makes the kernel reset the connection, which can discard what
  // the printer has not taken yet (the CR LF after ~HS's last string may
  // still be arriving), so input is drained meanwhile.
  absl::Status Finish(absl::Time deadline) {
    shutdown(fd_, SHUT_WR);
    char buffer[256];
    for (;;) {
      for (;;) {
        ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
        if (n == 0) return absl::OkStatus();
        if (n < 0) break;
      }
      int unsent = 0;
      if (ioctl(fd_, SIOCOUTQ, &unsent) == 0 && unsent == 0) {
        return absl::OkStatus();
      }
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat(unsent, " bytes not taken"));
      }
      pollfd p{fd_, POLLIN, 0};
      poll(&p, 1, 10);
    }
  }

 private:
  Connection() = default;

  static absl::Status WaitFor(int fd, short events, absl::Time deadline) {
    for (;;) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return absl::DeadlineExceededError("timed out");
      }
      pollfd p{fd, events, 0};
      int rc =
          poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
      if (rc > 0) return absl::OkStatus();
      if (rc < 0 && errno != EINTR) {
        return absl::UnavailableError(std::strerror(errno));
      }
    }
  }

  int fd_ = -1;
};

absl::Status AtPrinter(const PrinterAddress& printer, const absl::Status& s,
                       std::string_view doing) {
  return absl::UnavailableError(absl::StrCat(
      Where(printer), ": ", ToAbsl(doing), ": ", std::string(s.message())));
}

// Sends ~HS on `connection` and parses the answer.
absl::StatusOr<PrinterStatus> AskStatus(const PrinterAddress& printer,
                                        Connection& connection,
                                        absl::Time deadline) {
  absl::Status sent = connection.Write("~HS", deadline);
  if (!sent.ok()) return AtPrinter(printer, sent, "sending ~HS");
  absl::StatusOr<std::string> answer = connection.ReadUntil(
      [](const std::string& got) {
        return std::count(got.begin(), got.end(), kEtx) >= 3;
      },
      deadline);
  if (!answer.ok()) {
    return AtPrinter(printer, answer.status(), "no answer to ~HS");
  }
  absl::StatusOr<PrinterStatus> status = ParseHostStatus(*answer);
  if (!status.ok()) {
    return Annotate(status.status(), Where(printer));
  }
  return status;
}

}  // namespace

absl::StatusOr<PrinterStatus> ParseHostStatus(std::string_view response) {
  absl::StatusOr<std::vector<std::string>> strings = Framed(response);
  if (!strings.ok()) return strings.status();
  std::vector<std::string> one = absl::StrSplit((*strings)[0], ',');
  std::vector<std::string> two = absl::StrSplit((*strings)[1], ',');
  std::vector<std::string> three = absl::StrSplit((*strings)[2], ',');
  if (one.size() != 12 || two.size() != 11 || three.size() != 2) {
    return Unreadable(absl::StrCat("strings of ", one.size(), ", ", two.size(),
                                   " and ", three.size(),
                                   " fields; 12, 11 and 2 expected"));
  }
  PrinterStatus s;
  absl::StatusOr<bool> flag;
  absl::StatusOr<int> number;
#define CC_LABEL_FLAG(member, field, name) \
  flag = Flag(field, name);                \
  if (!flag.ok()) return flag.status();    \
  s.member = *flag
#define CC_LABEL_NUMBER(member, field, name) \
  number = Number(field, name);              \
  if (!number.ok()) return number.status();  \
  s.member = *number
  CC_LABEL_FLAG(paper_out, one[1], "paper out flag");
  CC_LABEL_FLAG(paused, one[2], "pause flag");
  CC_LABEL_NUMBER(label_length_dots, one[3], "label length");
  CC_LABEL_NUMBER(formats_in_buffer, one[4], "formats in buffer");
  CC_LABEL_FLAG(buffer_full, one[5], "buffer full flag");
  CC_LABEL_FLAG(under_temperature, one[10], "under temperature flag");
  CC_LABEL_FLAG(over_temperature, one[11], "over temperature flag");
  CC_LABEL_FLAG(head_open, two[2], "head up flag");
  CC_LABEL_FLAG(ribbon_out, two[3], "ribbon out flag");
  CC_LABEL_FLAG(thermal_transfer, two[4], "thermal transfer flag");
  CC_LABEL_NUMBER(labels_remaining, two[8], "labels remaining");
#undef CC_LABEL_FLAG
#undef CC_LABEL_NUMBER
  return s;
}

absl::Status ReadyToPrint(const PrinterStatus& status) {
  std::vector<std::string> problems;
  std::string reason;
  auto note = [&](bool holds, const char* why, const char* code) {
    if (!holds) return;
    problems.emplace_back(why);
    if (reason.empty()) reason = code;
  };
  note(status.paused, "it is paused (press PAUSE on the printer to resume)",
       "PRINTER_PAUSED");
  note(status.paper_out, "it is out of labels (load the label roll)",
       "PRINTER_OUT_OF_MEDIA");
  note(status.ribbon_out && status.thermal_transfer,
       "it is out of ribbon (load a ribbon)", "PRINTER_OUT_OF_MEDIA");
  note(status.head_open, "its print head is open (close it)",
       "PRINTER_HEAD_OPEN");
  note(status.buffer_full, "its receive buffer is full", "PRINTER_BUFFER_FULL");
  note(status.under_temperature || status.over_temperature,
       "its print head is outside its temperature range",
       "PRINTER_TEMPERATURE");
  if (problems.empty()) return absl::OkStatus();
  return FailedRule(reason, absl::StrCat("the printer cannot print now: ",
                                         absl::StrJoin(problems, "; "),
                                         ". Nothing was sent."));
}

absl::StatusOr<PrinterAddress> ParsePrinterAddress(std::string_view text) {
  PrinterAddress address;
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with("[")) {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return InvalidField("printer", "an IPv6 address without its ']'");
    }
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(":")) {
        return InvalidField("printer", "HOST, HOST:PORT or [IPV6]:PORT");
      }
      port = rest.substr(1);
    }
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return InvalidField("printer", "the host is missing");
  address.host = std::string(host);
  if (!port.empty() || text.ends_with(":")) {
    int value = 0;
    if (!absl::SimpleAtoi(ToAbsl(port), &value) || value < 1 || value > 65535) {
      return InvalidField("printer", "the port is 1 to 65535");
    }
    address.port = value;
  }
  return address;
}

absl::StatusOr<PrinterStatus> QueryPrinter(const PrinterAddress& printer,
                                           absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<Connection> connection = Connection::Open(printer, deadline);
  if (!connection.ok()) return connection.status();
  return AskStatus(printer, *connection, deadline);
}

absl::Status SendToPrinter(const PrinterAddress& printer, std::string_view zpl,
                           absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<Connection> connection = Connection::Open(printer, deadline);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<PrinterStatus> status =
      AskStatus(printer, *connection, deadline);
  if (!status.ok()) return status.status();
  absl::Status ready = ReadyToPrint(*status);
  if (!ready.ok()) return Annotate(ready, Where(printer));
  absl::Status sent = connection->Write(zpl, deadline);
  if (!sent.ok()) return AtPrinter(printer, sent, "sending the label");
  absl::Status taken = connection->Finish(deadline);
  if (!taken.ok()) return AtPrinter(printer, taken, "sending the label");
  return absl::OkStatus();
}

}  // namespace cellchain::label
