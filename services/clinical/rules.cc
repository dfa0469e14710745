#include "services/clinical/rules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/common/status/status.h"
#include "services/dose/rules.h"

namespace cellchain::clinical {
namespace {

constexpr absl::Duration kMaxInfusion = absl::Hours(24);
constexpr size_t kMaxComplications = 20;
constexpr size_t kMaxText = 500;
constexpr size_t kMaxTerm = 200;
constexpr size_t kMaxDescription = 4000;
constexpr size_t kMaxSegment = 100;
constexpr double kMaxStDeviationMm = 10;
constexpr int32_t kMaxEpisodes = 1000;
constexpr int32_t kObservationDays = 5;

using dose::Tenths;

std::string Ml(double ml) { return absl::StrFormat("%.2f ml/min", ml); }

// What of `band` does not match the dose's patient; empty when all does.
std::vector<std::string> WristbandMismatch(const v1::Wristband& band,
                                           const PatientIds& patient) {
  std::vector<std::string> wrong;
  // Both bedside identifiers are required: one matching identifier is not
  // a positive identification.
  if (band.date_of_birth().empty()) {
    wrong.push_back("date of birth not read");
  } else if (band.date_of_birth() != patient.date_of_birth) {
    wrong.push_back("date of birth");
  }
  if (band.initials().empty()) {
    wrong.push_back("initials not read");
  } else if (band.initials() != patient.initials) {
    wrong.push_back("initials");
  }
  if (!band.subject_id().empty() && band.subject_id() != patient.subject_id) {
    wrong.push_back("subject id");
  }
  if (!band.chain_of_identity().empty() &&
      band.chain_of_identity() != patient.chain_of_identity) {
    wrong.push_back("chain of identity");
  }
  return wrong;
}

std::string Who(const ClinicianScan& scan) {
  return scan.user_id.empty() ? std::string("a clinician") : scan.user_id;
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

// ---- the bedside
// --------------------------------------------------------------

std::vector<Check> BedsideChecks(const BedsideFacts& f) {
  std::vector<Check> checks;
  const dose::v1::Dose& dose = *f.dose;
  const absl::Time expires_at = TimeOf(dose.expires_at());
  if (!dose.has_expires_at() || f.now >= expires_at) {
    checks.push_back(
        {kReasonDoseExpired,
         absl::StrCat("dose ", dose.dose_id(), " expired at ",
                      absl::FormatTime(absl::RFC3339_sec, expires_at,
                                       absl::UTCTimeZone()))});
  }
  const bool released = (dose.state() == dose::v1::DOSE_STATE_RELEASED ||
                         dose.state() == dose::v1::DOSE_STATE_ISSUED) &&
                        !dose.released_by_user_id().empty();
  if (!released) {
    checks.push_back({kReasonDoseNotReleased,
                      absl::StrCat("dose ", dose.dose_id(), " is ",
                                   dose::v1::DoseState_Name(dose.state()),
                                   ", not released by the pharmacy")});
  }
  if (f.lot_state != qc::v1::LOT_STATE_RELEASED &&
      f.lot_state != qc::v1::LOT_STATE_CONDITIONALLY_RELEASED) {
    checks.push_back(
        {kReasonLotNotReleased,
         absl::StrCat(
             "lot ", dose.lot_id(), " is ", qc::v1::LotState_Name(f.lot_state),
             f.lot_state == qc::v1::LOT_STATE_REJECTED ? " (recalled)" : "",
             ", neither RELEASED nor CONDITIONALLY_RELEASED")});
  }
  const std::vector<std::string> held = dose::HeldItems(f.item, f.backward);
  if (!held.empty()) {
    checks.push_back({kReasonItemOnHold,
                      absl::StrCat("on hold: ", absl::StrJoin(held, ", "))});
  }
  std::vector<std::string> labels;
  std::vector<std::string> patients;
  for (const ClinicianScan& scan : f.checks) {
    const std::string label = dose::LabelMismatch(dose, scan.label_scan);
    if (!label.empty()) labels.push_back(absl::StrCat(Who(scan), ": ", label));
    const std::vector<std::string> wrong =
        WristbandMismatch(scan.wristband, f.patient);
    if (!wrong.empty()) {
      patients.push_back(absl::StrCat(Who(scan), ": the wristband's ",
                                      absl::StrJoin(wrong, ", "),
                                      " do not match the dose's patient"));
    }
  }
  if (!labels.empty()) {
    checks.push_back({kReasonLabelMismatch, absl::StrJoin(labels, "; ")});
  }
  if (!patients.empty()) {
    checks.push_back({kReasonWrongPatient, absl::StrJoin(patients, "; ")});
  }
  const bool two = f.checks.size() >= 2 && !f.checks[0].user_id.empty() &&
                   !f.checks[1].user_id.empty();
  if (!two) {
    checks.push_back({kReasonSecondClinicianMissing,
                      "the bedside check needs a second clinician"});
  } else if (f.checks[0].user_id == f.checks[1].user_id) {
    checks.push_back(
        {kReasonFourEyesSamePerson,
         absl::StrCat(f.checks[0].user_id,
                      " checked twice: the second check is another "
                      "clinician's")});
  }
  return checks;
}

// ---- the infusion
// -------------------------------------------------------------

absl::StatusOr<Rate> InfusionRate(double volume_ml, absl::Time started_at,
                                  absl::Time ended_at,
                                  const RuleOptions& options) {
  const std::optional<int64_t> tenths = Tenths(volume_ml);
  if (!tenths.has_value() || *tenths <= 0) {
    return InvalidField("details.volume_infused_ml",
                        "a positive volume in whole tenths of a ml");
  }
  const int64_t ms = absl::ToInt64Milliseconds(ended_at - started_at);
  if (ms <= 0) {
    return InvalidField("details.ended_at", "after the start");
  }
  if (ended_at - started_at > kMaxInfusion) {
    return InvalidField("details.ended_at", "at most 24 h after the start");
  }
  // ml/min in hundredths = tenths/10 × 60000/ms × 100 = tenths × 600000 /
  // ms, rounded halves up (both positive) in integers: (2n + d) / 2d.
  const int64_t n = *tenths * 600000;
  const int64_t hundredths = (2 * n + ms) / (2 * ms);
  Rate rate;
  rate.ml_per_min = static_cast<double>(hundredths) / 100;
  const int64_t lo = std::llround(options.min_rate_ml_per_min * 100);
  const int64_t hi = std::llround(options.max_rate_ml_per_min * 100);
  if (hundredths < lo || hundredths > hi) {
    rate.deviation = true;
    rate.deviation_text = absl::StrCat(
        Ml(rate.ml_per_min), " is ", hundredths < lo ? "below" : "above",
        " the band ", Ml(options.min_rate_ml_per_min), " to ",
        Ml(options.max_rate_ml_per_min), " (target ",
        Ml(options.target_rate_ml_per_min), ")");
  }
  return rate;
}

absl::StatusOr<double> Remainder(double dose_volume_ml, double infused_ml) {
  const std::optional<int64_t> dose = Tenths(dose_volume_ml);
  const std::optional<int64_t> infused = Tenths(infused_ml);
  if (!infused.has_value() || *infused <= 0) {
    return InvalidField("details.volume_infused_ml",
                        "a positive volume in whole tenths of a ml");
  }
  if (!dose.has_value() || *infused > *dose) {
    return InvalidField(
        "details.volume_infused_ml",
        absl::StrFormat("at most the dose's %.1f ml", dose_volume_ml));
  }
  return static_cast<double>(*dose - *infused) / 10;
}

absl::Status CheckInfusionDetails(const v1::InfusionDetails& d) {
  if (d.route() != v1::ROUTE_INTRACORONARY) {
    return InvalidField("details.route", "intracoronary");
  }
  if (d.artery() == v1::CORONARY_ARTERY_UNSPECIFIED ||
      !v1::CoronaryArtery_IsValid(d.artery())) {
    return InvalidField("details.artery", "required");
  }
  if (d.catheter_french() < 4 || d.catheter_french() > 8) {
    return InvalidField("details.catheter_french", "4 to 8 Fr");
  }
  if (static_cast<size_t>(d.complications_size()) > kMaxComplications) {
    return InvalidField("details.complications", "at most 20");
  }
  for (const std::string& c : d.complications()) {
    if (c.empty() || c.size() > kMaxText) {
      return InvalidField("details.complications", "each 1 to 500 characters");
    }
  }
  return absl::OkStatus();
}

// ---- the observation
// ----------------------------------------------------------

int64_t ObservationDayOf(absl::Time infused_at, absl::Time observed_at,
                         const RuleOptions& options) {
  const absl::CivilDay first = absl::ToCivilDay(infused_at, options.time_zone);
  const absl::CivilDay day = absl::ToCivilDay(observed_at, options.time_zone);
  return (day - first) + 1;
}

const std::vector<AnalyteUnit>& KnownAnalyteUnits() {
  // The upper ends are far beyond any living value: they catch a unit or a
  // decimal point gone wrong, not a sick patient.
  static const auto* const kUnits = new std::vector<AnalyteUnit>{
      {"AST", "U/L", 20000},       {"ALT", "U/L", 20000},
      {"TROPONIN_I", "ng/L", 1e6}, {"TROPONIN_I", "ng/mL", 1000},
      {"TROPONIN_T", "ng/L", 1e6}, {"TROPONIN_T", "ng/mL", 1000},
      {"CK", "U/L", 200000},       {"CK_MB", "U/L", 20000},
      {"CK_MB", "ng/mL", 2000},    {"CREATININE", "umol/L", 3000},
      {"CREATININE", "mg/dL", 35}, {"CRP", "mg/L", 1000},
      {"HEMOGLOBIN", "g/dL", 30},  {"HEMOGLOBIN", "g/L", 300},
      {"POTASSIUM", "mmol/L", 15}, {"LDH", "U/L", 50000},
  };
  return *kUnits;
}

namespace {

absl::Status CheckEntry(const v1::ObservationEntry& e, int32_t day,
                        const std::string& at) {
  switch (e.finding_case()) {
    case v1::ObservationEntry::kEcg: {
      const double st = e.ecg().st_deviation_mm();
      if (!std::isfinite(st) || std::fabs(st) > kMaxStDeviationMm) {
        return InvalidField(at + ".ecg.st_deviation_mm", "within ±10 mm");
      }
      static const auto* const kLeads =
          new std::set<std::string>{"I",  "II", "III", "aVR", "aVL", "aVF",
                                    "V1", "V2", "V3",  "V4",  "V5",  "V6"};
      if (st != 0 && e.ecg().leads().empty()) {
        return InvalidField(at + ".ecg.leads", "required with a deviation");
      }
      for (const std::string& lead : e.ecg().leads()) {
        if (!kLeads->contains(lead)) {
          return InvalidField(at + ".ecg.leads",
                              absl::StrCat("\"", lead,
                                           "\" is not a lead of the 12-lead "
                                           "ECG (I … aVF, V1 … V6)"));
        }
      }
      return absl::OkStatus();
    }
    case v1::ObservationEntry::kArrhythmia:
      if (e.arrhythmia().type() == v1::ARRHYTHMIA_TYPE_UNSPECIFIED ||
          !v1::ArrhythmiaType_IsValid(e.arrhythmia().type())) {
        return InvalidField(at + ".arrhythmia.type", "required");
      }
      if (e.arrhythmia().episodes() < 1 ||
          e.arrhythmia().episodes() > kMaxEpisodes) {
        return InvalidField(at + ".arrhythmia.episodes", "1 to 1000");
      }
      return absl::OkStatus();
    case v1::ObservationEntry::kIschemicEvent:
      if (e.ischemic_event().type() == v1::ISCHEMIC_EVENT_TYPE_UNSPECIFIED ||
          !v1::IschemicEventType_IsValid(e.ischemic_event().type())) {
        return InvalidField(at + ".ischemic_event.type", "required");
      }
      if (e.ischemic_event().description().size() > kMaxText) {
        return InvalidField(at + ".ischemic_event.description",
                            "at most 500 characters");
      }
      return absl::OkStatus();
    case v1::ObservationEntry::kLab: {
      const v1::LabValue& lab = e.lab();
      bool analyte_known = false;
      const AnalyteUnit* unit = nullptr;
      std::vector<std::string> units;
      for (const AnalyteUnit& u : KnownAnalyteUnits()) {
        if (u.analyte != lab.analyte()) continue;
        analyte_known = true;
        units.emplace_back(u.unit);
        if (u.unit == lab.unit()) unit = &u;
      }
      if (!analyte_known) {
        return InvalidField(
            at + ".lab.analyte",
            absl::StrCat("\"", lab.analyte(), "\" is not a known analyte"));
      }
      if (unit == nullptr) {
        return InvalidField(at + ".lab.unit",
                            absl::StrCat(lab.analyte(), " is reported in ",
                                         absl::StrJoin(units, " or "),
                                         ", not \"", lab.unit(), "\""));
      }
      if (!std::isfinite(lab.value()) || lab.value() < 0 ||
          lab.value() > unit->max) {
        return InvalidField(
            at + ".lab.value",
            absl::StrCat(lab.analyte(), " 0 to ", unit->max, " ", lab.unit()));
      }
      return absl::OkStatus();
    }
    case v1::ObservationEntry::kEcho:
      if (e.echo().local_hypokinesia() && e.echo().segment().empty()) {
        return InvalidField(at + ".echo.segment",
                            "required with local hypokinesia");
      }
      if (e.echo().segment().size() > kMaxSegment) {
        return InvalidField(at + ".echo.segment", "at most 100 characters");
      }
      return absl::OkStatus();
    case v1::ObservationEntry::kIcuStay:
      if (day > 2) {
        return InvalidField(at + ".icu_stay",
                            "an ICU stay in the first 24 h is recorded on "
                            "day 1 or 2");
      }
      if (!std::isfinite(e.icu_stay().hours()) || e.icu_stay().hours() <= 0 ||
          e.icu_stay().hours() > 24) {
        return InvalidField(at + ".icu_stay.hours", "more than 0, at most 24");
      }
      return absl::OkStatus();
    case v1::ObservationEntry::FINDING_NOT_SET:
      break;
  }
  return InvalidField(at, "a finding is required");
}

}  // namespace

absl::Status CheckObservation(int32_t day, absl::Time observed_at,
                              const std::vector<v1::ObservationEntry>& entries,
                              absl::Time infused_at, absl::Time now,
                              const RuleOptions& options) {
  if (day < 1 || day > kObservationDays) {
    return InvalidField("day", "1 to 5");
  }
  if (observed_at > now) {
    return InvalidField("observed_at", "not in the future");
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    CC_RETURN_IF_ERROR(
        CheckEntry(entries[i], day, absl::StrCat("entries[", i, "]")));
  }
  const int64_t actual = ObservationDayOf(infused_at, observed_at, options);
  if (actual != day) {
    return FailedRule(
        kReasonObservationDay,
        absl::StrCat(
            "observed at ",
            absl::FormatTime("%Y-%m-%d %H:%M", observed_at, options.time_zone),
            ", which is day ", actual, " of the observation, not ", day,
            " (day 1 is the infusion's, ",
            absl::FormatTime("%Y-%m-%d", infused_at, options.time_zone), ")"));
  }
  return absl::OkStatus();
}

// ---- adverse events
// -----------------------------------------------------------

absl::Status CheckAdverseEvent(const v1::ReportAdverseEventRequest& r,
                               absl::Time infused_at, absl::Time now) {
  if (r.term().empty() || r.term().size() > kMaxTerm) {
    return InvalidField("term", "1 to 200 characters");
  }
  if (!r.has_onset_at()) return InvalidField("onset_at", "required");
  const absl::Time onset = TimeOf(r.onset_at());
  if (onset < infused_at) {
    return InvalidField("onset_at", "not before the infusion's start");
  }
  if (onset > now) return InvalidField("onset_at", "not in the future");
  if (r.seriousness() == v1::SERIOUSNESS_UNSPECIFIED ||
      !v1::Seriousness_IsValid(r.seriousness())) {
    return InvalidField("seriousness", "required");
  }
  std::set<int> seen;
  for (int c : r.criteria()) {
    if (c == v1::SERIOUSNESS_CRITERION_UNSPECIFIED ||
        !v1::SeriousnessCriterion_IsValid(c)) {
      return InvalidField("criteria", "an unspecified criterion");
    }
    if (!seen.insert(c).second) {
      return InvalidField("criteria", "a criterion named twice");
    }
  }
  if (r.seriousness() == v1::SERIOUSNESS_SERIOUS && seen.empty()) {
    return InvalidField("criteria", "a serious event names its criteria");
  }
  if (r.seriousness() == v1::SERIOUSNESS_NOT_SERIOUS && !seen.empty()) {
    return InvalidField("criteria", "an event meeting a criterion is serious");
  }
  if (r.severity() == v1::SEVERITY_UNSPECIFIED ||
      !v1::Severity_IsValid(r.severity())) {
    return InvalidField("severity", "required");
  }
  if (r.relatedness() == v1::RELATEDNESS_UNSPECIFIED ||
      !v1::Relatedness_IsValid(r.relatedness())) {
    return InvalidField("relatedness", "required");
  }
  if (r.outcome() == v1::OUTCOME_UNSPECIFIED ||
      !v1::Outcome_IsValid(r.outcome())) {
    return InvalidField("outcome", "required");
  }
  if (r.outcome() == v1::OUTCOME_FATAL &&
      !seen.contains(v1::SERIOUSNESS_CRITERION_DEATH)) {
    return InvalidField("outcome", "a fatal outcome meets the criterion DEATH");
  }
  if (r.description().size() > kMaxDescription) {
    return InvalidField("description", "at most 4000 characters");
  }
  return absl::OkStatus();
}

bool NeedsLookback(const v1::AdverseEvent& event) {
  return event.seriousness() == v1::SERIOUSNESS_SERIOUS;
}

// ---- the lookback
// -------------------------------------------------------------

absl::StatusOr<std::vector<v1::LookbackPatient>> Lookback(
    const LookbackGraph& graph, std::string_view index_lot_id,
    std::string_view index_subject_id) {
  std::map<std::string, const LotNode*, std::less<>> lots;
  for (const LotNode& lot : graph.lots) lots[lot.lot_id] = &lot;
  const auto index_it = lots.find(index_lot_id);
  if (index_it == lots.end()) {
    return NotFound("lot", index_lot_id, kReasonLotNotFound);
  }
  const LotNode& index = *index_it->second;
  const std::set<std::string> index_reagents(index.reagent_lot_ids.begin(),
                                             index.reagent_lot_ids.end());
  std::vector<v1::LookbackPatient> found;
  for (const Administration& a : graph.administrations) {
    if (a.subject_id == index_subject_id) continue;
    const auto it = lots.find(a.lot_id);
    if (it == lots.end()) continue;
    const LotNode& lot = *it->second;
    v1::LookbackPatient p;
    if (lot.lot_id == index.lot_id) {
      p.add_links(v1::LOOKBACK_LINK_SAME_LOT);
    } else {
      if (!index.donor_lot_id.empty() &&
          lot.donor_lot_id == index.donor_lot_id) {
        p.add_links(v1::LOOKBACK_LINK_SAME_DONOR_LOT);
        p.set_donor_lot_id(lot.donor_lot_id);
      }
      std::set<std::string> shared;
      for (const std::string& r : lot.reagent_lot_ids) {
        if (index_reagents.contains(r)) shared.insert(r);
      }
      if (!shared.empty()) {
        p.add_links(v1::LOOKBACK_LINK_SHARED_REAGENT);
        for (const std::string& r : shared) p.add_reagent_lot_ids(r);
      }
    }
    if (p.links().empty()) continue;
    p.set_subject_id(a.subject_id);
    p.set_dose_id(a.dose_id);
    p.set_lot_id(a.lot_id);
    found.push_back(std::move(p));
  }
  std::sort(found.begin(), found.end(),
            [](const v1::LookbackPatient& x, const v1::LookbackPatient& y) {
              return std::tie(x.subject_id(), x.dose_id()) <
                     std::tie(y.subject_id(), y.dose_id());
            });
  return found;
}

}  // namespace cellchain::clinical
