// TestDatabase: a fresh PostgreSQL database per test, copied from the
// template database in which every migration is applied, dropped afterwards.
//
// The cluster and the template are made by the ctest fixture pg_cluster
// (tests/CMakeLists.txt); the environment is described in
// cmake/CellchainTesting.cmake:
//   CELLCHAIN_TEST_PG          superuser conninfo, dbname=postgres
//   CELLCHAIN_TEST_PG_TEMPLATE template database name
//   CELLCHAIN_TEST_PG_CTL      "script state-dir", takes "restart"
// Run pg tests through ctest (`ctest -L pg`); run directly without that
// environment, Create() fails, and so does the test — never a silent pass.
//
//   CC_ASSERT_OK_AND_ASSIGN(auto db, testing::TestDatabase::Create());
//   CC_ASSERT_OK_AND_ASSIGN(pg::Connection conn,
//                           pg::Connection::Open(db->conninfo()));
//
// It keeps one superuser connection (to dbname=postgres) from Create() to its
// destruction for the statements it runs there: a new backend costs 20-30 ms
// of the server's CPU on the CI machine, and a test used to open five to
// nine such connections.
//
// Thread-safety: a TestDatabase's accessors are const and safe to share;
// Create/CreateLoginRole/CreateServiceRole/destruction belong to the test's
// main thread.
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_TEST_DATABASE_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_TEST_DATABASE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cellchain::pg {
class Connection;
}  // namespace cellchain::pg

namespace cellchain::testing {

class TestDatabase {
 public:
  // CREATE DATABASE t_<random> TEMPLATE $CELLCHAIN_TEST_PG_TEMPLATE.
  // FAILED_PRECONDITION: the environment is missing (not run through ctest).
  // Otherwise the status of connecting or of CREATE DATABASE.
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create();

  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  // DROP DATABASE ... WITH (FORCE) (closing sessions still open), then drops
  // the roles made by CreateLoginRole. Failures are printed, not fatal.
  ~TestDatabase();

  const std::string& name() const { return name_; }
  // The superuser's conninfo with dbname replaced by this database.
  const std::string& conninfo() const { return conninfo_; }
  // The same as another role (the test cluster trusts local connections).
  std::string ConninfoAs(std::string_view role) const;

  // Creates a LOGIN role t_<random>, member of `member_of` (e.g.
  // "cellchain_service"), to check what a service's role may do; returns
  // its name. Roles are cluster-wide, hence the random name; it is dropped
  // with the database.
  absl::StatusOr<std::string> CreateLoginRole(std::string_view member_of);

  // A login role that writes audit records as service `service`: a member
  // of cellchain_<service>, the group whose members alone may insert that
  // service's records (audit migration 0002). Makes the group (NOLOGIN, in
  // cellchain_service) when the migrations did not, as for a test's own
  // service ("widgets"); the group stays in the throwaway cluster.
  absl::StatusOr<std::string> CreateServiceRole(std::string_view service);

 private:
  TestDatabase(std::string admin_conninfo, std::string name);

  // admin_, reconnected when the server closed it (RestartPostgres).
  // UNAVAILABLE: the server cannot be reached.
  absl::StatusOr<pg::Connection*> Admin();

  std::string admin_conninfo_;
  std::unique_ptr<pg::Connection> admin_;
  std::string name_;
  std::string conninfo_;
  std::vector<std::string> roles_;
};

// Runs `$CELLCHAIN_TEST_PG_CTL restart`, which returns once the restarted
// cluster accepts connections. Every session open before is gone after.
// FAILED_PRECONDITION: the variable is unset. INTERNAL: the command failed.
// Tests calling this must not share the cluster with concurrent tests
// (ctest RUN_SERIAL).
absl::Status RestartPostgres();

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_TEST_DATABASE_H_
