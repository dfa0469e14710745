// Connection and Result against a real PostgreSQL (fixture pg_cluster).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/error.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain::pg {
namespace {

using absl::StatusCode;

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(conn_, Connection::Open(db_->conninfo()));
    CC_ASSERT_OK(conn_->ExecScript(R"sql(
      CREATE TABLE victim (id serial PRIMARY KEY, s text, b bytea);
      CREATE TABLE lot (
        id int PRIMARY KEY,
        code text NOT NULL CONSTRAINT lot_code_key UNIQUE,
        volume_ml int CONSTRAINT lot_volume_positive CHECK (volume_ml > 0));
      CREATE TABLE dose (
        lot_id int CONSTRAINT dose_lot_fkey REFERENCES lot (id));
    )sql"));
  }

  int64_t Count(std::string_view table_query) {
    absl::StatusOr<Result> r = conn_->Exec(table_query);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return -1;
    return r->GetInt64(0, 0).value_or(-1);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::optional<Connection> conn_;
};

const std::vector<std::string>& HostileStrings() {
  static const auto* strings = new std::vector<std::string>{
      "'); DROP TABLE victim; --",
      "'; DELETE FROM victim; SELECT '",
      "\"; DROP TABLE victim; --",
      "Robert'); DROP TABLE victim;--",
      "a'b''c'''",
      "back\\slash\\' \\\\ \\x00ff",
      "E'\\x27'",
      "$1 $2 $$ $tag$ ::text",
      "semi;colon;;",
      "-- comment\n/* block */",
      "new\nline\ttab\rcr",
      "Ünïcödé ✓ 🧬 日本語 ﷽ \u202Eevil",
      "",
      " ",
  };
  return *strings;
}

TEST_F(ConnectionTest, HostileStringsRoundTripUnharmed) {
  for (const std::string& s : HostileStrings()) {
    CC_ASSERT_OK_AND_ASSIGN(
        Result inserted,
        conn_->Exec("INSERT INTO victim (s, b) VALUES ($1, $2) RETURNING id",
                    {s, Param::Bytes(s)}));
    CC_ASSERT_OK_AND_ASSIGN(int64_t id, inserted.GetInt64(0, "id"));
    for (ResultFormat format : {ResultFormat::kText, ResultFormat::kBinary}) {
      CC_ASSERT_OK_AND_ASSIGN(
          Result row, conn_->Exec("SELECT s, b, $2::text AS echo FROM victim "
                                  "WHERE id = $1",
                                  {id, s}, format));
      ASSERT_EQ(row.rows(), 1);
      EXPECT_EQ(row.GetString(0, "s").value_or("?"), s);
      EXPECT_EQ(row.GetBytes(0, "b").value_or("?"), s);
      EXPECT_EQ(row.GetString(0, "echo").value_or("?"), s);
    }
  }
  // The table is still there and holds exactly what was inserted.
  EXPECT_EQ(Count("SELECT count(*) FROM victim"),
            static_cast<int64_t>(HostileStrings().size()));
}

TEST_F(ConnectionTest, TextArraysCarryEveryElementAsItself) {
  // What the services bind as `$1::text[]` (ids, test codes): commas,
  // braces, quotes, backslashes, spaces and the word NULL stay text, and
  // only an absent element is NULL.
  std::vector<std::string> values = HostileStrings();
  values.insert(values.end(), {"NULL", "a,b", "{x}", "CD14 or CD11b"});
  std::vector<std::optional<std::string>> with_null(values.begin(),
                                                    values.end());
  with_null.push_back(std::nullopt);
  const std::string kUnnest =
      "SELECT e, e IS NULL AS absent FROM unnest($1::text[]) "
      "WITH ORDINALITY AS u(e, n) ORDER BY n";
  CC_ASSERT_OK_AND_ASSIGN(Result plain,
                          conn_->Exec(kUnnest, {TextArray(values)}));
  CC_ASSERT_OK_AND_ASSIGN(Result nullable,
                          conn_->Exec(kUnnest, {TextArray(with_null)}));
  const int n = static_cast<int>(values.size());
  ASSERT_EQ(plain.rows(), n);
  ASSERT_EQ(nullable.rows(), n + 1);
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(plain.GetString(i, "e").value_or("?"), values[i]);
    EXPECT_EQ(nullable.GetString(i, "e").value_or("?"), values[i]);
    EXPECT_FALSE(plain.GetBool(i, "absent").value_or(true));
  }
  EXPECT_TRUE(nullable.GetBool(n, "absent").value_or(false));
}

