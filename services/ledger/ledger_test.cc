// Unit tests of the ledger's formats and rules (no database): the signed
// message, key ids, event validation and the sealed record.
#include "services/ledger/ledger.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/merkle.h"

namespace cellchain::ledger {
namespace {

using ::cellchain::audit::v1::AuditRecord;
using ::cellchain::common::v1::SIGNATURE_MEANING_APPROVED;
using ::cellchain::common::v1::SignatureManifestation;

// RFC 8032 section 7.1, TEST 1.
constexpr char kRfc8032Seed[] =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kRfc8032Public[] =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

class FixedClock : public Clock {
 public:
  explicit FixedClock(absl::Time now) : now_(now) {}
  absl::Time Now() override { return now_; }

 private:
  absl::Time now_;
};

std::string Unhex(std::string_view hex) {
  absl::StatusOr<std::string> bytes = crypto::HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.value_or("");
}

google::protobuf::Struct Widget(std::string_view id, std::string_view name,
                                double version, bool reversed = false) {
  google::protobuf::Struct s;
  auto& fields = *s.mutable_fields();
  if (reversed) {
    fields["version"].set_number_value(version);
    fields["name"].set_string_value(std::string(name));
    fields["id"].set_string_value(std::string(id));
  } else {
    fields["id"].set_string_value(std::string(id));
    fields["name"].set_string_value(std::string(name));
    fields["version"].set_number_value(version);
  }
  return s;
}

class LedgerTest : public ::testing::Test {
 protected:
  // 2024-05-06T07:08:09.123456789Z: the clock has nanoseconds, records keep
  // microseconds.
  LedgerTest()
      : clock_(absl::FromUnixNanos(1714979289123456789)),
        state_(Widget("wid_1", "first", 1)) {}

  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(
        crypto::Ed25519PrivateKey key,
        crypto::Ed25519PrivateKey::FromSeed(Unhex(kRfc8032Seed)));
    CC_ASSERT_OK_AND_ASSIGN(ledger_,
                            Ledger::Create("donor", std::move(key), &clock_));
    event_.actor.set_user_id("usr_ada");
    event_.actor.set_printed_name("Ada Lovelace");
    event_.actor.set_role("technician");
    event_.actor.set_workstation("/O=cellchain-dev/OU=workstation/CN=lab-1");
    event_.action = "widget.create";
    event_.entity_type = "widget";
    event_.entity_id = "wid_1";
    cellchain::audit::v1::Isbt128Identifier din;
    din.set_kind("din");
    din.set_value("A999924123456");
    event_.isbt128.push_back(din);
    event_.after_state = &state_;
    event_.request_id = "req_0123456789abcdef";
  }

