// Apply() against a real PostgreSQL (fixture pg_cluster).
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cellchain_meta_migrations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/sha256.h"
#include "services/common/migrations/migrations.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/error.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain::migrations {
namespace {

using absl::StatusCode;
using ::testing::HasSubstr;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, cellchain::testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(conn_, pg::Connection::Open(db_->conninfo()));
  }

  // The first column of the first row as text ("" for NULL / no row).
  std::string Query(const std::string& sql, const pg::Params& params = {}) {
    absl::StatusOr<pg::Result> r = conn_->Exec(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    if (!r.ok() || r->rows() == 0 || r->IsNull(0, 0)) return "";
    return r->GetString(0, 0).value_or("?");
  }

  std::string Recorded(const std::string& schema) {
    return Query(
        "SELECT string_agg(version || ':' || name || ':' || checksum, ' ' "
        "ORDER BY version) FROM cellchain_meta.schema_migrations "
        "WHERE schema_name = $1",
        {schema});
  }

  std::unique_ptr<cellchain::testing::TestDatabase> db_;
  std::optional<pg::Connection> conn_;
};

MigrationSet Set(std::string schema, std::vector<Migration> migrations) {
  return {std::move(schema), std::move(migrations)};
}

TEST_F(MigrationsTest, AppliesOnceAndRecordsChecksums) {
  MigrationSet set = Set(
      "mt_a", {{1, "0001_create",
                "CREATE SCHEMA mt_a;\nCREATE TABLE thing (id int);\n"},
               {2, "0002_column", "ALTER TABLE thing ADD COLUMN note text;"}});
  CC_ASSERT_OK_AND_ASSIGN(std::vector<std::string> applied,
                          Apply(*conn_, {&set}));
  EXPECT_EQ(applied, (std::vector<std::string>{"mt_a/0001_create.sql",
                                               "mt_a/0002_column.sql"}));
  // search_path was the set's schema: the unqualified table landed there.
  EXPECT_EQ(Query("SELECT to_regclass('mt_a.thing')::text"), "mt_a.thing");
  EXPECT_EQ(Query("SELECT to_regclass('public.thing')::text"), "");
  std::string recorded = Recorded("mt_a");
  EXPECT_EQ(recorded,
            "1:0001_create:" + crypto::Sha256Hex(set.migrations[0].sql) +
                " 2:0002_column:" + crypto::Sha256Hex(set.migrations[1].sql));
  std::string applied_at = Query(
      "SELECT max(applied_at)::text FROM cellchain_meta.schema_migrations");

  CC_ASSERT_OK_AND_ASSIGN(std::vector<std::string> again,
                          Apply(*conn_, {&set}));
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(Recorded("mt_a"), recorded);
  EXPECT_EQ(Query("SELECT max(applied_at)::text "
                  "FROM cellchain_meta.schema_migrations"),
            applied_at);

  // A later binary brings one more: only that one is applied.
  set.migrations.push_back({3, "0003_index", "CREATE INDEX ON thing (id);"});
  CC_ASSERT_OK_AND_ASSIGN(std::vector<std::string> third,
                          Apply(*conn_, {&set}));
  EXPECT_EQ(third, std::vector<std::string>{"mt_a/0003_index.sql"});
}

TEST_F(MigrationsTest, EditedAppliedMigrationIsRefused) {
  MigrationSet set =
      Set("mt_e", {{1, "0001_create", "CREATE SCHEMA mt_e;"},
                   {2, "0002_table", "CREATE TABLE t (id int);"}});
  CC_ASSERT_OK(Apply(*conn_, {&set}));

  MigrationSet edited = set;
  edited.migrations[1].sql = "CREATE TABLE t (id bigint);";
  edited.migrations.push_back({3, "0003_more", "CREATE TABLE more (x int);"});
  absl::Status s = Apply(*conn_, {&edited}).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(ReasonOf(s), "MIGRATION_EDITED");
  EXPECT_THAT(std::string(s.message()), HasSubstr("mt_e/0002_table.sql"));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr(crypto::Sha256Hex(set.migrations[1].sql)));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr(crypto::Sha256Hex(edited.migrations[1].sql)));
  // Refused before anything was applied: the new 0003 is not there.
  EXPECT_EQ(Query("SELECT to_regclass('mt_e.more')::text"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM cellchain_meta.schema_migrations "
                  "WHERE schema_name = 'mt_e'"),
            "2");
}

TEST_F(MigrationsTest, DatabaseNewerThanBinaryIsRefused) {
  MigrationSet newer = Set("mt_u", {{1, "0001_create", "CREATE SCHEMA mt_u;"},
                                    {2, "0002_more", "CREATE TABLE t ();"}});
  CC_ASSERT_OK(Apply(*conn_, {&newer}));
  MigrationSet older = newer;
  older.migrations.pop_back();
  absl::Status s = Apply(*conn_, {&older}).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(ReasonOf(s), "MIGRATION_UNKNOWN");
  EXPECT_THAT(std::string(s.message()), HasSubstr("mt_u/0002_more.sql"));
}

