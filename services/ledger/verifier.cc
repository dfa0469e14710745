// One verification pass (Verify, verifier.h): the records' parallel phase,
// then each check over the state it loaded. The checks share that state
// (the parsed fields, leaves and keys of every record), which is why they
// stay in one file past 800 lines; the record format they read is
// record_format.cc.
#include "services/ledger/verifier.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/sha256.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/ledger/internal_text.h"

namespace cellchain::ledger {
namespace {

// Records per unit of work handed to a thread: large enough that the shared
// counter is not contended, small enough to balance the threads' load.
constexpr size_t kChunk = 64;

constexpr auto kProgressInterval = std::chrono::milliseconds(100);

using internal::TimeText;

// True iff `bytes` holds exactly `hash`.
bool Equal(const Hash& hash, std::string_view bytes) {
  return bytes.size() == hash.size() &&
         std::equal(hash.begin(), hash.end(),
                    reinterpret_cast<const uint8_t*>(bytes.data()));
}

struct HashHasher {
  size_t operator()(const Hash& hash) const {
    // A SHA-256 output: any 8 of its bytes are uniformly distributed.
    size_t value;
    std::memcpy(&value, hash.data(), sizeof(value));
    return value;
  }
};

// Hex of a hash-like value for messages, or "(none)" for an empty one.
std::string HexOrNone(std::string_view bytes) {
  return bytes.empty() ? std::string("(none)") : crypto::HexEncode(bytes);
}

// ---------------------------------------------------------------------------
// Per-record results of the parallel phase.

enum class SignatureOutcome : uint8_t {
  kValid,
  kInvalid,
  kUnknownKey,
  kMalformedKey,
  kUntrustedKey,
};

struct RecordResult {
  absl::StatusOr<RecordFields> fields = absl::UnknownError("not parsed");
  Hash leaf{};  // LeafHash(record bytes).
  // The key the record names: the signed key id when the bytes parse, else
  // the stored column.
  std::string key_id;
  SignatureOutcome signature = SignatureOutcome::kInvalid;
};

struct LoadedKey {
  const SigningKeyInfo* info;
  std::optional<crypto::Ed25519PublicKey> key;  // nullopt: not 32 bytes.
  // False when a keyring was given and does not list this key.
  bool trusted = true;
};

using KeyMap = std::unordered_map<std::string, LoadedKey>;

void CheckOneRecord(const StoredRecord& record, const KeyMap& keys,
                    std::string& message_buffer, RecordResult& result) {
  result.fields = ParseRecordFields(record.record_bytes);
  result.leaf = LeafHash(record.record_bytes);
  result.key_id = result.fields.ok() ? result.fields->key_id : record.key_id;
  auto key = keys.find(result.key_id);
  if (key == keys.end()) {
    result.signature = SignatureOutcome::kUnknownKey;
    return;
  }
  if (!key->second.trusted) {
    result.signature = SignatureOutcome::kUntrustedKey;
    return;
  }
  if (!key->second.key.has_value()) {
    result.signature = SignatureOutcome::kMalformedKey;
    return;
  }
  // One buffer per thread: Ed25519 is one-shot and needs the whole message
  // contiguous.
  message_buffer.assign(kRecordSignaturePrefix);
  message_buffer.append(record.record_bytes);
  result.signature = key->second.key->Verify(message_buffer, record.signature)
                         ? SignatureOutcome::kValid
                         : SignatureOutcome::kInvalid;
}

using ProgressFn =
    std::function<void(std::string_view phase, uint64_t done, uint64_t total)>;

size_t ThreadCount(const VerifyOptions& options) {
  return options.threads > 0
             ? static_cast<size_t>(options.threads)
             : std::max(1u, std::thread::hardware_concurrency());
}

// Runs body(begin, end) over [0, n) in chunks on up to `threads` workers,
// while the calling thread reports `phase` progress about every
// kProgressInterval. body must only write to state owned by its indexes.
template <typename Body>
void ParallelFor(size_t n, size_t threads, std::string_view phase,
                 const ProgressFn& progress, Body body) {
  auto report = [&](uint64_t done) {
    if (progress) progress(phase, done, n);
  };
  report(0);
  threads = std::min(threads, (n + kChunk - 1) / kChunk);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done{0};
  std::mutex mutex;
  std::condition_variable finished_cv;
  size_t finished = 0;
  auto work = [&]() {
    while (true) {
      size_t begin = next.fetch_add(kChunk, std::memory_order_relaxed);
      if (begin >= n) break;
      size_t end = std::min(n, begin + kChunk);
      body(begin, end);
      done.fetch_add(end - begin, std::memory_order_relaxed);
    }
    std::lock_guard<std::mutex> lock(mutex);
    ++finished;
    finished_cv.notify_one();
  };
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers.emplace_back(work);
  {
    std::unique_lock<std::mutex> lock(mutex);
    while (!finished_cv.wait_for(lock, kProgressInterval,
                                 [&] { return finished == threads; })) {
      lock.unlock();
      report(done.load(std::memory_order_relaxed));
      lock.lock();
    }
  }
  for (std::thread& worker : workers) worker.join();
  report(n);
}

// ---------------------------------------------------------------------------
// The sequential checks.

struct EntityKey {
  std::string type;
  std::string id;
  friend bool operator<(const EntityKey& a, const EntityKey& b) {
    return std::tie(a.type, a.id) < std::tie(b.type, b.id);
  }
};

class Verification {
 public:
  Verification(const VerifyInput& input, const VerifyOptions& options)
      : input_(input), options_(options) {}

