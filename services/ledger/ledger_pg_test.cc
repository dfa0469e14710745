// Ledger::Append, RegisterKey and StateRegistry against a real PostgreSQL
// (fixture pg_cluster). Appends run as a login role with exactly a service's
// privileges (member of cellchain_service); the checks read as superuser.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/random.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/error.h"
#include "services/common/pg/pool.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/common/testing/round_trips.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/ledger.h"
#include "services/ledger/ledger_pg_fixture.h"
#include "services/ledger/merkle.h"
#include "services/ledger/state_registry.h"

namespace cellchain::ledger {
namespace {

using ::cellchain::audit::v1::AuditRecord;
using ::cellchain::common::v1::SIGNATURE_MEANING_APPROVED;

google::protobuf::Struct Widget(const std::string& id, const std::string& name,
                                int64_t version) {
  google::protobuf::Struct s;
  auto& fields = *s.mutable_fields();
  fields["id"].set_string_value(id);
  fields["name"].set_string_value(name);
  fields["version"].set_number_value(static_cast<double>(version));
  return s;
}

// Runs a command line through the shell; returns its exit code and output.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[512];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, n);
  }
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// One row of cellchain_audit.records, as stored.
struct StoredRecord {
  std::string record_id;
  std::string service;
  std::string key_id;
  int64_t recorded_at_micros;
  std::string entity_type;
  std::string entity_id;
  std::string actor_user_id;
  std::string action;
  std::optional<std::string> din;
  std::string request_id;
  std::string record_bytes;
  std::string signature;
  std::string leaf_hash;
  std::optional<std::string> previous_entity_hash;
  int64_t entity_seq;
};

class LedgerPgTest : public testing::LedgerPgFixture {
 protected:
  void SetUp() override {
    // The test entity: a service's own table, next to the ledger's.
    ASSERT_NO_FATAL_FAILURE(SetUpLedger(
        "CREATE TABLE test_widgets (id text PRIMARY KEY, name text NOT NULL, "
        "version bigint NOT NULL);"
        "GRANT SELECT, INSERT, UPDATE ON test_widgets TO cellchain_service;"));
    CC_ASSERT_OK_AND_ASSIGN(pg::Connection service,
                            pg::Connection::Open(db_->ConninfoAs(role_)));
    service_ = std::make_unique<pg::Connection>(std::move(service));
  }

  Event WidgetEvent(const std::string& action, const std::string& id,
                    const google::protobuf::Struct* state) {
    Event event;
    event.actor.set_user_id("usr_ada");
    event.actor.set_printed_name("Ada Lovelace");
    event.actor.set_role("technician");
    event.actor.set_workstation("/O=cellchain-dev/OU=workstation/CN=lab-1");
    event.action = action;
    event.entity_type = "widget";
    event.entity_id = id;
    event.after_state = state;
    event.request_id = crypto::RandomId("req");
    return event;
  }

  // What a service handler does: its change and its record, one transaction.
  absl::StatusOr<SignedRecord> CreateWidget(pg::Transaction& tx,
                                            const std::string& id,
                                            const std::string& name) {
    CC_RETURN_IF_ERROR(tx.Exec("INSERT INTO test_widgets (id, name, version) "
                               "VALUES ($1, $2, 1)",
                               {id, name})
                           .status());
    google::protobuf::Struct state = Widget(id, name, 1);
    return ledger_->Append(tx, WidgetEvent("widget.create", id, &state));
  }

  // Appends a record of widget `id` in its own transaction, as the service
  // (on `connection`, by default the fixture's service connection).
  absl::StatusOr<SignedRecord> AppendOnce(
      const Ledger& ledger, const std::string& id,
      pg::Connection* connection = nullptr) {
    google::protobuf::Struct state = Widget(id, "w", 1);
    CC_ASSIGN_OR_RETURN(
        pg::Transaction tx,
        pg::Transaction::Begin(connection ? *connection : *service_));
    CC_ASSIGN_OR_RETURN(
        SignedRecord record,
        ledger.Append(tx, WidgetEvent("widget.touch", id, &state)));
    CC_RETURN_IF_ERROR(tx.Commit());
    return record;
  }

