// Transaction: BEGIN ... COMMIT on one Connection, rolled back unless
// Commit() succeeded.
//
//   CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(conn));
//   CC_RETURN_IF_ERROR(tx.Exec("UPDATE ...", {id}).status());
//   return tx.Commit();   // any early return above rolls back
//
// A statement that fails inside the transaction leaves it failed: later
// statements and Commit() return that first error (PostgreSQL would only say
// "current transaction is aborted"). Commit() reports failure whenever the
// server did not commit, including the case where it answers COMMIT with
// ROLLBACK because the transaction had failed.
//
// Round trips. BEGIN is not sent by Begin(): it is queued on the connection
// and travels in the same pipeline as the first statement sent on it
// (through this object or directly on the connection, see connection.h), so
// a transaction costs no round trip of its own. Statements given to Defer()
// are queued the same way, ahead of whatever is sent next (at the latest
// COMMIT), for writes whose outcome the caller does not need before going
// on. Every statement still runs in the transaction and in the order it was
// given; only a deferred statement's error arrives with a later call (see
// Defer). A transaction that sent nothing commits and rolls back without a
// round trip.
//
// Thread-safety: as for Connection (one thread). The Connection must outlive
// the Transaction. Code that takes a Connection may run statements on it
// while the transaction is open (connection()): they run inside the
// transaction, after what it queued; but their failures are not seen by
// this object, only by the server (COMMIT is then answered with ROLLBACK).
// Move-only.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_TRANSACTION_H_
#define CELLCHAIN_SERVICES_COMMON_PG_TRANSACTION_H_

#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/params.h"
#include "services/common/pg/result.h"

namespace cellchain::pg {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct TransactionOptions {
  Isolation isolation = Isolation::kReadCommitted;
  bool read_only = false;
};

class Transaction {
 public:
  // Opens the transaction on `connection`: queues BEGIN (with the options)
  // to go with the first statement. No round trip.
  // UNAVAILABLE: the connection is known to be lost (Connection::IsAlive();
  //   nothing was done; safe to retry on another connection).
  // INTERNAL: the connection is already inside a transaction, its BEGIN
  //   queued or sent (nesting is not supported).
  static absl::StatusOr<Transaction> Begin(Connection& connection,
                                           TransactionOptions options = {});

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Rolls back unless committed (best effort: on a lost connection the
  // server has rolled back already). Deferred statements not sent yet are
  // dropped.
  ~Transaction();

  // As Connection::Exec / ExecPipeline, which send the queued BEGIN and
  // deferred statements first, in the same round trip: if one of those
  // fails, returns its status (through its DeferredErrorMap) and the given
  // statements were not executed. After a failure, or after Commit() or
  // Rollback(), returns the earlier failure / INTERNAL without sending.
  absl::StatusOr<Result> Exec(std::string_view sql, const Params& params = {},
                              ResultFormat format = ResultFormat::kText);
  absl::StatusOr<std::vector<Result>> ExecPipeline(
      std::span<const Statement> statements);

  // What a deferred statement's failure means to its caller: gets the
  // statement's error and returns the status to report instead (e.g. a
  // unique violation that means "run the transaction again"). It cannot
  // refuse a success: by the time a result arrives, the statements after it
  // in its pipeline, COMMIT included, have run, so a condition on a
  // deferred statement's result belongs in its SQL (a failing statement
  // stops its pipeline).
  using DeferredErrorMap = pg::DeferredErrorMap;

  // Queues `statement` on the connection to run in this transaction before
  // anything sent after it, in the pipeline of the next statement sent on
  // the connection or of COMMIT: one round trip less for a statement whose
  // rows the caller does not read. Its result is dropped. If it fails, the
  // transaction has failed like after any failed statement: the call that
  // carried it returns its error (through `on_error`, if given) without
  // running its own statements, and Commit() then returns an error and
  // rolls back (COMMIT is never executed after a failed statement of its
  // pipeline). Rollback() and the destructor drop statements not sent yet.
  // Does nothing once the transaction has failed or ended.
  void Defer(Statement statement, DeferredErrorMap on_error = nullptr);

  // OK only if the server committed. Otherwise the transaction is over and
  // nothing of it was written, except for UNAVAILABLE, which means the
  // connection broke while COMMIT was in flight: the outcome is unknown, and
  // the message says so ("the outcome of COMMIT is unknown ...; retry with
  // the same request id"; make the work idempotent, see
  // services/common/idempotency). A read-only server's refusal of a deferred
  // statement (pg::IsReadOnlyServer) is UNAVAILABLE too, but wrote nothing.
  // The first failure of a statement in this transaction, if any, is
  // returned as is (after ROLLBACK); a deferred statement sent with COMMIT
  // that fails is such a failure (COMMIT did not run). Errors raised at
  // COMMIT itself come from error.h (e.g. ABORTED for a serialization
  // failure, FAILED_PRECONDITION for a deferred foreign key). ABORTED, too,
  // when the server answers COMMIT with ROLLBACK because a statement sent
  // around this object failed.
  // INTERNAL: already committed or rolled back.
  absl::Status Commit();

  // Ends the transaction without writing. Codes as for Exec.
  absl::Status Rollback();

  // The connection, for code that takes one: what is run on it sends the
  // queued BEGIN and deferred statements first, so it runs inside this
  // transaction, after them.
  Connection& connection() { return *connection_; }

  // True when the connection was lost (UNAVAILABLE) in the round trip of
  // this object's that carried BEGIN, before COMMIT was sent: no statement
  // of the transaction can have taken effect, so running it again from the
  // start is safe (pg::Pool::InTransaction does).
  bool lost_before_start() const { return lost_before_start_; }

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}
  absl::Status CheckUsable() const;
  absl::Status Remember(absl::Status status);
  // For Exec and ExecPipeline: notes a connection lost in the round trip
  // that carried BEGIN, then remembers the failure.
  absl::Status Failed(bool carried_begin, absl::Status status);

  Connection* connection_;  // null once moved from
  bool finished_ = false;
  bool lost_before_start_ = false;
  absl::Status failure_;  // first failed statement
};

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_TRANSACTION_H_
