#include "services/ledger/ledger.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/random.h"
#include "services/common/crypto/sha256.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/error.h"
#include "services/common/pg/params.h"
#include "services/common/pg/result.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/ledger/internal_text.h"
#include "services/ledger/merkle.h"

namespace cellchain::ledger {
namespace {

constexpr size_t kKeyIdBytes = 8;

// The lock that serialises the appends to one entity (see Ledger::Append).
// A 64-bit hash: two entities share a lock with probability 2^-64, which
// only makes them wait for each other. entity_type is snake_case, so the
// '/' separator cannot be confused with one inside it. pg_advisory_xact_lock
// with one bigint argument uses a key space of its own, apart from the
// two-int4 form; the other bigint keys in use (the sequencer's leader lock,
// the migrations lock) are fixed ASCII words.
constexpr char kEntityLockSql[] =
    "SELECT pg_advisory_xact_lock("
    "hashtextextended($1::text || '/' || $2::text, 0))";

// Append's round trip: the entity's lock, then its latest record. Two
// statements on purpose: in READ COMMITTED each statement takes its
// snapshot when it starts, and the server starts the SELECT only once the
// lock is granted, so it sees every record committed by the lock's previous
// holders (and so does any statement sent after them).
std::vector<pg::Statement> LockAndHead(const Event& event) {
  const pg::Params entity = {event.entity_type, event.entity_id};
  return {
      {kEntityLockSql, entity},
      {"SELECT leaf_hash, entity_seq FROM cellchain_audit.records "
       "WHERE entity_type = $1 AND entity_id = $2 "
       "ORDER BY entity_seq DESC LIMIT 1",
       entity, pg::ResultFormat::kBinary},
  };
}

// UNIQUE (entity_type, entity_id, entity_seq) on records.
constexpr char kEntityChainConstraint[] = "records_entity_chain";

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF. proto3 refuses to parse a string field that is not, so a
// record holding one could never be read back by a verifier.
bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    unsigned char min2 = 0x80, max2 = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) min2 = 0xA0;  // overlong
      if (c == 0xED) max2 = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) min2 = 0x90;  // overlong
      if (c == 0xF4) max2 = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    if (p[1] < min2 || p[1] > max2) return false;
    for (int i = 2; i <= extra; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += extra + 1;
  }
  return true;
}

// Any text that ends up in a record or a text column.
absl::Status CheckText(std::string_view field, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) {
    return InvalidField(field, "must not contain a NUL byte");
  }
  if (!IsValidUtf8(value)) return InvalidField(field, "must be UTF-8 text");
  return absl::OkStatus();
}

bool IsBlank(std::string_view value) {
  return absl::StripAsciiWhitespace(ToAbsl(value)).empty();
}

absl::Status CheckRequired(std::string_view field, std::string_view value) {
  if (IsBlank(value)) return InvalidField(field, "is required");
  return CheckText(field, value);
}

using internal::IsSnakeCase;

// Two or more snake_case segments separated by '.'.
bool IsActionName(std::string_view action) {
  int segments = 0;
  while (true) {
    size_t dot = action.find('.');
    if (!IsSnakeCase(action.substr(0, dot))) return false;
    ++segments;
    if (dot == std::string_view::npos) break;
    action.remove_prefix(dot + 1);
  }
  return segments >= 2;
}

void SetMicros(int64_t micros, google::protobuf::Timestamp* out) {
  // Floor division, so that times before 1970 keep 0 <= nanos < 1e9.
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    --seconds;
    rest += 1'000'000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

// PostgreSQL's timestamptz input, UTC, microseconds.
std::string TimestampText(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

const std::string* FirstDin(const Event& event) {
  for (const auto& identifier : event.isbt128) {
    if (identifier.kind() == "din") return &identifier.value();
  }
  return nullptr;
}

pg::Param BytesOrNull(const std::string& bytes) {
  return bytes.empty() ? pg::Param::Null() : pg::Param::Bytes(bytes);
}

class SystemClock : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
};

}  // namespace

