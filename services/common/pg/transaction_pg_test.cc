// Transaction against a real PostgreSQL (fixture pg_cluster).
#include <cstdio>
#include <optional>
#include <string_view>
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

// Counts the round trips of a connection: the Sync messages the client
// sends (libpq's protocol trace), one per Exec, ExecPipeline or COMMIT.
class RoundTrips {
 public:
  explicit RoundTrips(Connection& conn) : conn_(conn) {
    file_ = std::tmpfile();
    PQtrace(conn_.get(), file_);
    PQsetTraceFlags(conn_.get(), PQTRACE_SUPPRESS_TIMESTAMPS);
  }
  ~RoundTrips() {
    PQuntrace(conn_.get());
    std::fclose(file_);
  }
  int Count() {
    std::fflush(file_);
    std::rewind(file_);
    int syncs = 0;
    char line[4096];
    while (std::fgets(line, sizeof(line), file_) != nullptr) {
      std::string_view l(line);
      if (l.starts_with("F\t") && l.find("\tSync") != std::string_view::npos) {
        ++syncs;
      }
    }
    std::fseek(file_, 0, SEEK_END);
    return syncs;
  }

 private:
  Connection& conn_;
  std::FILE* file_;
};

TEST_F(TransactionTest, BeginTravelsWithTheFirstStatement) {
  CC_ASSERT_OK_AND_ASSIGN(Result pid, conn_->Exec("SELECT pg_backend_pid()"));
  // The session's state as the server sees it.
  auto server_state = [&] {
    absl::StatusOr<Result> r =
        observer_->Exec("SELECT state FROM pg_stat_activity WHERE pid = $1",
                        {pid.GetInt32(0, 0).value_or(0)});
    return r.ok() ? r->GetString(0, 0).value_or("?") : r.status().ToString();
  };
  RoundTrips trips(*conn_);
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    EXPECT_EQ(trips.Count(), 0);
    EXPECT_EQ(server_state(), "idle");
    // Open for the client all the same.
    EXPECT_EQ(conn_->transaction_status(), PQTRANS_INTRANS);
    CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
    EXPECT_EQ(trips.Count(), 1);
    EXPECT_EQ(server_state(), "idle in transaction");
    EXPECT_EQ(conn_->transaction_status(), PQTRANS_INTRANS);
    EXPECT_EQ(Visible("item"), 0);
    CC_ASSERT_OK(tx.Commit());
    EXPECT_EQ(trips.Count(), 2);
  }
  EXPECT_EQ(Visible("item"), 1);
  // A transaction that sent nothing costs nothing, committed or not.
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Commit());
  }
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Rollback());
  }
  { CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_)); }
  EXPECT_EQ(trips.Count(), 2);
  EXPECT_EQ(conn_->transaction_status(), PQTRANS_IDLE);
}

TEST_F(TransactionTest, DeferredStatementRunsInOrderWithTheNextCall) {
  RoundTrips trips(*conn_);
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  bool mapped = false;
  tx.Defer({"INSERT INTO item VALUES ($1, $2)", {1, "deferred"}},
           [&](absl::Status error) {
             mapped = true;
             return error;
           });
  EXPECT_EQ(trips.Count(), 0);
  // The next statement sees it: it ran first, in the same transaction.
  CC_ASSERT_OK_AND_ASSIGN(Result r, tx.Exec("SELECT note FROM item"));
  EXPECT_EQ(trips.Count(), 1);
  EXPECT_FALSE(mapped);  // only failures are mapped
  EXPECT_EQ(r.GetString(0, 0).value_or("?"), "deferred");
  // One more, carried by COMMIT.
  tx.Defer({"INSERT INTO item VALUES ($1, $2)", {2, "with commit"}});
  EXPECT_EQ(Visible("item"), 0);
  CC_ASSERT_OK(tx.Commit());
  EXPECT_EQ(trips.Count(), 2);
  EXPECT_EQ(Visible("item"), 2);
}

