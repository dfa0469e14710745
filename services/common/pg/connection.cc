#include "services/common/pg/connection.h"

#include <poll.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/pg/error.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::pg {
namespace {

constexpr Oid kByteaOid = 17;
// The protocol counts parameters in 16 bits.
constexpr size_t kMaxParams = 65535;

// Params laid out as PQexecParams wants them; points into the Params.
struct WireParams {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;

  int size() const { return static_cast<int>(values.size()); }
};

absl::StatusOr<WireParams> ToWire(const Params& params) {
  if (params.size() > kMaxParams) {
    return absl::InvalidArgumentError(
        absl::StrCat(params.size(), " parameters; at most ", kMaxParams));
  }
  WireParams wire;
  for (const Param& param : params) {
    const std::string& value = param.value();
    if (param.is_null()) {
      wire.types.push_back(0);
      wire.values.push_back(nullptr);
      wire.lengths.push_back(0);
      wire.formats.push_back(0);
    } else if (param.is_bytes()) {
      wire.types.push_back(kByteaOid);
      wire.values.push_back(value.data());
      wire.lengths.push_back(static_cast<int>(value.size()));
      wire.formats.push_back(1);
    } else {
      // Text parameters travel as C strings: a NUL would silently cut the
      // value short.
      if (value.find('\0') != std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "parameter $", wire.size() + 1, " contains a NUL byte"));
      }
      wire.types.push_back(0);  // inferred by the server
      wire.values.push_back(value.c_str());
      wire.lengths.push_back(0);
      wire.formats.push_back(0);
    }
  }
  return wire;
}

// The key of a statement in the session's cache. The parameter types are
// part of what the server prepared: the same SQL with a bytea where it once
// had a type inferred by the server is another statement. SQL text holds no
// NUL (libpq sends it as a C string), so the separator is unambiguous.
std::string CacheKey(const std::string& sql, const WireParams& wire) {
  std::string key;
  key.reserve(sql.size() + 1 + wire.types.size());
  key.append(sql);
  key.push_back('\0');
  for (Oid type : wire.types) key.push_back(type == kByteaOid ? 'b' : '?');
  return key;
}

// SQL that may deallocate prepared statements (DEALLOCATE, DISCARD ALL): it
// is never prepared itself, and the cache is emptied after it ran.
bool MayDeallocate(std::string_view sql) {
  auto mentions = [sql](std::string_view word) {
    return std::search(
               sql.begin(), sql.end(), word.begin(), word.end(),
               [](char a, char b) {
                 return absl::ascii_toupper(static_cast<unsigned char>(a)) == b;
               }) != sql.end();
  };
  return mentions("DEALLOCATE") || mentions("DISCARD");
}

// After a prepared statement failed with `status`: forgets it when only a
// new Parse can make it work again. 26000: the statement is gone (DEALLOCATE
// or DISCARD sent around this class). 0A000 "cached plan must not change
// result type": the columns of a table changed under a statement that
// returns them (SELECT * and a migration adding a column). The failed call
// reports the error; the next one prepares the statement anew under a new
// name (the stale one stays allocated on the server until the session ends).
void ForgetIfStale(absl::flat_hash_map<std::string, std::string>& prepared,
                   const std::string& key, const absl::Status& status) {
  const std::string sqlstate = SqlStateOf(status);
  if (sqlstate == "26000" || sqlstate == "0A000") prepared.erase(key);
}

}  // namespace

struct Connection::State {
  PGconn* conn = nullptr;
  // The server announced it is closing this session, or the session was left
  // unusable (abandoned pipeline); only Reset() clears it.
  bool going_away = false;
  // The statements this session has prepared: CacheKey() -> statement name.
  // An entry is added only once the server has confirmed the Parse, and
  // stays across transactions (the server keeps a prepared statement when a
  // transaction rolls back: preparing is not transactional). A new session
  // (Reset) has none.
  absl::flat_hash_map<std::string, std::string> prepared;
  // Names are never reused within a session, so a statement forgotten here
  // but still prepared on the server cannot clash with a new one.
  uint64_t next_statement = 0;
  // Queued by a Transaction, sent ahead of the next statements: its BEGIN
  // (empty: none) and its deferred statements.
  std::string queued_begin;
  struct Deferred {
    Statement statement;
    DeferredErrorMap on_error;
  };
  std::vector<Deferred> queued;

  ~State() { PQfinish(conn); }