  int64_t Count(const std::string& sql, const pg::Params& params = {}) {
    absl::StatusOr<pg::Result> r = admin_->Exec(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    return r.ok() ? r->GetInt64(0, 0).value_or(-1) : -1;
  }

  std::vector<StoredRecord> Records(const std::string& where,
                                    const pg::Params& params = {}) {
    std::vector<StoredRecord> out;
    absl::StatusOr<pg::Result> r = admin_->Exec(
        absl::StrCat(
            "SELECT record_id, service, key_id, "
            "(extract(epoch FROM recorded_at) * 1000000)::bigint AS micros, "
            "entity_type, entity_id, actor_user_id, action, din, request_id, "
            "record_bytes, signature, leaf_hash, previous_entity_hash, "
            "entity_seq FROM cellchain_audit.records ",
            where),
        params);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return out;
    for (int i = 0; i < r->rows(); ++i) {
      StoredRecord s;
      s.record_id = r->GetString(i, "record_id").value_or("?");
      s.service = r->GetString(i, "service").value_or("?");
      s.key_id = r->GetString(i, "key_id").value_or("?");
      s.recorded_at_micros = r->GetInt64(i, "micros").value_or(-1);
      s.entity_type = r->GetString(i, "entity_type").value_or("?");
      s.entity_id = r->GetString(i, "entity_id").value_or("?");
      s.actor_user_id = r->GetString(i, "actor_user_id").value_or("?");
      s.action = r->GetString(i, "action").value_or("?");
      if (!r->IsNull(i, 8)) s.din = r->GetString(i, "din").value_or("?");
      s.request_id = r->GetString(i, "request_id").value_or("?");
      s.record_bytes = r->GetBytes(i, "record_bytes").value_or("?");
      s.signature = r->GetBytes(i, "signature").value_or("?");
      s.leaf_hash = r->GetBytes(i, "leaf_hash").value_or("?");
      if (!r->IsNull(i, 13)) {
        s.previous_entity_hash =
            r->GetBytes(i, "previous_entity_hash").value_or("?");
      }
      s.entity_seq = r->GetInt64(i, "entity_seq").value_or(-1);
      out.push_back(std::move(s));
    }
    return out;
  }

  // The public key registered under `key_id`.
  absl::StatusOr<crypto::Ed25519PublicKey> RegisteredKey(
      const std::string& key_id) {
    CC_ASSIGN_OR_RETURN(
        pg::Result r,
        admin_->Exec("SELECT public_key FROM cellchain_audit.signing_keys "
                     "WHERE key_id = $1",
                     {key_id}));
    if (r.rows() != 1) return absl::NotFoundError(key_id);
    CC_ASSIGN_OR_RETURN(std::string raw, r.GetBytes(0, 0));
    return crypto::Ed25519PublicKey::FromRaw(raw);
  }

  // Checks that the records of one entity form one unbroken chain of
  // `expected` records: one first record, every previous hash used exactly
  // once (no fork) and naming a record of the entity, the walk from the
  // first reaches all of them in increasing time and numbers them 1, 2, 3...
  // in entity_seq, the entity's latest record by entity_seq is the walk's
  // last, and every record is queued in pending.
  void ExpectOneChain(const std::string& entity_id, int expected) {
    SCOPED_TRACE(entity_id);
    std::vector<StoredRecord> records =
        Records("WHERE entity_type = 'widget' AND entity_id = $1", {entity_id});
    ASSERT_EQ(static_cast<int>(records.size()), expected);
    std::map<std::string, const StoredRecord*> by_previous;
    std::set<std::string> leaves;
    const StoredRecord* first = nullptr;
    for (const StoredRecord& r : records) {
      EXPECT_TRUE(leaves.insert(r.leaf_hash).second) << "duplicate leaf";
      AuditRecord parsed;
      ASSERT_TRUE(parsed.ParseFromString(r.record_bytes));
      if (!r.previous_entity_hash.has_value()) {
        EXPECT_EQ(first, nullptr) << "two first records";
        first = &r;
        EXPECT_EQ(parsed.previous_entity_hash(), "");
        continue;
      }
      EXPECT_EQ(parsed.previous_entity_hash(), *r.previous_entity_hash);
      auto [it, inserted] = by_previous.emplace(*r.previous_entity_hash, &r);
      EXPECT_TRUE(inserted)
          << "fork: " << r.record_id << " and " << it->second->record_id
          << " have the same previous record";
    }
    for (const auto& [previous, record] : by_previous) {
      EXPECT_TRUE(leaves.contains(previous))
          << record->record_id << " links to no record of the entity";
    }
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->entity_seq, 1);
    int walked = 1;
    const StoredRecord* last = first;
    for (auto it = by_previous.find(first->leaf_hash); it != by_previous.end();
         it = by_previous.find(last->leaf_hash)) {
      EXPECT_GT(it->second->recorded_at_micros, last->recorded_at_micros);
      EXPECT_EQ(it->second->entity_seq, last->entity_seq + 1)
          << it->second->record_id;
      last = it->second;
      ++walked;
    }
    EXPECT_EQ(walked, expected);
    absl::StatusOr<pg::Result> latest = admin_->Exec(
        "SELECT record_id FROM cellchain_audit.records "
        "WHERE entity_type = 'widget' AND entity_id = $1 "
        "ORDER BY entity_seq DESC LIMIT 1",
        {entity_id});
    ASSERT_TRUE(latest.ok()) << latest.status();
    ASSERT_EQ(latest->rows(), 1);
    EXPECT_EQ(latest->GetString(0, 0).value_or("?"), last->record_id);
    EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending p "
                    "JOIN cellchain_audit.records r USING (record_id) "
                    "WHERE r.entity_type = 'widget' AND r.entity_id = $1 "
                    "AND p.leaf_hash = r.leaf_hash",
                    {entity_id}),
              expected);
  }

  // Runs `threads` threads, each doing `per_thread` appends, each in its
  // own transaction; thread t appends to entity_of(t).
  void Hammer(int threads, int per_thread,
              const std::function<std::string(int)>& entity_of) {
    CC_ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<pg::Pool> pool,
        pg::Pool::Create({.name = "ledger_test",
                          .conninfo = db_->ConninfoAs(role_),
                          .size = threads,
                          .acquire_timeout = absl::Seconds(30)}));
    absl::Mutex mu;
    std::vector<absl::Status> failures;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        const std::string id = entity_of(t);
        for (int i = 0; i < per_thread; ++i) {
          google::protobuf::Struct state = Widget(id, absl::StrCat(t), i);
          Event event = WidgetEvent("widget.touch", id, &state);
          absl::Status s = pool->InTransaction([&](pg::Transaction& tx) {
            return ledger_->Append(tx, event).status();
          });
          if (!s.ok()) {
            absl::MutexLock lock(&mu);
            failures.push_back(s);
          }
        }
      });
    }
    for (std::thread& w : workers) w.join();
    for (const absl::Status& s : failures) ADD_FAILURE() << s;
  }

  std::unique_ptr<pg::Connection> service_;
};

