#include "services/common/testing/service_fixture.h"

#include <google/protobuf/util/time_util.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::testing {

absl::Time TestClock::Now() {
  absl::MutexLock lock(&mu_);
  return now_;
}

void TestClock::Set(absl::Time now) {
  absl::MutexLock lock(&mu_);
  now_ = now;
}

void TestClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

ServiceFixture::ServiceFixture() : clock_(absl::Now()) {}

void ServiceFixture::SetUp() {
  CC_ASSERT_OK_AND_ASSIGN(db_, TestDatabase::Create());
}

common::v1::RequestContext ServiceFixture::Ctx(std::string reason) {
  common::v1::RequestContext context;
  context.set_request_id(crypto::RandomId("req"));
  context.set_reason(std::move(reason));
  return context;
}

common::v1::ESignature ServiceFixture::Sig(
    std::string_view password, common::v1::SignatureMeaning meaning) {
  common::v1::ESignature signature;
  signature.set_password(std::string(password));
  signature.set_meaning(meaning);
  return signature;
}

auth::Principal ServiceFixture::Person(const std::string& user_id,
                                       common::v1::Role role) {
  auth::Principal p;
  p.user_id = user_id;
  p.printed_name = "Person " + user_id;
  p.acting_role = role;
  p.roles = {role};
  p.workstation = kTestWorkstation;
  return p;
}

google::protobuf::Timestamp ServiceFixture::At(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

absl::StatusOr<std::unique_ptr<pg::Pool>> ServiceFixture::ServicePool(
    std::string_view service, int size) {
  CC_ASSIGN_OR_RETURN(std::string role, db_->CreateServiceRole(service));
  // Connections open on first use, not all `size` at once: a test runs
  // mostly on one thread and needs one or two of each pool's connections,
  // while a backend's start-up costs 20-30 ms of the server's CPU on the CI
  // machine — opened eagerly, the 25 of dose's fixture took about half a
  // second of each of its tests. A test that runs threads still gets up to
  // `size`.
  return pg::Pool::Create({.name = std::string(service),
                           .conninfo = db_->ConninfoAs(role),
                           .size = size,
                           .connect_eagerly = false});
}

absl::StatusOr<std::unique_ptr<ledger::Ledger>> ServiceFixture::ServiceLedger(
    std::string_view service, ledger::Clock* clock) {
  CC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                      crypto::Ed25519PrivateKey::Generate());
  CC_ASSIGN_OR_RETURN(
      std::unique_ptr<ledger::Ledger> ledger,
      ledger::Ledger::Create(std::string(service), std::move(key), clock));
  CC_ASSIGN_OR_RETURN(pg::Connection * owner, Owner());
  CC_RETURN_IF_ERROR(ledger->RegisterKey(*owner));
  return ledger;
}

identity::IdentityOptions ServiceFixture::SigningIdentityOptions() {
  identity::IdentityOptions options;
  options.scrypt.log2_n = 12;
  options.allow_technician_qa = true;
  return options;
}

void ServiceFixture::StartIdentity(identity::IdentityOptions options,
                                   int pool_size) {
  CC_ASSERT_OK_AND_ASSIGN(identity_pool_, ServicePool("identity", pool_size));
  CC_ASSERT_OK_AND_ASSIGN(identity_ledger_, ServiceLedger("identity"));
  identity_ = std::make_unique<identity::Identity>(
      identity_pool_.get(), identity_ledger_.get(), std::move(options));
}

void ServiceFixture::BootstrapAdmin() {
  ASSERT_NE(identity_, nullptr) << "StartIdentity first";
  CC_ASSERT_OK(identity_->BootstrapAdmin("ada", "Ada Admin", kAdminPassword,
                                         "console:test"));
}

auth::Principal ServiceFixture::MakeUser(
    const std::string& user_id, const std::string& printed_name,
    const std::vector<common::v1::Role>& roles, const std::string& password) {
  auth::Principal user = Person(user_id, roles.front());
  user.printed_name = printed_name;
  user.roles = roles;
  EXPECT_NE(identity_, nullptr) << "StartIdentity first";
  if (identity_ == nullptr) return user;
  auth::Principal ada = Person("ada", common::v1::ROLE_ADMIN);
  ada.printed_name = "Ada Admin";
  identity::v1::CreateUserRequest create;
  *create.mutable_context() = Ctx("new member of staff");
  create.set_user_id(user_id);
  create.set_printed_name(printed_name);
  for (common::v1::Role role : roles) create.add_roles(role);
  create.set_temporary_password(kTemporaryPassword);
  CC_EXPECT_OK(identity_->CreateUser(ada, create));
  identity::v1::ChangePasswordRequest change;
  *change.mutable_context() = Ctx();
  change.set_current_password(kTemporaryPassword);
  change.set_new_password(password);
  CC_EXPECT_OK(identity_->ChangePassword(user, change));
  return user;
}

