#include "services/clinical/store.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/clinical/reasons.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"

namespace cellchain::clinical {
namespace {

// ---- SQL -----------------------------------------------------------------
// Read as the snapshot's fields are named (pg::FillFromRow fills a proto by
// column name); timestamps read as µs since the epoch (pg::MicrosColumn).

// The infusion's details (route, artery, ...) are columns named as
// InfusionDetails' fields: FillFromRow of the Infusion ignores them, that
// of its details reads them.
std::string InfusionSelect() {
  return absl::StrCat(
      "SELECT infusion_id, dose_id, subject_id, lot_id, item_id, "
      "chain_of_identity, dose_volume_ml, state, received_by AS "
      "received_by_user_id, ",
      pg::MicrosColumn("received_at"), ", receipt_handoff_id, ",
      pg::MicrosColumn("bedside_verified_at"), ", ",
      pg::MicrosColumn("started_at"), ", ", pg::MicrosColumn("ended_at"),
      ", volume_infused_ml, route, artery, catheter_french, "
      "balloon_occlusion, rate_ml_per_min, rate_deviation, operator AS "
      "operator_user_id, remainder_ml, remainder_disposal, disposed_by AS "
      "disposed_by_user_id, disposal_witness AS disposal_witness_user_id, ",
      pg::MicrosColumn("disposed_at"),
      ", disposal_reason, return_handoff_id, version "
      "FROM cellchain_clinical.infusions ");
}
constexpr char kWhereInfusion[] = "WHERE infusion_id = $1";
constexpr char kWhereInfusionForUpdate[] = "WHERE infusion_id = $1 FOR UPDATE";
// $1 lot or subject, $2 the limit.
constexpr char kWhereOfLot[] =
    "WHERE lot_id = $1 ORDER BY received_at, infusion_id LIMIT $2";
constexpr char kWhereOfSubject[] =
    "WHERE subject_id = $1 ORDER BY received_at, infusion_id LIMIT $2";
constexpr char kSelectObservationsOf[] =
    "SELECT observation_id FROM cellchain_clinical.observations "
    "WHERE infusion_id = $1 ORDER BY day, observed_at, observation_id";
// INFUSION_STATE_RETURNED = 4, as the unique index's predicate.
constexpr char kWhereLiveOfDose[] = "WHERE dose_id = $1 AND state <> 4";

// A check's own columns fill BedsideCheck, the wristband's fill Wristband
// (each ignores the other's).
std::string BedsideSelect() {
  return absl::StrCat(
      "SELECT user_id, label_scan, ", pg::MicrosColumn("checked_at"),
      ", subject_id, date_of_birth, initials, chain_of_identity "
      "FROM cellchain_clinical.bedside_checks WHERE infusion_id = $1 "
      "ORDER BY ordinal");
}

constexpr char kSelectComplications[] =
    "SELECT complication FROM cellchain_clinical.infusion_complications "
    "WHERE infusion_id = $1 ORDER BY position";

template <typename Executor>
absl::Status FillComplications(Executor& executor, v1::Infusion& infusion) {
  CC_ASSIGN_OR_RETURN(pg::Result r, executor.Exec(kSelectComplications,
                                                  {infusion.infusion_id()}));
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(*infusion.mutable_details()->add_complications(),
                        r.GetString(row, 0));
  }
  return absl::OkStatus();
}

template <typename Executor>
absl::Status FillChecks(Executor& executor, v1::Infusion& infusion) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      executor.Exec(BedsideSelect(), {infusion.infusion_id()}));
  for (int row = 0; row < r.rows(); ++row) {
    v1::BedsideCheck* check = infusion.add_bedside_checks();
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *check));
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *check->mutable_wristband()));
  }
  return absl::OkStatus();
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Infusion>> Load(Executor& executor,
                                               const std::string& sql,
                                               const pg::Params& params) {
  CC_ASSIGN_OR_RETURN(pg::Result r, executor.Exec(sql, params));
  CC_ASSIGN_OR_RETURN(int started, r.ColumnIndex("started_at"));
  std::vector<v1::Infusion> rows(r.rows());
  for (int row = 0; row < r.rows(); ++row) {
    v1::Infusion& infusion = rows[row];
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, infusion));
    // Details only once the infusion is recorded.
    if (!r.IsNull(row, started)) {
      CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *infusion.mutable_details()));
      CC_RETURN_IF_ERROR(FillComplications(executor, infusion));
    }
    CC_RETURN_IF_ERROR(FillChecks(executor, infusion));
  }
  return rows;
}