TEST_F(ConnectionTest, EveryByteValueRoundTripsAsBytea) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  CC_ASSERT_OK(
      conn_->Exec("INSERT INTO victim (b) VALUES ($1)", {Param::Bytes(all)}));
  for (ResultFormat format : {ResultFormat::kText, ResultFormat::kBinary}) {
    CC_ASSERT_OK_AND_ASSIGN(Result r,
                            conn_->Exec("SELECT b FROM victim", {}, format));
    EXPECT_EQ(r.GetBytes(0, 0).value_or(""), all);
  }
  CC_ASSERT_OK_AND_ASSIGN(Result len,
                          conn_->Exec("SELECT octet_length(b) FROM victim"));
  EXPECT_EQ(len.GetInt32(0, 0).value_or(-1), 256);
}

TEST_F(ConnectionTest, NulInTextParameterIsRefusedNotTruncated) {
  absl::Status s = conn_
                       ->Exec("INSERT INTO victim (s) VALUES ($1)",
                              {std::string("abc\0; DROP", 10)})
                       .status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(Count("SELECT count(*) FROM victim"), 0);
}

TEST_F(ConnectionTest, TypedAccessorsInBothFormats) {
  for (ResultFormat format : {ResultFormat::kText, ResultFormat::kBinary}) {
    CC_ASSERT_OK_AND_ASSIGN(
        Result r, conn_->Exec("SELECT 9000000000::int8 AS big, "
                              "-7::int4 AS small, 12::int2 AS tiny, "
                              "true AS yes, false AS no, "
                              "0.1::float8 AS d, 1.5::float4 AS f, "
                              "'txt'::text AS t, 'vc'::varchar AS vc, "
                              "NULL::int AS nothing, "
                              "'\\x00ff'::bytea AS bytes, $1::int8 AS param",
                              {int64_t{-9000000000}}, format));
    SCOPED_TRACE(format == ResultFormat::kText ? "text" : "binary");
    EXPECT_EQ(r.rows(), 1);
    EXPECT_EQ(r.columns(), 12);
    EXPECT_EQ(r.GetInt64(0, "big").value_or(0), 9000000000);
    EXPECT_EQ(r.GetInt32(0, "small").value_or(0), -7);
    EXPECT_EQ(r.GetInt64(0, "small").value_or(0), -7);
    EXPECT_EQ(r.GetInt32(0, "tiny").value_or(0), 12);
    EXPECT_EQ(r.GetBool(0, "yes").value_or(false), true);
    EXPECT_EQ(r.GetBool(0, "no").value_or(true), false);
    EXPECT_EQ(r.GetDouble(0, "d").value_or(0), 0.1);
    EXPECT_EQ(r.GetDouble(0, "f").value_or(0), 1.5);
    EXPECT_EQ(r.GetString(0, "t").value_or(""), "txt");
    EXPECT_EQ(r.GetString(0, "vc").value_or(""), "vc");
    EXPECT_EQ(r.GetBytes(0, "bytes").value_or(""), std::string("\0\xff", 2));
    EXPECT_EQ(r.GetInt64(0, "param").value_or(0), -9000000000);
    EXPECT_TRUE(r.IsNull(0, 9));
    EXPECT_FALSE(r.IsNull(0, 0));

    // Code and schema disagreeing is a bug: INTERNAL, naming the column.
    absl::Status null = r.GetInt32(0, "nothing").status();
    EXPECT_EQ(null.code(), StatusCode::kInternal);
    EXPECT_NE(null.message().find("nothing"), std::string::npos) << null;
    EXPECT_EQ(r.GetInt32(0, "big").status().code(), StatusCode::kInternal);
    EXPECT_EQ(r.GetString(0, "no_such").status().code(), StatusCode::kInternal);
    EXPECT_EQ(r.GetString(1, 0).status().code(), StatusCode::kInternal);
    EXPECT_EQ(r.GetString(0, 12).status().code(), StatusCode::kInternal);
    EXPECT_EQ(r.ColumnIndex("tiny").value_or(-1), 2);
  }
}

TEST_F(ConnectionTest, AffectedRowsAndCommandTag) {
  CC_ASSERT_OK_AND_ASSIGN(
      Result r, conn_->Exec("INSERT INTO victim (s) VALUES ('a'), ('b')"));
  EXPECT_EQ(r.affected_rows(), 2);
  EXPECT_EQ(r.command_tag(), "INSERT 0 2");
}

