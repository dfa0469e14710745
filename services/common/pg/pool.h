// Pool: a fixed number of Connections shared by the threads of a process
// (size it to the gRPC handler threads).
//
//   CC_ASSIGN_OR_RETURN(auto pool, pg::Pool::Create({.name = "donor",
//                                                    .conninfo = info}));
//   CC_RETURN_IF_ERROR(pool->InTransaction([&](pg::Transaction& tx) {
//     return tx.Exec("INSERT ...", {a, b}).status();
//   }));
//
// Connections are opened on first use, except one opened in Create()
// (connect_eagerly, the default: a process with a wrong conninfo or no
// server fails at start, not at its first request). Each Acquire() checks its connection with the no-round-trip
// Connection::IsAlive() and replaces one that the server closed (restart,
// failover, admin termination) by a new one, so the first call after
// PostgreSQL comes back succeeds. A connection returned broken (lost, or
// found on a read-only server: connection.h) is discarded when its lease
// ends, and the next Acquire() opens a new one in its slot; one returned
// inside a transaction is rolled back.
//
// Following the primary: with a multi-host conninfo ("host=a,b,c
// port=5432,5432,5432 target_session_attrs=read-write") every new connection
// is libpq's choice of the one writable server, so after a failover the
// discarded connections come back on the new primary. A call that fails
// meanwhile gets UNAVAILABLE (retryable).
//
// Thread-safety: Create/Acquire/InTransaction are safe to call from any
// number of threads. A Lease and its Connection belong to one thread. The
// Pool must outlive every Lease.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_POOL_H_
#define CELLCHAIN_SERVICES_COMMON_PG_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"

namespace cellchain::pg {

struct PoolOptions {
  std::string name = "default";  // in error messages
  std::string conninfo;
  int size = 4;
  // How long Acquire() waits for a free connection before UNAVAILABLE.
  absl::Duration acquire_timeout = absl::Seconds(2);
  bool connect_eagerly = true;
  // Attempts of InTransaction's function, the first one included.
  int max_transaction_attempts = 3;
};

class Pool {
 public:
  // A connection lent to one caller; given back when the lease is destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection& operator*() { return connection_; }
    Connection* operator->() { return &connection_; }

   private:
    friend class Pool;
    Lease(Pool* pool, Connection connection)
        : pool_(pool), connection_(std::move(connection)) {}
    void GiveBack();

    Pool* pool_;  // null once moved from
    Connection connection_;
  };

  // INVALID_ARGUMENT: size < 1, negative timeout, conninfo does not parse.
  // UNAVAILABLE: connect_eagerly and a connection could not be opened.
  static absl::StatusOr<std::unique_ptr<Pool>> Create(PoolOptions options);

  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Waits up to acquire_timeout for a free connection.
  // UNAVAILABLE: none became free in time ("pool \"donor\": no database
  //   connection free within 2000 ms"), or the connection could not be
  //   (re)opened because the server is unreachable.
  absl::StatusOr<Lease> Acquire();

  // Runs fn in a transaction on a pooled connection and commits it. Returns
  // fn's first error (after rolling back) or Commit()'s status.
  //
  // Runs fn again from the start, up to max_transaction_attempts in all,
  // only when nothing of the attempt can have been written:
  //   - a read-only server refused a write (pg::IsReadOnlyServer; the
  //     server rolled the attempt back; the next attempt gets a new
  //     connection, on the primary if libpq finds one);
  //   - the connection was lost (UNAVAILABLE) before BEGIN took effect:
  //     Transaction::Begin found it lost, or it broke in the round trip
  //     that carried BEGIN with fn's first statements, before COMMIT was
  //     sent (Transaction::lost_before_start; the next attempt gets a
  //     reconnected connection);
  //   - fn or COMMIT failed with a serialization failure or deadlock
  //     (SQLSTATE 40001/40P01, pg::IsSerializationFailure; the server rolled
  //     the attempt back), after a short random back-off.
  // Never retried: UNAVAILABLE from a later statement or from COMMIT (the
  // outcome of a lost COMMIT is unknown), other ABORTED statuses (e.g. a
  // service's own version conflict), Acquire() timing out. fn may therefore run
  // more than once: keep effects outside the database out of it.
  absl::Status InTransaction(absl::FunctionRef<absl::Status(Transaction&)> fn,
                             TransactionOptions options = {});

  const PoolOptions& options() const { return options_; }

 private:
  explicit Pool(PoolOptions options);
  bool HasFree() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void GiveBack(Connection connection);

  const PoolOptions options_;
  absl::Mutex mu_;
  std::vector<Connection> idle_ ABSL_GUARDED_BY(mu_);
  int unopened_ ABSL_GUARDED_BY(mu_);  // slots not connected yet
};

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_POOL_H_
