#include "services/ledger/note.h"

#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/sha256.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::ledger {
namespace {

// U+2014 EM DASH and a space: the start of every signature line.
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";
constexpr std::string_view kSignerKeyPrefix = "PRIVATE+KEY+";

// Decodes the UTF-8 sequence at s[i]. Returns its length and sets *cp, or
// returns 0 for an invalid sequence (overlong forms, surrogates and code
// points above U+10FFFF included).
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  if (byte(1) < lo || byte(1) > hi) return 0;
  char32_t value = b0 & (0xFF >> (len + 1));
  value = (value << 6) | (byte(1) & 0x3F);
  for (size_t k = 2; k < len; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
    value = (value << 6) | (byte(k) & 0x3F);
  }
  *cp = value;
  return len;
}

// Go's unicode.IsSpace: ASCII white space and the Unicode White_Space set.
bool IsUnicodeSpace(char32_t cp) {
  switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// OK iff `text` is UTF-8 without control characters other than newline.
// `what` names the input in messages.
absl::Status CheckNoteCharacters(std::string_view text, std::string_view what) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToAbsl(what), " is not valid UTF-8 at byte ", i));
    }
    if (cp < 0x20 && cp != '\n') {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02x", static_cast<unsigned>(cp));
      return absl::InvalidArgumentError(absl::StrCat(
          ToAbsl(what), " holds the control character ", hex, " at byte ", i));
    }
    i += len;
  }
  return absl::OkStatus();
}

absl::Status CheckName(std::string_view name) {
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid key name \"", ToAbsl(name),
                     "\": it must be non-empty UTF-8 without spaces or '+'"));
  }
  return absl::OkStatus();
}

// Splits at the first '+': {before, after}; no '+' gives {s, nullopt}.
std::pair<std::string_view, std::optional<std::string_view>> Chop(
    std::string_view s) {
  size_t plus = s.find('+');
  if (plus == std::string_view::npos) return {s, std::nullopt};
  return {s.substr(0, plus), s.substr(plus + 1)};
}

// Exactly 8 hex digits of either case.
std::optional<uint32_t> ParseKeyIdHex(std::string_view hex) {
  if (hex.size() != 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : hex) {
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

std::string KeyIdHex(uint32_t key_id) {
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08x", key_id);
  return hex;
}

// The parts of "<name>+<hex id>+<base64(alg || key)>" with the key
// material decoded. `kind` names the key in messages, which never quote the
// key material.
struct KeyParts {
  std::string name;
  uint32_t key_id;
  std::string key;  // Without the algorithm byte.
};

absl::StatusOr<KeyParts> ParseKeyParts(std::string_view s,
                                       std::string_view kind) {
  auto [name, rest] = Chop(s);
  if (!rest.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(kind), " key is not <name>+<key id>+<base64 key>"));
  }
  auto [hex, key64] = Chop(*rest);
  if (!key64.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(kind), " key is not <name>+<key id>+<base64 key>"));
  }
  CC_RETURN_IF_ERROR(Annotate(CheckName(name), kind));
  std::optional<uint32_t> key_id = ParseKeyIdHex(hex);
  if (!key_id.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(kind), " key id is not 8 hex digits"));
  }
  absl::StatusOr<std::string> key = crypto::Base64Decode(*key64);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(kind), " key is not valid base64"));
  }
  if (key->empty() || static_cast<uint8_t>((*key)[0]) != kNoteAlgEd25519) {
    return absl::InvalidArgumentError(absl::StrCat(
        ToAbsl(kind), " key has an unknown algorithm (only Ed25519, 0x01)"));
  }
  if (key->size() != 1 + crypto::kEd25519PublicKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(kind), " key is ", key->size() - 1,
                     " bytes, Ed25519 needs ", crypto::kEd25519PublicKeySize));
  }
  return KeyParts{std::string(name), *key_id, key->substr(1)};
}

absl::Status CheckNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError(
        "note text must be non-empty and end in a newline");
  }
  return CheckNoteCharacters(text, "note text");
}