  VerifyResult Execute();

 private:
  const StoredRecord& record(size_t p) const {
    return input_.records[order_[p]];
  }
  const RecordFields* fields(size_t p) const {
    return results_[p].fields.ok() ? &*results_[p].fields : nullptr;
  }

  CheckCount& count(Check check) {
    return summary_.checks[static_cast<size_t>(check)];
  }
  void Pass(Check check) { ++count(check).checked; }
  void FailRecord(Check check, size_t p, std::string message);
  void FailCheckpoint(Check check, std::optional<uint64_t> size,
                      std::string message);
  void Fail(Finding finding);

  void LoadKeys();
  void CheckLogIndexes();
  void CheckRecordContents();
  void CheckEntityChains();
  void CheckCheckpointSignatures();
  void CheckCheckpointRoots();
  void CheckConsistency();
  void CheckInclusion();
  void CheckCurrentStates();
  std::string DescribeRecord(size_t p) const;

  const VerifyInput& input_;
  const VerifyOptions& options_;
  Summary summary_;
  std::vector<Finding> findings_;

  KeyMap keys_;
  std::vector<size_t> order_;  // Positions in log order -> input index.
  std::vector<RecordResult> results_;
  // Verified checkpoints by size; two entries of one size are a fork.
  std::vector<Checkpoint> verified_;
  // Per verified checkpoint (same index): does the complete log's prefix
  // rebuild its root? nullopt: not decidable (a subset, or too short).
  std::vector<std::optional<bool>> root_matches_;
};

void Verification::Fail(Finding finding) {
  ++count(finding.check).failed;
  ++count(finding.check).checked;
  findings_.push_back(std::move(finding));
}

void Verification::FailRecord(Check check, size_t p, std::string message) {
  const StoredRecord& stored = record(p);
  Finding finding;
  finding.check = check;
  finding.record_id = stored.record_id;
  finding.log_index = stored.log_index;
  if (const RecordFields* f = fields(p)) {
    finding.entity_type = f->entity_type;
    finding.entity_id = f->entity_id;
  } else {
    finding.entity_type = stored.entity_type;
    finding.entity_id = stored.entity_id;
  }
  finding.message = std::move(message);
  Fail(std::move(finding));
}

void Verification::FailCheckpoint(Check check, std::optional<uint64_t> size,
                                  std::string message) {
  Finding finding;
  finding.check = check;
  finding.checkpoint_size = size;
  finding.message = std::move(message);
  Fail(std::move(finding));
}

std::string Verification::DescribeRecord(size_t p) const {
  return absl::StrCat("record ", record(p).record_id, " (log index ",
                      record(p).log_index, ")");
}

void Verification::LoadKeys() {
  for (const SigningKeyInfo& info : input_.keys) {
    LoadedKey loaded{&info, std::nullopt};
    if (absl::StatusOr<crypto::Ed25519PublicKey> key =
            crypto::Ed25519PublicKey::FromRaw(info.public_key);
        key.ok()) {
      loaded.key = *std::move(key);
    }
    if (input_.keyring.has_value() &&
        !input_.keyring->Trusts(info.key_id, info.public_key)) {
      loaded.trusted = false;
      Finding finding;
      finding.check = Check::kKeyValidity;
      finding.message = absl::StrCat(
          "key ", info.key_id, " of service \"", info.service, "\" is ",
          input_.keyring->Find(info.key_id) == nullptr
              ? "not in the trusted keyring"
              : "in the trusted keyring with another public key",
          ": records it signed prove nothing");
      Fail(std::move(finding));
    }
    auto [it, inserted] = keys_.emplace(info.key_id, loaded);
    if (!inserted && it->second.info->public_key != info.public_key) {
      // Which of the two signed is unknowable: keep the first, report.
      Finding finding;
      finding.check = Check::kKeyValidity;
      finding.message = absl::StrCat("key ", info.key_id,
                                     " is listed twice with different public "
                                     "keys; the first is used");
      Fail(std::move(finding));
    }
  }
  for (const std::string& row : input_.unreadable_keys) {
    Finding finding;
    finding.check = Check::kKeyValidity;
    finding.message = absl::StrCat("a signing key row cannot be read: ", row);
    Fail(std::move(finding));
  }
  summary_.keys = keys_.size();
}

void Verification::CheckLogIndexes() {
  for (size_t p = 0; p < order_.size(); ++p) {
    uint64_t index = record(p).log_index;
    if (p > 0 && index == record(p - 1).log_index) {
      FailRecord(Check::kLogIndex, p,
                 absl::StrCat("log index ", index, " is also held by ",
                              DescribeRecord(p - 1)));
    } else if (input_.complete && p == 0 && index != 0) {
      FailRecord(Check::kLogIndex, p,
                 absl::StrCat("the log starts at index ", index,
                              ": indexes 0 to ", index - 1, " are missing"));
    } else if (input_.complete && p > 0 &&
               index != record(p - 1).log_index + 1) {
      uint64_t previous = record(p - 1).log_index;
      FailRecord(
          Check::kLogIndex, p,
          index - previous == 2
              ? absl::StrCat("log index ", previous + 1,
                             " is missing (a record was deleted)")
              : absl::StrCat("log indexes ", previous + 1, " to ", index - 1,
                             " are missing (", index - previous - 1,
                             " records were deleted)"));
    } else {
      Pass(Check::kLogIndex);
    }
  }
}

void Verification::CheckRecordContents() {
  for (size_t p = 0; p < order_.size(); ++p) {
    const StoredRecord& stored = record(p);
    const RecordResult& result = results_[p];

    if (Equal(result.leaf, stored.leaf_hash)) {
      Pass(Check::kLeafHash);
    } else {
      FailRecord(Check::kLeafHash, p,
                 absl::StrCat("stored leaf hash ", HexOrNone(stored.leaf_hash),
                              " is not LeafHash(record bytes) ",
                              HashHex(result.leaf)));
    }

    const RecordFields* f = fields(p);
    if (f == nullptr) {
      FailRecord(Check::kColumns, p,
                 absl::StrCat("record bytes do not parse as an AuditRecord: ",
                              result.fields.status().message()));
    } else {
      std::vector<std::string> diffs;
      auto compare = [&](std::string_view column, std::string_view stored_value,
                         std::string_view signed_value) {
        if (stored_value == signed_value) return;
        diffs.push_back(absl::StrCat(
            ToAbsl(column), " is \"", ToAbsl(stored_value),
            "\" but the signed record says \"", ToAbsl(signed_value), "\""));
      };
      compare("record_id", stored.record_id, f->record_id);
      compare("service", stored.service, f->service);
      compare("key_id", stored.key_id, f->key_id);
      if (stored.recorded_at != f->recorded_at) {
        diffs.push_back(absl::StrCat(
            "recorded_at is ", TimeText(stored.recorded_at),
            " but the signed record says ", TimeText(f->recorded_at)));
      }
      compare("entity_type", stored.entity_type, f->entity_type);
      compare("entity_id", stored.entity_id, f->entity_id);
      compare("actor_user_id", stored.actor_user_id, f->actor_user_id);
      compare("action", stored.action, f->action);
      if (stored.din != f->din) {
        diffs.push_back(absl::StrCat(
            "din is ",
            stored.din ? absl::StrCat("\"", *stored.din, "\"") : "NULL",
            " but the signed record says ",
            f->din ? absl::StrCat("\"", *f->din, "\"") : "none"));
      }
      compare("request_id", stored.request_id, f->request_id);
      if (stored.previous_entity_hash != f->previous_entity_hash) {
        diffs.push_back(absl::StrCat("previous_entity_hash is ",
                                     HexOrNone(stored.previous_entity_hash),
                                     " but the signed record says ",
                                     HexOrNone(f->previous_entity_hash)));
      }
      if (diffs.empty()) {
        Pass(Check::kColumns);
      } else {
        FailRecord(Check::kColumns, p,
                   absl::StrCat("stored columns differ from the signed "
                                "record: ",
                                absl::StrJoin(diffs, "; ")));
      }
    }

    auto key = keys_.find(result.key_id);
    switch (result.signature) {
      case SignatureOutcome::kValid:
        Pass(Check::kSignature);
        break;
      case SignatureOutcome::kInvalid:
        FailRecord(
            Check::kSignature, p,
            absl::StrCat("signature does not verify with key ", result.key_id));
        break;
      case SignatureOutcome::kUnknownKey:
        FailRecord(
            Check::kSignature, p,
            absl::StrCat("signed by unknown key \"", result.key_id, "\""));
        break;
      case SignatureOutcome::kUntrustedKey:
        FailRecord(Check::kSignature, p,
                   absl::StrCat("signed by key ", result.key_id,
                                ", which the trusted keyring does not list: "
                                "the signature proves nothing"));
        break;
      case SignatureOutcome::kMalformedKey:
        FailRecord(Check::kSignature, p,
                   absl::StrCat("cannot verify: the public key of ",
                                result.key_id, " is not 32 bytes"));
        break;
    }

    // The key's own facts, from the signed record where it parses.
    if (key == keys_.end() || f == nullptr) continue;
    const SigningKeyInfo& info = *key->second.info;
    std::vector<std::string> problems;
    if (!key->second.key.has_value()) {
      problems.push_back(absl::StrCat(
          "the public key is ", info.public_key.size(), " bytes, not 32"));
    } else if (std::string derived =
                   SigningKeyId(info.service, info.public_key);
               derived != info.key_id) {
      problems.push_back(absl::StrCat("its public key's id is ", derived));
    }
    if (info.service != f->service) {
      problems.push_back(absl::StrCat("it belongs to service \"", info.service,
                                      "\", the record to \"", f->service,
                                      "\""));
    }
    if (info.valid_from > f->recorded_at) {
      problems.push_back(
          absl::StrCat("it is valid from ", TimeText(info.valid_from),
                       ", after the record's time ", TimeText(f->recorded_at)));
    }
    if (problems.empty()) {
      Pass(Check::kKeyValidity);
    } else {
      FailRecord(Check::kKeyValidity, p,
                 absl::StrCat("key ", info.key_id, ": ",
                              absl::StrJoin(problems, "; ")));
    }
  }
}

void Verification::CheckEntityChains() {
  // Leaf hash -> position, to name the record a link points to.
  std::unordered_map<Hash, size_t, HashHasher> by_leaf;
  by_leaf.reserve(order_.size());
  for (size_t p = 0; p < order_.size(); ++p) {
    by_leaf.emplace(results_[p].leaf, p);
  }
  // The position of the record whose leaf hash is `link`, if present.
  auto target = [&](const std::string& link) -> std::optional<size_t> {
    absl::StatusOr<Hash> hash = HashFromBytes(link);
    if (!hash.ok()) return std::nullopt;
    auto it = by_leaf.find(*hash);
    if (it == by_leaf.end()) return std::nullopt;
    return it->second;
  };
  auto describe_link = [&](const std::string& link) {
    std::optional<size_t> to = target(link);
    return absl::StrCat(
        crypto::HexEncode(link),
        to ? absl::StrCat(" (the leaf hash of ", DescribeRecord(*to), ")")
           : std::string());
  };

  std::map<EntityKey, size_t> last;  // Entity -> its latest position so far.
  for (size_t p = 0; p < order_.size(); ++p) {
    const RecordFields* f = fields(p);
    if (f == nullptr) continue;  // COLUMNS said so; its entity is unknown.
    auto [it, first] = last.try_emplace({f->entity_type, f->entity_id}, p);
    const std::string& link = f->previous_entity_hash;
    if (first) {
      if (link.empty()) {
        Pass(Check::kEntityChain);
      } else if (target(link).has_value()) {
        // Present, yet not an earlier record of this entity: a later one,
        // or another entity's.
        FailRecord(Check::kEntityChain, p,
                   absl::StrCat("the first record of this entity links to ",
                                describe_link(link),
                                ", which is not an earlier record of the "
                                "entity"));
      } else if (!input_.complete) {
        ++summary_.chain_starts_unchecked;
      } else {
        FailRecord(Check::kEntityChain, p,
                   absl::StrCat("no earlier record of this entity is in the "
                                "log, but previous_entity_hash is ",
                                describe_link(link),
                                ": a record was deleted or altered"));
      }
      continue;
    }
    size_t previous = it->second;
    it->second = p;
    const Hash& expected = results_[previous].leaf;
    if (Equal(expected, link)) {
      Pass(Check::kEntityChain);
    } else if (link.empty()) {
      FailRecord(Check::kEntityChain, p,
                 absl::StrCat("previous_entity_hash is empty, but ",
                              DescribeRecord(previous),
                              " of this entity precedes it"));
    } else if (!input_.complete && !target(link).has_value()) {
      ++summary_.chain_gaps_unchecked;
    } else {
      FailRecord(
          Check::kEntityChain, p,
          absl::StrCat("previous_entity_hash ", describe_link(link),
                       " is not the leaf hash ", HashHex(expected),
                       " of the entity's previous ", DescribeRecord(previous)));
    }
  }
  summary_.entities = last.size();
}

void Verification::CheckCheckpointSignatures() {
  for (const std::string& note : input_.checkpoints) {
    absl::StatusOr<Checkpoint> checkpoint =
        VerifyCheckpoint(note, input_.origin, input_.checkpoint_verifiers);
    if (checkpoint.ok()) {
      Pass(Check::kCheckpointSignature);
      verified_.push_back(*std::move(checkpoint));
      continue;
    }
    // Name the checkpoint by the size it claims, when it says one.
    std::optional<uint64_t> size;
    if (absl::StatusOr<Note> parsed = ParseNote(note); parsed.ok()) {
      if (absl::StatusOr<Checkpoint> claimed = ParseCheckpoint(parsed->text);
          claimed.ok()) {
        size = claimed->size;
      }
    }
    FailCheckpoint(Check::kCheckpointSignature, size,
                   std::string(checkpoint.status().message()));
  }
  std::sort(verified_.begin(), verified_.end(),
            [](const Checkpoint& a, const Checkpoint& b) {
              return std::tie(a.size, a.root) < std::tie(b.size, b.root);
            });
  verified_.erase(std::unique(verified_.begin(), verified_.end(),
                              [](const Checkpoint& a, const Checkpoint& b) {
                                return a.size == b.size && a.root == b.root;
                              }),
                  verified_.end());
  summary_.checkpoints = input_.checkpoints.size();
  summary_.checkpoints_verified = verified_.size();
  if (!verified_.empty()) summary_.tree_size = verified_.back().size;
  if (verified_.empty() && !order_.empty()) {
    FailCheckpoint(Check::kCheckpointSignature, std::nullopt,
                   "no checkpoint verifies with the given key(s): nothing "
                   "ties these records to the log");
  }
}

void Verification::CheckCheckpointRoots() {
  root_matches_.assign(verified_.size(), std::nullopt);
  if (!input_.complete || verified_.empty()) return;
  const uint64_t n = order_.size();
  const uint64_t last_size = std::min(n, verified_.back().size);
  auto report = [&](uint64_t done) {
    if (options_.progress) options_.progress("tree", done, last_size);
  };
  report(0);
  MerkleFrontier frontier;
  auto next_report = std::chrono::steady_clock::now() + kProgressInterval;
  for (size_t c = 0; c < verified_.size(); ++c) {
    const Checkpoint& checkpoint = verified_[c];
    if (checkpoint.size > n) {
      root_matches_[c] = false;
      FailCheckpoint(Check::kCheckpointRoot, checkpoint.size,
                     absl::StrCat("the checkpoint covers ", checkpoint.size,
                                  " records but the log holds ", n,
                                  ": records were deleted"));
      continue;
    }
    while (frontier.size() < checkpoint.size) {
      frontier.Append(results_[frontier.size()].leaf);
      if ((frontier.size() & 0xFFF) == 0 &&
          std::chrono::steady_clock::now() >= next_report) {
        report(frontier.size());
        next_report = std::chrono::steady_clock::now() + kProgressInterval;
      }
    }
    Hash root = frontier.Root();
    root_matches_[c] = root == checkpoint.root;
    if (root == checkpoint.root) {
      Pass(Check::kCheckpointRoot);
    } else {
      FailCheckpoint(
          Check::kCheckpointRoot, checkpoint.size,
          absl::StrCat("the first ", checkpoint.size,
                       " records of the log hash to root ", HashHex(root),
                       ", the checkpoint says ", HashHex(checkpoint.root),
                       ": a record was changed, deleted, inserted or moved"));
    }
  }
  report(last_size);
}

void Verification::CheckConsistency() {
  // Index of the first verified checkpoint of each size.
  std::map<uint64_t, size_t> by_size;
  for (size_t c = 0; c < verified_.size(); ++c) {
    by_size.try_emplace(verified_[c].size, c);
  }
  std::set<std::pair<uint64_t, uint64_t>> proven;
  for (const ConsistencyProofInput& proof : input_.consistency_proofs) {
    auto first = by_size.find(proof.size1);
    auto second = by_size.find(proof.size2);
    if (first == by_size.end() || second == by_size.end()) {
      FailCheckpoint(
          Check::kCheckpointConsistency, proof.size2,
          absl::StrCat("a consistency proof from size ", proof.size1, " to ",
                       proof.size2,
                       " is given but no verified checkpoint has "
                       "size ",
                       first == by_size.end() ? proof.size1 : proof.size2));
      continue;
    }
    proven.emplace(proof.size1, proof.size2);
    absl::Status status = VerifyConsistency(
        proof.size1, proof.size2, proof.hashes, verified_[first->second].root,
        verified_[second->second].root);
    if (status.ok()) {
      Pass(Check::kCheckpointConsistency);
    } else {
      FailCheckpoint(
          Check::kCheckpointConsistency, proof.size2,
          absl::StrCat("checkpoints ", proof.size1, " and ", proof.size2,
                       " are not consistent (a fork): ", status.message()));
    }
  }
  for (size_t c = 1; c < verified_.size(); ++c) {
    const Checkpoint& a = verified_[c - 1];
    const Checkpoint& b = verified_[c];
    if (a.size == b.size) {
      FailCheckpoint(Check::kCheckpointConsistency, b.size,
                     absl::StrCat("two checkpoints of size ", b.size,
                                  " have different roots ", HashHex(a.root),
                                  " and ", HashHex(b.root), " (a fork)"));
      continue;
    }
    if (proven.contains({a.size, b.size})) continue;
    if (input_.complete) {
      // Both roots rebuilt from the same leaves: one is a prefix of the
      // other. Where one does not rebuild, CHECKPOINT_ROOT says so and the
      // leaves cannot tell whether the two checkpoints agree.
      if (root_matches_[c - 1] == true && root_matches_[c] == true) {
        Pass(Check::kCheckpointConsistency);
      }
    } else {
      FailCheckpoint(Check::kCheckpointConsistency, b.size,
                     absl::StrCat("no consistency proof from checkpoint ",
                                  a.size, " to ", b.size));
    }
  }
}

void Verification::CheckInclusion() {
  std::unordered_map<uint64_t, size_t> by_index;
  for (size_t p = 0; p < order_.size(); ++p) {
    by_index.try_emplace(record(p).log_index, p);
  }
  std::map<uint64_t, size_t> by_size;
  for (size_t c = 0; c < verified_.size(); ++c) {
    by_size.try_emplace(verified_[c].size, c);
  }
  // Each proof is O(log n) hashes; a full export holds one per record, so
  // they run on all cores too.
  const std::vector<InclusionProofInput>& proofs = input_.inclusion_proofs;
  std::vector<absl::Status> outcomes(proofs.size());
  ParallelFor(
      proofs.size(), ThreadCount(options_), "proofs", options_.progress,
      [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
          const InclusionProofInput& proof = proofs[i];
          auto position = by_index.find(proof.log_index);
          auto checkpoint = by_size.find(proof.tree_size);
          if (position == by_index.end() || checkpoint == by_size.end()) {
            continue;  // Reported below.
          }
          outcomes[i] = VerifyInclusion(
              proof.log_index, proof.tree_size, results_[position->second].leaf,
              proof.hashes, verified_[checkpoint->second].root);
        }
      });

