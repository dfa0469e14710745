// ServiceFixture: the set-up every service's PostgreSQL test needs — a
// fresh TestDatabase, a pool per service role, ledgers whose signing keys
// the database owner registered, the real identity service with users who
// hold roles and their own passwords (so that e-signatures are checked as in
// production), request contexts with fresh request ids, and a clock the test
// moves — plus the reads a test makes as the database owner (counts, an
// entity's audit history, every snapshot against its state reader).
//
// A service's test derives from it and builds its service in SetUp:
//
//   class CustodyTest : public testing::ServiceFixture {
//    protected:
//     void SetUp() override {
//       ServiceFixture::SetUp();
//       if (HasFatalFailure()) return;
//       StartIdentity(SigningIdentityOptions(), /*pool_size=*/2);
//       CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("custody"));
//       CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("custody"));
//       ...
//     }
//   };
//
// It links the identity service (cellchain_service_testing, not the light
// cellchain_testing) because every service's signatures are checked by it.
// Run through ctest (label pg), as TestDatabase explains.
//
// Thread-safety: as a GoogleTest fixture, its set-up and helpers belong to
// the test's main thread, except Ctx, Sig, Person and At (pure), TestClock
// and the services it made, which tests may call from several threads.
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_SERVICE_FIXTURE_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_SERVICE_FIXTURE_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cellchain/common/v1/common.pb.h"
#include "gtest/gtest.h"
#include "services/common/auth/principal.h"
#include "services/common/pg/params.h"
#include "services/common/pg/pool.h"
#include "services/common/testing/test_database.h"
#include "services/identity/identity.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::testing {

// The workstation every principal of a service test sits at.
inline constexpr char kTestWorkstation[] = "CN=lab-ws-01,O=cellchain dev";
// ada's, the administrator BootstrapAdmin makes.
inline constexpr char kAdminPassword[] = "correct horse battery";
// quinn's, the QA user MakeQa makes.
inline constexpr char kQaPassword[] = "quality first always";
// terry's, the user of two roles MakeTwoHats makes.
inline constexpr char kTwoHatsPassword[] = "both hats are one too many";
// What MakeUser creates a user with before they set their own.
inline constexpr char kTemporaryPassword[] = "temporary-Pa55word";