absl::StatusOr<NoteSignature> ParseSignatureLine(std::string_view line,
                                                 size_t number) {
  std::string where = absl::StrCat("signature line ", number);
  if (line.substr(0, kSigPrefix.size()) != kSigPrefix) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " does not start with an em dash and a space"));
  }
  line.remove_prefix(kSigPrefix.size());
  size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " is not \"— <name> <base64 signature>\""));
  }
  std::string_view name = line.substr(0, space);
  std::string_view sig64 = line.substr(space + 1);
  CC_RETURN_IF_ERROR(Annotate(CheckName(name), where));
  absl::StatusOr<std::string> sig = crypto::Base64Decode(sig64);
  if (!sig.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": signature is not valid base64"));
  }
  if (sig->size() < 5) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": signature is ", sig->size(),
                     " bytes, at least a 4-byte key id and 1 byte are needed"));
  }
  NoteSignature parsed;
  parsed.name = std::string(name);
  for (int k = 0; k < 4; ++k) {
    parsed.key_id = (parsed.key_id << 8) | static_cast<uint8_t>((*sig)[k]);
  }
  parsed.signature = sig->substr(4);
  return parsed;
}

std::string SignatureLine(const NoteSignature& sig) {
  std::string bytes;
  bytes.reserve(4 + sig.signature.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((sig.key_id >> shift) & 0xFF));
  }
  bytes.append(sig.signature);
  return absl::StrCat(ToAbsl(kSigPrefix), sig.name, " ",
                      crypto::Base64Encode(bytes), "\n");
}

// Plain decimal: digits only, no leading zero unless the number is 0.
std::optional<uint64_t> ParseCheckpointSize(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = c - '0';
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    char32_t cp;
    size_t len = DecodeUtf8(name, i, &cp);
    if (len == 0 || cp == '+' || cp < 0x20 || cp == 0x7F ||
        IsUnicodeSpace(cp)) {
      return false;
    }
    i += len;
  }
  return true;
}

uint32_t NoteKeyId(std::string_view name, std::string_view ed25519_public_key) {
  std::string input;
  input.reserve(name.size() + 2 + ed25519_public_key.size());
  input.append(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(kNoteAlgEd25519));
  input.append(ed25519_public_key);
  crypto::Sha256Digest digest = crypto::Sha256(input);
  return (uint32_t{digest[0]} << 24) | (uint32_t{digest[1]} << 16) |
         (uint32_t{digest[2]} << 8) | uint32_t{digest[3]};
}

std::string KeyLabel(std::string_view name, uint32_t key_id) {
  return absl::StrCat(ToAbsl(name), "+", KeyIdHex(key_id));
}

// ---------------------------------------------------------------------------
// NoteVerifier.

absl::StatusOr<NoteVerifier> NoteVerifier::FromKeyString(
    std::string_view vkey) {
  CC_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(vkey, "verifier"));
  if (NoteKeyId(parts.name, parts.key) != parts.key_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key id ", KeyIdHex(parts.key_id),
                     " does not match its name and public key"));
  }
  CC_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key,
                      crypto::Ed25519PublicKey::FromRaw(parts.key));
  return NoteVerifier(std::move(parts.name), parts.key_id, std::move(key));
}

absl::StatusOr<NoteVerifier> NoteVerifier::Create(
    std::string_view name, crypto::Ed25519PublicKey key) {
  CC_RETURN_IF_ERROR(CheckName(name));
  uint32_t key_id = NoteKeyId(name, key.Raw());
  return NoteVerifier(std::string(name), key_id, std::move(key));
}

std::string NoteVerifier::KeyString() const {
  std::string key(1, static_cast<char>(kNoteAlgEd25519));
  key.append(key_.Raw());
  return absl::StrCat(KeyLabel(name_, key_id_), "+", crypto::Base64Encode(key));
}

// ---------------------------------------------------------------------------
// NoteSigner.

