#include "services/identity/user_rules.h"

#include <algorithm>

#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/identity/reasons.h"

namespace cellchain::identity {

absl::Status RequirePrintedName(std::string_view name) {
  if (fields::Blank(name)) {
    return InvalidField("printed_name",
                        "the printed name (as on signatures) is required");
  }
  return fields::RequireText(name, "printed_name", kMaxPrintedName);
}

absl::Status CheckCompatibleRoles(const std::vector<common::v1::Role>& roles,
                                  bool allow_technician_qa) {
  auto holds = [&](common::v1::Role role) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  };
  if (allow_technician_qa || !holds(common::v1::ROLE_TECHNICIAN) ||
      !holds(common::v1::ROLE_QA)) {
    return absl::OkStatus();
  }
  return FailedRule(kReasonIncompatibleRoles,
                    "technician and qa are not given to one person: who "
                    "records the work must not release it (a deployment "
                    "that must combine them runs cellchaind with "
                    "--allow-technician-qa)");
}

}  // namespace cellchain::identity
