// QA's queries over the stored trail: filters, order, paging, bad input.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "services/audit/record_store.h"
#include "services/common/pg/pool.h"
#include "services/common/status/status.h"
#include "services/common/testing/test_database.h"
#include "services/isbt128/din.h"
#include "services/ledger/ledger.h"

namespace cellchain::audit {
namespace {

namespace v1 = cellchain::audit::v1;

// A clock the test moves: one record a minute from 2026-11-01T08:00Z.
class StepClock : public ledger::Clock {
 public:
  absl::Time Now() override {
    return absl::FromUnixSeconds(1793520000) + absl::Minutes(ticks_++);
  }

 private:
  int ticks_ = 0;
};

class RecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto role = db_->CreateLoginRole("cellchain_donor");
    ASSERT_TRUE(role.ok());
    auto pool = pg::Pool::Create(
        {.name = "qa", .conninfo = db_->ConninfoAs(*role), .size = 1});
    ASSERT_TRUE(pool.ok());
    pool_ = *std::move(pool);
    auto key = crypto::Ed25519PrivateKey::Generate();
    auto ledger = ledger::Ledger::Create("donor", *std::move(key), &clock_);
    ASSERT_TRUE(ledger.ok());
    ledger_ = *std::move(ledger);
    {
      // Keys are the database owner's to register; a service role cannot.
      auto owner = pg::Connection::Open(db_->conninfo());
      ASSERT_TRUE(owner.ok()) << owner.status();
      ASSERT_TRUE(ledger_->RegisterKey(*owner).ok());
    }
    // Lot L1: 3 changes by the technician; lot L2: 2, the last by QA.
    Append("L1", "donor_lot.receive", "u_tech", "A999926123456");
    Append("L1", "donor_lot.quarantine", "u_tech", "A999926123456");
    Append("L2", "donor_lot.receive", "u_tech", "A999926654321");
    Append("L1", "donor_lot.release", "u_tech", "A999926123456");
    Append("L2", "donor_lot.reject", "u_qa", "A999926654321");
  }

  void Append(const std::string& lot, const std::string& action,
              const std::string& user, const std::string& din) {
    google::protobuf::Struct state;
    (*state.mutable_fields())["step"].set_string_value(action);
    ledger::Event event;
    event.actor.set_user_id(user);
    event.actor.set_printed_name(user);
    event.actor.set_role("technician");
    event.action = action;
    event.entity_type = "donor_lot";
    event.entity_id = lot;
    cellchain::audit::v1::Isbt128Identifier id;
    id.set_kind("din");
    id.set_value(din);
    event.isbt128.push_back(id);
    event.after_state = &state;
    event.request_id = "req_query_test_" + std::to_string(++count_) + "_0000";
    absl::Status status = pool_->InTransaction([&](pg::Transaction& tx) {
      return ledger_->Append(tx, event).status();
    });
    ASSERT_TRUE(status.ok()) << status;
  }

  absl::StatusOr<RecordPage> Query(const v1::RecordFilter& filter,
                                   v1::Order order, int page_size,
                                   const std::string& token = "") {
    auto lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    return QueryRecords(**lease, filter, order, page_size, token);
  }

  static std::vector<std::string> Actions(const RecordPage& page) {
    std::vector<std::string> actions;
    for (const v1::RecordView& view : page.records) {
      actions.push_back(view.record().action());
    }
    return actions;
  }

  StepClock clock_;
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  int count_ = 0;
};

