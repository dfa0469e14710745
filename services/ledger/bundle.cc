#include "services/ledger/bundle.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/encoding.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/ledger/bundle_json.h"
#include "services/ledger/internal_text.h"

namespace cellchain::ledger {
namespace {

namespace fs = std::filesystem;

// Larger than any file a bundle legitimately holds except index.jsonl; keeps
// a wrong path (a device, a huge file) from being read whole.
constexpr uintmax_t kMaxFileBytes = uintmax_t{64} << 20;
constexpr uintmax_t kMaxIndexBytes = uintmax_t{16} << 30;

// ---------------------------------------------------------------------------
// Files.

absl::Status IoError(std::string_view verb, const fs::path& path, int error) {
  std::string message = absl::StrCat("cannot ", ToAbsl(verb), " ",
                                     path.string(), ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status WriteFile(const fs::path& path, std::string_view data) {
  std::FILE* file = std::fopen(path.c_str(), "wbx");  // Never overwrite.
  if (file == nullptr) return IoError("create", path, errno);
  size_t written = std::fwrite(data.data(), 1, data.size(), file);
  int error = written == data.size() ? 0 : errno;
  if (std::fclose(file) != 0 && error == 0) error = errno;
  if (error != 0) return IoError("write", path, error);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const fs::path& path,
                                     uintmax_t limit = kMaxFileBytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return IoError("open", path, errno);
  std::string data;
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    data.append(buffer, got);
    if (data.size() > limit) {
      std::fclose(file);
      return absl::InvalidArgumentError(
          absl::StrCat(path.string(), " is over ", limit, " bytes"));
    }
  }
  int error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (error != 0) return IoError("read", path, error);
  return data;
}

absl::Status MakeDirectory(const fs::path& path) {
  std::error_code error;
  if (!fs::create_directory(path, error) && error) {
    return IoError("create directory", path, error.value());
  }
  return absl::OkStatus();
}

// The names of the entries of `dir` that keep(entry, name, error) accepts,
// sorted; none when `dir` does not exist.
template <typename Keep>
absl::StatusOr<std::vector<std::string>> ListNames(const fs::path& dir,
                                                   Keep keep) {
  std::vector<std::string> names;
  std::error_code error;
  if (!fs::exists(dir, error)) return names;
  fs::directory_iterator it(dir, error);
  if (error) return IoError("list", dir, error.value());
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) return IoError("list", dir, error.value());
    std::string name = it->path().filename().string();
    if (keep(*it, name, error)) names.push_back(std::move(name));
  }
  if (error) return IoError("list", dir, error.value());
  std::sort(names.begin(), names.end());
  return names;
}

// The names of the regular files in `dir` ending in `suffix`, sorted; none
// when `dir` does not exist.
absl::StatusOr<std::vector<std::string>> ListFiles(const fs::path& dir,
                                                   std::string_view suffix) {
  return ListNames(
      dir, [suffix](const fs::directory_entry& entry, const std::string& name,
                    std::error_code& error) {
        return entry.is_regular_file(error) && name.size() > suffix.size() &&
               name.ends_with(suffix);
      });
}

absl::StatusOr<std::vector<std::string>> ListDirectories(const fs::path& dir) {
  return ListNames(
      dir, [](const fs::directory_entry& entry, const std::string& name,
              std::error_code& error) { return entry.is_directory(error); });
}

// ---------------------------------------------------------------------------
// Names.

bool IsPlainNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Entity types and ids as file names: bytes other than [A-Za-z0-9_-] become
// %XX (uppercase hex), so "." and ".." and "/" can never appear.
std::string EncodeName(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (IsPlainNameChar(c)) {
      out.push_back(c);
    } else {
      unsigned char byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  // Never an empty file name; "%" alone decodes to "".
  if (out.empty()) out.push_back('%');
  return out;
}

// The inverse of EncodeName. Only the canonical encoding decodes, so that
// two file names never name one entity.
std::optional<std::string> DecodeName(std::string_view name) {
  if (name == "%") return std::string();
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (IsPlainNameChar(name[i])) {
      out.push_back(name[i]);
      continue;
    }
    if (name[i] != '%' || name.size() - i < 3) return std::nullopt;
    int high = hex(name[i + 1]);
    int low = hex(name[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    char decoded = static_cast<char>(high << 4 | low);
    if (IsPlainNameChar(decoded)) return std::nullopt;
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

std::string Padded(uint64_t value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%012" PRIu64, value);
  return buffer;
}

using internal::TimeText;

using bundle_json::Indented;
using bundle_json::Json;
using bundle_json::JsonObject;
using bundle_json::OneLine;

Json HexOrNull(const std::string& bytes) {
  return bytes.empty() ? Json(nullptr) : Json(crypto::HexEncode(bytes));
}

Json HashList(const std::vector<Hash>& hashes) {
  Json list = Json::array();
  for (const Hash& hash : hashes) list.push_back(HashHex(hash));
  return list;
}

// ---------------------------------------------------------------------------
// Writing.

std::string ManifestJson(const Bundle& bundle) {
  const BundleCounts counts = bundle.Counts();
  Json manifest = {{"format", kBundleFormat},
                   {"origin", bundle.origin},
                   {"verifier_key", bundle.verifier_key},
                   {"query", bundle.query},
                   {"scope", bundle.complete ? "log" : "subset"},
                   {"tree_size", bundle.tree_size}};
  if (bundle.exported_at.has_value()) {
    manifest["exported_at"] = TimeText(*bundle.exported_at);
  }
  manifest["counts"] = {{"records", counts.records},
                        {"keys", counts.keys},
                        {"checkpoints", counts.checkpoints},
                        {"inclusion_proofs", counts.inclusion_proofs},
                        {"consistency_proofs", counts.consistency_proofs},
                        {"states", counts.states}};
  return Indented(manifest) + "\n";
}

std::string IndexLine(const StoredRecord& record) {
  Json line = {
      {"log_index", record.log_index},
      {"record_id", record.record_id},
      {"key_id", record.key_id},
      {"leaf_hash", crypto::HexEncode(record.leaf_hash)},
      {"service", record.service},
      {"entity_type", record.entity_type},
      {"entity_id", record.entity_id},
      {"recorded_at", TimeText(record.recorded_at)},
      {"actor_user_id", record.actor_user_id},
      {"action", record.action},
      {"din", record.din.has_value() ? Json(*record.din) : Json()},
      {"request_id", record.request_id},
      {"previous_entity_hash", HexOrNull(record.previous_entity_hash)}};
  return OneLine(line) + "\n";
}

absl::Status ValidateForWriting(const Bundle& bundle) {
  for (const SigningKeyInfo& key : bundle.keys) {
    if (!IsSigningKeyId(key.key_id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key id \"", key.key_id, "\" is not <service>:<16 hex>"));
    }
  }
  std::set<uint64_t> indexes;
  for (const StoredRecord& record : bundle.records) {
    std::string which = absl::StrCat("record ", record.record_id,
                                     " (log index ", record.log_index, ")");
    if (!indexes.insert(record.log_index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": another record has the same log index"));
    }
    // A tampered signature or hash is still written (it is what the
    // database holds); only a size the format cannot carry is refused.
    if (record.signature.size() != crypto::kEd25519SignatureSize) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": the signature is not 64 bytes"));
    }
    if (record.leaf_hash.size() != kHashSize ||
        (!record.previous_entity_hash.empty() &&
         record.previous_entity_hash.size() != kHashSize)) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": a hash is not 32 bytes"));
    }
  }
  std::set<uint64_t> proof_indexes;
  for (const InclusionProofInput& proof : bundle.inclusion_proofs) {
    if (!proof_indexes.insert(proof.log_index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two inclusion proofs for log index ", proof.log_index));
    }
  }
  std::set<std::pair<uint64_t, uint64_t>> pairs;
  for (const ConsistencyProofInput& proof : bundle.consistency_proofs) {
    if (!pairs.emplace(proof.size1, proof.size2).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two consistency proofs from ", proof.size1, " to ", proof.size2));
    }
  }
  std::set<std::pair<std::string, std::string>> entities;
  for (const CurrentState& state : bundle.states) {
    if (!entities.emplace(state.entity_type, state.entity_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two states of entity ", state.entity_type, "/", state.entity_id));
    }
  }
  return absl::OkStatus();
}

// The size a checkpoint note claims, for its file name (0 if it says none).
uint64_t ClaimedSize(const std::string& note) {
  absl::StatusOr<Note> parsed = ParseNote(note);
  if (!parsed.ok()) return 0;
  absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(parsed->text);
  return checkpoint.ok() ? checkpoint->size : 0;
}

// ---------------------------------------------------------------------------
// Reading.

absl::StatusOr<StoredRecord> ParseIndexLine(std::string_view line,
                                            const std::string& context) {
  CC_ASSIGN_OR_RETURN(JsonObject object, JsonObject::Parse(line, context));
  StoredRecord record;
  CC_ASSIGN_OR_RETURN(record.log_index, object.Uint("log_index"));
  CC_ASSIGN_OR_RETURN(record.record_id, object.String("record_id"));
  CC_ASSIGN_OR_RETURN(record.key_id, object.String("key_id"));
  CC_ASSIGN_OR_RETURN(record.leaf_hash, object.HashBytesField("leaf_hash"));
  CC_ASSIGN_OR_RETURN(record.service, object.String("service"));
  CC_ASSIGN_OR_RETURN(record.entity_type, object.String("entity_type"));
  CC_ASSIGN_OR_RETURN(record.entity_id, object.String("entity_id"));
  CC_ASSIGN_OR_RETURN(record.recorded_at, object.Time("recorded_at"));
  CC_ASSIGN_OR_RETURN(record.actor_user_id, object.String("actor_user_id"));
  CC_ASSIGN_OR_RETURN(record.action, object.String("action"));
  CC_ASSIGN_OR_RETURN(record.din, object.NullableString("din"));
  CC_ASSIGN_OR_RETURN(record.request_id, object.String("request_id"));
  CC_ASSIGN_OR_RETURN(std::optional<std::string> previous,
                      object.NullableString("previous_entity_hash"));
  if (previous.has_value()) {
    CC_ASSIGN_OR_RETURN(record.previous_entity_hash,
                        object.HashBytesField("previous_entity_hash"));
  }
  return record;
}

absl::Status ReadManifest(const fs::path& root, Bundle& bundle) {
  const fs::path path = root / "manifest.json";
  CC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  CC_ASSIGN_OR_RETURN(JsonObject manifest,
                      JsonObject::Parse(text, "manifest.json"));
  CC_ASSIGN_OR_RETURN(std::string format, manifest.String("format"));
  if (format != kBundleFormat) {
    return absl::InvalidArgumentError(absl::StrCat(
        "manifest.json: format \"", format,
        "\" is not supported (this reader reads ", kBundleFormat, ")"));
  }
  CC_ASSIGN_OR_RETURN(bundle.origin, manifest.String("origin"));
  CC_ASSIGN_OR_RETURN(bundle.verifier_key, manifest.String("verifier_key"));
  CC_ASSIGN_OR_RETURN(bundle.query, manifest.String("query"));
  CC_ASSIGN_OR_RETURN(std::string scope, manifest.String("scope"));
  if (scope != "log" && scope != "subset") {
    return absl::InvalidArgumentError(
        "manifest.json: field \"scope\" must be \"log\" or \"subset\"");
  }
  bundle.complete = scope == "log";
  CC_ASSIGN_OR_RETURN(bundle.tree_size, manifest.Uint("tree_size"));
  if (manifest.Has("exported_at")) {
    CC_ASSIGN_OR_RETURN(bundle.exported_at, manifest.Time("exported_at"));
  }
  CC_ASSIGN_OR_RETURN(JsonObject counts, manifest.Object("counts"));
  CC_ASSIGN_OR_RETURN(bundle.declared.records, counts.Uint("records"));
  CC_ASSIGN_OR_RETURN(bundle.declared.keys, counts.Uint("keys"));
  CC_ASSIGN_OR_RETURN(bundle.declared.checkpoints, counts.Uint("checkpoints"));
  CC_ASSIGN_OR_RETURN(bundle.declared.inclusion_proofs,
                      counts.Uint("inclusion_proofs"));
  CC_ASSIGN_OR_RETURN(bundle.declared.consistency_proofs,
                      counts.Uint("consistency_proofs"));
  CC_ASSIGN_OR_RETURN(bundle.declared.states, counts.Uint("states"));
  return absl::OkStatus();
}

absl::Status ReadKeys(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(std::string text, ReadFile(root / "keys" / "keys.json"));
  CC_ASSIGN_OR_RETURN(JsonObject file,
                      JsonObject::Parse(text, "keys/keys.json"));
  CC_ASSIGN_OR_RETURN(std::vector<JsonObject> keys, file.ObjectArray("keys"));
  for (const JsonObject& entry : keys) {
    SigningKeyInfo key;
    CC_ASSIGN_OR_RETURN(key.key_id, entry.String("key_id"));
    CC_ASSIGN_OR_RETURN(key.service, entry.String("service"));
    CC_ASSIGN_OR_RETURN(key.valid_from, entry.Time("valid_from"));
    if (!IsSigningKeyId(key.key_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("keys/keys.json: key id \"", key.key_id,
                       "\" is not <service>:<16 hex>"));
    }
    const std::string name = absl::StrCat("keys/", KeyFileName(key.key_id));
    CC_ASSIGN_OR_RETURN(std::string pem, ReadFile(root / name));
    absl::StatusOr<crypto::Ed25519PublicKey> public_key =
        crypto::Ed25519PublicKey::FromPem(pem);
    if (!public_key.ok()) return Annotate(public_key.status(), name);
    key.public_key = public_key->Raw();
    bundle.keys.push_back(std::move(key));
  }
  CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      ListFiles(root / "keys", ".pub"));
  bundle.found.keys = files.size();
  return absl::OkStatus();
}

