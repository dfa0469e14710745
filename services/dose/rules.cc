#include "services/dose/rules.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/isbt128/scan.h"

namespace cellchain::dose {
namespace {

constexpr double kMaxFinalVolumeMl = 1000;
constexpr double kMaxCells = 1e13;
constexpr size_t kMaxIdentifying = 200;
constexpr size_t kMaxOrderText = 200;

bool Positive(double v) { return std::isfinite(v) && v > 0; }

// "1.008E7 cells"-style scientific text for messages.
std::string Cells(double cells) { return absl::StrFormat("%.4g", cells); }

// |value − target| ≤ target × percent / 100, without dividing, so that a
// value exactly on the bound is inside.
bool WithinPercent(double value, double target, double percent) {
  return std::fabs(value - target) * 100 <= target * percent;
}

absl::Status CheckViability(double v, std::string_view field) {
  if (!std::isfinite(v) || v <= 0 || v > 100) {
    return InvalidField(field, "a percentage above 0 and at most 100");
  }
  return absl::OkStatus();
}

bool IsUpperOrDigit(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

Prescription WithDefaults(double viable_cells, double final_volume_ml,
                          const RuleOptions& options) {
  return {
      viable_cells == 0 ? options.default_viable_cells : viable_cells,
      final_volume_ml == 0 ? options.default_final_volume_ml : final_volume_ml};
}

absl::StatusOr<v1::PreparationPlan> PlanPreparation(
    const Prescription& prescription, const v1::SourceCount& source,
    const RuleOptions& options) {
  if (!Positive(prescription.viable_cells) ||
      prescription.viable_cells > kMaxCells) {
    return InvalidField("prescribed_viable_cells",
                        "a positive number of cells");
  }
  std::optional<int64_t> final_tenths = Tenths(prescription.final_volume_ml);
  if (!Positive(prescription.final_volume_ml) ||
      prescription.final_volume_ml > kMaxFinalVolumeMl || !final_tenths) {
    return InvalidField("final_volume_ml",
                        "a positive volume in ml, to 0.1 ml, at most 1000");
  }
  if (!Positive(source.total_cells_per_ml()) ||
      source.total_cells_per_ml() > kMaxCells) {
    return InvalidField("source.total_cells_per_ml",
                        "a positive count of cells per ml");
  }
  CC_RETURN_IF_ERROR(
      CheckViability(source.viability_percent(), "source.viability_percent"));
  v1::PreparationPlan plan;
  const double viable_per_ml =
      source.total_cells_per_ml() * source.viability_percent() / 100;
  plan.set_viable_cells_per_ml(viable_per_ml);
  const double exact_ml = prescription.viable_cells / viable_per_ml;
  // Nearest 0.1 ml, halves away from zero (the file comment of rules.h).
  const int64_t suspension_tenths = std::llround(exact_ml * 10);
  if (suspension_tenths > *final_tenths) {
    return FailedRule(
        kReasonSuspensionTooDilute,
        absl::StrFormat("%s viable cells need %.2f ml of a suspension of %s "
                        "viable cells/ml, more than the final volume of "
                        "%.1f ml: concentrate the cells and count again",
                        Cells(prescription.viable_cells), exact_ml,
                        Cells(viable_per_ml), prescription.final_volume_ml));
  }
  const double planned =
      static_cast<double>(suspension_tenths) / 10 * viable_per_ml;
  if (suspension_tenths < 1 ||
      !WithinPercent(planned, prescription.viable_cells,
                     options.dose_tolerance_percent)) {
    return FailedRule(
        kReasonSuspensionTooConcentrated,
        absl::StrFormat("%s viable cells are %.3f ml of a suspension of %s "
                        "viable cells/ml: to the nearest 0.1 ml that is not "
                        "within ±%g %% of the dose; dilute the suspension "
                        "and count again",
                        Cells(prescription.viable_cells), exact_ml,
                        Cells(viable_per_ml), options.dose_tolerance_percent));
  }
  plan.set_suspension_volume_ml(static_cast<double>(suspension_tenths) / 10);
  plan.set_diluent_volume_ml(
      static_cast<double>(*final_tenths - suspension_tenths) / 10);
  plan.set_final_volume_ml(static_cast<double>(*final_tenths) / 10);
  plan.set_planned_viable_cells(planned);
  plan.set_planned_cells_per_ml(planned / plan.final_volume_ml());
  plan.set_planned_deviation_percent((planned - prescription.viable_cells) /
                                     prescription.viable_cells * 100);
  return plan;
}

absl::StatusOr<Acceptance> JudgeCount(double prescribed_viable_cells,
                                      double final_volume_ml,
                                      double total_cells_per_ml,
                                      double viability_percent,
                                      const RuleOptions& options) {
  if (!Positive(total_cells_per_ml) || total_cells_per_ml > kMaxCells) {
    return InvalidField("total_cells_per_ml",
                        "a positive count of cells per ml");
  }
  CC_RETURN_IF_ERROR(CheckViability(viability_percent, "viability_percent"));
  Acceptance out;
  out.delivered_viable_cells =
      total_cells_per_ml * viability_percent / 100 * final_volume_ml;
  out.deviation_percent =
      (out.delivered_viable_cells - prescribed_viable_cells) /
      prescribed_viable_cells * 100;
  if (!WithinPercent(out.delivered_viable_cells, prescribed_viable_cells,
                     options.dose_tolerance_percent)) {
    out.failures.push_back(absl::StrFormat(
        "%s viable cells delivered, %+.1f %% of the %s prescribed: outside "
        "±%g %%",
        Cells(out.delivered_viable_cells), out.deviation_percent,
        Cells(prescribed_viable_cells), options.dose_tolerance_percent));
  }
  if (viability_percent < options.min_viability_percent) {
    out.failures.push_back(absl::StrFormat("viability %g %% is below %g %%",
                                           viability_percent,
                                           options.min_viability_percent));
  }
  return out;
}

absl::Time ExpiryOf(absl::Time prepared_at, const RuleOptions& options) {
  const absl::Time end = prepared_at + options.expiry;
  // Down to the minute in the zone the label is written in.
  return options.time_zone.At(absl::ToCivilMinute(end, options.time_zone)).pre;
}

absl::StatusOr<std::string> ExpirationOf(absl::Time expires_at,
                                         const RuleOptions& options) {
  return isbt128::EncodeExpiration(
      absl::ToCivilMinute(expires_at, options.time_zone));
}

absl::StatusOr<std::string> DivisionCode(int index) {
  // First level: A-Z then 1-9 (0 would make "00", "not divided").
  static constexpr char kFirst[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789";
  constexpr int kFirstCount = sizeof(kFirst) - 1;  // 35
  constexpr int kLevels = 27;                      // '0', then a-z
  if (index < 0 || index >= kFirstCount * kLevels) {
    return FailedRule(
        kReasonLotDivisionsExhausted,
        absl::StrCat("a lot takes at most ", kFirstCount * kLevels,
                     " doses (ISBT 128 division codes)"));
  }
  const int level = index / kFirstCount;
  std::string code(1, kFirst[index % kFirstCount]);
  code.push_back(level == 0 ? '0' : static_cast<char>('a' + level - 1));
  return code;
}

absl::StatusOr<std::string> DonationIdentificationOf(std::string_view din) {
  CC_ASSIGN_OR_RETURN(isbt128::Din parsed, isbt128::Din::Parse(din));
  return isbt128::EncodeDonationIdentification(parsed,
                                               isbt128::Type3Flags(parsed));
}

absl::StatusOr<std::string> DoseProductCode(std::string_view division,
                                            const RuleOptions& options) {
  isbt128::ProductCode code;
  code.description_code = options.product_description_code;
  code.tds = absl::StrCat(std::string(1, options.collection_type),
                          std::string(division));
  return isbt128::EncodeProductCode(code);
}

absl::StatusOr<std::string> ChainOfIdentityFor(std::string_view fin, int year,
                                               int64_t sequence) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  constexpr int64_t kLimit = 36LL * 36 * 36 * 36 * 36 * 36;
  if (sequence < 1 || sequence >= kLimit) {
    return InvalidField("coi.sequence", "1 to 36^6 - 1");
  }
  std::string text(6, '0');
  for (int i = 5; i >= 0; --i) {
    text[i] = kDigits[sequence % 36];
    sequence /= 36;
  }
  CC_ASSIGN_OR_RETURN(
      isbt128::ChainOfIdentityId id,
      isbt128::ChainOfIdentityId::Create(fin, year % 100, text));
  return isbt128::EncodeChainOfIdentity(id);
}

absl::Status CheckPatient(const v1::RegisterPatientRequest& request,
                          absl::CivilDay today) {
  const std::string& subject = request.subject_id();
  if (subject.empty() || subject.size() > 32 ||
      !std::all_of(subject.begin(), subject.end(),
                   [](char c) { return IsUpperOrDigit(c) || c == '-'; })) {
    return InvalidField("subject_id", "1 to 32 of A-Z, 0-9 and '-'");
  }
  absl::CivilDay born;
  if (request.date_of_birth().size() != 10 ||
      !absl::ParseCivilTime(ToAbsl(request.date_of_birth()), &born)) {
    return InvalidField("date_of_birth", "a date, YYYY-MM-DD");
  }
  if (born > today || born.year() < 1900) {
    return InvalidField("date_of_birth", "not after today, not before 1900");
  }
  const std::string& initials = request.initials();
  if (initials.size() < 2 || initials.size() > 3 ||
      !std::all_of(initials.begin(), initials.end(),
                   [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return InvalidField("initials", "2 or 3 capital letters A-Z");
  }
  if (request.identifying().name().size() > kMaxIdentifying) {
    return InvalidField("identifying.name", "at most 200 characters");
  }
  if (request.identifying().medical_record_number().size() > kMaxIdentifying) {
    return InvalidField("identifying.medical_record_number",
                        "at most 200 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Order> OrderFrom(const v1::CreateOrderRequest& request,
                                    const RuleOptions& options) {
  if (request.subject_id().empty()) {
    return InvalidField("subject_id", "required");
  }
  const Prescription p = WithDefaults(request.prescribed_viable_cells(),
                                      request.final_volume_ml(), options);
  if (!Positive(p.viable_cells) || p.viable_cells > kMaxCells) {
    return InvalidField("prescribed_viable_cells",
                        "a positive number of cells, or 0 for the default");
  }
  if (!Positive(p.final_volume_ml) || p.final_volume_ml > kMaxFinalVolumeMl ||
      !Tenths(p.final_volume_ml)) {
    return InvalidField(
        "final_volume_ml",
        "a positive volume in ml, to 0.1 ml, at most 1000, or 0 for 20 ml");
  }
  if (!Positive(request.heparin_iu_per_ml()) ||
      request.heparin_iu_per_ml() > 1000) {
    return InvalidField("heparin_iu_per_ml",
                        "required: IU/ml, above 0 and at most 1000");
  }
  if (request.vehicle().size() > kMaxOrderText) {
    return InvalidField("vehicle", "at most 200 characters");
  }
  if (request.route().size() > kMaxOrderText) {
    return InvalidField("route", "at most 200 characters");
  }
  if (!request.has_planned_infusion_at()) {
    return InvalidField("planned_infusion_at", "required");
  }
  if (request.prescriber().find_first_not_of(" \t") == std::string::npos) {
    return InvalidField("prescriber", "required");
  }
  if (request.prescriber().size() > kMaxOrderText) {
    return InvalidField("prescriber", "at most 200 characters");
  }
  v1::Order order;
  order.set_subject_id(request.subject_id());
  order.set_prescribed_viable_cells(p.viable_cells);
  order.set_final_volume_ml(p.final_volume_ml);
  order.set_vehicle(request.vehicle().empty()
                        ? "0.9 % sodium chloride with heparin"
                        : request.vehicle());
  order.set_heparin_iu_per_ml(request.heparin_iu_per_ml());
  order.set_route(request.route().empty()
                      ? "intracoronary, left coronary artery, 6 Fr catheter, "
                        "no balloon occlusion, 2 ml/min"
                      : request.route());
  *order.mutable_planned_infusion_at() = request.planned_infusion_at();
  order.set_prescriber(request.prescriber());
  return order;
}

std::string StateWord(v1::DoseState state) {
  std::string name(absl::StripPrefix(v1::DoseState_Name(state), "DOSE_STATE_"));
  std::transform(name.begin(), name.end(), name.begin(), [](char c) {
    return c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  });
  return name;
}

bool Live(v1::DoseState state) {
  switch (state) {
    case v1::DOSE_STATE_PREPARED:
    case v1::DOSE_STATE_COUNTED:
    case v1::DOSE_STATE_VERIFIED:
    case v1::DOSE_STATE_RELEASED:
    case v1::DOSE_STATE_ISSUED:
    case v1::DOSE_STATE_RETURNED:
      return true;
    default:
      return false;
  }
}

absl::Status RequireState(const v1::Dose& dose,
                          std::initializer_list<v1::DoseState> states,
                          std::string_view action) {
  if (std::find(states.begin(), states.end(), dose.state()) != states.end()) {
    return absl::OkStatus();
  }
  std::vector<std::string> words;
  for (v1::DoseState s : states) words.push_back(StateWord(s));
  return FailedRule(
      kReasonDoseState,
      absl::StrCat("dose ", dose.dose_id(), " is ", StateWord(dose.state()),
                   ": ", std::string(action), " needs it ",
                   absl::StrJoin(words, " or ")));
}

std::string LabelMismatch(const v1::Dose& dose, std::string_view scan) {
  if (scan.empty()) return "no label was scanned";
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(scan);
  if (!parsed.ok()) {
    return absl::StrCat("the scan is not ISBT 128 data: ",
                        std::string(parsed.status().message()));
  }
  bool din = false, product = false, expiry = false, coi = false;
  std::vector<std::string> wrong;
  for (const isbt128::DataStructure& ds : *parsed) {
    if (const auto* d =
            std::get_if<isbt128::DonationIdentification>(&ds.value)) {
      if (d->din.ToString() == dose.din()) {
        din = true;
      } else {
        wrong.push_back(absl::StrCat("DIN ", d->din.ToString()));
      }
    } else if (std::holds_alternative<isbt128::ProductCode>(ds.value)) {
      if (ds.text == dose.product_code()) {
        product = true;
      } else {
        wrong.push_back(absl::StrCat("product code ", ds.text));
      }
    } else if (std::holds_alternative<isbt128::Expiration>(ds.value)) {
      if (ds.text == dose.expiration()) {
        expiry = true;
      } else {
        wrong.push_back(absl::StrCat("expiry ", ds.text));
      }
    } else if (std::holds_alternative<isbt128::ChainOfIdentityId>(ds.value)) {
      if (ds.text == dose.chain_of_identity()) {
        coi = true;
      } else {
        wrong.push_back(absl::StrCat("chain of identity ", ds.text));
      }
    } else {
      wrong.push_back(absl::StrCat("data structure ", ds.number));
    }
  }
  std::vector<std::string> missing;
  if (!din) missing.push_back("DIN (001)");
  if (!product) missing.push_back("product code (003)");
  if (!expiry) missing.push_back("expiry (005)");
  if (!coi) missing.push_back("chain of identity (040)");
  std::vector<std::string> parts;
  if (!wrong.empty()) {
    parts.push_back(
        absl::StrCat("the label shows another ", absl::StrJoin(wrong, ", ")));
  }
  if (!missing.empty()) {
    parts.push_back(
        absl::StrCat("the dose's ", absl::StrJoin(missing, ", "), " not read"));
  }
  return absl::StrJoin(parts, "; ");
}

namespace {

void Walk(const custody::v1::TraceNode& node, std::vector<std::string>& held) {
  if (node.item().on_hold() && std::find(held.begin(), held.end(),
                                         node.item().item_id()) == held.end()) {
    held.push_back(node.item().item_id());
  }
  for (const custody::v1::TraceNode& child : node.children()) {
    Walk(child, held);
  }
}

std::string CustodyBreak(const ReleaseFacts& f) {
  const custody::v1::Item& item = f.item;
  const v1::Dose& dose = *f.dose;
  if (item.item_id() != dose.item_id()) {
    return absl::StrCat("custody has no item ", dose.item_id());
  }
  if (item.type() != custody::v1::ITEM_TYPE_DOSE_BAG) {
    return absl::StrCat("item ", item.item_id(), " is not a dose bag");
  }
  if (item.state() == custody::v1::ITEM_STATE_IN_TRANSIT ||
      !item.open_handoff_id().empty()) {
    return absl::StrCat("item ", item.item_id(), " is in transit (handoff ",
                        item.open_handoff_id(), ")");
  }
  if (item.state() == custody::v1::ITEM_STATE_CONSUMED ||
      item.state() == custody::v1::ITEM_STATE_INFUSED ||
      item.state() == custody::v1::ITEM_STATE_DISCARDED) {
    return absl::StrCat("item ", item.item_id(), " has ended (",
                        custody::v1::ItemState_Name(item.state()), ")");
  }
  if (item.custodian_user_id().empty() && item.location_id().empty()) {
    return absl::StrCat("item ", item.item_id(),
                        " has neither a custodian nor a place");
  }
  bool from_lot = false;
  for (const custody::v1::ParentLink& p : item.parents()) {
    if (p.parent_item_id() == dose.product_item_id() &&
        p.kind() == custody::v1::DERIVATION_KIND_FORMULATION) {
      from_lot = true;
    }
  }
  if (!from_lot) {
    return absl::StrCat("item ", item.item_id(),
                        " is not derived from the product lot ",
                        dose.product_item_id());
  }
  if (item.patient_id() != dose.subject_id()) {
    return absl::StrCat("item ", item.item_id(), " is for patient \"",
                        item.patient_id(), "\", the dose for ",
                        dose.subject_id());
  }
  return "";
}

}  // namespace

std::optional<int64_t> Tenths(double ml) {
  if (!std::isfinite(ml)) return std::nullopt;
  const double tenths = ml * 10;
  const double rounded = std::round(tenths);
  if (std::fabs(tenths - rounded) > 1e-6) return std::nullopt;
  return static_cast<int64_t>(rounded);
}

std::vector<std::string> HeldItems(const custody::v1::Item& item,
                                   const custody::v1::TraceResponse& backward) {
  std::vector<std::string> held;
  if (item.on_hold()) held.push_back(item.item_id());
  if (backward.has_root()) Walk(backward.root(), held);
  return held;
}

std::vector<Gate> ReleaseGates(const ReleaseFacts& f) {
  std::vector<Gate> gates;
  const v1::Dose& dose = *f.dose;
  // The lot.
  if (f.lot_state == qc::v1::LOT_STATE_CONDITIONALLY_RELEASED) {
    std::vector<std::string> unacknowledged;
    for (const std::string& code : f.pending_test_codes) {
      if (std::find(f.acknowledged_test_codes.begin(),
                    f.acknowledged_test_codes.end(),
                    code) == f.acknowledged_test_codes.end()) {
        unacknowledged.push_back(code);
      }
    }
    if (!unacknowledged.empty()) {
      gates.push_back(
          {kReasonConditionNotAcknowledged,
           absl::StrCat("lot ", dose.lot_id(),
                        " is conditionally released with ",
                        absl::StrJoin(unacknowledged, ", "),
                        " pending: acknowledge each pending test")});
    }
  } else if (f.lot_state != qc::v1::LOT_STATE_RELEASED) {
    gates.push_back(
        {kReasonLotNotReleased,
         absl::StrCat("lot ", dose.lot_id(), " is ",
                      qc::v1::LotState_Name(f.lot_state),
                      ", neither RELEASED nor CONDITIONALLY_RELEASED")});
  }
  // The preparation.
  const bool counted = !dose.counted_by_user_id().empty();
  if (!counted || dose.state() == v1::DOSE_STATE_NOT_ACCEPTABLE) {
    gates.push_back({kReasonPreparationNotAccepted,
                     counted
                         ? absl::StrCat("dose ", dose.dose_id(),
                                        " is outside the acceptance window")
                         : absl::StrCat("dose ", dose.dose_id(),
                                        " has no count after preparation")});
  }
  if (dose.verified_by_user_id().empty()) {
    gates.push_back({kReasonPreparationNotVerified,
                     absl::StrCat("dose ", dose.dose_id(),
                                  " is not verified by a second technician")});
  }
  if (f.judge_scan_and_patient) {
    std::string label = LabelMismatch(dose, f.label_scan);
    if (!label.empty()) gates.push_back({kReasonLabelMismatch, label});
    std::vector<std::string> wrong;
    if (f.given.subject_id != f.ordered.subject_id)
      wrong.push_back("subject id");
    if (f.given.date_of_birth != f.ordered.date_of_birth) {
      wrong.push_back("date of birth");
    }
    if (f.given.initials != f.ordered.initials) wrong.push_back("initials");
    if (!wrong.empty()) {
      gates.push_back(
          {kReasonPatientMismatch,
           absl::StrCat("the patient's ", absl::StrJoin(wrong, ", "),
                        wrong.size() == 1 ? " does not" : " do not",
                        " match the order's patient")});
    }
  }
  const absl::Time expires_at =
      absl::FromUnixMicros(dose.expires_at().seconds() * 1'000'000 +
                           dose.expires_at().nanos() / 1000);
  if (f.now >= expires_at) {
    gates.push_back(
        {kReasonDoseExpired,
         absl::StrCat("dose ", dose.dose_id(), " expired at ",
                      absl::FormatTime(absl::RFC3339_sec, expires_at,
                                       absl::UTCTimeZone()))});
  }
  const std::vector<std::string> held = HeldItems(f.item, f.backward);
  if (!held.empty()) {
    gates.push_back({kReasonItemOnHold,
                     absl::StrCat("on hold: ", absl::StrJoin(held, ", "))});
  }
  std::string broken = CustodyBreak(f);
  if (!broken.empty()) gates.push_back({kReasonCustodyBroken, broken});
  if (f.item.temperature_excursion()) {
    gates.push_back({kReasonTemperatureExcursion,
                     absl::StrCat("item ", f.item.item_id(),
                                  " had a temperature excursion")});
  }
  return gates;
}

}  // namespace cellchain::dose
