#include "clients/cli/progress_line.h"

#include <algorithm>

#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {

ProgressLine::ProgressLine(std::ostream& out, bool enabled, size_t width)
    : out_(out), enabled_(enabled), width_(width) {}

std::string ProgressLine::Text(std::string_view phase, int64_t done,
                               int64_t total, size_t width) {
  bool known = total > 0;
  if (known) done = std::clamp<int64_t>(done, 0, total);
  size_t filled = known ? static_cast<size_t>(static_cast<double>(width) *
                                              static_cast<double>(done) /
                                              static_cast<double>(total))
                        : width;
  std::string text = PadLabel(Printable(phase), 10);
  text += "[";
  text.append(filled, '#');
  text.append(width - filled, '.');
  text += "]";
  if (known) {
    text += "  " + std::to_string(done) + "/" + std::to_string(total) + "  " +
            std::to_string(done * 100 / total) + "%";
  }
  return text;
}

void ProgressLine::Update(std::string_view phase, int64_t done, int64_t total) {
  if (!enabled_) return;
  std::string text = Text(phase, done, total, width_);
  if (text == shown_) return;
  // The new text over the old, then blanks over what the old one had more.
  size_t old_width = DisplayWidth(shown_);
  size_t new_width = DisplayWidth(text);
  out_ << "\r" << text;
  if (old_width > new_width) {
    out_ << std::string(old_width - new_width, ' ') << "\r" << text;
  }
  out_.flush();
  shown_ = std::move(text);
}

void ProgressLine::Clear() {
  if (!enabled_ || shown_.empty()) return;
  out_ << "\r" << std::string(DisplayWidth(shown_), ' ') << "\r";
  out_.flush();
  shown_.clear();
}

}  // namespace cellchain::cli