absl::Status ReadRecords(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(
      std::string index,
      ReadFile(root / "records" / "index.jsonl", kMaxIndexBytes));
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < index.size()) {
    size_t end = index.find('\n', begin);
    if (end == std::string::npos) end = index.size();
    std::string_view line(index.data() + begin, end - begin);
    begin = end + 1;
    ++line_number;
    if (line.empty()) continue;
    const std::string context =
        absl::StrCat("records/index.jsonl line ", line_number);
    CC_ASSIGN_OR_RETURN(StoredRecord record, ParseIndexLine(line, context));
    const std::string stem = RecordFileStem(record.log_index);
    absl::StatusOr<std::string> bytes = ReadFile(root / (stem + ".bin"));
    absl::StatusOr<std::string> signature = ReadFile(root / (stem + ".sig"));
    for (const absl::Status& status : {bytes.status(), signature.status()}) {
      if (absl::IsNotFound(status)) {
        return absl::InvalidArgumentError(
            absl::StrCat(context, " lists record ", record.record_id,
                         " but its file is missing: ", status.message()));
      }
      CC_RETURN_IF_ERROR(status);
    }
    record.record_bytes = *std::move(bytes);
    record.signature = *std::move(signature);
    bundle.records.push_back(std::move(record));
  }
  CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      ListFiles(root / "records", ".bin"));
  bundle.found.records = files.size();
  return absl::OkStatus();
}

