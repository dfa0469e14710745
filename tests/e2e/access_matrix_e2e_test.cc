// The role matrix over real mTLS against a real cellchaind: every RPC of
// every cellchain service linked here, called with no session and as a user
// of each role, gets exactly what its declared policy says — and every
// refusal is an audit record naming the workstation. Also the session rules
// a person notices: a disabled user's token stops working, and the same
// token from another workstation is refused.
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <map>
#include <thread>

#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/clinical/v1/clinical.grpc.pb.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/donor/v1/donor.grpc.pb.h"
#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "cellchain/labels/v1/labels.grpc.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "cellchain/system/v1/system.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/access_policy.h"
#include "services/common/crypto/crypto.h"
#include "services/common/grpc/client.h"
#include "services/common/status/status.h"
#include "tests/e2e/e2e_test.h"
#include "tests/e2e/every_rpc.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace idv1 = cellchain::identity::v1;


// Whether `policy` lets a user acting in `role` past the gate.
bool Allows(const auth::AccessPolicy& policy, auth::Role role);

class AccessMatrixTest : public E2eTest {
 protected:
  void SetUp() override { SetUpWithAdminToken(&admin_token_); }

  // Creates `user_id` with `roles` and sets their own password; returns it.
  std::string Provision(const std::string& user_id,
                        std::vector<auth::Role> roles);

  // Calls `method` with an empty request as `token` ("" for none) from
  // lab-ws-01, through a generic streaming call (the wire is the same for
  // unary and server-streaming RPCs). A call that yields a first response
  // got past the gate: it is cancelled there (a QA log verification need
  // not run to its end) and reported OK.
  grpc::Status Call(const std::string& method, const std::string& token);

  std::string admin_token_;
};

TEST_F(AccessMatrixTest, EveryRpcTimesEveryRoleGetsWhatItsPolicyDeclares) {
  std::vector<std::string> services = EveryService();
  ASSERT_GE(services.size(), 4u);
  // Every service cellchaind hosts is in the matrix.
  for (const char* hosted :
       {"cellchain.audit.v1.AuditService",
        "cellchain.clinical.v1.ClinicalService",
        "cellchain.custody.v1.CustodyService",
        "cellchain.donor.v1.DonorService", "cellchain.dose.v1.DoseService",
        "cellchain.identity.v1.AuthService", "cellchain.labels.v1.LabelService",
        "cellchain.manufacturing.v1.ManufacturingService",
        "cellchain.qc.v1.QcService", "cellchain.system.v1.SystemService"}) {
    EXPECT_THAT(services, ::testing::Contains(hosted));
  }
  auto table = auth::PolicyTable::ForServices(services);
  ASSERT_TRUE(table.ok()) << table.status();
  // Deny by default: no RPC may lack a policy.
  EXPECT_THAT(table->unprotected(), ::testing::IsEmpty());

  std::map<auth::Role, std::string> user_of;
  std::map<auth::Role, std::string> password_of;
  for (auth::Role role : auth::AllRoles()) {
    std::string user = "u." + auth::RoleName(role);
    std::replace(user.begin(), user.end(), '_', '-');
    user_of[role] = user;
    password_of[role] = Provision(user, {role});
  }
  // One session per role; Logout ends the session it is called with, so
  // it gets a fresh one.
  std::map<auth::Role, std::string> token_of;
  for (auth::Role role : auth::AllRoles()) {
    auto token = daemon_->Login("lab-ws-01", user_of[role], password_of[role]);
    ASSERT_TRUE(token.ok()) << token.status();
    token_of[role] = *token;
  }
  const std::string logout = "/cellchain.identity.v1.AuthService/Logout";
  int64_t denials_before =
      Count("SELECT count(*) FROM cellchain_identity.access_denials");
  int expected_denials = 0;
  int calls = 0;
  for (const std::string& method : table->methods()) {
    const auth::AccessPolicy* policy = table->Find(method);
    ASSERT_NE(policy, nullptr) << method;
    // No session at all.
    grpc::Status anonymous = Call(method, "");
    ++calls;
    if (policy->workstation_only()) {
      EXPECT_NE(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method << ": " << anonymous.error_message();
      EXPECT_NE(anonymous.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << method;
    } else {
      EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method;
      EXPECT_THAT(anonymous.error_message(), StartsWith("SESSION_REQUIRED"));
      ++expected_denials;
    }
    for (auth::Role role : auth::AllRoles()) {
      std::string token = token_of[role];
      if (method == logout) {
        auto fresh =
            daemon_->Login("lab-ws-01", user_of[role], password_of[role]);
        ASSERT_TRUE(fresh.ok()) << fresh.status();
        token = *fresh;
      }
      grpc::Status status = Call(method, token);
      ++calls;
      if (Allows(*policy, role)) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << method << " as " << auth::RoleName(role) << ": "
            << status.error_message();
        // Past the gate the call reaches its service: a service linked
        // here but not hosted by cellchaind would answer UNIMPLEMENTED.
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
            << method << " as " << auth::RoleName(role);
        EXPECT_THAT(status.error_message(),
                    ::testing::Not(StartsWith("ROLE_NOT_ALLOWED")))
            << method << " as " << auth::RoleName(role);
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << method << " as " << auth::RoleName(role);
        EXPECT_THAT(status.error_message(), StartsWith("ROLE_NOT_ALLOWED"))
            << method << " as " << auth::RoleName(role);
        ++expected_denials;
      }
    }
  }
  EXPECT_GT(expected_denials, 0);
  EXPECT_GE(calls, 7 * 20);
  // Every refusal is a row and a signed audit record with the workstation.
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_identity.access_denials") -
                denials_before,
            expected_denials);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_identity.access_denials d "
                  "JOIN cellchain_audit.records r ON r.entity_type = "
                  "'access_denial' AND r.entity_id = d.denial_id "
                  "WHERE d.workstation LIKE '%CN=lab-ws-01%'") -
                denials_before,
            expected_denials);
}

