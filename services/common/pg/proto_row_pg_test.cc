// FillFromRow against what a real PostgreSQL returns: text, enums as
// numbers, exact microsecond timestamps, NULLs left unset, and a value that
// does not fit its field refused with the column named.
#include "services/common/pg/proto_row.h"

#include <google/protobuf/util/time_util.h>

#include <optional>

#include "cellchain/common/v1/common.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/pg/connection.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain::pg {
namespace {

using ::testing::HasSubstr;

class ProtoRowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(Connection conn, Connection::Open(db_->conninfo()));
    conn_.emplace(std::move(conn));
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::optional<Connection> conn_;
};

TEST_F(ProtoRowTest, FillsFieldsByColumnName) {
  CC_ASSERT_OK_AND_ASSIGN(
      Result r,
      conn_->Exec("SELECT 'quinn' AS user_id, 'Quinn Q. O''Brien' AS "
                 "printed_name, 4 AS meaning, " +
                 MicrosColumn("'2026-12-02 08:15:30.123456+00'::timestamptz",
                              "signed_at") +
                 ", 'ignored' AS no_such_field"));
  common::v1::SignatureManifestation m;
  CC_ASSERT_OK(FillFromRow(r, 0, m));
  EXPECT_EQ(m.user_id(), "quinn");
  EXPECT_EQ(m.printed_name(), "Quinn Q. O'Brien");
  EXPECT_EQ(m.meaning(), common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToMicroseconds(
                m.signed_at()),
            1796199330123456);
}

TEST_F(ProtoRowTest, NullLeavesTheFieldUnset) {
  CC_ASSERT_OK_AND_ASSIGN(
      Result r, conn_->Exec("SELECT NULL::text AS user_id, "
                           "NULL::int8 AS signed_at, 2 AS meaning"));
  common::v1::SignatureManifestation m;
  CC_ASSERT_OK(FillFromRow(r, 0, m));
  EXPECT_EQ(m.user_id(), "");
  EXPECT_FALSE(m.has_signed_at());
  EXPECT_EQ(m.meaning(), common::v1::SIGNATURE_MEANING_VERIFIED);
}

TEST_F(ProtoRowTest, AValueThatDoesNotFitNamesItsColumn) {
  CC_ASSERT_OK_AND_ASSIGN(Result r, conn_->Exec("SELECT 99 AS meaning"));
  common::v1::SignatureManifestation m;
  absl::Status status = FillFromRow(r, 0, m);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("column meaning"));
  CC_ASSERT_OK_AND_ASSIGN(Result text, conn_->Exec("SELECT 'x' AS page_size"));
  common::v1::PageRequest page;
  EXPECT_THAT(std::string(FillFromRow(text, 0, page).message()),
              HasSubstr("column page_size"));
}

TEST_F(ProtoRowTest, LoadRowsFillsOneMessagePerRowInOrder) {
  CC_ASSERT_OK_AND_ASSIGN(
      std::vector<common::v1::SignatureManifestation> rows,
      LoadRows<common::v1::SignatureManifestation>(
          *conn_,
          "SELECT u AS user_id, m AS meaning FROM (VALUES ('ada', 4), "
          "('bob', 2)) AS v(u, m) WHERE u <> $1 OR true ORDER BY u",
          {"nobody"}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].user_id(), "ada");
  EXPECT_EQ(rows[0].meaning(), common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(rows[1].user_id(), "bob");
  // A row that does not fit refuses the whole load.
  EXPECT_EQ(LoadRows<common::v1::SignatureManifestation>(
                *conn_, "SELECT 99 AS meaning")
                .status()
                .code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace cellchain::pg
