// How many round trips to PostgreSQL each write of the load mix takes
// (tests/load: a technician registers a reagent lot, records a reading of
// it, hands it to a second technician, who accepts it by scanning it), and
// QA's trace of it.
// On a busy server each round trip is a wait of the handler's thread, so
// these counts are the writes' latency budget (issue 13, docs/performance.md
// "Where PostgreSQL's time goes"); a change that adds one fails here.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/round_trips.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/custody_test_fixture.h"

namespace cellchain::custody {
namespace {

using ::testing::ElementsAre;

TEST_F(CustodyTest, TheLoadMixsWritesTakeTheirBudgetOfRoundTrips) {
  // Custody on one connection, so that every statement is on the traced one.
  custody_.reset();
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("custody", 1));
  custody_ = std::make_unique<Custody>(pool_.get(), ledger_.get(),
                                       identity_.get(), ledger::RealClock());
  PGconn* conn = nullptr;
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease lease, pool_->Acquire());
    conn = lease->get();
  }
  testing::RoundTripCounter trips(conn);

  // The claim of the request id with BEGIN; the item's INSERT (deferred)
  // with its record's lock, head and the item's read; the record's INSERT
  // and the response with COMMIT.
  CC_ASSERT_OK_AND_ASSIGN(v1::Item lot,
                          Register(tech_, v1::ITEM_TYPE_REAGENT_LOT, "RT-LOT"));
  EXPECT_EQ(trips.Take(), 3);

  v1::RecordTemperaturesRequest temps;
  *temps.mutable_context() = Ctx();
  temps.set_item_id(lot.item_id());
  temps.set_logger_id("LOGGER-RT-01");
  v1::TemperatureReading* reading = temps.add_readings();
  *reading->mutable_measured_at() = lot.registered_at();
  reading->set_celsius(4.0);
  CC_ASSERT_OK_AND_ASSIGN(v1::RecordTemperaturesResponse recorded,
                          custody_->RecordTemperatures(tech_, temps));
  EXPECT_EQ(recorded.upload().readings_size(), 1);
  // Claim; the item's lock (its registration time with it); the upload and
  // readings (deferred) with the excursions' INSERT; the upload's record
  // (lock, head, read); COMMIT.
  EXPECT_EQ(trips.Take(), 5);

  CC_ASSERT_OK_AND_ASSIGN(auto handed, Handoff(tech_, lot.item_id(), "tom"));
  EXPECT_EQ(handed.item().state(), v1::ITEM_STATE_IN_TRANSIT);
  // Claim; item lock; the item and its latest record (RequireAudited); the
  // handoff's INSERT and the item's UPDATE (deferred) with the handoff's
  // record (lock, head, read); the item's record (lock, head, read);
  // COMMIT.
  EXPECT_EQ(trips.Take(), 6);

  CC_ASSERT_OK_AND_ASSIGN(
      auto accepted, Accept(tech2_, handed.handoff().handoff_id(), "RT-LOT"));
  EXPECT_EQ(accepted.item().custodian_user_id(), "tom");
  EXPECT_EQ(accepted.handoff().status(), "ACCEPTED");
  // Claim; the handoff locked; the item's lock (deferred) with the item and
  // its latest record; both UPDATEs (deferred) with the handoff's record;
  // the item's record; COMMIT.
  EXPECT_EQ(trips.Take(), 6);

  // QA traces the lot: the walk's one level (with BEGIN); the items; the
  // operators; COMMIT. A reagent lot is never sampled, so nothing asks for
  // the samples drawn from it.
  v1::TraceRequest trace;
  trace.set_item_id(lot.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::TraceResponse traced,
                          custody_->TraceBackward(trace));
  EXPECT_THAT(traced.operator_user_ids(), ElementsAre("tina", "tom"));
  EXPECT_EQ(trips.Take(), 4);

  ExpectEverySnapshotMatchesItsRow();
}

}  // namespace
}  // namespace cellchain::custody
