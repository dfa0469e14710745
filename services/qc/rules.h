// The rules of release testing that need no database (library qc_rules):
// what a specification test accepts, how a result is judged against it,
// the default specification for the product, where each test of a lot
// stands, what a release would refuse, which dispositions a lot may take,
// which results a lot still takes and what a late result does to a
// conditional release (docs/services/qc.md).
//
// Judging never rounds: a numeric value and the limits are decimal text
// compared as doubles, so "69.99" fails "≥ 70 %" and "70" passes it.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_QC_RULES_H_
#define CELLCHAIN_SERVICES_QC_RULES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/common/status/failing_rules.h"
#include "services/qc/reasons.h"

namespace cellchain::qc {

// What the default specification takes from configuration.
struct DefaultSpecOptions {
  // Endotoxin must be below this, in [EU]/mL.
  std::string endotoxin_limit_eu_per_ml = "0.5";
  // The lot's total viable cells, inclusive.
  std::string viable_cells_min = "1.0E7";
  std::string viable_cells_max = "1.0E9";
};

// A finite decimal as the rules read a value or a limit ("70", "0.5",
// "1.0E7"); nullopt for anything but digits, a sign, a point and an
// exponent (so not "inf", "nan" or hexadecimal) or for more than 40
// characters. Configuration reads the default specification's values with
// it too, so that a value cellchaind accepts is one the rules take.
std::optional<double> ParseDecimal(std::string_view text);

// The default release specification of UC-MSC for RegenHeart (design brief
// §4.3): viability, identity markers, purity markers, sterility (may be
// pending), mycoplasma, endotoxin, karyotype, viable cell count.
std::vector<v1::SpecTest> DefaultTests(const DefaultSpecOptions& options);

// Checks one test of a specification and fills in its `criterion` text.
// INVALID_ARGUMENT naming "<field>.<subfield>": a code that is not 1-32 of
// [A-Z0-9_], a blank name or method, no kind; numeric: no unit, no limit, a
// limit that is not a finite decimal, min above max; qualitative: no
// allowed values, no pass values, a pass value not allowed, a unit or
// limits given.
absl::Status NormalizeTest(v1::SpecTest& test, std::string_view field);

// The criterion as people read it: "≥ 70 %", "< 0.5 [EU]/mL",
// "≥ 1.0E7 and ≤ 1.0E9 cells", "no growth".
std::string CriterionText(const v1::SpecTest& test);

// Judges a result's value (and unit, for a numeric test).
// INVALID_ARGUMENT field "value": not a finite decimal, or not one of a
// qualitative test's allowed values; FAILED_PRECONDITION UNIT_MISMATCH: a
// numeric result in another unit than the test's.
absl::StatusOr<v1::Conformance> Judge(const v1::SpecTest& test,
                                      std::string_view value,
                                      std::string_view unit);

// Where each test of `spec` stands given every result of the lot (in the
// order entered; invalidated ones are skipped), in the specification's
// order.
std::vector<v1::TestEvaluation> EvaluateTests(
    const v1::Specification& spec, const std::vector<v1::Result>& results);

// One reason a release would be refused (FailingRulesText reads a list of
// them).
using Blocker = FailingRule;

// What a release (or, with `conditional`, a conditional release) of a lot
// would refuse, in a stable order: tests not in (pending, awaiting review)
// — for a conditional release only those not allowed to be pending — tests
// out of specification, open investigations, the batch's open major
// deviations; for a conditional release with nothing pending,
// NOTHING_PENDING. `pending` gets the codes of the tests a conditional
// release leaves pending.
std::vector<Blocker> ReleaseBlockers(
    const v1::Specification& spec, const std::vector<v1::TestEvaluation>& tests,
    int open_investigations, int open_major_deviations, bool conditional,
    std::vector<std::string>* pending = nullptr);

// What a disposition to a state signs and records.
struct Disposition {
  common::v1::SignatureMeaning meaning;
  const char* action;  // the audit action: "lot.release", ...
  bool release;        // RELEASED or CONDITIONALLY_RELEASED
  bool reason_required;
};

// INVALID_ARGUMENT field "disposition" for anything but RELEASED,
// CONDITIONALLY_RELEASED (both meaning RELEASED), REJECTED (REJECTED,
// reason required) and ON_HOLD (APPROVED, reason required).
absl::StatusOr<Disposition> DispositionTo(v1::LotState to);

// FAILED_PRECONDITION LOT_STATE when a lot in `from` may not become `to`:
// a rejection is final; a lot does not become the state it is in; a
// released lot is not released again conditionally.
absl::Status CheckTransition(std::string_view lot_id, v1::LotState from,
                             v1::LotState to);

// FAILED_PRECONDITION LOT_STATE when a lot in `state` takes no result of
// `test_code`: a released or rejected lot takes none; a conditionally
// released one only the tests left pending at its release.
absl::Status CheckTakesResult(const v1::Lot& lot, std::string_view test_code);

// True while a conditional release's condition is open: the lot was
// released with tests pending and none of QA's full release or the last
// pending result has closed it — the lot is CONDITIONALLY_RELEASED, or QA
// has put it ON_HOLD since. Its product may already be in use.
bool ConditionOpen(const v1::Lot& lot);

// What a result of `test_code` entered now does to its lot.
enum class LotEffect {
  kNone,
  // A test left pending at a conditional release came in out of
  // specification while the condition is open (a hold meanwhile changes
  // nothing: the product is out there): the lot is rejected at once.
  kReject,
};
LotEffect EffectOfResult(const v1::Lot& lot, std::string_view test_code,
                         v1::Conformance conformance);

// After a review: true when a conditionally released lot has every test
// in and in specification and nothing else blocks a release (the
// condition closes, the lot is RELEASED).
bool ClosesCondition(const v1::Lot& lot, const v1::Specification& spec,
                     const std::vector<v1::TestEvaluation>& tests,
                     int open_investigations, int open_major_deviations);

// "released", "conditionally released", ... for messages.
std::string StateWord(v1::LotState state);

const v1::SpecTest* FindTest(const v1::Specification& spec,
                             std::string_view code);

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_RULES_H_
