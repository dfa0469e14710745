// IdentityTest: the identity service itself over a real PostgreSQL, with a
// lockout after 3 failures, the first admin bootstrapped and logged in at
// the lab workstation, and what its tests check with: the principal the
// access gate would make of a token, users created the way an admin does
// it, and the stored rows and records read back as the database owner.
//
// For identity_pg_test only. Thread-safety: as ServiceFixture; identity_
// and PrincipalOf may be used from several threads.
#ifndef CELLCHAIN_SERVICES_IDENTITY_IDENTITY_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_IDENTITY_IDENTITY_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/testing/service_fixture.h"
#include "services/identity/identity.h"

namespace cellchain::identity {

inline constexpr const char* kLab = testing::kTestWorkstation;
inline constexpr char kQaDesk[] = "CN=qa-ws-01,O=cellchain dev";
inline constexpr const char* kTempPassword = testing::kTemporaryPassword;
inline constexpr char kTinaPassword[] = "first own secret phrase";

// A stand-in for the fingerprint of a workstation certificate's public key
// (grpcx::PeerKeyFingerprint): 64 hex characters, one per subject.
std::string KeyOf(std::string_view workstation);

class IdentityTest : public testing::ServiceFixture {
 protected:
  // identity_ uses pool_ and ledger_, which are this class's: it goes first.
  ~IdentityTest() override { identity_.reset(); }

  // A pool of 2 as identity's role (role_), its ledger, identity_ with
  // lockout_threshold 3, ada bootstrapped (admin_user_) and logged in at
  // kLab (admin_).
  void SetUp() override;

  // What the access gate would hand a handler for this token.
  absl::StatusOr<auth::Principal> PrincipalOf(const std::string& token,
                                              const std::string& workstation);

  // Logs `user_id` in at kLab with `password`: what the access gate would
  // hand a handler for the new session. As Identity::Login and PrincipalOf.
  absl::StatusOr<auth::Principal> LogInAtLab(const std::string& user_id,
                                             const std::string& password);

  // Creates a user with a temporary password, then sets their own.
  void CreateUser(const std::string& user_id, const std::string& name,
                  std::vector<common::v1::Role> roles,
                  const std::string& password);

  // Everything stored that could hold a secret, as one string.
  std::string EverythingStored();

  // How many audit records of the entity have `action`.
  int CountActions(const std::string& type, const std::string& id,
                   const std::string& action);

  // Refusals recorded for the attempted user id with `reason`, one by one
  // or as a count (call FlushRepeatedDenials() first for the counts of open
  // windows).
  int CountDenials(const std::string& attempted_user_id,
                   const std::string& reason);

  std::string role_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  v1::User admin_user_;
  auth::Principal admin_;
};

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_IDENTITY_TEST_FIXTURE_H_
