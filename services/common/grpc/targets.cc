#include "services/common/grpc/targets.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace cellchain::grpcx {
namespace {

struct Entry {
  std::string text;  // as given, trimmed: the authority of the first
  std::string host;  // without brackets
  std::string port;
  std::vector<std::string> ipv4;  // "1.2.3.4"
  std::vector<std::string> ipv6;  // "::1", without brackets
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

absl::Status BadEntry(std::string_view target, std::string_view entry) {
  return absl::InvalidArgumentError(
      "target \"" + std::string(target) + "\": \"" + std::string(entry) +
      "\" is not HOST:PORT or [IPV6]:PORT with a port in 1-65535");
}

// HOST:PORT or [IPV6]:PORT; nullopt when it is neither.
std::optional<Entry> Split(std::string_view text) {
  Entry entry;
  entry.text = std::string(text);
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  entry.port = std::string(text.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    in6_addr ignored;
    if (inet_pton(AF_INET6, std::string(host).c_str(), &ignored) != 1) {
      return std::nullopt;
    }
  } else if (host.find_first_of(":[] ") != std::string_view::npos) {
    return std::nullopt;
  }
  if (host.empty() || !ValidPort(entry.port)) return std::nullopt;
  entry.host = std::string(host);
  return entry;
}

// Fills entry.ipv4 and entry.ipv6: the literal itself, or what the name
// resolves to.
absl::Status Resolve(Entry& entry) {
  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, entry.host.c_str(), &v4) == 1) {
    entry.ipv4.push_back(entry.host);
    return absl::OkStatus();
  }
  if (inet_pton(AF_INET6, entry.host.c_str(), &v6) == 1) {
    entry.ipv6.push_back(entry.host);
    return absl::OkStatus();
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int error = getaddrinfo(entry.host.c_str(), nullptr, &hints, &found);
  if (error != 0) {
    return absl::UnavailableError("target: cannot resolve \"" + entry.host +
                                  "\": " + gai_strerror(error));
  }
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    std::vector<std::string>* into = nullptr;
    if (a->ai_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr,
                text, sizeof text);
      into = &entry.ipv4;
    } else if (a->ai_family == AF_INET6) {
      inet_ntop(AF_INET6,
                &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, text,
                sizeof text);
      into = &entry.ipv6;
    } else {
      continue;
    }
    bool seen = false;
    for (const std::string& s : *into) seen = seen || s == text;
    if (!seen) into->push_back(text);
  }
  freeaddrinfo(found);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ChannelTarget> ParseTarget(std::string_view target) {
  if (target.find(',') == std::string_view::npos) {
    return ChannelTarget{std::string(target), "", 1};
  }
  std::vector<Entry> entries;
  std::string_view rest = target;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view text = Trim(rest.substr(0, comma));
    std::optional<Entry> entry = Split(text);
    if (!entry) return BadEntry(target, text);
    entries.push_back(*std::move(entry));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  bool all_ipv4 = true;
  bool all_ipv6 = true;
  for (Entry& entry : entries) {
    if (absl::Status resolved = Resolve(entry); !resolved.ok()) {
      return resolved;
    }
    all_ipv4 = all_ipv4 && !entry.ipv4.empty();
    all_ipv6 = all_ipv6 && !entry.ipv6.empty();
  }
  if (!all_ipv4 && !all_ipv6) {
    return absl::InvalidArgumentError(
        "target \"" + std::string(target) +
        "\": its hosts have no address family in common (IPv4 for some, "
        "IPv6 for others); one gRPC channel takes one family");
  }
  ChannelTarget out;
  out.uri = all_ipv4 ? "ipv4:" : "ipv6:";
  out.authority = entries.front().text;
  out.addresses = entries.size();
  const char* separator = "";
  for (const Entry& entry : entries) {
    for (const std::string& ip : all_ipv4 ? entry.ipv4 : entry.ipv6) {
      out.uri += separator;
      out.uri += all_ipv4 ? ip : "[" + ip + "]";
      out.uri += ":" + entry.port;
      separator = ",";
    }
  }
  return out;
}

}  // namespace cellchain::grpcx