  std::vector<bool> has_proof(order_.size(), false);
  for (size_t i = 0; i < proofs.size(); ++i) {
    const InclusionProofInput& proof = proofs[i];
    auto position = by_index.find(proof.log_index);
    if (position == by_index.end()) {
      Finding finding;
      finding.check = Check::kInclusionProof;
      finding.log_index = proof.log_index;
      finding.checkpoint_size = proof.tree_size;
      finding.message = absl::StrCat(
          "an inclusion proof is given for log "
          "index ",
          proof.log_index, " but no record has it");
      Fail(std::move(finding));
      continue;
    }
    size_t p = position->second;
    has_proof[p] = true;
    if (!by_size.contains(proof.tree_size)) {
      FailRecord(
          Check::kInclusionProof, p,
          absl::StrCat("the inclusion proof is against tree size ",
                       proof.tree_size, ", for which no checkpoint verifies"));
    } else if (outcomes[i].ok()) {
      Pass(Check::kInclusionProof);
    } else {
      FailRecord(Check::kInclusionProof, p,
                 absl::StrCat("not proven in checkpoint ", proof.tree_size,
                              ": ", outcomes[i].message()));
    }
  }
  for (size_t p = 0; p < order_.size(); ++p) {
    if (record(p).log_index >= summary_.tree_size) {
      ++summary_.records_beyond_checkpoint;
    } else if (!input_.complete && !has_proof[p]) {
      // A subset's record is tied to the log by its proof alone.
      FailRecord(Check::kInclusionProof, p,
                 absl::StrCat("no inclusion proof in checkpoint ",
                              summary_.tree_size));
    }
  }
}

void Verification::CheckCurrentStates() {
  std::map<EntityKey, size_t> latest;  // Latest position with after_state.
  std::map<EntityKey, size_t> any;
  for (size_t p = 0; p < order_.size(); ++p) {
    const RecordFields* f = fields(p);
    if (f == nullptr) continue;
    EntityKey key{f->entity_type, f->entity_id};
    any[key] = p;
    if (f->has_after_state) latest[key] = p;
  }
  for (const CurrentState& state : input_.states) {
    EntityKey key{state.entity_type, state.entity_id};
    auto it = latest.find(key);
    if (it == latest.end()) {
      Finding finding;
      finding.check = Check::kCurrentState;
      finding.entity_type = state.entity_type;
      finding.entity_id = state.entity_id;
      finding.message =
          any.contains(key)
              ? "no record of this entity holds an after_state to compare "
                "its current state with"
              : "the entity has a current state but no audit record";
      Fail(std::move(finding));
      continue;
    }
    size_t p = it->second;
    const std::string& snapshot = fields(p)->after_state_value;
    if (!state.state.has_value()) {
      FailRecord(Check::kCurrentState, p,
                 "the entity has no current row, but this, its latest record, "
                 "holds its state");
    } else if (*state.state != snapshot) {
      FailRecord(
          Check::kCurrentState, p,
          absl::StrCat("the entity's current state (", state.state->size(),
                       " bytes, SHA-256 ", crypto::Sha256Hex(*state.state),
                       ") differs from the after_state of its latest record (",
                       snapshot.size(), " bytes, SHA-256 ",
                       crypto::Sha256Hex(snapshot),
                       "): changed behind the application's back"));
    } else {
      Pass(Check::kCurrentState);
    }
  }
}

VerifyResult Verification::Execute() {
  summary_.complete = input_.complete;
  summary_.records = input_.records.size();
  summary_.inclusion_proofs = input_.inclusion_proofs.size();
  summary_.consistency_proofs = input_.consistency_proofs.size();
  summary_.states = input_.states.size();

  order_.resize(input_.records.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
    return input_.records[a].log_index < input_.records[b].log_index;
  });