std::string ObservationSelect() {
  return absl::StrCat(
      "SELECT observation_id, infusion_id, subject_id, day, ",
      pg::MicrosColumn("observed_at"), ", recorded_by AS recorded_by_user_id, ",
      pg::MicrosColumn("recorded_at"),
      " FROM cellchain_clinical.observations WHERE observation_id = $1");
}
constexpr char kSelectEntries[] =
    "SELECT finding, st_deviation_mm, coalesce(leads, '') AS leads, "
    "arrhythmia_type, episodes, ischemic_event_type, description, analyte, "
    "value, unit, local_hypokinesia, segment, icu_hours "
    "FROM cellchain_clinical.observation_entries WHERE observation_id = $1 "
    "ORDER BY position";

// One entry's finding from its row: the columns are named as the
// finding's fields but for the ICU stay's hours.
absl::StatusOr<v1::ObservationEntry> EntryOf(const pg::Result& r, int row) {
  CC_ASSIGN_OR_RETURN(int64_t finding, r.GetInt64(row, 0));
  v1::ObservationEntry entry;
  switch (finding) {
    case v1::ObservationEntry::kEcg: {
      CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *entry.mutable_ecg()));
      CC_ASSIGN_OR_RETURN(std::string leads, r.GetString(row, 2));
      for (absl::string_view lead :
           absl::StrSplit(leads, ',', absl::SkipEmpty())) {
        entry.mutable_ecg()->add_leads(std::string(lead));
      }
      return entry;
    }
    case v1::ObservationEntry::kArrhythmia: {
      v1::VentricularArrhythmia* a = entry.mutable_arrhythmia();
      CC_ASSIGN_OR_RETURN(int64_t type, r.GetInt64(row, 3));
      CC_ASSIGN_OR_RETURN(int64_t episodes, r.GetInt64(row, 4));
      a->set_type(static_cast<v1::ArrhythmiaType>(type));
      a->set_episodes(static_cast<int32_t>(episodes));
      return entry;
    }
    case v1::ObservationEntry::kIschemicEvent: {
      v1::IschemicEvent* e = entry.mutable_ischemic_event();
      CC_ASSIGN_OR_RETURN(int64_t type, r.GetInt64(row, 5));
      e->set_type(static_cast<v1::IschemicEventType>(type));
      if (!r.IsNull(row, 6)) {
        CC_ASSIGN_OR_RETURN(*e->mutable_description(), r.GetString(row, 6));
      }
      return entry;
    }
    case v1::ObservationEntry::kLab:
      CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *entry.mutable_lab()));
      return entry;
    case v1::ObservationEntry::kEcho:
      CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *entry.mutable_echo()));
      return entry;
    case v1::ObservationEntry::kIcuStay: {
      CC_ASSIGN_OR_RETURN(double hours, r.GetDouble(row, 12));
      entry.mutable_icu_stay()->set_hours(hours);
      return entry;
    }
    default:
      break;
  }
  return absl::InternalError(absl::StrCat("no finding ", finding));
}

// INFUSION_STATE_INFUSED = 3.
constexpr char kWhereInfusedOfItems[] =
    "WHERE item_id = ANY($1::text[]) AND state = 3";

std::string AdverseEventSelect() {
  return absl::StrCat(
      "SELECT adverse_event_id, infusion_id, subject_id, lot_id, term, ",
      pg::MicrosColumn("onset_at"),
      ", seriousness, severity, relatedness, outcome, description, "
      "reported_by AS reported_by_user_id, ",
      pg::MicrosColumn("reported_at"),
      ", lookback_done FROM cellchain_clinical.adverse_events ");
}
constexpr char kWhereAdverseEvent[] = "WHERE adverse_event_id = $1";
constexpr char kWhereAdverseEventsOf[] =
    "WHERE infusion_id = $1 ORDER BY onset_at, adverse_event_id";
