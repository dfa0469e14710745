#include "services/common/pg/transaction.h"

#include <string>
#include <utility>

#include "services/common/pg/error.h"
#include "services/common/status/status.h"

namespace cellchain::pg {
namespace {

// Whole statements, so that no text is ever assembled into SQL.
const char* BeginSql(TransactionOptions options) {
  switch (options.isolation) {
    case Isolation::kReadCommitted:
      return options.read_only
                 ? "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY"
                 : "BEGIN ISOLATION LEVEL READ COMMITTED";
    case Isolation::kRepeatableRead:
      return options.read_only
                 ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                 : "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::kSerializable:
      return options.read_only ? "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"
                               : "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

}  // namespace

absl::StatusOr<Transaction> Transaction::Begin(Connection& connection,
                                               TransactionOptions options) {
  // A queued BEGIN counts: the connection reports it as in a transaction.
  const PGTransactionStatusType status = connection.transaction_status();
  if (status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN) {
    return absl::InternalError(
        "connection is already in a transaction; nesting is not supported");
  }
  // BEGIN waits for the first statement; a connection already known to be
  // lost is refused here, where retrying is plainly safe.
  if (!connection.IsAlive()) {
    return absl::UnavailableError(
        "database connection lost before the transaction began");
  }
  connection.QueueBegin(BeginSql(options));
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)),
      finished_(other.finished_),
      lost_before_start_(other.lost_before_start_),
      failure_(std::move(other.failure_)) {}

Transaction::~Transaction() {
  if (connection_ == nullptr || finished_) return;
  if (connection_->begin_queued()) {
    connection_->DropQueued();  // nothing was sent
    return;
  }
  connection_->DropQueued();
  PGTransactionStatusType status = connection_->transaction_status();
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
    // Nothing to report to: a failed ROLLBACK means the session is gone, and
    // the server then rolls back by itself.
    (void)connection_->Exec("ROLLBACK");
  }
}

absl::Status Transaction::CheckUsable() const {
  if (connection_ == nullptr || finished_) {
    return absl::InternalError("transaction already committed or rolled back");
  }
  return failure_;
}

absl::Status Transaction::Remember(absl::Status status) {
  if (failure_.ok()) failure_ = status;
  return status;
}

absl::Status Transaction::Failed(bool carried_begin, absl::Status status) {
  if (carried_begin && status.code() == absl::StatusCode::kUnavailable) {
    lost_before_start_ = true;
  }
  return Remember(std::move(status));
}

absl::StatusOr<Result> Transaction::Exec(std::string_view sql,
                                         const Params& params,
                                         ResultFormat format) {
  CC_RETURN_IF_ERROR(CheckUsable());
  const bool carries_begin = connection_->begin_queued();
  absl::StatusOr<Result> result = connection_->Exec(sql, params, format);
  if (!result.ok()) return Failed(carries_begin, result.status());
  return result;
}

absl::StatusOr<std::vector<Result>> Transaction::ExecPipeline(
    std::span<const Statement> statements) {
  CC_RETURN_IF_ERROR(CheckUsable());
  const bool carries_begin = connection_->begin_queued();
  absl::StatusOr<std::vector<Result>> results =
      connection_->ExecPipeline(statements);
  if (!results.ok()) return Failed(carries_begin, results.status());
  return results;
}

void Transaction::Defer(Statement statement, DeferredErrorMap on_error) {
  if (!CheckUsable().ok()) return;
  connection_->QueueDeferred(std::move(statement), std::move(on_error));
}

absl::Status Transaction::Commit() {
  if (connection_ == nullptr || finished_) {
    return absl::InternalError("transaction already committed or rolled back");
  }
  if (!failure_.ok()) {
    (void)Rollback();
    return failure_;
  }
  finished_ = true;
  if (connection_->begin_queued() && !connection_->deferred_queued()) {
    connection_->DropQueued();  // nothing was sent: nothing to commit
    return absl::OkStatus();
  }
  // Sends whatever is still queued (BEGIN, deferred statements) ahead of
  // COMMIT, in the same round trip.
  absl::StatusOr<Result> result = connection_->Exec("COMMIT");
  if (!result.ok()) {
    // A statement queued ahead of COMMIT failed, so COMMIT did not run and
    // the failed transaction is still open; or COMMIT itself failed, and the
    // server has ended the transaction (or the connection is gone).
    if (connection_->begin_queued()) {
      connection_->DropQueued();  // BEGIN never ran: nothing to undo
    } else {
      PGTransactionStatusType status = connection_->transaction_status();
      if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
        (void)connection_->Exec("ROLLBACK");
      }
    }
    if (absl::IsUnavailable(result.status()) &&
        !IsReadOnlyServer(result.status())) {
      // Neither "done" nor "nothing written": the server may have committed
      // just before the connection went.
      return Annotate(result.status(),
                      "the outcome of COMMIT is unknown (the connection was "
                      "lost while it was in flight); retry with the same "
                      "request id");
    }
    return result.status();
  }
  // The server answers COMMIT of a failed transaction with ROLLBACK and no
  // error.
  if (result->command_tag() != "COMMIT") {
    return absl::AbortedError(
        "COMMIT was answered with ROLLBACK: a statement of the transaction "
        "had failed, nothing was written");
  }
  return absl::OkStatus();
}

absl::Status Transaction::Rollback() {
  if (connection_ == nullptr || finished_) {
    return absl::InternalError("transaction already committed or rolled back");
  }
  finished_ = true;
  const bool sent = !connection_->begin_queued();
  connection_->DropQueued();
  if (!sent) return absl::OkStatus();  // nothing was sent: nothing to undo
  return connection_->Exec("ROLLBACK").status();
}

}  // namespace cellchain::pg
