#include "services/common/crypto/encoding.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::crypto {
namespace {

using ::testing::HasSubstr;

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

TEST(CryptoEncodingTest, HexRoundTrip) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
  std::string all = AllBytes();
  absl::StatusOr<std::string> back = HexDecode(HexEncode(all));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, all);
  EXPECT_EQ(HexDecode("ABcd").value(), "\xab\xcd");
}

TEST(CryptoEncodingTest, HexRejectsMalformed) {
  for (const char* bad : {"abc", "0g", "zz", " 00", "00 ", "0x00", "-1"}) {
    absl::StatusOr<std::string> r = HexDecode(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(HexDecode("abc").status().message(), HasSubstr("odd length"));
  EXPECT_THAT(HexDecode("00x0").status().message(), HasSubstr("offset 2"));
}

TEST(CryptoEncodingTest, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    absl::StatusOr<std::string> decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.status();
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(CryptoEncodingTest, Base64RoundTripAllLengths) {
  std::string all = AllBytes();
  for (size_t len = 0; len <= all.size(); ++len) {
    std::string data = all.substr(all.size() - len);
    absl::StatusOr<std::string> back = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(back.ok()) << len << ": " << back.status();
    EXPECT_EQ(*back, data);
  }
}

TEST(CryptoEncodingTest, Base64RejectsMalformed) {
  for (const char* bad : {
           "Zg",        // no padding
           "Zg=",       // short padding
           "Zm9",       // length not a multiple of 4
           "Z===",      // too much padding
           "====",      // only padding
           "Zg==Zg==",  // padding in the middle
           "Zm=v",      // '=' before data
           "Zh==",      // non-zero padding bits
           "Zm9=",      // non-zero padding bits
           "Zm9v\n",    // whitespace
           "Zm 9v",     // whitespace
           "-_-_",      // URL-safe alphabet
           "Zm9v!AAA",  // junk
       }) {
    absl::StatusOr<std::string> r = Base64Decode(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace cellchain::crypto