// Where WriteBundle put a checkpoint file: its size, then n of "<size>-<n>"
// (1 for "<size>.note"); names it cannot have written come last.
std::tuple<bool, uint64_t, uint64_t> CheckpointFileOrder(
    const std::string& name) {
  std::string_view stem(name);
  stem.remove_suffix(std::string_view(".note").size());
  size_t dash = stem.find('-');
  uint64_t size = 0;
  uint64_t n = 1;
  bool ok = absl::SimpleAtoi(ToAbsl(stem.substr(0, dash)), &size) &&
            (dash == std::string_view::npos ||
             (absl::SimpleAtoi(ToAbsl(stem.substr(dash + 1)), &n) && n >= 2));
  return {!ok, ok ? size : 0, ok ? n : 0};
}

absl::Status ReadCheckpoints(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      ListFiles(root / "checkpoints", ".note"));
  // In the order written: by size, and a fork's notes of one size in their
  // order ("6.note" before "6-2.note", which sorts first by name), so that
  // a bundle read and written again is the same files. Found by
  // tests/fuzz/ledger_bundle_fuzzer.
  std::stable_sort(files.begin(), files.end(),
                   [](const std::string& a, const std::string& b) {
                     return CheckpointFileOrder(a) < CheckpointFileOrder(b);
                   });
  for (const std::string& name : files) {
    CC_ASSIGN_OR_RETURN(std::string note,
                        ReadFile(root / "checkpoints" / name));
    bundle.checkpoints.push_back(std::move(note));
  }
  bundle.found.checkpoints = files.size();
  return absl::OkStatus();
}