TEST_F(LedgerPgTest, StoredRecordIsTheSignedBytesWithMatchingColumns) {
  google::protobuf::Struct state = Widget("wid_1", "first", 1);
  Event event = WidgetEvent("widget.approve", "wid_1", &state);
  cellchain::audit::v1::Isbt128Identifier code, din;
  code.set_kind("product_code");
  code.set_value("S1234V00");
  din.set_kind("din");
  din.set_value("A999924123456");
  event.isbt128 = {code, din};
  event.signature.emplace();
  event.signature->set_user_id("usr_ada");
  event.signature->set_printed_name("Ada Lovelace");
  event.signature->set_meaning(SIGNATURE_MEANING_APPROVED);
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                          pg::Transaction::Begin(*service_));
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord appended, ledger_->Append(tx, event));
  CC_ASSERT_OK(tx.Commit());

  std::vector<StoredRecord> stored = Records("");
  ASSERT_EQ(stored.size(), 1u);
  const StoredRecord& s = stored[0];
  EXPECT_EQ(s.record_bytes, appended.record_bytes);
  EXPECT_EQ(s.signature, appended.signature);

  // The bytes parse back to the event.
  AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(s.record_bytes));
  EXPECT_EQ(record.record_id(), appended.record_id);
  EXPECT_EQ(record.service(), "test");
  EXPECT_EQ(record.key_id(), ledger_->key_id());
  EXPECT_EQ(record.actor().user_id(), "usr_ada");
  EXPECT_EQ(record.actor().printed_name(), "Ada Lovelace");
  EXPECT_EQ(record.actor().role(), "technician");
  EXPECT_EQ(record.actor().workstation(),
            "/O=cellchain-dev/OU=workstation/CN=lab-1");
  EXPECT_EQ(record.action(), "widget.approve");
  EXPECT_EQ(record.entity().type(), "widget");
  EXPECT_EQ(record.entity().id(), "wid_1");
  ASSERT_EQ(record.isbt128_size(), 2);
  EXPECT_EQ(record.isbt128(1).value(), "A999924123456");
  EXPECT_EQ(record.signature().printed_name(), "Ada Lovelace");
  EXPECT_EQ(record.signature().meaning(), SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(record.request_id(), event.request_id);
  google::protobuf::Struct after;
  ASSERT_TRUE(record.after_state().UnpackTo(&after));
  EXPECT_EQ(after.fields().at("name").string_value(), "first");
  EXPECT_EQ(record.previous_entity_hash(), "");

  // Its signature verifies with the key registered under its key id.
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PublicKey key,
                          RegisteredKey(record.key_id()));
  EXPECT_TRUE(key.Verify(SignedMessage(s.record_bytes), s.signature));
  EXPECT_EQ(s.leaf_hash, HashBytes(LeafHash(s.record_bytes)));

  // The indexed columns say what the signed record says.
  EXPECT_EQ(s.record_id, record.record_id());
  EXPECT_EQ(s.service, record.service());
  EXPECT_EQ(s.key_id, record.key_id());
  EXPECT_EQ(s.recorded_at_micros, record.recorded_at().seconds() * 1000000 +
                                      record.recorded_at().nanos() / 1000);
  EXPECT_EQ(s.entity_type, record.entity().type());
  EXPECT_EQ(s.entity_id, record.entity().id());
  EXPECT_EQ(s.actor_user_id, record.actor().user_id());
  EXPECT_EQ(s.action, record.action());
  EXPECT_EQ(s.din, std::optional<std::string>("A999924123456"));
  EXPECT_EQ(s.request_id, record.request_id());
  EXPECT_EQ(s.previous_entity_hash, std::nullopt);
}

TEST_F(LedgerPgTest, RecordWithoutDinHasNoDinColumn) {
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  std::vector<StoredRecord> stored = Records("");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].din, std::nullopt);
}

// The documented check with nothing but a shell and openssl (docs and the
// ledger.h comment): the public key PEM, the message file made with printf,
// the signature file.
TEST_F(LedgerPgTest, OpensslCommandLineVerifiesTheStoredSignature) {
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  std::vector<StoredRecord> stored = Records("");
  ASSERT_EQ(stored.size(), 1u);
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PublicKey key,
                          RegisteredKey(stored[0].key_id));
  CC_ASSERT_OK_AND_ASSIGN(std::string pem, key.ToPem());

  std::string dir = ::testing::TempDir() + "ledger_openssl_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  WriteFile(dir + "/key.pub", pem);
  WriteFile(dir + "/rec.bin", stored[0].record_bytes);
  WriteFile(dir + "/rec.sig", stored[0].signature);
  const std::string verify =
      absl::StrCat("cd '", dir,
                   "' && { printf 'cellchain.audit.v1.record\\0'; "
                   "cat rec.bin; } > msg.bin && openssl pkeyutl -verify -pubin "
                   "-inkey key.pub -rawin -in msg.bin -sigfile rec.sig");
  auto [code, output] = Shell(verify);
  EXPECT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "Signature Verified Successfully"))
      << output;
  // The file the shell made is exactly SignedMessage(record_bytes).
  std::ifstream in(dir + "/msg.bin", std::ios::binary);
  std::string message((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(message, SignedMessage(stored[0].record_bytes));

  // One flipped bit in the stored bytes and openssl refuses.
  std::string tampered = stored[0].record_bytes;
  tampered.back() ^= 0x01;
  WriteFile(dir + "/rec.bin", tampered);
  auto [bad_code, bad_output] = Shell(verify);
  EXPECT_NE(bad_code, 0) << bad_output;
  EXPECT_TRUE(absl::StrContains(bad_output, "Signature Verification Failure"))
      << bad_output;
  Shell(absl::StrCat("rm -rf '", dir, "'"));
}

TEST_F(LedgerPgTest, RolledBackTransactionLeavesNoChangeRecordOrPending) {
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*service_));
    CC_ASSERT_OK(CreateWidget(tx, "wid_1", "first"));
    CC_ASSERT_OK(tx.Rollback());
  }
  {
    // And the destructor of an uncommitted transaction rolls back too.
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*service_));
    CC_ASSERT_OK(CreateWidget(tx, "wid_2", "second"));
  }
  EXPECT_EQ(Count("SELECT count(*) FROM test_widgets"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 0);
}

TEST_F(LedgerPgTest, CommittedTransactionLeavesChangeRecordAndPending) {
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                          pg::Transaction::Begin(*service_));
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord record,
                          CreateWidget(tx, "wid_1", "first"));
  CC_ASSERT_OK(tx.Commit());
  EXPECT_EQ(Count("SELECT count(*) FROM test_widgets WHERE id = 'wid_1'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE record_id = $1",
                  {record.record_id}),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending "
                  "WHERE record_id = $1 AND leaf_hash = $2",
                  {record.record_id, pg::Param::Bytes(record.leaf_hash)}),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 1);
}

