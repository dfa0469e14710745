#include "services/ledger/note.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"

namespace cellchain::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Known answers from golang.org/x/mod/sumdb/note (note.go package
// documentation and note_test.go).
constexpr char kPeterVkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kPeterSkey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+"
    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kEnochVkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kPeterSig[] =
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNI"
    "uGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr char kEnochSig[] =
    "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiO"
    "Hp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

NoteVerifier Peter() { return NoteVerifier::FromKeyString(kPeterVkey).value(); }
NoteVerifier Enoch() { return NoteVerifier::FromKeyString(kEnochVkey).value(); }

std::string PeterNote() { return absl::StrCat(kText, "\n", kPeterSig); }

void ExpectReason(const absl::Status& status, const char* reason) {
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(ReasonOf(status), reason) << status;
}

// ---------------------------------------------------------------------------
// Keys.

TEST(NoteKeyTest, GoVerifierKey) {
  NoteVerifier peter = Peter();
  EXPECT_EQ(peter.name(), "PeterNeumann");
  EXPECT_EQ(peter.key_id(), 0xc74f20a3u);
  EXPECT_EQ(peter.KeyString(), kPeterVkey);
  EXPECT_EQ(NoteKeyId("PeterNeumann", peter.public_key().Raw()), 0xc74f20a3u);
  EXPECT_EQ(Enoch().key_id(), 0xaf0cfe78u);
  EXPECT_EQ(KeyLabel("PeterNeumann", 0x0000abcd), "PeterNeumann+0000abcd");
}

TEST(NoteKeyTest, GoSignerKeyMatchesVerifierKey) {
  absl::StatusOr<NoteSigner> signer = NoteSigner::FromKeyString(kPeterSkey);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(signer->name(), "PeterNeumann");
  EXPECT_EQ(signer->key_id(), 0xc74f20a3u);
  EXPECT_EQ(signer->verifier().KeyString(), kPeterVkey);
}

// As Go's TestNewVerifier / TestNewSigner: every proper substring and every
// single-byte change of a key string is refused.
TEST(NoteKeyTest, MangledKeysAreRefused) {
  const std::string vkey = kPeterVkey;
  const std::string skey = kPeterSkey;
  for (size_t i = 0; i <= vkey.size(); ++i) {
    for (size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(NoteVerifier::FromKeyString(vkey.substr(i, j - i)).ok())
          << vkey.substr(i, j - i);
    }
  }
  for (size_t i = 0; i <= skey.size(); ++i) {
    for (size_t j = i + 1; j <= skey.size(); ++j) {
      if (i == 0 && j == skey.size()) continue;
      EXPECT_FALSE(NoteSigner::FromKeyString(skey.substr(i, j - i)).ok())
          << skey.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < vkey.size(); ++i) {
    std::string bad = vkey;
    ++bad[i];
    EXPECT_FALSE(NoteVerifier::FromKeyString(bad).ok()) << bad;
  }
  for (size_t i = 0; i < skey.size(); ++i) {
    std::string bad = skey;
    ++bad[i];
    EXPECT_FALSE(NoteSigner::FromKeyString(bad).ok()) << i;
  }
  // Wrong length and unknown algorithm, each with a matching key id.
  absl::StatusOr<NoteVerifier> long_key = NoteVerifier::FromKeyString(
      "PeterNeumann+cc469956+"
      "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==");
  EXPECT_EQ(long_key.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<NoteVerifier> other_alg = NoteVerifier::FromKeyString(
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  EXPECT_THAT(other_alg.status().message(), HasSubstr("unknown algorithm"));
}

TEST(NoteKeyTest, SignerKeyErrorsDoNotQuoteTheKey) {
  std::string bad = kPeterSkey;
  bad[26] = 'X';  // Inside the key id.
  absl::StatusOr<NoteSigner> signer = NoteSigner::FromKeyString(bad);
  ASSERT_FALSE(signer.ok());
  EXPECT_THAT(std::string(signer.status().message()),
              ::testing::Not(HasSubstr("AYEKFALV")));
}

TEST(NoteKeyTest, KeyNames) {
  for (const char* good : {"PeterNeumann", "example.com/log42", "\xC3\xBC"}) {
    EXPECT_TRUE(IsValidKeyName(good)) << good;
  }
  for (const char* bad : {"", "a b", "a+b", "a\tb", "a\nb",
                          "a\x01"
                          "b",
                          "a\xC2\xA0"
                          "b",
                          "a\xE3\x80\x80"
                          "b",
                          "a\xE2\x80\x89"
                          "b",
                          "\xFF", "\xC0\xAF"}) {
    EXPECT_FALSE(IsValidKeyName(bad)) << bad;
  }
  absl::StatusOr<NoteSigner> signer = NoteSigner::Generate("a+b");
  EXPECT_EQ(signer.status().code(), absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Signing and verifying.

TEST(NoteTest, SignReproducesGoNote) {
  NoteSigner signer = NoteSigner::FromKeyString(kPeterSkey).value();
  absl::StatusOr<std::string> note = SignNote(kText, signer);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note, PeterNote());
}

TEST(NoteTest, VerifyAcceptsGoNote) {
  std::vector<NoteVerifier> verifiers = {Peter()};
  absl::StatusOr<VerifiedNote> note = VerifyNote(PeterNote(), verifiers);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->text, kText);
  ASSERT_EQ(note->verified.size(), 1u);
  EXPECT_EQ(note->verified[0].name, "PeterNeumann");
  EXPECT_EQ(note->verified[0].key_id, 0xc74f20a3u);
  EXPECT_EQ(note->verified[0].signature.size(), 64u);
  EXPECT_THAT(note->unverified, IsEmpty());
}

TEST(NoteTest, UnknownKeysAreIgnored) {
  std::string two = absl::StrCat(kText, "\n", kPeterSig, kEnochSig);
  std::vector<NoteVerifier> peter_only = {Peter()};
  absl::StatusOr<VerifiedNote> note = VerifyNote(two, peter_only);
  ASSERT_TRUE(note.ok()) << note.status();
  ASSERT_EQ(note->verified.size(), 1u);
  EXPECT_EQ(note->verified[0].name, "PeterNeumann");
  ASSERT_EQ(note->unverified.size(), 1u);
  EXPECT_EQ(note->unverified[0].name, "EnochRoot");
  EXPECT_EQ(note->unverified[0].key_id, 0xaf0cfe78u);

  std::vector<NoteVerifier> both = {Peter(), Enoch()};
  note = VerifyNote(two, both);
  ASSERT_TRUE(note.ok()) << note.status();
  ASSERT_EQ(note->verified.size(), 2u);
  EXPECT_EQ(note->verified[1].name, "EnochRoot");

  absl::StatusOr<VerifiedNote> none = VerifyNote(two, {});
  ExpectReason(none.status(), kReasonNoteNotSigned);
  EXPECT_THAT(none.status().message(),
              HasSubstr("PeterNeumann+c74f20a3, EnochRoot+af0cfe78"));
}

TEST(NoteTest, DuplicateSignatures) {
  std::string enoch_abcd = kEnochSig;
  enoch_abcd.insert(60, "ABCD");
  std::string note_text = absl::StrCat(kText, "\n", kPeterSig, kPeterSig,
                                       kEnochSig, kEnochSig, enoch_abcd);
  std::vector<NoteVerifier> peter_only = {Peter()};
  absl::StatusOr<VerifiedNote> note = VerifyNote(note_text, peter_only);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->verified.size(), 1u);
  ASSERT_EQ(note->unverified.size(), 2u);
  EXPECT_EQ(note->unverified[0].name, "EnochRoot");
  EXPECT_EQ(note->unverified[1].signature.size(), 67u);
}

TEST(NoteTest, InvalidSignatureRejectsTheNote) {
  std::string bad_sig = kPeterSig;
  bad_sig.insert(60, "ABCD");
  std::vector<NoteVerifier> peter_only = {Peter()};
  absl::StatusOr<VerifiedNote> note =
      VerifyNote(absl::StrCat(kText, "\n", bad_sig), peter_only);
  ExpectReason(note.status(), kReasonNoteSignatureInvalid);
  EXPECT_THAT(note.status().message(), HasSubstr("PeterNeumann+c74f20a3"));

  // A bad signature by a trusted key is fatal even beside a good one.
  note = VerifyNote(absl::StrCat(kText, "\n", kPeterSig, bad_sig), peter_only);
  ExpectReason(note.status(), kReasonNoteSignatureInvalid);
}

TEST(NoteTest, TamperedTextIsRejected) {
  std::vector<NoteVerifier> peter_only = {Peter()};
  const std::string text = kText;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') continue;
    std::string tampered = text;
    tampered[i] = text[i] == 'x' ? 'y' : 'x';
    absl::StatusOr<VerifiedNote> note =
        VerifyNote(absl::StrCat(tampered, "\n", kPeterSig), peter_only);
    ExpectReason(note.status(), kReasonNoteSignatureInvalid);
  }
  // Text appended after the signed text, or a line removed.
  EXPECT_FALSE(
      VerifyNote(absl::StrCat(kText, "more\n\n", kPeterSig), peter_only).ok());
  EXPECT_FALSE(VerifyNote(absl::StrCat("then you don't know what your "
                                       "problem is.\n\n",
                                       kPeterSig),
                          peter_only)
                   .ok());
}

TEST(NoteTest, TamperedSignatureIsRejected) {
  std::vector<NoteVerifier> peter_only = {Peter()};
  const std::string sig = kPeterSig;
  const size_t first = sig.find(' ', 4) + 1;  // The base64 starts here.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = first; i + 2 < sig.size(); ++i) {  // Up to the '='.
    std::string tampered = sig;
    size_t at = alphabet.find(sig[i]);
    tampered[i] = alphabet[(at + 1) % alphabet.size()];
    absl::StatusOr<VerifiedNote> note =
        VerifyNote(absl::StrCat(kText, "\n", tampered), peter_only);
    EXPECT_FALSE(note.ok()) << "byte " << i;
  }
}

TEST(NoteTest, WrongKey) {
  NoteSigner other = NoteSigner::Generate("PeterNeumann").value();
  std::string note = SignNote(kText, other).value();
  std::vector<NoteVerifier> peter_only = {Peter()};
  // Same name, another key: another key id, so the line is not Peter's.
  ExpectReason(VerifyNote(note, peter_only).status(), kReasonNoteNotSigned);
  std::vector<NoteVerifier> other_only = {other.verifier()};
  EXPECT_TRUE(VerifyNote(note, other_only).ok());
  ExpectReason(VerifyNote(PeterNote(), other_only).status(),
               kReasonNoteNotSigned);
}

TEST(NoteTest, MalformedNotes) {
  std::vector<NoteVerifier> peter_only = {Peter()};
  std::string sig = kPeterSig;
  const std::pair<std::string, const char*> cases[] = {
      {kText, "no blank line"},
      {absl::StrCat(kText, "\n"), "no signature line"},
      {absl::StrCat(kText, "\n", sig.substr(0, sig.size() - 1)),
       "does not end in a newline"},
      {absl::StrCat("\x01", kText, "\n", sig), "control character 0x01"},
      {absl::StrCat("\xFF", kText, "\n", sig), "not valid UTF-8"},
      {absl::StrCat(kText, "\r\n", sig), "control character 0x0d"},
      {absl::StrCat(
           kText, "\n",
           "\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8"
           "pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"),
       "not valid base64"},
      {absl::StrCat(kText, "\n", sig, "Unexpected line.\n"),
       "line 2 does not start with an em dash"},
      {absl::StrCat(kText, "\n", "-- PeterNeumann AAAAAAA=\n"), "em dash"},
      {absl::StrCat(kText, "\n", "\xE2\x80\x94 PeterNeumann\n"),
       "<base64 signature>"},
      {absl::StrCat(kText, "\n", "\xE2\x80\x94 a+b AAAAAAA=\n"),
       "invalid key name"},
      {absl::StrCat(kText, "\n", "\xE2\x80\x94 PeterNeumann AAAA\n"),
       "3 bytes"},
      {absl::StrCat(kText, "\n", "\xE2\x80\x94 PeterNeumann AAAAAA==\n"),
       "4 bytes"},
      {absl::StrCat(kText, "\n", "\xE2\x80\x94 PeterNeumann AAAAAAB=\n"),
       "not valid base64"},  // Non-canonical padding bits.
  };
  for (const auto& [note, want] : cases) {
    absl::StatusOr<VerifiedNote> result = VerifyNote(note, peter_only);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << note;
    EXPECT_THAT(result.status().message(), HasSubstr(want)) << note;
  }
}

TEST(NoteTest, SignatureCountLimit) {
  std::vector<NoteVerifier> peter_only = {Peter()};
  std::string many = absl::StrCat(kText, "\n");
  for (int i = 0; i < 100; ++i) many += kPeterSig;
  EXPECT_TRUE(VerifyNote(many, peter_only).ok());
  many += kPeterSig;
  absl::StatusOr<VerifiedNote> note = VerifyNote(many, peter_only);
  EXPECT_EQ(note.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(note.status().message(), HasSubstr("more than 100"));
}

TEST(NoteTest, SignRefusesBadText) {
  NoteSigner signer = NoteSigner::FromKeyString(kPeterSkey).value();
  for (const char* bad : {"", "abc", "a\x01\n", "\xFF\n", "a\r\n"}) {
    EXPECT_EQ(SignNote(bad, signer).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(SignNote("a\n", std::vector<const NoteSigner*>{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NoteTest, RoundTripWithBlankLinesAndSeveralSigners) {
  NoteSigner a = NoteSigner::Generate("log.example/a").value();
  NoteSigner b = NoteSigner::Generate("witness.example/b").value();
  const std::string text = "first\n\nthird, after a blank line\n\n";
  absl::StatusOr<std::string> note = SignNote(text, {&a, &b});
  ASSERT_TRUE(note.ok()) << note.status();
  std::vector<NoteVerifier> verifiers = {b.verifier(), a.verifier()};
  absl::StatusOr<VerifiedNote> verified = VerifyNote(*note, verifiers);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->text, text);
  ASSERT_EQ(verified->verified.size(), 2u);
  EXPECT_EQ(verified->verified[0].name, "log.example/a");  // Note order.
  EXPECT_EQ(verified->verified[1].name, "witness.example/b");

  // Round trip of the verifier key string of a generated key.
  absl::StatusOr<NoteVerifier> parsed =
      NoteVerifier::FromKeyString(a.verifier().KeyString());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->public_key().Raw(), a.verifier().public_key().Raw());
}

// ---------------------------------------------------------------------------
// Checkpoints.

// The example of c2sp.org/tlog-checkpoint.
constexpr char kSpecCheckpoint[] =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

TEST(CheckpointTest, ParsesSpecExample) {
  absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(kSpecCheckpoint);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(checkpoint->size, 20852163u);
  EXPECT_EQ(crypto::Base64Encode(HashBytes(checkpoint->root)),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_THAT(checkpoint->extensions, IsEmpty());
  EXPECT_EQ(FormatCheckpoint(*checkpoint).value(), kSpecCheckpoint);
}

TEST(CheckpointTest, RoundTripWithExtensions) {
  Checkpoint checkpoint;
  checkpoint.origin = "audit.cellchain.example/ledger";
  checkpoint.size = 18446744073709551615u;
  checkpoint.root = LeafHash("x");
  checkpoint.extensions = {"Timestamp: 1700000000", "\xC3\xBC"};
  std::string text = FormatCheckpoint(checkpoint).value();
  EXPECT_THAT(text, HasSubstr("\n18446744073709551615\n"));
  EXPECT_EQ(ParseCheckpoint(text).value(), checkpoint);
  checkpoint.size = 0;
  EXPECT_EQ(ParseCheckpoint(FormatCheckpoint(checkpoint).value()).value(),
            checkpoint);
}

TEST(CheckpointTest, RejectsMalformed) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  const std::pair<std::string, const char*> cases[] = {
      {"o\n1\n" + root, "newline"},
      {"o\n1\n", "at least 3 lines"},
      {"\n1\n" + root + "\n", "origin is empty"},
      {"o\n01\n" + root + "\n", "size"},
      {"o\n-1\n" + root + "\n", "size"},
      {"o\n+1\n" + root + "\n", "size"},
      {"o\n 1\n" + root + "\n", "size"},
      {"o\n\n" + root + "\n", "size"},
      {"o\n0x10\n" + root + "\n", "size"},
      {"o\n18446744073709551616\n" + root + "\n", "size"},
      {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", "32 bytes"},
      {"o\n1\n" + root.substr(1) + "\n", "base64"},
      {"o\n1\n" + root + "\n\n", "extension line 1 is empty"},
  };
  for (const auto& [text, want] : cases) {
    absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(text);
    EXPECT_EQ(checkpoint.status().code(), absl::StatusCode::kInvalidArgument)
        << text;
    EXPECT_THAT(checkpoint.status().message(), HasSubstr(want)) << text;
  }
  Checkpoint bad;
  bad.origin = "has space";
  EXPECT_EQ(FormatCheckpoint(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad.origin = "ok";
  bad.extensions = {""};
  EXPECT_EQ(FormatCheckpoint(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad.extensions = {"two\nlines"};
  EXPECT_EQ(FormatCheckpoint(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckpointTest, SignAndVerify) {
  NoteSigner log =
      NoteSigner::Generate("audit.cellchain.example/ledger").value();
  Checkpoint checkpoint;
  checkpoint.origin = log.name();
  checkpoint.size = 12345;
  checkpoint.root = LeafHash("root");
  std::string note = SignCheckpoint(checkpoint, log).value();
  std::vector<NoteVerifier> verifiers = {log.verifier()};

  absl::StatusOr<Checkpoint> verified =
      VerifyCheckpoint(note, log.name(), verifiers);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified, checkpoint);

  ExpectReason(VerifyCheckpoint(note, "other.example/log", verifiers).status(),
               kReasonCheckpointOriginMismatch);

  std::string bigger = note;
  bigger.replace(bigger.find("12345"), 5, "12346");
  ExpectReason(VerifyCheckpoint(bigger, log.name(), verifiers).status(),
               kReasonNoteSignatureInvalid);

  std::vector<NoteVerifier> strangers = {Peter()};
  ExpectReason(VerifyCheckpoint(note, log.name(), strangers).status(),
               kReasonNoteNotSigned);
}

}  // namespace
}  // namespace cellchain::ledger
