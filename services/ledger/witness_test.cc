#include "services/ledger/witness.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/verifier_testing.h"

namespace cellchain::ledger {
namespace {

using ::testing::HasSubstr;

constexpr char kOrigin[] = "cellchain.test/witness";

// A log of `n` distinct leaves (prefix i) and its signer.
class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey key,
                            crypto::Ed25519PrivateKey::Generate());
    CC_ASSERT_OK_AND_ASSIGN(signer_, NoteSigner::Create(kOrigin, std::move(key)));
    for (int i = 0; i < 9; ++i) leaves_.push_back(LeafHash(absl::StrCat("r", i)));
  }

  // Signed by `signers`, or by signer_ when none are given.
  std::string Note(uint64_t size, const std::vector<Hash>& leaves,
                   std::vector<const NoteSigner*> signers = {}) {
    Checkpoint checkpoint;
    checkpoint.origin = kOrigin;
    checkpoint.size = size;
    checkpoint.root = RootOf(std::span<const Hash>(leaves.data(), size));
    if (signers.empty()) signers.push_back(&*signer_);
    absl::StatusOr<std::string> text = FormatCheckpoint(checkpoint);
    EXPECT_TRUE(text.ok()) << text.status();
    absl::StatusOr<std::string> note = SignNote(text.value_or(""), signers);
    EXPECT_TRUE(note.ok()) << note.status();
    return note.value_or("");
  }

  std::vector<Hash> Proof(uint64_t size1, uint64_t size2) {
    testing::InMemoryTree tree(std::vector<Hash>(leaves_.begin(),
                                                 leaves_.begin() + size2));
    absl::StatusOr<std::vector<Hash>> proof =
        ConsistencyProof(size1, size2, tree.Source());
    EXPECT_TRUE(proof.ok()) << proof.status();
    return proof.value_or(std::vector<Hash>{});
  }

  std::string Key() const { return signer_->verifier().KeyString(); }

  std::optional<NoteSigner> signer_;
  std::vector<Hash> leaves_;
};

TEST_F(WitnessTest, FirstContactPinsTheKeyAndAGrowingLogAdvances) {
  CC_ASSERT_OK_AND_ASSIGN(Witnessed first,
                          Advance(std::nullopt, Key(), Note(3, leaves_), {}));
  EXPECT_EQ(first.verifier_keys, std::vector<std::string>{Key()});
  EXPECT_EQ(first.checkpoint.size, 3u);
  CC_ASSERT_OK_AND_ASSIGN(Witnessed next,
                          Advance(first, "", Note(7, leaves_), Proof(3, 7)));
  EXPECT_EQ(next.checkpoint.size, 7u);
  // The same checkpoint again needs no proof.
  CC_EXPECT_OK(Advance(next, "", Note(7, leaves_), {}).status());
}

TEST_F(WitnessTest, ALogShorterThanSeenIsTruncation) {
  CC_ASSERT_OK_AND_ASSIGN(Witnessed seen,
                          Advance(std::nullopt, Key(), Note(7, leaves_), {}));
  absl::Status truncated = Advance(seen, "", Note(5, leaves_), {}).status();
  EXPECT_EQ(truncated.code(), absl::StatusCode::kDataLoss) << truncated;
  EXPECT_EQ(ReasonOf(truncated), kReasonLogTruncated);
  EXPECT_THAT(truncated.message(), HasSubstr("5 records, fewer than the 7"));
}

TEST_F(WitnessTest, ARewrittenLogIsAFork) {
  CC_ASSERT_OK_AND_ASSIGN(Witnessed seen,
                          Advance(std::nullopt, Key(), Note(5, leaves_), {}));
  // Record 2 replaced, everything re-hashed and re-signed with the real key.
  std::vector<Hash> rewritten = leaves_;
  rewritten[2] = LeafHash("forged");
  absl::Status same_size = Advance(seen, "", Note(5, rewritten), {}).status();
  EXPECT_EQ(ReasonOf(same_size), kReasonLogForked) << same_size;
  testing::InMemoryTree tree(
      std::vector<Hash>(rewritten.begin(), rewritten.begin() + 8));
  CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                          ConsistencyProof(5, 8, tree.Source()));
  absl::Status longer = Advance(seen, "", Note(8, rewritten), proof).status();
  EXPECT_EQ(longer.code(), absl::StatusCode::kDataLoss) << longer;
  EXPECT_EQ(ReasonOf(longer), kReasonLogForked);
}

TEST_F(WitnessTest, ACheckpointByAnotherKeyIsRefusedEvenIfTheServerOffersIt) {
  CC_ASSERT_OK_AND_ASSIGN(Witnessed seen,
                          Advance(std::nullopt, Key(), Note(3, leaves_), {}));
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey other_key,
                          crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(NoteSigner other,
                          NoteSigner::Create(kOrigin, std::move(other_key)));
  Checkpoint checkpoint;
  checkpoint.origin = kOrigin;
  checkpoint.size = 3;
  checkpoint.root = RootOf(std::span<const Hash>(leaves_.data(), 3));
  CC_ASSERT_OK_AND_ASSIGN(std::string note, SignCheckpoint(checkpoint, other));
  absl::Status refused =
      Advance(seen, other.verifier().KeyString(), note, {}).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("pinned at first contact"));
}