TEST_F(ConnectionTest, UniqueViolationIsAlreadyExistsNamingTheConstraint) {
  CC_ASSERT_OK(conn_->Exec("INSERT INTO lot VALUES (1, $1, 5)", {"D-secret"}));
  absl::Status s =
      conn_->Exec("INSERT INTO lot VALUES (2, $1, 5)", {"D-secret"}).status();
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(ReasonOf(s), "lot_code_key");
  EXPECT_EQ(SqlStateOf(s), "23505");
  // DETAIL ("Key (code)=(D-secret) already exists") is not passed on.
  EXPECT_EQ(s.message().find("D-secret"), std::string::npos) << s;
}

TEST_F(ConnectionTest, CheckAndForeignKeyViolationsAreFailedPrecondition) {
  absl::Status check =
      conn_->Exec("INSERT INTO lot VALUES (1, 'x', $1)", {-5}).status();
  EXPECT_EQ(check.code(), StatusCode::kFailedPrecondition) << check;
  EXPECT_EQ(ReasonOf(check), "lot_volume_positive");

  absl::Status fk = conn_->Exec("INSERT INTO dose VALUES ($1)", {99}).status();
  EXPECT_EQ(fk.code(), StatusCode::kFailedPrecondition) << fk;
  EXPECT_EQ(ReasonOf(fk), "dose_lot_fkey");
}

TEST_F(ConnectionTest, BadInputIsInvalidArgument) {
  absl::Status syntax = conn_->Exec("SELECT $1::int", {"twelve"}).status();
  EXPECT_EQ(syntax.code(), StatusCode::kInvalidArgument) << syntax;
  EXPECT_EQ(SqlStateOf(syntax), "22P02");

  absl::Status null =
      conn_->Exec("INSERT INTO lot (id, code) VALUES (1, $1)", {Param::Null()})
          .status();
  EXPECT_EQ(null.code(), StatusCode::kInvalidArgument) << null;
  EXPECT_EQ(FieldOf(null), "code");
}

TEST_F(ConnectionTest, OtherServerErrorsAreInternal) {
  absl::Status s = conn_->Exec("SELECT * FROM no_such_table").status();
  EXPECT_EQ(s.code(), StatusCode::kInternal) << s;
  EXPECT_EQ(SqlStateOf(s), "42P01");
}

TEST_F(ConnectionTest, PipelineReturnsEachResult) {
  std::vector<Statement> statements = {
      {"INSERT INTO victim (s) VALUES ($1) RETURNING id", {"one"}},
      {"INSERT INTO victim (s) VALUES ($1) RETURNING id", {"two"}},
      {"SELECT count(*) FROM victim"},
      {"SELECT $1::bytea AS b",
       {Param::Bytes("\x01\x02")},
       ResultFormat::kBinary},
  };
  CC_ASSERT_OK_AND_ASSIGN(std::vector<Result> results,
                          conn_->ExecPipeline(statements));
  ASSERT_EQ(results.size(), 4u);
  int64_t first = results[0].GetInt64(0, "id").value_or(0);
  EXPECT_EQ(results[1].GetInt64(0, "id").value_or(0), first + 1);
  EXPECT_EQ(results[2].GetInt64(0, 0).value_or(0), 2);
  EXPECT_EQ(results[3].GetBytes(0, "b").value_or(""), "\x01\x02");
  // Pipeline mode is over: ordinary statements work again.
  EXPECT_EQ(Count("SELECT count(*) FROM victim"), 2);
}

