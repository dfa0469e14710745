#include "services/ledger/witness.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status/status.h"

namespace cellchain::ledger {
namespace {

constexpr char kKeyPrefix[] = "vkey ";
constexpr size_t kKeyPrefixSize = sizeof(kKeyPrefix) - 1;

absl::StatusOr<std::vector<NoteVerifier>> Verifiers(
    const std::vector<std::string>& keys) {
  std::vector<NoteVerifier> verifiers;
  for (const std::string& key : keys) {
    CC_ASSIGN_OR_RETURN(NoteVerifier verifier, NoteVerifier::FromKeyString(key));
    verifiers.push_back(std::move(verifier));
  }
  return verifiers;
}

absl::StatusOr<Checkpoint> CheckNote(std::string_view note,
                                     std::span<const NoteVerifier> verifiers) {
  CC_ASSIGN_OR_RETURN(VerifiedNote verified, VerifyNote(note, verifiers));
  return ParseCheckpoint(verified.text);
}

// Where `key` (a canonical key string) is among `keys`, compared by their
// canonical form; keys.end() when it is not.
std::vector<std::string>::iterator Find(std::vector<std::string>& keys,
                                        const std::string& key) {
  return std::find_if(keys.begin(), keys.end(), [&](const std::string& k) {
    absl::StatusOr<NoteVerifier> verifier = NoteVerifier::FromKeyString(k);
    return verifier.ok() && verifier->KeyString() == key;
  });
}

absl::Status DataLoss(std::string_view reason, std::string message) {
  return WithReason(absl::DataLossError(message), reason);
}

}  // namespace

std::string FormatWitnessed(const Witnessed& witnessed) {
  std::string text;
  for (const std::string& key : witnessed.verifier_keys) {
    absl::StrAppend(&text, kKeyPrefix, key, "\n");
  }
  return absl::StrCat(text, witnessed.note);
}

absl::StatusOr<Witnessed> ParseWitnessed(std::string_view text) {
  Witnessed witnessed;
  for (size_t newline = text.find('\n');
       text.starts_with(kKeyPrefix) && newline != std::string_view::npos;
       newline = text.find('\n')) {
    witnessed.verifier_keys.emplace_back(
        text.substr(kKeyPrefixSize, newline - kKeyPrefixSize));
    text.remove_prefix(newline + 1);
  }
  if (witnessed.verifier_keys.empty()) {
    return absl::InvalidArgumentError(
        "a saved checkpoint starts with a \"vkey <key>\" line");
  }
  witnessed.note = std::string(text);
  CC_ASSIGN_OR_RETURN(std::vector<NoteVerifier> verifiers,
                      Verifiers(witnessed.verifier_keys));
  absl::StatusOr<Checkpoint> checkpoint = CheckNote(witnessed.note, verifiers);
  if (!checkpoint.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the saved checkpoint does not verify with its keys: ",
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
  next.verifier_keys = seen.has_value()
                           ? seen->verifier_keys
                           : std::vector<std::string>{std::string(offered_key)};
  next.note = std::string(latest_note);
  CC_ASSIGN_OR_RETURN(std::vector<NoteVerifier> verifiers,
                      Verifiers(next.verifier_keys));
  absl::StatusOr<Checkpoint> latest = CheckNote(latest_note, verifiers);
  if (!latest.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the log's checkpoint does not verify with the checkpoint key(s) "
        "pinned at first contact or since (",
        absl::StrJoin(next.verifier_keys, ", "), "): ",
        latest.status().message()));
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

absl::StatusOr<Witnessed> AdvancePinning(const std::optional<Witnessed>& seen,
                                         std::string_view vkey,
                                         std::string_view latest_note,
                                         std::span<const Hash> proof) {
  CC_ASSIGN_OR_RETURN(NoteVerifier added, NoteVerifier::FromKeyString(vkey));
  const std::string key = added.KeyString();
  std::vector<NoteVerifier> only = {std::move(added)};
  if (absl::Status signed_by = CheckNote(latest_note, only).status();
      !signed_by.ok()) {
    if (!absl::IsFailedPrecondition(signed_by)) return signed_by;
    return absl::FailedPreconditionError(absl::StrCat(
        "the log's latest checkpoint carries no valid signature by ",
        KeyLabel(only[0].name(), only[0].key_id()),
        ": not this log's key, or the log does not sign with it yet (",
        signed_by.message(), ")"));
  }
  if (!seen.has_value()) return Advance(std::nullopt, key, latest_note, proof);
  Witnessed widened = *seen;
  if (Find(widened.verifier_keys, key) == widened.verifier_keys.end()) {
    widened.verifier_keys.push_back(key);
  }
  return Advance(widened, "", latest_note, proof);
}

absl::StatusOr<Witnessed> Unpin(const Witnessed& seen, std::string_view vkey) {
  CC_ASSIGN_OR_RETURN(NoteVerifier removed, NoteVerifier::FromKeyString(vkey));
  const std::string label = KeyLabel(removed.name(), removed.key_id());
  Witnessed next = seen;
  auto at = Find(next.verifier_keys, removed.KeyString());
  if (at == next.verifier_keys.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat(label, " is not pinned (pinned: ",
                     absl::StrJoin(seen.verifier_keys, ", "), ")"));
  }
  next.verifier_keys.erase(at);
  absl::StatusOr<std::vector<NoteVerifier>> rest = Verifiers(next.verifier_keys);
  if (next.verifier_keys.empty() ||
      (rest.ok() && !CheckNote(next.note, *rest).ok())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no other pinned key signs the checkpoint of ", seen.checkpoint.size,
        " records remembered: pin the log's new key first, and drop ", label,
        " once the log signs with the new key"));
  }
  CC_RETURN_IF_ERROR(rest.status());
  return next;
}

}  // namespace cellchain::ledger
