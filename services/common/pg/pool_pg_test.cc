// Pool against a real PostgreSQL (fixture pg_cluster).
#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/common/pg/error.h"
#include "services/common/pg/pool.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain::pg {
namespace {

using absl::StatusCode;

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(Connection conn, Connection::Open(db_->conninfo()));
    CC_ASSERT_OK(conn.ExecScript(
        "CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL);"
        "INSERT INTO counter VALUES (1, 0);"
        "CREATE TABLE hit (id serial PRIMARY KEY, thread int NOT NULL);"));
  }

  PoolOptions Options(int size) {
    return {.name = "test", .conninfo = db_->conninfo(), .size = size};
  }

  int64_t QueryInt(Pool& pool, std::string_view sql) {
    absl::StatusOr<Pool::Lease> lease = pool.Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    if (!lease.ok()) return -1;
    absl::StatusOr<Result> r = (*lease)->Exec(sql);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->GetInt64(0, 0).value_or(-1) : -1;
  }

  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(PoolTest, AcquireWaitsForTheDeadlineThenFailsCleanly) {
  PoolOptions options = Options(1);
  options.acquire_timeout = absl::Milliseconds(100);
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(options));
  std::optional<Pool::Lease> held;
  {
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
    held.emplace(std::move(lease));
  }
  absl::Time start = absl::Now();
  absl::Status s = pool->Acquire().status();
  absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
  EXPECT_GE(waited, absl::Milliseconds(95));
  EXPECT_EQ(s.message(),
            "pool \"test\": no database connection free within 100 ms "
            "(all 1 in use)");

  held.reset();
  CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
  CC_EXPECT_OK(lease->Exec("SELECT 1"));
}

TEST_F(PoolTest, WaiterGetsTheConnectionWhenItIsReleased) {
  PoolOptions options = Options(1);
  options.acquire_timeout = absl::Seconds(30);
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(options));
  std::optional<Pool::Lease> held;
  {
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
    held.emplace(std::move(lease));
  }
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(50));
    held.reset();
  });
  absl::StatusOr<Pool::Lease> lease = pool->Acquire();
  releaser.join();
  CC_EXPECT_OK(lease);
}

TEST_F(PoolTest, ManyThreadsOnASmallPoolAllSucceed) {
  PoolOptions options = Options(3);
  options.acquire_timeout = absl::Seconds(60);
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(options));
  constexpr int kThreads = 12, kCalls = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        absl::Status s = pool->InTransaction([&](Transaction& tx) {
          CC_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO hit (thread) VALUES ($1)", {t}).status());
          return tx.Exec("UPDATE counter SET n = n + 1 WHERE id = 1").status();
        });
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM hit"), kThreads * kCalls);
  EXPECT_EQ(QueryInt(*pool, "SELECT n FROM counter"), kThreads * kCalls);
}

TEST_F(PoolTest, ConnectionBrokenMidUseIsRepairedForTheNextCaller) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(1)));
  {
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
    EXPECT_EQ(lease->Exec("SELECT pg_terminate_backend(pg_backend_pid())")
                  .status()
                  .code(),
              StatusCode::kUnavailable);
  }
  EXPECT_EQ(QueryInt(*pool, "SELECT 7"), 7);
}

TEST_F(PoolTest, ConnectionKilledWhileIdleIsResetOnAcquire) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(1)));
  int64_t pid = QueryInt(*pool, "SELECT pg_backend_pid()");
  CC_ASSERT_OK_AND_ASSIGN(Connection admin, Connection::Open(db_->conninfo()));
  CC_ASSERT_OK(admin.Exec("SELECT pg_terminate_backend($1, 10000)", {pid}));
  // The very next call succeeds, on a new session.
  EXPECT_NE(QueryInt(*pool, "SELECT pg_backend_pid()"), pid);
}

TEST_F(PoolTest, LeaseReturnedInsideATransactionIsRolledBack) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(1)));
  {
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
    CC_ASSERT_OK(lease->Exec("BEGIN"));
    CC_ASSERT_OK(lease->Exec("INSERT INTO hit (thread) VALUES (1)"));
  }
  CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
  EXPECT_EQ(lease->transaction_status(), PQTRANS_IDLE);
  CC_ASSERT_OK_AND_ASSIGN(Result r, lease->Exec("SELECT count(*) FROM hit"));
  EXPECT_EQ(r.GetInt64(0, 0).value_or(-1), 0);
}

TEST_F(PoolTest, InTransactionRetriesARealSerializationFailure) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(2)));
  CC_ASSERT_OK_AND_ASSIGN(Connection other, Connection::Open(db_->conninfo()));
  int attempts = 0;
  absl::Status s = pool->InTransaction(
      [&](Transaction& tx) -> absl::Status {
        ++attempts;
        CC_ASSIGN_OR_RETURN(Result r,
                            tx.Exec("SELECT n FROM counter WHERE id = 1"));
        CC_ASSIGN_OR_RETURN(int32_t n, r.GetInt32(0, 0));
        if (attempts == 1) {
          // Someone else changes the row after our snapshot was taken.
          CC_RETURN_IF_ERROR(
              other.Exec("UPDATE counter SET n = 100 WHERE id = 1").status());
        }
        return tx.Exec("UPDATE counter SET n = $1 WHERE id = 1", {n + 1})
            .status();
      },
      {.isolation = Isolation::kRepeatableRead});
  CC_EXPECT_OK(s);
  EXPECT_EQ(attempts, 2);
  // The retry saw the other session's 100: no lost update.
  EXPECT_EQ(QueryInt(*pool, "SELECT n FROM counter"), 101);
}

