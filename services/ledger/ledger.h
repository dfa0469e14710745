// Ledger: the append path of the signed audit ledger (design brief §2). Every
// service writes each state change's audit record through Append(), INSIDE
// the transaction of the change, so that a change never commits without its
// record nor a record without its change.
//
// Formats (shared with the sequencer, the audit service and cellchain-verify;
// changing any of them breaks the verification of stored records):
//   record bytes  the deterministic serialization of
//                 cellchain.audit.v1.AuditRecord, stored verbatim in
//                 cellchain_audit.records.record_bytes. Nothing ever
//                 re-serializes a record: verifiers parse and check the stored
//                 bytes.
//   signature     Ed25519 (pure, RFC 8032) over SignedMessage(record_bytes) =
//                 "cellchain.audit.v1.record" ‖ 0x00 ‖ record_bytes. The
//                 domain keeps a record signature from ever being valid as a
//                 signature of anything else the same key signs. Checkable
//                 with nothing but openssl:
//                   { printf 'cellchain.audit.v1.record\0'; cat rec.bin; } >m
//                   openssl pkeyutl -verify -pubin -inkey key.pub -rawin
//                     -in m -sigfile rec.sig   (one command line)
//   leaf hash     RFC 6962 LeafHash(record_bytes) = SHA-256(0x00 ‖ bytes).
//   entity chain  previous_entity_hash = the leaf hash of the entity's
//                 previous record; empty for its first record. The
//                 unsigned column records.entity_seq numbers the chain
//                 1, 2, 3, ... (an index, not part of the signed bytes).
//   key id        KeyIdFor(service, raw public key) =
//                 "<service>:" + lowercase hex of the first 8 bytes of
//                 SHA-256(raw 32-byte public key).
//   after_state   google.protobuf.Any with type URL
//                 "type.googleapis.com/<full message name>" and, as value,
//                 SerializeDeterministic(snapshot): the same bytes a
//                 StateReader (state_registry.h) returns for the entity's
//                 current row, so the two compare byte for byte.
//
// Thread-safety: a Ledger is immutable after Create(); Append() and Seal()
// are const and safe to call from any number of threads at once (each with
// its own transaction). The Clock must be thread-safe too. The free
// functions are pure.
#ifndef CELLCHAIN_SERVICES_LEDGER_LEDGER_H_
#define CELLCHAIN_SERVICES_LEDGER_LEDGER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/audit/v1/record.pb.h"
#include "cellchain/common/v1/common.pb.h"
#include "google/protobuf/message.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"

namespace cellchain::ledger {

// The signature domain, without its terminating 0x00 (SignedMessage adds it).
inline constexpr char kRecordSignatureDomain[] = "cellchain.audit.v1.record";
inline constexpr char kAfterStateTypeUrlPrefix[] = "type.googleapis.com/";

// kRecordSignatureDomain ‖ 0x00 ‖ record_bytes: what the service signs and
// what a verifier checks the signature against.
std::string SignedMessage(std::string_view record_bytes);

// "<service>:<16 lowercase hex>" (see the top of the file). Does not check
// its arguments; Ledger::Create refuses a bad service name.
std::string KeyIdFor(std::string_view service, std::string_view public_key_raw);

// The deterministic serialization of `message` (map entries ordered by key),
// for after_state snapshots and StateReaders.
// INTERNAL: protobuf refused to serialize (a message over 2 GiB).
absl::StatusOr<std::string> SerializeDeterministic(
    const google::protobuf::Message& message);

// True when `action` is a correction, which must carry a reason (21 CFR
// 11.10(e): a change must not obscure what it changes, and says why).
// The rule: the action's verb, the part after its last '.', is "correct" or
// starts with "correct_": "donor.correct", "dose.correct_volume". Services
// name every correcting action so; a correction named otherwise would escape
// the rule, so review action names with that in mind.
bool IsCorrection(std::string_view action);

// What a service says about its change; the ledger fills in the rest
// (record id, service, key id, time, previous entity hash).
struct Event {
  // Who. user_id and printed_name are required; role and workstation (the
  // client certificate subject) are recorded as given.
  cellchain::common::v1::Actor actor;
  // "<entity>.<verb>", snake_case segments separated by dots:
  // "donor_lot.receive", "dose.release_refused".
  std::string action;
  // snake_case ("donor_lot"); together with entity_id it names the chain.
  std::string entity_type;
  std::string entity_id;
  // The entity's ISBT 128 identifiers, if it has any. The first of kind
  // "din" is also stored in the indexed column records.din.
  std::vector<cellchain::audit::v1::Isbt128Identifier> isbt128;
  // Why. Required (non-blank) when IsCorrection(action).
  std::string reason;
  // Required: the entity's state after the change. Not owned; must outlive
  // the Append() call.
  const google::protobuf::Message* after_state = nullptr;
  // Set when the action is an electronic signature. signed_at, when unset,
  // becomes the record's recorded_at.
  std::optional<cellchain::common::v1::SignatureManifestation> signature;
  // The client's request id (RequestContext.request_id): 16 to 64 characters
  // of [A-Za-z0-9_-].
  std::string request_id;
};

// Checks an event without touching anything. INVALID_ARGUMENT whose field
// (status.h FieldOf) is one of: action, entity_type, entity_id,
// actor.user_id, actor.printed_name, actor.role, actor.workstation,
// request_id, reason, after_state, isbt128[i].kind, isbt128[i].value,
// signature.user_id, signature.printed_name, signature.meaning — for a
// required field that is empty or blank, a malformed action or entity type,
// a bad request id, text that is not valid UTF-8 (protobuf could not parse
// the record back) or holds a NUL byte (PostgreSQL text cannot store it).
absl::Status ValidateEvent(const Event& event);

// A record built and signed, as stored.
struct SignedRecord {
  std::string record_id;
  absl::Time recorded_at;            // microsecond precision, as in the record
  std::string record_bytes;          // exactly what was signed and stored
  std::string signature;             // 64 bytes
  std::string leaf_hash;             // 32 bytes
  std::string previous_entity_hash;  // 32 bytes, or empty for the first
  // The record's place in its entity's chain (records.entity_seq), 1 for the
  // first; set by Append(), 0 from Seal().
  int64_t entity_seq = 0;
};
using Appended = SignedRecord;

// Where server time comes from (tests inject a fixed one).
// Thread-safety: implementations must be safe to call concurrently.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
};

