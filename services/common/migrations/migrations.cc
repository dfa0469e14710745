#include "services/common/migrations/migrations.h"

#include <cstdint>
#include <map>
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/crypto/sha256.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"

namespace cellchain::migrations {
namespace {

// pg_advisory_xact_lock key that every Apply() takes: "cellmigr" in ASCII.
constexpr int64_t kLockKey = 0x63656c6c6d696772;

// Made by Apply() itself: it must exist before anything can be recorded.
constexpr char kBootstrapSql[] = R"sql(
CREATE SCHEMA IF NOT EXISTS cellchain_meta;
CREATE TABLE IF NOT EXISTS cellchain_meta.schema_migrations (
  schema_name text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  name text NOT NULL,
  checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schema_name, version)
);
)sql";

bool IsLower(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// [a-z_][a-z0-9_]*, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1).
bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 63 || !IsLower(s[0])) return false;
  for (char c : s) {
    if (!IsLower(c) && !IsDigit(c)) return false;
  }
  return true;
}

struct Recorded {
  std::string name;
  std::string checksum;
};

absl::Status Lock(pg::Transaction& tx) {
  return tx.Exec("SELECT pg_advisory_xact_lock($1)", {kLockKey}).status();
}

absl::StatusOr<std::map<int, Recorded>> ReadRecorded(
    pg::Transaction& tx, const std::string& schema) {
  CC_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Exec("SELECT version, name, checksum "
              "FROM cellchain_meta.schema_migrations WHERE schema_name = $1",
              {schema}));
  std::map<int, Recorded> recorded;
  for (int i = 0; i < rows.rows(); ++i) {
    CC_ASSIGN_OR_RETURN(int version, rows.GetInt32(i, "version"));
    CC_ASSIGN_OR_RETURN(std::string name, rows.GetString(i, "name"));
    CC_ASSIGN_OR_RETURN(std::string checksum, rows.GetString(i, "checksum"));
    recorded[version] = {std::move(name), std::move(checksum)};
  }
  return recorded;
}

absl::Status CheckUnchanged(const MigrationSet& set, const Migration& migration,
                            const Recorded& recorded) {
  std::string checksum = crypto::Sha256Hex(migration.sql);
  if (recorded.checksum == checksum && recorded.name == migration.name) {
    return absl::OkStatus();
  }
  std::string renamed = recorded.name == migration.name
                            ? ""
                            : absl::StrCat(" (as ", recorded.name, ".sql)");
  return FailedRule(
      "MIGRATION_EDITED",
      absl::StrCat(FileName(set, migration),
                   " was changed after it was applied: the database recorded"
                   " sha256 ",
                   recorded.checksum, renamed, ", the file has sha256 ",
                   checksum,
                   ". Restore the applied file and put the change in a new "
                   "migration."));
}

absl::Status CheckRecorded(const MigrationSet& set,
                           const std::map<int, Recorded>& recorded) {
  const int known = static_cast<int>(set.migrations.size());
  for (const auto& [version, record] : recorded) {
    if (version > known) {
      return FailedRule(
          "MIGRATION_UNKNOWN",
          absl::StrFormat("the database has %s/%s.sql applied, which this "
                          "binary does not have (its last is version %04d): "
                          "the database is newer than the binary",
                          set.schema, record.name, known));
    }
    CC_RETURN_IF_ERROR(
        CheckUnchanged(set, set.migrations[version - 1], record));
  }
  return absl::OkStatus();
}

