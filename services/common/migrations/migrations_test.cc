// The embedding (cmake/CellchainMigrations.cmake) and Validate(); applying
// is in migrations_pg_test.cc.
#include "services/common/migrations/migrations.h"

#include <fstream>
#include <sstream>
#include <string>

#include "cellchain_meta_migrations.h"
#include "cellchain_migrations_tricky.h"
#include "gtest/gtest.h"

namespace cellchain::migrations {
namespace {

std::string ReadFile(const std::string& relative) {
  std::ifstream in(
      std::string(CELLCHAIN_MIGRATIONS_SOURCE_DIR) + "/" + relative,
      std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(EmbedTest, EmbedsTheExactFileBytes) {
  const MigrationSet& set = testdata::TrickyMigrations();
  EXPECT_EQ(set.schema, "mt_tricky");
  ASSERT_EQ(set.migrations.size(), 2u);
  EXPECT_EQ(set.migrations[0].version, 1);
  EXPECT_EQ(set.migrations[0].name, "0001_tricky");
  EXPECT_EQ(set.migrations[0].sql, ReadFile("testdata/tricky/0001_tricky.sql"));
  EXPECT_EQ(set.migrations[1].version, 2);
  EXPECT_EQ(set.migrations[1].name, "0002_second");
  EXPECT_EQ(set.migrations[1].sql, ReadFile("testdata/tricky/0002_second.sql"));
  EXPECT_TRUE(Validate(set).ok());
}

TEST(EmbedTest, MetaMigrationsAreEmbeddedInOrder) {
  const MigrationSet& set = MetaMigrations();
  EXPECT_EQ(set.schema, "cellchain_meta");
  ASSERT_FALSE(set.migrations.empty());
  EXPECT_EQ(set.migrations[0].name, "0001_idempotency");
  EXPECT_EQ(set.migrations[0].sql, ReadFile("meta/0001_idempotency.sql"));
  EXPECT_TRUE(Validate(set).ok()) << Validate(set);
}

TEST(ValidateTest, RefusesMalformedSets) {
  auto set = [](std::string schema, std::vector<Migration> migrations) {
    return MigrationSet{std::move(schema), std::move(migrations)};
  };
  const Migration one{1, "0001_one", "SELECT 1"};
  const Migration two{2, "0002_two", "SELECT 2"};
  EXPECT_TRUE(Validate(set("ok_schema", {one, two})).ok());
  EXPECT_TRUE(Validate(set("empty_is_fine", {})).ok());

  const MigrationSet bad[] = {
      set("gap", {one, {3, "0003_three", "SELECT 3"}}),
      set("repeat", {one, {1, "0001_again", "SELECT 1"}}),
      set("order", {two, one}),
      set("from_zero", {{0, "0000_zero", "SELECT 0"}}),
      set("name_version", {{1, "0002_one", "SELECT 1"}}),
      set("name_shape", {{1, "0001_Bad-Name", "SELECT 1"}}),
      set("name_empty", {{1, "0001_", "SELECT 1"}}),
      set("empty_sql", {{1, "0001_one", ""}}),
      set("Upper", {one}),
      set("semi;colon", {one}),
      set("", {one}),
  };
  for (const MigrationSet& s : bad) {
    EXPECT_EQ(Validate(s).code(), absl::StatusCode::kInvalidArgument)
        << "schema " << s.schema;
  }
}

TEST(ValidateTest, FileNameIsSchemaSlashFile) {
  MigrationSet set{"donor", {{1, "0001_init", "SELECT 1"}}};
  EXPECT_EQ(FileName(set, set.migrations[0]), "donor/0001_init.sql");
}

}  // namespace
}  // namespace cellchain::migrations
