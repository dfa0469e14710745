// The attempt rules without a database: which refusal each outcome of an
// attempt answers and records, and the failed-attempt rate limits' sliding
// windows, by hand-computed cases.
#include "services/identity/attempt_rules.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::identity {
namespace {

TEST(OutcomeBeforeCheckTest, DisabledComesBeforeLocked) {
  EXPECT_EQ(OutcomeBeforeCheck(/*disabled=*/true, /*locked=*/true, 9, 5),
            Outcome::kDisabled);
  EXPECT_EQ(OutcomeBeforeCheck(false, /*locked=*/true, 0, 5), Outcome::kLocked);
}

TEST(OutcomeBeforeCheckTest, AtTheThresholdNothingIsCheckedEvenUnlocked) {
  // The threshold lowered from 5 to 3 after 4 failures: refused unchecked.
  EXPECT_EQ(OutcomeBeforeCheck(false, false, 4, 3), Outcome::kLocked);
  EXPECT_EQ(OutcomeBeforeCheck(false, false, 3, 3), Outcome::kLocked);
  EXPECT_EQ(OutcomeBeforeCheck(false, false, 2, 3), std::nullopt);
}

TEST(LocksAccountTest, TheFailureThatReachesTheThresholdLocksOnce) {
  EXPECT_FALSE(LocksAccount(/*locked=*/false, 2, 3));
  EXPECT_TRUE(LocksAccount(false, 3, 3));
  EXPECT_TRUE(LocksAccount(false, 4, 3));
  EXPECT_FALSE(LocksAccount(/*locked=*/true, 3, 3));
}

// Three answers told apart by their reasons.
AttemptAnswers Answers() {
  return {.refused = WithReason(absl::UnauthenticatedError("no"), "REFUSED"),
          .disabled =
              WithReason(absl::UnauthenticatedError("disabled"), "DISABLED"),
          .locked = WithReason(absl::UnauthenticatedError("locked"), "LOCKED")};
}

TEST(RefusalOfTest, UnknownUserWrongPasswordAndLockedAccountAnswerAlike) {
  const AttemptAnswers answers = Answers();
  for (Outcome outcome :
       {Outcome::kNoSuchUser, Outcome::kWrongPassword, Outcome::kLocked}) {
    EXPECT_EQ(RefusalOf(outcome, answers).answer, answers.refused)
        << static_cast<int>(outcome);
  }
}

TEST(RefusalOfTest, TheDenialKeepsTheTrueReason) {
  const AttemptAnswers answers = Answers();
  Refusal locked = RefusalOf(Outcome::kLocked, answers);
  ASSERT_TRUE(locked.denial.has_value());
  EXPECT_EQ(ReasonOf(*locked.denial), "LOCKED");

  Refusal unknown = RefusalOf(Outcome::kNoSuchUser, answers);
  ASSERT_TRUE(unknown.denial.has_value());
  EXPECT_EQ(ReasonOf(*unknown.denial), "REFUSED");
}

TEST(RefusalOfTest, ADisabledAccountIsToldAndRecorded) {
  const AttemptAnswers answers = Answers();
  Refusal disabled = RefusalOf(Outcome::kDisabled, answers);
  EXPECT_EQ(ReasonOf(disabled.answer), "DISABLED");
  ASSERT_TRUE(disabled.denial.has_value());
  EXPECT_EQ(ReasonOf(*disabled.denial), "DISABLED");
}

TEST(RefusalOfTest, AWrongPasswordIsNotAnAccessDenial) {
  // It is audited as the user's *_failed record and counted toward lockout.
  EXPECT_FALSE(
      RefusalOf(Outcome::kWrongPassword, Answers()).denial.has_value());
  EXPECT_FALSE(RefusalOf(Outcome::kAccepted, Answers()).denial.has_value());
}

TEST(OwnSignatureRefusalTest, SaysHowManyMoreFailuresLockTheAccount) {
  EXPECT_EQ(OwnSignatureRefusal(/*failed_attempts=*/1, /*lockout_threshold=*/5),
            "signature refused: wrong password; 4 more wrong passwords lock "
            "your account");
  EXPECT_EQ(OwnSignatureRefusal(4, 5),
            "signature refused: wrong password; 1 more wrong password locks "
            "your account");
  EXPECT_EQ(OwnSignatureRefusal(5, 5),
            "signature refused: wrong password; your account is now locked "
            "after 5 consecutive failures; an administrator can unlock it");
}

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

TEST(FailureCountsTest, AUserIdIsLimitedWithinTheWindow) {
  FailureCounts counts(/*max_per_user_id=*/3, /*max_per_workstation=*/100,
                       absl::Minutes(5));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(counts.Check("tina", "ws", kT0 + absl::Minutes(i)),
              FailureCounts::Limit::kNone);
    counts.Note("tina", "ws", kT0 + absl::Minutes(i));
  }
  // Failures at 0, 1 and 2 min: the limit of 3 is reached.
  EXPECT_EQ(counts.Check("tina", "other-ws", kT0 + absl::Minutes(3)),
            FailureCounts::Limit::kUserId);
  // Another id at the same workstation is not limited.
  EXPECT_EQ(counts.Check("tom", "ws", kT0 + absl::Minutes(3)),
            FailureCounts::Limit::kNone);
  // At 5 min the failure at 0 min has left the window (at or before
  // now - window): two remain.
  EXPECT_EQ(counts.Check("tina", "ws", kT0 + absl::Minutes(5)),
            FailureCounts::Limit::kNone);
}

TEST(FailureCountsTest, AWorkstationIsLimitedWhateverTheIds) {
  FailureCounts counts(/*max_per_user_id=*/100, /*max_per_workstation=*/2,
                       absl::Minutes(5));
  counts.Note("made-up-1", "ws", kT0);
  counts.Note("made-up-2", "ws", kT0 + absl::Seconds(1));
  EXPECT_EQ(counts.Check("made-up-3", "ws", kT0 + absl::Seconds(2)),
            FailureCounts::Limit::kWorkstation);
  EXPECT_EQ(counts.Check("made-up-3", "other-ws", kT0 + absl::Seconds(2)),
            FailureCounts::Limit::kNone);
}

TEST(FailureCountsTest, TheUserIdsLimitIsNamedFirst) {
  FailureCounts counts(/*max_per_user_id=*/1, /*max_per_workstation=*/1,
                       absl::Minutes(5));
  counts.Note("tina", "ws", kT0);
  EXPECT_EQ(counts.Check("tina", "ws", kT0), FailureCounts::Limit::kUserId);
}

TEST(FailureCountsTest, IdsThatStoppedFailingAreForgotten) {
  FailureCounts counts(20, 50, absl::Minutes(5));
  // 999 made-up ids from one workstation: 1,000 keys.
  for (int i = 0; i < 999; ++i) {
    counts.Note("id" + std::to_string(i), "ws", kT0);
  }
  EXPECT_EQ(counts.KeysForTesting(), 1000u);
  // The 1,000th note, after the window, sweeps every expired key: only its
  // own two remain.
  counts.Note("late", "ws", kT0 + absl::Minutes(6));
  EXPECT_EQ(counts.KeysForTesting(), 2u);
}

}  // namespace
}  // namespace cellchain::identity
