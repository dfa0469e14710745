#include "services/ledger/witness.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"

namespace cellchain::ledger {
namespace {

constexpr char kKeyPrefix[] = "vkey ";
constexpr size_t kKeyPrefixSize = sizeof(kKeyPrefix) - 1;

absl::StatusOr<Checkpoint> CheckNote(std::string_view note,
                                     const NoteVerifier& verifier) {
  std::vector<NoteVerifier> verifiers = {verifier};
  CC_ASSIGN_OR_RETURN(VerifiedNote verified, VerifyNote(note, verifiers));
  return ParseCheckpoint(verified.text);
}

absl::Status DataLoss(std::string_view reason, std::string message) {
  return WithReason(absl::DataLossError(message), reason);
}

}  // namespace

std::string FormatWitnessed(const Witnessed& witnessed) {
  return absl::StrCat(kKeyPrefix, witnessed.verifier_key, "\n", witnessed.note);
}

absl::StatusOr<Witnessed> ParseWitnessed(std::string_view text) {
  size_t newline = text.find('\n');
  if (!text.starts_with(kKeyPrefix) || newline == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "a saved checkpoint starts with a \"vkey <key>\" line");
  }
  Witnessed witnessed;
  witnessed.verifier_key =
      std::string(text.substr(kKeyPrefixSize, newline - kKeyPrefixSize));
  witnessed.note = std::string(text.substr(newline + 1));
  CC_ASSIGN_OR_RETURN(NoteVerifier verifier,
                      NoteVerifier::FromKeyString(witnessed.verifier_key));
  absl::StatusOr<Checkpoint> checkpoint = CheckNote(witnessed.note, verifier);
  if (!checkpoint.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the saved checkpoint does not verify with its key: ",
                     checkpoint.status().message()));
  }
  witnessed.checkpoint = *std::move(checkpoint);
  return witnessed;
}

absl::StatusOr<Witnessed> Advance(const std::optional<Witnessed>& seen,
                                  std::string_view offered_key,
                                  std::string_view latest_note,
                                  std::span<const Hash> proof) {
  Witnessed next;
  next.verifier_key =
      seen.has_value() ? seen->verifier_key : std::string(offered_key);
  next.note = std::string(latest_note);
  CC_ASSIGN_OR_RETURN(NoteVerifier verifier,
                      NoteVerifier::FromKeyString(next.verifier_key));
  absl::StatusOr<Checkpoint> latest = CheckNote(latest_note, verifier);
  if (!latest.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the log's checkpoint does not verify with the key pinned at first "
        "contact (",
        next.verifier_key, "): ", latest.status().message()));
  }
  next.checkpoint = *std::move(latest);
  if (!seen.has_value()) return next;
  const Checkpoint& before = seen->checkpoint;
  if (next.checkpoint.origin != before.origin) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the log is \"", next.checkpoint.origin,
        "\", the checkpoint seen before is of \"", before.origin, "\""));
  }
  if (next.checkpoint.size < before.size) {
    return DataLoss(
        kReasonLogTruncated,
        absl::StrCat("the log's latest checkpoint has ", next.checkpoint.size,
                     " records, fewer than the ", before.size,
                     " of a checkpoint seen before: records were deleted"));
  }
  if (next.checkpoint.size == before.size) {
    if (next.checkpoint.root != before.root) {
      return DataLoss(kReasonLogForked,
                      absl::StrCat("two checkpoints of size ", before.size,
                                   " with different roots: the log was "
                                   "rewritten"));
    }
    return next;
  }
  if (before.size > 0) {
    absl::Status consistent =
        VerifyConsistency(before.size, next.checkpoint.size, proof, before.root,
                          next.checkpoint.root);
    if (!consistent.ok()) {
      return DataLoss(
          kReasonLogForked,
          absl::StrCat("the log of ", next.checkpoint.size,
                       " records does not extend the checkpoint of ",
                       before.size, " seen before: ", consistent.message()));
    }
  }
  return next;
}

}  // namespace cellchain::ledger
