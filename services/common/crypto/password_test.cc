#include "services/common/crypto/password.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"

namespace cellchain::crypto {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// Cheap parameters keep the tests fast; the defaults get one test of their own.
constexpr ScryptParams kFast{.log2_n = 10, .r = 8, .p = 1};

TEST(CryptoPasswordTest, Rfc7914Vectors) {
  absl::StatusOr<std::string> dk =
      Scrypt("password", "NaCl", {.log2_n = 10, .r = 8, .p = 16}, 64);
  ASSERT_TRUE(dk.ok()) << dk.status();
  EXPECT_EQ(HexEncode(*dk),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");

  dk = Scrypt("", "", {.log2_n = 4, .r = 1, .p = 1}, 64);
  ASSERT_TRUE(dk.ok()) << dk.status();
  EXPECT_EQ(HexEncode(*dk),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
}

TEST(CryptoPasswordTest, DefaultParamsHashAndVerify) {
  absl::StatusOr<std::string> hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok()) << hash.status();
  // 16-byte salt: 24 base64 chars; 32-byte hash: 44.
  EXPECT_THAT(*hash, MatchesRegex("\\$scrypt\\$ln=15,r=8,p=1\\$"
                                  "[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}="));
  EXPECT_EQ(VerifyPassword("correct horse", *hash).value(), true);
  EXPECT_EQ(VerifyPassword("correct horsf", *hash).value(), false);
}

TEST(CryptoPasswordTest, RightAndWrongPasswords) {
  std::string hash = HashPassword("s3cret-Passw0rd", kFast).value();
  EXPECT_EQ(VerifyPassword("s3cret-Passw0rd", hash).value(), true);
  EXPECT_EQ(VerifyPassword("s3cret-passw0rd", hash).value(), false);
  EXPECT_EQ(VerifyPassword("", hash).value(), false);
  EXPECT_EQ(VerifyPassword("s3cret-Passw0rd ", hash).value(), false);

  std::string empty = HashPassword("", kFast).value();
  EXPECT_EQ(VerifyPassword("", empty).value(), true);
  EXPECT_EQ(VerifyPassword("x", empty).value(), false);
}

TEST(CryptoPasswordTest, SaltMakesEveryHashDifferent) {
  std::string a = HashPassword("same", kFast).value();
  std::string b = HashPassword("same", kFast).value();
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword("same", a).value());
  EXPECT_TRUE(VerifyPassword("same", b).value());
}

TEST(CryptoPasswordTest, VerifyUsesTheParametersInTheString) {
  ScryptParams other{.log2_n = 11, .r = 4, .p = 2, .hash_len = 64};
  std::string hash = HashPassword("pw", other).value();
  EXPECT_THAT(hash, HasSubstr("$scrypt$ln=11,r=4,p=2$"));
  EXPECT_TRUE(VerifyPassword("pw", hash).value());
}

TEST(CryptoPasswordTest, MalformedEncodingIsInvalidArgument) {
  std::string good = HashPassword("pw", kFast).value();
  std::string salt_and_hash = good.substr(good.find("$", 8));  // "$salt$hash"
  const std::string bad[] = {
      "",
      "pw",
      "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g",
      "$scrypt$ln=10,r=8" + salt_and_hash,
      "$scrypt$r=8,ln=10,p=1" + salt_and_hash,
      "$scrypt$ln=010,r=8,p=1" + salt_and_hash,
      "$scrypt$ln=-1,r=8,p=1" + salt_and_hash,
      "$scrypt$ln=10,r=8,p=1 " + salt_and_hash,
      "$scrypt$ln=99,r=8,p=1" + salt_and_hash,   // out of bounds
      "$scrypt$ln=24,r=64,p=1" + salt_and_hash,  // 2 GiB of memory
      "$scrypt$ln=10,r=8,p=1$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "$scrypt$ln=10,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
      good + "$",
      good.substr(0, good.size() - 1),
  };
  for (const std::string& encoded : bad) {
    absl::StatusOr<bool> r = VerifyPassword("Tr0ub4dor&3", encoded);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << encoded;
    EXPECT_THAT(r.status().message(), Not(HasSubstr("Tr0ub4dor&3")));
  }
}

TEST(CryptoPasswordTest, RejectsOutOfBoundsParams) {
  EXPECT_EQ(HashPassword("pw", {.log2_n = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", {.log2_n = 10, .hash_len = 8}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Scrypt("pw", "salt", kFast, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CryptoPasswordTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(
      ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace cellchain::crypto
