// Admission: what the sequencer checks of a record before it gives the
// record a place in the log (issue 23). A record enters the log only if the
// trusted keyring (keyring.h) lists the key it names, that key belongs to the
// record's service, its signature verifies with that key over
// "cellchain.audit.v1.record\0" ‖ bytes, and the leaf hash queued for it is
// the bytes' RFC 6962 leaf hash. Whatever a database insider inserts into
// records and pending without a trusted private key is therefore never
// checkpointed, and is reported: refused, or, when its key is registered in
// the database but not in the keyring, held pending by the sequencer
// (sequencer.h, SequencerOptions::keyring).
//
// Pure: no database, no network. Thread-safety: an Admission is immutable
// after Create(); Check() and CheckAll() may run concurrently.
#ifndef CELLCHAIN_SERVICES_LEDGER_ADMISSION_H_
#define CELLCHAIN_SERVICES_LEDGER_ADMISSION_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/crypto/ed25519.h"
#include "services/ledger/keyring.h"

namespace cellchain::ledger {

// What a record says of itself, as stored.
struct AdmissionInput {
  std::string_view key_id;    // records.key_id
  std::string_view service;   // records.service
  std::string_view record_bytes;
  std::string_view signature;
  std::string_view queued_leaf_hash;  // pending.leaf_hash
};

class Admission {
 public:
  // INVALID_ARGUMENT (field "keyring"): an empty keyring, which would refuse
  // every record.
  static absl::StatusOr<Admission> Create(const Keyring& keyring);

  // nullopt when the record may enter the log; otherwise why not, one
  // sentence naming the key or the check.
  std::optional<std::string> Check(const AdmissionInput& record) const;

  // Check() of every record, on up to `threads` threads (0: the hardware's),
  // results in input order. Signatures dominate: about 8,000 a second per
  // core (docs/performance.md).
  std::vector<std::optional<std::string>> CheckAll(
      std::span<const AdmissionInput> records, int threads = 0) const;

 private:
  struct Key {
    std::string service;
    crypto::Ed25519PublicKey public_key;
  };
  explicit Admission(std::unordered_map<std::string, Key> keys)
      : keys_(std::move(keys)) {}

  std::unordered_map<std::string, Key> keys_;
};

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_ADMISSION_H_
