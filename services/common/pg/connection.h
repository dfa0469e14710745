// Connection: one PostgreSQL session, owning its PGconn.
//
// Statements run with their values as parameters ($1..$n, params.h), never
// spliced into the SQL. Exec sends one statement; ExecPipeline sends several
// in one round trip (libpq pipeline mode). Errors become statuses through
// error.h. Every connection uses client_encoding UTF8 and reports
// application_name "cellchain" unless the conninfo names one.
//
// Prepared statements, transparently: Exec and ExecPipeline prepare each
// statement (named "cc_<n>") the first time this session runs it, in the
// same round trip as its first execution, and later only bind and execute
// it, so the server parses and analyses it once per session instead of on
// every execution. The cache is keyed by the SQL text and the parameters'
// types (bytea, or left to the server to infer, exactly as an unprepared
// statement would), so a statement means what it would mean unprepared.
// An entry is made once the server confirms the Parse, and survives the
// transaction it was made in, also a rolled-back one (PostgreSQL keeps
// prepared statements across transactions). Reset() empties the cache: the
// new session has none. At most kMaxPreparedStatements per session are
// prepared; statements beyond run unprepared (parsed every time). ExecScript
// never prepares (it sends scripts of several statements). Caveats:
//   - the server may switch a statement executed more than five times to a
//     generic plan (plan_cache_mode); for skewed data, check the plan;
//   - SQL that mentions DEALLOCATE or DISCARD is never prepared, and
//     empties the cache once it ran (ExecScript too). The same sent through
//     get() makes the next use of a deallocated statement fail once
//     (SQLSTATE 26000); a statement returning a table's columns fails once
//     after a migration changes them (0A000 "cached plan must not change
//     result type"). Either error drops the statement from the cache and
//     the next call prepares it again;
//   - a connection pooler in transaction mode (PgBouncer before 1.21) does
//     not carry prepared statements between server sessions: connect
//     directly or in session mode.
//
// Queued statements: a Transaction (transaction.h) queues its BEGIN and its
// deferred statements on the connection instead of sending them. Whatever
// is sent next on the connection (Exec, ExecPipeline, ExecScript,
// SendQueued) sends them first, in the same round trip (ExecScript: in one
// of its own), so a transaction costs no round trip of its own, and code
// that runs statements on the connection of an open Transaction runs them
// inside it, after what the transaction queued.
//
// Server notices (e.g. "NOTICE: ... already exists, skipping") are dropped,
// except that a FATAL notice or an admin-shutdown SQLSTATE marks the session
// as going away so that IsAlive() reports it.
//
// A read-only server: a statement refused with SQLSTATE 25006 while the
// session is on a read-only server (ServerIsReadOnly: a standby, a demoted
// primary, default_transaction_read_only set for the database, role or
// server) fails with pg::ReadOnlyServerError (UNAVAILABLE, nothing written)
// and marks the session as going away, so that a pool replaces it rather
// than hand it out again (the new session, given several hosts and
// target_session_attrs=read-write, lands on the primary).
//
// Thread-safety: not thread-safe; one thread at a time (the pool hands a
// connection to one thread). Move-only; a moved-from Connection may only be
// destroyed or assigned to.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_CONNECTION_H_
#define CELLCHAIN_SERVICES_COMMON_PG_CONNECTION_H_

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/pg/params.h"
#include "services/common/pg/result.h"

namespace cellchain::pg {

// What a deferred statement's failure means to the code that deferred it
// (Transaction::Defer): gets the statement's error, returns the status to
// report instead.
using DeferredErrorMap = std::function<absl::Status(absl::Status error)>;

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
  // A queued statement that fails: its error (as the Transaction::Defer
  // caller mapped it); the statement was not executed.
  absl::StatusOr<Result> Exec(std::string_view sql, const Params& params = {},
                              ResultFormat format = ResultFormat::kText);