  FixedClock clock_;
  google::protobuf::Struct state_;
  std::unique_ptr<Ledger> ledger_;
  Event event_;
};

TEST(SignedMessageTest, IsDomainThenNulThenTheRecordBytes) {
  EXPECT_EQ(SignedMessage(std::string("\x0a\x00\xff", 3)),
            std::string("cellchain.audit.v1.record\0\x0a\x00\xff", 29));
  EXPECT_EQ(SignedMessage(""), std::string("cellchain.audit.v1.record\0", 26));
}

TEST(KeyIdForTest, IsServiceAndFirstEightBytesOfTheKeysSha256) {
  // sha256(d75a98...511a) = 21fe31dfa154a261 626bf854...
  EXPECT_EQ(KeyIdFor("donor", Unhex(kRfc8032Public)), "donor:21fe31dfa154a261");
  EXPECT_EQ(KeyIdFor("qc", Unhex(kRfc8032Public)), "qc:21fe31dfa154a261");
}

TEST(IsCorrectionTest, VerbIsCorrectOrStartsWithCorrectUnderscore) {
  EXPECT_TRUE(IsCorrection("donor.correct"));
  EXPECT_TRUE(IsCorrection("dose.correct_volume"));
  EXPECT_TRUE(IsCorrection("donor_lot.label.correct"));
  EXPECT_FALSE(IsCorrection("donor.create"));
  EXPECT_FALSE(IsCorrection("donor.corrected_by_qa"));  // not the verb rule
  EXPECT_FALSE(IsCorrection("correct.create"));  // the entity, not the verb
  EXPECT_FALSE(IsCorrection("donor.incorrect"));
}

TEST_F(LedgerTest, KeyIdOfTheLedgerIsDerivedFromItsPublicKey) {
  EXPECT_EQ(ledger_->key_id(), "donor:21fe31dfa154a261");
  EXPECT_EQ(ledger_->public_key().Raw(), Unhex(kRfc8032Public));
  EXPECT_EQ(ledger_->service(), "donor");
}

TEST_F(LedgerTest, CreateRefusesABadServiceNameOrNoClock) {
  for (const char* service : {"", "Donor", "donor:x", "1donor", "do nor"}) {
    CC_ASSERT_OK_AND_ASSIGN(auto key, crypto::Ed25519PrivateKey::Generate());
    absl::Status s = Ledger::Create(service, std::move(key), &clock_).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << service;
    EXPECT_EQ(FieldOf(s), "service") << service;
  }
  CC_ASSERT_OK_AND_ASSIGN(auto key, crypto::Ed25519PrivateKey::Generate());
  absl::Status s = Ledger::Create("donor", std::move(key), nullptr).status();
  EXPECT_EQ(FieldOf(s), "clock");
}

TEST_F(LedgerTest, SealedRecordParsesBackToTheEvent) {
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, ""));
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  EXPECT_EQ(record.record_id(), sealed.record_id);
  EXPECT_TRUE(sealed.record_id.starts_with("rec_")) << sealed.record_id;
  EXPECT_EQ(sealed.record_id.size(), 4u + 26u);
  EXPECT_EQ(record.service(), "donor");
  EXPECT_EQ(record.key_id(), "donor:21fe31dfa154a261");
  // Microsecond precision: the clock's 789 ns are dropped.
  EXPECT_EQ(record.recorded_at().seconds(), 1714979289);
  EXPECT_EQ(record.recorded_at().nanos(), 123456000);
  EXPECT_EQ(sealed.recorded_at, absl::FromUnixMicros(1714979289123456));
  EXPECT_EQ(record.actor().user_id(), "usr_ada");
  EXPECT_EQ(record.actor().printed_name(), "Ada Lovelace");
  EXPECT_EQ(record.actor().role(), "technician");
  EXPECT_EQ(record.actor().workstation(),
            "/O=cellchain-dev/OU=workstation/CN=lab-1");
  EXPECT_EQ(record.action(), "widget.create");
  EXPECT_EQ(record.entity().type(), "widget");
  EXPECT_EQ(record.entity().id(), "wid_1");
  ASSERT_EQ(record.isbt128_size(), 1);
  EXPECT_EQ(record.isbt128(0).kind(), "din");
  EXPECT_EQ(record.isbt128(0).value(), "A999924123456");
  EXPECT_EQ(record.reason(), "");
  EXPECT_FALSE(record.has_signature());
  EXPECT_EQ(record.request_id(), "req_0123456789abcdef");
  EXPECT_EQ(record.previous_entity_hash(), "");
  EXPECT_EQ(sealed.previous_entity_hash, "");

  EXPECT_EQ(record.after_state().type_url(),
            "type.googleapis.com/google.protobuf.Struct");
  google::protobuf::Struct state;
  ASSERT_TRUE(record.after_state().UnpackTo(&state));
  EXPECT_EQ(state.fields().at("name").string_value(), "first");
  EXPECT_EQ(state.fields().at("version").number_value(), 1);
}

TEST_F(LedgerTest, SignatureCoversTheDomainSeparatedBytes) {
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, ""));
  ASSERT_EQ(sealed.signature.size(), 64u);
  crypto::Ed25519PublicKey key = ledger_->public_key();
  EXPECT_TRUE(key.Verify(SignedMessage(sealed.record_bytes), sealed.signature));
  // Neither the bare bytes nor a changed record verify.
  EXPECT_FALSE(key.Verify(sealed.record_bytes, sealed.signature));
  std::string tampered = sealed.record_bytes;
  tampered[tampered.size() / 2] ^= 0x01;
  EXPECT_FALSE(key.Verify(SignedMessage(tampered), sealed.signature));
}

