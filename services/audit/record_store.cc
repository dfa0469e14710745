#include "services/audit/record_store.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/isbt128/din.h"

namespace cellchain::audit {
namespace {

namespace v1 = cellchain::audit::v1;

int64_t ToMicros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

// WHERE clause of fixed fragments with $n placeholders; values go to
// `params`, never into the SQL text.
absl::StatusOr<std::string> WhereClause(const v1::RecordFilter& filter,
                                        pg::Params* params) {
  std::string where = "TRUE";
  // Appends " AND <condition>$n<cast>" for the next parameter.
  auto add = [&](const char* condition, pg::Param value,
                 const char* cast = "") {
    params->Add(std::move(value));
    absl::StrAppend(&where, " AND ", condition, params->size(), cast);
  };
  if (filter.has_entity()) {
    if (filter.entity().type().empty()) {
      return InvalidField("filter.entity.type", "required with an entity");
    }
    add("r.entity_type = $", filter.entity().type());
    if (!filter.entity().id().empty())
      add("r.entity_id = $", filter.entity().id());
  }
  if (!filter.din().empty()) {
    // As a person or a scanner gives it (the CLI prints "A9999 26 000003
    // [4]"); the records hold the 13 characters.
    absl::StatusOr<isbt128::Din> din = isbt128::ParseDinText(filter.din());
    if (!din.ok()) {
      return InvalidField(absl::StrCat("filter.", FieldOf(din.status())),
                          std::string(din.status().message()));
    }
    add("r.din = $", din->ToString());
  }
  if (!filter.actor_user_id().empty()) {
    add("r.actor_user_id = $", filter.actor_user_id());
  }
  if (!filter.action().empty()) add("r.action = $", filter.action());
  if (filter.has_recorded_from()) {
    add("r.recorded_at >= timestamptz 'epoch' + interval '1 microsecond' * $",
        ToMicros(filter.recorded_from()), "::int8");
  }
  if (filter.has_recorded_before()) {
    add("r.recorded_at < timestamptz 'epoch' + interval '1 microsecond' * $",
        ToMicros(filter.recorded_before()), "::int8");
  }
  return where;
}

// `select` (its columns through its joins) WHERE `where` ORDER BY
// `order_by`, `params` bound: every row when at most `limit` match (one more
// is fetched to tell). RESOURCE_EXHAUSTED when more match, as the read
// would be too large to return whole; else as pg::Connection::Exec.
absl::StatusOr<pg::Result> SelectAtMost(pg::Connection& connection,
                                        std::string_view select,
                                        std::string_view where,
                                        std::string_view order_by,
                                        pg::Params params, int limit) {
  params.Add(limit + 1);
  const std::string sql =
      absl::StrCat(ToAbsl(select), "WHERE ", ToAbsl(where), " ORDER BY ",
                   ToAbsl(order_by), " LIMIT $", params.size());
  CC_ASSIGN_OR_RETURN(pg::Result result,
                      connection.Exec(sql, params, pg::ResultFormat::kBinary));
  if (result.rows() > limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("more than ", limit, " records match; narrow the filter"));
  }
  return result;
}

constexpr char kColumns[] =
    "SELECT r.record_bytes, r.signature, r.leaf_hash, "
    "coalesce(l.log_index, -1), r.record_id, "
    "(extract(epoch FROM r.recorded_at) * 1000000)::int8 "
    "FROM cellchain_audit.records r "
    "LEFT JOIN cellchain_audit.log_entries l USING (record_id) ";

absl::StatusOr<std::vector<v1::RecordView>> ToViews(const pg::Result& result,
                                                    int rows) {
  std::vector<v1::RecordView> views;
  views.reserve(rows);
  for (int row = 0; row < rows; ++row) {
    v1::RecordView view;
    CC_ASSIGN_OR_RETURN(std::string bytes, result.GetBytes(row, 0));
    CC_ASSIGN_OR_RETURN(std::string signature, result.GetBytes(row, 1));
    CC_ASSIGN_OR_RETURN(std::string leaf, result.GetBytes(row, 2));
    CC_ASSIGN_OR_RETURN(int64_t log_index, result.GetInt64(row, 3));
    if (!view.mutable_record()->ParseFromString(bytes)) {
      // Shown as stored; verification names it.
      view.clear_record();
    }
    view.set_record_bytes(std::move(bytes));
    view.set_signature(std::move(signature));
    view.set_leaf_hash(std::move(leaf));
    view.set_log_index(log_index);
    views.push_back(std::move(view));
  }
  return views;
}

// Page tokens are base64 of "<recorded_at µs>/<record id>" of the last row.
std::string EncodeToken(int64_t micros, const std::string& record_id) {
  return crypto::Base64Encode(absl::StrCat(micros, "/", record_id));
}

absl::Status DecodeToken(const std::string& token, int64_t* micros,
                         std::string* record_id) {
  absl::StatusOr<std::string> raw = crypto::Base64Decode(token);
  size_t slash = raw.ok() ? raw->find('/') : std::string::npos;
  if (slash == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(raw->data(), slash), micros)) {
    return InvalidField("page.page_token", "not a token this server issued");
  }
  *record_id = raw->substr(slash + 1);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RecordPage> QueryRecords(pg::Connection& connection,
                                        const v1::RecordFilter& filter,
                                        v1::Order order, int page_size,
                                        const std::string& page_token) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidField("page.page_size",
                        absl::StrCat("must be 0 to ", kMaxPageSize));
  }
  if (page_size == 0) page_size = kDefaultPageSize;
  pg::Params params;
  CC_ASSIGN_OR_RETURN(std::string where, WhereClause(filter, &params));
  bool newest_first = order == v1::ORDER_NEWEST_FIRST;
  const char* cmp = newest_first ? "<" : ">";
  const char* dir = newest_first ? "DESC" : "ASC";
  if (!page_token.empty()) {
    int64_t micros = 0;
    std::string record_id;
    CC_RETURN_IF_ERROR(DecodeToken(page_token, &micros, &record_id));
    params.Add(micros);
    params.Add(record_id);
    absl::StrAppend(&where,
                    " AND ((extract(epoch FROM r.recorded_at) * "
                    "1000000)::int8, r.record_id) ",
                    cmp, " ($", params.size() - 1, "::int8, $", params.size(),
                    ")");
  }
  params.Add(page_size + 1);
  std::string sql =
      absl::StrCat(kColumns, "WHERE ", where, " ORDER BY r.recorded_at ", dir,
                   ", r.record_id ", dir, " LIMIT $", params.size());
  CC_ASSIGN_OR_RETURN(pg::Result result,
                      connection.Exec(sql, params, pg::ResultFormat::kBinary));
  int rows = std::min(result.rows(), page_size);
  RecordPage page;
  CC_ASSIGN_OR_RETURN(page.records, ToViews(result, rows));
  if (result.rows() > page_size) {
    CC_ASSIGN_OR_RETURN(std::string last_id, result.GetString(rows - 1, 4));
    CC_ASSIGN_OR_RETURN(int64_t last_micros, result.GetInt64(rows - 1, 5));
    page.next_page_token = EncodeToken(last_micros, last_id);
  }
  return page;
}

