// LedgerPgFixture: what the ledger's own pg tests set up before their first
// record — a fresh database copied from the migrated template, its owner's
// connection, the tables of a made-up service "test" beside the ledger's, a
// login role of that service, and a Ledger for it on a TickingClock, its key
// registered by the owner. (Services' tests use ServiceFixture instead,
// services/common/testing/service_fixture.h.)
//
// Test-only, header-only. Thread-safety: a gtest fixture, set up on the
// test's thread; TickingClock::Now may be called from any thread.
#ifndef CELLCHAIN_SERVICES_LEDGER_LEDGER_PG_FIXTURE_H_
#define CELLCHAIN_SERVICES_LEDGER_LEDGER_PG_FIXTURE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/pg/connection.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/ledger.h"

namespace cellchain::ledger::testing {

// Strictly increasing microseconds from the real time at construction:
// records of one entity take their time under the entity's lock, so along a
// chain the times must increase.
class TickingClock : public Clock {
 public:
  TickingClock() : micros_(absl::ToUnixMicros(absl::Now())) {}
  absl::Time Now() override {
    return absl::FromUnixMicros(micros_.fetch_add(1) + 1);
  }

 private:
  std::atomic<int64_t> micros_;
};

class LedgerPgFixture : public ::testing::Test {
 protected:
  // Opens the database, runs `schema` as its owner (the test service's
  // tables, granted to cellchain_service), and makes role_ and ledger_.
  // Call through ASSERT_NO_FATAL_FAILURE: a failure stops the set-up.
  void SetUpLedger(std::string_view schema) {
    CC_ASSERT_OK_AND_ASSIGN(db_, cellchain::testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(pg::Connection admin,
                            pg::Connection::Open(db_->conninfo()));
    admin_ = std::make_unique<pg::Connection>(std::move(admin));
    CC_ASSERT_OK(admin_->ExecScript(schema));
    // The role of service "test": a member of cellchain_test.
    CC_ASSERT_OK_AND_ASSIGN(role_, db_->CreateServiceRole("test"));
    CC_ASSERT_OK_AND_ASSIGN(auto key, crypto::Ed25519PrivateKey::Generate());
    CC_ASSERT_OK_AND_ASSIGN(ledger_,
                            Ledger::Create("test", std::move(key), &clock_));
    CC_ASSERT_OK(ledger_->RegisterKey(*admin_));
  }

  TickingClock clock_;
  std::unique_ptr<cellchain::testing::TestDatabase> db_;
  std::unique_ptr<pg::Connection> admin_;
  std::string role_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace cellchain::ledger::testing

#endif  // CELLCHAIN_SERVICES_LEDGER_LEDGER_PG_FIXTURE_H_
