#include "services/ledger/keyring.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto/encoding.h"
#include "services/common/strings/absl_view.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger {
namespace {

bool IsServiceName(std::string_view s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

absl::Status LineError(int line, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("keyring line ", line, ": ", ToAbsl(what)));
}

}  // namespace

absl::StatusOr<Keyring> Keyring::Parse(std::string_view text) {
  Keyring keyring;
  int number = 0;
  for (absl::string_view raw_line : absl::StrSplit(ToAbsl(text), '\n')) {
    ++number;
    absl::string_view line = absl::StripAsciiWhitespace(raw_line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 2) {
      return LineError(number, "expected \"<key id> <base64 public key>\"");
    }
    std::string_view key_id = fields[0];
    size_t colon = key_id.find(':');
    if (colon == std::string_view::npos ||
        !IsServiceName(key_id.substr(0, colon))) {
      return LineError(number, absl::StrCat("key id \"", ToAbsl(key_id),
                                            "\" is not <service>:<hex>"));
    }
    absl::StatusOr<std::string> raw = crypto::Base64Decode(fields[1]);
    if (!raw.ok() || raw->size() != 32) {
      return LineError(number,
                       "the public key is not base64 of 32 raw bytes");
    }
    TrustedKey key{.key_id = std::string(key_id),
                   .service = std::string(key_id.substr(0, colon)),
                   .public_key = *std::move(raw)};
    if (std::string derived = SigningKeyId(key.service, key.public_key);
        derived != key.key_id) {
      return LineError(number, absl::StrCat("key id ", key.key_id,
                                            " is not its key's id (", derived,
                                            ")"));
    }
    if (const TrustedKey* same = keyring.Find(key.key_id); same != nullptr) {
      if (same->public_key != key.public_key) {
        return LineError(number, absl::StrCat("key id ", key.key_id,
                                              " is listed twice"));
      }
      continue;
    }
    keyring.keys_.push_back(std::move(key));
  }
  return keyring;
}

absl::StatusOr<Keyring> Keyring::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    std::string message =
        absl::StrCat("keyring ", path, ": ", std::strerror(error));
    return error == EACCES ? absl::PermissionDeniedError(message)
                           : absl::NotFoundError(message);
  }
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<Keyring> keyring = Parse(text.str());
  if (!keyring.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", keyring.status().message()));
  }
  return keyring;
}

absl::StatusOr<Keyring> Keyring::Of(
    const std::vector<std::pair<std::string, std::string>>&
        service_and_raw_key) {
  std::string text;
  for (const auto& [service, raw] : service_and_raw_key) {
    absl::StrAppend(&text, KeyringLine(service, raw), "\n");
  }
  return Parse(text);
}

const TrustedKey* Keyring::Find(std::string_view key_id) const {
  for (const TrustedKey& key : keys_) {
    if (key.key_id == key_id) return &key;
  }
  return nullptr;
}

bool Keyring::Trusts(std::string_view key_id,
                     std::string_view public_key) const {
  const TrustedKey* key = Find(key_id);
  return key != nullptr && key->public_key == public_key;
}

std::string Keyring::Format() const {
  std::string out =
      "# cellchain record-signing keyring: <key id> <base64 raw Ed25519 "
      "public key>\n";
  for (const TrustedKey& key : keys_) {
    absl::StrAppend(&out, KeyringLine(key.service, key.public_key), "\n");
  }
  return out;
}

std::string KeyringLine(std::string_view service, std::string_view raw_key) {
  return absl::StrCat(SigningKeyId(service, raw_key), " ",
                      crypto::Base64Encode(raw_key));
}

}  // namespace cellchain::ledger
