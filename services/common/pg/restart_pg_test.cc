// The pool across a PostgreSQL restart. Restarts the shared test cluster, so
// it runs alone (RUN_SERIAL, see CMakeLists.txt).
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/pg/pool.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain::pg {
namespace {

TEST(PoolRestartTest, NextCallAfterPostgresRestartSucceeds) {
  CC_ASSERT_OK_AND_ASSIGN(auto db, testing::TestDatabase::Create());
  CC_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Pool> pool,
      Pool::Create({.name = "restart", .conninfo = db->conninfo(), .size = 2}));
  auto insert = [](Transaction& tx) {
    return tx.Exec("INSERT INTO t VALUES (1)").status();
  };
  CC_ASSERT_OK(pool->InTransaction([](Transaction& tx) {
    return tx.Exec("CREATE TABLE t (x int)").status();
  }));
  CC_ASSERT_OK(pool->InTransaction(insert));

  CC_ASSERT_OK(testing::RestartPostgres());

  // Every pooled session died with the old server. No call fails for it.
  CC_EXPECT_OK(pool->InTransaction(insert));
  {
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease a, pool->Acquire());
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease b, pool->Acquire());
    CC_EXPECT_OK(a->Exec("INSERT INTO t VALUES (2)"));
    CC_EXPECT_OK(b->Exec("INSERT INTO t VALUES (3)"));
  }
  CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
  CC_ASSERT_OK_AND_ASSIGN(Result r, lease->Exec("SELECT count(*) FROM t"));
  EXPECT_EQ(r.GetInt64(0, 0).value_or(-1), 4);
}

// Prepared statements die with the server's session; the connection's cache
// must not outlive them, or every statement would fail after a restart with
// "prepared statement ... does not exist".
TEST(PoolRestartTest, PreparedStatementsArePreparedAgainAfterRestart) {
  CC_ASSERT_OK_AND_ASSIGN(auto db, testing::TestDatabase::Create());
  CC_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Pool> pool,
      Pool::Create({.name = "restart", .conninfo = db->conninfo(), .size = 1}));
  const std::string insert = "INSERT INTO t VALUES ($1)";
  const std::string count = "SELECT count(*) FROM t WHERE x >= $1";
  {
    CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
    CC_ASSERT_OK(lease->Exec("CREATE TABLE t (x int)"));
    for (int i = 0; i < 3; ++i) {
      CC_ASSERT_OK(lease->Exec(insert, {i}));
      CC_ASSERT_OK(lease->Exec(count, {0}));
    }
    EXPECT_EQ(lease->prepared_statement_count(), 3);
  }

  CC_ASSERT_OK(testing::RestartPostgres());

  CC_EXPECT_OK(pool->InTransaction([&](Transaction& tx) {
    CC_RETURN_IF_ERROR(tx.Exec(insert, {10}).status());
    std::vector<Statement> both = {{insert, {11}}, {count, {10}}};
    CC_ASSIGN_OR_RETURN(std::vector<Result> results, tx.ExecPipeline(both));
    EXPECT_EQ(results[1].GetInt64(0, 0).value_or(-1), 2);
    return absl::OkStatus();
  }));
  CC_ASSERT_OK_AND_ASSIGN(Pool::Lease lease, pool->Acquire());
  CC_ASSERT_OK_AND_ASSIGN(Result r, lease->Exec(count, {0}));
  EXPECT_EQ(r.GetInt64(0, 0).value_or(-1), 5);
  // The new session's cache holds what the new session prepared: BEGIN,
  // COMMIT, the insert and the count, and the server agrees.
  CC_ASSERT_OK_AND_ASSIGN(
      Result server,
      lease->Exec("SELECT count(*) FROM pg_prepared_statements"));
  EXPECT_EQ(server.GetInt64(0, 0).value_or(-1), 5);
  EXPECT_EQ(lease->prepared_statement_count(), 5);
}

}  // namespace
}  // namespace cellchain::pg
