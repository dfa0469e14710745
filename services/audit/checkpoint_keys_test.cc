// The signing-key directory's checkpoint keys (checkpoint_keys.h): the layout
// of a rotation read back, and the mistakes an operator can make in it
// refused with the file named, before cellchaind serves.
#include "services/audit/checkpoint_keys.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::audit {
namespace {

using ::testing::HasSubstr;

constexpr char kOrigin[] = "cellchain.test/audit";

class CheckpointKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/checkpoint_keys_test_" +
           std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << text;
  }
  // A fresh pair as STEM.key / STEM.pub; returns its public key.
  std::string NewPair(const std::string& stem) {
    absl::StatusOr<crypto::Ed25519PrivateKey> key =
        crypto::Ed25519PrivateKey::Generate();
    EXPECT_TRUE(key.ok());
    Write(stem + ".key", *key->ToPem());
    Write(stem + ".pub", *key->PublicKeyPem());
    return key->PublicKeyRaw();
  }

  std::string dir_;
};

TEST_F(CheckpointKeysTest, ARotationsFilesAreReadInOrder) {
  const std::string current = NewPair("sequencer");
  const std::string next = NewPair("sequencer.next");
  const std::string retired_b = NewPair("sequencer.retired-2026-b");
  const std::string retired_a = NewPair("sequencer.retired-2026-a");
  std::filesystem::remove(dir_ + "/sequencer.retired-2026-a.key");
  CC_ASSERT_OK_AND_ASSIGN(CheckpointKeys keys,
                          ReadCheckpointKeys(dir_, kOrigin));
  EXPECT_EQ(keys.current.public_key().Raw(), current);
  EXPECT_EQ(keys.current.name(), kOrigin);
  ASSERT_EQ(keys.others.size(), 3u);
  EXPECT_EQ(keys.others[0].public_key().Raw(), next);
  EXPECT_EQ(keys.others[1].public_key().Raw(), retired_a);
  EXPECT_EQ(keys.others[2].public_key().Raw(), retired_b);
  EXPECT_EQ(keys.All().size(), 4u);
  // The sequencer signs with the current key, then the next; never a
  // retired one, whose private half may still lie there.
  CC_ASSERT_OK_AND_ASSIGN(std::vector<crypto::Ed25519PrivateKey> signing,
                          ReadCheckpointSigningKeys(dir_));
  ASSERT_EQ(signing.size(), 2u);
  EXPECT_EQ(signing[0].PublicKeyRaw(), current);
  EXPECT_EQ(signing[1].PublicKeyRaw(), next);
}

TEST_F(CheckpointKeysTest, ANextPublicKeyWithoutItsPrivateKeyIsRefused) {
  NewPair("sequencer");
  NewPair("sequencer.next");
  std::filesystem::remove(dir_ + "/sequencer.next.key");
  // The audit service alone can trust it; a sequencer must sign with it.
  CC_EXPECT_OK(ReadCheckpointKeys(dir_, kOrigin).status());
  absl::Status refused = ReadCheckpointSigningKeys(dir_).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_EQ(FieldOf(refused), "signing-key-dir");
  EXPECT_THAT(refused.message(),
              HasSubstr("sequencer.next.pub without sequencer.next.key"));
}

TEST_F(CheckpointKeysTest, MismatchedAndRepeatedKeysAreRefusedNamingTheFile) {
  NewPair("sequencer");
  NewPair("sequencer.next");
  NewPair("other");
  std::filesystem::copy_file(dir_ + "/other.key",
                             dir_ + "/sequencer.next.key",
                             std::filesystem::copy_options::overwrite_existing);
  absl::Status mismatch = ReadCheckpointSigningKeys(dir_).status();
  EXPECT_EQ(FieldOf(mismatch), "signing-key-dir") << mismatch;
  EXPECT_THAT(mismatch.message(),
              HasSubstr("sequencer.next.key and sequencer.next.pub do not "
                        "match"));
  // The current key also kept as retired: a copy, not a rotation.
  std::filesystem::copy_file(dir_ + "/sequencer.pub",
                             dir_ + "/sequencer.retired-1.pub");
  absl::Status repeated = ReadCheckpointKeys(dir_, kOrigin).status();
  EXPECT_EQ(FieldOf(repeated), "signing-key-dir") << repeated;
  EXPECT_THAT(repeated.message(), HasSubstr("sequencer.retired-1.pub"));
  // Not a key at all.
  std::filesystem::remove(dir_ + "/sequencer.retired-1.pub");
  Write("sequencer.retired-2.pub", "not a key\n");
  absl::Status garbage = ReadCheckpointKeys(dir_, kOrigin).status();
  EXPECT_EQ(garbage.code(), absl::StatusCode::kInvalidArgument) << garbage;
  EXPECT_THAT(garbage.message(), HasSubstr("sequencer.retired-2.pub"));
}

}  // namespace
}  // namespace cellchain::audit
