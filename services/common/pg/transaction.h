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
// Thread-safety: as for Connection (one thread). The Connection must outlive
// the Transaction and must not be used directly while it is open, except
// through connection() for code that takes a Connection. Move-only.
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
  // Sends BEGIN with the options.
  // UNAVAILABLE: the connection is lost (nothing was done; safe to retry on
  //   another connection).
  // INTERNAL: the connection is already inside a transaction (nesting is not
  //   supported), or another server error.
  static absl::StatusOr<Transaction> Begin(Connection& connection,
                                           TransactionOptions options = {});

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Rolls back unless committed (best effort: on a lost connection the
  // server has rolled back already).
  ~Transaction();

  // As Connection::Exec / ExecPipeline. After a failure, or after Commit()
  // or Rollback(), returns the earlier failure / INTERNAL without sending.
  absl::StatusOr<Result> Exec(std::string_view sql, const Params& params = {},
                              ResultFormat format = ResultFormat::kText);
  absl::StatusOr<std::vector<Result>> ExecPipeline(
      std::span<const Statement> statements);

  // OK only if the server committed. Otherwise the transaction is over and
  // nothing of it was written, except for UNAVAILABLE, which means the
  // connection broke while COMMIT was in flight: the outcome is unknown (make
  // the work idempotent; see services/common/idempotency).
  // The first failure of a statement in this transaction, if any, is
  // returned as is (after ROLLBACK). Errors raised at COMMIT itself come from
  // error.h (e.g. ABORTED for a serialization failure, FAILED_PRECONDITION
  // for a deferred foreign key). ABORTED, too, when the server answers COMMIT
  // with ROLLBACK because a statement sent around this object failed.
  // INTERNAL: already committed or rolled back.
  absl::Status Commit();

  // Ends the transaction without writing. Codes as for Exec.
  absl::Status Rollback();

  Connection& connection() { return *connection_; }

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}
  absl::Status CheckUsable() const;
  absl::Status Remember(absl::Status status);

  Connection* connection_;  // null once moved from
  bool finished_ = false;
  absl::Status failure_;  // first failed statement
};

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_TRANSACTION_H_
