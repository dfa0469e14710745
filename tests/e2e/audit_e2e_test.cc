// QA's audit trail end to end: records appended through the ledger by a
// service role, integrated by the sequencer inside a real cellchaind, then
// queried, proven, verified over mTLS with the cellchain CLI by a logged-in
// QA user, exported as a bundle and checked offline by cellchain-verify —
// and a row changed behind the application's back is found and named by
// both.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_split.h"
#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "services/common/grpc/client.h"
#include "services/common/pg/pool.h"
#include "services/ledger/append_testing.h"
#include "services/ledger/ledger.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
namespace v1 = cellchain::audit::v1;

constexpr char kQaPassword[] = "quality is never an accident";

class AuditTest : public E2eTest {
 protected:
  // A service role of donor's writes records (writer_) signed with the test
  // PKI's donor key, which the owner registered (ledger_).
  void SetUp() override;

  // cellchaind with a bootstrapped admin (logged in at admin-cli) and QA
  // user qa.quinn (logged in at qa-ws-01, as the CLI commands run).
  std::unique_ptr<Daemon> StartWithPeople();

  // Records in the log now: ours plus the identity service's (bootstrap,
  // logins, user changes).
  int64_t RecordCount() {
    return Count("SELECT count(*) FROM cellchain_audit.records");
  }

  // One audited change of `lot` in its own transaction. The entity type is
  // one no hosted service reads (a real one, such as donor_lot, would have
  // its current row checked against this synthetic snapshot).
  std::string Append(const std::string& lot, const std::string& action,
                     bool signature);

  // The CLI as Quinn (QA) at qa-ws-01.
  RunResult AsQa(const std::vector<std::string>& args) {
    return qa_->Run(args);
  }

  // Waits until a signed checkpoint covers `size` records.
  void AwaitCheckpoint(const Daemon& daemon, int64_t size);

  // An empty directory for an exported bundle, named after the database.
  std::string BundleDir(const std::string& name);

  std::unique_ptr<CliSession> qa_;
  std::unique_ptr<pg::Pool> writer_;
  std::unique_ptr<ledger::Ledger> ledger_;
  int appended_ = 0;
};

TEST_F(AuditTest, QaQueriesProvesVerifiesAndExportsTheTrail) {
  std::string first = Append("L01", "test_lot.receive", false);
  Append("L01", "test_lot.quarantine", false);
  std::string approved = Append("L01", "test_lot.release", true);
  Append("L02", "test_lot.receive", false);
  ASSERT_FALSE(HasFailure());

  auto daemon = StartWithPeople();
  ASSERT_NE(daemon, nullptr);
  ASSERT_FALSE(HasFailure());
  int64_t records = RecordCount();
  ASSERT_GE(records, 4);
  AwaitCheckpoint(*daemon, records);

  // Without a session, and in a role without the right, the trail is
  // closed: verifying it is QA's.
  RunResult anonymous =
      RunCommand(CliSession(*daemon, "qa-ws-01", sessions_.path() + "/nobody")
                     .Argv({"audit", "verify"}));
  EXPECT_EQ(anonymous.exit_code, 1) << anonymous.output;
  EXPECT_THAT(anonymous.output, HasSubstr("(reason: SESSION_REQUIRED)"));
  RunResult by_admin = admin_->Run({"audit", "verify"});
  EXPECT_EQ(by_admin.exit_code, 1) << by_admin.output;
  EXPECT_THAT(by_admin.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));

  RunResult query =
      AsQa({"audit", "query", "--entity-type=test_lot", "--entity-id=L01"});
  EXPECT_EQ(query.exit_code, 0) << query.output;
  EXPECT_THAT(query.output, HasSubstr("test_lot.release"));
  EXPECT_THAT(query.output, HasSubstr("signed APPROVED by Quinn Assurance"));
  EXPECT_THAT(query.output, HasSubstr("3 record(s)"));

  RunResult history =
      AsQa({"audit", "history", "--entity-type=test_lot", "--entity-id=L01"});
  EXPECT_EQ(history.exit_code, 0) << history.output;
  EXPECT_THAT(history.output, HasSubstr("chain intact"));

  RunResult proof = AsQa({"audit", "proof", "--record-id=" + approved});
  EXPECT_EQ(proof.exit_code, 0) << proof.output;
  EXPECT_THAT(proof.output, HasSubstr("verifies against the checkpoint"));

  // Logins and refusals are audited too: count what the log holds now.
  records = RecordCount();
  RunResult verify = AsQa({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_THAT(verify.output,
              HasSubstr("verified " + std::to_string(records) + " records"));
  EXPECT_THAT(verify.output, HasSubstr("0 finding(s)"));

  std::string bundle = BundleDir("bundle");
  RunResult exported =
      AsQa({"audit", "export", "--entity-type=test_lot", "--out=" + bundle});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  RunResult offline =
      RunCommand({BinDir() + "/cellchain-verify", "bundle", bundle});
  EXPECT_EQ(offline.exit_code, 0) << offline.output;

  // A row changed behind the application's back (triggers bypassed as only
  // a superuser can): the server and the offline verifier both name it.
  auto admin = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->Exec("SET session_replication_role = replica").ok());
  ASSERT_TRUE(admin
                  ->Exec("UPDATE cellchain_audit.records SET action = "
                         "'test_lot.discard' WHERE record_id = $1",
                         {first})
                  .ok());
  RunResult tampered = AsQa({"audit", "verify"});
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_THAT(tampered.output, HasSubstr(first));

  std::string bundle2 = BundleDir("bundle2");
  ASSERT_EQ(
      AsQa({"audit", "export", "--entity-type=test_lot", "--out=" + bundle2})
          .exit_code,
      0);
  RunResult offline2 =
      RunCommand({BinDir() + "/cellchain-verify", "bundle", bundle2});
  EXPECT_EQ(offline2.exit_code, 1) << offline2.output;
  EXPECT_THAT(offline2.output, HasSubstr(first));
  std::filesystem::remove_all(bundle);
  std::filesystem::remove_all(bundle2);
}