TEST_F(LedgerPgTest, SuccessiveRecordsOfAnEntityLinkByPreviousHash) {
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord first, AppendOnce(*ledger_, "wid_1"));
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord other, AppendOnce(*ledger_, "wid_2"));
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord second, AppendOnce(*ledger_, "wid_1"));
  // Two appends of one entity in one transaction chain as well.
  google::protobuf::Struct state = Widget("wid_1", "w", 3);
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                          pg::Transaction::Begin(*service_));
  CC_ASSERT_OK_AND_ASSIGN(
      SignedRecord third,
      ledger_->Append(tx, WidgetEvent("widget.touch", "wid_1", &state)));
  CC_ASSERT_OK_AND_ASSIGN(
      SignedRecord fourth,
      ledger_->Append(tx, WidgetEvent("widget.touch", "wid_1", &state)));
  CC_ASSERT_OK(tx.Commit());

  EXPECT_EQ(first.previous_entity_hash, "");
  EXPECT_EQ(other.previous_entity_hash, "");  // another entity, another chain
  EXPECT_EQ(second.previous_entity_hash, first.leaf_hash);
  EXPECT_EQ(third.previous_entity_hash, second.leaf_hash);
  EXPECT_EQ(fourth.previous_entity_hash, third.leaf_hash);
  EXPECT_EQ(first.entity_seq, 1);
  EXPECT_EQ(other.entity_seq, 1);
  EXPECT_EQ(second.entity_seq, 2);
  EXPECT_EQ(third.entity_seq, 3);
  EXPECT_EQ(fourth.entity_seq, 4);
  ExpectOneChain("wid_1", 4);
  ExpectOneChain("wid_2", 1);
}

TEST_F(LedgerPgTest, SixteenWritersOnOneEntityMakeOneUnbrokenChain) {
  Hammer(16, 50, [](int) { return std::string("wid_hot"); });
  ExpectOneChain("wid_hot", 800);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 800);
}

TEST_F(LedgerPgTest, SixteenWritersOnSixteenEntitiesMakeSixteenChains) {
  Hammer(16, 50, [](int t) { return absl::StrCat("wid_", t); });
  for (int t = 0; t < 16; ++t) ExpectOneChain(absl::StrCat("wid_", t), 50);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 800);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 800);
}

// The entity's lock, deterministically: a second append of an entity waits
// while the first one's transaction is open (on the advisory lock, not on
// the first one's record), then chains after it; another entity does not
// wait at all.
TEST_F(LedgerPgTest, SecondAppendOfAnEntityWaitsForTheFirstAndChainsAfterIt) {
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection other,
                          pg::Connection::Open(db_->ConninfoAs(role_)));
  CC_ASSERT_OK_AND_ASSIGN(pg::Result pid,
                          other.Exec("SELECT pg_backend_pid()"));
  const int64_t other_pid = pid.GetInt64(0, 0).value_or(-1);

  google::protobuf::Struct state = Widget("wid_1", "w", 2);
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction holder,
                          pg::Transaction::Begin(*service_));
  CC_ASSERT_OK_AND_ASSIGN(
      SignedRecord held,
      ledger_->Append(holder, WidgetEvent("widget.touch", "wid_1", &state)));

  CC_ASSERT_OK_AND_ASSIGN(SignedRecord unrelated,
                          AppendOnce(*ledger_, "wid_2", &other));
  EXPECT_EQ(unrelated.entity_seq, 1);

  absl::StatusOr<SignedRecord> waiter = absl::UnknownError("not run");
  std::thread thread([&] { waiter = AppendOnce(*ledger_, "wid_1", &other); });
  bool waiting = false;
  for (int i = 0; i < 1000 && !waiting; ++i) {
    waiting = Count(
                  "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 "
                  "AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                  {other_pid}) == 1;
    if (!waiting) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(waiting) << "the second append did not wait for the entity lock";
  CC_ASSERT_OK(holder.Commit());
  thread.join();
  CC_ASSERT_OK(waiter.status());
  EXPECT_EQ(waiter->previous_entity_hash, held.leaf_hash);
  EXPECT_EQ(held.entity_seq, 2);
  EXPECT_EQ(waiter->entity_seq, 3);
  ExpectOneChain("wid_1", 3);
  ExpectOneChain("wid_2", 1);
}

// A REPEATABLE READ transaction reads the chain as of its snapshot, taken
// before it waited for the lock: appending behind the chain's real head is
// refused by the chain's unique index as a serialization failure, which the
// pool retries, and nothing forks.
TEST_F(LedgerPgTest, RepeatableReadAppendBehindTheHeadIsRetriedNotForked) {
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection other,
                          pg::Connection::Open(db_->ConninfoAs(role_)));
  google::protobuf::Struct state = Widget("wid_1", "w", 9);
  const Event event = WidgetEvent("widget.touch", "wid_1", &state);
  {
    CC_ASSERT_OK_AND_ASSIGN(
        pg::Transaction tx,
        pg::Transaction::Begin(other,
                               {.isolation = pg::Isolation::kRepeatableRead}));
    // The snapshot is taken here, then another record of the entity
    // commits.
    CC_ASSERT_OK(tx.Exec("SELECT count(*) FROM test_widgets"));
    CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
    CC_ASSERT_OK(ledger_->Append(tx, event));
    absl::Status commit = tx.Commit();
    EXPECT_EQ(commit.code(), absl::StatusCode::kAborted) << commit;
    EXPECT_TRUE(pg::IsSerializationFailure(commit)) << commit;
    EXPECT_EQ(ReasonOf(commit), "records_entity_chain");
  }
  ExpectOneChain("wid_1", 2);

  // Through the pool, the same is run again and then succeeds.
  CC_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<pg::Pool> pool,
      pg::Pool::Create(
          {.name = "rr", .conninfo = db_->ConninfoAs(role_), .size = 1}));
  int attempts = 0;
  SignedRecord appended;
  CC_ASSERT_OK(pool->InTransaction(
      [&](pg::Transaction& tx) -> absl::Status {
        ++attempts;
        CC_RETURN_IF_ERROR(
            tx.Exec("SELECT count(*) FROM test_widgets").status());
        if (attempts == 1) {
          CC_RETURN_IF_ERROR(AppendOnce(*ledger_, "wid_1").status());
        }
        CC_ASSIGN_OR_RETURN(appended, ledger_->Append(tx, event));
        return absl::OkStatus();
      },
      {.isolation = pg::Isolation::kRepeatableRead}));
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(appended.entity_seq, 4);
  ExpectOneChain("wid_1", 4);
}