TEST_F(WitnessTest, TheSavedFileReadsBackAndAnEditedOneIsRefused) {
  CC_ASSERT_OK_AND_ASSIGN(Witnessed seen,
                          Advance(std::nullopt, Key(), Note(4, leaves_), {}));
  std::string text = FormatWitnessed(seen);
  CC_ASSERT_OK_AND_ASSIGN(Witnessed read, ParseWitnessed(text));
  EXPECT_EQ(read.checkpoint, seen.checkpoint);
  EXPECT_EQ(read.verifier_keys, std::vector<std::string>{Key()});
  // Someone lowers the size they saw, to hide a truncation.
  size_t at = text.find("\n4\n");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 3, "\n2\n");
  absl::Status edited = ParseWitnessed(text).status();
  EXPECT_EQ(edited.code(), absl::StatusCode::kInvalidArgument) << edited;
  EXPECT_FALSE(ParseWitnessed("no key line").ok());
}

// A rotation of the log's checkpoint key (decision 0021): checkpoints signed
// by the old and the new key, then by the new one alone. A memory that pins
// the old key follows the transition, is refused after it unless the new key
// was pinned by the explicit step, and drops the old key once the log signs
// with the new one. Consistency is checked across the change throughout.
TEST_F(WitnessTest, ARotatedCheckpointKeyIsPinnedByAnExplicitStep) {
  CC_ASSERT_OK_AND_ASSIGN(NoteSigner next, NoteSigner::Generate(kOrigin));
  const std::string new_key = next.verifier().KeyString();
  const NoteSigner* old_signer = &*signer_;
  CC_ASSERT_OK_AND_ASSIGN(Witnessed seen,
                          Advance(std::nullopt, Key(), Note(3, leaves_), {}));
  // The transition: both keys sign; the old pin accepts it.
  const std::string both = Note(5, leaves_, {old_signer, &next});
  CC_ASSERT_OK_AND_ASSIGN(Witnessed transition,
                          Advance(seen, "", both, Proof(3, 5)));
  // The old key cannot be dropped before another is pinned.
  EXPECT_EQ(Unpin(transition, Key()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A key the log does not sign with is not pinned.
  CC_ASSERT_OK_AND_ASSIGN(NoteSigner stranger, NoteSigner::Generate(kOrigin));
  absl::Status wrong =
      AdvancePinning(transition, stranger.verifier().KeyString(), both, {})
          .status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kFailedPrecondition) << wrong;
  EXPECT_THAT(wrong.message(), HasSubstr("carries no valid signature by"));
  CC_ASSERT_OK_AND_ASSIGN(Witnessed pinned,
                          AdvancePinning(transition, new_key, both, {}));
  EXPECT_EQ(pinned.verifier_keys, (std::vector<std::string>{Key(), new_key}));
  CC_ASSERT_OK_AND_ASSIGN(Witnessed read, ParseWitnessed(FormatWitnessed(pinned)));
  EXPECT_EQ(read.verifier_keys, pinned.verifier_keys);

  // The old key retired: the new one signs alone.
  const std::string new_only = Note(7, leaves_, {&next});
  absl::Status missed = Advance(transition, "", new_only, Proof(5, 7)).status();
  EXPECT_EQ(missed.code(), absl::StatusCode::kFailedPrecondition) << missed;
  EXPECT_THAT(missed.message(), HasSubstr("no signature by a trusted key"));
  CC_ASSERT_OK_AND_ASSIGN(Witnessed after,
                          Advance(pinned, "", new_only, Proof(5, 7)));
  CC_ASSERT_OK_AND_ASSIGN(Witnessed dropped, Unpin(after, Key()));
  EXPECT_EQ(dropped.verifier_keys, std::vector<std::string>{new_key});
  EXPECT_EQ(Unpin(dropped, Key()).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // A memory that missed the step pins the new key late, and the proof from
  // its old-key checkpoint must still hold.
  CC_ASSERT_OK(
      AdvancePinning(transition, new_key, new_only, Proof(5, 7)).status());
  std::vector<Hash> rewritten = leaves_;
  rewritten[1] = LeafHash("forged");
  testing::InMemoryTree tree(
      std::vector<Hash>(rewritten.begin(), rewritten.begin() + 7));
  CC_ASSERT_OK_AND_ASSIGN(std::vector<Hash> forged_proof,
                          ConsistencyProof(5, 7, tree.Source()));
  absl::Status forked =
      AdvancePinning(transition, new_key, Note(7, rewritten, {&next}),
                     forged_proof)
          .status();
  EXPECT_EQ(ReasonOf(forked), kReasonLogForked) << forked;
}

}  // namespace
}  // namespace cellchain::ledger