TEST_F(PoolTest, InTransactionGivesUpAfterMaxAttempts) {
  PoolOptions options = Options(1);
  options.max_transaction_attempts = 3;
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(options));
  int attempts = 0;
  absl::Status s = pool->InTransaction([&](Transaction& tx) {
    ++attempts;
    (void)tx.Exec("INSERT INTO hit (thread) VALUES (1)");
    return StatusFromSqlState("40001", "could not serialize access");
  });
  EXPECT_EQ(s.code(), StatusCode::kAborted);
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM hit"), 0);
}

TEST_F(PoolTest, InTransactionDoesNotRetryOtherErrors) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(1)));
  for (absl::Status error : {absl::AbortedError("version conflict"),
                             absl::AlreadyExistsError("duplicate"),
                             absl::UnavailableError("lost during the work")}) {
    int attempts = 0;
    absl::Status s = pool->InTransaction([&](Transaction& tx) {
      ++attempts;
      (void)tx.Exec("INSERT INTO hit (thread) VALUES (1)");
      return error;
    });
    EXPECT_EQ(s, error);
    EXPECT_EQ(attempts, 1) << error;
  }
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM hit"), 0);
}

// BEGIN travels with the first statement: a connection that breaks before
// that round trip is answered is retried like a failed BEGIN, and one that
// breaks later is not.
TEST_F(PoolTest, InTransactionRetriesAConnectionLostBeforeBeginTookEffect) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(1)));
  CC_ASSERT_OK_AND_ASSIGN(Connection killer, Connection::Open(db_->conninfo()));
  // The backend of the pool's one connection, asked before the transaction
  // so that nothing of it is sent.
  auto backend = [&]() -> int {
    absl::StatusOr<Pool::Lease> lease = pool->Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    return lease.ok() ? PQbackendPID((*lease)->get()) : 0;
  };
  auto kill = [&](int pid) {
    return killer.Exec("SELECT pg_terminate_backend($1, 10000)", {pid})
        .status();
  };
  int pid = backend();
  int attempts = 0;
  CC_ASSERT_OK(pool->InTransaction([&](Transaction& tx) -> absl::Status {
    if (++attempts == 1) {
      CC_RETURN_IF_ERROR(kill(pid));
    }
    return tx.Exec("INSERT INTO hit (thread) VALUES (1)").status();
  }));
  EXPECT_EQ(attempts, 2);

  pid = backend();
  attempts = 0;
  absl::Status later = pool->InTransaction([&](Transaction& tx) {
    ++attempts;
    CC_RETURN_IF_ERROR(tx.Exec("INSERT INTO hit (thread) VALUES (2)").status());
    CC_RETURN_IF_ERROR(kill(pid));
    return tx.Exec("INSERT INTO hit (thread) VALUES (3)").status();
  });
  EXPECT_EQ(later.code(), StatusCode::kUnavailable) << later;
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM hit"), 1);
}

TEST_F(PoolTest, AnEagerPoolOpensOneConnectionAndTheOthersWhenNeeded) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(3)));
  CC_ASSERT_OK_AND_ASSIGN(Connection admin, Connection::Open(db_->conninfo()));
  const std::string sessions =
      "SELECT count(*) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()";
  auto count = [&] {
    absl::StatusOr<Result> r = admin.Exec(sessions);
    return r.ok() ? r->GetInt64(0, 0).value_or(-1) : -1;
  };
  EXPECT_EQ(count(), 1);
  // Three callers at once get three sessions of their own.
  std::vector<Pool::Lease> leases;
  std::vector<int> pids;
  for (int i = 0; i < 3; ++i) {
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
    pids.push_back(PQbackendPID(lease->get()));
    leases.push_back(std::move(lease));
  }
  EXPECT_NE(pids[0], pids[1]);
  EXPECT_NE(pids[1], pids[2]);
  EXPECT_NE(pids[0], pids[2]);
  EXPECT_EQ(count(), 3);
}

TEST_F(PoolTest, InTransactionCommits) {
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(Options(1)));
  CC_ASSERT_OK(pool->InTransaction([](Transaction& tx) {
    return tx.Exec("INSERT INTO hit (thread) VALUES (1)").status();
  }));
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM hit"), 1);
}

TEST(PoolCreateTest, RefusesBadOptions) {
  EXPECT_EQ(Pool::Create({.conninfo = "", .size = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Pool::Create({.conninfo = "bogus_option=1"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(PoolCreateTest, EagerPoolFailsAtCreateLazyPoolAtAcquire) {
  PoolOptions options{.name = "nowhere",
                      .conninfo = "host=/nonexistent/dir connect_timeout=2",
                      .size = 2};
  absl::Status eager = Pool::Create(options).status();
  EXPECT_EQ(eager.code(), StatusCode::kUnavailable) << eager;
  EXPECT_NE(eager.message().find("pool \"nowhere\""), std::string::npos);

  options.connect_eagerly = false;
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pool> pool, Pool::Create(options));
  EXPECT_EQ(pool->Acquire().status().code(), StatusCode::kUnavailable);
  // The failed attempt gave its slot back.
  EXPECT_EQ(pool->Acquire().status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace cellchain::pg