absl::StatusOr<std::vector<v1::RecordView>> AllRecords(
    pg::Connection& connection, const v1::RecordFilter& filter, int limit) {
  pg::Params params;
  CC_ASSIGN_OR_RETURN(std::string where, WhereClause(filter, &params));
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      SelectAtMost(connection, kColumns, where,
                   "coalesce(l.log_index, 9223372036854775807), "
                   "r.recorded_at, r.record_id",
                   std::move(params), limit));
  return ToViews(result, result.rows());
}

namespace {

constexpr char kLogColumns[] =
    "SELECT coalesce(l.log_index, -1), r.record_id, r.record_bytes, "
    "r.signature, r.key_id, r.service, r.entity_type, r.entity_id, "
    "(extract(epoch FROM r.recorded_at) * 1000000)::int8, r.actor_user_id, "
    "r.action, r.din, r.request_id, r.previous_entity_hash, r.leaf_hash, "
    "EXISTS (SELECT FROM cellchain_audit.pending p "
    "        WHERE p.record_id = r.record_id), "
    "(SELECT x.reason FROM cellchain_audit.refused_records x "
    " WHERE x.record_id = r.record_id) "
    "FROM cellchain_audit.records r "
    "LEFT JOIN cellchain_audit.log_entries l USING (record_id) ";

absl::StatusOr<std::string> OptionalBytes(const pg::Result& result, int row,
                                          int column) {
  if (result.IsNull(row, column)) return std::string();
  return result.GetBytes(row, column);
}

}  // namespace

