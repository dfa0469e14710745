// AES-256-GCM against the published known answer, and what the field cipher
// promises a GMP system: identifying data sealed at rest, refused when
// changed or copied to another field, readable after a key rotation.
#include "services/common/crypto/aead.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/random.h"
#include "services/common/status/status.h"

namespace cellchain::crypto {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Hex(std::string_view hex) { return *HexDecode(hex); }

// Test Case 16 of McGrew and Viega, "The Galois/Counter Mode of Operation
// (GCM)" (the submission to NIST): AES-256, 96-bit IV, 60 bytes of
// plaintext, 20 bytes of associated data.
TEST(Aes256Gcm, MatchesThePublishedTestCase16) {
  std::string key = Hex(
      "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  std::string iv = Hex("cafebabefacedbaddecaf888");
  std::string plaintext = Hex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  std::string aad = Hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  auto sealed = Aes256GcmSeal(key, iv, plaintext, aad);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(HexEncode(*sealed),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            "76fc6ece0f4e1768cddf8853bb2d551b");
  auto opened = Aes256GcmOpen(key, iv, *sealed, aad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, plaintext);
  // One bit of the ciphertext, of the tag, or of the associated data.
  for (size_t i : {size_t{0}, sealed->size() - 1}) {
    std::string changed = *sealed;
    changed[i] ^= 0x01;
    EXPECT_EQ(Aes256GcmOpen(key, iv, changed, aad).status().code(),
              absl::StatusCode::kDataLoss);
  }
  EXPECT_EQ(Aes256GcmOpen(key, iv, *sealed, aad + "x").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Aes256GcmSeal(key.substr(1), iv, plaintext, aad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

FieldCipher Ring(std::vector<std::string> ids, std::string current) {
  std::vector<FieldCipher::Key> keys;
  for (const std::string& id : ids) keys.push_back({id, *RandomBytes(32)});
  return *FieldCipher::Create(std::move(keys), std::move(current));
}

TEST(FieldCipher, SealsForOneContextAndHidesThePlaintext) {
  FieldCipher cipher = Ring({"k2026"}, "k2026");
  const std::string name = "Maria Example-Donor";
  auto sealed = cipher.Encrypt(name, "donor/dnr_1/name");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_THAT(*sealed, StartsWith("cf1.k2026."));
  EXPECT_THAT(*sealed, Not(HasSubstr("Maria")));
  // A random nonce: the same name never seals to the same text twice.
  EXPECT_NE(*cipher.Encrypt(name, "donor/dnr_1/name"), *sealed);
  auto opened = cipher.Decrypt(*sealed, "donor/dnr_1/name");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, name);
  // Copied into another donor's row, or another field: refused.
  EXPECT_EQ(cipher.Decrypt(*sealed, "donor/dnr_2/name").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher.Decrypt(*sealed, "donor/dnr_1/mrn").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher.Decrypt("Maria", "donor/dnr_1/name").status().code(),
            absl::StatusCode::kInvalidArgument);
  // An empty value seals and opens too.
  EXPECT_EQ(*cipher.Decrypt(*cipher.Encrypt("", "c"), "c"), "");
}

TEST(FieldCipher, OldValuesStayReadableAfterARotation) {
  std::string old_key = *RandomBytes(32);
  std::string new_key = *RandomBytes(32);
  FieldCipher before = *FieldCipher::Create({{"k1", old_key}}, "k1");
  std::string sealed = *before.Encrypt("MRN 0042-17", "donor/dnr_1/mrn");
  FieldCipher after =
      *FieldCipher::Create({{"k1", old_key}, {"k2", new_key}}, "k2");
  EXPECT_EQ(*after.Decrypt(sealed, "donor/dnr_1/mrn"), "MRN 0042-17");
  auto resealed = after.Reseal(sealed, "donor/dnr_1/mrn");
  ASSERT_TRUE(resealed.ok()) << resealed.status();
  EXPECT_EQ(FieldCipher::KeyIdOf(*resealed), "k2");
  EXPECT_EQ(*after.Reseal(*resealed, "donor/dnr_1/mrn"), *resealed);
  // Once the old key is gone, its values say which key they need.
  FieldCipher only_new = *FieldCipher::Create({{"k2", new_key}}, "k2");
  absl::Status missing = only_new.Decrypt(sealed, "donor/dnr_1/mrn").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("\"k1\""));
  EXPECT_EQ(*only_new.Decrypt(*resealed, "donor/dnr_1/mrn"), "MRN 0042-17");
}

TEST(FieldCipher, RefusesABadKeyRing) {
  EXPECT_EQ(FieldOf(FieldCipher::Create({}, "k").status()), "keys");
  EXPECT_EQ(FieldOf(FieldCipher::Create({{"k", "short"}}, "k").status()),
            "keys");
  std::string key = *RandomBytes(32);
  EXPECT_EQ(FieldOf(FieldCipher::Create({{"K1", key}}, "K1").status()), "keys");
  EXPECT_EQ(
      FieldOf(FieldCipher::Create({{"k", key}, {"k", key}}, "k").status()),
      "keys");
  EXPECT_EQ(FieldOf(FieldCipher::Create({{"k", key}}, "other").status()),
            "keys");
}

TEST(FieldCipher, ReadsAKeyFileWhoseLastKeyIsCurrent) {
  char path[] = "/tmp/cellchain-keys-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::string k1 = Base64Encode(*RandomBytes(32));
  std::string k2 = Base64Encode(*RandomBytes(32));
  {
    std::ofstream out(path);
    out << "# field encryption keys, oldest first\n\nk2025 " << k1
        << "\nk2026 " << k2 << "\n";
  }
  auto cipher = FieldCipher::FromKeyFile(path);
  ASSERT_TRUE(cipher.ok()) << cipher.status();
  EXPECT_EQ(cipher->current_key_id(), "k2026");
  {
    std::ofstream out(path);
    out << "k2025 " << k1 << "\nk2026 not-base64!\n";
  }
  absl::Status bad = FieldCipher::FromKeyFile(path).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr(":2:"));
  EXPECT_THAT(std::string(bad.message()), Not(HasSubstr(k1)));
  std::remove(path);
  EXPECT_EQ(FieldCipher::FromKeyFile(path).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cellchain::crypto