absl::StatusOr<NoteSigner> NoteSigner::FromKeyString(std::string_view skey) {
  if (skey.substr(0, kSignerKeyPrefix.size()) != kSignerKeyPrefix) {
    return absl::InvalidArgumentError(
        "signer key does not start with \"PRIVATE+KEY+\"");
  }
  skey.remove_prefix(kSignerKeyPrefix.size());
  CC_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(skey, "signer"));
  CC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                      crypto::Ed25519PrivateKey::FromSeed(parts.key));
  // The id in the string is that of the public key, derived from the seed.
  if (NoteKeyId(parts.name, key.PublicKeyRaw()) != parts.key_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("signer key id ", KeyIdHex(parts.key_id),
                     " does not match its name and key"));
  }
  return Create(parts.name, std::move(key));
}

absl::StatusOr<NoteSigner> NoteSigner::Create(std::string_view name,
                                              crypto::Ed25519PrivateKey key) {
  CC_ASSIGN_OR_RETURN(NoteVerifier verifier,
                      NoteVerifier::Create(name, key.public_key()));
  return NoteSigner(std::move(key), std::move(verifier));
}

absl::StatusOr<NoteSigner> NoteSigner::Generate(std::string_view name) {
  CC_RETURN_IF_ERROR(CheckName(name));
  CC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                      crypto::Ed25519PrivateKey::Generate());
  return Create(name, std::move(key));
}

// ---------------------------------------------------------------------------
// Notes.

absl::StatusOr<Note> ParseNote(std::string_view note) {
  CC_RETURN_IF_ERROR(CheckNoteCharacters(note, "note"));
  // The text ends at the last blank line (the text itself may hold some).
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "note has no blank line before its signatures");
  }
  Note parsed;
  parsed.text = std::string(note.substr(0, split + 1));
  std::string_view lines = note.substr(split + 2);
  if (lines.empty()) {
    return absl::InvalidArgumentError("note has no signature line");
  }
  if (lines.back() != '\n') {
    return absl::InvalidArgumentError(
        "the last signature line does not end in a newline");
  }
  while (!lines.empty()) {
    size_t newline = lines.find('\n');
    if (parsed.signatures.size() == kMaxNoteSignatures) {
      return absl::InvalidArgumentError(absl::StrCat(
          "note has more than ", kMaxNoteSignatures, " signatures"));
    }
    CC_ASSIGN_OR_RETURN(NoteSignature sig,
                        ParseSignatureLine(lines.substr(0, newline),
                                           parsed.signatures.size() + 1));
    parsed.signatures.push_back(std::move(sig));
    lines.remove_prefix(newline + 1);
  }
  return parsed;
}

absl::StatusOr<std::string> SignNote(
    std::string_view text, const std::vector<const NoteSigner*>& signers) {
  CC_RETURN_IF_ERROR(CheckNoteText(text));
  if (signers.empty()) {
    return absl::InvalidArgumentError("a note needs at least one signer");
  }
  std::string note(text);
  note.push_back('\n');
  for (const NoteSigner* signer : signers) {
    NoteSignature sig;
    sig.name = signer->name();
    sig.key_id = signer->key_id();
    CC_ASSIGN_OR_RETURN(sig.signature, signer->Sign(text));
    note.append(SignatureLine(sig));
  }
  return note;
}

absl::StatusOr<std::string> SignNote(std::string_view text,
                                     const NoteSigner& signer) {
  return SignNote(text, std::vector<const NoteSigner*>{&signer});
}

