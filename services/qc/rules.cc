#include "services/qc/rules.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::qc {
namespace {

std::string WithUnit(const std::string& value, const std::string& unit) {
  return unit.empty() ? value : absl::StrCat(value, " ", unit);
}

v1::SpecTest Numeric(std::string code, std::string name, std::string method,
                     std::string unit, std::string min, std::string max,
                     bool max_exclusive = false) {
  v1::SpecTest test;
  test.set_code(std::move(code));
  test.set_name(std::move(name));
  test.set_method(std::move(method));
  test.set_kind(v1::RESULT_KIND_NUMERIC);
  test.set_unit(std::move(unit));
  test.mutable_limits()->set_min(std::move(min));
  test.mutable_limits()->set_max(std::move(max));
  test.mutable_limits()->set_max_exclusive(max_exclusive);
  test.set_required(true);
  return test;
}

v1::SpecTest Qualitative(std::string code, std::string name, std::string method,
                         std::string pass, std::string fail,
                         bool may_be_pending = false) {
  v1::SpecTest test;
  test.set_code(std::move(code));
  test.set_name(std::move(name));
  test.set_method(std::move(method));
  test.set_kind(v1::RESULT_KIND_QUALITATIVE);
  test.add_allowed_values(pass);
  test.add_allowed_values(std::move(fail));
  test.add_pass_values(std::move(pass));
  test.set_required(true);
  test.set_may_be_pending(may_be_pending);
  return test;
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& values,
              std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

std::optional<double> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  // Only digits, a sign, a point and an exponent: SimpleAtod would also
  // take "inf", "nan" and hexadecimal.
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '.' &&
        c != '-' && c != '+' && c != 'e' && c != 'E') {
      return std::nullopt;
    }
  }
  double value = 0;
  if (!absl::SimpleAtod(ToAbsl(text), &value) || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::vector<v1::SpecTest> DefaultTests(const DefaultSpecOptions& options) {
  constexpr char kFlow[] = "flow cytometry";
  std::vector<v1::SpecTest> tests = {
      Numeric("VIABILITY", "Viability", "7-AAD flow cytometry", "%", "70", ""),
      Numeric("CD73", "CD73", kFlow, "%", "95", ""),
      Numeric("CD90", "CD90", kFlow, "%", "95", ""),
      Numeric("CD105", "CD105", kFlow, "%", "95", ""),
      Numeric("CD34", "CD34", kFlow, "%", "", "2"),
      Numeric("CD45", "CD45", kFlow, "%", "", "2"),
      Numeric("CD14_CD11B", "CD14 or CD11b", kFlow, "%", "", "2"),
      Numeric("CD19_CD79A", "CD19 or CD79α", kFlow, "%", "", "2"),
      Numeric("HLA_DR", "HLA-DR", kFlow, "%", "", "2"),
      Qualitative("STERILITY", "Sterility",
                  "Ph. Eur. 2.6.27, automated blood culture, 14 days",
                  "no growth", "growth", /*may_be_pending=*/true),
      Qualitative("MYCOPLASMA", "Mycoplasma", "Ph. Eur. 2.6.7, qPCR",
                  "not detected", "detected"),
      Numeric("ENDOTOXIN", "Endotoxin", "Ph. Eur. 2.6.14, kinetic LAL",
              "[EU]/mL", "", options.endotoxin_limit_eu_per_ml,
              /*max_exclusive=*/true),
      Qualitative("KARYOTYPE", "Karyotype", "G-banding, 20 metaphases",
                  "normal", "abnormal"),
      Numeric("VIABLE_CELL_COUNT", "Viable cell count",
              "automated count, trypan blue", "cells", options.viable_cells_min,
              options.viable_cells_max),
  };
  for (v1::SpecTest& test : tests) test.set_criterion(CriterionText(test));
  return tests;
}

absl::Status NormalizeTest(v1::SpecTest& test, std::string_view field) {
  auto sub = [field](std::string_view name) {
    return absl::StrCat(std::string(field), ".", std::string(name));
  };
  bool code_ok = !test.code().empty() && test.code().size() <= 32;
  for (char c : test.code()) {
    code_ok &= absl::ascii_isupper(static_cast<unsigned char>(c)) ||
               absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '_';
  }
  if (!code_ok) return InvalidField(sub("code"), "1 to 32 of [A-Z0-9_]");
  CC_RETURN_IF_ERROR(fields::RequireText(test.name(), sub("name"), 100));
  CC_RETURN_IF_ERROR(fields::RequireText(test.method(), sub("method"), 200));
  if (test.kind() == v1::RESULT_KIND_NUMERIC) {
    CC_RETURN_IF_ERROR(fields::RequireText(test.unit(), sub("unit"), 32));
    if (!test.allowed_values().empty() || !test.pass_values().empty()) {
      return InvalidField(sub("allowed_values"),
                          "a numeric test takes limits, not values");
    }
    const v1::NumericLimits& limits = test.limits();
    if (limits.min().empty() && limits.max().empty()) {
      return InvalidField(sub("limits"), "a minimum, a maximum or both");
    }
    std::optional<double> min, max;
    if (!limits.min().empty() && !(min = ParseDecimal(limits.min()))) {
      return InvalidField(sub("limits.min"), "a decimal number");
    }
    if (!limits.max().empty() && !(max = ParseDecimal(limits.max()))) {
      return InvalidField(sub("limits.max"), "a decimal number");
    }
    if (min && max &&
        (*min > *max || (*min == *max &&
                         (limits.min_exclusive() || limits.max_exclusive())))) {
      return InvalidField(sub("limits"), "no value can meet these limits");
    }
  } else if (test.kind() == v1::RESULT_KIND_QUALITATIVE) {
    if (!test.unit().empty() || !test.limits().min().empty() ||
        !test.limits().max().empty()) {
      return InvalidField(sub("unit"),
                          "a qualitative test takes values, not a unit or "
                          "limits");
    }
    if (test.allowed_values().empty()) {
      return InvalidField(sub("allowed_values"), "at least one value");
    }
    for (const std::string& value : test.allowed_values()) {
      CC_RETURN_IF_ERROR(
          fields::RequireText(value, sub("allowed_values"), 100));
    }
    if (test.pass_values().empty()) {
      return InvalidField(sub("pass_values"), "at least one value");
    }
    for (const std::string& value : test.pass_values()) {
      if (!Contains(test.allowed_values(), value)) {
        return InvalidField(
            sub("pass_values"),
            absl::StrCat("\"", value, "\" is not one of allowed_values"));
      }
    }
  } else {
    return InvalidField(sub("kind"), "NUMERIC or QUALITATIVE");
  }
  if (test.may_be_pending() && !test.required()) {
    return InvalidField(sub("may_be_pending"),
                        "only a required test can be pending at a "
                        "conditional release");
  }
  test.set_criterion(CriterionText(test));
  return absl::OkStatus();
}

std::string CriterionText(const v1::SpecTest& test) {
  if (test.kind() == v1::RESULT_KIND_QUALITATIVE) {
    return absl::StrJoin(test.pass_values(), " or ");
  }
  const v1::NumericLimits& limits = test.limits();
  std::string low =
      limits.min().empty()
          ? ""
          : absl::StrCat(limits.min_exclusive() ? "> " : "≥ ", limits.min());
  std::string high =
      limits.max().empty()
          ? ""
          : absl::StrCat(limits.max_exclusive() ? "< " : "≤ ", limits.max());
  if (!low.empty() && !high.empty()) {
    return WithUnit(absl::StrCat(low, " and ", high), test.unit());
  }
  return WithUnit(low.empty() ? high : low, test.unit());
}

absl::StatusOr<v1::Conformance> Judge(const v1::SpecTest& test,
                                      std::string_view value,
                                      std::string_view unit) {
  if (test.kind() == v1::RESULT_KIND_QUALITATIVE) {
    if (!Contains(test.allowed_values(), value)) {
      return InvalidField(
          "value", absl::StrCat(test.name(), " takes one of: ",
                                absl::StrJoin(test.allowed_values(), ", ")));
    }
    return Contains(test.pass_values(), value)
               ? v1::CONFORMANCE_IN_SPECIFICATION
               : v1::CONFORMANCE_OUT_OF_SPECIFICATION;
  }
  std::optional<double> number = ParseDecimal(value);
  if (!number) {
    return InvalidField(
        "value",
        absl::StrCat(test.name(), " takes a decimal number in ", test.unit()));
  }
  if (unit != test.unit()) {
    return FailedRule(
        kReasonUnitMismatch,
        absl::StrCat(test.name(), " is specified in ", test.unit(), ", not \"",
                     std::string(unit), "\""));
  }
  const v1::NumericLimits& limits = test.limits();
  bool in = true;
  if (!limits.min().empty()) {
    double min = ParseDecimal(limits.min()).value_or(0);
    in &= limits.min_exclusive() ? *number > min : *number >= min;
  }
  if (!limits.max().empty()) {
    double max = ParseDecimal(limits.max()).value_or(0);
    in &= limits.max_exclusive() ? *number < max : *number <= max;
  }
  return in ? v1::CONFORMANCE_IN_SPECIFICATION
            : v1::CONFORMANCE_OUT_OF_SPECIFICATION;
}

std::vector<v1::TestEvaluation> EvaluateTests(
    const v1::Specification& spec, const std::vector<v1::Result>& results) {
  std::vector<v1::TestEvaluation> out;
  for (const v1::SpecTest& test : spec.tests()) {
    v1::TestEvaluation evaluation;
    evaluation.set_code(test.code());
    bool any = false, oos = false, unreviewed = false;
    for (const v1::Result& result : results) {
      if (result.test_code() != test.code() || result.invalidated()) continue;
      any = true;
      evaluation.add_result_ids(result.result_id());
      oos |= result.conformance() == v1::CONFORMANCE_OUT_OF_SPECIFICATION;
      unreviewed |= result.reviewed_by_user_id().empty();
    }
    // An OOS result counts from the moment it is entered, reviewed or not:
    // it is never outweighed by a passing one (no testing into compliance).
    evaluation.set_status(!any         ? v1::TEST_STATUS_PENDING
                          : oos        ? v1::TEST_STATUS_OUT_OF_SPECIFICATION
                          : unreviewed ? v1::TEST_STATUS_AWAITING_REVIEW
                                       : v1::TEST_STATUS_IN_SPECIFICATION);
    out.push_back(std::move(evaluation));
  }
  return out;
}

std::vector<Blocker> ReleaseBlockers(
    const v1::Specification& spec, const std::vector<v1::TestEvaluation>& tests,
    int open_investigations, int open_major_deviations, bool conditional,
    std::vector<std::string>* pending) {
  std::vector<Blocker> blockers;
  std::vector<std::string> left_pending;
  std::vector<Blocker> oos;
  for (const v1::TestEvaluation& evaluation : tests) {
    const v1::SpecTest* test = FindTest(spec, evaluation.code());
    if (test == nullptr) continue;
    switch (evaluation.status()) {
      case v1::TEST_STATUS_PENDING:
      case v1::TEST_STATUS_AWAITING_REVIEW: {
        if (!test->required()) break;
        if (conditional && test->may_be_pending()) {
          left_pending.push_back(test->code());
          break;
        }
        bool awaiting = evaluation.status() == v1::TEST_STATUS_AWAITING_REVIEW;
        blockers.push_back(
            {awaiting ? kReasonTestAwaitingReview : kReasonTestPending,
             absl::StrCat(test->name(),
                          awaiting ? ": a result awaits review by a second "
                                     "analyst"
                                   : ": no result",
                          test->may_be_pending() && !conditional
                              ? " (a conditional release may leave it "
                                "pending)"
                              : "")});
        break;
      }
      case v1::TEST_STATUS_OUT_OF_SPECIFICATION:
        oos.push_back({kReasonTestOutOfSpecification,
                       absl::StrCat(test->name(),
                                    ": a valid result is out of "
                                    "specification (",
                                    test->criterion(), ")")});
        break;
      default:
        break;
    }
  }
  blockers.insert(blockers.end(), oos.begin(), oos.end());
  if (open_investigations > 0) {
    blockers.push_back(
        {kReasonInvestigationOpen,
         absl::StrCat(open_investigations,
                      " OOS investigation(s) open: QA must close them")});
  }
  if (open_major_deviations > 0) {
    blockers.push_back(
        {kReasonMajorDeviationOpen,
         absl::StrCat(open_major_deviations,
                      " major or critical deviation(s) of the batch open: QA "
                      "must assess them")});
  }
  if (conditional && blockers.empty() && left_pending.empty()) {
    blockers.push_back({kReasonNothingPending,
                        "every test is in: release the lot, not "
                        "conditionally"});
  }
  if (pending != nullptr) *pending = std::move(left_pending);
  return blockers;
}

absl::StatusOr<Disposition> DispositionTo(v1::LotState to) {
  switch (to) {
    case v1::LOT_STATE_RELEASED:
      return Disposition{common::v1::SIGNATURE_MEANING_RELEASED, "lot.release",
                         true, false};
    case v1::LOT_STATE_CONDITIONALLY_RELEASED:
      return Disposition{common::v1::SIGNATURE_MEANING_RELEASED,
                         "lot.release_conditional", true, false};
    case v1::LOT_STATE_REJECTED:
      return Disposition{common::v1::SIGNATURE_MEANING_REJECTED, "lot.reject",
                         false, true};
    case v1::LOT_STATE_ON_HOLD:
      return Disposition{common::v1::SIGNATURE_MEANING_APPROVED, "lot.hold",
                         false, true};
    default:
      return InvalidField("disposition",
                          "RELEASED, CONDITIONALLY_RELEASED, REJECTED or "
                          "ON_HOLD");
  }
}

absl::Status CheckTransition(std::string_view lot_id, v1::LotState from,
                             v1::LotState to) {
  if (from == v1::LOT_STATE_REJECTED) {
    return FailedRule(kReasonLotState,
                      absl::StrCat("lot ", ToAbsl(lot_id),
                                   " is rejected: a rejection is final"));
  }
  if (from == to || (to == v1::LOT_STATE_CONDITIONALLY_RELEASED &&
                     from == v1::LOT_STATE_RELEASED)) {
    return FailedRule(
        kReasonLotState,
        absl::StrCat("lot ", ToAbsl(lot_id), " is ", StateWord(from),
                     ": it cannot become ", StateWord(to)));
  }
  return absl::OkStatus();
}

absl::Status CheckTakesResult(const v1::Lot& lot, std::string_view test_code) {
  const bool conditional = lot.state() == v1::LOT_STATE_CONDITIONALLY_RELEASED;
  if (lot.state() == v1::LOT_STATE_RELEASED ||
      lot.state() == v1::LOT_STATE_REJECTED ||
      (conditional && !Contains(lot.pending_test_codes(), test_code))) {
    return FailedRule(
        kReasonLotState,
        absl::StrCat(
            "lot ", lot.lot_id(), " is ", StateWord(lot.state()),
            conditional
                ? absl::StrCat(": it takes results only for the "
                               "tests left pending (",
                               absl::StrJoin(lot.pending_test_codes(), ", "),
                               ")")
                : ": it takes no more results"));
  }
  return absl::OkStatus();
}

bool ConditionOpen(const v1::Lot& lot) {
  return (lot.state() == v1::LOT_STATE_CONDITIONALLY_RELEASED ||
          lot.state() == v1::LOT_STATE_ON_HOLD) &&
         !lot.pending_test_codes().empty() && !lot.has_conditions_closed_at();
}

LotEffect EffectOfResult(const v1::Lot& lot, std::string_view test_code,
                         v1::Conformance conformance) {
  return ConditionOpen(lot) && Contains(lot.pending_test_codes(), test_code) &&
                 conformance == v1::CONFORMANCE_OUT_OF_SPECIFICATION
             ? LotEffect::kReject
             : LotEffect::kNone;
}

bool ClosesCondition(const v1::Lot& lot, const v1::Specification& spec,
                     const std::vector<v1::TestEvaluation>& tests,
                     int open_investigations, int open_major_deviations) {
  return lot.state() == v1::LOT_STATE_CONDITIONALLY_RELEASED &&
         ReleaseBlockers(spec, tests, open_investigations,
                         open_major_deviations, /*conditional=*/false)
             .empty();
}

std::string StateWord(v1::LotState state) {
  switch (state) {
    case v1::LOT_STATE_TESTING:
      return "in testing";
    case v1::LOT_STATE_RELEASED:
      return "released";
    case v1::LOT_STATE_CONDITIONALLY_RELEASED:
      return "conditionally released";
    case v1::LOT_STATE_REJECTED:
      return "rejected";
    case v1::LOT_STATE_ON_HOLD:
      return "on hold";
    default:
      return "unspecified";
  }
}

const v1::SpecTest* FindTest(const v1::Specification& spec,
                             std::string_view code) {
  for (const v1::SpecTest& test : spec.tests()) {
    if (test.code() == code) return &test;
  }
  return nullptr;
}

}  // namespace cellchain::qc