constexpr char kSelectCriteria[] =
    "SELECT criterion FROM cellchain_clinical.adverse_event_criteria "
    "WHERE adverse_event_id = $1 ORDER BY position";
constexpr char kSelectLookbackPatients[] =
    "SELECT position, subject_id, dose_id, lot_id, donor_lot_id "
    "FROM cellchain_clinical.lookback_patients WHERE adverse_event_id = $1 "
    "ORDER BY position";
// Links in the enum's order, reagent lots in byte order: the order the
// lookback (rules.h Lookback) gives them.
constexpr char kSelectLookbackLinks[] =
    "SELECT position, link FROM cellchain_clinical.lookback_links "
    "WHERE adverse_event_id = $1 ORDER BY position, link";
constexpr char kSelectLookbackReagents[] =
    "SELECT position, reagent_lot_id "
    "FROM cellchain_clinical.lookback_reagent_lots "
    "WHERE adverse_event_id = $1 "
    "ORDER BY position, reagent_lot_id COLLATE \"C\"";

// The criteria and the lookback of `event`, read by its id.
template <typename Executor>
absl::Status FillAdverseEvent(Executor& executor, v1::AdverseEvent& event) {
  const std::string& id = event.adverse_event_id();
  CC_ASSIGN_OR_RETURN(pg::Result criteria,
                      executor.Exec(kSelectCriteria, {id}));
  for (int row = 0; row < criteria.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(int64_t c, criteria.GetInt64(row, 0));
    if (!v1::SeriousnessCriterion_IsValid(static_cast<int>(c))) {
      return absl::InternalError(
          absl::StrCat("adverse event ", id, ": no criterion ", c));
    }
    event.add_criteria(static_cast<v1::SeriousnessCriterion>(c));
  }
  CC_ASSIGN_OR_RETURN(pg::Result patients,
                      executor.Exec(kSelectLookbackPatients, {id}));
  // position -> the patient in event.lookback().
  std::map<int64_t, v1::LookbackPatient*> at;
  for (int row = 0; row < patients.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(int64_t position, patients.GetInt64(row, 0));
    v1::LookbackPatient* p = event.add_lookback();
    CC_RETURN_IF_ERROR(pg::FillFromRow(patients, row, *p));
    at[position] = p;
  }
  // The patient at `position` (foreign keys make it one of those read).
  auto patient_at = [&](int64_t position) -> v1::LookbackPatient* {
    auto it = at.find(position);
    return it == at.end() ? nullptr : it->second;
  };
  CC_ASSIGN_OR_RETURN(pg::Result links,
                      executor.Exec(kSelectLookbackLinks, {id}));
  for (int row = 0; row < links.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(int64_t position, links.GetInt64(row, 0));
    CC_ASSIGN_OR_RETURN(int64_t link, links.GetInt64(row, 1));
    if (!v1::LookbackLink_IsValid(static_cast<int>(link))) {
      return absl::InternalError(
          absl::StrCat("adverse event ", id, ": no lookback link ", link));
    }
    v1::LookbackPatient* p = patient_at(position);
    if (p == nullptr) return absl::InternalError("a link of no patient");
    p->add_links(static_cast<v1::LookbackLink>(link));
  }
  CC_ASSIGN_OR_RETURN(pg::Result reagents,
                      executor.Exec(kSelectLookbackReagents, {id}));
  for (int row = 0; row < reagents.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(int64_t position, reagents.GetInt64(row, 0));
    CC_ASSIGN_OR_RETURN(std::string reagent, reagents.GetString(row, 1));
    v1::LookbackPatient* p = patient_at(position);
    if (p == nullptr) return absl::InternalError("a reagent of no patient");
    p->add_reagent_lot_ids(std::move(reagent));
  }
  return absl::OkStatus();
}

template <typename Executor>
absl::StatusOr<std::vector<v1::AdverseEvent>> LoadEvents(
    Executor& executor, const std::string& sql, const pg::Params& params) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::AdverseEvent> rows,
                      (pg::LoadRows<v1::AdverseEvent>(executor, sql, params)));
  for (v1::AdverseEvent& event : rows) {
    CC_RETURN_IF_ERROR(FillAdverseEvent(executor, event));
  }
  return rows;
}

}  // namespace