absl::StatusOr<LoadedLog> LoadLog(pg::Connection& connection,
                                  const v1::RecordFilter* filter, int limit) {
  pg::Params params;
  std::string where = "TRUE";
  if (filter != nullptr) {
    CC_ASSIGN_OR_RETURN(where, WhereClause(*filter, &params));
  }
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      SelectAtMost(connection, kLogColumns, where,
                   "l.log_index NULLS LAST, r.recorded_at, r.record_id",
                   std::move(params), limit));
  LoadedLog log;
  for (int row = 0; row < result.rows(); ++row) {
    ledger::StoredRecord r;
    CC_ASSIGN_OR_RETURN(int64_t index, result.GetInt64(row, 0));
    CC_ASSIGN_OR_RETURN(r.record_id, result.GetString(row, 1));
    CC_ASSIGN_OR_RETURN(r.record_bytes, result.GetBytes(row, 2));
    CC_ASSIGN_OR_RETURN(r.signature, result.GetBytes(row, 3));
    CC_ASSIGN_OR_RETURN(r.key_id, result.GetString(row, 4));
    CC_ASSIGN_OR_RETURN(r.service, result.GetString(row, 5));
    CC_ASSIGN_OR_RETURN(r.entity_type, result.GetString(row, 6));
    CC_ASSIGN_OR_RETURN(r.entity_id, result.GetString(row, 7));
    CC_ASSIGN_OR_RETURN(int64_t micros, result.GetInt64(row, 8));
    r.recorded_at = absl::FromUnixMicros(micros);
    CC_ASSIGN_OR_RETURN(r.actor_user_id, result.GetString(row, 9));
    CC_ASSIGN_OR_RETURN(r.action, result.GetString(row, 10));
    if (!result.IsNull(row, 11)) {
      CC_ASSIGN_OR_RETURN(r.din, result.GetString(row, 11));
    }
    CC_ASSIGN_OR_RETURN(r.request_id, result.GetString(row, 12));
    CC_ASSIGN_OR_RETURN(r.previous_entity_hash, OptionalBytes(result, row, 13));
    CC_ASSIGN_OR_RETURN(r.leaf_hash, result.GetBytes(row, 14));
    CC_ASSIGN_OR_RETURN(bool queued, result.GetBool(row, 15));
    std::string refusal;
    if (!result.IsNull(row, 16)) {
      CC_ASSIGN_OR_RETURN(refusal, result.GetString(row, 16));
    }
    if (index >= 0) {
      r.log_index = static_cast<uint64_t>(index);
      log.records.push_back(std::move(r));
    } else if (queued) {
      ++log.pending;
    } else {
      ledger::Finding finding;
      finding.check = ledger::Check::kLogIndex;
      finding.record_id = r.record_id;
      finding.entity_type = r.entity_type;
      finding.entity_id = r.entity_id;
      finding.message =
          refusal.empty()
              ? "record is neither in the log nor queued for it: it was not "
                "written through the ledger"
              : absl::StrCat(
                    "record was refused by the sequencer and is "
                    "not in the log: ",
                    refusal);
      log.unplaced.push_back(std::move(finding));
    }
  }
  return log;
}

absl::StatusOr<LoadedKeys> LoadKeys(pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      connection.Exec("SELECT key_id, service, public_key, "
                      "(extract(epoch FROM valid_from) * 1000000)::int8 "
                      "FROM cellchain_audit.signing_keys ORDER BY valid_from",
                      {}, pg::ResultFormat::kBinary));
  LoadedKeys loaded;
  for (int row = 0; row < result.rows(); ++row) {
    ledger::SigningKeyInfo key;
    CC_ASSIGN_OR_RETURN(key.key_id, result.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(key.service, result.GetString(row, 1));
    CC_ASSIGN_OR_RETURN(key.public_key, result.GetBytes(row, 2));
    CC_ASSIGN_OR_RETURN(int64_t micros, result.GetInt64(row, 3));
    key.valid_from = absl::FromUnixMicros(micros);
    if (!ledger::IsSigningKeyId(key.key_id)) {
      loaded.unreadable.push_back(absl::StrCat("key id \"",
                                               absl::CHexEscape(key.key_id),
                                               "\" is not <service>:<16 hex>"));
      continue;
    }
    if (key.public_key.size() != 32) {
      loaded.unreadable.push_back(
          absl::StrCat("key ", key.key_id, ": its public key is ",
                       key.public_key.size(), " bytes, not 32"));
      continue;
    }
    loaded.keys.push_back(std::move(key));
  }
  return loaded;
}

absl::StatusOr<std::vector<std::string>> LoadCheckpoints(
    pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      connection.Exec("SELECT note FROM cellchain_audit.checkpoints "
                      "ORDER BY tree_size"));
  std::vector<std::string> notes;
  for (int row = 0; row < result.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string note, result.GetString(row, 0));
    notes.push_back(std::move(note));
  }
  return notes;
}