std::string SignedMessage(std::string_view record_bytes) {
  std::string message;
  message.reserve(sizeof(kRecordSignatureDomain) + record_bytes.size());
  // sizeof includes the array's terminating NUL: that is the 0x00 separator.
  message.append(kRecordSignatureDomain, sizeof(kRecordSignatureDomain));
  message.append(record_bytes);
  return message;
}

std::string KeyIdFor(std::string_view service,
                     std::string_view public_key_raw) {
  const crypto::Sha256Digest digest = crypto::Sha256(public_key_raw);
  std::string key_id(service);
  key_id.push_back(':');
  key_id.append(crypto::HexEncode(std::string_view(
      reinterpret_cast<const char*>(digest.data()), kKeyIdBytes)));
  return key_id;
}

absl::StatusOr<std::string> SerializeDeterministic(
    const google::protobuf::Message& message) {
  const size_t size = message.ByteSizeLong();
  if (size > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InternalError(absl::StrCat(
        "cannot serialize ", message.GetTypeName(), ": over 2 GiB"));
  }
  std::string out(size, '\0');
  google::protobuf::io::ArrayOutputStream array(out.data(),
                                                static_cast<int>(size));
  google::protobuf::io::CodedOutputStream coded(&array);
  coded.SetSerializationDeterministic(true);
  // Uses the sizes ByteSizeLong() just cached: one pass over the message.
  message.SerializeWithCachedSizes(&coded);
  if (coded.HadError() || static_cast<size_t>(coded.ByteCount()) != size) {
    return absl::InternalError(
        absl::StrCat("cannot serialize ", message.GetTypeName()));
  }
  return out;
}

bool IsCorrection(std::string_view action) {
  size_t dot = action.rfind('.');
  std::string_view verb =
      dot == std::string_view::npos ? action : action.substr(dot + 1);
  return verb == "correct" || verb.starts_with("correct_");
}

absl::Status ValidateEvent(const Event& event) {
  // In the order a reader of the event would check them.
  CC_RETURN_IF_ERROR(CheckRequired("action", event.action));
  if (!IsActionName(event.action)) {
    return InvalidField("action",
                        "must be <entity>.<verb>: snake_case segments "
                        "separated by '.' (\"donor_lot.receive\")");
  }
  CC_RETURN_IF_ERROR(CheckRequired("entity_type", event.entity_type));
  if (!IsSnakeCase(event.entity_type)) {
    return InvalidField("entity_type", "must be snake_case (\"donor_lot\")");
  }
  CC_RETURN_IF_ERROR(CheckRequired("entity_id", event.entity_id));
  CC_RETURN_IF_ERROR(CheckRequired("actor.user_id", event.actor.user_id()));
  CC_RETURN_IF_ERROR(
      CheckRequired("actor.printed_name", event.actor.printed_name()));
  CC_RETURN_IF_ERROR(CheckText("actor.role", event.actor.role()));
  CC_RETURN_IF_ERROR(CheckText("actor.workstation", event.actor.workstation()));
  CC_RETURN_IF_ERROR(CheckRequired("request_id", event.request_id));
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(event.request_id));
  if (IsCorrection(event.action)) {
    if (IsBlank(event.reason)) {
      return InvalidField(
          "reason",
          absl::StrCat("is required: \"", event.action, "\" is a correction"));
    }
  }
  CC_RETURN_IF_ERROR(CheckText("reason", event.reason));
  if (event.after_state == nullptr) {
    return InvalidField("after_state",
                        "is required: the entity's state after the change");
  }
  for (size_t i = 0; i < event.isbt128.size(); ++i) {
    const auto& identifier = event.isbt128[i];
    const std::string prefix = absl::StrCat("isbt128[", i, "].");
    CC_RETURN_IF_ERROR(CheckRequired(prefix + "kind", identifier.kind()));
    if (!IsSnakeCase(identifier.kind())) {
      return InvalidField(prefix + "kind",
                          "must be snake_case (\"din\", \"product_code\")");
    }
    CC_RETURN_IF_ERROR(CheckRequired(prefix + "value", identifier.value()));
  }
  if (event.signature.has_value()) {
    const auto& signature = *event.signature;
    CC_RETURN_IF_ERROR(CheckRequired("signature.user_id", signature.user_id()));
    CC_RETURN_IF_ERROR(
        CheckRequired("signature.printed_name", signature.printed_name()));
    if (signature.meaning() ==
            cellchain::common::v1::SIGNATURE_MEANING_UNSPECIFIED ||
        !cellchain::common::v1::SignatureMeaning_IsValid(signature.meaning())) {
      return InvalidField("signature.meaning",
                          "must be one of PERFORMED, VERIFIED, REVIEWED, "
                          "APPROVED, RELEASED, REJECTED, WITNESSED");
    }
  }
  return absl::OkStatus();
}