absl::StatusOr<VerifiedNote> VerifyNote(
    std::string_view note, std::span<const NoteVerifier> verifiers) {
  CC_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  VerifiedNote result;
  result.text = std::move(parsed.text);
  std::set<std::pair<std::string, uint32_t>> verified_keys;
  std::set<std::string> unverified_lines;
  for (NoteSignature& sig : parsed.signatures) {
    const NoteVerifier* verifier = nullptr;
    for (const NoteVerifier& candidate : verifiers) {
      if (candidate.name() != sig.name || candidate.key_id() != sig.key_id) {
        continue;
      }
      if (verifier != nullptr &&
          verifier->public_key().Raw() != candidate.public_key().Raw()) {
        return absl::InvalidArgumentError(
            absl::StrCat("ambiguous key ", KeyLabel(sig.name, sig.key_id),
                         ": two verifier keys share its name and id"));
      }
      verifier = &candidate;
    }
    if (verifier == nullptr) {
      // Not ours to judge (a witness, a rotated key): ignored, as the spec
      // requires.
      if (unverified_lines.insert(SignatureLine(sig)).second) {
        result.unverified.push_back(std::move(sig));
      }
      continue;
    }
    if (!verifier->Verify(result.text, sig.signature)) {
      return FailedRule(
          kReasonNoteSignatureInvalid,
          absl::StrCat("the signature by ", KeyLabel(sig.name, sig.key_id),
                       " does not verify: the note text or the signature "
                       "was altered"));
    }
    if (verified_keys.emplace(sig.name, sig.key_id).second) {
      result.verified.push_back(std::move(sig));
    }
  }
  if (result.verified.empty()) {
    std::string signers;
    for (const NoteSignature& sig : result.unverified) {
      absl::StrAppend(&signers, signers.empty() ? "" : ", ",
                      KeyLabel(sig.name, sig.key_id));
    }
    return FailedRule(kReasonNoteNotSigned,
                      absl::StrCat("the note has no signature by a trusted "
                                   "key (it is signed by ",
                                   signers, ")"));
  }
  return result;
}

// ---------------------------------------------------------------------------
// Checkpoints.

absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  CC_RETURN_IF_ERROR(
      Annotate(CheckName(checkpoint.origin), "checkpoint origin"));
  std::string text =
      absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                   crypto::Base64Encode(HashBytes(checkpoint.root)), "\n");
  for (const std::string& line : checkpoint.extensions) {
    if (line.empty() || line.find('\n') != std::string::npos) {
      return absl::InvalidArgumentError(
          "a checkpoint extension line must be non-empty and hold no newline");
    }
    CC_RETURN_IF_ERROR(CheckNoteCharacters(line, "checkpoint extension line"));
    absl::StrAppend(&text, line, "\n");
  }
  return text;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError(
        "checkpoint text does not end in a newline");
  }
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    size_t newline = rest.find('\n');
    lines.push_back(rest.substr(0, newline));
    rest.remove_prefix(newline + 1);
  }
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a checkpoint has at least 3 lines (origin, size, root hash), got ",
        lines.size()));
  }
  Checkpoint checkpoint;
  if (lines[0].empty()) {
    return absl::InvalidArgumentError("checkpoint origin is empty");
  }
  checkpoint.origin = std::string(lines[0]);
  std::optional<uint64_t> size = ParseCheckpointSize(lines[1]);
  if (!size.has_value()) {
    return absl::InvalidArgumentError(
        "checkpoint size is not a plain decimal number of at most 64 bits");
  }
  checkpoint.size = *size;
  absl::StatusOr<std::string> root = crypto::Base64Decode(lines[2]);
  if (!root.ok()) {
    return absl::InvalidArgumentError(
        "checkpoint root hash is not valid base64");
  }
  absl::StatusOr<Hash> hash = HashFromBytes(*root);
  if (!hash.ok()) return Annotate(hash.status(), "checkpoint root hash");
  checkpoint.root = *hash;
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoint extension line ", i - 2, " is empty"));
    }
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const NoteSigner& signer) {
  CC_ASSIGN_OR_RETURN(std::string text, FormatCheckpoint(checkpoint));
  return SignNote(text, signer);
}

absl::StatusOr<Checkpoint> VerifyCheckpoint(
    std::string_view note, std::string_view origin,
    std::span<const NoteVerifier> verifiers) {
  CC_ASSIGN_OR_RETURN(VerifiedNote verified, VerifyNote(note, verifiers));
  CC_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(verified.text));
  if (checkpoint.origin != origin) {
    return FailedRule(
        kReasonCheckpointOriginMismatch,
        absl::StrCat("checkpoint is for log \"", checkpoint.origin,
                     "\", expected \"", ToAbsl(origin), "\""));
  }
  return checkpoint;
}

}  // namespace cellchain::ledger
