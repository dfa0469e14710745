#include "services/ledger/admission.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/ledger/merkle.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger {
namespace {

// Records per unit of work taken by a thread.
constexpr size_t kRecordsPerTask = 64;

}  // namespace

absl::StatusOr<Admission> Admission::Create(const Keyring& keyring) {
  if (keyring.empty()) {
    return InvalidField("keyring",
                        "no trusted record-signing key: every record would "
                        "be refused");
  }
  std::unordered_map<std::string, Key> keys;
  for (const TrustedKey& trusted : keyring.keys()) {
    CC_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key,
                        crypto::Ed25519PublicKey::FromRaw(trusted.public_key));
    keys.emplace(trusted.key_id, Key{trusted.service, std::move(key)});
  }
  return Admission(std::move(keys));
}

std::optional<std::string> Admission::Check(
    const AdmissionInput& record) const {
  auto key = keys_.find(std::string(record.key_id));
  if (key == keys_.end()) {
    return absl::StrCat("key ", ToAbsl(record.key_id),
                        " is not in the trusted keyring");
  }
  if (key->second.service != record.service) {
    return absl::StrCat("key ", ToAbsl(record.key_id), " belongs to service ",
                        key->second.service, ", the record to ",
                        ToAbsl(record.service));
  }
  Hash leaf = LeafHash(record.record_bytes);
  if (record.queued_leaf_hash !=
      std::string_view(reinterpret_cast<const char*>(leaf.data()),
                       leaf.size())) {
    return std::string("the leaf hash queued is not the record's");
  }
  if (!key->second.public_key.Verify(
          RecordSignatureMessage(record.record_bytes), record.signature)) {
    return absl::StrCat("the signature does not verify with key ",
                        ToAbsl(record.key_id));
  }
  return std::nullopt;
}

std::vector<std::optional<std::string>> Admission::CheckAll(
    std::span<const AdmissionInput> records, int threads) const {
  std::vector<std::optional<std::string>> results(records.size());
  size_t workers = threads > 0
                       ? static_cast<size_t>(threads)
                       : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers,
                     (records.size() + kRecordsPerTask - 1) / kRecordsPerTask);
  std::atomic<size_t> next{0};
  auto work = [&] {
    while (true) {
      size_t begin = next.fetch_add(kRecordsPerTask, std::memory_order_relaxed);
      if (begin >= records.size()) return;
      size_t end = std::min(records.size(), begin + kRecordsPerTask);
      for (size_t i = begin; i < end; ++i) results[i] = Check(records[i]);
    }
  };
  if (workers <= 1) {
    work();
    return results;
  }
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t i = 1; i < workers; ++i) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return results;
}

}  // namespace cellchain::ledger
