#include "tests/faults/acked_log.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cellchain::faults {
namespace {

absl::Status BadLine(const std::string& path, int line, const char* why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", why));
}

}  // namespace

absl::StatusOr<std::vector<AckedWrite>> ReadAckedWrites(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<AckedWrite> writes;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    std::istringstream fields(text);
    AckedWrite w;
    std::string sent, acked, request, response, extra;
    if (!(fields >> w.kind >> w.request_id >> w.entity_id >> sent >> acked >>
          request >> response) ||
        (fields >> extra)) {
      return BadLine(path, line,
                     "want kind request_id entity_id sent_ms acked_ms "
                     "request response");
    }
    if (!absl::SimpleAtoi(sent, &w.sent_ms) ||
        !absl::SimpleAtoi(acked, &w.acked_ms)) {
      return BadLine(path, line, "sent_ms or acked_ms is not a number");
    }
    if (!absl::Base64Unescape(request, &w.request) ||
        !absl::Base64Unescape(response, &w.response)) {
      return BadLine(path, line, "request or response is not base64");
    }
    writes.push_back(std::move(w));
  }
  return writes;
}

absl::StatusOr<std::vector<Fault>> ReadFaults(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<Fault> faults;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    std::istringstream fields(text);
    Fault f;
    std::string ms, extra;
    if (!(fields >> ms >> f.what) || (fields >> extra)) {
      return BadLine(path, line, "want unix_ms what");
    }
    if (!absl::SimpleAtoi(ms, &f.at_ms)) {
      return BadLine(path, line, "unix_ms is not a number");
    }
    faults.push_back(std::move(f));
  }
  return faults;
}

std::vector<std::optional<int64_t>> RecoveryMillis(
    const std::vector<Fault>& faults, const std::vector<AckedWrite>& writes) {
  std::vector<std::optional<int64_t>> out;
  for (const Fault& f : faults) {
    std::optional<int64_t> first;
    for (const AckedWrite& w : writes) {
      if (w.sent_ms >= f.at_ms && (!first || w.acked_ms < *first)) {
        first = w.acked_ms;
      }
    }
    out.push_back(first ? std::optional(*first - f.at_ms) : std::nullopt);
  }
  return out;
}

}  // namespace cellchain::faults
