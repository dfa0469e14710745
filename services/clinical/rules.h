// The rules of the infusion and the safety observation that need no
// database (library clinical_rules; docs/services/clinical.md): the bedside
// check as one function over facts gathered elsewhere, the infusion rate
// and its deviation, the remainder of a partial infusion, the checks of an
// observation day's entries and of an adverse event, and the lookback of a
// serious adverse event over a graph of lots.
//
// Rate. The rate is volume / (end − start) in ml/min, rounded to the
// nearest 0.01 ml/min, halves away from zero, and computed in integers
// (tenths of a ml over whole milliseconds) so that a half is a half: 10.0
// ml in 5 min 20 s is 1.875 ml/min and shows 1.88. The band is judged on
// the rounded rate, the figure the record shows, so a record never shows
// 2.50 flagged against a band that ends at 2.50; the band is inclusive.
// Why 0.01: the pump is set in 0.1 ml/min steps, so a hundredth shows
// a deviation from the setting without pretending to a precision the
// timing (to the second, read off the cath lab's clock) does not have.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_CLINICAL_RULES_H_
#define CELLCHAIN_SERVICES_CLINICAL_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/clinical/reasons.h"
#include "services/common/status/failing_rules.h"

namespace cellchain::clinical {

// What the rules take from configuration.
struct RuleOptions {
  // The infusion rate's target (design brief §4.6: 20 ml at 2 ml/min) and
  // the band outside which it is a deviation, inclusive, ml/min.
  double target_rate_ml_per_min = 2.0;
  double min_rate_ml_per_min = 1.5;
  double max_rate_ml_per_min = 2.5;
  // The site's time zone: day 1 of the observation is the infusion's
  // calendar day there.
  absl::TimeZone time_zone = absl::UTCTimeZone();
};

// ---- the bedside
// --------------------------------------------------------------

// The patient as the dose service has them.
struct PatientIds {
  std::string subject_id;
  std::string date_of_birth;  // YYYY-MM-DD
  std::string initials;
  std::string chain_of_identity;  // ISBT 128 040
};

// One clinician's check: who, and what they scanned and read.
struct ClinicianScan {
  std::string user_id;
  std::string label_scan;
  v1::Wristband wristband;
};

// What a bedside verification is decided from, gathered in the verifying
// transaction.
struct BedsideFacts {
  const dose::v1::Dose* dose = nullptr;
  // The patient whose chain of identity the dose carries.
  PatientIds patient;
  // The QC lot as qc has it now (a lot recalled after release is
  // REJECTED).
  qc::v1::LotState lot_state = qc::v1::LOT_STATE_UNSPECIFIED;
  // Custody: the dose bag and everything it came from (TraceBackward).
  custody::v1::Item item;
  custody::v1::TraceResponse backward;
  // The clinicians' checks, the caller's first; a second clinician who did
  // not take part is absent (or has no user id).
  std::vector<ClinicianScan> checks;
  absl::Time now;
};

// One failing check (FailingRulesText reads a list of them).
using Check = FailingRule;

// Every check that fails, in the order of reasons.h: the dose not expired
// (now before its expiry), released by the pharmacy (RELEASED or ISSUED,
// with a releaser), its lot RELEASED or CONDITIONALLY_RELEASED, nothing on
// hold (the bag or anything in its backward trace: a recall holds them),
// each clinician's label scan exactly the dose's (dose::LabelMismatch),
// each wristband's date of birth and initials — both — those of the dose's
// patient and its subject id and chain of identity, when read, too; two
// checks, by two different clinicians. A check failing for both
// clinicians is named once, with both in its message.
std::vector<Check> BedsideChecks(const BedsideFacts& facts);

// ---- the infusion
// -------------------------------------------------------------

// The rate of an infusion and how it compares with the band.
struct Rate {
  double ml_per_min = 0;  // to 0.01 ml/min (see the file comment)
  bool deviation = false;
  std::string deviation_text;  // empty when in the band
};

// INVALID_ARGUMENT naming the field: `details.volume_infused_ml` (not
// positive and finite, not a whole number of tenths),
// `details.ended_at` (not after the start; more than 24 h after it). The
// caller has checked that both times are present.
absl::StatusOr<Rate> InfusionRate(double volume_ml, absl::Time started_at,
                                  absl::Time ended_at,
                                  const RuleOptions& options);

// The part of a dose of `dose_volume_ml` that an infusion of `infused_ml`
// left, ml, in whole tenths (0: all of it). INVALID_ARGUMENT
// `details.volume_infused_ml` when more than the dose was infused.
absl::StatusOr<double> Remainder(double dose_volume_ml, double infused_ml);

// The infusion's details other than the rate: route intracoronary, an
// artery, a catheter of 4 to 8 Fr, at most 20 complications of at most 500
// characters each. INVALID_ARGUMENT naming the field (`details.route`,
// `details.artery`, `details.catheter_french`, `details.complications`).
absl::Status CheckInfusionDetails(const v1::InfusionDetails& details);

// ---- the observation
// ----------------------------------------------------------

// The observation day of `observed_at` counted from the infusion's start:
// 1 on the infusion's calendar day in options.time_zone.
int64_t ObservationDayOf(absl::Time infused_at, absl::Time observed_at,
                         const RuleOptions& options);

// The analytes a lab value may name, and each one's units and plausible
// range (inclusive) in that unit.
struct AnalyteUnit {
  std::string_view analyte;
  std::string_view unit;
  double max;  // the lowest is 0
};
const std::vector<AnalyteUnit>& KnownAnalyteUnits();

// One day's entries (the caller has checked that observed_at is present).
// INVALID_ARGUMENT naming the field: `day` (not 1..5), `observed_at`
// (after `now`), and per entry
// `entries[i]` (no finding), `entries[i].ecg.st_deviation_mm` (not within
// ±10 mm), `entries[i].ecg.leads` (none for a deviation, or a lead not of
// the 12-lead ECG), `entries[i].arrhythmia.type`,
// `entries[i].arrhythmia.episodes` (1..1000),
// `entries[i].ischemic_event.type`, `entries[i].lab.analyte` (not known),
// `entries[i].lab.unit` (not a unit of the analyte),
// `entries[i].lab.value` (outside 0..the analyte's maximum in that unit),
// `entries[i].echo.segment` (required with local hypokinesia, at most 100
// characters), `entries[i].icu_stay.hours` (not in (0, 24]),
// `entries[i].icu_stay` (on a day other than 1 or 2: the first 24 h end on
// day 2 at the latest). FAILED_PRECONDITION OBSERVATION_DAY when
// observed_at is not on `day` counted from `infused_at`.
absl::Status CheckObservation(int32_t day, absl::Time observed_at,
                              const std::vector<v1::ObservationEntry>& entries,
                              absl::Time infused_at, absl::Time now,
                              const RuleOptions& options);

// ---- adverse events
// -----------------------------------------------------------

// INVALID_ARGUMENT naming the field: `term` (required, at most 200
// characters), `onset_at` (missing, before `infused_at`, after `now`),
// `seriousness`, `severity`, `relatedness`, `outcome` (unspecified),
// `criteria` (none for a serious event, any for a non-serious one, an
// unspecified or repeated one), `outcome` (FATAL without the criterion
// DEATH), `description` (over 4000 characters).
absl::Status CheckAdverseEvent(const v1::ReportAdverseEventRequest& request,
                               absl::Time infused_at, absl::Time now);

// Every serious adverse event produces a lookback, whatever its
// relatedness: relatedness is a judgment revised as cases accumulate, and a
// lookback that was never run cannot be found later.
bool NeedsLookback(const v1::AdverseEvent& event);

// ---- the lookback
// -------------------------------------------------------------

// A product lot and what it was made from.
struct LotNode {
  std::string lot_id;
  std::string donor_lot_id;
  std::vector<std::string> reagent_lot_ids;
};

// A dose of a lot infused into a patient.
struct Administration {
  std::string subject_id;
  std::string dose_id;
  std::string lot_id;
};

// patient ← dose ← lot ← donor lot, lot ← reagent lots.
struct LookbackGraph {
  std::vector<LotNode> lots;
  std::vector<Administration> administrations;
};

// Every other patient (not `index_subject_id`) who received material from
// `index_lot_id`, from another lot of its donor lot, or from a lot that
// shares one of its reagent lots — one entry per dose, with every link
// that reaches it (SAME_LOT alone for the index lot itself), sorted by
// subject id then dose id. NOT_FOUND LOT_NOT_FOUND when the index lot is
// not in the graph.
absl::StatusOr<std::vector<v1::LookbackPatient>> Lookback(
    const LookbackGraph& graph, std::string_view index_lot_id,
    std::string_view index_subject_id);

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_RULES_H_