  static void OnNotice(void* arg, const PGresult* notice) {
    auto* state = static_cast<State*>(arg);
    const char* severity =
        PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char* sqlstate = PQresultErrorField(notice, PG_DIAG_SQLSTATE);
    std::string_view s = severity ? severity : "";
    std::string_view code = sqlstate ? sqlstate : "";
    if (s == "FATAL" || s == "PANIC" || code == "57P01" || code == "57P02" ||
        code == "57P03") {
      state->going_away = true;
    }
  }
};

Connection::Connection(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
Connection::Connection(Connection&& other) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept = default;
Connection::~Connection() = default;

absl::StatusOr<Connection> Connection::Open(std::string_view conninfo) {
  std::string info(conninfo);
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(info.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error ? error : "out of memory";
    PQfreemem(error);
    return absl::InvalidArgumentError(absl::StrCat(
        "bad conninfo: ", absl::StripTrailingAsciiWhitespace(message)));
  }
  PQconninfoFree(parsed);

  // The conninfo is expanded in place of "dbname"; the keywords after it
  // override what it says.
  const char* const keys[] = {"dbname", "client_encoding",
                              "fallback_application_name", nullptr};
  const char* const values[] = {info.c_str(), "UTF8", "cellchain", nullptr};
  auto state = std::make_unique<State>();
  state->conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (state->conn == nullptr) {
    return absl::ResourceExhaustedError("libpq: out of memory");
  }
  if (PQstatus(state->conn) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to the database: ",
        absl::StripTrailingAsciiWhitespace(PQerrorMessage(state->conn))));
  }
  PQsetNoticeReceiver(state->conn, &State::OnNotice, state.get());
  return Connection(std::move(state));
}

absl::StatusOr<Result> Connection::Exec(std::string_view sql,
                                        const Params& params,
                                        ResultFormat format) {
  // One code path for one statement and many: the first use of a statement
  // then prepares it in the same round trip as it runs.
  Statement statement(std::string(sql), params, format);
  PipelineOutcome outcome =
      RunPipeline(std::span<const Statement>(&statement, 1));
  if (!outcome.status.ok()) return outcome.status;
  return std::move(outcome.results[0]);
}

absl::StatusOr<std::vector<Result>> Connection::ExecPipeline(
    std::span<const Statement> statements) {
  PipelineOutcome outcome = RunPipeline(statements);
  if (!outcome.status.ok()) {
    if (outcome.queued_failed) return outcome.status;
    return Annotate(outcome.status,
                    PipelineContext(outcome.failed, statements.size()));
  }
  return std::move(outcome.results);
}

std::string PipelineContext(size_t failed, size_t n) {
  std::string context =
      absl::StrCat("pipeline statement ", failed + 1, " of ", n);
  if (failed + 1 < n) {
    absl::StrAppend(&context, " (", n - failed - 1,
                    " after it aborted, not executed)");
  }
  return context;
}

Connection::PipelineOutcome Connection::RunPipeline(
    std::span<const Statement> statements) {
  if (state_->queued_begin.empty() && state_->queued.empty()) {
    return RunStatements(statements);
  }
  // Taken off the queue: they are sent now, whatever happens.
  std::string begin = std::exchange(state_->queued_begin, std::string());
  std::vector<State::Deferred> queued = std::exchange(state_->queued, {});
  const size_t first_deferred = begin.empty() ? 0 : 1;
  const size_t prefix = first_deferred + queued.size();
  std::vector<Statement> all;
  all.reserve(prefix + statements.size());
  if (!begin.empty()) all.emplace_back(begin);
  for (State::Deferred& d : queued) all.push_back(std::move(d.statement));
  all.insert(all.end(), statements.begin(), statements.end());
  PipelineOutcome outcome = RunStatements(all);

  const bool ok = outcome.status.ok();
  if (!outcome.sent) {
    // Refused before anything was sent (a bad parameter): the queue stays as
    // it was, so that a deferred statement is never lost on the way.
    state_->queued_begin = std::move(begin);
    for (size_t k = 0; k < queued.size(); ++k) {
      queued[k].statement = std::move(all[first_deferred + k]);
    }
    state_->queued = std::move(queued);
  } else if (!ok && !begin.empty() && outcome.failed == 0) {
    // BEGIN itself did not run: the transaction is still to begin, so that
    // what is sent next on this connection does not run outside it.
    state_->queued_begin = std::move(begin);
  }
  if (!ok && outcome.failed < prefix) {
    outcome.queued_failed = true;
    if (outcome.failed >= first_deferred) {
      const DeferredErrorMap& on_error =
          queued[outcome.failed - first_deferred].on_error;
      if (on_error) {
        absl::Status mapped = on_error(outcome.status);
        // The server's transaction has failed, whatever the map says.
        if (!mapped.ok()) outcome.status = std::move(mapped);
      }
    }
    outcome.failed = 0;
    outcome.results.clear();
    outcome.results.resize(statements.size());
    return outcome;
  }
  if (!ok) {
    outcome.failed -= prefix;
    outcome.results.clear();
    return outcome;
  }
  outcome.results.erase(
      outcome.results.begin(),
      outcome.results.begin() + static_cast<std::ptrdiff_t>(prefix));
  return outcome;
}

