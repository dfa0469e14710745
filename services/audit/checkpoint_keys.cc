#include "services/audit/checkpoint_keys.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"

namespace cellchain::audit {
namespace {

constexpr char kField[] = "signing-key-dir";
constexpr char kRetiredPrefix[] = "sequencer.retired-";
constexpr char kPublicSuffix[] = ".pub";

bool Exists(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(path, error);
}

// A key file's errors name the file; a malformed one is the flag's fault.
absl::Status ForFile(const absl::Status& status, const std::string& name) {
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    return InvalidField(kField, absl::StrCat(name, ": ", status.message()));
  }
  return Annotate(status, name);
}

absl::StatusOr<ledger::NoteVerifier> ReadPublic(const std::string& dir,
                                                const std::string& name,
                                                std::string_view origin) {
  absl::StatusOr<crypto::Ed25519PublicKey> key =
      crypto::Ed25519PublicKey::FromPemFile(dir + "/" + name);
  if (!key.ok()) return ForFile(key.status(), name);
  return ledger::NoteVerifier::Create(origin, *std::move(key));
}

absl::StatusOr<crypto::Ed25519PrivateKey> ReadPrivate(
    const std::string& dir, const std::string& name,
    const std::string& public_name) {
  absl::StatusOr<crypto::Ed25519PrivateKey> key =
      crypto::Ed25519PrivateKey::FromPemFile(dir + "/" + name);
  if (!key.ok()) return ForFile(key.status(), name);
  absl::StatusOr<crypto::Ed25519PublicKey> public_key =
      crypto::Ed25519PublicKey::FromPemFile(dir + "/" + public_name);
  if (!public_key.ok()) return ForFile(public_key.status(), public_name);
  if (key->PublicKeyRaw() != public_key->Raw()) {
    return InvalidField(kField,
                        absl::StrCat(name, " and ", public_name, " do not match"));
  }
  return key;
}

// sequencer.retired-*.pub in `dir`, sorted.
std::vector<std::string> RetiredFiles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(kRetiredPrefix) && name.ends_with(kPublicSuffix)) {
      names.push_back(std::move(name));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::vector<ledger::NoteVerifier> CheckpointKeys::All() const {
  std::vector<ledger::NoteVerifier> all = {current};
  all.insert(all.end(), others.begin(), others.end());
  return all;
}

absl::StatusOr<CheckpointKeys> ReadCheckpointKeys(const std::string& dir,
                                                  std::string_view origin) {
  CC_ASSIGN_OR_RETURN(ledger::NoteVerifier current,
                      ReadPublic(dir, "sequencer.pub", origin));
  CheckpointKeys keys{.current = std::move(current), .others = {}};
  std::vector<std::string> names;
  if (Exists(dir + "/sequencer.next.pub")) names.push_back("sequencer.next.pub");
  for (std::string& name : RetiredFiles(dir)) names.push_back(std::move(name));
  std::set<std::string> seen = {keys.current.public_key().Raw()};
  for (const std::string& name : names) {
    CC_ASSIGN_OR_RETURN(ledger::NoteVerifier key, ReadPublic(dir, name, origin));
    if (!seen.insert(key.public_key().Raw()).second) {
      return InvalidField(
          kField, absl::StrCat(name, " holds a key another checkpoint key "
                                     "file holds already"));
    }
    keys.others.push_back(std::move(key));
  }
  return keys;
}

absl::StatusOr<std::vector<crypto::Ed25519PrivateKey>>
ReadCheckpointSigningKeys(const std::string& dir) {
  std::vector<crypto::Ed25519PrivateKey> keys;
  CC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey current,
                      ReadPrivate(dir, "sequencer.key", "sequencer.pub"));
  keys.push_back(std::move(current));
  const bool next_public = Exists(dir + "/sequencer.next.pub");
  const bool next_private = Exists(dir + "/sequencer.next.key");
  if (next_public != next_private) {
    return InvalidField(
        kField, next_public
                    ? "sequencer.next.pub without sequencer.next.key: the "
                      "sequencer signs with every checkpoint key announced"
                    : "sequencer.next.key without sequencer.next.pub");
  }
  if (next_private) {
    CC_ASSIGN_OR_RETURN(
        crypto::Ed25519PrivateKey next,
        ReadPrivate(dir, "sequencer.next.key", "sequencer.next.pub"));
    keys.push_back(std::move(next));
  }
  return keys;
}

}  // namespace cellchain::audit
