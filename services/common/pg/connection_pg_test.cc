// Connection and Result against a real PostgreSQL (fixture pg_cluster).
#include <optional>
#include <string>
#include <vector>

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
  EXPECT_EQ(Count("SELECT 1"), 1);
}

TEST_F(ConnectionTest, StatementOnLostConnectionIsUnavailable) {
  absl::Status s =
      conn_->Exec("SELECT pg_terminate_backend(pg_backend_pid())").status();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
  EXPECT_EQ(conn_->Exec("SELECT 1").status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(conn_->IsAlive());
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
