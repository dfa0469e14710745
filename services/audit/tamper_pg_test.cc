// Tampering with the stored audit trail, each kind done the way an insider
// with database superuser rights would (triggers bypassed), must be found by
// the server-side verification QA runs (VerifyStoredLog, the same code as
// AuditService.VerifyLog) and named: which check, which record or entity.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "services/audit/checkpoint_keys.h"
#include "services/audit/record_store.h"
#include "services/common/pg/pool.h"
#include "services/common/status/status.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/append_testing.h"
#include "services/ledger/keyring.h"
#include "services/ledger/ledger.h"
#include "services/ledger/sequencer.h"

namespace cellchain::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int kWidgets = 3;
constexpr int kChangesPerWidget = 4;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto admin = pg::Connection::Open(db_->conninfo());
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = std::make_unique<pg::Connection>(*std::move(admin));
    auto role = db_->CreateServiceRole("widgets");
    ASSERT_TRUE(role.ok()) << role.status();
    ASSERT_TRUE(
        admin_
            ->ExecScript("CREATE TABLE public.test_widgets (id text PRIMARY "
                         "KEY, name text NOT NULL);"
                         "GRANT SELECT, INSERT, UPDATE ON public.test_widgets "
                         "TO " +
                         *role +
                         ";"
                         // State readers run as the audit service's role.
                         "GRANT SELECT ON public.test_widgets TO "
                         "cellchain_audit")
            .ok());
    auto pool = pg::Pool::Create(
        {.name = "widgets", .conninfo = db_->ConninfoAs(*role), .size = 2});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    auto key = crypto::Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    auto ledger =
        ledger::Ledger::Create("widgets", *std::move(key), ledger::RealClock());
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = *std::move(ledger);
    // The owner registers the service's key; QA's keyring lists it.
    ASSERT_TRUE(ledger_->RegisterKey(*admin_).ok());
    // QA's keyring: the deployment's (the test PKI's, registered in the
    // template) and the widgets service's.
    const char* pki = std::getenv("CELLCHAIN_TEST_PKI");
    ASSERT_NE(pki, nullptr) << "run through ctest";
    std::ifstream pki_keyring(std::string(pki) + "/signing/keyring");
    std::stringstream text;
    text << pki_keyring.rdbuf();
    auto keyring = ledger::Keyring::Parse(
        text.str() + "\n" +
        ledger::KeyringLine("widgets", ledger_->public_key().Raw()));
    ASSERT_TRUE(keyring.ok()) << keyring.status();
    keyring_ = *std::move(keyring);
    service_role_ = *role;
    ASSERT_TRUE(registry_
                    .Register(
                        "widget", "google.protobuf.Struct",
                        [](pg::Connection& c, const std::string& id)
                            -> absl::StatusOr<std::string> {
                          auto row = c.Exec(
                              "SELECT name FROM public.test_widgets "
                              "WHERE id = $1",
                              {id});
                          if (!row.ok()) return row.status();
                          if (row->rows() == 0) {
                            return absl::NotFoundError(id);
                          }
                          auto name = row->GetString(0, 0);
                          if (!name.ok()) return name.status();
                          return ledger::SerializeDeterministic(State(*name));
                        },
                        ledger::IdsFrom("SELECT id FROM public.test_widgets"))
                    .ok());
    for (int change = 0; change < kChangesPerWidget; ++change) {
      for (int w = 0; w < kWidgets; ++w) {
        record_ids_.push_back(
            Change("W" + std::to_string(w), "name " + std::to_string(change)));
      }
    }
    auto sequencer_key = crypto::Ed25519PrivateKey::Generate();
    ASSERT_TRUE(sequencer_key.ok());
    auto pem = sequencer_key->ToPem();
    ASSERT_TRUE(pem.ok());
    sequencer_key_pem_ = *pem;
    std::vector<crypto::Ed25519PrivateKey> keys;
    keys.push_back(*std::move(sequencer_key));
    StartSequencer(std::move(keys));
  }

  // Replaces the sequencer by one signing with `keys` and integrates.
  void StartSequencer(std::vector<crypto::Ed25519PrivateKey> keys) {
    if (sequencer_ != nullptr) sequencer_->Stop();
    ledger::SequencerOptions options;
    options.conninfo = db_->ConninfoAs("cellchain_audit");
    options.keyring = keyring_;
    auto sequencer =
        ledger::Sequencer::Create(std::move(options), std::move(keys));
    ASSERT_TRUE(sequencer.ok()) << sequencer.status();
    sequencer_ = *std::move(sequencer);
    Integrate();
  }

  void TearDown() override {
    if (sequencer_ != nullptr) sequencer_->Stop();
  }

  static google::protobuf::Struct State(const std::string& name) {
    google::protobuf::Struct state;
    (*state.mutable_fields())["name"].set_string_value(name);
    return state;
  }

  // Renames (or creates) widget `id` and records it, in one transaction.
  std::string Change(const std::string& id, const std::string& name) {
    google::protobuf::Struct state = State(name);
    ledger::Event event;
    event.actor.set_user_id("u_tech1");
    event.actor.set_printed_name("Ana Technician");
    event.actor.set_role("technician");
    event.action = "widget.rename";
    event.entity_type = "widget";
    event.entity_id = id;
    event.after_state = &state;
    event.request_id =
        "req_" + id + "_" + std::to_string(++changes_) + "_0000000000000";
    return ledger::testing::AppendCommitted(
        *pool_, *ledger_, event, [&](pg::Transaction& tx) {
          return tx
              .Exec(
                  "INSERT INTO public.test_widgets VALUES ($1, $2) "
                  "ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                  {id, name})
              .status();
        });
  }

  // Runs the sequencer until every committed record is in a checkpoint.
  void Integrate() {
    sequencer_->Start();
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < give_up) {
      auto pending =
          admin_->Exec("SELECT count(*) FROM cellchain_audit.pending");
      ASSERT_TRUE(pending.ok());
      ledger::SequencerState state = sequencer_->state();
      // Held records (a registered key the keyring lacks) stay pending.
      if (*pending->GetInt64(0, 0) == state.records_held &&
          state.last_checkpoint.has_value() &&
          state.last_checkpoint->tree_size == state.tree_size &&
          state.tree_size > 0) {
        sequencer_->Stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "sequencer did not integrate within 20 s";
  }

  // As the audit service does it: role cellchain_audit.
  // `known`: checkpoint notes QA kept outside the database.
  std::vector<ledger::Finding> Verify(
      const std::vector<std::string>& known = {}) {
    return VerifyWith(sequencer_->verifiers(), known);
  }
  // The same, trusting the checkpoint keys `verifiers`.
  std::vector<ledger::Finding> VerifyWith(
      const std::vector<ledger::NoteVerifier>& verifiers,
      const std::vector<std::string>& known = {}) {
    auto connection = pg::Connection::Open(db_->ConninfoAs("cellchain_audit"));
    EXPECT_TRUE(connection.ok()) << connection.status();
    if (!connection.ok()) return {};
    auto verification = VerifyStoredLog(
        *connection, registry_, ledger::kDefaultCheckpointOrigin, verifiers,
        &keyring_, 1000000, {}, known);
    EXPECT_TRUE(verification.ok()) << verification.status();
    return verification.ok() ? verification->findings
                             : std::vector<ledger::Finding>{};
  }

  // As an insider with superuser rights: the append-only triggers off.
  void Tamper(const std::string& sql, const pg::Params& params = {}) {
    ASSERT_TRUE(admin_->Exec("SET session_replication_role = replica").ok());
    auto result = admin_->Exec(sql, params);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(admin_->Exec("SET session_replication_role = origin").ok());
  }

  // True if some finding of `check` names `record_id` (or, with an empty
  // record id, the entity).
  static bool Names(const std::vector<ledger::Finding>& findings,
                    std::string_view check, const std::string& record_id,
                    const std::string& entity_id = "") {
    for (const ledger::Finding& f : findings) {
      if (ledger::CheckName(f.check) != check) continue;
      if (!record_id.empty() && f.record_id == record_id) return true;
      if (record_id.empty() && f.entity_id == entity_id) return true;
    }
    return false;
  }

  // A forged record: a copy of the log's third record under a new id and
  // entity, with a signature nobody made, written straight into the table.
  void Forge(const std::string& record_id) {
    ASSERT_TRUE(
        admin_
            ->ExecScript("CREATE TEMP TABLE forged AS SELECT * FROM "
                         "cellchain_audit.records WHERE record_id = (SELECT "
                         "record_id FROM cellchain_audit.log_entries WHERE "
                         "log_index = 2)")
            .ok());
    ASSERT_TRUE(admin_
                    ->Exec("UPDATE forged SET record_id = $1, entity_id = "
                           "'W_forged', signature = $2",
                           {record_id, pg::Param::Bytes(std::string(64, '\0'))})
                    .ok());
    Tamper("INSERT INTO cellchain_audit.records SELECT * FROM forged");
    ASSERT_TRUE(admin_->ExecScript("DROP TABLE forged").ok());
  }

  static std::string Describe(const std::vector<ledger::Finding>& findings) {
    std::string text;
    for (const ledger::Finding& f : findings) {
      text += ledger::FormatFinding(f) + "\n";
    }
    return text;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<pg::Connection> admin_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<ledger::Sequencer> sequencer_;
  std::string sequencer_key_pem_;  // the first sequencer's key
  ledger::Keyring keyring_;  // QA's: the widgets service's key
  std::string service_role_;
  ledger::StateRegistry registry_;
  std::vector<std::string> record_ids_;
  int changes_ = 0;
};

TEST_F(TamperTest, UntouchedTrailVerifiesClean) {
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_THAT(findings, IsEmpty()) << Describe(findings);
}

TEST_F(TamperTest, ChangedRecordBytesAreFound) {
  const std::string& victim = record_ids_[4];
  // One bit of byte 30 flipped: always a change (writing a fixed byte
  // changed nothing when the record's random id already held it there).
  Tamper(
      "UPDATE cellchain_audit.records SET record_bytes = "
      "set_byte(record_bytes, 29, get_byte(record_bytes, 29) # 1) "
      "WHERE record_id = $1",
      {victim});
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "SIGNATURE", victim) ||
              Names(findings, "LEAF_HASH", victim))
      << Describe(findings);
}