absl::Status ReadProofs(const fs::path& root, Bundle& bundle) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> inclusion,
                      ListFiles(root / "proofs", ".json"));
  for (const std::string& name : inclusion) {
    CC_ASSIGN_OR_RETURN(std::string text, ReadFile(root / "proofs" / name));
    CC_ASSIGN_OR_RETURN(JsonObject object,
                        JsonObject::Parse(text, absl::StrCat("proofs/", name)));
    InclusionProofInput proof;
    CC_ASSIGN_OR_RETURN(proof.log_index, object.Uint("log_index"));
    CC_ASSIGN_OR_RETURN(proof.tree_size, object.Uint("tree_size"));
    CC_ASSIGN_OR_RETURN(proof.hashes, object.HashArray("proof"));
    bundle.inclusion_proofs.push_back(std::move(proof));
  }
  bundle.found.inclusion_proofs = inclusion.size();

  CC_ASSIGN_OR_RETURN(std::vector<std::string> consistency,
                      ListFiles(root / "consistency", ".json"));
  for (const std::string& name : consistency) {
    CC_ASSIGN_OR_RETURN(std::string text,
                        ReadFile(root / "consistency" / name));
    CC_ASSIGN_OR_RETURN(
        JsonObject object,
        JsonObject::Parse(text, absl::StrCat("consistency/", name)));
    ConsistencyProofInput proof;
    CC_ASSIGN_OR_RETURN(proof.size1, object.Uint("size1"));
    CC_ASSIGN_OR_RETURN(proof.size2, object.Uint("size2"));
    CC_ASSIGN_OR_RETURN(proof.hashes, object.HashArray("proof"));
    bundle.consistency_proofs.push_back(std::move(proof));
  }
  bundle.found.consistency_proofs = consistency.size();
  return absl::OkStatus();
}