// absl::Now(). The returned clock lives forever.
Clock* RealClock();

// Registers `public_key_raw` as a record-signing key of `service` with
// valid_from `now` (moved past the service's latest valid_from when `now` is
// behind it), under KeyIdFor(service, key); the same key again is a no-op.
// Needs INSERT on cellchain_audit.signing_keys (the database owner).
// Errors as Ledger::RegisterKey.
absl::Status RegisterSigningKey(pg::Connection& connection,
                                std::string_view service,
                                std::string_view public_key_raw,
                                absl::Time now);

inline constexpr char kReasonSigningKeyNotRegistered[] =
    "SIGNING_KEY_NOT_REGISTERED";

class Ledger {
 public:
  // `service` is the service's short name, [a-z][a-z0-9_]* ("donor"): it is
  // part of the key id and of every record. `clock` is not owned and must
  // outlive the Ledger.
  // INVALID_ARGUMENT (field "service"): a malformed service name;
  //   (field "clock"): no clock.
  static absl::StatusOr<std::unique_ptr<Ledger>> Create(
      std::string service, crypto::Ed25519PrivateKey key, Clock* clock);

  // As Create, with the private key read from a PKCS#8 PEM file (the dev PKI
  // writes DIR/signing/<service>.key, deploy/local/pki.sh).
  // The errors of Create and of crypto::Ed25519PrivateKey::FromPemFile
  // (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT naming the file).
  static absl::StatusOr<std::unique_ptr<Ledger>> FromPemFile(
      std::string service, const std::string& key_path, Clock* clock);

  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Registers this service's public key in cellchain_audit.signing_keys, with
  // valid_from = the ledger clock's now (the clock that stamps the records,
  // so no record of this key predates its valid_from), moved past the
  // service's latest valid_from if the clock is behind it. Runs in its own
  // transaction unless `connection` is inside one. Only the database owner
  // may register keys (service roles have no INSERT on signing_keys, issue
  // 23): deployments register the keyring QA holds with `cellchaind migrate
  // --keyring` (RegisterSigningKey below); tests call this on an owner's
  // connection. Services call CheckRegistered() at startup instead.
  //   - the same key again: a no-op (valid_from stays the first one);
  //   - a different key for the same service: a rotation, inserted with a
  //     later valid_from. Older records stay verifiable: each names its key
  //     id, and keys are never deleted. valid_from only says from when a key
  //     may sign; during a rolling restart the old key may still sign for a
  //     while, so verifiers must not treat a newer key as ending the old.
  // FAILED_PRECONDITION reason "SIGNING_KEY_IN_USE": this public key is
  //   registered under another key id (another service uses the same key
  //   file: each service needs its own key);
  //   reason "KEY_ID_COLLISION": the key id names another key.
  // Otherwise database errors as from pg (UNAVAILABLE, INTERNAL for a role
  //   without INSERT on signing_keys, ...).
  absl::Status RegisterKey(pg::Connection& connection) const;

  // Whether this service's key is registered under its key id, as a service
  // checks at startup (it cannot register it itself).
  // FAILED_PRECONDITION reason "SIGNING_KEY_NOT_REGISTERED": it is not (the
  //   message says how to register it); "KEY_ID_COLLISION": the key id names
  //   another key. Database errors as from pg.
  absl::Status CheckRegistered(pg::Connection& connection) const;

