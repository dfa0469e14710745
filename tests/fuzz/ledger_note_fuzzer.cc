// Fuzz target: signed notes, checkpoints and key strings as QA's laptop and
// cellchain-verify receive them (services/ledger/note.h). Besides "no
// crash", it checks:
//   - ParseNote refuses with INVALID_ARGUMENT only, and what it accepts is
//     exactly its text, a blank line and its signature lines written back
//     (base64 is strict, so a note has one spelling);
//   - VerifyNote refuses with INVALID_ARGUMENT or FAILED_PRECONDITION only,
//     agrees with ParseNote on what is malformed, and vouches only for
//     signatures by the keys it was given;
//   - a checkpoint that parses formats back to the same text (when its
//     origin can name a key), and VerifyCheckpoint only returns checkpoints
//     of the origin asked for;
//   - a verifier or signer key string that parses gives a key that reads
//     back from its own string, and a signer's notes verify with its
//     verifier.
// The trusted keys are the note package's documented keys and the key of
// the test log that signed the seed checkpoints (services/ledger/testdata).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/crypto/encoding.h"
#include "services/ledger/note.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace ledger = cellchain::ledger;

constexpr std::string_view kOrigin = "cellchain.test/ledger";

const std::vector<ledger::NoteVerifier>& Verifiers() {
  static const std::vector<ledger::NoteVerifier>* verifiers = [] {
    auto* v = new std::vector<ledger::NoteVerifier>;
    for (const char* key :
         {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
          "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
          "cellchain.test/ledger+48d73b7c+"
          "AR5aoKkwddXfUXZdB2bI4UaiZTHF+XxgfyAf4EpqpZR2"}) {
      absl::StatusOr<ledger::NoteVerifier> verifier =
          ledger::NoteVerifier::FromKeyString(key);
      FUZZ_CHECK(verifier.ok(), "the fixed verifier keys parse");
      v->push_back(*verifier);
    }
    return v;
  }();
  return *verifiers;
}

bool IsTrusted(const ledger::NoteSignature& signature) {
  for (const ledger::NoteVerifier& verifier : Verifiers()) {
    if (verifier.name() == signature.name &&
        verifier.key_id() == signature.key_id) {
      return true;
    }
  }
  return false;
}

// The signature line ParseNote read, as a signer writes it.
std::string SignatureLine(const ledger::NoteSignature& signature) {
  std::string bytes;
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((signature.key_id >> shift) & 0xFF));
  }
  bytes += signature.signature;
  return "\xE2\x80\x94 " + signature.name + " " +
         cellchain::crypto::Base64Encode(bytes) + "\n";
}

void CheckCheckpointText(std::string_view text) {
  absl::StatusOr<ledger::Checkpoint> checkpoint = ledger::ParseCheckpoint(text);
  if (!checkpoint.ok()) {
    FUZZ_CHECK(checkpoint.status().code() == absl::StatusCode::kInvalidArgument,
               "ParseCheckpoint refuses with INVALID_ARGUMENT");
    return;
  }
  absl::StatusOr<std::string> formatted = ledger::FormatCheckpoint(*checkpoint);
  if (formatted.ok()) {
    FUZZ_CHECK(*formatted == text, "a checkpoint formats back to its text");
  }
}

void CheckNote(std::string_view input) {
  absl::StatusOr<ledger::Note> note = ledger::ParseNote(input);
  absl::StatusOr<ledger::VerifiedNote> verified =
      ledger::VerifyNote(input, Verifiers());
  if (!note.ok()) {
    FUZZ_CHECK(note.status().code() == absl::StatusCode::kInvalidArgument,
               "ParseNote refuses with INVALID_ARGUMENT");
    FUZZ_CHECK(!verified.ok() && verified.status().code() ==
                                     absl::StatusCode::kInvalidArgument,
               "VerifyNote refuses what ParseNote refuses, the same way");
    return;
  }
  FUZZ_CHECK(!note->signatures.empty() &&
                 note->signatures.size() <= ledger::kMaxNoteSignatures,
             "a note has 1 to kMaxNoteSignatures signatures");
  std::string rebuilt = note->text + "\n";
  for (const ledger::NoteSignature& signature : note->signatures) {
    rebuilt += SignatureLine(signature);
  }
  FUZZ_CHECK(rebuilt == input, "a note is its text and signature lines");
  CheckCheckpointText(note->text);

  if (!verified.ok()) {
    FUZZ_CHECK(
        verified.status().code() == absl::StatusCode::kInvalidArgument ||
            verified.status().code() == absl::StatusCode::kFailedPrecondition,
        "VerifyNote refuses with INVALID_ARGUMENT or "
        "FAILED_PRECONDITION");
    return;
  }
  FUZZ_CHECK(verified->text == note->text, "VerifyNote returns the note text");
  FUZZ_CHECK(!verified->verified.empty(), "a verified note has a signature");
  for (const ledger::NoteSignature& signature : verified->verified) {
    FUZZ_CHECK(IsTrusted(signature), "only trusted keys' signatures verify");
  }
  absl::StatusOr<ledger::Checkpoint> checkpoint =
      ledger::VerifyCheckpoint(input, kOrigin, Verifiers());
  if (checkpoint.ok()) {
    FUZZ_CHECK(checkpoint->origin == kOrigin,
               "VerifyCheckpoint returns the origin asked for");
  }
}

void CheckKeyStrings(std::string_view input) {
  absl::StatusOr<ledger::NoteVerifier> verifier =
      ledger::NoteVerifier::FromKeyString(input);
  if (verifier.ok()) {
    absl::StatusOr<ledger::NoteVerifier> again =
        ledger::NoteVerifier::FromKeyString(verifier->KeyString());
    FUZZ_CHECK(again.ok() && again->name() == verifier->name() &&
                   again->key_id() == verifier->key_id() &&
                   again->KeyString() == verifier->KeyString(),
               "a verifier key reads back from its own string");
  } else {
    FUZZ_CHECK(verifier.status().code() == absl::StatusCode::kInvalidArgument,
               "a bad verifier key is INVALID_ARGUMENT");
  }
  absl::StatusOr<ledger::NoteSigner> signer =
      ledger::NoteSigner::FromKeyString(input);
  if (!signer.ok()) {
    FUZZ_CHECK(signer.status().code() == absl::StatusCode::kInvalidArgument,
               "a bad signer key is INVALID_ARGUMENT");
    return;
  }
  absl::StatusOr<std::string> signed_note = ledger::SignNote("fuzz\n", *signer);
  FUZZ_CHECK(signed_note.ok(), "a parsed signer signs");
  std::vector<ledger::NoteVerifier> own = {signer->verifier()};
  FUZZ_CHECK(ledger::VerifyNote(*signed_note, own).ok(),
             "a signer's note verifies with its verifier");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckNote(input);
  CheckCheckpointText(input);
  CheckKeyStrings(input);
  return 0;
}