TEST_F(LedgerTest, LeafHashIsRfc6962LeafOfTheRecordBytes) {
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, ""));
  EXPECT_EQ(sealed.leaf_hash, HashBytes(LeafHash(sealed.record_bytes)));
  // SHA-256(0x00 || bytes), spelled out.
  EXPECT_EQ(sealed.leaf_hash, [&] {
    crypto::Sha256Digest d =
        crypto::Sha256(std::string(1, '\0') + sealed.record_bytes);
    return std::string(d.begin(), d.end());
  }());
}

TEST_F(LedgerTest, PreviousEntityHashIsRecordedAndMustBe32Bytes) {
  const std::string previous(32, '\x7f');
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, previous));
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  EXPECT_EQ(record.previous_entity_hash(), previous);
  EXPECT_EQ(sealed.previous_entity_hash, previous);

  absl::Status s = ledger_->Seal(event_, std::string(31, '\x7f')).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "previous_entity_hash");
}

TEST_F(LedgerTest, AfterStateIsDeterministicWhateverTheMapOrder) {
  // Struct is a map: a non-deterministic serialization could order the
  // entries differently, and a state reader's bytes would then not match.
  google::protobuf::Struct reversed = Widget("wid_1", "first", 1, true);
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord a, ledger_->Seal(event_, ""));
  event_.after_state = &reversed;
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord b, ledger_->Seal(event_, ""));
  AuditRecord ra, rb;
  ASSERT_TRUE(ra.ParseFromString(a.record_bytes));
  ASSERT_TRUE(rb.ParseFromString(b.record_bytes));
  EXPECT_EQ(ra.after_state().value(), rb.after_state().value());
  CC_ASSERT_OK_AND_ASSIGN(std::string expected, SerializeDeterministic(state_));
  EXPECT_EQ(ra.after_state().value(), expected);
  // And the stored bytes are one deterministic serialization of the record.
  CC_ASSERT_OK_AND_ASSIGN(std::string again, SerializeDeterministic(ra));
  EXPECT_EQ(again, a.record_bytes);
}

TEST_F(LedgerTest, SignatureManifestationDefaultsItsTimeToTheRecords) {
  SignatureManifestation signature;
  signature.set_user_id("usr_ada");
  signature.set_printed_name("Ada Lovelace");
  signature.set_meaning(SIGNATURE_MEANING_APPROVED);
  event_.action = "widget.approve";
  event_.signature = signature;
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, ""));
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  ASSERT_TRUE(record.has_signature());
  EXPECT_EQ(record.signature().printed_name(), "Ada Lovelace");
  EXPECT_EQ(record.signature().meaning(), SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(record.signature().signed_at().seconds(), 1714979289);
  EXPECT_EQ(record.signature().signed_at().nanos(), 123456000);

  // A time given by the service is kept.
  event_.signature->mutable_signed_at()->set_seconds(1700000000);
  CC_ASSERT_OK_AND_ASSIGN(sealed, ledger_->Seal(event_, ""));
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  EXPECT_EQ(record.signature().signed_at().seconds(), 1700000000);
  EXPECT_EQ(record.signature().signed_at().nanos(), 0);
}

TEST_F(LedgerTest, TimesBefore1970KeepNonNegativeNanos) {
  FixedClock old(absl::FromUnixMicros(-1'500'000));
  CC_ASSERT_OK_AND_ASSIGN(auto key, crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(auto ledger,
                          Ledger::Create("donor", std::move(key), &old));
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger->Seal(event_, ""));
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  EXPECT_EQ(record.recorded_at().seconds(), -2);
  EXPECT_EQ(record.recorded_at().nanos(), 500'000'000);
}

TEST_F(LedgerTest, TheFirstDinIsTheOneIndexedAndAllIdentifiersAreKept) {
  cellchain::audit::v1::Isbt128Identifier code;
  code.set_kind("product_code");
  code.set_value("S1234V00");
  event_.isbt128.insert(event_.isbt128.begin(), code);
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, ""));
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  ASSERT_EQ(record.isbt128_size(), 2);
  EXPECT_EQ(record.isbt128(0).kind(), "product_code");
  EXPECT_EQ(record.isbt128(1).value(), "A999924123456");
}