TEST_F(RecordStoreTest, FiltersByEntityDinActorActionAndTime) {
  v1::RecordFilter by_entity;
  by_entity.mutable_entity()->set_type("donor_lot");
  by_entity.mutable_entity()->set_id("L1");
  auto page = Query(by_entity, v1::ORDER_OLDEST_FIRST, 0);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Actions(*page), ::testing::ElementsAre("donor_lot.receive",
                                                     "donor_lot.quarantine",
                                                     "donor_lot.release"));
  // Not yet integrated by a sequencer.
  EXPECT_EQ(page->records[0].log_index(), -1);

  // The DIN as stored, as the CLI prints it (with its check character), as
  // a scanner reads it, and in lower case: the same two records.
  const std::string printed =
      isbt128::Din::Parse("A999926654321")->EyeReadable();
  for (const std::string& din :
       {std::string("A999926654321"), printed, absl::AsciiStrToLower(printed),
        std::string("=A99992665432100"), std::string("=a999926654321")}) {
    v1::RecordFilter by_din;
    by_din.set_din(din);
    auto found = Query(by_din, v1::ORDER_OLDEST_FIRST, 0);
    ASSERT_TRUE(found.ok()) << din << ": " << found.status();
    EXPECT_EQ(found->records.size(), 2u) << din;
  }
  // A mistyped digit is refused by the check character, not an empty page.
  v1::RecordFilter typo;
  typo.set_din(absl::StrCat("A9999 26 654312 ", printed.substr(16)));
  EXPECT_EQ(FieldOf(Query(typo, v1::ORDER_OLDEST_FIRST, 0).status()),
            "filter.din.check_character");

  v1::RecordFilter by_actor;
  by_actor.set_actor_user_id("u_qa");
  EXPECT_THAT(Actions(*Query(by_actor, v1::ORDER_OLDEST_FIRST, 0)),
              ::testing::ElementsAre("donor_lot.reject"));

  v1::RecordFilter by_action;
  by_action.set_action("donor_lot.receive");
  EXPECT_EQ(Query(by_action, v1::ORDER_OLDEST_FIRST, 0)->records.size(), 2u);

  // The key's registration took 08:00; records are at 08:01 to 08:05.
  // 08:02 (inclusive) to 08:04 (exclusive): the 2nd and 3rd records.
  v1::RecordFilter by_time;
  by_time.mutable_recorded_from()->set_seconds(1793520000 + 120);
  by_time.mutable_recorded_before()->set_seconds(1793520000 + 240);
  EXPECT_THAT(
      Actions(*Query(by_time, v1::ORDER_OLDEST_FIRST, 0)),
      ::testing::ElementsAre("donor_lot.quarantine", "donor_lot.receive"));
}

TEST_F(RecordStoreTest, PagesWalkTheWholeResultOnceInEitherOrder) {
  for (v1::Order order : {v1::ORDER_OLDEST_FIRST, v1::ORDER_NEWEST_FIRST}) {
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
      auto page = Query(v1::RecordFilter(), order, 2, token);
      ASSERT_TRUE(page.ok()) << page.status();
      for (const v1::RecordView& view : page->records) {
        seen.push_back(view.record().record_id());
      }
      token = page->next_page_token;
      ++pages;
    } while (!token.empty());
    EXPECT_EQ(pages, 3);
    ASSERT_EQ(seen.size(), 5u);
    std::set<std::string> distinct(seen.begin(), seen.end());
    EXPECT_EQ(distinct.size(), 5u);
    auto first = Query(v1::RecordFilter(), order, 1);
    EXPECT_EQ(first->records[0].record().action(),
              order == v1::ORDER_OLDEST_FIRST ? "donor_lot.receive"
                                              : "donor_lot.reject");
  }
}

TEST_F(RecordStoreTest, BadPagingIsRefusedNamingTheField) {
  auto too_big = Query(v1::RecordFilter(), v1::ORDER_OLDEST_FIRST, 5000);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(FieldOf(too_big.status()), "page.page_size");
  auto forged =
      Query(v1::RecordFilter(), v1::ORDER_OLDEST_FIRST, 2, "bm90IGEgdG9rZW4=");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(FieldOf(forged.status()), "page.page_token");
  v1::RecordFilter no_type;
  no_type.mutable_entity()->set_id("L1");
  auto bad = Query(no_type, v1::ORDER_OLDEST_FIRST, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(FieldOf(bad.status()), "filter.entity.type");
}

}  // namespace
}  // namespace cellchain::audit
