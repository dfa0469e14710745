#include "clients/label/code128.h"

#include <string>
#include <string_view>

#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t DigitRun(std::string_view data, size_t from) {
  size_t end = from;
  while (end < data.size() && IsDigit(data[end])) ++end;
  return end - from;
}

}  // namespace

absl::StatusOr<Code128Plan> PlanCode128(std::string_view data) {
  if (data.empty()) return InvalidField("code128", "nothing to encode");
  for (char c : data) {
    if (c < 0x20 || c > 0x7e) {
      return InvalidField("code128",
                          "only printable ASCII is encoded (subset B or C)");
    }
  }
  Code128Plan plan;
  auto append = [&plan](bool subset_c, char c) {
    if (plan.segments.empty() || plan.segments.back().subset_c != subset_c) {
      plan.segments.push_back({subset_c, ""});
    }
    plan.segments.back().data.push_back(c);
  };
  size_t i = 0;
  while (i < data.size()) {
    size_t run = DigitRun(data, i);
    bool at_edge = i == 0 || i + run == data.size();
    if (run >= 6 || (run >= 4 && at_edge)) {
      if (run % 2 == 1) {
        // The odd digit goes in B: first when the run starts the data
        // would make a B start and a switch, so it leads the run either way.
        append(false, data[i]);
        ++i;
        --run;
      }
      for (size_t k = 0; k < run; ++k) append(true, data[i + k]);
      i += run;
    } else {
      append(false, data[i]);
      ++i;
    }
  }
  // Start character, one per B character or C pair, one switch between
  // segments, check character.
  int count = 1 + static_cast<int>(plan.segments.size()) - 1 + 1;
  for (const Code128Segment& segment : plan.segments) {
    count += segment.subset_c ? static_cast<int>(segment.data.size()) / 2
                              : static_cast<int>(segment.data.size());
  }
  plan.symbol_characters = count;
  return plan;
}

}  // namespace cellchain::label