// The issue 23 attack: a superuser deletes the newest records with their log
// entries, tree nodes and checkpoints. The database then agrees with itself;
// QA's saved checkpoint and the CLI's memory of the log do not.
TEST_F(AuditTest,
       ATruncatedLogIsRefusedByTheClientAndFoundSinceASavedCheckpoint) {
  auto daemon = StartWithPeople();
  ASSERT_NE(daemon, nullptr);
  ASSERT_FALSE(HasFailure());
  const int64_t before = RecordCount();
  AwaitCheckpoint(*daemon, before);
  Append("L07", "test_lot.receive", false);
  Append("L07", "test_lot.release", true);
  AwaitCheckpoint(*daemon, before + 2);
  const std::string saved = BundleDir("kept-checkpoint");
  RunResult kept = AsQa({"audit", "checkpoint", "--save=" + saved});
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  EXPECT_THAT(kept.output, HasSubstr("saved to " + saved));
  // The memory beside Quinn's session file holds it too now.
  // The size Quinn's CLI remembers (beside her session file: "vkey ...",
  // then the note "<origin>\n<size>\n<root>\n..."); a checkpoint signed
  // after it does not count.
  std::ifstream memory_file(sessions_.path() + "/quinn.checkpoint");
  std::stringstream memory;
  memory << memory_file.rdbuf();
  std::vector<std::string> memory_lines = absl::StrSplit(memory.str(), '\n');
  ASSERT_GE(memory_lines.size(), 3u) << memory.str();
  const std::string size = memory_lines[2];
  // The insider stops the service (its sequencer signs what it integrated),
  // deletes, and starts it again: its sequencer then reads the shortened log
  // back as its own, and the database agrees with itself.
  ASSERT_EQ(daemon->SignalAndWait(SIGTERM, std::chrono::seconds(20)), 0);
  daemon.reset();
  {
    auto admin = pg::Connection::Open(db_->conninfo());
    ASSERT_TRUE(admin.ok());
    // Delete everything after the test lot's receipt... and every trace.
    ASSERT_TRUE(admin->Exec("SET session_replication_role = replica").ok());
    auto cut = admin->Exec(
        "SELECT log_index FROM cellchain_audit.log_entries e JOIN "
        "cellchain_audit.records r USING (record_id) WHERE r.entity_id = "
        "'L07' ORDER BY log_index LIMIT 1");
    ASSERT_TRUE(cut.ok() && cut->rows() == 1);
    int64_t keep = *cut->GetInt64(0, 0);
    for (const char* sql :
         {"DELETE FROM cellchain_audit.checkpoints WHERE tree_size > $1",
          "DELETE FROM cellchain_audit.tree_nodes WHERE (index + 1) * "
          "(1::bigint << level) > $1",
          "DELETE FROM cellchain_audit.records WHERE record_id IN (SELECT "
          "record_id FROM cellchain_audit.log_entries WHERE log_index >= $1)",
          "DELETE FROM cellchain_audit.log_entries WHERE log_index >= $1"}) {
      auto deleted = admin->Exec(sql, {keep});
      ASSERT_TRUE(deleted.ok()) << sql << ": " << deleted.status();
    }
  }
  std::string error;
  daemon = Daemon::Start(ServiceConninfo(), {}, &error);
  ASSERT_NE(daemon, nullptr) << error;
  qa_ = std::make_unique<CliSession>(*daemon, "qa-ws-01",
                                     sessions_.path() + "/quinn");

  // Quinn's next contact: the CLI remembers a larger log.
  RunResult query = AsQa({"audit", "query", "--entity-type=test_lot"});
  EXPECT_EQ(query.exit_code, 1) << query.output;
  EXPECT_THAT(query.output, HasSubstr("(reason: LOG_TRUNCATED)"));
  // Shorter than seen, or grown again past a checkpoint that is gone.
  const std::string& n = size;
  EXPECT_THAT(query.output,
              ::testing::AnyOf(HasSubstr("fewer than the " + n),
                               HasSubstr("checkpoint of " + n + " records")));
  // A new workstation user has no memory: the server's verification alone
  // finds nothing, and with the checkpoint QA kept it finds the deletion.
  CliSession fresh(*daemon, "qa-ws-01", sessions_.path() + "/quinn-fresh");
  ASSERT_EQ(fresh.Login("qa.quinn", kQaPassword).exit_code, 0);
  RunResult alone = fresh.Run({"audit", "verify"});
  EXPECT_EQ(alone.exit_code, 0) << alone.output;
  RunResult since = fresh.Run({"audit", "verify", "--since=" + saved});
  EXPECT_EQ(since.exit_code, 1) << since.output;
  EXPECT_THAT(since.output, HasSubstr("FINDING CHECKPOINT_ROOT"));
  std::filesystem::remove(saved);
}