absl::Status ReadStates(const fs::path& root, Bundle& bundle) {
  const fs::path states = root / "states";
  CC_ASSIGN_OR_RETURN(std::vector<std::string> types, ListDirectories(states));
  for (const std::string& type_name : types) {
    std::optional<std::string> type = DecodeName(type_name);
    if (!type.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "states/", type_name, ": not a percent-encoded entity type"));
    }
    for (std::string_view suffix : {".bin", ".missing"}) {
      CC_ASSIGN_OR_RETURN(std::vector<std::string> files,
                          ListFiles(states / type_name, suffix));
      for (const std::string& file : files) {
        const std::string stem = file.substr(0, file.size() - suffix.size());
        std::optional<std::string> id = DecodeName(stem);
        if (!id.has_value()) {
          return absl::InvalidArgumentError(
              absl::StrCat("states/", type_name, "/", file,
                           ": not a percent-encoded entity id"));
        }
        CurrentState state{*type, *id, std::nullopt};
        if (suffix == ".bin") {
          CC_ASSIGN_OR_RETURN(state.state, ReadFile(states / type_name / file));
        }
        bundle.states.push_back(std::move(state));
      }
    }
  }
  bundle.found.states = bundle.states.size();
  return absl::OkStatus();
}

}  // namespace

BundleCounts Bundle::Counts() const {
  return {records.size(),
          keys.size(),
          checkpoints.size(),
          inclusion_proofs.size(),
          consistency_proofs.size(),
          states.size()};
}

std::string KeyFileName(const std::string& key_id) {
  std::string name = key_id;
  std::replace(name.begin(), name.end(), ':', '_');
  return name + ".pub";
}

