#include "services/common/pg/transaction.h"

#include <utility>

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
  if (connection.transaction_status() != PQTRANS_IDLE &&
      connection.transaction_status() != PQTRANS_UNKNOWN) {
    return absl::InternalError(
        "connection is already in a transaction; nesting is not supported");
  }
  CC_RETURN_IF_ERROR(connection.Exec(BeginSql(options)).status());
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)),
      finished_(other.finished_),
      failure_(std::move(other.failure_)) {}

Transaction::~Transaction() {
  if (connection_ == nullptr || finished_) return;
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

absl::StatusOr<Result> Transaction::Exec(std::string_view sql,
                                         const Params& params,
                                         ResultFormat format) {
  CC_RETURN_IF_ERROR(CheckUsable());
  absl::StatusOr<Result> result = connection_->Exec(sql, params, format);
  if (!result.ok()) return Remember(result.status());
  return result;
}

absl::StatusOr<std::vector<Result>> Transaction::ExecPipeline(
    std::span<const Statement> statements) {
  CC_RETURN_IF_ERROR(CheckUsable());
  absl::StatusOr<std::vector<Result>> results =
      connection_->ExecPipeline(statements);
  if (!results.ok()) return Remember(results.status());
  return results;
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
  CC_ASSIGN_OR_RETURN(Result result, connection_->Exec("COMMIT"));
  // The server answers COMMIT of a failed transaction with ROLLBACK and no
  // error.
  if (result.command_tag() != "COMMIT") {
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
  return connection_->Exec("ROLLBACK").status();
}

}  // namespace cellchain::pg
