#include "services/ledger/admission.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/merkle.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

class AdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(custody_, crypto::Ed25519PrivateKey::Generate());
    CC_ASSERT_OK_AND_ASSIGN(donor_, crypto::Ed25519PrivateKey::Generate());
    CC_ASSERT_OK_AND_ASSIGN(
        Keyring keyring, Keyring::Of({{"custody", custody_->PublicKeyRaw()},
                                      {"donor", donor_->PublicKeyRaw()}}));
    CC_ASSERT_OK_AND_ASSIGN(admission_, Admission::Create(keyring));
  }

  // A record as custody's key signs it, with its own leaf hash queued.
  struct Record {
    std::string key_id, service, bytes, signature, leaf;
    AdmissionInput Input() const {
      return {key_id, service, bytes, signature, leaf};
    }
  };
  Record Signed(const crypto::Ed25519PrivateKey& key, std::string service,
                std::string bytes) {
    Record r;
    r.key_id = SigningKeyId(service, key.PublicKeyRaw());
    r.service = std::move(service);
    r.bytes = std::move(bytes);
    r.signature = key.Sign(RecordSignatureMessage(r.bytes)).value_or("");
    Hash leaf = LeafHash(r.bytes);
    r.leaf.assign(reinterpret_cast<const char*>(leaf.data()), leaf.size());
    return r;
  }

  std::optional<crypto::Ed25519PrivateKey> custody_, donor_;
  std::optional<Admission> admission_;
};

TEST_F(AdmissionTest, ARecordItsServicesTrustedKeySignedIsAdmitted) {
  Record r = Signed(*custody_, "custody", "record one");
  EXPECT_EQ(admission_->Check(r.Input()), std::nullopt);
}

TEST_F(AdmissionTest, EachWayOfForgingIsRefusedWithItsReason) {
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey rogue,
                          crypto::Ed25519PrivateKey::Generate());
  Record untrusted = Signed(rogue, "custody", "forged approval");
  EXPECT_THAT(admission_->Check(untrusted.Input()),
              Optional(HasSubstr("is not in the trusted keyring")));

  // Donor's real key naming a custody record.
  Record other_service = Signed(*donor_, "donor", "x");
  other_service.service = "custody";
  EXPECT_THAT(admission_->Check(other_service.Input()),
              Optional(HasSubstr("belongs to service donor, the record to "
                                 "custody")));

  Record bad_signature = Signed(*custody_, "custody", "record two");
  bad_signature.signature[0] ^= 1;
  EXPECT_THAT(admission_->Check(bad_signature.Input()),
              Optional(HasSubstr("the signature does not verify")));

  Record bytes_changed = Signed(*custody_, "custody", "record three");
  bytes_changed.bytes = "record 3";
  EXPECT_THAT(admission_->Check(bytes_changed.Input()),
              Optional(HasSubstr("the leaf hash queued is not the record's")));
}

TEST_F(AdmissionTest, CheckAllKeepsTheOrderOnManyThreads) {
  std::vector<Record> records;
  for (int i = 0; i < 300; ++i) {
    records.push_back(Signed(*custody_, "custody", "r" + std::to_string(i)));
    if (i % 7 == 3) records.back().signature[5] ^= 1;
  }
  std::vector<AdmissionInput> inputs;
  for (const Record& r : records) inputs.push_back(r.Input());
  std::vector<std::optional<std::string>> results =
      admission_->CheckAll(inputs, 4);
  ASSERT_EQ(results.size(), records.size());
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].has_value(), i % 7 == 3) << i;
  }
}

TEST(AdmissionCreateTest, AnEmptyKeyringIsRefused) {
  absl::Status empty = Admission::Create(Keyring()).status();
  EXPECT_EQ(FieldOf(empty), "keyring") << empty;
}

}  // namespace
}  // namespace cellchain::ledger
