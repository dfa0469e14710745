#include "services/common/pg/error.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/pg/params.h"
#include "services/common/status/status.h"

namespace cellchain::pg {
namespace {

using absl::StatusCode;
using ::testing::HasSubstr;

TEST(SqlStateTest, MapsEachSqlStateToTheDocumentedCode) {
  struct Case {
    const char* sqlstate;
    StatusCode code;
  };
  const Case cases[] = {
      {"23505", StatusCode::kAlreadyExists},       // unique_violation
      {"23503", StatusCode::kFailedPrecondition},  // foreign_key_violation
      {"23514", StatusCode::kFailedPrecondition},  // check_violation
      {"22P02", StatusCode::kInvalidArgument},   // invalid_text_representation
      {"22001", StatusCode::kInvalidArgument},   // string_data_right_truncation
      {"22003", StatusCode::kInvalidArgument},   // numeric_value_out_of_range
      {"22012", StatusCode::kInvalidArgument},   // division_by_zero
      {"23502", StatusCode::kInvalidArgument},   // not_null_violation
      {"40001", StatusCode::kAborted},           // serialization_failure
      {"40P01", StatusCode::kAborted},           // deadlock_detected
      {"08000", StatusCode::kUnavailable},       // connection_exception
      {"08006", StatusCode::kUnavailable},       // connection_failure
      {"57P01", StatusCode::kUnavailable},       // admin_shutdown
      {"57P02", StatusCode::kUnavailable},       // crash_shutdown
      {"57P03", StatusCode::kUnavailable},       // cannot_connect_now
      {"57014", StatusCode::kDeadlineExceeded},  // query_canceled
      {"23P01", StatusCode::kInternal},          // exclusion_violation
      {"40002", StatusCode::kInternal},  // transaction_integrity_constraint
      {"42P01", StatusCode::kInternal},  // undefined_table
      {"42501", StatusCode::kInternal},  // insufficient_privilege
      {"25P02", StatusCode::kInternal},  // in_failed_sql_transaction
      // read_only_sql_transaction: a bug unless the server is read-only,
      // which only the Connection knows (ReadOnlyServerError).
      {"25006", StatusCode::kInternal},
      {"57000", StatusCode::kInternal},  // operator_intervention
      {"XX000", StatusCode::kInternal},  // internal_error
      {"", StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CodeForSqlState(c.sqlstate), c.code) << "SQLSTATE " << c.sqlstate;
  }
}

TEST(SqlStateTest, StatusCarriesConstraintColumnAndSqlState) {
  absl::Status s = StatusFromSqlState(
      "23505",
      "duplicate key value violates unique constraint \"donor_code_key\"",
      "donor_code_key");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(s), "donor_code_key");
  EXPECT_EQ(FieldOf(s), "");
  EXPECT_EQ(SqlStateOf(s), "23505");
  EXPECT_EQ(s.message(),
            "duplicate key value violates unique constraint "
            "\"donor_code_key\" [SQLSTATE 23505]");

  absl::Status null = StatusFromSqlState("23502", "null value", "", "dose_ml");
  EXPECT_EQ(null.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(null), "dose_ml");
  EXPECT_EQ(ReasonOf(null), "");
}

TEST(SqlStateTest, OnlySerializationFailuresAndDeadlocksAreRetryable) {
  EXPECT_TRUE(IsSerializationFailure(StatusFromSqlState("40001", "x")));
  EXPECT_TRUE(IsSerializationFailure(StatusFromSqlState("40P01", "x")));
  EXPECT_FALSE(IsSerializationFailure(StatusFromSqlState("23505", "x")));
  // A service's own ABORTED (version conflict) is not a database retry.
  EXPECT_FALSE(IsSerializationFailure(absl::AbortedError("version conflict")));
  EXPECT_FALSE(IsSerializationFailure(absl::OkStatus()));
}

// A write refused by a read-only server is a failover to wait out, not a bug:
// a client sees UNAVAILABLE (retry) and that nothing was written.
TEST(SqlStateTest, ReadOnlyServerRefusalIsUnavailableAndSaysNothingWritten) {
  absl::Status refusal = StatusFromSqlState(
      "25006", "cannot execute INSERT in a read-only transaction");
  absl::Status s = ReadOnlyServerError(refusal);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(),
            "the database server is read-only (a standby or a demoted "
            "primary); nothing was written: cannot execute INSERT in a "
            "read-only transaction [SQLSTATE 25006]");
  EXPECT_EQ(SqlStateOf(s), "25006");
  EXPECT_TRUE(IsReadOnlyServer(s));
  EXPECT_FALSE(IsReadOnlyServer(refusal));  // INTERNAL: a bug, not a failover
  EXPECT_FALSE(IsReadOnlyServer(StatusFromSqlState("57P01", "terminating")));
  EXPECT_FALSE(IsReadOnlyServer(absl::UnavailableError("connection lost")));
}

TEST(SqlStateTest, MissingResultWithoutConnectionIsInternal) {
  EXPECT_EQ(StatusFromResult(nullptr, nullptr).code(), StatusCode::kInternal);
}

// A session libpq has not (yet) marked CONNECTION_BAD and that has no error
// message, as in a failover mid-pipeline: a listener that never answers.
TEST(SqlStateTest, AFailedSessionIsUnavailableEvenBeforeLibpqMarksItBad) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  ASSERT_EQ(
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::string conninfo =
      absl::StrCat("host=127.0.0.1 port=", ntohs(address.sin_port),
                   " sslmode=disable connect_timeout=2");
  PGconn* conn = PQconnectStart(conninfo.c_str());
  ASSERT_NE(conn, nullptr);
  ASSERT_NE(PQstatus(conn), CONNECTION_BAD);

  EXPECT_EQ(StatusFromResult(nullptr, conn).code(), StatusCode::kInternal);
  absl::Status failed = SessionFailure(conn);
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  EXPECT_THAT(std::string(failed.message()),
              HasSubstr("database session failed and is replaced"));
  PQfinish(conn);
  close(listener);
}

TEST(ParamTest, NumbersAndBoolsAreSentExactly) {
  EXPECT_EQ(Param(int64_t{9223372036854775807}).value(), "9223372036854775807");
  EXPECT_EQ(Param(-42).value(), "-42");
  EXPECT_EQ(Param(uint8_t{200}).value(), "200");
  EXPECT_EQ(Param(true).value(), "true");
  EXPECT_EQ(Param(false).value(), "false");
  for (double d : {0.1, 1e-300, 123456789.123456789, -2.5}) {
    double back = 0;
    ASSERT_TRUE(absl::SimpleAtod(Param(d).value(), &back)) << Param(d).value();
    EXPECT_EQ(back, d);
  }
}

TEST(ParamTest, NullsBytesAndText) {
  EXPECT_TRUE(Param::Null().is_null());
  EXPECT_TRUE(Param(std::nullopt).is_null());
  EXPECT_TRUE(Param(std::optional<int>()).is_null());
  EXPECT_EQ(Param(std::optional<int>(7)).value(), "7");
  Param bytes = Param::Bytes(std::string("a\0b", 3));
  EXPECT_TRUE(bytes.is_bytes());
  EXPECT_EQ(bytes.value().size(), 3u);
  EXPECT_FALSE(Param("text").is_bytes());
  EXPECT_FALSE(Param(std::string("")).is_null());  // '' is not NULL
}

}  // namespace
}  // namespace cellchain::pg
