#include "services/common/pg/pool.h"

#include <optional>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "services/common/pg/error.h"
#include "services/common/status/status.h"

namespace cellchain::pg {
namespace {

// One attempt of InTransaction. *retry: nothing of the attempt can have been
// written and running it again may succeed.
absl::Status Attempt(Pool& pool,
                     absl::FunctionRef<absl::Status(Transaction&)> fn,
                     TransactionOptions options, bool* retry) {
  *retry = false;
  CC_ASSIGN_OR_RETURN(Pool::Lease lease, pool.Acquire());
  absl::StatusOr<Transaction> tx = Transaction::Begin(*lease, options);
  if (!tx.ok()) {
    // The lease goes back broken and is reset; the retry reconnects.
    *retry = tx.status().code() == absl::StatusCode::kUnavailable;
    return tx.status();
  }
  absl::Status status = fn(*tx);
  if (status.ok()) status = tx->Commit();
  // A read-only server's refusal rolled the whole attempt back: the retry
  // gets a new connection, which may reach the (new) primary.
  *retry = IsSerializationFailure(status) || IsReadOnlyServer(status) ||
           (status.code() == absl::StatusCode::kUnavailable &&
            tx->lost_before_start());
  return status;
}

}  // namespace

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)) {}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    GiveBack();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

Pool::Lease::~Lease() { GiveBack(); }

void Pool::Lease::GiveBack() {
  if (pool_ == nullptr) return;
  std::exchange(pool_, nullptr)->GiveBack(std::move(connection_));
}

Pool::Pool(PoolOptions options)
    : options_(std::move(options)), unopened_(options_.size) {}

absl::StatusOr<std::unique_ptr<Pool>> Pool::Create(PoolOptions options) {
  if (options.size < 1) {
    return absl::InvalidArgumentError("pool size must be at least 1");
  }
  if (options.acquire_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("acquire_timeout must not be negative");
  }
  if (options.max_transaction_attempts < 1) {
    return absl::InvalidArgumentError(
        "max_transaction_attempts must be at least 1");
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.conninfo.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error ? error : "out of memory";
    PQfreemem(error);
    return absl::InvalidArgumentError(
        absl::StrCat("pool \"", options.name, "\": bad conninfo: ", message));
  }
  PQconninfoFree(parsed);

  std::unique_ptr<Pool> pool(new Pool(std::move(options)));
  if (pool->options_.connect_eagerly) {
    // One connection proves the conninfo and the server; the others open on
    // first use (a process of ten pools starts ~1 s sooner than opening 40).
    absl::StatusOr<Connection> connection =
        Connection::Open(pool->options_.conninfo);
    if (!connection.ok()) {
      return Annotate(connection.status(),
                      absl::StrCat("pool \"", pool->options_.name, "\""));
    }
    absl::MutexLock lock(&pool->mu_);
    pool->idle_.push_back(*std::move(connection));
    --pool->unopened_;
  }
  return pool;
}

bool Pool::HasFree() const { return !idle_.empty() || unopened_ > 0; }

absl::StatusOr<Pool::Lease> Pool::Acquire() {
  std::optional<Connection> connection;
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(this, &Pool::HasFree),
                              options_.acquire_timeout)) {
      return absl::UnavailableError(absl::StrCat(
          "pool \"", options_.name, "\": no database connection free within ",
          absl::ToInt64Milliseconds(options_.acquire_timeout), " ms (all ",
          options_.size, " in use)"));
    }
    if (!idle_.empty()) {
      connection.emplace(std::move(idle_.back()));
      idle_.pop_back();
    } else {
      --unopened_;
    }
  }
  // A connection the server closed (restart, failover, termination) is
  // replaced, in its slot, by a new one. Connecting happens outside the
  // lock: other threads keep taking and returning connections meanwhile.
  if (connection.has_value() && !connection->IsAlive()) connection.reset();
  if (!connection.has_value()) {
    absl::StatusOr<Connection> opened = Connection::Open(options_.conninfo);
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      ++unopened_;
      return Annotate(opened.status(),
                      absl::StrCat("pool \"", options_.name, "\""));
    }
    return Lease(this, *std::move(opened));
  }
  return Lease(this, *std::move(connection));
}

void Pool::GiveBack(Connection connection) {
  // Outside the lock. A connection that is broken, cannot be rolled back or
  // is on a read-only server is discarded here, not reconnected: the caller
  // that gives it back (an RPC about to answer UNAVAILABLE) does not wait
  // for a server that may be failing over; the next Acquire() opens a new
  // one in its slot.
  bool keep = false;
  switch (connection.transaction_status()) {
    case PQTRANS_IDLE:
      keep = connection.IsAlive();
      break;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      // Left open by code that bypassed Transaction.
      keep = connection.Exec("ROLLBACK").ok() && connection.IsAlive();
      break;
    default:  // ACTIVE (results unread) or UNKNOWN (connection bad)
      break;
  }
  absl::MutexLock lock(&mu_);
  if (keep) {
    idle_.push_back(std::move(connection));
  } else {
    ++unopened_;  // closed (PQfinish) as `connection` goes, after the unlock
  }
}

absl::Status Pool::InTransaction(
    absl::FunctionRef<absl::Status(Transaction&)> fn,
    TransactionOptions options) {
  thread_local absl::BitGen bitgen;
  for (int attempt = 1;; ++attempt) {
    bool retry = false;
    absl::Status status = Attempt(*this, fn, options, &retry);
    if (!retry || attempt >= options_.max_transaction_attempts) return status;
    if (status.code() == absl::StatusCode::kAborted) {
      // Spread out transactions that just conflicted.
      absl::SleepFor(absl::Milliseconds(absl::Uniform(bitgen, 0, 5 * attempt)));
    }
  }
}

}  // namespace cellchain::pg
