#include "services/qc/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "services/common/status/status.h"

namespace cellchain::qc {
namespace {

v1::Specification DefaultSpec() {
  v1::Specification spec;
  for (const v1::SpecTest& test : DefaultTests({})) *spec.add_tests() = test;
  return spec;
}

const v1::SpecTest& TestOf(const v1::Specification& spec, const char* code) {
  const v1::SpecTest* test = FindTest(spec, code);
  EXPECT_NE(test, nullptr) << code;
  return *test;
}

v1::Conformance JudgeOk(const v1::SpecTest& test, const char* value,
                        const char* unit) {
  absl::StatusOr<v1::Conformance> c = Judge(test, value, unit);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.value_or(v1::CONFORMANCE_UNSPECIFIED);
}

TEST(DefaultTestsTest, CarryTheBriefsCriteriaAsPeopleReadThem) {
  v1::Specification spec = DefaultSpec();
  ASSERT_EQ(spec.tests_size(), 14);
  EXPECT_EQ(TestOf(spec, "VIABILITY").criterion(), "≥ 70 %");
  EXPECT_EQ(TestOf(spec, "CD105").criterion(), "≥ 95 %");
  EXPECT_EQ(TestOf(spec, "HLA_DR").criterion(), "≤ 2 %");
  EXPECT_EQ(TestOf(spec, "CD19_CD79A").name(), "CD19 or CD79α");
  EXPECT_EQ(TestOf(spec, "STERILITY").criterion(), "no growth");
  EXPECT_EQ(TestOf(spec, "ENDOTOXIN").criterion(), "< 0.5 [EU]/mL");
  EXPECT_EQ(TestOf(spec, "VIABLE_CELL_COUNT").criterion(),
            "≥ 1.0E7 and ≤ 1.0E9 cells");
  // Only sterility may be pending at a conditional release.
  for (const v1::SpecTest& test : spec.tests()) {
    EXPECT_TRUE(test.required()) << test.code();
    EXPECT_EQ(test.may_be_pending(), test.code() == "STERILITY") << test.code();
    v1::SpecTest copy = test;
    EXPECT_TRUE(NormalizeTest(copy, "tests[0]").ok()) << test.code();
  }
}

TEST(DefaultTestsTest, TakeTheConfiguredEndotoxinLimitAndCellRange) {
  DefaultSpecOptions options;
  options.endotoxin_limit_eu_per_ml = "0.25";
  options.viable_cells_min = "2.0E7";
  options.viable_cells_max = "5.0E8";
  v1::Specification spec;
  for (const v1::SpecTest& test : DefaultTests(options))
    *spec.add_tests() = test;
  EXPECT_EQ(JudgeOk(TestOf(spec, "ENDOTOXIN"), "0.3", "[EU]/mL"),
            v1::CONFORMANCE_OUT_OF_SPECIFICATION);
  EXPECT_EQ(JudgeOk(TestOf(spec, "VIABLE_CELL_COUNT"), "1.5E7", "cells"),
            v1::CONFORMANCE_OUT_OF_SPECIFICATION);
  EXPECT_EQ(JudgeOk(TestOf(spec, "VIABLE_CELL_COUNT"), "2.0E7", "cells"),
            v1::CONFORMANCE_IN_SPECIFICATION);
}

TEST(ParseDecimalTest, TakesDecimalTextOnly) {
  EXPECT_EQ(ParseDecimal("70"), 70.0);
  EXPECT_EQ(ParseDecimal("0.5"), 0.5);
  EXPECT_EQ(ParseDecimal("1.0E7"), 1.0e7);
  EXPECT_EQ(ParseDecimal("-2e-3"), -0.002);
  // What strtod would also read is refused.
  EXPECT_EQ(ParseDecimal("inf"), std::nullopt);
  EXPECT_EQ(ParseDecimal("nan"), std::nullopt);
  EXPECT_EQ(ParseDecimal("0x1p3"), std::nullopt);
  EXPECT_EQ(ParseDecimal(" 5"), std::nullopt);
  EXPECT_EQ(ParseDecimal("1e999"), std::nullopt);  // not finite
  EXPECT_EQ(ParseDecimal(""), std::nullopt);
  EXPECT_EQ(ParseDecimal(std::string(41, '1')), std::nullopt);
  EXPECT_TRUE(ParseDecimal(std::string(40, '1')).has_value());
}

TEST(JudgeTest, LimitsAreExactAtTheEdges) {
  v1::Specification spec = DefaultSpec();
  const v1::SpecTest& viability = TestOf(spec, "VIABILITY");
  EXPECT_EQ(JudgeOk(viability, "70", "%"), v1::CONFORMANCE_IN_SPECIFICATION);
  EXPECT_EQ(JudgeOk(viability, "69.99", "%"),
            v1::CONFORMANCE_OUT_OF_SPECIFICATION);
  const v1::SpecTest& cd34 = TestOf(spec, "CD34");
  EXPECT_EQ(JudgeOk(cd34, "2.0", "%"), v1::CONFORMANCE_IN_SPECIFICATION);
  EXPECT_EQ(JudgeOk(cd34, "2.01", "%"), v1::CONFORMANCE_OUT_OF_SPECIFICATION);
  // "Below the limit": the limit itself fails.
  const v1::SpecTest& endotoxin = TestOf(spec, "ENDOTOXIN");
  EXPECT_EQ(JudgeOk(endotoxin, "0.49", "[EU]/mL"),
            v1::CONFORMANCE_IN_SPECIFICATION);
  EXPECT_EQ(JudgeOk(endotoxin, "0.5", "[EU]/mL"),
            v1::CONFORMANCE_OUT_OF_SPECIFICATION);
  const v1::SpecTest& sterility = TestOf(spec, "STERILITY");
  EXPECT_EQ(JudgeOk(sterility, "no growth", ""),
            v1::CONFORMANCE_IN_SPECIFICATION);
  EXPECT_EQ(JudgeOk(sterility, "growth", ""),
            v1::CONFORMANCE_OUT_OF_SPECIFICATION);
}

TEST(JudgeTest, RefusesValuesTheTestDoesNotTake) {
  v1::Specification spec = DefaultSpec();
  for (const char* bad : {"", "high", "nan", "inf", "0x10", "7O"}) {
    absl::StatusOr<v1::Conformance> c =
        Judge(TestOf(spec, "VIABILITY"), bad, "%");
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(c.status()), "value") << bad;
  }
  absl::StatusOr<v1::Conformance> typo =
      Judge(TestOf(spec, "STERILITY"), "No growth", "");
  EXPECT_EQ(FieldOf(typo.status()), "value");
  EXPECT_NE(typo.status().message().find("no growth, growth"),
            std::string::npos)
      << typo.status();
  absl::StatusOr<v1::Conformance> unit =
      Judge(TestOf(spec, "ENDOTOXIN"), "0.1", "EU/mL");
  EXPECT_EQ(ReasonOf(unit.status()), kReasonUnitMismatch);
}

TEST(NormalizeTestTest, NamesTheFieldThatIsWrong) {
  v1::SpecTest test = DefaultTests({})[0];
  test.set_code("viability");
  EXPECT_EQ(FieldOf(NormalizeTest(test, "tests[2]")), "tests[2].code");
  test = DefaultTests({})[0];
  test.mutable_limits()->set_min("seventy");
  EXPECT_EQ(FieldOf(NormalizeTest(test, "tests[0]")), "tests[0].limits.min");
  test = DefaultTests({})[0];
  test.mutable_limits()->set_max("60");
  EXPECT_EQ(FieldOf(NormalizeTest(test, "tests[0]")), "tests[0].limits");
  test = DefaultTests({})[9];  // sterility
  test.add_pass_values("maybe");
  EXPECT_EQ(FieldOf(NormalizeTest(test, "tests[9]")), "tests[9].pass_values");
  test = DefaultTests({})[9];
  test.set_required(false);
  EXPECT_EQ(FieldOf(NormalizeTest(test, "tests[9]")),
            "tests[9].may_be_pending");
}

v1::Result R(const char* id, const char* code, v1::Conformance c, bool reviewed,
             bool invalidated = false) {
  v1::Result r;
  r.set_result_id(id);
  r.set_test_code(code);
  r.set_conformance(c);
  if (reviewed) r.set_reviewed_by_user_id("ana2");
  r.set_invalidated(invalidated);
  return r;
}

// Every test in and reviewed, except those listed.
std::vector<v1::Result> AllIn(const v1::Specification& spec,
                              std::vector<std::string> except = {}) {
  std::vector<v1::Result> results;
  for (const v1::SpecTest& test : spec.tests()) {
    if (std::find(except.begin(), except.end(), test.code()) != except.end()) {
      continue;
    }
    results.push_back(R(("res_" + test.code()).c_str(), test.code().c_str(),
                        v1::CONFORMANCE_IN_SPECIFICATION, true));
  }
  return results;
}

std::vector<std::string> Reasons(const std::vector<Blocker>& blockers) {
  std::vector<std::string> out;
  for (const Blocker& b : blockers) out.push_back(b.reason);
  return out;
}

TEST(ReleaseBlockersTest, AReleaseNeedsEveryTestInReviewedAndNothingOpen) {
  v1::Specification spec = DefaultSpec();
  EXPECT_TRUE(
      ReleaseBlockers(spec, EvaluateTests(spec, AllIn(spec)), 0, 0, false)
          .empty());
  std::vector<v1::Result> results = AllIn(spec, {"STERILITY", "KARYOTYPE"});
  results.push_back(R("res_k", "KARYOTYPE", v1::CONFORMANCE_IN_SPECIFICATION,
                      /*reviewed=*/false));
  EXPECT_EQ(
      Reasons(ReleaseBlockers(spec, EvaluateTests(spec, results), 1, 2, false)),
      (std::vector<std::string>{kReasonTestPending,         // sterility, then
                                kReasonTestAwaitingReview,  // karyotype
                                kReasonInvestigationOpen,
                                kReasonMajorDeviationOpen}));
}

TEST(ReleaseBlockersTest, AConditionalReleaseLeavesOnlySterilityPending) {
  v1::Specification spec = DefaultSpec();
  std::vector<std::string> pending;
  EXPECT_TRUE(ReleaseBlockers(spec,
                              EvaluateTests(spec, AllIn(spec, {"STERILITY"})),
                              0, 0, true, &pending)
                  .empty());
  EXPECT_EQ(pending, std::vector<std::string>{"STERILITY"});
  // Mycoplasma may not be pending.
  EXPECT_EQ(
      Reasons(ReleaseBlockers(
          spec, EvaluateTests(spec, AllIn(spec, {"STERILITY", "MYCOPLASMA"})),
          0, 0, true)),
      std::vector<std::string>{kReasonTestPending});
  // With sterility in, there is nothing to be conditional about.
  EXPECT_EQ(Reasons(ReleaseBlockers(spec, EvaluateTests(spec, AllIn(spec)), 0,
                                    0, true)),
            std::vector<std::string>{kReasonNothingPending});
}

TEST(EvaluateTestsTest, APassingRetestDoesNotOutweighAValidOos) {
  v1::Specification spec = DefaultSpec();
  std::vector<v1::Result> results = AllIn(spec, {"ENDOTOXIN"});
  results.push_back(
      R("res_e1", "ENDOTOXIN", v1::CONFORMANCE_OUT_OF_SPECIFICATION, false));
  results.push_back(
      R("res_e2", "ENDOTOXIN", v1::CONFORMANCE_IN_SPECIFICATION, true));
  std::vector<v1::TestEvaluation> tests = EvaluateTests(spec, results);
  const v1::TestEvaluation& endotoxin = tests[11];
  ASSERT_EQ(endotoxin.code(), "ENDOTOXIN");
  EXPECT_EQ(endotoxin.status(), v1::TEST_STATUS_OUT_OF_SPECIFICATION);
  EXPECT_EQ(endotoxin.result_ids_size(), 2);
  EXPECT_EQ(Reasons(ReleaseBlockers(spec, tests, 0, 0, false)),
            std::vector<std::string>{kReasonTestOutOfSpecification});
  // Invalidated, the OOS no longer counts; the retest decides.
  results[results.size() - 2].set_invalidated(true);
  tests = EvaluateTests(spec, results);
  EXPECT_EQ(tests[11].status(), v1::TEST_STATUS_IN_SPECIFICATION);
  EXPECT_EQ(tests[11].result_ids_size(), 1);
  EXPECT_TRUE(ReleaseBlockers(spec, tests, 0, 0, false).empty());
}

TEST(ReleaseBlockersTest, AnOptionalTestMayBeMissingButNotOutOfSpecification) {
  v1::Specification spec = DefaultSpec();
  spec.mutable_tests(12)->set_required(false);  // karyotype
  ASSERT_EQ(spec.tests(12).code(), "KARYOTYPE");
  EXPECT_TRUE(ReleaseBlockers(spec,
                              EvaluateTests(spec, AllIn(spec, {"KARYOTYPE"})),
                              0, 0, false)
                  .empty());
  std::vector<v1::Result> results = AllIn(spec, {"KARYOTYPE"});
  results.push_back(
      R("res_k", "KARYOTYPE", v1::CONFORMANCE_OUT_OF_SPECIFICATION, true));
  EXPECT_EQ(
      Reasons(ReleaseBlockers(spec, EvaluateTests(spec, results), 0, 0, false)),
      std::vector<std::string>{kReasonTestOutOfSpecification});
}

TEST(DispositionTest, EachStateSignsWithItsMeaning) {
  absl::StatusOr<Disposition> release = DispositionTo(v1::LOT_STATE_RELEASED);
  ASSERT_TRUE(release.ok());
  EXPECT_EQ(release->meaning, common::v1::SIGNATURE_MEANING_RELEASED);
  EXPECT_TRUE(release->release);
  EXPECT_FALSE(release->reason_required);
  absl::StatusOr<Disposition> conditional =
      DispositionTo(v1::LOT_STATE_CONDITIONALLY_RELEASED);
  ASSERT_TRUE(conditional.ok());
  EXPECT_EQ(conditional->meaning, common::v1::SIGNATURE_MEANING_RELEASED);
  EXPECT_STREQ(conditional->action, "lot.release_conditional");
  absl::StatusOr<Disposition> reject = DispositionTo(v1::LOT_STATE_REJECTED);
  ASSERT_TRUE(reject.ok());
  EXPECT_EQ(reject->meaning, common::v1::SIGNATURE_MEANING_REJECTED);
  EXPECT_TRUE(reject->reason_required);
  EXPECT_FALSE(reject->release);
  absl::StatusOr<Disposition> hold = DispositionTo(v1::LOT_STATE_ON_HOLD);
  ASSERT_TRUE(hold.ok());
  EXPECT_EQ(hold->meaning, common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_TRUE(hold->reason_required);
  for (v1::LotState bad : {v1::LOT_STATE_UNSPECIFIED, v1::LOT_STATE_TESTING}) {
    EXPECT_EQ(FieldOf(DispositionTo(bad).status()), "disposition") << bad;
  }
}

TEST(DispositionTest, ARejectionIsFinalAndNoStateRepeats) {
  EXPECT_TRUE(
      CheckTransition("qcl_1", v1::LOT_STATE_TESTING, v1::LOT_STATE_RELEASED)
          .ok());
  EXPECT_TRUE(CheckTransition("qcl_1", v1::LOT_STATE_CONDITIONALLY_RELEASED,
                              v1::LOT_STATE_RELEASED)
                  .ok());
  EXPECT_TRUE(
      CheckTransition("qcl_1", v1::LOT_STATE_RELEASED, v1::LOT_STATE_ON_HOLD)
          .ok());
  EXPECT_TRUE(
      CheckTransition("qcl_1", v1::LOT_STATE_ON_HOLD, v1::LOT_STATE_REJECTED)
          .ok());
  for (v1::LotState to : {v1::LOT_STATE_RELEASED, v1::LOT_STATE_ON_HOLD,
                          v1::LOT_STATE_REJECTED}) {
    absl::Status s = CheckTransition("qcl_1", v1::LOT_STATE_REJECTED, to);
    EXPECT_EQ(ReasonOf(s), kReasonLotState) << to;
    EXPECT_NE(s.message().find("final"), std::string::npos) << s;
  }
  EXPECT_EQ(ReasonOf(CheckTransition("qcl_1", v1::LOT_STATE_ON_HOLD,
                                     v1::LOT_STATE_ON_HOLD)),
            kReasonLotState);
  EXPECT_EQ(ReasonOf(CheckTransition("qcl_1", v1::LOT_STATE_RELEASED,
                                     v1::LOT_STATE_CONDITIONALLY_RELEASED)),
            kReasonLotState);
}

v1::Lot LotIn(v1::LotState state, std::vector<std::string> pending = {}) {
  v1::Lot lot;
  lot.set_lot_id("qcl_1");
  lot.set_state(state);
  for (std::string& code : pending) lot.add_pending_test_codes(code);
  return lot;
}

TEST(DispositionTest, AConditionalLotTakesOnlyItsPendingTests) {
  EXPECT_TRUE(CheckTakesResult(LotIn(v1::LOT_STATE_TESTING), "CD73").ok());
  EXPECT_TRUE(CheckTakesResult(LotIn(v1::LOT_STATE_ON_HOLD), "CD73").ok());
  EXPECT_EQ(ReasonOf(CheckTakesResult(LotIn(v1::LOT_STATE_RELEASED), "CD73")),
            kReasonLotState);
  EXPECT_EQ(ReasonOf(CheckTakesResult(LotIn(v1::LOT_STATE_REJECTED), "CD73")),
            kReasonLotState);
  v1::Lot conditional =
      LotIn(v1::LOT_STATE_CONDITIONALLY_RELEASED, {"STERILITY"});
  EXPECT_TRUE(CheckTakesResult(conditional, "STERILITY").ok());
  absl::Status s = CheckTakesResult(conditional, "CD73");
  EXPECT_EQ(ReasonOf(s), kReasonLotState);
  EXPECT_NE(s.message().find("(STERILITY)"), std::string::npos) << s;
}

TEST(DispositionTest, ALateOosRejectsAndALateReviewedPassClosesTheCondition) {
  v1::Lot conditional =
      LotIn(v1::LOT_STATE_CONDITIONALLY_RELEASED, {"STERILITY"});
  constexpr auto kOos = v1::CONFORMANCE_OUT_OF_SPECIFICATION;
  EXPECT_EQ(EffectOfResult(conditional, "STERILITY", kOos), LotEffect::kReject);
  EXPECT_EQ(EffectOfResult(conditional, "STERILITY",
                           v1::CONFORMANCE_IN_SPECIFICATION),
            LotEffect::kNone);
  EXPECT_EQ(EffectOfResult(LotIn(v1::LOT_STATE_TESTING), "STERILITY", kOos),
            LotEffect::kNone);
  // Put on hold after the conditional release, the lot's product is still
  // out there: the late OOS rejects it all the same...
  v1::Lot held = LotIn(v1::LOT_STATE_ON_HOLD, {"STERILITY"});
  EXPECT_TRUE(ConditionOpen(held));
  EXPECT_EQ(EffectOfResult(held, "STERILITY", kOos), LotEffect::kReject);
  // ...but not an OOS of a test that was never pending (an investigation
  // and QA's disposition decide), nor on a lot held before any release,
  // nor once the condition has closed.
  EXPECT_EQ(EffectOfResult(held, "CD73", kOos), LotEffect::kNone);
  EXPECT_FALSE(ConditionOpen(LotIn(v1::LOT_STATE_ON_HOLD)));
  EXPECT_EQ(EffectOfResult(LotIn(v1::LOT_STATE_ON_HOLD), "STERILITY", kOos),
            LotEffect::kNone);
  held.mutable_conditions_closed_at()->set_seconds(1);
  EXPECT_FALSE(ConditionOpen(held));
  EXPECT_EQ(EffectOfResult(held, "STERILITY", kOos), LotEffect::kNone);
  EXPECT_FALSE(ConditionOpen(LotIn(v1::LOT_STATE_RELEASED, {"STERILITY"})));

  v1::Specification spec = DefaultSpec();
  std::vector<v1::Result> results = AllIn(spec, {"STERILITY"});
  results.push_back(R("res_s", "STERILITY", v1::CONFORMANCE_IN_SPECIFICATION,
                      /*reviewed=*/false));
  EXPECT_FALSE(
      ClosesCondition(conditional, spec, EvaluateTests(spec, results), 0, 0));
  results.back().set_reviewed_by_user_id("ana2");
  std::vector<v1::TestEvaluation> tests = EvaluateTests(spec, results);
  EXPECT_TRUE(ClosesCondition(conditional, spec, tests, 0, 0));
  // Not while a major deviation or an investigation is open, and never for
  // a lot that is not conditionally released.
  EXPECT_FALSE(ClosesCondition(conditional, spec, tests, 0, 1));
  EXPECT_FALSE(ClosesCondition(conditional, spec, tests, 1, 0));
  EXPECT_FALSE(
      ClosesCondition(LotIn(v1::LOT_STATE_ON_HOLD), spec, tests, 0, 0));
}

TEST(StateWordTest, NamesEveryState) {
  EXPECT_EQ(StateWord(v1::LOT_STATE_CONDITIONALLY_RELEASED),
            "conditionally released");
  EXPECT_EQ(StateWord(v1::LOT_STATE_ON_HOLD), "on hold");
  EXPECT_EQ(StateWord(v1::LOT_STATE_UNSPECIFIED), "unspecified");
}

}  // namespace
}  // namespace cellchain::qc
