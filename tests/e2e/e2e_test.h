// E2eTest: the set-up every end-to-end test repeats — a database of the
// test cluster, the first admin bootstrapped with `cellchaind
// bootstrap-admin`, a real cellchaind over mTLS with the test PKI, and
// people at workstations running the cellchain CLI with their own session
// files (the admin logged in at admin-cli; users the admin adds, logged in
// with their own passwords) — and the small reads the tests share.
//
//   class CustodyE2eTest : public E2eTest {
//    protected:
//     void SetUp() override {
//       SetUpWithAdmin();
//       if (HasFatalFailure()) return;
//       CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
//     }
//   };
//
// Run through ctest (label e2e), which provides the cluster, the PKI and the
// binaries (see cmake/CellchainTesting.cmake).
// Thread-safety: as a GoogleTest fixture, the test's main thread only.
#ifndef CELLCHAIN_TESTS_E2E_E2E_TEST_H_
#define CELLCHAIN_TESTS_E2E_E2E_TEST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/common/testing/test_database.h"
#include "tests/e2e/daemon.h"

namespace cellchain::e2e {

// The first admin's ("admin", "Ada Admin"), as Bootstrap makes them.
inline constexpr char kAdminPassword[] = "correct horse battery staple";

// The people the scenarios share: where each works, who they are, and the
// password each sets for themselves.
struct CastMember {
  const char* workstation;
  const char* user_id;
  const char* printed_name;
  const char* roles;
  const char* password;
};
inline constexpr char kTinaPassword[] = "she keeps the chain intact";
inline constexpr char kTomPassword[] = "two pairs of eyes see more";
inline constexpr char kOttoPassword[] = "every assay has a control";
inline constexpr char kPhilPassword[] = "releases only the right dose";
inline constexpr char kQuinnPassword[] = "quality is never an accident";
inline constexpr CastMember kTina = {"lab-ws-01", "tina", "Tina Tech",
                                     "technician", kTinaPassword};
inline constexpr CastMember kTom = {"lab-ws-01", "tom", "Tom Second",
                                    "technician", kTomPassword};
inline constexpr CastMember kOtto = {"lab-ws-01", "otto", "Otto Analyst",
                                     "qc_analyst", kOttoPassword};
inline constexpr CastMember kPhil = {
    "pharmacy-ws-01", "phil", "Phil Pharmacist", "pharmacist", kPhilPassword};
inline constexpr CastMember kQuinn = {"qa-ws-01", "quinn", "Quinn Quality",
                                      "qa", kQuinnPassword};

// The first match of `pattern`'s group 1 in `text`, or "".
std::string Capture(const std::string& text, const std::string& pattern);

class E2eTest : public ::testing::Test {
 protected:
  // `sessions_stem` names the directory of the people's session files.
  explicit E2eTest(const std::string& sessions_stem = "cellchain-sessions");

  // Checks that the test runs through ctest and creates db_. A subclass
  // calls it first and returns on HasFatalFailure().
  void SetUp() override;

  // db_'s conninfo without its user: cellchaind connects each service as
  // that service's own role.
  std::string ServiceConninfo() const;

  // `cellchaind bootstrap-admin` of admin, "Ada Admin", kAdminPassword; its
  // result, a test failure unless it exited 0.
  RunResult Bootstrap();

  // A cellchaind on db_ with `extra` flags; nullptr, and a test failure
  // naming its log, when it does not start.
  std::unique_ptr<Daemon> StartDaemon(
      const std::vector<std::string>& extra = {});

  // daemon_ = StartDaemon(extra) (fatal when it does not start), and
  // admin_, the admin's CLI at admin-cli, not yet logged in.
  void Start(const std::vector<std::string>& extra = {});

  // Bootstrap, Start, and admin_ logs in: what a site has on its first day.
  // Failures are fatal.
  void StartWithAdmin();

  // SetUp, then StartWithAdmin: what a scenario's SetUp does first. Failures
  // are fatal; the caller returns on HasFatalFailure().
  void SetUpWithAdmin();

  // SetUp, Bootstrap, Start, and the admin logs in at admin-cli through
  // gRPC: *token is that session's token, for the test's own calls (admin_,
  // the CLI, stays logged out). Failures are fatal; the caller returns on
  // HasFatalFailure().
  void SetUpWithAdminToken(std::string* token);

  // The CLI at `workstation` (a name under pki/clients) of a person whose
  // session file is called `name`.
  std::unique_ptr<CliSession> Person(const std::string& workstation,
                                     const std::string& name);

  // admin_ creates `user_id` with `roles` ("qa,technician"); the user logs
  // in at `workstation` and sets `password`, and stays logged in there
  // (ProvisionUser). Their CLI, or the failing command's output.
  absl::StatusOr<std::unique_ptr<CliSession>> AddUser(
      const std::string& workstation, const std::string& user_id,
      const std::string& printed_name, const std::string& roles,
      const std::string& password);
  // The same for one of the cast (kTina ...).
  absl::StatusOr<std::unique_ptr<CliSession>> AddUser(const CastMember& who);

  // Runs a command that must succeed; its output.
  std::string Ok(const CliSession& who, const std::vector<std::string>& args,
                 const std::string& input = "");

  // The first column of the first row of `sql` as the database owner
  // reads it (-1, and a test failure, when the query fails).
  int64_t Count(const std::string& sql);

  TempDir sessions_;
  std::unique_ptr<testing::TestDatabase> db_;
  // Declared after db_: stopped before the database is dropped.
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<CliSession> admin_;
};

}  // namespace cellchain::e2e

#endif  // CELLCHAIN_TESTS_E2E_E2E_TEST_H_
