#include "services/common/fields/fields.h"

#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::fields {
namespace {

google::protobuf::Timestamp At(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

TEST(FieldsTest, TextMustBeGivenAndNotTooLong) {
  EXPECT_TRUE(RequireText("MEM alpha", "name").ok());
  EXPECT_EQ(FieldOf(RequireText("  \t", "name")), "name");
  absl::Status long_text = RequireText(std::string(501, 'x'), "name");
  EXPECT_EQ(FieldOf(long_text), "name");
  EXPECT_NE(long_text.message().find("at most 500"), std::string::npos);
  EXPECT_TRUE(RequireText(std::string(501, 'x'), "notes", 2000).ok());
}

TEST(FieldsTest, ATimeMustBeGivenValidAndPast) {
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 9, 0, 0),
                                         absl::UTCTimeZone());
  EXPECT_TRUE(RequirePastTime(At(now - absl::Hours(1)), true, "at", now).ok());
  EXPECT_EQ(FieldOf(RequirePastTime({}, false, "at", now)), "at");
  google::protobuf::Timestamp bad;
  bad.set_seconds(-5);
  EXPECT_EQ(FieldOf(RequirePastTime(bad, true, "at", now)), "at");
  absl::Status future =
      RequirePastTime(At(now + absl::Hours(1)), true, "at", now);
  EXPECT_NE(future.message().find("future"), std::string::npos);
  // Within the allowed clock difference.
  EXPECT_TRUE(
      RequirePastTime(At(now + absl::Minutes(2)), true, "at", now).ok());
}

TEST(FieldsTest, TheFutureIsJudgedByTheGivenClock) {
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 9, 0, 0),
                                         absl::UTCTimeZone());
  const auto at = At(now + absl::Hours(1));
  EXPECT_NE(RequirePastTime(at, true, "at", now).message().find("future"),
            std::string::npos);
  // The same time is past for a clock two hours later.
  EXPECT_TRUE(RequirePastTime(at, true, "at", now + absl::Hours(2)).ok());
}

TEST(FieldsTest, TimestampsAreExactMicroseconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(1767225600);
  t.set_nanos(123456000);
  EXPECT_EQ(Micros(t), 1767225600123456);
  EXPECT_EQ(ToTime(t), absl::FromUnixMicros(1767225600123456));
  EXPECT_EQ(TimestampParam(3),
            "('epoch'::timestamptz + $3::int8 * interval '1 microsecond')");
}

}  // namespace
}  // namespace cellchain::fields
