// FailingRule: one rule of the process a request fails, by its reason (the
// service's reasons.h) and a message a person reads — what a check that
// names every failing rule at once returns, such as dose's release gates
// and clinical's bedside checks. FailingRulesText joins them as the
// refusal's message and its audit record's reason read them:
// "REASON: message; REASON: message".
//
// Header-only. Thread-safety: plain values and a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_STATUS_FAILING_RULES_H_
#define CELLCHAIN_SERVICES_COMMON_STATUS_FAILING_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cellchain {

struct FailingRule {
  std::string reason;  // kReason...
  std::string message;
};

inline std::string FailingRulesText(const std::vector<FailingRule>& rules) {
  std::vector<std::string> lines;
  lines.reserve(rules.size());
  for (const FailingRule& rule : rules) {
    lines.push_back(absl::StrCat(rule.reason, ": ", rule.message));
  }
  return absl::StrJoin(lines, "; ");
}

}  // namespace cellchain

#endif  // CELLCHAIN_SERVICES_COMMON_STATUS_FAILING_RULES_H_