Connection::PipelineOutcome Connection::RunStatements(
    std::span<const Statement> statements) {
  const size_t n = statements.size();
  PipelineOutcome outcome;
  auto fail = [&](absl::Status status, size_t i) {
    outcome.status = std::move(status);
    outcome.failed = i;
    return std::move(outcome);
  };
  // Refuse bad parameters before anything is sent.
  std::vector<WireParams> wire;
  wire.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    absl::StatusOr<WireParams> w = ToWire(statements[i].params);
    if (!w.ok()) return fail(w.status(), i);
    wire.push_back(*std::move(w));
  }
  if (n == 0) return outcome;

  // Which statement runs under which prepared name; those not prepared yet
  // in this session are prepared first, in the same pipeline. A statement
  // that occurs twice in the pipeline is prepared once.
  struct Command {
    size_t statement;
    bool prepare;  // the Parse of `name`, else the statement's execution
  };
  std::vector<std::string> keys(n);
  std::vector<std::string> names(n);  // empty: run unprepared
  std::vector<Command> commands;
  commands.reserve(2 * n);
  absl::flat_hash_map<std::string, size_t> preparing;  // key -> statement
  bool may_deallocate = false;
  for (size_t i = 0; i < n; ++i) {
    keys[i] = CacheKey(statements[i].sql, wire[i]);
    if (auto it = state_->prepared.find(keys[i]);
        it != state_->prepared.end()) {
      names[i] = it->second;
    } else if (auto it = preparing.find(keys[i]); it != preparing.end()) {
      names[i] = names[it->second];
    } else if (MayDeallocate(statements[i].sql)) {
      may_deallocate = true;
    } else if (state_->prepared.size() + preparing.size() <
               kMaxPreparedStatements) {
      names[i] = absl::StrCat("cc_", ++state_->next_statement);
      preparing.emplace(keys[i], i);
      commands.push_back({i, /*prepare=*/true});
    }
    commands.push_back({i, /*prepare=*/false});
  }

  PGconn* conn = state_->conn;
  if (PQenterPipelineMode(conn) != 1) {
    return fail(StatusFromResult(nullptr, conn), 0);
  }
  outcome.sent = true;
  for (const Command& command : commands) {
    const size_t i = command.statement;
    const WireParams& w = wire[i];
    const int result_format =
        statements[i].format == ResultFormat::kBinary ? 1 : 0;
    int sent;
    if (command.prepare) {
      sent = PQsendPrepare(conn, names[i].c_str(), statements[i].sql.c_str(),
                           w.size(), w.types.data());
    } else if (!names[i].empty()) {
      sent = PQsendQueryPrepared(conn, names[i].c_str(), w.size(),
                                 w.values.data(), w.lengths.data(),
                                 w.formats.data(), result_format);
    } else {
      sent = PQsendQueryParams(
          conn, statements[i].sql.c_str(), w.size(), w.types.data(),
          w.values.data(), w.lengths.data(), w.formats.data(), result_format);
    }
    if (sent != 1) {
      // Without a Sync nothing sent so far can commit; the session is left
      // mid-pipeline, so it must be reset before reuse.
      state_->going_away = true;
      return fail(SessionFailure(conn), i);
    }
  }
  if (PQpipelineSync(conn) != 1) {
    state_->going_away = true;
    return fail(SessionFailure(conn), n - 1);
  }

  // Results arrive in order; each command's results end with a null. After
  // a failure the remaining commands report PIPELINE_ABORTED, then the
  // Sync's PIPELINE_SYNC ends the pipeline.
  const size_t m = commands.size();
  std::vector<Result>& results = outcome.results;
  results.resize(n);
  absl::Status& first_error = outcome.status;
  size_t& failed = outcome.failed;  // statement index of first_error
  for (size_t index = 0;;) {
    Result result(PQgetResult(conn));
    if (result.get() == nullptr) {
      if (PQstatus(conn) == CONNECTION_BAD || ++index > m) {
        if (first_error.ok()) {
          first_error = SessionFailure(conn);
          failed = commands[std::min(index, m - 1)].statement;
        }
        state_->going_away = true;
        break;
      }
      continue;
    }
    ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status == PGRES_PIPELINE_ABORTED) continue;
    if (index >= m) continue;  // cannot happen: more results than commands
    const Command& command = commands[index];
    const size_t i = command.statement;
    absl::Status s = StatusFromResult(result.get(), conn);
    if (s.ok() && command.prepare) {
      state_->prepared.emplace(keys[i], names[i]);
    } else if (s.ok()) {
      results[i] = std::move(result);
    } else {
      if (!command.prepare && !names[i].empty()) {
        ForgetIfStale(state_->prepared, keys[i], s);
      }
      if (first_error.ok()) {
        first_error = s;
        failed = i;
      }
    }
  }
  if (may_deallocate) state_->prepared.clear();
  // After the Sync: the server's report of its read-only state, which comes
  // with the end of the pipeline, has been read.
  first_error = OnReadOnlyServer(std::move(first_error));
  if (!state_->going_away && PQexitPipelineMode(conn) != 1) {
    state_->going_away = true;
    if (first_error.ok()) first_error = SessionFailure(conn);
  }
  return outcome;
}

