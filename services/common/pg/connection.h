// Connection: one PostgreSQL session, owning its PGconn.
//
// Statements run with their values as parameters ($1..$n, params.h), never
// spliced into the SQL. Exec sends one statement; ExecPipeline sends several
// in one round trip (libpq pipeline mode). Errors become statuses through
// error.h. Every connection uses client_encoding UTF8 and reports
// application_name "cellchain" unless the conninfo names one.
//
// Server notices (e.g. "NOTICE: ... already exists, skipping") are dropped,
// except that a FATAL notice or an admin-shutdown SQLSTATE marks the session
// as going away so that IsAlive() reports it.
//
// Thread-safety: not thread-safe; one thread at a time (the pool hands a
// connection to one thread). Move-only; a moved-from Connection may only be
// destroyed or assigned to.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_CONNECTION_H_
#define CELLCHAIN_SERVICES_COMMON_PG_CONNECTION_H_

#include <libpq-fe.h>

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/pg/params.h"
#include "services/common/pg/result.h"

namespace cellchain::pg {

class Connection {
 public:
  // Connects (blocking; set connect_timeout in the conninfo to bound it).
  // INVALID_ARGUMENT: conninfo does not parse.
  // UNAVAILABLE: the server refused or could not be reached (message from
  //   libpq, naming host/socket; never the password).
  static absl::StatusOr<Connection> Open(std::string_view conninfo);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one statement. `sql` holds exactly one statement.
  // INVALID_ARGUMENT: a text parameter contains a NUL byte (PostgreSQL text
  //   cannot hold one), or the server's 22xxx/23502.
  // Otherwise the code from error.h (UNAVAILABLE when the connection is lost).
  absl::StatusOr<Result> Exec(std::string_view sql, const Params& params = {},
                              ResultFormat format = ResultFormat::kText);

  // Sends all statements, then one Sync, in a single round trip, and returns
  // one Result per statement. Outside a transaction block the statements
  // form one implicit transaction: all or nothing. Inside a Transaction a
  // failure leaves the transaction failed (it can only roll back).
  // On failure returns the first failing statement's status (code as for
  // Exec), its message prefixed with "pipeline statement i of n" and noting
  // that the later statements were aborted (not executed).
  // Meant for a handful of statements per request: libpq is used in blocking
  // mode, which can stall on pipelines of many megabytes.
  absl::StatusOr<std::vector<Result>> ExecPipeline(
      std::span<const Statement> statements);

  // Runs SQL text with possibly several statements and no parameters
  // (PQexec). Only for constant, trusted SQL such as migrations.
  // Codes as for Exec.
  absl::Status ExecScript(std::string_view sql);

  // Cheap liveness check, no round trip: false if libpq already knows the
  // connection is bad, or the server has closed it or announced it is going
  // away (admin shutdown/restart). Reads whatever the server sent while
  // idle (poll with zero timeout, then PQconsumeInput). Cannot see a server
  // that vanished silently (network partition); a statement will then fail
  // with UNAVAILABLE.
  bool IsAlive();

  // Reconnects with the original parameters (PQreset, blocking). Any open
  // transaction is gone. UNAVAILABLE: the server cannot be reached.
  absl::Status Reset();

  // libpq's view: PQTRANS_IDLE, _INTRANS, _INERROR, _ACTIVE or _UNKNOWN.
  PGTransactionStatusType transaction_status() const;

  // For what this wrapper does not cover (LISTEN, COPY). Keep ownership here.
  PGconn* get() const;

 private:
  struct State;
  explicit Connection(std::unique_ptr<State> state);

  // State is heap-allocated so that the notice receiver's pointer to it
  // survives moves of the Connection.
  std::unique_ptr<State> state_;
};

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_CONNECTION_H_