TEST_F(AuditTest, ProofOfUnknownRecordIsNotFound) {
  auto daemon = StartWithPeople();
  ASSERT_NE(daemon, nullptr);
  RunResult proof = AsQa({"audit", "proof", "--record-id=rec_nope"});
  EXPECT_EQ(proof.exit_code, 1);
  EXPECT_THAT(proof.output, HasSubstr("NOT_FOUND"));
}

// The helpers declared above.

void AuditTest::SetUp() {
  E2eTest::SetUp();
  if (HasFatalFailure()) return;
  auto role = db_->CreateLoginRole("cellchain_donor");
  ASSERT_TRUE(role.ok()) << role.status();
  auto pool = pg::Pool::Create(
      {.name = "writer", .conninfo = db_->ConninfoAs(*role), .size = 2});
  ASSERT_TRUE(pool.ok()) << pool.status();
  writer_ = *std::move(pool);
  auto ledger = ledger::Ledger::FromPemFile(
      "donor", Pki() + "/signing/donor.key", ledger::RealClock());
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  ledger_ = *std::move(ledger);
  // As `cellchaind migrate --keyring` does: the owner registers the key.
  auto owner = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(owner.ok()) << owner.status();
  ASSERT_TRUE(ledger_->RegisterKey(*owner).ok());
}

std::unique_ptr<Daemon> AuditTest::StartWithPeople() {
  Bootstrap();
  std::unique_ptr<Daemon> daemon = StartDaemon();
  if (daemon == nullptr) return nullptr;
  admin_ = std::make_unique<CliSession>(*daemon, "admin-cli",
                                        sessions_.path() + "/admin");
  qa_ = std::make_unique<CliSession>(*daemon, "qa-ws-01",
                                     sessions_.path() + "/quinn");
  RunResult login = admin_->Login("admin", kAdminPassword);
  EXPECT_EQ(login.exit_code, 0) << login.output;
  absl::Status provisioned = ProvisionUser(*admin_, *qa_, "qa.quinn",
                                           "Quinn Quality", "qa", kQaPassword);
  EXPECT_TRUE(provisioned.ok()) << provisioned;
  return daemon;
}

std::string AuditTest::Append(const std::string& lot, const std::string& action,
                              bool signature) {
  google::protobuf::Struct state;
  (*state.mutable_fields())["status"].set_string_value(action);
  ledger::Event event;
  event.actor.set_user_id("u_tech1");
  event.actor.set_printed_name("Ana Technician");
  event.actor.set_role("technician");
  event.actor.set_workstation("CN=lab-ws-01,OU=workstation,O=cellchain-dev");
  event.action = action;
  event.entity_type = "test_lot";
  event.entity_id = lot;
  cellchain::audit::v1::Isbt128Identifier din;
  din.set_kind("din");
  din.set_value("A9999" + lot.substr(lot.size() - 2) + "12345600");
  event.isbt128.push_back(din);
  event.after_state = &state;
  event.request_id =
      "req-" + lot + "-" + std::to_string(++appended_) + "-000000000000";
  if (signature) {
    common::v1::SignatureManifestation m;
    m.set_user_id("u_qa1");
    m.set_printed_name("Quinn Assurance");
    m.set_meaning(common::v1::SIGNATURE_MEANING_APPROVED);
    m.mutable_signed_at()->set_seconds(1795000000);
    event.signature = m;
  }
  return ledger::testing::AppendCommitted(*writer_, *ledger_, event);
}

void AuditTest::AwaitCheckpoint(const Daemon& daemon, int64_t size) {
  auto stub = v1::AuditService::NewStub(daemon.Channel("qa-ws-01"));
  auto token = daemon.Login("qa-ws-01", "qa.quinn", kQaPassword);
  ASSERT_TRUE(token.ok()) << token.status();
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < give_up) {
    v1::GetCheckpointResponse response;
    auto context = SessionContext(*token);
    grpc::Status status = stub->GetCheckpoint(
        context.get(), v1::GetCheckpointRequest(), &response);
    if (status.ok() && response.checkpoint().tree_size() >= size) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "no checkpoint of size " << size << " within 20 s:\n"
         << daemon.Log();
}

std::string AuditTest::BundleDir(const std::string& name) {
  std::string dir =
      std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
      "/" + db_->name() + "-" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace
}  // namespace cellchain::e2e
