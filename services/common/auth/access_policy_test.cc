// The access policies as declared in the protos, and the gate's decision
// for each kind of caller, with a scripted session authority.
#include "services/common/auth/access_policy.h"

#include <map>

#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "cellchain/system/v1/system.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/access_gate.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::auth {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kVerifyLog[] = "/cellchain.audit.v1.AuditService/VerifyLog";
constexpr char kLogin[] = "/cellchain.identity.v1.AuthService/Login";
constexpr char kWhoAmI[] = "/cellchain.identity.v1.AuthService/WhoAmI";
constexpr char kCreateUser[] = "/cellchain.identity.v1.AuthService/CreateUser";

std::vector<std::string> OurServices() {
  // Referencing a message of each file links its generated code, which
  // registers the file's descriptors.
  return {cellchain::audit::v1::VerifyLogRequest::descriptor()
              ->file()->FindServiceByName("AuditService")->full_name(),
          cellchain::identity::v1::LoginRequest::descriptor()
              ->file()->FindServiceByName("AuthService")->full_name(),
          cellchain::system::v1::PingRequest::descriptor()
              ->file()->FindServiceByName("SystemService")->full_name()};
}

TEST(PolicyTableTest, EveryLinkedRpcDeclaresAWellFormedPolicy) {
  std::vector<std::string> ours = OurServices();
  std::vector<std::string> linked = PolicyTable::LinkedCellchainServices();
  for (const std::string& name : ours) {
    EXPECT_THAT(linked, Contains(name));
  }
  CC_ASSERT_OK_AND_ASSIGN(PolicyTable table, PolicyTable::ForServices(linked));
  EXPECT_THAT(table.unprotected(), IsEmpty());
  EXPECT_GE(table.methods().size(), 20u);
}

TEST(PolicyTableTest, UnknownServiceIsNotFound) {
  EXPECT_EQ(PolicyTable::ForServices({"cellchain.nope.v1.Nope"}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(PolicyTableTest, DeclaredRolesAreThoseOfTheProto) {
  CC_ASSERT_OK_AND_ASSIGN(PolicyTable table,
                          PolicyTable::ForServices(OurServices()));
  const AccessPolicy* verify = table.Find(kVerifyLog);
  ASSERT_NE(verify, nullptr);
  ASSERT_EQ(verify->roles_size(), 1);
  EXPECT_EQ(verify->roles(0), common::v1::ROLE_QA);
  ASSERT_NE(table.Find(kLogin), nullptr);
  EXPECT_TRUE(table.Find(kLogin)->workstation_only());
  EXPECT_EQ(table.Find("/cellchain.audit.v1.AuditService/Nope"), nullptr);
}

TEST(PolicyTest, MalformedPoliciesAreRefused) {
  AccessPolicy empty;
  EXPECT_EQ(ReasonOf(ValidatePolicy(empty, "/x/y")), "ACCESS_POLICY_MALFORMED");
  AccessPolicy both;
  both.set_workstation_only(true);
  both.add_roles(common::v1::ROLE_QA);
  EXPECT_EQ(ReasonOf(ValidatePolicy(both, "/x/y")), "ACCESS_POLICY_MALFORMED");
}

TEST(ActingRoleTest, FirstAllowedRoleInPolicyOrder) {
  AccessPolicy policy;
  policy.add_roles(common::v1::ROLE_QA);
  policy.add_roles(common::v1::ROLE_ADMIN);
  CC_ASSERT_OK_AND_ASSIGN(
      Role role, ActingRole(policy, "/m",
                            {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_ADMIN},
                            false));
  EXPECT_EQ(role, common::v1::ROLE_ADMIN);
  absl::StatusOr<Role> denied =
      ActingRole(policy, "/m", {common::v1::ROLE_TECHNICIAN}, false);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(denied.status()), kReasonRoleNotAllowed);
  EXPECT_THAT(denied.status().message(), HasSubstr("technician"));
}

TEST(ActingRoleTest, TemporaryPasswordOnlyReachesPasswordChange) {
  AccessPolicy policy;
  policy.set_any_user(true);
  EXPECT_EQ(ReasonOf(ActingRole(policy, "/m", {common::v1::ROLE_QA}, true)
                         .status()),
            kReasonPasswordChangeRequired);
  policy.set_before_password_change(true);
  CC_EXPECT_OK(ActingRole(policy, "/m", {common::v1::ROLE_QA}, true));
}

TEST(RolesTest, NamesRoundTrip) {
  for (Role role : AllRoles()) {
    CC_ASSERT_OK_AND_ASSIGN(Role parsed, ParseRole(RoleName(role)));
    EXPECT_EQ(parsed, role);
  }
  EXPECT_EQ(RoleName(common::v1::ROLE_QC_ANALYST), "qc_analyst");
  EXPECT_EQ(FieldOf(ParseRole("surgeon").status()), "role");
}

// Sessions by token; records every denial it is told about.
class ScriptedAuthority : public SessionAuthority {
 public:
  absl::StatusOr<Session> Authenticate(std::string_view token,
                                       std::string_view workstation,
                                       std::string_view client_key) override {
    auto it = sessions_.find(std::string(token));
    if (it == sessions_.end()) {
      return WithReason(absl::UnauthenticatedError("unknown session"),
                        "SESSION_INVALID");
    }
    last_workstation_ = std::string(workstation);
    last_client_key_ = std::string(client_key);
    return it->second;
  }
  void RecordDenial(const Denial& denial) override {
    denials_.push_back(denial);
  }

  std::map<std::string, Session> sessions_;
  std::vector<Denial> denials_;
  std::string last_workstation_;
  std::string last_client_key_;
};

class AccessGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    authority_.sessions_["tech-token"] =
        Session{"ses_1", "tina", "Tina Tech", {common::v1::ROLE_TECHNICIAN},
                false};
    authority_.sessions_["qa-token"] =
        Session{"ses_2", "quinn", "Quinn QA", {common::v1::ROLE_QA}, false};
    authority_.sessions_["new-token"] =
        Session{"ses_3", "nina", "Nina New", {common::v1::ROLE_ADMIN}, true};
    absl::StatusOr<PolicyTable> table = PolicyTable::ForServices(OurServices());
    ASSERT_TRUE(table.ok()) << table.status();
    gate_ = std::make_unique<AccessGate>(*std::move(table), &authority_);
  }

  ScriptedAuthority authority_;
  std::unique_ptr<AccessGate> gate_;
};