// Applies `migration` unless recorded; true if it applied it.
absl::StatusOr<bool> ApplyOne(pg::Connection& connection,
                              const MigrationSet& set,
                              const Migration& migration) {
  const std::string file = FileName(set, migration);
  CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(connection));
  CC_RETURN_IF_ERROR(Lock(tx));
  // Another process may have applied it since the check in Apply().
  CC_ASSIGN_OR_RETURN(
      pg::Result row,
      tx.Exec("SELECT name, checksum FROM cellchain_meta.schema_migrations "
              "WHERE schema_name = $1 AND version = $2",
              {set.schema, migration.version}));
  if (row.rows() > 0) {
    CC_ASSIGN_OR_RETURN(std::string name, row.GetString(0, "name"));
    CC_ASSIGN_OR_RETURN(std::string checksum, row.GetString(0, "checksum"));
    CC_RETURN_IF_ERROR(CheckUnchanged(set, migration, {name, checksum}));
    return false;
  }
  CC_RETURN_IF_ERROR(
      tx.Exec("SELECT set_config('search_path', $1, true)", {set.schema})
          .status());
  absl::Status applied = tx.connection().ExecScript(migration.sql);
  if (!applied.ok()) return Annotate(applied, absl::StrCat("applying ", file));
  if (tx.connection().transaction_status() != PQTRANS_INTRANS) {
    return absl::FailedPreconditionError(absl::StrCat(
        file,
        " ended the migration's transaction itself (COMMIT, ROLLBACK "
        "or END in the file); it was not recorded. Remove those "
        "statements."));
  }
  CC_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO cellchain_meta.schema_migrations "
              "(schema_name, version, name, checksum) VALUES ($1, $2, $3, $4)",
              {set.schema, migration.version, migration.name,
               crypto::Sha256Hex(migration.sql)})
          .status());
  CC_RETURN_IF_ERROR(Annotate(tx.Commit(), absl::StrCat("committing ", file)));
  return true;
}

}  // namespace

std::string FileName(const MigrationSet& set, const Migration& migration) {
  return absl::StrCat(set.schema, "/", migration.name, ".sql");
}

absl::Status Validate(const MigrationSet& set) {
  if (!IsIdentifier(set.schema)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "migration schema \"", set.schema,
        "\" is not a lower-case identifier ([a-z_][a-z0-9_]*, <= 63 bytes)"));
  }
  for (size_t i = 0; i < set.migrations.size(); ++i) {
    const Migration& m = set.migrations[i];
    if (m.version != static_cast<int>(i) + 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: migration versions must run 1, 2, 3, ... without gaps or "
          "repeats; position %d has version %d (%s)",
          set.schema, i + 1, m.version, m.name));
    }
    std::string prefix = absl::StrFormat("%04d_", m.version);
    std::string_view rest =
        std::string_view(m.name).substr(std::min(prefix.size(), m.name.size()));
    bool name_ok = m.name.starts_with(prefix) && !rest.empty();
    for (char c : rest) name_ok = name_ok && (IsLower(c) || IsDigit(c));
    if (!name_ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          set.schema, ": migration name \"", m.name, "\" must be \"", prefix,
          "<name>\" with <name> in [a-z0-9_]+"));
    }
    if (m.sql.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(FileName(set, m), " is empty"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Apply(
    pg::Connection& connection, std::span<const MigrationSet* const> sets) {
  std::set<std::string> schemas;
  for (const MigrationSet* set : sets) {
    CC_RETURN_IF_ERROR(Validate(*set));
    if (!schemas.insert(set->schema).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two migration sets for schema \"", set->schema, "\""));
    }
  }
  {
    // Refuse an edited or unknown migration before applying anything.
    CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(connection));
    CC_RETURN_IF_ERROR(Lock(tx));
    CC_RETURN_IF_ERROR(tx.connection().ExecScript(kBootstrapSql));
    for (const MigrationSet* set : sets) {
      CC_ASSIGN_OR_RETURN(auto recorded, ReadRecorded(tx, set->schema));
      CC_RETURN_IF_ERROR(CheckRecorded(*set, recorded));
    }
    CC_RETURN_IF_ERROR(tx.Commit());
  }
  std::vector<std::string> applied;
  for (const MigrationSet* set : sets) {
    for (const Migration& migration : set->migrations) {
      CC_ASSIGN_OR_RETURN(bool done, ApplyOne(connection, *set, migration));
      if (done) applied.push_back(FileName(*set, migration));
    }
  }
  return applied;
}

absl::StatusOr<std::vector<std::string>> Apply(
    pg::Connection& connection,
    std::initializer_list<const MigrationSet*> sets) {
  return Apply(connection,
               std::span<const MigrationSet* const>(sets.begin(), sets.size()));
}

}  // namespace cellchain::migrations