TEST_F(ConnectionTest, PipelineErrorReturnsItAndWritesNothing) {
  CC_ASSERT_OK(conn_->Exec("INSERT INTO lot VALUES (1, 'taken', 1)"));
  std::vector<Statement> statements = {
      {"INSERT INTO victim (s) VALUES ('before')"},
      {"INSERT INTO lot VALUES (2, $1, 1)", {"taken"}},
      {"INSERT INTO victim (s) VALUES ('after')"},
  };
  absl::Status s = conn_->ExecPipeline(statements).status();
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(ReasonOf(s), "lot_code_key");
  EXPECT_NE(s.message().find("pipeline statement 2 of 3"), std::string::npos)
      << s;
  EXPECT_NE(s.message().find("1 after it aborted"), std::string::npos) << s;
  // One implicit transaction: the statement before the error is gone too.
  EXPECT_EQ(Count("SELECT count(*) FROM victim"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM lot"), 1);
}

TEST_F(ConnectionTest, PipelineWithBadParameterSendsNothing) {
  std::vector<Statement> statements = {
      {"INSERT INTO victim (s) VALUES ('before')"},
      {"INSERT INTO victim (s) VALUES ($1)", {std::string("a\0b", 3)}},
  };
  EXPECT_EQ(conn_->ExecPipeline(statements).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT count(*) FROM victim"), 0);
}

TEST_F(ConnectionTest, TerminatedSessionIsSeenWithoutRoundTripAndReset) {
  CC_ASSERT_OK_AND_ASSIGN(Result pid, conn_->Exec("SELECT pg_backend_pid()"));
  EXPECT_TRUE(conn_->IsAlive());
  CC_ASSERT_OK_AND_ASSIGN(Connection admin, Connection::Open(db_->conninfo()));
  // Waits (up to 10 s) until the backend has exited and closed the socket.
  CC_ASSERT_OK_AND_ASSIGN(Result killed,
                          admin.Exec("SELECT pg_terminate_backend($1, 10000)",
                                     {pid.GetInt32(0, 0).value_or(0)}));
  ASSERT_TRUE(killed.GetBool(0, 0).value_or(false));

  EXPECT_FALSE(conn_->IsAlive());
  CC_ASSERT_OK(conn_->Reset());
  EXPECT_TRUE(conn_->IsAlive());
  // The new session has no prepared statements; the old ones are forgotten
  // and prepared again on their next use.
  EXPECT_EQ(conn_->prepared_statement_count(), 0);
  EXPECT_EQ(Count("SELECT 1"), 1);
  CC_ASSERT_OK_AND_ASSIGN(Result again, conn_->Exec("SELECT pg_backend_pid()"));
  EXPECT_NE(again.GetInt32(0, 0).value_or(0), pid.GetInt32(0, 0).value_or(0));
}

TEST_F(ConnectionTest, StatementOnLostConnectionIsUnavailable) {
  absl::Status s =
      conn_->Exec("SELECT pg_terminate_backend(pg_backend_pid())").status();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
  EXPECT_EQ(conn_->Exec("SELECT 1").status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(conn_->IsAlive());
}

// --- Prepared statements ---------------------------------------------------

// What the server holds for this session: prepared statements by SQL text,
// with how often each was planned (custom + generic plans = executions of a
// statement with parameters). Asked on the session itself, so the question
// is one of its prepared statements too.
struct ServerStatement {
  std::string name;
  int64_t executions = 0;
};

std::map<std::string, ServerStatement> ServerStatements(Connection& conn) {
  std::map<std::string, ServerStatement> out;
  absl::StatusOr<Result> r = conn.Exec(
      "SELECT name, statement, generic_plans + custom_plans "
      "FROM pg_prepared_statements WHERE NOT from_sql");
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return out;
  for (int i = 0; i < r->rows(); ++i) {
    ServerStatement& s = out[r->GetString(i, 1).value_or("?")];
    s.name = r->GetString(i, 0).value_or("?");
    s.executions = r->GetInt64(i, 2).value_or(-1);
  }
  return out;
}

TEST_F(ConnectionTest, StatementRunManyTimesIsPreparedOnce) {
  const std::string sql = "SELECT $1::int8 * 2 AS twice";
  for (int i = 0; i < 50; ++i) {
    CC_ASSERT_OK_AND_ASSIGN(Result r, conn_->Exec(sql, {i}));
    EXPECT_EQ(r.GetInt64(0, "twice").value_or(-1), 2 * i);
  }
  std::map<std::string, ServerStatement> server = ServerStatements(*conn_);
  ASSERT_TRUE(server.contains(sql));
  EXPECT_EQ(server[sql].executions, 50);
  EXPECT_TRUE(server[sql].name.starts_with("cc_")) << server[sql].name;
  // The cache and the server agree: the statement above and the question.
  EXPECT_EQ(server.size(), 2u);
  EXPECT_EQ(conn_->prepared_statement_count(), 2);

  // In pipelines too: the same statement twice in its first pipeline is
  // prepared once, and the next pipeline only executes.
  const std::string insert = "INSERT INTO victim (s) VALUES ($1) RETURNING id";
  for (int round = 0; round < 3; ++round) {
    std::vector<Statement> statements = {
        {insert, {"a"}}, {insert, {"b"}}, {sql, {21}}};
    CC_ASSERT_OK_AND_ASSIGN(std::vector<Result> results,
                            conn_->ExecPipeline(statements));
    EXPECT_EQ(results[1].GetInt64(0, "id").value_or(0),
              results[0].GetInt64(0, "id").value_or(0) + 1);
    EXPECT_EQ(results[2].GetInt64(0, "twice").value_or(-1), 42);
  }
  server = ServerStatements(*conn_);
  EXPECT_EQ(server.size(), 3u);
  EXPECT_EQ(server[insert].executions, 6);
  EXPECT_EQ(server[sql].executions, 53);
  EXPECT_EQ(conn_->prepared_statement_count(), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM victim"), 6);
}

TEST_F(ConnectionTest, PreparedStatementTypesParametersAsUnprepared) {
  // The server infers what it is not told, and a bytea stays a bytea: one
  // SQL text, two statements.
  const std::string sql = "SELECT pg_typeof($1 || '')::text AS type";
  for (int round = 0; round < 2; ++round) {
    CC_ASSERT_OK_AND_ASSIGN(Result text, conn_->Exec(sql, {"abc"}));
    EXPECT_EQ(text.GetString(0, 0).value_or("?"), "text");
    CC_ASSERT_OK_AND_ASSIGN(Result bytes,
                            conn_->Exec(sql, {Param::Bytes("abc")}));
    EXPECT_EQ(bytes.GetString(0, 0).value_or("?"), "bytea");
    CC_ASSERT_OK_AND_ASSIGN(Result null, conn_->Exec(sql, {Param::Null()}));
    EXPECT_EQ(null.GetString(0, 0).value_or("?"), "text");
  }
  // NULL and text both leave the type to the server: the same statement.
  EXPECT_EQ(conn_->prepared_statement_count(), 2);
}

TEST_F(ConnectionTest, PreparedStatementSurvivesAFailedTransaction) {
  const std::string insert = "INSERT INTO lot VALUES ($1, $2, 1)";
  {
    CC_ASSERT_OK(conn_->Exec("BEGIN"));
    CC_ASSERT_OK(conn_->Exec(insert, {1, "L1"}));
    // Prepared by its first use, then the transaction fails and rolls back.
    EXPECT_EQ(conn_->Exec(insert, {2, "L1"}).status().code(),
              StatusCode::kAlreadyExists);
    EXPECT_EQ(conn_->transaction_status(), PQTRANS_INERROR);
    // A statement first sent after the failure is refused, not prepared.
    EXPECT_FALSE(conn_->Exec("SELECT count(*) FROM dose").ok());
    CC_ASSERT_OK(conn_->Exec("ROLLBACK"));
  }
  // In a pipeline: the first statement prepares and fails; the second is
  // new and aborted, so never prepared either.
  CC_ASSERT_OK(conn_->Exec(insert, {7, "taken"}));
  std::vector<Statement> failing = {
      {insert, {8, "taken"}}, {"SELECT count(*) FROM lot WHERE id > $1", {0}}};
  EXPECT_EQ(conn_->ExecPipeline(failing).status().code(),
            StatusCode::kAlreadyExists);

  std::map<std::string, ServerStatement> server = ServerStatements(*conn_);
  ASSERT_TRUE(server.contains(insert));
  EXPECT_FALSE(server.contains("SELECT count(*) FROM dose"));
  EXPECT_FALSE(server.contains("SELECT count(*) FROM lot WHERE id > $1"));
  // The cache agrees with the server: every later use just works.
  EXPECT_EQ(conn_->prepared_statement_count(), static_cast<int>(server.size()));
  CC_ASSERT_OK(conn_->Exec(insert, {2, "L2"}));
  std::vector<Statement> working = {
      {insert, {3, "L3"}}, {"SELECT count(*) FROM lot WHERE id > $1", {0}}};
  CC_ASSERT_OK_AND_ASSIGN(std::vector<Result> after,
                          conn_->ExecPipeline(working));
  EXPECT_EQ(after[1].GetInt64(0, 0).value_or(-1), 3);  // 7, 2 and 3
  EXPECT_EQ(Count("SELECT count(*) FROM dose"), 0);
  // All six executions of the insert, the two that failed included, ran
  // from the statement prepared by the first.
  server = ServerStatements(*conn_);
  EXPECT_EQ(server[insert].executions, 6);
}

TEST_F(ConnectionTest, StatementsOnATableRolledBackAwayFailAsUnprepared) {
  // Prepared against a table that the rollback removes: the server plans
  // it again on every use, so it fails while the table is missing and works
  // once it exists again, exactly as an unprepared statement.
  const std::string select = "SELECT count(*) FROM fresh WHERE x > $1";
  CC_ASSERT_OK(conn_->Exec("BEGIN"));
  CC_ASSERT_OK(conn_->Exec("CREATE TABLE fresh (x int)"));
  CC_ASSERT_OK(conn_->Exec(select, {0}));
  CC_ASSERT_OK(conn_->Exec("ROLLBACK"));
  absl::Status missing = conn_->Exec(select, {0}).status();
  EXPECT_EQ(SqlStateOf(missing), "42P01") << missing;
  CC_ASSERT_OK(conn_->Exec("CREATE TABLE fresh (x int)"));
  CC_ASSERT_OK(conn_->Exec("INSERT INTO fresh VALUES (5)"));
  CC_ASSERT_OK_AND_ASSIGN(Result r, conn_->Exec(select, {0}));
  EXPECT_EQ(r.GetInt64(0, 0).value_or(-1), 1);
}

TEST_F(ConnectionTest, ChangedResultColumnsFailOnceThenWork) {
  const std::string select = "SELECT * FROM lot WHERE id = $1";
  CC_ASSERT_OK(conn_->Exec("INSERT INTO lot VALUES (1, 'L1', 5)"));
  CC_ASSERT_OK_AND_ASSIGN(Result before, conn_->Exec(select, {1}));
  EXPECT_EQ(before.columns(), 3);
  // A migration by another session adds a column.
  CC_ASSERT_OK_AND_ASSIGN(Connection other, Connection::Open(db_->conninfo()));
  CC_ASSERT_OK(other.ExecScript("ALTER TABLE lot ADD COLUMN note text"));
  absl::Status stale = conn_->Exec(select, {1}).status();
  EXPECT_EQ(SqlStateOf(stale), "0A000") << stale;
  CC_ASSERT_OK_AND_ASSIGN(Result after, conn_->Exec(select, {1}));
  EXPECT_EQ(after.columns(), 4);
}

TEST_F(ConnectionTest, DeallocateForgetsThePreparedStatements) {
  const std::string sql = "SELECT $1::int AS v";
  CC_ASSERT_OK(conn_->Exec(sql, {1}));
  CC_ASSERT_OK(conn_->ExecScript("DEALLOCATE ALL"));
  EXPECT_EQ(conn_->prepared_statement_count(), 0);
  CC_ASSERT_OK_AND_ASSIGN(Result r, conn_->Exec(sql, {2}));
  EXPECT_EQ(r.GetInt32(0, "v").value_or(-1), 2);
  // Sent as a statement: run unprepared, and forgets as well.
  CC_ASSERT_OK(conn_->Exec("DEALLOCATE ALL"));
  EXPECT_EQ(conn_->prepared_statement_count(), 0);
  CC_ASSERT_OK_AND_ASSIGN(r, conn_->Exec(sql, {3}));
  EXPECT_EQ(r.GetInt32(0, "v").value_or(-1), 3);
  EXPECT_EQ(ServerStatements(*conn_).size(), 2u);
}

TEST_F(ConnectionTest, StatementsBeyondTheCacheBoundRunUnprepared) {
  const int bound = static_cast<int>(Connection::kMaxPreparedStatements);
  for (int i = 0; i < bound + 10; ++i) {
    // A different SQL text each time (the value is in the text on purpose:
    // a constant, no input).
    CC_ASSERT_OK_AND_ASSIGN(
        Result r, conn_->Exec(absl::StrCat("SELECT ", i, " + $1::int"), {1}));
    EXPECT_EQ(r.GetInt32(0, 0).value_or(-1), i + 1);
  }
  EXPECT_EQ(conn_->prepared_statement_count(), bound);
  absl::StatusOr<Result> r = conn_->Exec(
      "SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->GetInt64(0, 0).value_or(-1), bound);
}

TEST(ConnectionOpenTest, BadConninfoIsInvalidArgument) {
  EXPECT_EQ(Connection::Open("no_such_option=1").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ConnectionOpenTest, UnreachableServerIsUnavailable) {
  absl::Status s =
      Connection::Open("host=/nonexistent/socket/dir port=1 connect_timeout=2")
          .status();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
}

}  // namespace
}  // namespace cellchain::pg