Clock* RealClock() {
  static SystemClock* const clock = new SystemClock();
  return clock;
}

Ledger::Ledger(std::string service, crypto::Ed25519PrivateKey key, Clock* clock)
    : service_(std::move(service)),
      key_(std::move(key)),
      key_id_(KeyIdFor(service_, key_.PublicKeyRaw())),
      clock_(clock) {}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Create(
    std::string service, crypto::Ed25519PrivateKey key, Clock* clock) {
  if (!IsSnakeCase(service)) {
    return InvalidField("service",
                        "must be a short snake_case name (\"donor\")");
  }
  if (clock == nullptr) return InvalidField("clock", "is required");
  return std::unique_ptr<Ledger>(
      new Ledger(std::move(service), std::move(key), clock));
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::FromPemFile(
    std::string service, const std::string& key_path, Clock* clock) {
  CC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                      crypto::Ed25519PrivateKey::FromPemFile(key_path));
  return Create(std::move(service), std::move(key), clock);
}

absl::Status Ledger::RegisterKey(pg::Connection& connection) const {
  return RegisterSigningKey(connection, service_, key_.PublicKeyRaw(),
                            clock_->Now());
}

absl::Status Ledger::CheckRegistered(pg::Connection& connection) const {
  CC_ASSIGN_OR_RETURN(
      pg::Result rows,
      connection.Exec("SELECT service, public_key FROM "
                      "cellchain_audit.signing_keys WHERE key_id = $1",
                      {key_id_}, pg::ResultFormat::kBinary));
  if (rows.rows() == 0) {
    return FailedRule(
        kReasonSigningKeyNotRegistered,
        absl::StrCat("the signing key of ", service_, " (", key_id_,
                     ") is not registered: list it in the keyring and run "
                     "`cellchaind migrate --keyring=FILE`"));
  }
  CC_ASSIGN_OR_RETURN(std::string service, rows.GetString(0, 0));
  CC_ASSIGN_OR_RETURN(std::string stored, rows.GetBytes(0, 1));
  if (service != service_ || stored != key_.PublicKeyRaw()) {
    return FailedRule("KEY_ID_COLLISION",
                      absl::StrCat("key id ", key_id_, " names another key"));
  }
  return absl::OkStatus();
}

