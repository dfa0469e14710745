// Reads audit records for QA: filtered, paged queries over
// cellchain_audit.records with their log index when integrated. Read-only;
// every value reaches SQL as a parameter.
// Thread-safety: stateless; the connection belongs to the caller's thread.
#ifndef CELLCHAIN_SERVICES_AUDIT_RECORD_STORE_H_
#define CELLCHAIN_SERVICES_AUDIT_RECORD_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/audit.pb.h"
#include "services/common/pg/connection.h"
#include "services/ledger/state_registry.h"
#include "services/ledger/verifier.h"

namespace cellchain::audit {

struct RecordPage {
  std::vector<cellchain::audit::v1::RecordView> records;
  std::string next_page_token;  // empty on the last page
};

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// INVALID_ARGUMENT naming the field for a bad filter, page size or token.
absl::StatusOr<RecordPage> QueryRecords(
    pg::Connection& connection, const cellchain::audit::v1::RecordFilter& filter,
    cellchain::audit::v1::Order order, int page_size,
    const std::string& page_token);

// Every record matching `filter`, oldest first (exports, histories).
// RESOURCE_EXHAUSTED past `limit` records.
absl::StatusOr<std::vector<cellchain::audit::v1::RecordView>> AllRecords(
    pg::Connection& connection, const cellchain::audit::v1::RecordFilter& filter,
    int limit);

// The log as the verifier needs it (services/ledger/verifier.h), read from
// the database.
struct LoadedLog {
  // Integrated records matching the filter, in log order.
  std::vector<ledger::StoredRecord> records;
  // Records neither in the log nor queued for it: written behind the
  // ledger's back, or refused by the sequencer (not signed by a trusted
  // key), a finding each, check kLogIndex, naming the refusal's reason.
  std::vector<ledger::Finding> unplaced;
  // Records queued for the sequencer, not yet integrated (not an error).
  int64_t pending = 0;
};

// Integrated records matching `filter` (nullptr: all) in log order.
// RESOURCE_EXHAUSTED past `limit` records.
absl::StatusOr<LoadedLog> LoadLog(pg::Connection& connection,
                                  const cellchain::audit::v1::RecordFilter* filter,
                                  int limit);

// The rows of cellchain_audit.signing_keys. A row that cannot be used (a
// key id not of the form <service>:<16 hex>, a public key not 32 bytes) is
// not an error: it is described in `unreadable`, for the verifier to report
// as a finding, so one bad row never stops verification or export.
struct LoadedKeys {
  std::vector<ledger::SigningKeyInfo> keys;
  std::vector<std::string> unreadable;
};
absl::StatusOr<LoadedKeys> LoadKeys(pg::Connection& connection);

// Every checkpoint note in size order.
absl::StatusOr<std::vector<std::string>> LoadCheckpoints(
    pg::Connection& connection);

// The current state of the entity of each record's latest record, for the
// entity types `registry` knows; and of every other current entity of those
// types (StateRegistry::ListIds), which has no record at all, when
// `every_row` (the whole log is being verified or exported; a subset must
// not claim rows outside it).
absl::StatusOr<std::vector<ledger::CurrentState>> LoadStates(
    pg::Connection& connection, const ledger::StateRegistry& registry,
    const std::vector<ledger::StoredRecord>& records, bool every_row);

// The whole stored log verified (services/ledger/verifier.h) in one
// read-only snapshot: every record, key, checkpoint and registered entity
// state. `findings` holds the unplaced records' findings first, then the
// verifier's. `keyring`: the record keys QA trusts (the verifier's
// VerifyInput::keyring); nullptr takes the database's keys as given.
// `checkpoint_verifiers`: the checkpoint keys trusted, the current one and
// those of a rotation (checkpoint_keys.h); a checkpoint signed by any verifies.
// `known_checkpoints`: signed notes kept outside the database, verified with
// the stored ones (a log shortened or rewritten since fails against them).
struct StoredLogVerification {
  ledger::VerifyResult result;
  std::vector<ledger::Finding> findings;
  int64_t pending = 0;
};
absl::StatusOr<StoredLogVerification> VerifyStoredLog(
    pg::Connection& connection, const ledger::StateRegistry& registry,
    const std::string& origin,
    const std::vector<ledger::NoteVerifier>& checkpoint_verifiers,
    const ledger::Keyring* keyring, int max_records,
    const ledger::VerifyOptions& options = {},
    const std::vector<std::string>& known_checkpoints = {});

// The view QA sees of a stored record.
cellchain::audit::v1::RecordView ToView(const ledger::StoredRecord& record);

}  // namespace cellchain::audit

#endif  // CELLCHAIN_SERVICES_AUDIT_RECORD_STORE_H_
