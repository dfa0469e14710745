#include "services/common/idempotency/idempotency.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::idempotency {
namespace {

TEST(ValidateRequestIdTest, AcceptsSixteenToSixtyFourUrlSafeCharacters) {
  for (std::string id : {std::string(16, 'a'), std::string(64, 'Z'),
                         std::string("0123456789abcdef"),
                         std::string("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
                         std::string("AZaz09_-AZaz09_-")}) {
    EXPECT_TRUE(ValidateRequestId(id).ok()) << id;
  }
}

TEST(ValidateRequestIdTest, RefusesOtherShapesNamingTheField) {
  for (std::string id :
       {std::string(""), std::string(15, 'a'), std::string(65, 'a'),
        std::string("0123456789abcde "), std::string("0123456789abcde/"),
        std::string("0123456789abcde="), std::string("0123456789abcdé"),
        std::string("0123456789abcde'"),
        std::string("0123456789abcde\0", 16)}) {
    absl::Status s = ValidateRequestId(id);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_EQ(FieldOf(s), "request_id") << id;
  }
}

}  // namespace
}  // namespace cellchain::idempotency