TEST_F(TamperTest, ChangedIndexedColumnIsFound) {
  const std::string& victim = record_ids_[5];
  Tamper(
      "UPDATE cellchain_audit.records SET actor_user_id = 'u_someone' "
      "WHERE record_id = $1",
      {victim});
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "COLUMNS", victim)) << Describe(findings);
}

TEST_F(TamperTest, ChangedSignatureIsFound) {
  const std::string& victim = record_ids_[6];
  Tamper(
      "UPDATE cellchain_audit.records SET signature = "
      "overlay(signature PLACING '\\x00'::bytea FROM 1 FOR 1) "
      "WHERE record_id = $1",
      {victim});
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "SIGNATURE", victim)) << Describe(findings);
}

TEST_F(TamperTest, DeletedRecordIsFound) {
  // W1's second change; W1's third change now links to a record that is gone.
  const std::string& victim = record_ids_[kWidgets + 1];
  const std::string& successor = record_ids_[2 * kWidgets + 1];
  Tamper("DELETE FROM cellchain_audit.log_entries WHERE record_id = $1",
         {victim});
  Tamper("DELETE FROM cellchain_audit.records WHERE record_id = $1", {victim});
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "ENTITY_CHAIN", successor)) << Describe(findings);
  bool gap = false;
  for (const ledger::Finding& f : findings) {
    gap |= ledger::CheckName(f.check) == "LOG_INDEX";
  }
  EXPECT_TRUE(gap) << Describe(findings);
}

