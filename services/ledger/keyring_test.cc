#include "services/ledger/keyring.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/encoding.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger {
namespace {

using ::testing::HasSubstr;

std::string RawKey() {
  absl::StatusOr<crypto::Ed25519PrivateKey> key =
      crypto::Ed25519PrivateKey::Generate();
  EXPECT_TRUE(key.ok());
  return key->PublicKeyRaw();
}

TEST(KeyringTest, ReadsWhatItWritesAndTrustsExactlyItsKeys) {
  std::string custody = RawKey();
  std::string donor = RawKey();
  CC_ASSERT_OK_AND_ASSIGN(Keyring keyring,
                          Keyring::Of({{"custody", custody}, {"donor", donor}}));
  CC_ASSERT_OK_AND_ASSIGN(Keyring read, Keyring::Parse(keyring.Format()));

  ASSERT_EQ(read.keys().size(), 2u);
  EXPECT_EQ(read.keys()[0].service, "custody");
  EXPECT_TRUE(read.Trusts(SigningKeyId("custody", custody), custody));
  EXPECT_TRUE(read.Trusts(SigningKeyId("donor", donor), donor));
  // The right id with another key, and a key under another service's id.
  EXPECT_FALSE(read.Trusts(SigningKeyId("custody", custody), donor));
  EXPECT_FALSE(read.Trusts(SigningKeyId("qc", custody), custody));
  EXPECT_EQ(read.Find("qc:0000000000000000"), nullptr);
}

TEST(KeyringTest, IgnoresCommentsAndBlankLines) {
  std::string key = RawKey();
  CC_ASSERT_OK_AND_ASSIGN(
      Keyring keyring,
      Keyring::Parse(absl::StrCat("# QA's keyring\n\n   \n",
                                  KeyringLine("qc", key), "\r\n# end\n")));
  ASSERT_EQ(keyring.keys().size(), 1u);
  EXPECT_TRUE(keyring.Trusts(SigningKeyId("qc", key), key));
}

TEST(KeyringTest, RefusesALineWhoseIdIsNotItsKeys) {
  std::string key = RawKey();
  std::string other = RawKey();
  // The id of one key with another key: trusting it would put the wrong
  // name on what that key signs.
  std::string line = absl::StrCat(SigningKeyId("qc", key), " ",
                                  crypto::Base64Encode(other));
  absl::StatusOr<Keyring> keyring =
      Keyring::Parse(absl::StrCat("# header\n", line, "\n"));
  ASSERT_FALSE(keyring.ok());
  EXPECT_EQ(keyring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(keyring.status().message(),
              HasSubstr("keyring line 2: key id qc:"));
}

TEST(KeyringTest, RefusesMalformedLinesNamingThem) {
  std::string key = RawKey();
  for (const std::string& bad :
       {std::string("just-one-field"),
        absl::StrCat("noservice ", crypto::Base64Encode(key)),
        absl::StrCat("Qc:0011223344556677 ", crypto::Base64Encode(key)),
        absl::StrCat(SigningKeyId("qc", key), " not-base64!"),
        absl::StrCat(SigningKeyId("qc", key), " ",
                     crypto::Base64Encode(key.substr(0, 31))),
        absl::StrCat(KeyringLine("qc", key), " extra")}) {
    absl::StatusOr<Keyring> keyring = Keyring::Parse(bad);
    EXPECT_FALSE(keyring.ok()) << bad;
    EXPECT_THAT(keyring.status().message(), HasSubstr("keyring line 1"))
        << bad;
  }
}

TEST(KeyringTest, AFileThatCannotBeReadIsNamed) {
  absl::StatusOr<Keyring> keyring =
      Keyring::FromFile("/nonexistent/cellchain/keyring");
  ASSERT_FALSE(keyring.ok());
  EXPECT_EQ(keyring.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(keyring.status().message(), HasSubstr("/nonexistent/cellchain"));
}

}  // namespace
}  // namespace cellchain::ledger