  // Appends one signed record of `event` in `tx`, the transaction of the
  // change, with one round trip of its own:
  //   1. take the entity's lock, a transaction-level advisory lock on a
  //      64-bit hash of the entity, pg_advisory_xact_lock(hashtextextended(
  //      entity_type || '/' || entity_id, 0)), so that concurrent changes of
  //      one entity queue here; then, as a statement of its own (its
  //      snapshot is taken once the lock is held), read the entity's latest
  //      record: its leaf hash and entity_seq. Pipelined, and preceded by
  //      whatever `tx` has not sent yet (its BEGIN, deferred statements);
  //   2. one statement INSERTing the record, with entity_seq = the latest
  //      + 1, and its row in pending (the sequencer's queue), DEFERRED
  //      (pg::Transaction::Defer): it is sent with `tx`'s next round trip,
  //      at the latest with COMMIT, and runs before anything sent after it.
  //      If it fails, `tx` fails: the call that carried it (the next Exec,
  //      or Commit) returns its error, prefixed "audit record <id> of
  //      <entity>", and nothing of `tx` is committed. The returned record is
  //      therefore stored only once `tx` has committed.
  // The chain cannot fork, even for a writer that bypasses the lock:
  // records is UNIQUE on (entity_type, entity_id, entity_seq), and two
  // records with the same predecessor would have the same entity_seq.
  // There is no global lock or counter: appends of different entities never
  // wait for each other. The entity's lock is held until `tx` ends; a
  // transaction that appends for several entities should do so in a fixed
  // order (e.g. sorted), or two of them may deadlock (ABORTED, which
  // pg::Pool::InTransaction retries). Each entity locked takes a slot of
  // PostgreSQL's shared lock table until `tx` ends (max_locks_per_transaction
  // x max_connections slots for all sessions, 6,400 by default): append for
  // at most a few hundred entities per transaction.
  // Errors, from Append itself:
  //   INVALID_ARGUMENT as ValidateEvent, before anything is sent: `tx` is
  //     still usable.
  //   ABORTED: deadlock waiting for the entity's lock.
  //   INTERNAL: the latest record is malformed, or the role lacks a
  //     privilege.
  //   UNAVAILABLE etc. as from pg, and the failure of a statement `tx` had
  //     deferred before. After a database error `tx` has failed and can only
  //     roll back.
  // and from the call that carries the record's INSERT:
  //   FAILED_PRECONDITION reason "records_key_id_fkey": RegisterKey() has not
  //     run for this key in this database.
  //   ABORTED reason "records_entity_chain" (SQLSTATE 40001, so that
  //     pg::IsSerializationFailure holds and pg::Pool::InTransaction runs the
  //     transaction again): another record of the entity was committed after
  //     `tx`'s snapshot (REPEATABLE READ / SERIALIZABLE transactions, whose
  //     snapshot predates the lock) or by a writer bypassing the lock.
  //   INTERNAL for a role without INSERT on records or pending, or one that
  //   is not a member of cellchain_<service> (SQLSTATE 42501 from the
  //   records_insert_guard trigger: a role writes only its own service's
  //   records, with its own service's keys).
  absl::StatusOr<SignedRecord> Append(pg::Transaction& tx,
                                      const Event& event) const;

  // Append for a change whose after-state is read back from the database:
  // `reads` travel in Append's own round trip, after the entity's lock and
  // head lookup (so they see what the lock's earlier holders committed),
  // and `fill` completes `event` from their results, one per statement (at
  // least after_state, which must outlive the call) before it is validated
  // and sealed. A read and an append in one round trip instead of two.
  // Errors: those of `fill`; otherwise as Append's, except that
  // ValidateEvent's INVALID_ARGUMENT comes after the round trip (nothing
  // is written, and `tx` is still usable).
  using FillEvent =
      absl::FunctionRef<absl::Status(std::span<pg::Result> results,
                                     Event& event)>;
  absl::StatusOr<SignedRecord> AppendRead(
      pg::Transaction& tx, Event event, std::span<const pg::Statement> reads,
      FillEvent fill) const;

  // Builds, serializes and signs the record of `event` with the given
  // previous entity hash (empty or 32 bytes), without touching the database:
  // the CPU part of Append(), for benchmarks and tests.
  // INVALID_ARGUMENT: as ValidateEvent; (field "previous_entity_hash") not
  //   0 or 32 bytes. INTERNAL: serialization or signing failed.
  absl::StatusOr<SignedRecord> Seal(
      const Event& event, std::string_view previous_entity_hash) const;

  const std::string& service() const { return service_; }
  const std::string& key_id() const { return key_id_; }
  crypto::Ed25519PublicKey public_key() const { return key_.public_key(); }

 private:
  Ledger(std::string service, crypto::Ed25519PrivateKey key, Clock* clock);
  // Append's work once the entity's lock is held: `head` is the result of
  // the head lookup; seals `event` (valid) and defers its INSERT.
  absl::StatusOr<SignedRecord> AppendAfterLock(pg::Transaction& tx,
                                               const Event& event,
                                               const pg::Result& head) const;
  // Seal() for an event ValidateEvent() accepted.
  absl::StatusOr<SignedRecord> SealValid(
      const Event& event, std::string_view previous_entity_hash) const;

  const std::string service_;
  const crypto::Ed25519PrivateKey key_;
  const std::string key_id_;
  Clock* const clock_;
};

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_LEDGER_H_