TEST_F(TamperTest, SwappedRecordsAreFound) {
  const std::string& a = record_ids_[1];
  const std::string& b = record_ids_[7];
  // Swap their log positions through a free index (uniqueness is checked
  // row by row).
  auto index_of = [&](const std::string& id) {
    auto row = admin_->Exec(
        "SELECT log_index FROM cellchain_audit.log_entries "
        "WHERE record_id = $1",
        {id});
    EXPECT_TRUE(row.ok());
    return *row->GetInt64(0, 0);
  };
  int64_t index_a = index_of(a);
  int64_t index_b = index_of(b);
  const char* kMove =
      "UPDATE cellchain_audit.log_entries SET log_index = $2 "
      "WHERE record_id = $1";
  Tamper(kMove, {a, int64_t{1} << 40});
  Tamper(kMove, {b, index_a});
  Tamper(kMove, {a, index_b});
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_FALSE(findings.empty());
  bool named = false;
  for (const ledger::Finding& f : findings) {
    named |= f.record_id == a || f.record_id == b;
  }
  EXPECT_TRUE(named) << Describe(findings);
}

TEST_F(TamperTest, AlteredCheckpointIsFound) {
  Tamper(
      "UPDATE cellchain_audit.checkpoints SET note = "
      "regexp_replace(note, E'\\n([0-9]+)\\n', E'\\n999\\n') "
      "WHERE tree_size = (SELECT max(tree_size) FROM "
      "cellchain_audit.checkpoints)");
  std::vector<ledger::Finding> findings = Verify();
  bool found = false;
  for (const ledger::Finding& f : findings) {
    found |= ledger::CheckName(f.check) == "CHECKPOINT_SIGNATURE";
  }
  EXPECT_TRUE(found) << Describe(findings);
}