std::string RecordFileStem(uint64_t log_index) {
  return absl::StrCat("records/", Padded(log_index));
}

absl::Status WriteBundle(const Bundle& bundle, const std::string& dir) {
  CC_RETURN_IF_ERROR(ValidateForWriting(bundle));
  const fs::path root(dir);
  std::error_code error;
  if (fs::exists(root, error)) {
    if (!fs::is_directory(root, error) || !fs::is_empty(root, error)) {
      return absl::AlreadyExistsError(
          absl::StrCat(dir, " exists and is not an empty directory"));
    }
  } else {
    CC_RETURN_IF_ERROR(MakeDirectory(root));
  }
  for (const char* sub :
       {"keys", "records", "checkpoints", "proofs", "consistency"}) {
    CC_RETURN_IF_ERROR(MakeDirectory(root / sub));
  }

  // One key per line: a layout of our own, not one of OneLine or Indented.
  std::string keys_json = "{\"keys\": [\n";
  for (size_t i = 0; i < bundle.keys.size(); ++i) {
    const SigningKeyInfo& key = bundle.keys[i];
    absl::StatusOr<crypto::Ed25519PublicKey> public_key =
        crypto::Ed25519PublicKey::FromRaw(key.public_key);
    if (!public_key.ok()) return Annotate(public_key.status(), key.key_id);
    CC_ASSIGN_OR_RETURN(std::string pem, public_key->ToPem());
    const std::string file = KeyFileName(key.key_id);
    CC_RETURN_IF_ERROR(WriteFile(root / "keys" / file, pem));
    absl::StrAppend(&keys_json, "  ",
                    OneLine({{"key_id", key.key_id},
                             {"service", key.service},
                             {"valid_from", TimeText(key.valid_from)},
                             {"file", file}}),
                    i + 1 < bundle.keys.size() ? "," : "", "\n");
  }
  keys_json += "]}\n";
  CC_RETURN_IF_ERROR(WriteFile(root / "keys" / "keys.json", keys_json));

  std::vector<const StoredRecord*> records;
  for (const StoredRecord& record : bundle.records) records.push_back(&record);
  std::sort(records.begin(), records.end(),
            [](const StoredRecord* a, const StoredRecord* b) {
              return a->log_index < b->log_index;
            });
  std::string index;
  for (const StoredRecord* record : records) {
    const std::string stem = RecordFileStem(record->log_index);
    CC_RETURN_IF_ERROR(WriteFile(root / (stem + ".bin"), record->record_bytes));
    CC_RETURN_IF_ERROR(WriteFile(root / (stem + ".sig"), record->signature));
    index += IndexLine(*record);
  }
  CC_RETURN_IF_ERROR(WriteFile(root / "records" / "index.jsonl", index));

  std::map<uint64_t, int> notes_of_size;
  for (const std::string& note : bundle.checkpoints) {
    uint64_t size = ClaimedSize(note);
    // Two notes of one size (a fork, kept as evidence) get distinct names.
    int n = ++notes_of_size[size];
    std::string name = n == 1 ? absl::StrCat(size, ".note")
                              : absl::StrCat(size, "-", n, ".note");
    CC_RETURN_IF_ERROR(WriteFile(root / "checkpoints" / name, note));
  }

  for (const InclusionProofInput& proof : bundle.inclusion_proofs) {
    Json leaf;  // null when the bundle does not hold the record.
    for (const StoredRecord* record : records) {
      if (record->log_index == proof.log_index) {
        leaf = crypto::HexEncode(record->leaf_hash);
      }
    }
    CC_RETURN_IF_ERROR(WriteFile(
        root / "proofs" / absl::StrCat(Padded(proof.log_index), ".json"),
        OneLine({{"log_index", proof.log_index},
                 {"tree_size", proof.tree_size},
                 {"leaf_hash", leaf},
                 {"proof", HashList(proof.hashes)}}) +
            "\n"));
  }
  for (const ConsistencyProofInput& proof : bundle.consistency_proofs) {
    CC_RETURN_IF_ERROR(
        WriteFile(root / "consistency" /
                      absl::StrCat(proof.size1, "-", proof.size2, ".json"),
                  OneLine({{"size1", proof.size1},
                           {"size2", proof.size2},
                           {"proof", HashList(proof.hashes)}}) +
                      "\n"));
  }

  if (!bundle.states.empty())
    CC_RETURN_IF_ERROR(MakeDirectory(root / "states"));
  for (const CurrentState& state : bundle.states) {
    const fs::path type_dir = root / "states" / EncodeName(state.entity_type);
    CC_RETURN_IF_ERROR(MakeDirectory(type_dir));
    const std::string id = EncodeName(state.entity_id);
    if (state.state.has_value()) {
      CC_RETURN_IF_ERROR(WriteFile(type_dir / (id + ".bin"), *state.state));
    } else {
      CC_RETURN_IF_ERROR(WriteFile(type_dir / (id + ".missing"), ""));
    }
  }

  // Last: a bundle without its manifest is visibly incomplete.
  return WriteFile(root / "manifest.json", ManifestJson(bundle));
}