  LoadKeys();
  // Signatures dominate the cost: every record's parse, leaf hash and
  // signature check run on all cores, each into its own slot.
  results_.resize(order_.size());
  ParallelFor(order_.size(), ThreadCount(options_), "records",
              options_.progress, [&](size_t begin, size_t end) {
                std::string buffer;
                for (size_t p = begin; p < end; ++p) {
                  CheckOneRecord(record(p), keys_, buffer, results_[p]);
                }
              });
  CheckLogIndexes();
  CheckRecordContents();
  CheckEntityChains();
  CheckCheckpointSignatures();
  CheckCheckpointRoots();
  CheckConsistency();
  CheckInclusion();
  CheckCurrentStates();

  // Record findings in log order, then the rest by checkpoint size; within
  // one record or checkpoint, in check order. Stable: ties keep the order
  // in which the checks ran.
  auto rank = [](const Finding& f) {
    return std::make_tuple(!f.log_index.has_value(), f.log_index.value_or(0),
                           f.checkpoint_size.value_or(0),
                           static_cast<int>(f.check));
  };
  std::stable_sort(
      findings_.begin(), findings_.end(),
      [&](const Finding& a, const Finding& b) { return rank(a) < rank(b); });
  return VerifyResult{summary_, std::move(findings_)};
}

}  // namespace