TEST_F(TamperTest, RecordInsertedBySqlWithoutTheLedgerIsRefusedAndFound) {
  // Queued too, so that the sequencer would integrate it like any other:
  // its signature was made by nobody, so it never enters the log.
  Forge("rec_forged");
  Tamper(
      "INSERT INTO cellchain_audit.pending (record_id, leaf_hash) "
      "SELECT record_id, leaf_hash FROM cellchain_audit.records "
      "WHERE record_id = 'rec_forged'");
  Integrate();
  EXPECT_EQ(sequencer_->state().records_refused, 1);
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "LOG_INDEX", "rec_forged")) << Describe(findings);
  EXPECT_THAT(Describe(findings),
              HasSubstr("refused by the sequencer and is not in the log: the "
                        "signature does not verify"));
}

// The issue 23 attack: an insider registers an Ed25519 key of their own in
// the database and writes a record with it that names a QA user and an
// APPROVED signature, correctly chained to the entity's previous record.
// Its key is registered, so the sequencer cannot tell it from a rotated key
// its keyring does not list yet (issue 26): the record is held, pending and
// never in the log, and the key is named both by the sequencer's alert and
// by verification.
TEST_F(TamperTest, ARecordSignedByARogueKeyInTheDatabaseIsHeldAndFound) {
  auto rogue_key = crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(rogue_key.ok());
  auto rogue = ledger::Ledger::Create("widgets", *std::move(rogue_key),
                                      ledger::RealClock());
  ASSERT_TRUE(rogue.ok()) << rogue.status();
  ASSERT_TRUE((*rogue)->RegisterKey(*admin_).ok());
  google::protobuf::Struct state = State("approved by QA");
  ledger::Event event;
  event.actor.set_user_id("u_qa1");
  event.actor.set_printed_name("Quinn Quality");
  event.actor.set_role("qa");
  event.action = "widget.approve";
  event.entity_type = "widget";
  event.entity_id = "W1";
  event.after_state = &state;
  event.request_id = "req_rogue_approval_000000";
  cellchain::common::v1::SignatureManifestation signature;
  signature.set_user_id("u_qa1");
  signature.set_printed_name("Quinn Quality");
  signature.set_meaning(cellchain::common::v1::SIGNATURE_MEANING_APPROVED);
  event.signature = signature;
  std::string forged_id;
  {
    auto tx = pg::Transaction::Begin(*admin_);
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_TRUE(tx->Exec("UPDATE public.test_widgets SET name = "
                         "'approved by QA' WHERE id = 'W1'")
                    .ok());
    auto appended = (*rogue)->Append(*tx, event);
    ASSERT_TRUE(appended.ok()) << appended.status();
    ASSERT_TRUE(tx->Commit().ok());
    forged_id = appended->record_id;
  }
  Integrate();

  ledger::SequencerState after = sequencer_->state();
  EXPECT_EQ(after.records_refused, 0);
  EXPECT_EQ(after.records_held, 1);
  EXPECT_THAT(after.held_key_ids, ::testing::ElementsAre((*rogue)->key_id()));
  auto logged = admin_->Exec(
      "SELECT count(*) FROM cellchain_audit.log_entries WHERE record_id = $1",
      {forged_id});
  ASSERT_TRUE(logged.ok()) << logged.status();
  EXPECT_EQ(*logged->GetInt64(0, 0), 0);
  std::vector<ledger::Finding> findings = Verify();
  // The key, and the row that now says what only the held record says.
  EXPECT_THAT(Describe(findings),
              HasSubstr(absl::StrCat("key ", (*rogue)->key_id(),
                                     " of service \"widgets\" is not in "
                                     "the trusted keyring")));
}