  // Sends all statements (plus the Parse of those not prepared yet), then one
  // Sync, in a single round trip, and returns
  // one Result per statement. Outside a transaction block the statements
  // form one implicit transaction: all or nothing. Inside a Transaction a
  // failure leaves the transaction failed (it can only roll back).
  // On failure returns the first failing statement's status (code as for
  // Exec), its message prefixed with "pipeline statement i of n" and noting
  // that the later statements were aborted (not executed); or, as for Exec,
  // the error of a queued statement, and then none of them was executed.
  // Meant for a handful of statements per request: libpq is used in blocking
  // mode, which can stall on pipelines of many megabytes.
  absl::StatusOr<std::vector<Result>> ExecPipeline(
      std::span<const Statement> statements);

  // Runs SQL text with possibly several statements and no parameters
  // (PQexec), never prepared. Only for constant, trusted SQL such as
  // migrations. Codes as for Exec.
  absl::Status ExecScript(std::string_view sql);

  // Sends the queued statements now (one round trip; none if nothing is
  // queued). Codes as for Exec.
  absl::Status SendQueued();

  // Cheap liveness check, no round trip: false if libpq already knows the
  // connection is bad, or the server has closed it or announced it is going
  // away (admin shutdown/restart). Reads whatever the server sent while
  // idle (poll with zero timeout, then PQconsumeInput). Cannot see a server
  // that vanished silently (network partition); a statement will then fail
  // with UNAVAILABLE.
  bool IsAlive();

  // The server said this session is read-only: it is a hot standby
  // (in_hot_standby) or default_transaction_read_only is on. Both are
  // reported by PostgreSQL 14 and later at connection and whenever they
  // change; no round trip. What target_session_attrs=read-write refuses.
  bool ServerIsReadOnly() const;

  // Reconnects with the original parameters (PQreset, blocking). Any open
  // transaction is gone, and so are the queued statements.
  // UNAVAILABLE: the server cannot be reached.
  absl::Status Reset();

  // libpq's view: PQTRANS_IDLE, _INTRANS, _INERROR, _ACTIVE or _UNKNOWN;
  // and _INTRANS while a Transaction's BEGIN is queued (the transaction is
  // open even though the server has not seen it yet).
  PGTransactionStatusType transaction_status() const;

  // How many statements this session has prepared (for tests and metrics).
  int prepared_statement_count() const;

  // A bound on the server memory a session spends on its statements (a few
  // KB to tens of KB each, with their cached plans): enough for every
  // statement a service sends, while SQL built with a varying number of
  // placeholders cannot grow the cache without limit.
  static constexpr size_t kMaxPreparedStatements = 256;

  // For what this wrapper does not cover (LISTEN, COPY). Keep ownership here.
  // What is sent through it does not send the queued statements: call
  // SendQueued() first.
  PGconn* get() const;

 private:
  struct State;
  // Transaction queues its BEGIN and deferred statements.
  friend class Transaction;

  // What a pipeline returned: every statement's result up to the first
  // failure (empty Results after it), that failure's status, unannotated,
  // and the index of the statement it belongs to (for a lost connection,
  // the statement being waited for). `queued_failed`: the failure was a
  // queued statement's (status mapped), and none of the statements ran.
  struct PipelineOutcome {
    std::vector<Result> results;
    absl::Status status;
    size_t failed = 0;
    bool queued_failed = false;
    bool sent = false;  // anything reached the server
  };

  explicit Connection(std::unique_ptr<State> state);
  // Exec, ExecPipeline and SendQueued: the queued statements, then
  // `statements`, in one round trip.
  PipelineOutcome RunPipeline(std::span<const Statement> statements);
  // `statements` alone, in one round trip.
  PipelineOutcome RunStatements(std::span<const Statement> statements);
  // `status` as ReadOnlyServerError, and the session marked going away, when
  // it is a 25006 on a read-only server; else unchanged.
  absl::Status OnReadOnlyServer(absl::Status status);

  void QueueBegin(const char* sql);
  bool begin_queued() const;
  void QueueDeferred(Statement statement, DeferredErrorMap on_error);
  bool deferred_queued() const;
  // Forgets what is queued, unsent.
  void DropQueued();

  // State is heap-allocated so that the notice receiver's pointer to it
  // survives moves of the Connection.
  std::unique_ptr<State> state_;
};

// "pipeline statement <failed + 1> of <n>", plus "(k after it aborted, not
// executed)" when statements followed it: the context ExecPipeline's errors
// carry.
std::string PipelineContext(size_t failed, size_t n);

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_CONNECTION_H_