template <typename Executor>
absl::StatusOr<v1::Observation> LoadObservation(
    Executor& executor, const std::string& observation_id) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::Observation> rows,
                      (pg::LoadRows<v1::Observation>(
                          executor, ObservationSelect(), {observation_id})));
  if (rows.empty()) {
    return NotFound("observation", observation_id, kReasonObservationNotFound);
  }
  v1::Observation observation = std::move(rows.front());
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      executor.Exec(kSelectEntries, {observation_id}));
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(*observation.add_entries(), EntryOf(r, row));
  }
  return observation;
}

template <typename Executor>
absl::StatusOr<v1::Infusion> LoadInfusion(Executor& executor,
                                          const std::string& infusion_id,
                                          bool for_update) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Infusion> rows,
      Load(executor,
           InfusionSelect() +
               (for_update ? kWhereInfusionForUpdate : kWhereInfusion),
           {infusion_id}));
  if (rows.empty()) {
    return NotFound("infusion", infusion_id, kReasonInfusionNotFound);
  }
  return std::move(rows.front());
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Infusion>> LoadInfusions(Executor& executor,
                                                        InfusionsOf by,
                                                        const std::string& id,
                                                        int limit) {
  return Load(executor,
              InfusionSelect() +
                  (by == InfusionsOf::kByLot ? kWhereOfLot : kWhereOfSubject),
              {id, limit});
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Observation>> LoadObservationsOf(
    Executor& executor, const std::string& infusion_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      executor.Exec(kSelectObservationsOf, {infusion_id}));
  std::vector<v1::Observation> out;
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string id, r.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(v1::Observation observation,
                        LoadObservation(executor, id));
    out.push_back(std::move(observation));
  }
  return out;
}

template <typename Executor>
absl::StatusOr<std::optional<v1::Infusion>> LoadLiveInfusionOfDose(
    Executor& executor, const std::string& dose_id) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Infusion> rows,
      Load(executor, InfusionSelect() + kWhereLiveOfDose, {dose_id}));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Infusion>> LoadInfusedOfItems(
    Executor& executor, const std::vector<std::string>& item_ids) {
  return Load(executor, InfusionSelect() + kWhereInfusedOfItems,
              {pg::TextArray(item_ids)});
}

template <typename Executor>
absl::StatusOr<v1::AdverseEvent> LoadAdverseEvent(
    Executor& executor, const std::string& adverse_event_id) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::AdverseEvent> rows,
      LoadEvents(executor, AdverseEventSelect() + kWhereAdverseEvent,
                 {adverse_event_id}));
  if (rows.empty()) {
    return NotFound("adverse event", adverse_event_id,
                    kReasonAdverseEventNotFound);
  }
  return std::move(rows.front());
}

template <typename Executor>
absl::StatusOr<std::vector<v1::AdverseEvent>> LoadAdverseEventsOf(
    Executor& executor, const std::string& infusion_id) {
  return LoadEvents(executor, AdverseEventSelect() + kWhereAdverseEventsOf,
                    {infusion_id});
}

// The loaders for both executors the service uses.
#define CELLCHAIN_CLINICAL_LOADERS(Executor)                                   \
  template absl::StatusOr<v1::Infusion> LoadInfusion(                          \
      Executor&, const std::string&, bool);                                    \
  template absl::StatusOr<std::optional<v1::Infusion>> LoadLiveInfusionOfDose( \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<v1::Observation> LoadObservation(                    \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<std::vector<v1::Infusion>> LoadInfusions(            \
      Executor&, InfusionsOf, const std::string&, int);                        \
  template absl::StatusOr<std::vector<v1::Observation>> LoadObservationsOf(    \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<std::vector<v1::Infusion>> LoadInfusedOfItems(       \
      Executor&, const std::vector<std::string>&);                             \
  template absl::StatusOr<v1::AdverseEvent> LoadAdverseEvent(                  \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<std::vector<v1::AdverseEvent>> LoadAdverseEventsOf(  \
      Executor&, const std::string&);

CELLCHAIN_CLINICAL_LOADERS(pg::Connection)
CELLCHAIN_CLINICAL_LOADERS(pg::Transaction)
#undef CELLCHAIN_CLINICAL_LOADERS

}  // namespace cellchain::clinical