// The same insider borrowing the service's own role (SET ROLE): the role may
// insert its service's records, but without the service's private key the
// signature is not one a trusted key made.
TEST_F(TamperTest, ARecordWrittenWithTheServicesRoleButNotItsKeyIsRefused) {
  auto as_service = pg::Connection::Open(db_->ConninfoAs(service_role_));
  ASSERT_TRUE(as_service.ok()) << as_service.status();
  auto copied = as_service->Exec(
      "WITH src AS (SELECT * FROM cellchain_audit.records r "
      "  WHERE r.record_id = $1), "
      "ins AS (INSERT INTO cellchain_audit.records "
      "  SELECT 'rec_role_forged', service, key_id, recorded_at, "
      "  entity_type, 'W_role', 1, actor_user_id, action, din, request_id, "
      "  record_bytes, $2, leaf_hash, NULL FROM src RETURNING record_id, "
      "  leaf_hash) "
      "INSERT INTO cellchain_audit.pending (record_id, leaf_hash) "
      "SELECT record_id, leaf_hash FROM ins",
      {record_ids_[0], pg::Param::Bytes(std::string(64, '\x07'))});
  ASSERT_TRUE(copied.ok()) << copied.status();
  Integrate();

  EXPECT_EQ(sequencer_->state().records_refused, 1);
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "LOG_INDEX", "rec_role_forged"))
      << Describe(findings);
  // A record of another service is refused by the database outright.
  auto other = as_service->Exec(
      "INSERT INTO cellchain_audit.records SELECT 'rec_other', 'custody', "
      "key_id, recorded_at, entity_type, 'W_other', 1, actor_user_id, "
      "action, din, request_id, record_bytes, signature, leaf_hash, NULL "
      "FROM cellchain_audit.records WHERE record_id = $1",
      {record_ids_[0]});
  EXPECT_FALSE(other.ok());
  EXPECT_THAT(std::string(other.status().message()),
              HasSubstr("may not insert records of service custody"));
}

TEST_F(TamperTest, RecordInsertedOutsideTheLogIsFound) {
  Forge("rec_hidden");
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "LOG_INDEX", "rec_hidden")) << Describe(findings);
}