absl::StatusOr<Bundle> ReadBundle(const std::string& dir) {
  const fs::path root(dir);
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return absl::NotFoundError(absl::StrCat(dir, " is not a directory"));
  }
  Bundle bundle;
  CC_RETURN_IF_ERROR(ReadManifest(root, bundle));
  CC_RETURN_IF_ERROR(ReadKeys(root, bundle));
  CC_RETURN_IF_ERROR(ReadRecords(root, bundle));
  CC_RETURN_IF_ERROR(ReadCheckpoints(root, bundle));
  CC_RETURN_IF_ERROR(ReadProofs(root, bundle));
  CC_RETURN_IF_ERROR(ReadStates(root, bundle));
  return bundle;
}

std::vector<std::string> ManifestDiscrepancies(const Bundle& bundle) {
  std::vector<std::string> out;
  const BundleCounts read = bundle.Counts();
  auto compare = [&](std::string_view what, uint64_t declared, uint64_t listed,
                     uint64_t files) {
    if (declared != listed) {
      out.push_back(absl::StrCat("manifest.json declares ", declared, " ",
                                 ToAbsl(what), ", the bundle holds ", listed));
    }
    if (files != listed) {
      out.push_back(absl::StrCat("the bundle lists ", listed, " ", ToAbsl(what),
                                 " but holds ", files, " files of them"));
    }
  };
  compare("records", bundle.declared.records, read.records,
          bundle.found.records);
  compare("keys", bundle.declared.keys, read.keys, bundle.found.keys);
  compare("checkpoints", bundle.declared.checkpoints, read.checkpoints,
          bundle.found.checkpoints);
  compare("inclusion proofs", bundle.declared.inclusion_proofs,
          read.inclusion_proofs, bundle.found.inclusion_proofs);
  compare("consistency proofs", bundle.declared.consistency_proofs,
          read.consistency_proofs, bundle.found.consistency_proofs);
  compare("current states", bundle.declared.states, read.states,
          bundle.found.states);
  uint64_t largest = 0;
  for (const std::string& note : bundle.checkpoints) {
    largest = std::max(largest, ClaimedSize(note));
  }
  if (!bundle.checkpoints.empty() && largest != bundle.tree_size) {
    out.push_back(
        absl::StrCat("manifest.json says the latest checkpoint has "
                     "size ",
                     bundle.tree_size,
                     ", the largest in the bundle "
                     "claims ",
                     largest));
  }
  return out;
}

VerifyInput ToVerifyInput(Bundle bundle, std::vector<NoteVerifier> verifiers) {
  VerifyInput input;
  input.complete = bundle.complete;
  input.records = std::move(bundle.records);
  input.keys = std::move(bundle.keys);
  input.origin = std::move(bundle.origin);
  input.checkpoint_verifiers = std::move(verifiers);
  input.checkpoints = std::move(bundle.checkpoints);
  input.inclusion_proofs = std::move(bundle.inclusion_proofs);
  input.consistency_proofs = std::move(bundle.consistency_proofs);
  input.states = std::move(bundle.states);
  return input;
}

}  // namespace cellchain::ledger
