#include "services/common/crypto/sha256.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"

namespace cellchain::crypto {
namespace {

std::string Hex(const Sha256Digest& d) {
  return HexEncode(
      std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

// FIPS 180-4 / NIST CSRC example values.
constexpr char kAbc[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kEmpty[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char k448Bits[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr char k448BitsDigest[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

TEST(CryptoSha256Test, KnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), kAbc);
  EXPECT_EQ(Sha256Hex(""), kEmpty);
  EXPECT_EQ(Sha256Hex(k448Bits), k448BitsDigest);
  EXPECT_EQ(Hex(Sha256("abc")), kAbc);
}

TEST(CryptoSha256Test, HasherMatchesOneShotAndIsReusable) {
  Sha256Hasher hasher;
  hasher.Update("abcdbcdecdefdefgefgh");
  hasher.Update("");
  hasher.Update("fghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(Hex(hasher.Finish()), k448BitsDigest);

  // Finish resets: the next digest covers only what follows.
  hasher.Update("abc");
  EXPECT_EQ(Hex(hasher.Finish()), kAbc);
  EXPECT_EQ(Hex(hasher.Finish()), kEmpty);
}

TEST(CryptoSha256Test, MillionAs) {
  Sha256Hasher hasher;
  std::string thousand(1000, 'a');
  for (int i = 0; i < 1000; ++i) hasher.Update(thousand);
  EXPECT_EQ(Hex(hasher.Finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace cellchain::crypto