// The issue 23 attack: a superuser deletes the newest records with their log
// entries, tree nodes and checkpoints (and the row they described). The
// database then agrees with itself; only a checkpoint kept outside it shows
// what was there.
TEST_F(TamperTest, ATruncatedLogIsFoundAgainstACheckpointKeptOutside) {
  for (int i = 0; i < 3; ++i) Change("W_new", "new " + std::to_string(i));
  Integrate();
  ASSERT_TRUE(sequencer_->state().last_checkpoint.has_value());
  const std::string kept = sequencer_->state().last_checkpoint->note;
  const int64_t after = static_cast<int64_t>(sequencer_->state().tree_size) - 3;
  Tamper("DELETE FROM cellchain_audit.checkpoints WHERE tree_size > $1",
         {after});
  Tamper(
      "DELETE FROM cellchain_audit.tree_nodes "
      "WHERE (index + 1) * (1::bigint << level) > $1",
      {after});
  Tamper("DELETE FROM cellchain_audit.log_entries WHERE log_index >= $1",
         {after});
  Tamper("DELETE FROM cellchain_audit.records WHERE entity_id = 'W_new'");
  ASSERT_TRUE(
      admin_->Exec("DELETE FROM public.test_widgets WHERE id = 'W_new'").ok());

  std::vector<ledger::Finding> alone = Verify();
  EXPECT_THAT(alone, IsEmpty()) << Describe(alone);
  std::vector<ledger::Finding> findings = Verify({kept});
  EXPECT_THAT(Describe(findings),
              HasSubstr(absl::StrCat("CHECKPOINT_ROOT checkpoint ", after + 3,
                                     ": the checkpoint covers ", after + 3,
                                     " records but the log holds ", after,
                                     ": records were deleted")));
}

// The issue 23 finding: a malformed signing_keys row broke export until a
// superuser removed it. It is a finding now; everything else still checks.
TEST_F(TamperTest, AMalformedKeyRowIsAFindingNotAnOutage) {
  Tamper(
      "ALTER TABLE cellchain_audit.signing_keys "
      "DROP CONSTRAINT signing_keys_key_id_form");
  Tamper(
      "INSERT INTO cellchain_audit.signing_keys (key_id, service, "
      "public_key, valid_from) VALUES ('not a key id', 'widgets', "
      "decode(repeat('ab', 32), 'hex'), now())");
  std::vector<ledger::Finding> findings = Verify();
  ASSERT_EQ(findings.size(), 1u) << Describe(findings);
  EXPECT_EQ(ledger::CheckName(findings[0].check), "KEY_VALIDITY");
  EXPECT_THAT(findings[0].message,
              HasSubstr("a signing key row cannot be read: key id \"not a "
                        "key id\" is not <service>:<16 hex>"));
  auto connection = pg::Connection::Open(db_->ConninfoAs("cellchain_audit"));
  ASSERT_TRUE(connection.ok());
  auto keys = LoadKeys(*connection);  // what export streams
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->unreadable.size(), 1u);
}

// The issue 23 attack: a row inserted by SQL with no audit record at all
// (a dose bag nobody made) must not be invisible.
TEST_F(TamperTest, ARowWithoutAnyRecordIsFound) {
  ASSERT_TRUE(admin_
                  ->Exec("INSERT INTO public.test_widgets VALUES ('W_fake', "
                         "'made by SQL')")
                  .ok());
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "CURRENT_STATE", "", "W_fake"))
      << Describe(findings);
  EXPECT_THAT(Describe(findings), HasSubstr("W_fake"));
}

TEST_F(TamperTest, ARowDeletedBehindTheApplicationsBackIsFound) {
  ASSERT_TRUE(
      admin_->Exec("DELETE FROM public.test_widgets WHERE id = 'W1'").ok());
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "CURRENT_STATE", "", "W1")) << Describe(findings);
}

TEST_F(TamperTest, RowChangedBehindTheApplicationsBackIsFound) {
  ASSERT_TRUE(admin_
                  ->Exec("UPDATE public.test_widgets SET name = 'forged' "
                         "WHERE id = 'W2'")
                  .ok());
  std::vector<ledger::Finding> findings = Verify();
  EXPECT_TRUE(Names(findings, "CURRENT_STATE", "", "W2")) << Describe(findings);
}

