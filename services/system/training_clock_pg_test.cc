// The training clock against a real PostgreSQL: its offset is persisted and
// read back by a new clock, an advance moves time forward by exactly what
// was asked and is recorded, and every refusal writes nothing.
#include <google/protobuf/util/time_util.h>

#include <memory>
#include <string>

#include "cellchain/audit/v1/record.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/service_fixture.h"
#include "services/common/testing/status_matchers.h"
#include "services/system/clock_admin.h"
#include "services/system/reasons.h"
#include "services/system/training_clock.h"

namespace cellchain::system {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;

class TrainingClockTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("system", 2));
    {
      CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease lease, pool_->Acquire());
      CC_ASSERT_OK_AND_ASSIGN(clock_, TrainingClock::Load(*lease));
    }
    CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("system", clock_.get()));
    CC_ASSERT_OK(ClockAdmin::RegisterStateReaders(registry_));
    admin_ =
        std::make_unique<ClockAdmin>(pool_.get(), ledger_.get(), clock_.get());
  }

  static v1::AdvanceClockRequest Advance(absl::Duration by,
                                         std::string reason) {
    v1::AdvanceClockRequest request;
    *request.mutable_context() = Ctx(std::move(reason));
    *request.mutable_by() =
        TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(by));
    return request;
  }

  int64_t StoredOffsetUs() {
    return Count("SELECT offset_us FROM cellchain_system.training_clock");
  }

  const auth::Principal ada_ = Person("ada", common::v1::ROLE_ADMIN);
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<TrainingClock> clock_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<ClockAdmin> admin_;
};

TEST_F(TrainingClockTest, AFreshStackStartsAtRealTime) {
  EXPECT_EQ(clock_->offset(), absl::ZeroDuration());
  v1::GetClockResponse shown = admin_->GetClock();
  EXPECT_TRUE(shown.clock().training());
  EXPECT_EQ(TimeUtil::DurationToMicroseconds(shown.clock().offset()), 0);
}

TEST_F(TrainingClockTest, AnAdvanceMovesTimeForwardByExactlyBy) {
  const absl::Time before = clock_->Now();
  CC_ASSERT_OK_AND_ASSIGN(
      v1::AdvanceClockResponse first,
      admin_->AdvanceClock(
          ada_, Advance(absl::Minutes(11), "the infusion's 10 minutes")));
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(first.to()) -
                TimeUtil::TimestampToMicroseconds(first.from()),
            absl::ToInt64Microseconds(absl::Minutes(11)));
  EXPECT_GE(TimeUtil::TimestampToMicroseconds(first.from()),
            absl::ToUnixMicros(before));
  EXPECT_EQ(clock_->offset(), absl::Minutes(11));
  const absl::Time after = clock_->Now();
  EXPECT_GE(after - before, absl::Minutes(11));
  EXPECT_LT(after - before, absl::Minutes(12));

  CC_ASSERT_OK_AND_ASSIGN(
      v1::AdvanceClockResponse second,
      admin_->AdvanceClock(ada_, Advance(absl::Hours(24), "day 2")));
  EXPECT_EQ(TimeUtil::DurationToMicroseconds(second.offset()),
            absl::ToInt64Microseconds(absl::Hours(24) + absl::Minutes(11)));
  EXPECT_EQ(StoredOffsetUs(),
            absl::ToInt64Microseconds(absl::Hours(24) + absl::Minutes(11)));
  EXPECT_EQ(admin_->GetClock().clock().offset().seconds(), 24 * 3600 + 660);

  // Each advance is signed, by whom and why, in the clock's trail.
  EXPECT_THAT(History("training_clock", "training_clock"),
              ElementsAre("training_clock.advance by ada",
                          "training_clock.advance by ada"));
  // The latest record says why, and when from and to (its after_state).
  auto owner = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(owner.ok()) << owner.status();
  CC_ASSERT_OK_AND_ASSIGN(
      pg::Result latest,
      owner->Exec("SELECT record_bytes FROM cellchain_audit.records WHERE "
                  "entity_type = 'training_clock' ORDER BY entity_seq DESC "
                  "LIMIT 1",
                  {}, pg::ResultFormat::kBinary));
  audit::v1::AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(*latest.GetBytes(0, 0)));
  EXPECT_EQ(record.reason(), "day 2");
  EXPECT_EQ(record.actor().user_id(), "ada");
  v1::TrainingClockState state;
  ASSERT_TRUE(record.after_state().UnpackTo(&state));
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(state.advanced_from()),
            TimeUtil::TimestampToMicroseconds(second.from()));
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(state.advanced_to()),
            TimeUtil::TimestampToMicroseconds(second.to()));
  ExpectEverySnapshotMatchesItsRow("system");
}