// A clock the test sets and moves; it stands still otherwise, so that what
// a service decides from the time is the same on every run.
// Thread-safety: safe to call concurrently.
class TestClock final : public ledger::Clock {
 public:
  // At a fixed instant (2027-01-15 08:00 UTC): the same on every run.
  TestClock() : TestClock(absl::FromUnixSeconds(1'800'000'000)) {}
  explicit TestClock(absl::Time start) : now_(start) {}
  absl::Time Now() override;
  void Set(absl::Time now);
  void Advance(absl::Duration d);

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

class ServiceFixture : public ::testing::Test {
 protected:
  ServiceFixture();

  // Creates db_. A subclass calls it first and returns on HasFatalFailure().
  void SetUp() override;

  // A request context with a fresh request id, as a client sends one.
  static common::v1::RequestContext Ctx(std::string reason = "");
  static common::v1::ESignature Sig(std::string_view password,
                                    common::v1::SignatureMeaning meaning);
  // A principal acting in `role` (its only one) at kTestWorkstation, printed
  // name "Person <user_id>": for callers identity need not know, whose
  // calls carry no signature.
  static auth::Principal Person(const std::string& user_id,
                                common::v1::Role role);
  static google::protobuf::Timestamp At(absl::Time t);

  // A pool of up to `size` connections, each opened when first needed, as
  // a fresh login role in cellchain_<service>, the role the service runs as.
  // Errors of TestDatabase::CreateServiceRole and pg::Pool::Create (a
  // connection that cannot be opened fails the call that needs it).
  absl::StatusOr<std::unique_ptr<pg::Pool>> ServicePool(
      std::string_view service, int size = 8);

  // A ledger signing as `service` with a fresh key, registered through the
  // database owner's connection as `cellchaind migrate --keyring` does (a
  // service role may not register keys). `clock` is not owned.
  // Errors of key generation, Ledger::Create and Ledger::RegisterKey.
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> ServiceLedger(
      std::string_view service, ledger::Clock* clock = ledger::RealClock());

  // What the services' tests run identity with: cheap scrypt (still scrypt)
  // and a deployment where one person may hold technician and qa, so that
  // segregation of duties must hold per signature.
  static identity::IdentityOptions SigningIdentityOptions();

  // Makes identity_pool_, identity_ledger_ and identity_. Fails the test
  // (fatally) when any part cannot be made.
  void StartIdentity(
      identity::IdentityOptions options = SigningIdentityOptions(),
      int pool_size = 8);

  // ada, the first administrator (kAdminPassword), as the console makes
  // her; StartIdentity first. Failures are test failures.
  void BootstrapAdmin();

  // A user ada created, who has set `password`; the principal acts in the
  // first of `roles` and holds them all. BootstrapAdmin first. Failures are
  // test failures.
  auth::Principal MakeUser(const std::string& user_id,
                           const std::string& printed_name,
                           const std::vector<common::v1::Role>& roles,
                           const std::string& password);

  // BootstrapAdmin, then quinn ("Quinn Q. Assurance"), QA, kQaPassword.
  auth::Principal MakeQa();

  // terry ("Terry Two-Hats"), who holds technician and qa (acting as
  // technician), kTwoHatsPassword: one person in both roles, whom
  // segregation of duties is about. BootstrapAdmin first.
  auth::Principal MakeTwoHats();

  // The database owner's connection (db_->conninfo()), opened at first use
  // and kept for the test, reconnected if the server closed it: the reads
  // below, ServiceLedger's key registration and
  // ExpectEverySnapshotMatchesItsRow share it rather than start a backend
  // each (20-30 ms of the server's CPU on the CI machine).
  // UNAVAILABLE: the server cannot be reached.
  absl::StatusOr<pg::Connection*> Owner();

  // The first column of the first row of `sql` as the database owner sees
  // it (-1, and a test failure, when the query fails).
  int64_t Count(const std::string& sql, pg::Params params = {});
  // How many audit records there are, of every service.
  int64_t Records();
  // The actions of the entity's audit records, oldest first.
  std::vector<std::string> Actions(const std::string& type,
                                   const std::string& id);

  // How History names a signature's meaning.
  enum class MeaningName {
    kShort,
    kProto
  };  // PERFORMED, SIGNATURE_MEANING_PERFORMED
  // The entity's audit records, oldest first, as "action by user_id", with
  // the signature's meaning appended when signed.
  std::vector<std::string> History(const std::string& type,
                                   const std::string& id,
                                   MeaningName meaning = MeaningName::kShort);

  // What QA's verification checks: the latest signed snapshot of every
  // entity `service` recorded equals, type and bytes, what registry_'s
  // state reader reads now. At least one record must exist.
  void ExpectEverySnapshotMatchesItsRow(std::string_view service);

  // Declared first, so dropped last: after every pool into it is closed
  // (a subclass's members, its services, go before these).
  std::unique_ptr<TestDatabase> db_;
  // Owner()'s; declared after db_, so closed before db_ is dropped.
  std::unique_ptr<pg::Connection> owner_;
  ledger::StateRegistry registry_;
  // Starts at the real time, so that it agrees with the ledgers on the real
  // clock until the test moves it.
  TestClock clock_;
  // Made by StartIdentity (identity's own test makes identity_ itself).
  std::unique_ptr<pg::Pool> identity_pool_;
  std::unique_ptr<ledger::Ledger> identity_ledger_;
  std::unique_ptr<identity::Identity> identity_;
};

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_SERVICE_FIXTURE_H_