// Rotating the checkpoint key the way docs/operations.md says (decision
// 0021), with the signing-key directory cellchaind reads: first the next key
// beside the current one (every checkpoint signed by both), then the old one
// retired. Every checkpoint of the log, and one QA saved before the
// rotation, still verifies with the keys the directory lists; a server that
// trusted only the new key would report the old checkpoints.
TEST_F(TamperTest, ACheckpointKeyRotationKeepsEveryCheckpointVerifying) {
  const std::string dir = ::testing::TempDir() + "/checkpoint_keys_" +
                          std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
  };
  auto write_pair = [&](const std::string& stem,
                        const crypto::Ed25519PrivateKey& key) {
    write(stem + ".key", *key.ToPem());
    write(stem + ".pub", *key.PublicKeyPem());
  };
  auto old_key = crypto::Ed25519PrivateKey::FromPem(sequencer_key_pem_);
  ASSERT_TRUE(old_key.ok());
  write_pair("sequencer", *old_key);
  const ledger::NoteVerifier old_verifier = sequencer_->verifier();
  ASSERT_TRUE(sequencer_->state().last_checkpoint.has_value());
  const std::string saved = sequencer_->state().last_checkpoint->note;
  const std::string origin = ledger::kDefaultCheckpointOrigin;
  auto start_from_dir = [&] {
    auto keys = ReadCheckpointSigningKeys(dir);
    ASSERT_TRUE(keys.ok()) << keys.status();
    StartSequencer(*std::move(keys));
  };
  auto latest_verifies_with = [&](const ledger::NoteVerifier& verifier) {
    std::vector<ledger::NoteVerifier> only = {verifier};
    return ledger::VerifyCheckpoint(sequencer_->state().last_checkpoint->note,
                                    origin, only)
        .status();
  };

  // 1. The next key beside the current one: both sign.
  auto new_key = crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(new_key.ok());
  write_pair("sequencer.next", *new_key);
  auto new_verifier = ledger::NoteVerifier::Create(origin,
                                                   new_key->public_key());
  ASSERT_TRUE(new_verifier.ok());
  Change("W0", "during the rotation");
  start_from_dir();
  EXPECT_TRUE(latest_verifies_with(old_verifier).ok());
  EXPECT_TRUE(latest_verifies_with(*new_verifier).ok());
  auto transition = ReadCheckpointKeys(dir, origin);
  ASSERT_TRUE(transition.ok()) << transition.status();
  EXPECT_EQ(transition->current.KeyString(), old_verifier.KeyString());
  ASSERT_EQ(transition->others.size(), 1u);
  EXPECT_EQ(transition->others[0].KeyString(), new_verifier->KeyString());
  EXPECT_THAT(VerifyWith(transition->All(), {saved}), IsEmpty());

  // 2. The old key retired: the next one becomes the current, alone.
  std::filesystem::rename(dir + "/sequencer.pub",
                          dir + "/sequencer.retired-1.pub");
  std::filesystem::remove(dir + "/sequencer.key");
  std::filesystem::rename(dir + "/sequencer.next.pub", dir + "/sequencer.pub");
  std::filesystem::rename(dir + "/sequencer.next.key", dir + "/sequencer.key");
  Change("W1", "after the rotation");
  start_from_dir();
  EXPECT_EQ(ReasonOf(latest_verifies_with(old_verifier)),
            ledger::kReasonNoteNotSigned);
  EXPECT_TRUE(latest_verifies_with(*new_verifier).ok());
  auto after = ReadCheckpointKeys(dir, origin);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->current.KeyString(), new_verifier->KeyString());
  ASSERT_EQ(after->others.size(), 1u);
  EXPECT_EQ(after->others[0].KeyString(), old_verifier.KeyString());
  EXPECT_THAT(VerifyWith(after->All(), {saved}), IsEmpty());

  // What breaks without the retired key: the checkpoints signed before the
  // rotation (and the one QA saved) no longer verify.
  std::vector<ledger::Finding> new_only = VerifyWith({*new_verifier}, {saved});
  ASSERT_FALSE(new_only.empty());
  for (const ledger::Finding& finding : new_only) {
    EXPECT_EQ(ledger::CheckName(finding.check), "CHECKPOINT_SIGNATURE")
        << Describe(new_only);
    EXPECT_THAT(finding.message, HasSubstr("no signature by a trusted key"));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cellchain::audit
