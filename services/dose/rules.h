// The rules of dose preparation and release that need no database
// (library dose_rules; docs/services/dose.md): the preparation arithmetic,
// the acceptance window of the count after preparation, the expiry and the
// ISBT 128 identification of a dose, the checks of a patient's and an
// order's fields, what a scanned label must hold, and the gates of a
// release as one function over facts gathered elsewhere.
//
// Arithmetic. The source suspension's viable concentration is its total
// count × viability / 100. The suspension volume that holds the prescribed
// viable cells is prescribed / viable concentration, rounded to the
// nearest 0.1 ml (halves away from zero): the syringes the pharmacy draws
// with are graduated in 0.1 ml, a volume between two marks cannot be
// drawn, and the nearest mark keeps the error at most 0.05 ml in either
// direction, where always rounding up or down would bias every dose the
// same way. The diluent is the final volume minus the rounded suspension
// volume, so the final volume is exact. The planned dose is what the
// rounded volume holds; a suspension so concentrated that the rounding
// alone moves the planned dose outside the acceptance window (or that
// needs less than 0.1 ml) is refused — it must be diluted and counted
// again — and one so dilute that the volume exceeds the final volume is
// refused too. Volumes are computed in whole tenths of a ml, so that 20.0
// − 5.6 is 14.4 exactly.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_DOSE_RULES_H_
#define CELLCHAIN_SERVICES_DOSE_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/common/status/failing_rules.h"
#include "services/dose/reasons.h"