// The unique index is the last line: a record written by SQL that takes an
// occupied place in a chain (a fork, or a second first record) is refused,
// even for the superuser.
TEST_F(LedgerPgTest, ForkWrittenBySqlBypassingTheLedgerIsRefused) {
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  for (int64_t seq : {1, 2}) {
    absl::Status s =
        admin_
            ->Exec(
                "INSERT INTO cellchain_audit.records (record_id, service, "
                "key_id, recorded_at, entity_type, entity_id, entity_seq, "
                "actor_user_id, action, din, request_id, record_bytes, "
                "signature, leaf_hash, previous_entity_hash) "
                "SELECT record_id || '_fork', service, key_id, "
                "recorded_at, entity_type, entity_id, entity_seq, "
                "actor_user_id, action, din, request_id, record_bytes, "
                "signature, leaf_hash, previous_entity_hash "
                "FROM cellchain_audit.records "
                "WHERE entity_id = 'wid_1' AND entity_seq = $1",
                {seq})
            .status();
    EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
    EXPECT_EQ(ReasonOf(s), "records_entity_chain") << s;
  }
  ExpectOneChain("wid_1", 2);
}

TEST_F(LedgerPgTest, BadEventsAreRefusedNamingTheFieldAndWriteNothing) {
  google::protobuf::Struct state = Widget("wid_1", "w", 1);
  const Event good = WidgetEvent("widget.touch", "wid_1", &state);
  std::vector<std::pair<std::function<void(Event&)>, std::string>> cases = {
      {[](Event& e) { e.action.clear(); }, "action"},
      {[](Event& e) { e.entity_type.clear(); }, "entity_type"},
      {[](Event& e) { e.entity_id.clear(); }, "entity_id"},
      {[](Event& e) { e.actor.clear_user_id(); }, "actor.user_id"},
      {[](Event& e) { e.actor.clear_printed_name(); }, "actor.printed_name"},
      {[](Event& e) { e.request_id.clear(); }, "request_id"},
      {[](Event& e) { e.action = "widget.correct"; }, "reason"},
      {[](Event& e) { e.after_state = nullptr; }, "after_state"},
  };
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                          pg::Transaction::Begin(*service_));
  for (auto& [spoil, field] : cases) {
    Event event = good;
    spoil(event);
    absl::Status s = ledger_->Append(tx, event).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field << s;
    EXPECT_EQ(FieldOf(s), field) << s;
  }
  // Refused before anything was sent: the transaction is still usable.
  CC_ASSERT_OK(tx.Exec("SELECT 1").status());
  CC_ASSERT_OK(tx.Commit());
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 0);
}

TEST_F(LedgerPgTest, ServiceRoleCannotChangeOrReadBackTheAuditTables) {
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  const std::vector<std::string> refused = {
      "UPDATE cellchain_audit.records SET action = 'widget.forged'",
      "DELETE FROM cellchain_audit.records",
      "TRUNCATE cellchain_audit.records",
      "TRUNCATE cellchain_audit.records CASCADE",
      "UPDATE cellchain_audit.signing_keys SET valid_from = now()",
      // Keys are registered by the owner from QA's keyring, never by a
      // service (which could then sign anything with a key of its own).
      "INSERT INTO cellchain_audit.signing_keys (key_id, service, "
      "public_key, valid_from) VALUES ('test:0011223344556677', 'test', "
      "decode(repeat('ab', 32), 'hex'), now())",
      "DELETE FROM cellchain_audit.signing_keys",
      "SELECT count(*) FROM cellchain_audit.pending",
      "DELETE FROM cellchain_audit.pending",
      "UPDATE cellchain_audit.pending SET leaf_hash = leaf_hash",
      "UPDATE cellchain_audit.records SET entity_seq = entity_seq + 1",
      "UPDATE cellchain_audit.records SET previous_entity_hash = NULL",
      "INSERT INTO cellchain_audit.log_entries (log_index, record_id, "
      "leaf_hash) SELECT 0, record_id, leaf_hash "
      "FROM cellchain_audit.records",
      "INSERT INTO cellchain_audit.checkpoints (tree_size, root_hash, note) "
      "VALUES (1, '\\x00', 'x')",
  };
  for (const std::string& sql : refused) {
    absl::Status s = service_->Exec(sql).status();
    EXPECT_FALSE(s.ok()) << sql;
    EXPECT_TRUE(absl::StrContains(s.message(), "permission denied"))
        << sql << ": " << s;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE action = 'widget.touch'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.signing_keys "
                  "WHERE service = 'test'"),
            1);
}

