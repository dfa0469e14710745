#include "services/common/log/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/strings/printable.h"

namespace cellchain::log {
namespace {

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

// A value as logfmt writes it: bare when it is plain text without spaces,
// quotes, '=' or '\\'; else quoted, '"' escaped and everything a terminal
// or a log reader could act on escaped as Printable does (\n, \x1b,
// \u{009b}, bytes that are not UTF-8): nothing is lost, and no value can
// forge a line.
void AppendValue(std::string* out, std::string_view value) {
  std::string printable = Printable(value);
  bool plain = !value.empty() && printable == value;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\') plain = false;
  }
  if (plain) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : printable) {
    if (c == '"') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

void SetMinLevel(Level level) { min_level.store(static_cast<int>(level)); }

bool ParseLevel(std::string_view text, Level* level) {
  for (Level l :
       {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

std::string FormatLine(Level level, std::string_view event,
                       std::initializer_list<Field> fields) {
  std::string line = "ts=" + absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                                              absl::Now(), absl::UTCTimeZone());
  line.append(" level=").append(LevelName(level)).append(" event=");
  AppendValue(&line, event);
  for (const Field& field : fields) {
    line.append(" ").append(field.first).append("=");
    AppendValue(&line, field.second);
  }
  return line;
}

void Write(Level level, std::string_view event,
           std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) {
    return;
  }
  std::string line = FormatLine(level, event, fields);
  line.push_back('\n');
  // One write per line: concurrent lines never interleave (pipe or file
  // writes below PIPE_BUF, and O_APPEND files, are atomic in practice).
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace cellchain::log