namespace cellchain::dose {

// What the rules take from configuration.
struct RuleOptions {
  // An order's defaults (design brief §4.4: 1×10⁷ viable cells in 20 ml,
  // 5×10⁵ cells/ml).
  double default_viable_cells = 1.0e7;
  double default_final_volume_ml = 20.0;
  // The acceptance window: the viable cells delivered within ± this % of
  // the prescribed, and the dose's viability at least this %.
  double dose_tolerance_percent = 10.0;
  double min_viability_percent = 70.0;
  // A dose expires this long after its preparation (then rounded down to
  // the minute, the resolution of ISBT 128 data structure 005).
  absl::Duration expiry = absl::Hours(6);
  // The time zone the expiry's date and time are written in.
  absl::TimeZone time_zone = absl::UTCTimeZone();
  // ISBT 128 product code (003) of a dose: the product description code
  // (αoooo) assigned to the product by ICCBBA — "S1295" is the example of
  // ST-001 Figure 3 and must be configured — and the type of collection
  // (t, ST-001 Table 7; "0": not specified).
  std::string product_description_code = "S1295";
  char collection_type = '0';
  // The FIN a patient's chain of identity identifier (040) is issued under.
  std::string fin = "A9999";
};

// ---- preparation ------------------------------------------------------------

// The prescription a plan is computed for, with the order's defaults
// applied (0 means the default).
struct Prescription {
  double viable_cells = 0;
  double final_volume_ml = 0;
};

// The volumes and planned dose of a preparation (see the file comment).
// INVALID_ARGUMENT naming the field: `prescribed_viable_cells` (not a
// positive finite number), `final_volume_ml` (not positive, over 1000 ml,
// or not a whole number of tenths), `source.total_cells_per_ml` (not
// positive and finite), `source.viability_percent` (not in (0, 100]).
// FAILED_PRECONDITION SUSPENSION_TOO_DILUTE, SUSPENSION_TOO_CONCENTRATED.
absl::StatusOr<v1::PreparationPlan> PlanPreparation(
    const Prescription& prescription, const v1::SourceCount& source,
    const RuleOptions& options);

// The prescription with the defaults for the zero fields.
Prescription WithDefaults(double viable_cells, double final_volume_ml,
                          const RuleOptions& options);

// The count after preparation judged against the acceptance window.
struct Acceptance {
  double delivered_viable_cells = 0;  // total/ml × viability × volume
  double deviation_percent = 0;       // (delivered − prescribed) / prescribed
  std::vector<std::string> failures;  // empty: acceptable
};
// INVALID_ARGUMENT `total_cells_per_ml` (not positive and finite),
// `viability_percent` (not in (0, 100]). The bounds are inclusive: exactly
// −10 % or exactly 70 % is acceptable.
absl::StatusOr<Acceptance> JudgeCount(double prescribed_viable_cells,
                                      double final_volume_ml,
                                      double total_cells_per_ml,
                                      double viability_percent,
                                      const RuleOptions& options);

// ---- identification ---------------------------------------------------------

// The expiry of a dose prepared at `prepared_at`: plus options.expiry,
// rounded down to the minute (a label never shows a time later than the
// real expiry).
absl::Time ExpiryOf(absl::Time prepared_at, const RuleOptions& options);
// Data structure 005 of `expires_at` in options.time_zone.
// INVALID_ARGUMENT (field "expiration") outside the years 2000-2999.
absl::StatusOr<std::string> ExpirationOf(absl::Time expires_at,
                                         const RuleOptions& options);

// The division code (ds) of the `index`-th dose of a lot, from 0: "A0" …
// "Z0", "00" is never used ("not divided"), then "10" … "90", then the
// same first characters with a second level "a" … "z" ("Aa" …): 35 × 27
// divisions. FAILED_PRECONDITION LOT_DIVISIONS_EXHAUSTED beyond.
absl::StatusOr<std::string> DivisionCode(int index);
// Data structure 001 of a DIN of 13 characters, with its Type 3 flags
// (the MOD 37-2 check, ST-001 Table 3). INVALID_ARGUMENT (field "din")
// for a malformed DIN.
absl::StatusOr<std::string> DonationIdentificationOf(std::string_view din);
// Data structure 003 of a dose with `division`. INVALID_ARGUMENT (field
// "product_code...") when the configured codes are malformed.
absl::StatusOr<std::string> DoseProductCode(std::string_view division,
                                            const RuleOptions& options);
// Data structure 040 of a patient: the FIN, the year's last two digits and
// `sequence` (1 to 36⁶ − 1) in six base-36 characters.
// INVALID_ARGUMENT (field "coi...") for a malformed FIN or a sequence out
// of range.
absl::StatusOr<std::string> ChainOfIdentityFor(std::string_view fin, int year,
                                               int64_t sequence);

// ---- patients and orders ----------------------------------------------------

// INVALID_ARGUMENT naming the field: `subject_id` (1-32 of A-Z 0-9 '-'),
// `date_of_birth` (a YYYY-MM-DD date, not after `today`), `initials` (2 or
// 3 of A-Z), `identifying.name` / `identifying.medical_record_number` (at
// most 200 characters).
absl::Status CheckPatient(const v1::RegisterPatientRequest& request,
                          absl::CivilDay today);

// The order a request makes, defaults applied (the caller sets ids and
// times). INVALID_ARGUMENT naming the field: `subject_id` (required),
// `prescribed_viable_cells`, `final_volume_ml` (negative, not finite, or
// out of range), `heparin_iu_per_ml` (required, positive, at most 1000),
// `vehicle`, `route` (at most 200 characters), `planned_infusion_at`
// (required), `prescriber` (required).
absl::StatusOr<v1::Order> OrderFrom(const v1::CreateOrderRequest& request,
                                    const RuleOptions& options);

// ---- states -----------------------------------------------------------------

// "prepared", "verified", ... for messages.
std::string StateWord(v1::DoseState state);
// True while a dose of an order may still reach the patient (a second one
// is not prepared meanwhile): prepared up to returned.
bool Live(v1::DoseState state);
// FAILED_PRECONDITION DOSE_STATE unless `dose` is in one of `states`;
// the message says what `action` needs.
absl::Status RequireState(const v1::Dose& dose,
                          std::initializer_list<v1::DoseState> states,
                          std::string_view action);

// ---- release ----------------------------------------------------------------

// The patient as an order has them, or as the pharmacist read them.
struct PatientIds {
  std::string subject_id;
  std::string date_of_birth;
  std::string initials;
};

// What a release is decided from, gathered in the releasing transaction.
struct ReleaseFacts {
  const v1::Dose* dose = nullptr;
  // The QC lot as qc has it now.
  qc::v1::LotState lot_state = qc::v1::LOT_STATE_UNSPECIFIED;
  std::vector<std::string> pending_test_codes;
  std::vector<std::string> acknowledged_test_codes;
  // What the pharmacist scanned and read; with `judge_scan_and_patient`
  // false (GetDose's preview) neither is judged.
  bool judge_scan_and_patient = true;
  std::string label_scan;
  PatientIds given;
  PatientIds ordered;
  absl::Time now;
  // Custody: the dose item, and everything it came from (TraceBackward).
  custody::v1::Item item;
  custody::v1::TraceResponse backward;
};

// One failing gate (FailingRulesText reads a list of them).
using Gate = FailingRule;

// Every gate that fails, in the order of reasons.h: the lot released (or
// conditionally, every pending test acknowledged), the count acceptable,
// the preparation verified, the scan exactly the dose's DIN, product code,
// expiry and chain of identity (LabelMismatch), the patient's subject id,
// date of birth and initials those of the order, now before the expiry,
// no hold on the dose or anything in its backward trace, custody unbroken
// (the item a dose bag not in transit nor ended, held by a person or a
// place, derived from the lot's product item, for the order's patient),
// no temperature excursion of the dose bag.
std::vector<Gate> ReleaseGates(const ReleaseFacts& facts);

// Whole tenths of a ml when `ml` is one (to within floating error), as
// volumes are computed (the preparation here, the infusion's rate and
// remainder in clinical); nullopt otherwise, and for what is not finite.
std::optional<int64_t> Tenths(double ml);

// The items on hold among a dose bag `item` and everything it came from
// (`backward`, custody's TraceBackward of it), the bag first, each once: a
// recall holds them. What the release gate and the bedside check
// ITEM_ON_HOLD name.
std::vector<std::string> HeldItems(const custody::v1::Item& item,
                                   const custody::v1::TraceResponse& backward);

// Empty when `scan` holds exactly the dose's 001 (DIN), 003, 005 and 040
// and nothing that contradicts them; else why not.
std::string LabelMismatch(const v1::Dose& dose, std::string_view scan);

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_RULES_H_
