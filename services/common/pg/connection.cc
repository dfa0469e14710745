#include "services/common/pg/connection.h"

#include <poll.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/pg/error.h"
#include "services/common/status/status.h"

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

}  // namespace

struct Connection::State {
  PGconn* conn = nullptr;
  // The server announced it is closing this session, or the session was left
  // unusable (abandoned pipeline); only Reset() clears it.
  bool going_away = false;

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
  CC_ASSIGN_OR_RETURN(WireParams wire, ToWire(params));
  PGconn* conn = state_->conn;
  Result result(PQexecParams(conn, std::string(sql).c_str(), wire.size(),
                             wire.types.data(), wire.values.data(),
                             wire.lengths.data(), wire.formats.data(),
                             format == ResultFormat::kBinary ? 1 : 0));
  CC_RETURN_IF_ERROR(StatusFromResult(result.get(), conn));
  return result;
}

absl::StatusOr<std::vector<Result>> Connection::ExecPipeline(
    std::span<const Statement> statements) {
  const size_t n = statements.size();
  // Refuse bad parameters before anything is sent.
  std::vector<WireParams> wire;
  wire.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    absl::StatusOr<WireParams> w = ToWire(statements[i].params);
    if (!w.ok()) {
      return Annotate(w.status(),
                      absl::StrCat("pipeline statement ", i + 1, " of ", n));
    }
    wire.push_back(*std::move(w));
  }
  if (n == 0) return std::vector<Result>();

  PGconn* conn = state_->conn;
  if (PQenterPipelineMode(conn) != 1) return StatusFromResult(nullptr, conn);
  for (size_t i = 0; i < n; ++i) {
    const WireParams& w = wire[i];
    if (PQsendQueryParams(
            conn, statements[i].sql.c_str(), w.size(), w.types.data(),
            w.values.data(), w.lengths.data(), w.formats.data(),
            statements[i].format == ResultFormat::kBinary ? 1 : 0) != 1) {
      // Without a Sync nothing sent so far can commit; the session is left
      // mid-pipeline, so it must be reset before reuse.
      state_->going_away = true;
      return Annotate(
          StatusFromResult(nullptr, conn),
          absl::StrCat("sending pipeline statement ", i + 1, " of ", n));
    }
  }
  if (PQpipelineSync(conn) != 1) {
    state_->going_away = true;
    return StatusFromResult(nullptr, conn);
  }

  // Results arrive in order; each statement's results end with a null.
  // After a failure the remaining statements report PIPELINE_ABORTED, then
  // the Sync's PIPELINE_SYNC ends the pipeline.
  std::vector<Result> results(n);
  absl::Status first_error;
  size_t failed = 0;
  for (size_t index = 0;;) {
    Result result(PQgetResult(conn));
    if (result.get() == nullptr) {
      if (PQstatus(conn) == CONNECTION_BAD || ++index > n) {
        if (first_error.ok()) {
          first_error = StatusFromResult(nullptr, conn);
          failed = std::min(index, n - 1);
        }
        state_->going_away = true;
        break;
      }
      continue;
    }
    ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status == PGRES_PIPELINE_ABORTED) continue;
    absl::Status s = StatusFromResult(result.get(), conn);
    if (!s.ok() && first_error.ok()) {
      first_error = s;
      failed = index;
    } else if (s.ok() && index < n) {
      results[index] = std::move(result);
    }
  }
  if (!state_->going_away && PQexitPipelineMode(conn) != 1) {
    state_->going_away = true;
    if (first_error.ok()) first_error = StatusFromResult(nullptr, conn);
  }
  if (!first_error.ok()) {
    std::string context =
        absl::StrCat("pipeline statement ", failed + 1, " of ", n);
    if (failed + 1 < n) {
      absl::StrAppend(&context, " (", n - failed - 1,
                      " after it aborted, not executed)");
    }
    return Annotate(first_error, context);
  }
  return results;
}

absl::Status Connection::ExecScript(std::string_view sql) {
  Result result(PQexec(state_->conn, std::string(sql).c_str()));
  return StatusFromResult(result.get(), state_->conn);
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
  if (PQstatus(state_->conn) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(
        "cannot reconnect to the database: ",
        absl::StripTrailingAsciiWhitespace(PQerrorMessage(state_->conn))));
  }
  return absl::OkStatus();
}

PGTransactionStatusType Connection::transaction_status() const {
  return PQtransactionStatus(state_->conn);
}

PGconn* Connection::get() const { return state_->conn; }

}  // namespace cellchain::pg
