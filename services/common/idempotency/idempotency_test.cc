#include "services/common/idempotency/idempotency.h"

#include <fstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
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

TEST(RequestHashTest, IsHmacSha256UnderTheKey) {
  // RFC 4231, test case 2.
  SetRequestHashKey("Jefe");
  EXPECT_EQ(crypto::HexEncode(RequestHash("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(RequestHashTest, KeyFileIsOneLineOfBase64Of32Bytes) {
  std::string dir = ::testing::TempDir();
  auto write = [&](const std::string& name, const std::string& text) {
    std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
  };
  std::string key(32, '\x5a');
  absl::StatusOr<std::string> read = ReadRequestHashKeyFile(
      write("good", crypto::Base64Encode(key) + "\n"));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, key);
  for (const std::string& bad :
       {crypto::Base64Encode(std::string(16, 'a')), std::string("not base64!"),
        std::string("")}) {
    absl::Status s = ReadRequestHashKeyFile(write("bad", bad)).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find(dir + "/bad"), std::string::npos) << s;
  }
  EXPECT_FALSE(ReadRequestHashKeyFile(dir + "/missing").ok());
}

TEST(CallerScopeTest, NamesTheInnermostCallerOfThisThread) {
  EXPECT_EQ(CurrentCaller(), "");
  {
    CallerScope alice("alice");
    EXPECT_EQ(CurrentCaller(), "alice");
    {
      CallerScope bob("bob");
      EXPECT_EQ(CurrentCaller(), "bob");
    }
    EXPECT_EQ(CurrentCaller(), "alice");
    std::string other;
    std::thread([&] { other = std::string(CurrentCaller()); }).join();
    EXPECT_EQ(other, "");
  }
  EXPECT_EQ(CurrentCaller(), "");
}

}  // namespace
}  // namespace cellchain::idempotency