TEST_F(LedgerPgTest, AServiceRoleWritesOnlyRecordsOfItsOwnServiceAndKeys) {
  // qc's key, properly registered: the test service's role (an insider
  // borrowing it with SET ROLE alike) still cannot write qc's records.
  CC_ASSERT_OK_AND_ASSIGN(auto key, crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(auto qc,
                          Ledger::Create("qc", std::move(key), &clock_));
  CC_ASSERT_OK(qc->RegisterKey(*admin_));
  absl::Status as_qc = AppendOnce(*qc, "wid_1").status();
  EXPECT_FALSE(as_qc.ok());
  EXPECT_TRUE(absl::StrContains(as_qc.message(),
                                "may not insert records of service qc"))
      << as_qc;
  // Its own service's record naming another service's key.
  absl::Status other_key =
      service_
          ->Exec(
              "INSERT INTO cellchain_audit.records (record_id, service, "
              "key_id, recorded_at, entity_type, entity_id, entity_seq, "
              "actor_user_id, action, request_id, record_bytes, signature, "
              "leaf_hash) VALUES ('rec_x', 'test', $1, now(), 'widget', "
              "'wid_2', 1, 'usr_ada', 'widget.touch', 'req_x', '\\x00', "
              "decode(repeat('00', 64), 'hex'), "
              "decode(repeat('00', 32), 'hex'))",
              {qc->key_id()})
          .status();
  EXPECT_FALSE(other_key.ok());
  EXPECT_TRUE(absl::StrContains(other_key.message(),
                                "is not a registered key of service test"))
      << other_key;
  // A service cannot register a key for itself either: it checks.
  CC_ASSERT_OK_AND_ASSIGN(auto unregistered_key,
                          crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(
      auto unregistered,
      Ledger::Create("test", std::move(unregistered_key), &clock_));
  absl::Status check = unregistered->CheckRegistered(*service_);
  EXPECT_EQ(ReasonOf(check), kReasonSigningKeyNotRegistered) << check;
  EXPECT_FALSE(unregistered->RegisterKey(*service_).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 0);
}

// What a service checks before it acts on an entity (entity_guard.h).
TEST_F(LedgerPgTest, AnEntityIsUsedOnlyWhenItsLatestRecordSaysWhatItsRowSays) {
  auto require = [&](const std::string& id,
                     const google::protobuf::Struct& row) -> absl::Status {
    CC_ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(*service_));
    return RequireAudited(tx, "widget", id, row);
  };
  // Recorded through the ledger: usable.
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  CC_EXPECT_OK(require("wid_1", Widget("wid_1", "w", 1)));
  // A row with no record (inserted by SQL): refused, naming it.
  absl::Status none = require("wid_fake", Widget("wid_fake", "w", 1));
  EXPECT_EQ(ReasonOf(none), kReasonEntityNotAudited) << none;
  EXPECT_TRUE(absl::StrContains(none.message(),
                                "widget wid_fake has no signed audit record"))
      << none;
  // A row changed behind the service's back: its state is not the record's.
  absl::Status changed = require("wid_1", Widget("wid_1", "forged", 1));
  EXPECT_EQ(ReasonOf(changed), kReasonEntityNotAudited) << changed;
  EXPECT_TRUE(absl::StrContains(changed.message(),
                                "is not what its latest signed audit record"))
      << changed;
}

TEST_F(LedgerPgTest, TriggersRefuseChangesEvenToTheSuperuser) {
  CC_ASSERT_OK(AppendOnce(*ledger_, "wid_1"));
  for (const char* sql :
       {"UPDATE cellchain_audit.records SET action = 'widget.forged'",
        "DELETE FROM cellchain_audit.records",
        "TRUNCATE cellchain_audit.records CASCADE",
        "DELETE FROM cellchain_audit.signing_keys"}) {
    absl::Status s = admin_->Exec(sql).status();
    EXPECT_FALSE(s.ok()) << sql;
    EXPECT_TRUE(absl::StrContains(s.message(), "is append-only"))
        << sql << ": " << s;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE action = 'widget.touch'"),
            1);
}

TEST_F(LedgerPgTest, AppendWithAnUnregisteredKeyIsRefused) {
  CC_ASSERT_OK_AND_ASSIGN(auto key, crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(auto unregistered,
                          Ledger::Create("test", std::move(key), &clock_));
  absl::Status s = AppendOnce(*unregistered, "wid_1").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(ReasonOf(s), "records_key_id_fkey") << s;
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 0);

  // The record's INSERT fails with the call that carries it, here COMMIT:
  // the change does not commit without its record.
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                          pg::Transaction::Begin(*service_));
  CC_ASSERT_OK(tx.Exec("INSERT INTO test_widgets VALUES ('wid_2', 'w', 1)"));
  google::protobuf::Struct state = Widget("wid_2", "w", 1);
  CC_ASSERT_OK(
      unregistered->Append(tx, WidgetEvent("widget.create", "wid_2", &state)));
  absl::Status commit = tx.Commit();
  EXPECT_EQ(commit.code(), absl::StatusCode::kFailedPrecondition) << commit;
  EXPECT_EQ(ReasonOf(commit), "records_key_id_fkey") << commit;
  EXPECT_TRUE(absl::StrContains(commit.message(), "audit record rec_"))
      << commit;
  EXPECT_EQ(Count("SELECT count(*) FROM test_widgets"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 0);
}

// The budget: an audited write takes one round trip more than the
// change alone. BEGIN travels with the service's INSERT, the record's
// INSERT with COMMIT; Append's own round trip is the lock and the head.
// Counted by RoundTripCounter (the Syncs the client sends).
TEST_F(LedgerPgTest, AuditedWriteTakesOneRoundTripMoreThanTheChange) {
  cellchain::testing::RoundTripCounter trips(service_->get());
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*service_));
    CC_ASSERT_OK(tx.Exec("INSERT INTO test_widgets VALUES ('wid_0', 'w', 1)"));
    CC_ASSERT_OK(tx.Commit());
  }
  EXPECT_EQ(trips.Take(), 2);  // the change alone
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*service_));
    CC_ASSERT_OK(CreateWidget(tx, "wid_1", "first"));
    CC_ASSERT_OK(tx.Commit());
  }
  EXPECT_EQ(trips.Take(), 3);
  ExpectOneChain("wid_1", 1);
}

