// The pool across a PostgreSQL restart. Restarts the shared test cluster, so
// it runs alone (RUN_SERIAL, see CMakeLists.txt).
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/pg/pool.h"
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

}  // namespace
}  // namespace cellchain::pg
