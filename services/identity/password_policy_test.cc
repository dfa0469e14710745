#include "services/identity/password_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::identity {
namespace {

using ::testing::Not;
using ::testing::HasSubstr;

TEST(PasswordPolicyTest, LengthIsCountedInCharactersNotBytes) {
  PasswordPolicy policy{.min_length = 12};
  EXPECT_EQ(ReasonOf(CheckPassword(policy, "tina", "short-pass1", "p")),
            "PASSWORD_TOO_SHORT");
  // 12 characters, 24 bytes.
  EXPECT_TRUE(CheckPassword(policy, "tina", "ääääääääääää", "p").ok());
  EXPECT_EQ(ReasonOf(CheckPassword(policy, "tina", "ääääääääääa", "p")),
            "PASSWORD_TOO_SHORT");
  EXPECT_EQ(ReasonOf(CheckPassword(policy, "tina", std::string(257, 'x'), "p")),
            "PASSWORD_TOO_LONG");
}

TEST(PasswordPolicyTest, RefusesTheUserIdInsideThePassword) {
  PasswordPolicy policy;
  absl::Status status =
      CheckPassword(policy, "tina.tech", "my-TINA.TECH-2026", "new_password");
  EXPECT_EQ(ReasonOf(status), "PASSWORD_CONTAINS_USER_ID");
  EXPECT_EQ(FieldOf(status), "new_password");
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("2026")));
}

TEST(PasswordPolicyTest, RefusesInvalidUtf8) {
  EXPECT_EQ(ReasonOf(CheckPassword({}, "tina", "abcdefghijk\xff", "p")),
            "PASSWORD_NOT_UTF8");
}

TEST(UserIdTest, Shape) {
  EXPECT_TRUE(CheckUserId("qa.quinn", "user_id").ok());
  EXPECT_TRUE(CheckUserId("t2", "user_id").ok());
  EXPECT_EQ(FieldOf(CheckUserId("Quinn", "user_id")), "user_id");
  EXPECT_FALSE(CheckUserId("2nd", "user_id").ok());
  EXPECT_FALSE(CheckUserId("a", "user_id").ok());
  EXPECT_FALSE(CheckUserId(std::string(33, 'a'), "user_id").ok());
  EXPECT_FALSE(CheckUserId("a b", "user_id").ok());
  EXPECT_FALSE(CheckUserId("(anonymous)", "user_id").ok());
}

}  // namespace
}  // namespace cellchain::identity