// Code that takes the connection of an open transaction (as the sequencer's
// log store does) runs inside the transaction, after what it queued.
TEST_F(TransactionTest, StatementsOnTheConnectionRunInsideTheTransaction) {
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    tx.Defer({"INSERT INTO item VALUES (1, 'deferred')"});
    Connection& direct = tx.connection();
    CC_ASSERT_OK_AND_ASSIGN(Result r, direct.Exec("SELECT count(*) FROM item"));
    EXPECT_EQ(r.GetInt64(0, 0).value_or(-1), 1);
    CC_ASSERT_OK(direct.Exec("INSERT INTO item VALUES (2, 'direct')"));
    CC_ASSERT_OK(direct.ExecScript("INSERT INTO item VALUES (3, 'script')"));
    EXPECT_EQ(Visible("item"), 0);
    CC_ASSERT_OK(tx.Rollback());
  }
  EXPECT_EQ(Visible("item"), 0);
  {
    // A direct statement refused before anything was sent loses nothing
    // that was queued.
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    tx.Defer({"INSERT INTO item VALUES (4, 'deferred')"});
    EXPECT_EQ(tx.connection()
                  .Exec("SELECT $1::text", {std::string("a\0b", 3)})
                  .status()
                  .code(),
              StatusCode::kInvalidArgument);
    CC_ASSERT_OK(tx.Commit());
  }
  EXPECT_EQ(Visible("item"), 1);
}

TEST_F(TransactionTest, FailedDeferredStatementFailsTheTransaction) {
  CC_ASSERT_OK(conn_->Exec("INSERT INTO item VALUES (1, 'old')"));
  {
    // Reported by the next statement, which does not run.
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (2, 'before')"));
    tx.Defer({"INSERT INTO item VALUES (1, 'dup')"});
    absl::Status s = tx.Exec("INSERT INTO item VALUES (3, 'after')").status();
    EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s;
    EXPECT_EQ(tx.Commit().code(), StatusCode::kAlreadyExists);
  }
  {
    // Reported by Commit(), as its map made it; COMMIT did not run, and
    // neither did the statements after the failed one.
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (4, 'before')"));
    tx.Defer({"INSERT INTO item VALUES (1, 'dup')"}, [](absl::Status error) {
      return error.code() == StatusCode::kAlreadyExists
                 ? absl::AbortedError("mapped")
                 : error;
    });
    tx.Defer({"INSERT INTO item VALUES (5, 'after')"});
    absl::Status commit = tx.Commit();
    EXPECT_EQ(commit.code(), StatusCode::kAborted) << commit;
    EXPECT_EQ(commit.message(), "mapped");
  }
  {
    // A map cannot make a failure a success.
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    tx.Defer({"INSERT INTO item VALUES (1, 'dup')"},
             [](absl::Status) { return absl::OkStatus(); });
    EXPECT_EQ(tx.Exec("SELECT 1").status().code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(tx.Commit().code(), StatusCode::kAlreadyExists);
  }
  {
    // Dropped unsent by Rollback() and by the destructor.
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    tx.Defer({"INSERT INTO item VALUES (6, 'never')"});
    CC_ASSERT_OK(tx.Rollback());
  }
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Exec("SELECT 1"));
    tx.Defer({"INSERT INTO item VALUES (7, 'never')"});
  }
  EXPECT_EQ(Visible("item"), 1);
  EXPECT_EQ(conn_->transaction_status(), PQTRANS_IDLE);
}

TEST_F(TransactionTest, ConnectionLostBeforeBeginTookEffectIsSaidSo) {
  CC_ASSERT_OK_AND_ASSIGN(Result pid, conn_->Exec("SELECT pg_backend_pid()"));
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  // The session dies after Begin() (which sent nothing).
  CC_ASSERT_OK(observer_->Exec("SELECT pg_terminate_backend($1, 10000)",
                               {pid.GetInt32(0, 0).value_or(0)}));
  absl::Status s = tx.Exec("INSERT INTO item VALUES (1, 'x')").status();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
  EXPECT_TRUE(tx.lost_before_start());
  EXPECT_EQ(Visible("item"), 0);
}

TEST_F(TransactionTest, ConnectionLostLaterIsNotBeforeStart) {
  CC_ASSERT_OK_AND_ASSIGN(Result pid, conn_->Exec("SELECT pg_backend_pid()"));
  CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
  CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
  CC_ASSERT_OK(observer_->Exec("SELECT pg_terminate_backend($1, 10000)",
                               {pid.GetInt32(0, 0).value_or(0)}));
  EXPECT_EQ(tx.Exec("SELECT 1").status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(tx.lost_before_start());
}

TEST_F(TransactionTest, MovedTransactionRollsBackOnce) {
  std::optional<Transaction> outer;
  {
    CC_ASSERT_OK_AND_ASSIGN(Transaction tx, Transaction::Begin(*conn_));
    CC_ASSERT_OK(tx.Exec("INSERT INTO item VALUES (1, 'x')"));
    tx.Defer({"INSERT INTO item VALUES (2, 'deferred')"});
    outer.emplace(std::move(tx));
  }  // the moved-from tx must not have rolled back
  CC_ASSERT_OK(outer->Commit());
  EXPECT_EQ(Visible("item"), 2);
}

}  // namespace
}  // namespace cellchain::pg
