// A demoted primary, played on a test's own database: every session opened
// after SetDatabaseReadOnly(admin, true) is read-only (ALTER DATABASE ... SET
// default_transaction_read_only), as a standby's sessions are, and reports
// it to libpq (pg::Connection::ServerIsReadOnly). Sessions already open keep
// what they had: EndOtherSessions plays the failover that cuts them. `admin`
// is a superuser session of that database opened before (it stays writable).
// Header-only, so that a test links nothing for it.
//
// Test-only. Thread-safety: as for the Connection.
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_READ_ONLY_DATABASE_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_READ_ONLY_DATABASE_H_

#include "absl/status/status.h"
#include "services/common/pg/connection.h"

namespace cellchain::testing {

inline absl::Status SetDatabaseReadOnly(pg::Connection& admin,
                                        bool read_only) {
  // The name is the server's own (format %I): no text spliced here.
  return admin.ExecScript(
      read_only ? "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET "
                  "default_transaction_read_only = on', current_database()); "
                  "END $$"
                : "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET "
                  "default_transaction_read_only', current_database()); "
                  "END $$");
}

// Terminates every other session of admin's database and waits (up to 10 s
// each) until they are gone.
inline absl::Status EndOtherSessions(pg::Connection& admin) {
  return admin
      .Exec("SELECT count(pg_terminate_backend(pid, 10000)) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")
      .status();
}

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_READ_ONLY_DATABASE_H_