std::string_view CheckName(Check check) {
  switch (check) {
    case Check::kLogIndex:
      return "LOG_INDEX";
    case Check::kLeafHash:
      return "LEAF_HASH";
    case Check::kColumns:
      return "COLUMNS";
    case Check::kKeyValidity:
      return "KEY_VALIDITY";
    case Check::kSignature:
      return "SIGNATURE";
    case Check::kEntityChain:
      return "ENTITY_CHAIN";
    case Check::kCheckpointSignature:
      return "CHECKPOINT_SIGNATURE";
    case Check::kCheckpointRoot:
      return "CHECKPOINT_ROOT";
    case Check::kCheckpointConsistency:
      return "CHECKPOINT_CONSISTENCY";
    case Check::kInclusionProof:
      return "INCLUSION_PROOF";
    case Check::kCurrentState:
      return "CURRENT_STATE";
  }
  return "UNKNOWN";
}

std::string FormatFinding(const Finding& finding) {
  std::string line(CheckName(finding.check));
  std::vector<std::string> details;
  if (!finding.record_id.empty()) {
    absl::StrAppend(&line, " record ", finding.record_id);
    if (finding.log_index) {
      details.push_back(absl::StrCat("log index ", *finding.log_index));
    }
  } else if (finding.log_index) {
    absl::StrAppend(&line, " log index ", *finding.log_index);
  } else if (finding.checkpoint_size) {
    absl::StrAppend(&line, " checkpoint ", *finding.checkpoint_size);
  }
  if (!finding.entity_type.empty() || !finding.entity_id.empty()) {
    std::string entity =
        absl::StrCat("entity ", finding.entity_type, "/", finding.entity_id);
    if (finding.record_id.empty() && !finding.log_index) {
      absl::StrAppend(&line, " ", entity);
    } else {
      details.push_back(std::move(entity));
    }
  }
  if (!details.empty()) {
    absl::StrAppend(&line, " (", absl::StrJoin(details, ", "), ")");
  }
  absl::StrAppend(&line, ": ", finding.message);
  return line;
}

VerifyResult Verify(const VerifyInput& input, const VerifyOptions& options) {
  return Verification(input, options).Execute();
}

}  // namespace cellchain::ledger