TEST_F(MigrationsTest, FailingMigrationLeavesNothingBehind) {
  MigrationSet set = Set("mt_f", {{1, "0001_create", "CREATE SCHEMA mt_f;"},
                                  {2, "0002_broken",
                                   "CREATE TABLE partial (x int);\n"
                                   "INSERT INTO partial VALUES (1);\n"
                                   "INSERT INTO no_such_table VALUES (1);\n"}});
  absl::Status s = Apply(*conn_, {&set}).status();
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("mt_f/0002_broken.sql"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("no_such_table"));
  // 0001 stays applied; of 0002 neither the table nor a record remains.
  EXPECT_EQ(Query("SELECT to_regclass('mt_f.partial')::text"), "");
  EXPECT_EQ(Query("SELECT string_agg(name, ',') FROM "
                  "cellchain_meta.schema_migrations WHERE schema_name = $1",
                  {"mt_f"}),
            "0001_create");

  set.migrations[1].sql = "CREATE TABLE partial (x int);";
  CC_ASSERT_OK_AND_ASSIGN(std::vector<std::string> applied,
                          Apply(*conn_, {&set}));
  EXPECT_EQ(applied, std::vector<std::string>{"mt_f/0002_broken.sql"});
}

TEST_F(MigrationsTest, MigrationThatCommitsItselfIsNotRecorded) {
  MigrationSet set =
      Set("mt_x", {{1, "0001_commit", "CREATE SCHEMA mt_x; COMMIT;"}});
  absl::Status s = Apply(*conn_, {&set}).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(Recorded("mt_x"), "");
}

TEST_F(MigrationsTest, ConcurrentApplyAppliesEachMigrationOnce) {
  // Not idempotent on purpose: a second run of any of them would fail or
  // add a second log row. The sleeps keep both runs overlapping.
  MigrationSet set =
      Set("mt_c",
          {{1, "0001_create",
            "CREATE SCHEMA mt_c; CREATE TABLE log (v int);"
            "INSERT INTO log VALUES (1); SELECT pg_sleep(0.2);"},
           {2, "0002_two", "INSERT INTO log VALUES (2); SELECT pg_sleep(0.1);"},
           {3, "0003_three", "INSERT INTO log VALUES (3);"}});
  std::vector<std::string> applied[2];
  absl::Status status[2];
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<pg::Connection> conn =
          pg::Connection::Open(db_->conninfo());
      if (!conn.ok()) {
        status[i] = conn.status();
        return;
      }
      absl::StatusOr<std::vector<std::string>> r = Apply(*conn, {&set});
      status[i] = r.status();
      if (r.ok()) applied[i] = *r;
    });
  }
  for (std::thread& t : threads) t.join();
  CC_ASSERT_OK(status[0]);
  CC_ASSERT_OK(status[1]);
  std::multiset<std::string> all(applied[0].begin(), applied[0].end());
  all.insert(applied[1].begin(), applied[1].end());
  EXPECT_EQ(all, (std::multiset<std::string>{"mt_c/0001_create.sql",
                                             "mt_c/0002_two.sql",
                                             "mt_c/0003_three.sql"}));
  EXPECT_EQ(Query("SELECT string_agg(v::text, ',' ORDER BY v) FROM mt_c.log"),
            "1,2,3");
}

TEST_F(MigrationsTest, InvalidSetsAreRefusedBeforeTouchingTheDatabase) {
  MigrationSet gap = Set("mt_g", {{1, "0001_a", "CREATE SCHEMA mt_g;"},
                                  {3, "0003_c", "SELECT 1;"}});
  EXPECT_EQ(Apply(*conn_, {&gap}).status().code(),
            StatusCode::kInvalidArgument);
  MigrationSet a = Set("mt_d", {{1, "0001_a", "SELECT 1;"}});
  EXPECT_EQ(Apply(*conn_, {&a, &a}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Query("SELECT to_regnamespace('mt_g')::text"), "");
}

TEST_F(MigrationsTest, MetaMigrationsGiveServicesNoDelete) {
  // The template normally has them already; then this is a no-op check.
  CC_ASSERT_OK(Apply(*conn_, {&MetaMigrations()}));
  CC_ASSERT_OK_AND_ASSIGN(std::string role,
                          db_->CreateLoginRole("cellchain_service"));
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection service,
                          pg::Connection::Open(db_->ConninfoAs(role)));
  CC_ASSERT_OK(service.Exec(
      "INSERT INTO cellchain_meta.idempotency "
      "(service, method, user_id, request_id, request_hash) "
      "VALUES ($1, $2, $3, $4, $5)",
      {"svc", "Do", "usr_ada", "req-0123456789abcdef",
       pg::Param::Bytes(std::string(32, 'h'))}));
  CC_ASSERT_OK(
      service.Exec("UPDATE cellchain_meta.idempotency SET response = $1",
                   {pg::Param::Bytes("r")}));
  CC_ASSERT_OK(service.Exec("SELECT * FROM cellchain_meta.idempotency"));
  absl::Status del =
      service.Exec("DELETE FROM cellchain_meta.idempotency").status();
  EXPECT_FALSE(del.ok());
  EXPECT_EQ(pg::SqlStateOf(del), "42501");  // insufficient_privilege
  EXPECT_EQ(Query("SELECT count(*) FROM cellchain_meta.idempotency"), "1");
}

}  // namespace
}  // namespace cellchain::migrations
