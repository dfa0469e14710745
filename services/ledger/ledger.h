// CONTRACT DRAFT (lead): the API the helpers build to. The helper who owns
// this file replaces this comment with the real header comment.
//
// Ledger: the signed audit ledger every service writes through (design brief
// §2, docs/services/audit.md). Append() runs INSIDE the caller's
// transaction, so a change never commits without its record nor a record
// without its change.
//
// Record bytes: the deterministic serialization of
//   cellchain.audit.v1.AuditRecord, stored verbatim in
//   cellchain_audit.records.record_bytes.
// Signature: Ed25519 over  kRecordSignatureDomain ‖ record_bytes
//   (kRecordSignatureDomain = "cellchain.audit.v1.record\0", 26 bytes incl.
//   the NUL), so `openssl pkeyutl -verify -rawin` checks it on a file made
//   with printf 'cellchain.audit.v1.record\0' and the record bytes.
// Leaf: RFC 6962 LeafHash(record_bytes). previous_entity_hash = the leaf
//   hash of the entity's previous record.
// Key id: lowercase hex of the first 8 bytes of SHA-256(raw 32-byte public
//   key), prefixed with the service: "<service>:<16 hex>".
#ifndef CELLCHAIN_SERVICES_LEDGER_LEDGER_H_
#define CELLCHAIN_SERVICES_LEDGER_LEDGER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/record.pb.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/transaction.h"

namespace cellchain::ledger {

inline constexpr char kRecordSignatureDomain[] = "cellchain.audit.v1.record";
// (the signed message is the domain, one 0x00 byte, then the record bytes)

// What a service says about its change; the ledger fills in the rest
// (record id, service, key id, time, previous entity hash).
struct Event {
  cellchain::common::v1::Actor actor;  // workstation = client cert subject
  std::string action;                  // "donor_lot.receive"
  std::string entity_type;
  std::string entity_id;
  std::vector<cellchain::audit::v1::Isbt128Identifier> isbt128;
  std::string reason;
  // Snapshot of the entity after the change (packed into after_state).
  const google::protobuf::Message* after_state = nullptr;
  std::optional<cellchain::common::v1::SignatureManifestation> signature;
  std::string request_id;
};

struct Appended {
  std::string record_id;
  std::string leaf_hash;     // 32 bytes
  std::string record_bytes;  // exactly what was stored and signed
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
};

class Ledger {
 public:
  // Loads nothing from the database; RegisterKey() must have run (at
  // startup) for `key`'s public key.
  Ledger(std::string service, crypto::Ed25519PrivateKey key, Clock* clock);

  // Registers this service's public key in cellchain_audit.signing_keys
  // (idempotent). Call once at startup.
  absl::Status RegisterKey(pg::Connection& connection);

  // Appends one signed record in `tx`. INVALID_ARGUMENT naming the field
  // for a malformed event (empty action/entity, no actor).
  // At most two round trips: lock+read the entity head (pipelined with its
  // creation), then INSERT record + UPDATE head + INSERT pending (pipelined).
  absl::StatusOr<Appended> Append(pg::Transaction& tx, const Event& event);

  const std::string& key_id() const;
};

// How verification reads an entity's current state, to compare it with the
// after_state of its latest record (finds rows changed behind the
// application's back). Registered per entity type by the owning service.
using StateReader = std::function<absl::StatusOr<std::string>(
    pg::Connection& connection, const std::string& entity_id)>;
// returns the deterministic serialization of the entity's current proto, or
// NOT_FOUND.

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_LEDGER_H_