// gRPC shares one AuthContext among a connection's calls: a caller written
// there was read back by every later call of the connection (the first
// caller's user for all) and raced under concurrent calls (cellchaind
// crashed under tests/load). A client that keeps its connection — a
// gateway, the label station, a load generator — sends each person's calls
// on it; each call must be its own caller's.
TEST_F(AccessMatrixTest, EachCallOnOneConnectionIsItsOwnCallers) {
  std::string tina_password = Provision("tina", {auth::Role::ROLE_TECHNICIAN});
  std::string tom_password = Provision("tom", {auth::Role::ROLE_TECHNICIAN});
  auto tina = daemon_->Login("lab-ws-01", "tina", tina_password);
  auto tom = daemon_->Login("lab-ws-01", "tom", tom_password);
  ASSERT_TRUE(tina.ok()) << tina.status();
  ASSERT_TRUE(tom.ok()) << tom.status();
  std::shared_ptr<grpc::Channel> channel = daemon_->Channel("lab-ws-01");
  auto stub = idv1::AuthService::NewStub(channel);
  auto who_am_i = [&](const std::string& token) -> std::string {
    idv1::WhoAmIResponse who;
    grpc::Status status =
        stub->WhoAmI(SessionContext(token).get(), idv1::WhoAmIRequest(), &who);
    return status.ok() ? who.user().user_id() : status.error_message();
  };
  EXPECT_EQ(who_am_i(*tina), "tina");
  EXPECT_EQ(who_am_i(*tom), "tom");
  EXPECT_EQ(who_am_i(*tina), "tina");

  // Both at once, many times, on the one connection.
  constexpr int kThreads = 8;
  constexpr int kCalls = 40;
  std::atomic<int> right{0};
  std::vector<std::string> wrong(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string& token = t % 2 == 0 ? *tina : *tom;
      const std::string user = t % 2 == 0 ? "tina" : "tom";
      for (int i = 0; i < kCalls; ++i) {
        std::string got = who_am_i(token);
        if (got == user) {
          ++right;
        } else if (wrong[t].empty()) {
          wrong[t] = user + "'s call answered as: " + got;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(right.load(), kThreads * kCalls);
  for (const std::string& w : wrong) EXPECT_EQ(w, "");
  // And the server is still up.
  EXPECT_EQ(who_am_i(*tom), "tom");
}

TEST_F(AccessMatrixTest, TokensAreBoundToWorkstationAndEndWithTheAccount) {
  std::string password = Provision("tina", {auth::Role::ROLE_TECHNICIAN});
  auto token = daemon_->Login("lab-ws-01", "tina", password);
  ASSERT_TRUE(token.ok()) << token.status();
  const std::string whoami = "/cellchain.identity.v1.AuthService/WhoAmI";
  EXPECT_TRUE(Call(whoami, *token).ok());

  // The same token presented by another workstation.
  auto stub = idv1::AuthService::NewStub(daemon_->Channel("qa-ws-01"));
  idv1::WhoAmIResponse who;
  grpc::Status elsewhere =
      stub->WhoAmI(SessionContext(*token).get(), idv1::WhoAmIRequest(), &who);
  EXPECT_EQ(elsewhere.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(elsewhere.error_message(),
              StartsWith("SESSION_WORKSTATION_MISMATCH"));

  // The same token with a certificate of the same subject (CN=lab-ws-01)
  // but another key: a copied token on a machine given a reissued
  // certificate.
  auto rekeyed =
      idv1::AuthService::NewStub(daemon_->Channel("lab-ws-01-rekeyed"));
  grpc::Status copied = rekeyed->WhoAmI(SessionContext(*token).get(),
                                        idv1::WhoAmIRequest(), &who);
  EXPECT_EQ(copied.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(copied.error_message(),
              StartsWith("SESSION_CLIENT_KEY_MISMATCH"));
  // The real workstation keeps its session.
  EXPECT_TRUE(Call(whoami, *token).ok());

  // Disabled by an admin: the open session ends at once.
  auto admin = idv1::AuthService::NewStub(daemon_->Channel("admin-cli"));
  idv1::DisableUserRequest disable;
  disable.mutable_context()->set_request_id(crypto::RandomId("req"));
  disable.mutable_context()->set_reason("left the company");
  disable.set_user_id("tina");
  idv1::DisableUserResponse disabled;
  ASSERT_TRUE(
      admin->DisableUser(SessionContext(admin_token_).get(), disable, &disabled)
          .ok());
  grpc::Status after = Call(whoami, *token);
  EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto again = daemon_->Login("lab-ws-01", "tina", password);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(again.status()), "ACCOUNT_DISABLED");
}

TEST_F(AccessMatrixTest, AnExpiredSessionIsRefused) {
  // A second cellchaind on the same database whose sessions last 2 s.
  std::string error;
  std::unique_ptr<Daemon> brief = Daemon::Start(
      WithoutUser(db_->conninfo()), {"--session-lifetime=2s"}, &error);
  ASSERT_NE(brief, nullptr) << error;
  auto token = brief->Login("admin-cli", "admin", kAdminPassword);
  ASSERT_TRUE(token.ok()) << token.status();
  auto stub = idv1::AuthService::NewStub(brief->Channel("admin-cli"));
  idv1::WhoAmIResponse who;
  ASSERT_TRUE(
      stub->WhoAmI(SessionContext(*token).get(), idv1::WhoAmIRequest(), &who)
          .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  grpc::Status expired =
      stub->WhoAmI(SessionContext(*token).get(), idv1::WhoAmIRequest(), &who);
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(expired.error_message(), StartsWith("SESSION_EXPIRED"));
}

// The helpers declared above.

std::string AccessMatrixTest::Provision(const std::string& user_id,
                                        std::vector<auth::Role> roles) {
  std::string password = "own password of " + std::to_string(roles.size()) +
                         "-" + crypto::RandomId("p");
  absl::Status provisioned = ProvisionUser(
      *daemon_, admin_token_, user_id, "Person " + user_id, roles, password);
  EXPECT_TRUE(provisioned.ok()) << provisioned;
  return password;
}

grpc::Status AccessMatrixTest::Call(const std::string& method,
                                    const std::string& token) {
  // The empty message: every request's fields are optional on the wire.
  return CallGeneric(daemon_->Channel("lab-ws-01"), method, "", token);
}

bool Allows(const auth::AccessPolicy& policy, auth::Role role) {
  if (policy.workstation_only() || policy.any_user()) return true;
  for (int allowed : policy.roles()) {
    if (allowed == role) return true;
  }
  return false;
}

}  // namespace
}  // namespace cellchain::e2e
