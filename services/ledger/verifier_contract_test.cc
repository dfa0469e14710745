// The verifier against the real append path: records sealed by
// ledger::Ledger (ledger.h) verify, and the verifier's own statement of the
// formats (it cannot link ledger.h, which needs libpq) matches the ledger's.
// If the record format changes on one side only, this test fails.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cellchain/common/v1/common.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/ledger.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger {
namespace {

using ::testing::IsEmpty;

class StepClock : public Clock {
 public:
  explicit StepClock(absl::Time start) : now_(start) {}
  absl::Time Now() override {
    absl::Time now = now_;
    now_ += absl::Milliseconds(1500);
    return now;
  }

 private:
  absl::Time now_;
};

TEST(VerifierContractTest, FormatsMatchTheLedgers) {
  for (std::string bytes :
       {std::string(), std::string("\0\1\2", 3), std::string(1000, 'x')}) {
    EXPECT_EQ(RecordSignatureMessage(bytes), SignedMessage(bytes));
  }
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey key,
                          crypto::Ed25519PrivateKey::Generate());
  EXPECT_EQ(SigningKeyId("manufacturing", key.PublicKeyRaw()),
            KeyIdFor("manufacturing", key.PublicKeyRaw()));
}

TEST(VerifierContractTest, RecordsSealedByTheLedgerVerify) {
  const absl::Time start = absl::FromUnixMicros(1717228800123456);
  StepClock clock(start);
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey key,
                          crypto::Ed25519PrivateKey::Generate());
  const std::string public_key = key.PublicKeyRaw();
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Ledger> ledger,
                          Ledger::Create("donor", std::move(key), &clock));

  VerifyInput input;
  input.keys.push_back({ledger->key_id(), "donor", public_key, start});
  std::map<std::string, std::string> heads;  // entity id -> leaf hash
  std::map<std::string, std::string> states;
  for (int i = 0; i < 5; ++i) {
    const std::string entity = i % 2 == 0 ? "lot_1" : "lot_2";
    cellchain::common::v1::Quantity state;
    state.set_value(absl::StrCat(i * 10));
    state.set_unit("mL");
    Event event;
    event.actor.set_user_id("usr_tech1");
    event.actor.set_printed_name("T. Echnician");
    event.actor.set_role("technician");
    event.actor.set_workstation("CN=lab-ws-1");
    event.action = "donor_lot.update";
    event.entity_type = "donor_lot";
    event.entity_id = entity;
    if (entity == "lot_1") {
      cellchain::audit::v1::Isbt128Identifier din;
      din.set_kind("din");
      din.set_value("W000024000001");
      event.isbt128.push_back(din);
    }
    event.after_state = &state;
    event.request_id = absl::StrCat("request-0000000000", i);
    CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed,
                            ledger->Seal(event, heads[entity]));
    heads[entity] = sealed.leaf_hash;
    CC_ASSERT_OK_AND_ASSIGN(states[entity], SerializeDeterministic(state));

    StoredRecord stored;
    stored.log_index = static_cast<uint64_t>(i);
    stored.record_id = sealed.record_id;
    stored.record_bytes = sealed.record_bytes;
    stored.signature = sealed.signature;
    stored.key_id = ledger->key_id();
    stored.service = "donor";
    stored.entity_type = "donor_lot";
    stored.entity_id = entity;
    stored.recorded_at = sealed.recorded_at;
    stored.actor_user_id = "usr_tech1";
    stored.action = "donor_lot.update";
    if (entity == "lot_1") stored.din = "W000024000001";
    stored.request_id = event.request_id;
    stored.previous_entity_hash = sealed.previous_entity_hash;
    stored.leaf_hash = sealed.leaf_hash;
    input.records.push_back(std::move(stored));
  }
  for (const auto& [entity, state] : states) {
    input.states.push_back({"donor_lot", entity, state});
  }
  std::vector<Hash> leaves;
  for (const StoredRecord& record : input.records) {
    leaves.push_back(LeafHash(record.record_bytes));
  }
  CC_ASSERT_OK_AND_ASSIGN(NoteSigner signer, NoteSigner::Generate("test.log"));
  input.origin = "test.log";
  input.checkpoint_verifiers = {signer.verifier()};
  CC_ASSERT_OK_AND_ASSIGN(
      std::string note,
      SignCheckpoint({"test.log", leaves.size(), RootOf(leaves), {}}, signer));
  input.checkpoints = {note};

  VerifyResult result = Verify(input);

  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.summary.count(Check::kSignature).checked, 5u);
  EXPECT_EQ(result.summary.count(Check::kColumns).checked, 5u);
  EXPECT_EQ(result.summary.count(Check::kEntityChain).checked, 5u);
  EXPECT_EQ(result.summary.count(Check::kCurrentState).checked, 2u);
  CC_ASSERT_OK_AND_ASSIGN(RecordFields fields,
                          ParseRecordFields(input.records[0].record_bytes));
  EXPECT_EQ(fields.after_state_type_url,
            "type.googleapis.com/cellchain.common.v1.Quantity");
}

}  // namespace
}  // namespace cellchain::ledger