absl::StatusOr<std::vector<ledger::CurrentState>> LoadStates(
    pg::Connection& connection, const ledger::StateRegistry& registry,
    const std::vector<ledger::StoredRecord>& records, bool every_row) {
  std::vector<ledger::CurrentState> states;
  std::set<std::pair<std::string, std::string>> seen;
  for (const ledger::StoredRecord& record : records) {
    if (!registry.Contains(record.entity_type)) continue;
    if (!seen.emplace(record.entity_type, record.entity_id).second) continue;
    ledger::CurrentState state;
    state.entity_type = record.entity_type;
    state.entity_id = record.entity_id;
    absl::StatusOr<ledger::EntityState> current =
        registry.ReadState(connection, record.entity_type, record.entity_id);
    if (current.ok()) {
      state.state = std::move(current->bytes);
    } else if (current.status().code() != absl::StatusCode::kNotFound) {
      return current.status();
    }
    states.push_back(std::move(state));
  }
  // Every current row of every registered type, so that a row no record
  // vouches for (inserted behind the service's back) is found: the verifier
  // names an entity whose state has no record.
  for (const std::string& type :
       every_row ? registry.EntityTypes() : std::vector<std::string>{}) {
    absl::StatusOr<std::vector<std::string>> ids =
        registry.ListIds(connection, type);
    if (absl::IsNotFound(ids.status())) continue;  // registered without one
    CC_RETURN_IF_ERROR(ids.status());
    for (std::string& id : *ids) {
      if (!seen.emplace(type, id).second) continue;
      ledger::CurrentState state;
      state.entity_type = type;
      state.entity_id = std::move(id);
      absl::StatusOr<ledger::EntityState> current =
          registry.ReadState(connection, type, state.entity_id);
      if (current.ok()) {
        state.state = std::move(current->bytes);
      } else if (current.status().code() != absl::StatusCode::kNotFound) {
        return current.status();
      }
      states.push_back(std::move(state));
    }
  }
  return states;
}

absl::StatusOr<StoredLogVerification> VerifyStoredLog(
    pg::Connection& connection, const ledger::StateRegistry& registry,
    const std::string& origin,
    const std::vector<ledger::NoteVerifier>& checkpoint_verifiers,
    const ledger::Keyring* keyring, int max_records,
    const ledger::VerifyOptions& options,
    const std::vector<std::string>& known_checkpoints) {
  // One snapshot for everything read, so records, keys and checkpoints
  // agree with each other while writers go on.
  CC_ASSIGN_OR_RETURN(
      pg::Transaction tx,
      pg::Transaction::Begin(
          connection,
          {.isolation = pg::Isolation::kRepeatableRead, .read_only = true}));
  CC_ASSIGN_OR_RETURN(LoadedLog log, LoadLog(connection, nullptr, max_records));
  ledger::VerifyInput input;
  input.complete = true;
  input.origin = origin;
  input.checkpoint_verifiers = checkpoint_verifiers;
  CC_ASSIGN_OR_RETURN(LoadedKeys keys, LoadKeys(connection));
  input.keys = std::move(keys.keys);
  input.unreadable_keys = std::move(keys.unreadable);
  if (keyring != nullptr) input.keyring = *keyring;
  CC_ASSIGN_OR_RETURN(input.checkpoints, LoadCheckpoints(connection));
  for (const std::string& note : known_checkpoints) {
    if (std::find(input.checkpoints.begin(), input.checkpoints.end(), note) ==
        input.checkpoints.end()) {
      input.checkpoints.push_back(note);
    }
  }
  CC_ASSIGN_OR_RETURN(input.states,
                      LoadStates(connection, registry, log.records,
                                 /*every_row=*/true));
  input.records = std::move(log.records);
  StoredLogVerification verification;
  verification.result = ledger::Verify(input, options);
  verification.pending = log.pending;
  verification.findings = std::move(log.unplaced);
  verification.findings.insert(verification.findings.end(),
                               verification.result.findings.begin(),
                               verification.result.findings.end());
  return verification;
}

v1::RecordView ToView(const ledger::StoredRecord& record) {
  v1::RecordView view;
  if (!view.mutable_record()->ParseFromString(record.record_bytes)) {
    view.clear_record();
  }
  view.set_record_bytes(record.record_bytes);
  view.set_signature(record.signature);
  view.set_leaf_hash(record.leaf_hash);
  view.set_log_index(static_cast<int64_t>(record.log_index));
  v1::StoredColumns* columns = view.mutable_columns();
  columns->set_service(record.service);
  columns->set_key_id(record.key_id);
  columns->set_entity_type(record.entity_type);
  columns->set_entity_id(record.entity_id);
  int64_t micros = absl::ToUnixMicros(record.recorded_at);
  columns->mutable_recorded_at()->set_seconds(micros / 1000000);
  columns->mutable_recorded_at()->set_nanos(
      static_cast<int32_t>(micros % 1000000) * 1000);
  columns->set_actor_user_id(record.actor_user_id);
  columns->set_action(record.action);
  columns->set_has_din(record.din.has_value());
  if (record.din.has_value()) columns->set_din(*record.din);
  columns->set_request_id(record.request_id);
  columns->set_previous_entity_hash(record.previous_entity_hash);
  return view;
}

}  // namespace cellchain::audit
