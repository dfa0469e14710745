// Schema migrations: numbered SQL files embedded in the binary at build time
// and applied in order, each exactly once, each recorded.
//
// A service keeps services/<ctx>/migrations/NNNN_name.sql (0001, 0002, ...
// contiguous) and in its CMakeLists:
//   cellchain_add_migrations(donor_migrations SCHEMA donor
//     DIR ${CMAKE_CURRENT_SOURCE_DIR}/migrations
//     FUNCTION cellchain::donor::Migrations)
// which makes the library donor_migrations with header "donor_migrations.h"
// declaring `const cellchain::migrations::MigrationSet& Migrations();` in
// namespace cellchain::donor (cmake/CellchainMigrations.cmake).
//
// Apply() records every applied file in cellchain_meta.schema_migrations
// (schema_name, version, name, checksum = SHA-256 hex of the exact file
// bytes, applied_at). An applied file must never change: add a new one.
// Each migration runs in its own transaction together with its record row,
// with search_path set to the set's schema (so unqualified names land there;
// a set's 0001 usually begins with CREATE SCHEMA). It must not COMMIT itself
// and cannot use statements that refuse to run in a transaction
// (CREATE INDEX CONCURRENTLY).
//
// Thread-safety: the types are plain values. Apply() may run concurrently in
// any number of processes against one database: they serialise on a
// transaction-level advisory lock and each migration is applied once.
#ifndef CELLCHAIN_SERVICES_COMMON_MIGRATIONS_MIGRATIONS_H_
#define CELLCHAIN_SERVICES_COMMON_MIGRATIONS_MIGRATIONS_H_

#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/pg/connection.h"

namespace cellchain::migrations {

struct Migration {
  int version;       // 1, 2, ... from the file name
  std::string name;  // file name without ".sql": "0001_idempotency"
  std::string sql;   // the exact bytes of the file
};

struct MigrationSet {
  std::string schema;                 // [a-z_][a-z0-9_]*
  std::vector<Migration> migrations;  // sorted by version, 1..n
};

// "<schema>/<name>.sql", how messages name a migration.
std::string FileName(const MigrationSet& set, const Migration& migration);

// INVALID_ARGUMENT: bad schema name; versions not 1..n in order; a name not
// "NNNN_[a-z0-9_]+" or not matching its version; empty SQL.
absl::Status Validate(const MigrationSet& set);

// Applies, in the order given, every migration of `sets` not yet recorded,
// and returns the FileName()s of those it applied (empty: nothing to do).
// Before applying anything it checks what is recorded for the sets' schemas:
//   FAILED_PRECONDITION reason MIGRATION_EDITED: a recorded migration's
//     checksum (or name) differs from the embedded file; the message names
//     "<schema>/<NNNN_name>.sql" and both checksums.
//   FAILED_PRECONDITION reason MIGRATION_UNKNOWN: the database records a
//     version this binary does not have (the database is newer).
// INVALID_ARGUMENT: a set fails Validate(), or two sets share a schema.
// A migration that fails is rolled back with its record row, and its error
// (code per pg/error.h) is returned with the file name prefixed; the ones
// before it stay applied. UNAVAILABLE: the connection was lost.
absl::StatusOr<std::vector<std::string>> Apply(
    pg::Connection& connection, std::span<const MigrationSet* const> sets);
absl::StatusOr<std::vector<std::string>> Apply(
    pg::Connection& connection,
    std::initializer_list<const MigrationSet*> sets);

}  // namespace cellchain::migrations

#endif  // CELLCHAIN_SERVICES_COMMON_MIGRATIONS_MIGRATIONS_H_
