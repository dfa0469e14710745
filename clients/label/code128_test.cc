#include "clients/label/code128.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

std::vector<std::string> Spelled(const Code128Plan& plan) {
  std::vector<std::string> out;
  for (const Code128Segment& s : plan.segments) {
    out.push_back((s.subset_c ? "C:" : "B:") + s.data);
  }
  return out;
}

// Symbol characters counted by hand: start, data (one per B character, one
// per C pair), one switch between segments, check; 11 modules each and 13
// for the stop pattern.
TEST(Code128Plan, DinIsIdentifierInBThenDigitPairsInC) {
  absl::StatusOr<Code128Plan> plan = PlanCode128("=A99992600001789");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Spelled(*plan),
            (std::vector<std::string>{"B:=A", "C:99992600001789"}));
  EXPECT_EQ(plan->symbol_characters, 1 + 2 + 1 + 7 + 1);
  EXPECT_EQ(plan->Modules(), 12 * 11 + 13);
}

TEST(Code128Plan, ShortDigitRunsStayInB) {
  absl::StatusOr<Code128Plan> plan = PlanCode128("=<S12950A0");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Spelled(*plan), (std::vector<std::string>{"B:=<S12950A0"}));
  EXPECT_EQ(plan->symbol_characters, 1 + 10 + 1);
}

TEST(Code128Plan, SixDigitsInsideAndFourAtTheEndGoToC) {
  absl::StatusOr<Code128Plan> plan = PlanCode128("&/CHA999926RH0017");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Spelled(*plan), (std::vector<std::string>{"B:&/CHA", "C:999926",
                                                      "B:RH", "C:0017"}));
  EXPECT_EQ(plan->symbol_characters, 1 + 5 + 1 + 3 + 1 + 2 + 1 + 2 + 1);
}

TEST(Code128Plan, AnOddRunLeavesItsFirstDigitInB) {
  absl::StatusOr<Code128Plan> plan = PlanCode128("12345");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Spelled(*plan), (std::vector<std::string>{"B:1", "C:2345"}));
  plan = PlanCode128("0123");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Spelled(*plan), (std::vector<std::string>{"C:0123"}));
}

TEST(Code128Plan, RefusesWhatNeedsSubsetA) {
  EXPECT_EQ(FieldOf(PlanCode128("").status()), "code128");
  EXPECT_EQ(FieldOf(PlanCode128("A\tB").status()), "code128");
  EXPECT_EQ(FieldOf(PlanCode128("caf\xc3\xa9").status()), "code128");
}

}  // namespace
}  // namespace cellchain::label