// AppendRead: a change that reads its entity back for the record sends
// the read in the append's own round trip, after the entity's lock; the
// record holds the state the row has.
TEST_F(LedgerPgTest, AppendReadReadsTheStateInTheAppendsRoundTrip) {
  cellchain::testing::RoundTripCounter trips(service_->get());
  google::protobuf::Struct state;
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                            pg::Transaction::Begin(*service_));
    tx.Defer({"INSERT INTO test_widgets (id, name, version) "
              "VALUES ('wid_1', 'first', 1)"});
    const pg::Statement read(
        "SELECT name, version FROM test_widgets WHERE id = 'wid_1'");
    CC_ASSERT_OK(ledger_->AppendRead(
        tx, WidgetEvent("widget.create", "wid_1", nullptr), {&read, 1},
        [&](std::span<pg::Result> rows, Event& event) -> absl::Status {
          CC_ASSIGN_OR_RETURN(std::string name, rows[0].GetString(0, 0));
          CC_ASSIGN_OR_RETURN(int64_t version, rows[0].GetInt64(0, 1));
          state = Widget("wid_1", name, version);
          event.after_state = &state;
          return absl::OkStatus();
        }));
    CC_ASSERT_OK(tx.Commit());
  }
  // BEGIN, the INSERT, the lock, the head and the read; the record with
  // COMMIT.
  EXPECT_EQ(trips.Take(), 2);
  ExpectOneChain("wid_1", 1);
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction check,
                          pg::Transaction::Begin(*service_));
  CC_EXPECT_OK(RequireAudited(check, "widget", "wid_1",
                              Widget("wid_1", "first", 1)));
}

TEST_F(LedgerPgTest, KeyRotationKeepsOlderRecordsVerifiable) {
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord before, AppendOnce(*ledger_, "wid_1"));

  CC_ASSERT_OK_AND_ASSIGN(auto key2, crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(auto rotated,
                          Ledger::Create("test", std::move(key2), &clock_));
  ASSERT_NE(rotated->key_id(), ledger_->key_id());
  CC_ASSERT_OK(rotated->RegisterKey(*admin_));
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord after, AppendOnce(*rotated, "wid_1"));
  // Registering either key again changes nothing.
  CC_ASSERT_OK(ledger_->RegisterKey(*admin_));
  CC_ASSERT_OK(rotated->RegisterKey(*admin_));

  absl::StatusOr<pg::Result> keys = admin_->Exec(
      "SELECT key_id FROM cellchain_audit.signing_keys WHERE service = 'test' "
      "ORDER BY valid_from");
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->rows(), 2);
  EXPECT_EQ(keys->GetString(0, 0).value_or("?"), ledger_->key_id());
  EXPECT_EQ(keys->GetString(1, 0).value_or("?"), rotated->key_id());
  EXPECT_EQ(Count("SELECT count(DISTINCT valid_from) "
                  "FROM cellchain_audit.signing_keys WHERE service = 'test'"),
            2);

  // Each record verifies with the key its key id names, and only with it.
  std::vector<StoredRecord> stored = Records("ORDER BY recorded_at");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].record_id, before.record_id);
  EXPECT_EQ(stored[1].record_id, after.record_id);
  EXPECT_EQ(stored[0].key_id, ledger_->key_id());
  EXPECT_EQ(stored[1].key_id, rotated->key_id());
  CC_ASSERT_OK_AND_ASSIGN(auto old_key, RegisteredKey(stored[0].key_id));
  CC_ASSERT_OK_AND_ASSIGN(auto new_key, RegisteredKey(stored[1].key_id));
  EXPECT_TRUE(old_key.Verify(SignedMessage(stored[0].record_bytes),
                             stored[0].signature));
  EXPECT_TRUE(new_key.Verify(SignedMessage(stored[1].record_bytes),
                             stored[1].signature));
  EXPECT_FALSE(new_key.Verify(SignedMessage(stored[0].record_bytes),
                              stored[0].signature));
  EXPECT_FALSE(old_key.Verify(SignedMessage(stored[1].record_bytes),
                              stored[1].signature));
  // The entity's chain runs across the rotation.
  EXPECT_EQ(after.previous_entity_hash, before.leaf_hash);
  ExpectOneChain("wid_1", 2);
}

TEST_F(LedgerPgTest, RotationValidFromIsLaterEvenWhenTheClockIsBehind) {
  // A host whose clock lags the one that registered the current key.
  class LaggingClock : public Clock {
   public:
    absl::Time Now() override { return absl::Now() - absl::Hours(1); }
  } lagging;
  CC_ASSERT_OK_AND_ASSIGN(auto key2, crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(auto rotated,
                          Ledger::Create("test", std::move(key2), &lagging));
  CC_ASSERT_OK(rotated->RegisterKey(*admin_));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.signing_keys a, "
                  "cellchain_audit.signing_keys b WHERE a.key_id = $1 "
                  "AND b.key_id = $2 AND b.valid_from > a.valid_from",
                  {ledger_->key_id(), rotated->key_id()}),
            1);
}

TEST_F(LedgerPgTest, OneKeyForTwoServicesIsRefused) {
  CC_ASSERT_OK_AND_ASSIGN(auto key, crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(std::string pem, key.ToPem());
  CC_ASSERT_OK_AND_ASSIGN(auto donor,
                          Ledger::Create("donor", std::move(key), &clock_));
  CC_ASSERT_OK(donor->RegisterKey(*admin_));
  CC_ASSERT_OK_AND_ASSIGN(auto same, crypto::Ed25519PrivateKey::FromPem(pem));
  CC_ASSERT_OK_AND_ASSIGN(auto qc,
                          Ledger::Create("qc", std::move(same), &clock_));
  absl::Status s = qc->RegisterKey(*admin_);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(ReasonOf(s), "SIGNING_KEY_IN_USE") << s;
}

TEST_F(LedgerPgTest, LedgerLoadsTheDevPkiSigningKey) {
  const char* pki = std::getenv("CELLCHAIN_TEST_PKI");
  ASSERT_NE(pki, nullptr) << "run through ctest";
  const std::string path = absl::StrCat(pki, "/signing/donor.key");
  CC_ASSERT_OK_AND_ASSIGN(auto donor,
                          Ledger::FromPemFile("donor", path, &clock_));
  CC_ASSERT_OK_AND_ASSIGN(auto pub,
                          crypto::Ed25519PublicKey::FromPemFile(
                              absl::StrCat(pki, "/signing/donor.pub")));
  EXPECT_EQ(donor->key_id(), KeyIdFor("donor", pub.Raw()));
  CC_ASSERT_OK(donor->RegisterKey(*admin_));
  CC_EXPECT_OK(donor->CheckRegistered(*service_));
  // Donor's records are written by donor's role.
  CC_ASSERT_OK_AND_ASSIGN(std::string donor_role,
                          db_->CreateLoginRole("cellchain_donor"));
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection donor_connection,
                          pg::Connection::Open(db_->ConninfoAs(donor_role)));
  CC_ASSERT_OK_AND_ASSIGN(SignedRecord record,
                          AppendOnce(*donor, "wid_1", &donor_connection));
  EXPECT_TRUE(pub.Verify(SignedMessage(record.record_bytes), record.signature));

  absl::Status missing =
      Ledger::FromPemFile("donor", path + ".missing", &clock_).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
}