// --- validation ------------------------------------------------------------

struct BadEvent {
  std::string name;
  std::function<void(Event&)> spoil;
  std::string field;
};

TEST_F(LedgerTest, BadEventsAreRefusedNamingTheField) {
  const std::vector<BadEvent> cases = {
      {"no action", [](Event& e) { e.action = ""; }, "action"},
      {"blank action", [](Event& e) { e.action = "  "; }, "action"},
      {"action without verb", [](Event& e) { e.action = "widget"; }, "action"},
      {"action in CamelCase", [](Event& e) { e.action = "Widget.Create"; },
       "action"},
      {"action with empty segment", [](Event& e) { e.action = "widget..x"; },
       "action"},
      {"no entity type", [](Event& e) { e.entity_type = ""; }, "entity_type"},
      {"entity type not snake_case", [](Event& e) { e.entity_type = "Widget"; },
       "entity_type"},
      {"no entity id", [](Event& e) { e.entity_id = ""; }, "entity_id"},
      {"entity id with NUL",
       [](Event& e) { e.entity_id = std::string("wid\0_1", 6); }, "entity_id"},
      {"no actor user", [](Event& e) { e.actor.clear_user_id(); },
       "actor.user_id"},
      {"no printed name", [](Event& e) { e.actor.set_printed_name(" \t"); },
       "actor.printed_name"},
      {"printed name not UTF-8",
       [](Event& e) { e.actor.set_printed_name("Ada \xc3\x28"); },
       "actor.printed_name"},
      {"role not UTF-8", [](Event& e) { e.actor.set_role("\xed\xa0\x80"); },
       "actor.role"},
      {"no request id", [](Event& e) { e.request_id = ""; }, "request_id"},
      {"short request id", [](Event& e) { e.request_id = "req_1"; },
       "request_id"},
      {"correction without reason",
       [](Event& e) { e.action = "widget.correct"; }, "reason"},
      {"correction with blank reason",
       [](Event& e) {
         e.action = "widget.correct_name";
         e.reason = "\n ";
       },
       "reason"},
      {"reason not UTF-8", [](Event& e) { e.reason = "\xff"; }, "reason"},
      {"no after state", [](Event& e) { e.after_state = nullptr; },
       "after_state"},
      {"identifier without kind", [](Event& e) { e.isbt128[0].clear_kind(); },
       "isbt128[0].kind"},
      {"identifier without value", [](Event& e) { e.isbt128[0].clear_value(); },
       "isbt128[0].value"},
      {"signature without meaning",
       [](Event& e) {
         e.signature.emplace();
         e.signature->set_user_id("usr_ada");
         e.signature->set_printed_name("Ada Lovelace");
       },
       "signature.meaning"},
      {"signature without printed name",
       [](Event& e) {
         e.signature.emplace();
         e.signature->set_user_id("usr_ada");
         e.signature->set_meaning(SIGNATURE_MEANING_APPROVED);
       },
       "signature.printed_name"},
  };
  CC_ASSERT_OK(ValidateEvent(event_));
  for (const BadEvent& c : cases) {
    Event event = event_;
    c.spoil(event);
    absl::Status s = ValidateEvent(event);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name << s;
    EXPECT_EQ(FieldOf(s), c.field) << c.name << ": " << s;
    // Seal (and so Append) applies the same rules.
    EXPECT_EQ(FieldOf(ledger_->Seal(event, "").status()), c.field) << c.name;
  }
}

TEST_F(LedgerTest, CorrectionWithAReasonIsAccepted) {
  event_.action = "widget.correct";
  event_.reason = "name mistyped at receipt";
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, ""));
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  EXPECT_EQ(record.reason(), "name mistyped at receipt");
}

TEST_F(LedgerTest, UnicodeTextIsAccepted) {
  event_.actor.set_printed_name("Zoë Ødegård 李");
  event_.reason = "emoji 🩸 is UTF-8 too";
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord sealed, ledger_->Seal(event_, ""));
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(sealed.record_bytes));
  EXPECT_EQ(record.actor().printed_name(), "Zoë Ødegård 李");
}

}  // namespace
}  // namespace cellchain::ledger