absl::Status RegisterSigningKey(pg::Connection& connection,
                                std::string_view service_name,
                                std::string_view public_key_raw,
                                absl::Time now) {
  const std::string service(service_name);
  const std::string public_key(public_key_raw);
  const std::string key_id = KeyIdFor(service, public_key);
  const std::string valid_from =
      TimestampText(absl::FromUnixMicros(absl::ToUnixMicros(now)));
  // One round trip. ON CONFLICT DO NOTHING covers both unique keys (key_id,
  // public_key); the SELECT then tells a re-registration from a clash.
  // GREATEST keeps a rotation's valid_from after the previous key's even
  // when this host's clock is behind the one that registered it.
  std::vector<pg::Statement> statements = {
      {"INSERT INTO cellchain_audit.signing_keys "
       "(key_id, service, public_key, valid_from) "
       "SELECT $1::text, $2::text, $3::bytea, GREATEST($4::timestamptz, "
       "(SELECT max(valid_from) + interval '1 microsecond' "
       "FROM cellchain_audit.signing_keys WHERE service = $2::text)) "
       "ON CONFLICT DO NOTHING",
       {key_id, service, pg::Param::Bytes(public_key), valid_from}},
      {"SELECT key_id, service, public_key FROM cellchain_audit.signing_keys "
       "WHERE key_id = $1 OR public_key = $2",
       {key_id, pg::Param::Bytes(public_key)},
       pg::ResultFormat::kBinary},
  };
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      connection.ExecPipeline(statements));
  if (results[0].affected_rows() == 1) return absl::OkStatus();
  const pg::Result& rows = results[1];
  for (int row = 0; row < rows.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string found_id, rows.GetString(row, "key_id"));
    CC_ASSIGN_OR_RETURN(std::string found_service,
                        rows.GetString(row, "service"));
    CC_ASSIGN_OR_RETURN(std::string stored, rows.GetBytes(row, "public_key"));
    if (found_id == key_id && found_service == service &&
        stored == public_key) {
      return absl::OkStatus();  // registered before
    }
    if (stored == public_key) {
      return FailedRule(
          "SIGNING_KEY_IN_USE",
          absl::StrCat("the signing key of ", service, " is registered as ",
                       found_id, ": every service needs a key of its own"));
    }
    return FailedRule("KEY_ID_COLLISION",
                      absl::StrCat("key id ", key_id, " names another key"));
  }
  return absl::InternalError(
      absl::StrCat("signing key ", key_id, " neither inserted nor found"));
}

absl::StatusOr<SignedRecord> Ledger::Seal(
    const Event& event, std::string_view previous_entity_hash) const {
  CC_RETURN_IF_ERROR(ValidateEvent(event));
  if (!previous_entity_hash.empty() &&
      previous_entity_hash.size() != kHashSize) {
    return InvalidField("previous_entity_hash", "must be empty or 32 bytes");
  }
  return SealValid(event, previous_entity_hash);
}

absl::StatusOr<SignedRecord> Ledger::SealValid(
    const Event& event, std::string_view previous_entity_hash) const {
  const int64_t micros = absl::ToUnixMicros(clock_->Now());
  SignedRecord out;
  out.record_id = crypto::RandomId("rec");
  out.recorded_at = absl::FromUnixMicros(micros);
  out.previous_entity_hash = std::string(previous_entity_hash);

  cellchain::audit::v1::AuditRecord record;
  record.set_record_id(out.record_id);
  record.set_service(service_);
  record.set_key_id(key_id_);
  SetMicros(micros, record.mutable_recorded_at());
  *record.mutable_actor() = event.actor;
  record.set_action(event.action);
  record.mutable_entity()->set_type(event.entity_type);
  record.mutable_entity()->set_id(event.entity_id);
  for (const auto& identifier : event.isbt128) {
    *record.add_isbt128() = identifier;
  }
  record.set_reason(event.reason);
  // Packed by hand rather than with Any::PackFrom, which serializes
  // non-deterministically: the value must equal what a StateReader returns.
  CC_ASSIGN_OR_RETURN(std::string state,
                      SerializeDeterministic(*event.after_state));
  google::protobuf::Any* after_state = record.mutable_after_state();
  after_state->set_type_url(
      absl::StrCat(kAfterStateTypeUrlPrefix,
                   event.after_state->GetDescriptor()->full_name()));
  after_state->set_value(std::move(state));
  if (event.signature.has_value()) {
    *record.mutable_signature() = *event.signature;
    if (!event.signature->has_signed_at()) {
      SetMicros(micros, record.mutable_signature()->mutable_signed_at());
    }
  }
  record.set_request_id(event.request_id);
  record.set_previous_entity_hash(out.previous_entity_hash);

  CC_ASSIGN_OR_RETURN(out.record_bytes, SerializeDeterministic(record));
  CC_ASSIGN_OR_RETURN(out.signature,
                      key_.Sign(SignedMessage(out.record_bytes)));
  out.leaf_hash = HashBytes(LeafHash(out.record_bytes));
  return out;
}

