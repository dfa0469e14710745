// Donor eligibility of a birth mother (21 CFR 1271 subpart C; design brief
// §4.1): the rules that turn her consent and the screening of her specimen
// into ELIGIBLE, INELIGIBLE or INCOMPLETE, with every reason listed. Pure
// domain code: no gRPC, no database; the donor service feeds it what it
// stored and records the determination, which an authorised person signs.
//
// The rules, in the order the reasons are listed:
//   - consent: withdrawn -> INELIGIBLE (CONSENT_WITHDRAWN); never given ->
//     INCOMPLETE (CONSENT_MISSING);
//   - the birth's time must be known, since the specimen window is measured
//     from it (BIRTH_NOT_RECORDED, INCOMPLETE);
//   - per required test of the panel, only results of specimens drawn within
//     the window around the birth count (default 7 days either side,
//     1271.80(b)); a result outside it is listed (SPECIMEN_OUT_OF_WINDOW)
//     and ignored;
//   - no counting result -> INCOMPLETE (TEST_MISSING);
//   - any counting result reactive (for a test whose reactive result
//     disqualifies) -> INELIGIBLE (TEST_REACTIVE); indeterminate ->
//     INELIGIBLE (TEST_INDETERMINATE). A later non-reactive retest does
//     not undo an earlier reactive result: no testing into eligibility;
//   - ELIGIBLE only when nothing above applies.
//
// Thread-safety: values and pure functions.
#ifndef CELLCHAIN_SERVICES_DONOR_ELIGIBILITY_H_
#define CELLCHAIN_SERVICES_DONOR_ELIGIBILITY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace cellchain::donor {

enum class TestResult { kNonReactive, kReactive, kIndeterminate };

struct PanelTest {
  std::string code;  // "HIV_NAT", "HBSAG", ...
  std::string name;  // as printed on the determination
  // A reactive result makes the donor ineligible. False for tests the
  // regulation requires to be done but not to be negative (CMV antibody).
  bool reactive_disqualifies = true;
};

struct Panel {
  std::vector<PanelTest> tests;  // every one required
  // How far before or after the birth the specimen may be drawn.
  absl::Duration specimen_window = absl::Hours(24 * 7);
};

// The panel for a birth mother of umbilical-cord tissue (a viable,
// leukocyte-rich HCT/P): 21 CFR 1271.85(a) and (b) and FDA's donor
// screening guidance.
Panel DefaultPanel();

struct Screening {
  std::string test_code;
  TestResult result = TestResult::kNonReactive;
  absl::Time specimen_drawn_at;
  std::string method;
  std::string kit_lot;
};

struct Consent {
  bool given = false;
  bool withdrawn = false;
};

struct DonorFacts {
  Consent consent;
  std::optional<absl::Time> birth_at;
  std::vector<Screening> screenings;
};

enum class Eligibility { kEligible, kIneligible, kIncomplete };

// The codes of a determination's reasons (Reason::code), as stored and
// shown.
inline constexpr char kCodeConsentWithdrawn[] = "CONSENT_WITHDRAWN";
inline constexpr char kCodeConsentMissing[] = "CONSENT_MISSING";
inline constexpr char kCodeBirthNotRecorded[] = "BIRTH_NOT_RECORDED";
inline constexpr char kCodeSpecimenOutOfWindow[] = "SPECIMEN_OUT_OF_WINDOW";
inline constexpr char kCodeTestMissing[] = "TEST_MISSING";
inline constexpr char kCodeTestReactive[] = "TEST_REACTIVE";
inline constexpr char kCodeTestIndeterminate[] = "TEST_INDETERMINATE";
// A reactive result of a test that does not disqualify (CMV antibody): a
// note for the product's labelling, shown with the determination.
inline constexpr char kCodeReactiveForInformation[] =
    "TEST_REACTIVE_FOR_INFORMATION";

struct Reason {
  std::string code;            // CONSENT_WITHDRAWN, TEST_REACTIVE, ...
  std::string test_code;       // the test it is about, or ""
  std::string message;         // for a person
  bool disqualifying = false;  // makes the donor INELIGIBLE (else INCOMPLETE
                               // or, for a note, nothing)
};

// SPECIMEN_OUT_OF_WINDOW and TEST_REACTIVE_FOR_INFORMATION: shown, and
// deciding nothing.
bool IsNote(const Reason& reason);

struct Determination {
  Eligibility eligibility = Eligibility::kIncomplete;
  std::vector<Reason> reasons;
};

Determination Determine(const Panel& panel, const DonorFacts& facts);

// "ELIGIBLE", "INELIGIBLE", "INCOMPLETE".
const char* EligibilityName(Eligibility eligibility);

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_ELIGIBILITY_H_