// --- StateRegistry with the test entity --------------------------------------

absl::StatusOr<std::string> ReadWidget(pg::Connection& connection,
                                       const std::string& id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result row,
      connection.Exec("SELECT name, version FROM test_widgets WHERE id = $1",
                      {id}));
  if (row.rows() == 0) {
    return absl::NotFoundError(absl::StrCat("widget ", id));
  }
  CC_ASSIGN_OR_RETURN(std::string name, row.GetString(0, "name"));
  CC_ASSIGN_OR_RETURN(int64_t version, row.GetInt64(0, "version"));
  return SerializeDeterministic(Widget(id, name, version));
}

// The latest record's after_state compared with the current row, as the
// verifier does it.
absl::StatusOr<bool> CurrentStateMatchesLatestRecord(
    const StateRegistry& registry, pg::Connection& admin,
    pg::Connection& reader, const std::string& id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result head,
      admin.Exec("SELECT record_bytes FROM cellchain_audit.records "
                 "WHERE entity_type = 'widget' AND entity_id = $1 "
                 "ORDER BY entity_seq DESC LIMIT 1",
                 {id}));
  if (head.rows() != 1) return absl::NotFoundError("no head");
  CC_ASSIGN_OR_RETURN(std::string bytes, head.GetBytes(0, 0));
  AuditRecord record;
  if (!record.ParseFromString(bytes)) return absl::DataLossError("parse");
  CC_ASSIGN_OR_RETURN(EntityState state,
                      registry.ReadState(reader, "widget", id));
  return state.type_url == record.after_state().type_url() &&
         state.bytes == record.after_state().value();
}

TEST_F(LedgerPgTest, StateReaderFindsARowChangedBehindTheLedgersBack) {
  StateRegistry registry;
  CC_ASSERT_OK(
      registry.Register("widget", "google.protobuf.Struct", ReadWidget));
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx,
                          pg::Transaction::Begin(*service_));
  CC_ASSERT_OK(CreateWidget(tx, "wid_1", "first"));
  CC_ASSERT_OK(tx.Commit());

  // Through the service (change + record): still matching.
  CC_ASSERT_OK_AND_ASSIGN(
      bool matches,
      CurrentStateMatchesLatestRecord(registry, *admin_, *service_, "wid_1"));
  EXPECT_TRUE(matches);
  {
    google::protobuf::Struct state = Widget("wid_1", "renamed", 2);
    CC_ASSERT_OK_AND_ASSIGN(pg::Transaction tx2,
                            pg::Transaction::Begin(*service_));
    CC_ASSERT_OK(tx2.Exec("UPDATE test_widgets SET name = 'renamed', "
                          "version = 2 WHERE id = 'wid_1'")
                     .status());
    CC_ASSERT_OK(
        ledger_->Append(tx2, WidgetEvent("widget.rename", "wid_1", &state)));
    CC_ASSERT_OK(tx2.Commit());
  }
  CC_ASSERT_OK_AND_ASSIGN(matches, CurrentStateMatchesLatestRecord(
                                       registry, *admin_, *service_, "wid_1"));
  EXPECT_TRUE(matches);

  // Behind its back (plain SQL, no record): found.
  CC_ASSERT_OK(admin_
                   ->Exec("UPDATE test_widgets SET name = 'forged' "
                          "WHERE id = 'wid_1'")
                   .status());
  CC_ASSERT_OK_AND_ASSIGN(matches, CurrentStateMatchesLatestRecord(
                                       registry, *admin_, *service_, "wid_1"));
  EXPECT_FALSE(matches);
}

TEST_F(LedgerPgTest, StateRegistryReportsMissingEntitiesAndReaders) {
  StateRegistry registry;
  CC_ASSERT_OK(
      registry.Register("widget", "google.protobuf.Struct", ReadWidget));
  absl::Status again =
      registry.Register("widget", "google.protobuf.Struct", ReadWidget);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_EQ(FieldOf(registry.Register("Widget", "x", ReadWidget)),
            "entity_type");
  EXPECT_EQ(FieldOf(registry.Register("gadget", "", ReadWidget)),
            "message_full_name");
  EXPECT_EQ(FieldOf(registry.Register("gadget", "x", StateReader())), "reader");
  EXPECT_TRUE(registry.Contains("widget"));
  EXPECT_FALSE(registry.Contains("gadget"));
  EXPECT_EQ(registry.EntityTypes(), std::vector<std::string>{"widget"});

  absl::Status missing =
      registry.ReadState(*service_, "widget", "wid_none").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  absl::Status unknown =
      registry.ReadState(*service_, "gadget", "gad_1").status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kFailedPrecondition) << unknown;
  EXPECT_EQ(ReasonOf(unknown), StateRegistry::kReasonNoStateReader);

  CC_ASSERT_OK(admin_->Exec("INSERT INTO test_widgets VALUES ('wid_1', 'a', 7)")
                   .status());
  CC_ASSERT_OK_AND_ASSIGN(EntityState state,
                          registry.ReadState(*service_, "widget", "wid_1"));
  EXPECT_EQ(state.type_url, "type.googleapis.com/google.protobuf.Struct");
  google::protobuf::Struct parsed;
  ASSERT_TRUE(parsed.ParseFromString(state.bytes));
  EXPECT_EQ(parsed.fields().at("version").number_value(), 7);
}

}  // namespace
}  // namespace cellchain::ledger
