// Structured, one-line-per-event logging to stderr.
//
// A line is `ts=<RFC 3339 UTC µs> level=<level> event=<event> key=value ...`;
// values with spaces, quotes or '=' are double-quoted with escapes, so a line
// splits unambiguously. Each line is written with one write(2) call, so lines
// of concurrent threads never interleave. Thread-safe.
//
// Never log secrets: passwords, tokens, identifying donor or patient data.
#ifndef CELLCHAIN_SERVICES_COMMON_LOG_LOG_H_
#define CELLCHAIN_SERVICES_COMMON_LOG_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace cellchain::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Lines below `level` are dropped. Default kInfo.
void SetMinLevel(Level level);
// Parses "debug", "info", "warning", "error"; false if unknown.
bool ParseLevel(std::string_view text, Level* level);

using Field = std::pair<std::string_view, std::string_view>;

void Write(Level level, std::string_view event,
           std::initializer_list<Field> fields = {});

inline void Info(std::string_view event, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, event, f);
}
inline void Warning(std::string_view event,
                    std::initializer_list<Field> f = {}) {
  Write(Level::kWarning, event, f);
}
inline void Error(std::string_view event, std::initializer_list<Field> f = {}) {
  Write(Level::kError, event, f);
}

// The formatted line without the trailing newline (exposed for tests).
std::string FormatLine(Level level, std::string_view event,
                       std::initializer_list<Field> fields);

}  // namespace cellchain::log

#endif  // CELLCHAIN_SERVICES_COMMON_LOG_LOG_H_
