// Transaction against a real PostgreSQL (fixture pg_cluster).
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/pg/error.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain::pg {
namespace {

using absl::StatusCode;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(conn_, Connection::Open(db_->conninfo()));
    // A second session: what it sees is what others see.
    CC_ASSERT_OK_AND_ASSIGN(observer_, Connection::Open(db_->conninfo()));
    CC_ASSERT_OK(conn_->ExecScript(R"sql(
      CREATE TABLE item (id int PRIMARY KEY, note text);
      CREATE TABLE parent (id int PRIMARY KEY);
      CREATE TABLE child (parent_id int CONSTRAINT child_parent_fkey
                          REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
    )sql"));
  }

  // Rows of `table` visible to another session.
  int64_t Visible(const char* table) {
    absl::StatusOr<Result> r =
        observer_->Exec(absl::StrCat("SELECT count(*) FROM ", table));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->GetInt64(0, 0).value_or(-1) : -1;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::optional<Connection> conn_;
  std::optional<Connection> observer_;
};

TEST_F(TransactionTest, OutOfScopeWithoutCommitWritesNothing) {
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
    // Visible inside, not outside, before the end.
    CC_ASSERT_OK_AND_ASSIGN(Result r, tx.Exec("SELECT count(*) FROM item"));
    EXPECT_EQ(r.GetInt64(0, 0).value_or(-1), 1);
    EXPECT_EQ(Visible("item"), 0);
  }
  EXPECT_EQ(Visible("item"), 0);
  EXPECT_EQ(conn_->transaction_status(), PQTRANS_IDLE);
  CC_ASSERT_OK_AND_ASSIGN(Result r, conn_->Exec("SELECT count(*) FROM item"));
  EXPECT_EQ(r.GetInt64(0, 0).value_or(-1), 0);
}

TEST_F(TransactionTest, CommittedTransactionIsVisible) {
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES ($1, $2)", {1, "kept"}));
  CC_ASSERT_OK(tx.Commit());
  EXPECT_EQ(Visible("item"), 1);
  EXPECT_EQ(tx.Exec("SELECT 1").status().code(), StatusCode::kInternal);
  EXPECT_EQ(tx.Commit().code(), StatusCode::kInternal);
}

TEST_F(TransactionTest, RollbackWritesNothing) {
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
  CC_ASSERT_OK(tx.Rollback());
  EXPECT_EQ(Visible("item"), 0);
}

TEST_F(TransactionTest, CommitAfterFailedStatementReportsThatFailure) {
  CC_ASSERT_OK(conn_->Exec("INSERT INTO item VALUES (1, 'old')"));
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (2, 'new')"));
  EXPECT_EQ(tx.Exec("INSERT INTO item VALUES (1, 'dup')").status().code(),
            StatusCode::kAlreadyExists);
  // Later statements are not sent; they report the first failure.
  EXPECT_EQ(tx.Exec("INSERT INTO item VALUES (3, 'more')").status().code(),
            StatusCode::kAlreadyExists);
  absl::Status commit = tx.Commit();
  EXPECT_EQ(commit.code(), StatusCode::kAlreadyExists) << commit;
  EXPECT_EQ(Visible("item"), 1);
  EXPECT_EQ(conn_->transaction_status(), PQTRANS_IDLE);
}

TEST_F(TransactionTest, CommitAnsweredWithRollbackIsAnError) {
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
  // A failure the Transaction did not see: the server will turn COMMIT into
  // ROLLBACK without an error.
  EXPECT_FALSE(tx.connection().Exec("SELECT 1 / 0").ok());
  absl::Status commit = tx.Commit();
  EXPECT_EQ(commit.code(), StatusCode::kAborted) << commit;
  EXPECT_EQ(Visible("item"), 0);
}

TEST_F(TransactionTest, ErrorRaisedAtCommitIsReported) {
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  // The deferred foreign key is only checked at COMMIT.
  CC_ASSERT_OK(tx.Exec("INSERT INTO child VALUES (42)"));
  CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
  absl::Status commit = tx.Commit();
  EXPECT_EQ(commit.code(), StatusCode::kFailedPrecondition) << commit;
  EXPECT_EQ(ReasonOf(commit), "child_parent_fkey");
  EXPECT_EQ(Visible("item"), 0);
  EXPECT_EQ(Visible("child"), 0);
}

TEST_F(TransactionTest, PipelineErrorInTransactionWritesNothing) {
  CC_ASSERT_OK(conn_->Exec("INSERT INTO item VALUES (1, 'old')"));
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (10, 'first')"));
  std::vector<Statement> statements = {
      {"INSERT INTO item VALUES ($1, 'a')", {2}},
      {"INSERT INTO item VALUES ($1, 'dup')", {1}},
      {"INSERT INTO item VALUES ($1, 'c')", {3}},
  };
  absl::Status s = tx.ExecPipeline(statements).status();
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(tx.Commit().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Visible("item"), 1);
}

TEST_F(TransactionTest, PipelineInTransactionCommits) {
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  std::vector<Statement> statements = {
      {"INSERT INTO item VALUES ($1, 'a')", {1}},
      {"INSERT INTO item VALUES ($1, 'b')", {2}},
  };
  CC_ASSERT_OK(tx.ExecPipeline(statements));
  EXPECT_EQ(Visible("item"), 0);
  CC_ASSERT_OK(tx.Commit());
  EXPECT_EQ(Visible("item"), 2);
}

TEST_F(TransactionTest, IsolationLevelAndReadOnlyAreApplied) {
  {
    CC_ASSERT_OK_AND_ASSIGN(
        Transaction tx,
        Transaction::Begin(*conn_, {.isolation = Isolation::kSerializable,
                                    .read_only = true}));
    CC_ASSERT_OK_AND_ASSIGN(Result r, tx.Exec("SHOW transaction_isolation"));
    EXPECT_EQ(r.GetString(0, 0).value_or(""), "serializable");
    EXPECT_FALSE(tx.Exec("INSERT INTO item VALUES (1, 'x')").ok());
  }
  {
    CC_ASSERT_OK_AND_ASSIGN(
        Transaction tx,
        Transaction::Begin(*conn_, {.isolation = Isolation::kRepeatableRead}));
    CC_ASSERT_OK_AND_ASSIGN(Result r, tx.Exec("SHOW transaction_isolation"));
    EXPECT_EQ(r.GetString(0, 0).value_or(""), "repeatable read");
  }
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  CC_ASSERT_OK_AND_ASSIGN(Result r, tx.Exec("SHOW transaction_isolation"));
  EXPECT_EQ(r.GetString(0, 0).value_or(""), "read committed");
  EXPECT_EQ(Visible("item"), 0);
}

TEST_F(TransactionTest, NestedBeginIsRefused) {
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  EXPECT_EQ(Transaction::Begin(*conn_).status().code(), StatusCode::kInternal);
  CC_EXPECT_OK(tx.Commit());
}

TEST_F(TransactionTest, BeginOnLostConnectionIsUnavailable) {
  CC_ASSERT_OK_AND_ASSIGN(Result pid, conn_->Exec("SELECT pg_backend_pid()"));
  CC_ASSERT_OK(observer_->Exec("SELECT pg_terminate_backend($1, 10000)",
                               {pid.GetInt32(0, 0).value_or(0)}));
  EXPECT_EQ(Transaction::Begin(*conn_).status().code(),
            StatusCode::kUnavailable);
}

TEST_F(TransactionTest, MovedTransactionRollsBackOnce) {
  std::optional<Transaction> outer;
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
    outer.emplace(std::move(tx));
  }  // the moved-from tx must not have rolled back
  CC_ASSERT_OK(outer->Commit());
  EXPECT_EQ(Visible("item"), 1);
}

}  // namespace
}  // namespace cellchain::pg