absl::StatusOr<SignedRecord> Ledger::Append(pg::Transaction& tx,
                                            const Event& event) const {
  CC_RETURN_IF_ERROR(ValidateEvent(event));
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> heads,
                      tx.ExecPipeline(LockAndHead(event)));
  return AppendAfterLock(tx, event, heads[1]);
}

absl::StatusOr<SignedRecord> Ledger::AppendRead(
    pg::Transaction& tx, Event event, std::span<const pg::Statement> reads,
    FillEvent fill) const {
  std::vector<pg::Statement> statements = LockAndHead(event);
  statements.insert(statements.end(), reads.begin(), reads.end());
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      tx.ExecPipeline(statements));
  CC_RETURN_IF_ERROR(fill(std::span(results).subspan(2), event));
  CC_RETURN_IF_ERROR(ValidateEvent(event));
  return AppendAfterLock(tx, event, results[1]);
}

absl::StatusOr<SignedRecord> Ledger::AppendAfterLock(
    pg::Transaction& tx, const Event& event, const pg::Result& head) const {
  std::string previous;
  int64_t entity_seq = 1;
  if (head.rows() == 1) {
    CC_ASSIGN_OR_RETURN(previous, head.GetBytes(0, "leaf_hash"));
    CC_ASSIGN_OR_RETURN(int64_t latest, head.GetInt64(0, "entity_seq"));
    if (previous.size() != kHashSize) {
      return absl::InternalError(
          absl::StrCat("latest record of ", event.entity_type, " ",
                       event.entity_id, " has a malformed leaf hash"));
    }
    entity_seq = latest + 1;
  }

  // Signed while holding the entity's lock, so recorded_at follows the chain
  // order as far as the clock allows.
  CC_ASSIGN_OR_RETURN(SignedRecord record, SealValid(event, previous));
  record.entity_seq = entity_seq;

  // The record and its pending row, one statement, deferred: it travels
  // with the transaction's next round trip, at the latest with its COMMIT,
  // and runs before anything sent after it. Its failure fails the
  // transaction there (see ledger.h).
  const std::string* din = FirstDin(event);
  tx.Defer(
      {"WITH r AS (INSERT INTO cellchain_audit.records (record_id, service, "
       "key_id, recorded_at, entity_type, entity_id, entity_seq, "
       "actor_user_id, action, din, request_id, record_bytes, signature, "
       "leaf_hash, previous_entity_hash) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
       "$15) RETURNING record_id, leaf_hash) "
       "INSERT INTO cellchain_audit.pending (record_id, leaf_hash) "
       "SELECT record_id, leaf_hash FROM r",
       {record.record_id, service_, key_id_, TimestampText(record.recorded_at),
        event.entity_type, event.entity_id, entity_seq, event.actor.user_id(),
        event.action, din != nullptr ? pg::Param(*din) : pg::Param::Null(),
        event.request_id, pg::Param::Bytes(record.record_bytes),
        pg::Param::Bytes(record.signature), pg::Param::Bytes(record.leaf_hash),
        BytesOrNull(record.previous_entity_hash)}},
      [entity = absl::StrCat(event.entity_type, " ", event.entity_id),
       record_id = record.record_id](absl::Status error) {
        if (ReasonOf(error) == kEntityChainConstraint) {
          // Another record took this place in the chain after our read:
          // only a transaction whose snapshot predates the lock (REPEATABLE
          // READ, SERIALIZABLE) or a writer bypassing the lock gets here.
          // Nothing forked; running the transaction again reads the new
          // head.
          return pg::StatusFromSqlState(
              "40001",
              absl::StrCat("audit record ", record_id, ": the chain of ",
                           entity,
                           " moved on during this transaction; run it again"),
              kEntityChainConstraint);
        }
        // Said so, since the call that reports it sent statements of its
        // own too.
        return Annotate(
            error, absl::StrCat("audit record ", record_id, " of ", entity));
      });
  return record;
}

}  // namespace cellchain::ledger
