// ProgressLine: a one-line progress bar on a terminal that rewrites itself
// ("\r"), for a long wait a person watches — audit verify, whose server
// streams how far each phase of the verification is (VerifyLogResponse's
// Progress: phase, done, total):
//   tree      [##########..........]  1200/2400  50%
// Each drawing overwrites the last one whole (a shorter line is padded
// with blanks over what the longer one left), is drawn only when its text
// changes, and Clear() blanks it before a line of output is printed, so
// that findings and the summary never start in the middle of a bar.
// Disabled (stderr is not a terminal: a script, a pipe, a test), it writes
// nothing at all, so what a script captures is what it always was.
// Thread-safety: not thread-safe; one per command, on its thread.
#ifndef CELLCHAIN_CLIENTS_CLI_PROGRESS_LINE_H_
#define CELLCHAIN_CLIENTS_CLI_PROGRESS_LINE_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace cellchain::cli {

class ProgressLine {
 public:
  // Draws on `out` (stderr) only when `enabled`; the bar is `width`
  // characters between its brackets.
  ProgressLine(std::ostream& out, bool enabled, size_t width = 30);

  // Shows `done` of `total` in `phase` (a server's word, printed through
  // Printable()). A total of 0 or less is shown full; `done` is held
  // within [0, total].
  void Update(std::string_view phase, int64_t done, int64_t total);

  // Blanks the line and returns the cursor to its start; nothing when
  // nothing is shown.
  void Clear();

  // The line Update would draw (without "\r" or padding), for tests.
  static std::string Text(std::string_view phase, int64_t done, int64_t total,
                          size_t width);

 private:
  std::ostream& out_;
  bool enabled_;
  size_t width_;
  std::string shown_;  // the text on the terminal now, "" when none
};

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_PROGRESS_LINE_H_