constexpr char kWorkstation[] = "CN=lab-ws-01,O=cellchain dev";
constexpr char kClientKey[] =
    "5f1d0c3e8a7b6d4c2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";

TEST_F(AccessGateTest, AllowedRoleBecomesThePrincipal) {
  CC_ASSERT_OK_AND_ASSIGN(
      Principal principal,
      gate_->Decide(kVerifyLog, kWorkstation, "Bearer qa-token", kClientKey));
  EXPECT_EQ(principal.user_id, "quinn");
  EXPECT_EQ(principal.printed_name, "Quinn QA");
  EXPECT_EQ(principal.acting_role, common::v1::ROLE_QA);
  EXPECT_EQ(principal.workstation, kWorkstation);
  EXPECT_EQ(authority_.last_workstation_, kWorkstation);
  EXPECT_EQ(authority_.last_client_key_, kClientKey);
  EXPECT_THAT(authority_.denials_, IsEmpty());
}

TEST_F(AccessGateTest, RoleNotAllowedIsDeniedAndRecorded) {
  absl::StatusOr<Principal> result =
      gate_->Decide(kVerifyLog, kWorkstation, "Bearer tech-token", kClientKey);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(authority_.denials_.size(), 1u);
  EXPECT_EQ(authority_.denials_[0].user_id, "tina");
  EXPECT_EQ(authority_.denials_[0].method, kVerifyLog);
  EXPECT_EQ(ReasonOf(authority_.denials_[0].status), kReasonRoleNotAllowed);
}

TEST_F(AccessGateTest, MissingOrUnknownTokenIsUnauthenticatedAndRecorded) {
  EXPECT_EQ(
      ReasonOf(gate_->Decide(kWhoAmI, kWorkstation, "", kClientKey).status()),
      kReasonSessionRequired);
  EXPECT_EQ(
      ReasonOf(
          gate_->Decide(kWhoAmI, kWorkstation, "Bearer ", kClientKey).status()),
      kReasonSessionRequired);
  EXPECT_EQ(
      ReasonOf(
          gate_->Decide(kWhoAmI, kWorkstation, "Basic qa-token", kClientKey)
              .status()),
      kReasonSessionRequired);
  absl::StatusOr<Principal> forged =
      gate_->Decide(kWhoAmI, kWorkstation, "Bearer forged", kClientKey);
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(forged.status()), "SESSION_INVALID");
  EXPECT_EQ(authority_.denials_.size(), 4u);
}

TEST_F(AccessGateTest, MethodWithoutPolicyIsRefusedToEveryone) {
  absl::StatusOr<Principal> result =
      gate_->Decide("/cellchain.audit.v1.AuditService/DropEverything",
                    kWorkstation, "Bearer qa-token", kClientKey);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(result.status()), kReasonNoAccessPolicy);
  EXPECT_EQ(authority_.denials_.size(), 1u);
}

TEST_F(AccessGateTest, WorkstationOnlyAndInfrastructureNeedNoSession) {
  CC_ASSERT_OK_AND_ASSIGN(Principal login,
                          gate_->Decide(kLogin, kWorkstation, "", kClientKey));
  EXPECT_TRUE(login.user_id.empty());
  CC_EXPECT_OK(gate_->Decide("/grpc.health.v1.Health/Check", kWorkstation, "",
                             kClientKey));
  EXPECT_THAT(authority_.denials_, IsEmpty());
}

TEST_F(AccessGateTest, CallWithoutClientCertificateIsRefused) {
  absl::StatusOr<Principal> result =
      gate_->Decide(kLogin, "", "Bearer qa-token", kClientKey);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(result.status()), "CLIENT_CERTIFICATE_REQUIRED");
  EXPECT_EQ(authority_.denials_.size(), 1u);
}

TEST_F(AccessGateTest, TemporaryPasswordMayOnlyChangeIt) {
  EXPECT_EQ(ReasonOf(gate_
                         ->Decide(kCreateUser, kWorkstation, "Bearer new-token",
                                  kClientKey)
                         .status()),
            kReasonPasswordChangeRequired);
  CC_EXPECT_OK(
      gate_->Decide(kWhoAmI, kWorkstation, "Bearer new-token", kClientKey));
}

}  // namespace
}  // namespace cellchain::auth
