#include "services/common/testing/test_database.h"

#include <libpq-fe.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>
#include <random>

#include "absl/strings/str_cat.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"

namespace cellchain::testing {
namespace {

absl::StatusOr<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        name,
        " is not set. PostgreSQL tests need the throwaway cluster that "
        "ctest starts (fixture pg_cluster): run them through ctest, "
        "e.g. `ctest --test-dir <build> -L pg`."));
  }
  return std::string(value);
}

std::string RandomName() {
  std::random_device device;
  std::uniform_int_distribution<uint64_t> dist;
  uint64_t bits = dist(device);
  return absl::StrCat("t_", absl::Hex(bits, absl::kZeroPad16));
}

// A conninfo value in single quotes, as PQconninfoParse reads it.
std::string Quote(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

// `conninfo` with dbname replaced and, unless `user` is empty, user too.
std::string Replace(const std::string& conninfo, std::string_view dbname,
                    std::string_view user) {
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  std::string out;
  if (options == nullptr) return out;  // Create() connected with it already
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    std::string_view key = o->keyword;
    if (o->val == nullptr || key == "dbname" ||
        (key == "user" && !user.empty())) {
      continue;
    }
    absl::StrAppend(&out, o->keyword, "=", Quote(o->val), " ");
  }
  PQconninfoFree(options);
  if (!user.empty()) absl::StrAppend(&out, "user=", Quote(user), " ");
  absl::StrAppend(&out, "dbname=", Quote(dbname));
  return out;
}

// An identifier quoted for SQL. Identifiers cannot be parameters.
std::string Identifier(pg::Connection& conn, std::string_view name) {
  char* quoted = PQescapeIdentifier(conn.get(), name.data(), name.size());
  std::string result = quoted ? quoted : "";
  PQfreemem(quoted);
  return result;
}

}  // namespace

TestDatabase::TestDatabase(std::string admin_conninfo, std::string name)
    : admin_conninfo_(std::move(admin_conninfo)),
      name_(std::move(name)),
      conninfo_(Replace(admin_conninfo_, name_, "")) {}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create() {
  CC_ASSIGN_OR_RETURN(std::string admin, Env("CELLCHAIN_TEST_PG"));
  CC_ASSIGN_OR_RETURN(std::string tmpl, Env("CELLCHAIN_TEST_PG_TEMPLATE"));
  CC_ASSIGN_OR_RETURN(pg::Connection conn, pg::Connection::Open(admin));
  std::unique_ptr<TestDatabase> db(new TestDatabase(admin, RandomName()));
  absl::Status created = conn.ExecScript(
      absl::StrCat("CREATE DATABASE ", Identifier(conn, db->name_),
                   " TEMPLATE ", Identifier(conn, tmpl)));
  db->admin_ = std::make_unique<pg::Connection>(std::move(conn));
  if (!created.ok()) {
    db->name_.clear();  // nothing to drop
    return Annotate(created, absl::StrCat("creating the test database from "
                                          "template ",
                                          tmpl));
  }
  return db;
}

TestDatabase::~TestDatabase() {
  if (name_.empty()) return;
  absl::StatusOr<pg::Connection*> conn = Admin();
  absl::Status dropped = conn.status();
  if (conn.ok()) {
    pg::Connection& admin = **conn;
    dropped = admin.ExecScript(absl::StrCat(
        "DROP DATABASE IF EXISTS ", Identifier(admin, name_), " WITH (FORCE)"));
    for (const std::string& role : roles_) {
      if (!dropped.ok()) break;
      dropped = admin.ExecScript(
          absl::StrCat("DROP ROLE IF EXISTS ", Identifier(admin, role)));
    }
  }
  if (!dropped.ok()) {
    std::cerr << "warning: could not drop test database " << name_ << ": "
              << dropped << "\n";
  }
}

absl::StatusOr<pg::Connection*> TestDatabase::Admin() {
  if (admin_ == nullptr) {
    CC_ASSIGN_OR_RETURN(pg::Connection conn,
                        pg::Connection::Open(admin_conninfo_));
    admin_ = std::make_unique<pg::Connection>(std::move(conn));
  } else if (!admin_->IsAlive()) {
    CC_RETURN_IF_ERROR(admin_->Reset());
  }
  return admin_.get();
}

std::string TestDatabase::ConninfoAs(std::string_view role) const {
  return Replace(admin_conninfo_, name_, role);
}

absl::StatusOr<std::string> TestDatabase::CreateLoginRole(
    std::string_view member_of) {
  CC_ASSIGN_OR_RETURN(pg::Connection * admin, Admin());
  pg::Connection& conn = *admin;
  std::string role = RandomName();
  CC_RETURN_IF_ERROR(conn.ExecScript(
      absl::StrCat("CREATE ROLE ", Identifier(conn, role), " LOGIN IN ROLE ",
                   Identifier(conn, member_of))));
  roles_.push_back(role);
  return role;
}

absl::StatusOr<std::string> TestDatabase::CreateServiceRole(
    std::string_view service) {
  CC_ASSIGN_OR_RETURN(pg::Connection * admin, Admin());
  pg::Connection& conn = *admin;
  std::string group = absl::StrCat("cellchain_", std::string(service));
  // Roles are cluster-wide and tests run in parallel: another may make the
  // same group at the same moment.
  CC_RETURN_IF_ERROR(conn.ExecScript(absl::StrCat(
      "DO $$ BEGIN CREATE ROLE ", Identifier(conn, group),
      " NOLOGIN IN ROLE cellchain_service; "
      "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
      "END $$")));
  return CreateLoginRole(group);
}

absl::Status RestartPostgres() {
  CC_ASSIGN_OR_RETURN(std::string ctl, Env("CELLCHAIN_TEST_PG_CTL"));
  // The variable is "script state-dir", split by the shell like any command.
  std::string command = absl::StrCat(ctl, " restart");
  int rc = std::system(command.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    return absl::InternalError(
        absl::StrCat("`", command, "` failed (wait status ", rc, ")"));
  }
  return absl::OkStatus();
}

}  // namespace cellchain::testing