void Connection::QueueBegin(const char* sql) { state_->queued_begin = sql; }

bool Connection::begin_queued() const { return !state_->queued_begin.empty(); }

void Connection::QueueDeferred(Statement statement, DeferredErrorMap on_error) {
  state_->queued.push_back({std::move(statement), std::move(on_error)});
}

bool Connection::deferred_queued() const { return !state_->queued.empty(); }

void Connection::DropQueued() {
  state_->queued_begin.clear();
  state_->queued.clear();
}

int Connection::prepared_statement_count() const {
  return static_cast<int>(state_->prepared.size());
}

absl::Status Connection::SendQueued() { return RunPipeline({}).status; }

absl::Status Connection::ExecScript(std::string_view sql) {
  CC_RETURN_IF_ERROR(SendQueued());
  Result result(PQexec(state_->conn, std::string(sql).c_str()));
  // A script that may have deallocated prepared statements: forget them all
  // rather than fail on the next use of one. Forgetting more than was
  // deallocated costs a Parse per statement, nothing else (names are never
  // reused).
  if (MayDeallocate(sql)) state_->prepared.clear();
  return OnReadOnlyServer(StatusFromResult(result.get(), state_->conn));
}

absl::Status Connection::OnReadOnlyServer(absl::Status status) {
  if (SqlStateOf(status) != "25006" || !ServerIsReadOnly()) return status;
  state_->going_away = true;  // the pool replaces the session
  return ReadOnlyServerError(status);
}

bool Connection::ServerIsReadOnly() const {
  auto on = [this](const char* name) {
    const char* value = PQparameterStatus(state_->conn, name);
    return value != nullptr && std::string_view(value) == "on";
  };
  return on("in_hot_standby") || on("default_transaction_read_only");
}

bool Connection::IsAlive() {
  PGconn* conn = state_->conn;
  if (state_->going_away || PQstatus(conn) != CONNECTION_OK) return false;
  pollfd fd = {PQsocket(conn), POLLIN, 0};
  int ready = poll(&fd, 1, /*timeout=*/0);
  if (ready == 0) return true;  // nothing from the server: idle and alive
  if (ready < 0) return true;   // EINTR and friends: no news
  if (fd.revents & (POLLERR | POLLNVAL)) return false;
  // Readable while idle: a notification, a parameter change, or the
  // server's farewell (FATAL 57P01 notice) and EOF. libpq marks EOF as
  // CONNECTION_BAD; the notice receiver marks the farewell.
  if (PQconsumeInput(conn) != 1) return false;
  while (PGnotify* notify = PQnotifies(conn)) PQfreemem(notify);
  return !state_->going_away && PQstatus(conn) == CONNECTION_OK;
}

absl::Status Connection::Reset() {
  PQreset(state_->conn);
  state_->going_away = false;
  // A new session: the old one's prepared statements and transaction died
  // with it.
  state_->prepared.clear();
  state_->queued_begin.clear();
  state_->queued.clear();
  if (PQstatus(state_->conn) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(
        "cannot reconnect to the database: ",
        absl::StripTrailingAsciiWhitespace(PQerrorMessage(state_->conn))));
  }
  return absl::OkStatus();
}

PGTransactionStatusType Connection::transaction_status() const {
  PGTransactionStatusType status = PQtransactionStatus(state_->conn);
  if (status == PQTRANS_IDLE && !state_->queued_begin.empty()) {
    return PQTRANS_INTRANS;
  }
  return status;
}

PGconn* Connection::get() const { return state_->conn; }

}  // namespace cellchain::pg
