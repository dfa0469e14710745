#include "services/common/crypto/random.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::crypto {
namespace {

TEST(CryptoRandomTest, RandomBytesHasTheLengthAskedAndVaries) {
  absl::StatusOr<std::string> a = RandomBytes(32);
  absl::StatusOr<std::string> b = RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(RandomBytes(0).value(), "");
}

TEST(CryptoRandomTest, RandomIdFormat) {
  std::string id = RandomId("don");
  EXPECT_THAT(id, ::testing::MatchesRegex("don_[0-7][0-9A-HJKMNP-TV-Z]{25}"));
  EXPECT_EQ(RandomId("").size(), 27u);
}

TEST(CryptoRandomTest, RandomIdsAreUniqueAndUseTheWholeAlphabet) {
  absl::flat_hash_set<std::string> ids;
  absl::flat_hash_set<char> chars;
  absl::flat_hash_set<char> first_chars;
  for (int i = 0; i < 10000; ++i) {
    std::string id = RandomId("lot");
    ASSERT_THAT(id, ::testing::MatchesRegex("lot_[0-7][0-9A-HJKMNP-TV-Z]{25}"));
    first_chars.insert(id[4]);
    for (char c : id.substr(5)) chars.insert(c);
    ids.insert(std::move(id));
  }
  EXPECT_EQ(ids.size(), 10000u);
  // 250,000 random symbols miss one of 32 with negligible probability.
  EXPECT_EQ(chars.size(), 32u);
  EXPECT_EQ(first_chars.size(), 8u);
}

}  // namespace
}  // namespace cellchain::crypto