auth::Principal ServiceFixture::MakeQa() {
  BootstrapAdmin();
  return MakeUser("quinn", "Quinn Q. Assurance", {common::v1::ROLE_QA},
                  kQaPassword);
}

auth::Principal ServiceFixture::MakeTwoHats() {
  return MakeUser("terry", "Terry Two-Hats",
                  {common::v1::ROLE_TECHNICIAN, common::v1::ROLE_QA},
                  kTwoHatsPassword);
}

absl::StatusOr<pg::Connection*> ServiceFixture::Owner() {
  if (owner_ == nullptr) {
    CC_ASSIGN_OR_RETURN(pg::Connection conn,
                        pg::Connection::Open(db_->conninfo()));
    owner_ = std::make_unique<pg::Connection>(std::move(conn));
  } else if (!owner_->IsAlive()) {
    CC_RETURN_IF_ERROR(owner_->Reset());
  }
  return owner_.get();
}

int64_t ServiceFixture::Count(const std::string& sql, pg::Params params) {
  auto conn = Owner();
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (!conn.ok()) return -1;
  auto r = (*conn)->Exec(sql, params);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r->GetInt64(0, 0) : -1;
}

int64_t ServiceFixture::Records() {
  return Count("SELECT count(*) FROM cellchain_audit.records");
}

std::vector<std::string> ServiceFixture::Actions(const std::string& type,
                                                 const std::string& id) {
  std::vector<std::string> actions;
  auto conn = Owner();
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (!conn.ok()) return actions;
  auto r = (*conn)->Exec(
      "SELECT action FROM cellchain_audit.records WHERE entity_type = $1 "
      "AND entity_id = $2 ORDER BY entity_seq",
      {type, id});
  EXPECT_TRUE(r.ok()) << r.status();
  for (int row = 0; r.ok() && row < r->rows(); ++row) {
    actions.push_back(*r->GetString(row, 0));
  }
  return actions;
}

std::vector<std::string> ServiceFixture::History(const std::string& type,
                                                 const std::string& id,
                                                 MeaningName meaning) {
  std::vector<std::string> out;
  auto conn = Owner();
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (!conn.ok()) return out;
  auto r = (*conn)->Exec(
      "SELECT record_bytes FROM cellchain_audit.records WHERE entity_type "
      "= $1 AND entity_id = $2 ORDER BY entity_seq",
      {type, id}, pg::ResultFormat::kBinary);
  EXPECT_TRUE(r.ok()) << r.status();
  constexpr std::string_view kPrefix = "SIGNATURE_MEANING_";
  for (int row = 0; r.ok() && row < r->rows(); ++row) {
    audit::v1::AuditRecord record;
    EXPECT_TRUE(record.ParseFromString(*r->GetBytes(row, 0)));
    std::string line =
        absl::StrCat(record.action(), " by ", record.actor().user_id());
    if (record.has_signature()) {
      std::string name =
          common::v1::SignatureMeaning_Name(record.signature().meaning());
      if (meaning == MeaningName::kShort) name = name.substr(kPrefix.size());
      absl::StrAppend(&line, " ", name);
    }
    out.push_back(line);
  }
  return out;
}

void ServiceFixture::ExpectEverySnapshotMatchesItsRow(
    std::string_view service) {
  auto conn = Owner();
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto r = (*conn)->Exec(
      "SELECT DISTINCT ON (entity_type, entity_id) entity_type, entity_id, "
      "record_bytes FROM cellchain_audit.records WHERE service = $1 "
      "ORDER BY entity_type, entity_id, entity_seq DESC",
      {std::string(service)}, pg::ResultFormat::kBinary);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GT(r->rows(), 0);
  for (int row = 0; row < r->rows(); ++row) {
    std::string type = *r->GetString(row, 0);
    std::string id = *r->GetString(row, 1);
    audit::v1::AuditRecord record;
    ASSERT_TRUE(record.ParseFromString(*r->GetBytes(row, 2)));
    auto state = registry_.ReadState(**conn, type, id);
    ASSERT_TRUE(state.ok()) << type << "/" << id << ": " << state.status();
    EXPECT_EQ(state->type_url, record.after_state().type_url())
        << type << "/" << id << " after " << record.action();
    EXPECT_EQ(state->bytes, record.after_state().value())
        << type << "/" << id << " after " << record.action();
  }
}

}  // namespace cellchain::testing
