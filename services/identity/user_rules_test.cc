// The user administration rules without a database: printed names and the
// roles one person may not hold together.
#include "services/identity/user_rules.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/identity/reasons.h"

namespace cellchain::identity {
namespace {

using common::v1::ROLE_ADMIN;
using common::v1::ROLE_QA;
using common::v1::ROLE_QC_ANALYST;
using common::v1::ROLE_TECHNICIAN;

TEST(RequirePrintedNameTest, BlankOrTooLongIsRefusedNamingTheField) {
  EXPECT_TRUE(RequirePrintedName("Tina Tech").ok());
  for (const std::string& name :
       std::vector<std::string>{"", "   ", std::string(201, 'x')}) {
    absl::Status refused = RequirePrintedName(name);
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(FieldOf(refused), "printed_name") << name;
  }
  EXPECT_TRUE(RequirePrintedName(std::string(200, 'x')).ok());
}

TEST(CheckCompatibleRolesTest, TechnicianAndQaAreNotGivenToOnePerson) {
  absl::Status refused =
      CheckCompatibleRoles({ROLE_TECHNICIAN, ROLE_QA}, false);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused), kReasonIncompatibleRoles);
  // Unless the deployment allows it (--allow-technician-qa).
  EXPECT_TRUE(CheckCompatibleRoles({ROLE_TECHNICIAN, ROLE_QA}, true).ok());
}

TEST(CheckCompatibleRolesTest, OtherCombinationsAreAllowed) {
  EXPECT_TRUE(
      CheckCompatibleRoles({ROLE_TECHNICIAN, ROLE_QC_ANALYST}, false).ok());
  EXPECT_TRUE(CheckCompatibleRoles({ROLE_QA, ROLE_ADMIN}, false).ok());
  EXPECT_TRUE(CheckCompatibleRoles({ROLE_TECHNICIAN}, false).ok());
}

}  // namespace
}  // namespace cellchain::identity