TEST_F(TrainingClockTest, ARetriedAdvanceMovesTheClockOnce) {
  v1::AdvanceClockRequest request = Advance(absl::Hours(6), "dose expiry");
  CC_ASSERT_OK_AND_ASSIGN(v1::AdvanceClockResponse first,
                          admin_->AdvanceClock(ada_, request));
  CC_ASSERT_OK_AND_ASSIGN(v1::AdvanceClockResponse again,
                          admin_->AdvanceClock(ada_, request));
  EXPECT_EQ(again.record_id(), first.record_id());
  EXPECT_EQ(clock_->offset(), absl::Hours(6));
  EXPECT_EQ(StoredOffsetUs(), absl::ToInt64Microseconds(absl::Hours(6)));
  EXPECT_EQ(Records(), 1);
}

TEST_F(TrainingClockTest, APersistedOffsetSurvivesANewClock) {
  CC_ASSERT_OK(
      admin_->AdvanceClock(ada_, Advance(absl::Hours(50), "days 2 and 3"))
          .status());
  // A restart: a new clock reads the offset back, so time never goes back.
  CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<TrainingClock> restarted,
                          TrainingClock::Load(*lease));
  EXPECT_EQ(restarted->offset(), absl::Hours(50));
  // Real time read first: the two operands of one comparison may be
  // evaluated in either order (clang reads the left first).
  const absl::Time real = absl::Now();
  EXPECT_GE(restarted->Now(), real + absl::Hours(50));

  // And the database refuses to move it back, even by SQL.
  auto owner = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(owner.ok()) << owner.status();
  absl::Status back =
      owner->Exec("UPDATE cellchain_system.training_clock SET offset_us = 0")
          .status();
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition) << back;
  EXPECT_EQ(StoredOffsetUs(), absl::ToInt64Microseconds(absl::Hours(50)));
}

// Two cellchaind processes on one database, as replicas run: an advance
// made through one clock reaches the other when it reads the row again,
// and a following clock reads it by itself, so that they agree.
TEST_F(TrainingClockTest, AnotherProcessesClockSeesAnAdvance) {
  CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<TrainingClock> replica,
                          TrainingClock::Load(*lease));
  CC_ASSERT_OK(
      admin_->AdvanceClock(ada_, Advance(absl::Minutes(11), "the infusion"))
          .status());
  EXPECT_EQ(replica->offset(), absl::ZeroDuration());  // not read yet
  CC_ASSERT_OK(replica->Refresh(*lease));
  EXPECT_EQ(replica->offset(), absl::Minutes(11));
  // A refresh never moves a clock back: one ahead of the row stays.
  TrainingClock ahead(absl::Hours(1));
  CC_ASSERT_OK(ahead.Refresh(*lease));
  EXPECT_EQ(ahead.offset(), absl::Hours(1));

  // Following the row, the replica sees the next advance without being
  // asked; the wait is bounded for a loaded machine, not measured.
  replica->Follow(db_->conninfo(), absl::Milliseconds(20));
  CC_ASSERT_OK(
      admin_->AdvanceClock(ada_, Advance(absl::Hours(24), "day 2")).status());
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (replica->offset() != clock_->offset() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(replica->offset(), absl::Hours(24) + absl::Minutes(11));
  EXPECT_EQ(clock_->offset(), absl::Hours(24) + absl::Minutes(11));
  // Destroyed while following: its thread stops.
  replica.reset();
}

TEST_F(TrainingClockTest, RefusalsNameTheirFieldAndWriteNothing) {
  struct Case {
    v1::AdvanceClockRequest request;
    std::string field;
  };
  v1::AdvanceClockRequest no_by = Advance(absl::Hours(1), "no by");
  no_by.clear_by();
  const Case cases[] = {
      {Advance(absl::ZeroDuration(), "zero"), "by"},
      {Advance(-absl::Hours(1), "backwards"), "by"},
      {Advance(absl::Hours(24 * 30) + absl::Seconds(1), "too far"), "by"},
      {no_by, "by"},
      {Advance(absl::Hours(1), ""), "context.reason"},
      {Advance(absl::Hours(1), "   "), "context.reason"},
  };
  for (const Case& c : cases) {
    absl::Status refused = admin_->AdvanceClock(ada_, c.request).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
    EXPECT_EQ(FieldOf(refused), c.field) << refused;
  }
  // Exactly 30 days is allowed; the refusals before it changed nothing.
  EXPECT_EQ(Records(), 0);
  EXPECT_EQ(StoredOffsetUs(), 0);
  EXPECT_EQ(clock_->offset(), absl::ZeroDuration());
  CC_EXPECT_OK(admin_->AdvanceClock(ada_, Advance(absl::Hours(24 * 30), "max"))
                   .status());
}

TEST_F(TrainingClockTest, AServerOnRealTimeRefusesToMoveItsClock) {
  ClockAdmin real;
  v1::GetClockResponse shown = real.GetClock();
  EXPECT_FALSE(shown.clock().training());
  EXPECT_EQ(TimeUtil::DurationToMicroseconds(shown.clock().offset()), 0);
  absl::Status refused =
      real.AdvanceClock(ada_, Advance(absl::Hours(1), "not here")).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused), kReasonTrainingClockOff);
  EXPECT_EQ(Records(), 0);
  EXPECT_EQ(StoredOffsetUs(), 0);
}

}  // namespace
}  // namespace cellchain::system
