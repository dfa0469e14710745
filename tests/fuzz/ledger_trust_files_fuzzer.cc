// Fuzz target: the files a verifier trusts and remembers, and what it is
// offered against them (services/ledger/keyring.h, witness.h): QA's keyring
// of record-signing keys (cellchain-verify --keyring, the sequencer, the
// audit service), a client's saved checkpoint ("vkey <key>" then a signed
// note), and Advance, which checks the log's latest checkpoint and a
// consistency proof from the server against the saved one. The input is up
// to three parts, each ending with a line "~~~": the file (read both as a
// keyring and as a saved checkpoint), the latest note, the proof's hashes
// in hex, one a line. Besides "no crash", it checks:
//   - Keyring::Parse refuses with INVALID_ARGUMENT only, and
//     Parse(Format()) gives the same keys, each trusted under its own id;
//   - a saved checkpoint that parses formats back to itself;
//   - Advance answers with its documented codes, never moves to a smaller
//     tree, keeps the pinned key, and what it returns is a saved checkpoint
//     that parses back.
// The offered key is the test log's (services/ledger/testdata), so its
// checkpoints 4 and 9 and the proof between them, the seed, advance.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/ledger/keyring.h"
#include "services/ledger/merkle.h"
#include "services/ledger/witness.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace ledger = cellchain::ledger;

constexpr std::string_view kTestLogKey =
    "cellchain.test/ledger+48d73b7c+"
    "AR5aoKkwddXfUXZdB2bI4UaiZTHF+XxgfyAf4EpqpZR2";

// Up to three parts; each but the last ends where a line "~~~" starts.
std::vector<std::string_view> Parts(std::string_view input) {
  std::vector<std::string_view> parts;
  while (parts.size() < 2) {
    size_t end = input.find("\n~~~\n");
    if (end == std::string_view::npos) break;
    parts.push_back(input.substr(0, end + 1));
    input.remove_prefix(end + 5);
  }
  parts.push_back(input);
  parts.resize(3);
  return parts;
}

void CheckKeyring(std::string_view text) {
  absl::StatusOr<ledger::Keyring> keyring = ledger::Keyring::Parse(text);
  if (!keyring.ok()) {
    FUZZ_CHECK(keyring.status().code() == absl::StatusCode::kInvalidArgument,
               "Keyring::Parse refuses with INVALID_ARGUMENT");
    return;
  }
  absl::StatusOr<ledger::Keyring> again =
      ledger::Keyring::Parse(keyring->Format());
  FUZZ_CHECK(again.ok() && again->keys().size() == keyring->keys().size(),
             "Parse(Format()) gives the same keyring");
  for (size_t i = 0; i < keyring->keys().size(); ++i) {
    const ledger::TrustedKey& key = keyring->keys()[i];
    const ledger::TrustedKey& read = again->keys()[i];
    FUZZ_CHECK(read.key_id == key.key_id && read.service == key.service &&
                   read.public_key == key.public_key,
               "Parse(Format()) gives the same keys in the same order");
    FUZZ_CHECK(keyring->Trusts(key.key_id, key.public_key),
               "a listed key is trusted under its id");
    FUZZ_CHECK(key.key_id.starts_with(key.service + ":"),
               "a key id names its service");
  }
}

std::optional<ledger::Witnessed> CheckSaved(std::string_view text) {
  absl::StatusOr<ledger::Witnessed> saved = ledger::ParseWitnessed(text);
  if (!saved.ok()) {
    FUZZ_CHECK(saved.status().code() == absl::StatusCode::kInvalidArgument,
               "ParseWitnessed refuses with INVALID_ARGUMENT");
    return std::nullopt;
  }
  FUZZ_CHECK(ledger::FormatWitnessed(*saved) == text,
             "a saved checkpoint formats back to itself");
  return *saved;
}

std::vector<ledger::Hash> Proof(std::string_view text) {
  std::vector<ledger::Hash> proof;
  while (!text.empty() && proof.size() < 70) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    absl::StatusOr<ledger::Hash> hash = ledger::HashFromHex(line);
    if (hash.ok()) proof.push_back(*hash);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return proof;
}

void CheckAdvance(const std::optional<ledger::Witnessed>& seen,
                  std::string_view latest, std::string_view proof_text) {
  std::vector<ledger::Hash> proof = Proof(proof_text);
  absl::StatusOr<ledger::Witnessed> next =
      ledger::Advance(seen, kTestLogKey, latest, proof);
  if (!next.ok()) {
    absl::StatusCode code = next.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument ||
                   code == absl::StatusCode::kFailedPrecondition ||
                   code == absl::StatusCode::kDataLoss,
               "Advance refuses with INVALID_ARGUMENT, FAILED_PRECONDITION "
               "or DATA_LOSS");
    return;
  }
  if (seen.has_value()) {
    FUZZ_CHECK(next->verifier_keys == seen->verifier_keys,
               "Advance keeps the pinned keys");
    FUZZ_CHECK(next->checkpoint.size >= seen->checkpoint.size,
               "Advance never moves to a smaller tree");
    if (next->checkpoint.size == seen->checkpoint.size) {
      FUZZ_CHECK(next->checkpoint.root == seen->checkpoint.root,
                 "the same size keeps the same root");
    }
  }
  absl::StatusOr<ledger::Witnessed> saved =
      ledger::ParseWitnessed(ledger::FormatWitnessed(*next));
  FUZZ_CHECK(saved.ok() && saved->checkpoint == next->checkpoint,
             "what Advance returns can be saved and read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string_view> parts =
      Parts(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckKeyring(parts[0]);
  std::optional<ledger::Witnessed> seen = CheckSaved(parts[0]);
  CheckAdvance(seen, parts[1], parts[2]);
  return 0;
}
