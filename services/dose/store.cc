#include "services/dose/store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/pg/proto_row.h"
#include "services/common/pg/store_rows.h"
#include "services/common/status/status.h"
#include "services/dose/reasons.h"

namespace cellchain::dose {
namespace {

// ---- SQL -----------------------------------------------------------------
// Read as the snapshots' fields are named (pg::FillFromRow fills a proto by
// column name); timestamps read as µs since the epoch (pg::MicrosColumn);
// a dose's source count and plan, nested messages, from their columns.

std::string PatientSelect() {
  return absl::StrCat(
      "SELECT subject_id, to_char(date_of_birth, 'YYYY-MM-DD') AS "
      "date_of_birth, initials, chain_of_identity, "
      "name_sealed IS NOT NULL AS name_recorded, "
      "medical_record_number_sealed IS NOT NULL AS "
      "medical_record_number_recorded, registered_by AS "
      "registered_by_user_id, ",
      pg::MicrosColumn("registered_at"), " FROM cellchain_dose.patients ");
}
constexpr char kWherePatient[] = "WHERE subject_id = $1";
constexpr char kSelectSealed[] =
    "SELECT coalesce(name_sealed, ''), "
    "coalesce(medical_record_number_sealed, '') "
    "FROM cellchain_dose.patients WHERE subject_id = $1";

std::string OrderSelect() {
  return absl::StrCat(
      "SELECT order_id, subject_id, prescribed_viable_cells, final_volume_ml, "
      "vehicle, heparin_iu_per_ml, route, ",
      pg::MicrosColumn("planned_infusion_at"),
      ", prescriber, ordered_by AS ordered_by_user_id, ",
      pg::MicrosColumn("ordered_at"), " FROM cellchain_dose.orders ");
}
constexpr char kWhereOrder[] = "WHERE order_id = $1";
constexpr char kWhereOrderForUpdate[] = "WHERE order_id = $1 FOR UPDATE";

std::string DoseSelect() {
  return absl::StrCat(
      "SELECT dose_id, order_id, subject_id, lot_id, product_item_id, "
      "item_id, din, donation_identification, product_code, expiration, "
      "chain_of_identity, division, source_total_cells_per_ml, "
      "source_viability_percent, viable_cells_per_ml, suspension_volume_ml, "
      "diluent_volume_ml, final_volume_ml, planned_viable_cells, "
      "planned_cells_per_ml, planned_deviation_percent, heparin_material_id, "
      "saline_material_id, prepared_by AS prepared_by_user_id, ",
      pg::MicrosColumn("prepared_at"), ", ", pg::MicrosColumn("expires_at"),
      ", state, post_total_cells_per_ml, post_viability_percent, "
      "delivered_viable_cells, delivered_deviation_percent, "
      "counted_by AS counted_by_user_id, ",
      pg::MicrosColumn("counted_at"), ", verified_by AS verified_by_user_id, ",
      pg::MicrosColumn("verified_at"), ", released_by AS released_by_user_id, ",
      pg::MicrosColumn("released_at"),
      ", array_to_string(acknowledged_pending_test_codes, ',') AS "
      "acknowledged_csv, issued_handoff_id, ",
      pg::MicrosColumn("issued_at"), ", ", pg::MicrosColumn("returned_at"),
      ", return_reason, destroyed_by AS destroyed_by_user_id, "
      "destruction_witness AS destruction_witness_user_id, ",
      pg::MicrosColumn("destroyed_at"),
      ", destruction_reason, version FROM cellchain_dose.doses ");
}
constexpr char kWhereDose[] = "WHERE dose_id = $1";
constexpr char kWhereDoseForUpdate[] = "WHERE dose_id = $1 FOR UPDATE";
// doses.item_id is UNIQUE: a bag holds one dose.
constexpr char kWhereDoseOfItem[] = "WHERE item_id = $1";
constexpr char kWhereDosesOfOrder[] =
    "WHERE order_id = $1 ORDER BY prepared_at, dose_id";
// $1 states (smallint[]), $2 now (µs), $3 expiring before (µs, 0: any),
// $4 the limit, $5 and $6 the cursor's expiry (µs) and dose id (NULL: the
// first page). expires_at is stored in µs, so the cursor's is exact.
constexpr char kWhereWorklist[] =
    "WHERE state = ANY($1::smallint[]) AND ($3::int8 = 0 OR "
    "(expires_at > 'epoch'::timestamptz + $2::int8 * interval '1 microsecond' "
    "AND expires_at <= 'epoch'::timestamptz + $3::int8 * interval "
    "'1 microsecond')) AND ($6::text IS NULL OR (expires_at, dose_id) > "
    "('epoch'::timestamptz + $5::int8 * interval '1 microsecond', $6::text)) "
    "ORDER BY expires_at, dose_id LIMIT $4";

// ---- rows ------------------------------------------------------------------

absl::Status Rest(const pg::Result&, int, v1::Patient&) {
  return absl::OkStatus();
}
absl::Status Rest(const pg::Result&, int, v1::Order&) {
  return absl::OkStatus();
}
absl::Status Rest(const pg::Result& r, int row, v1::Dose& dose) {
  v1::SourceCount* source = dose.mutable_source();
  CC_ASSIGN_OR_RETURN(double total,
                      r.GetDouble(row, "source_total_cells_per_ml"));
  source->set_total_cells_per_ml(total);
  CC_ASSIGN_OR_RETURN(double viability,
                      r.GetDouble(row, "source_viability_percent"));
  source->set_viability_percent(viability);
  v1::PreparationPlan* plan = dose.mutable_plan();
  // The plan's columns are named as its fields.
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *plan));
  CC_ASSIGN_OR_RETURN(std::vector<std::string> acknowledged,
                      pg::CsvColumn(r, row, "acknowledged_csv"));
  for (std::string& code : acknowledged) {
    dose.add_acknowledged_pending_test_codes(std::move(code));
  }
  return absl::OkStatus();
}

// Every row through pg::LoadRows, and then Rest for what FillFromRow
// leaves.
constexpr pg::RowLoader kRows{[](const pg::Result& r, int row, auto& proto) {
  return Rest(r, row, proto);
}};

}  // namespace

template <typename Executor>
absl::StatusOr<v1::Patient> LoadPatient(Executor& executor,
                                        const std::string& subject_id) {
  return kRows.First<v1::Patient>(executor, PatientSelect() + kWherePatient,
                                  subject_id, "patient",
                                  kReasonPatientNotFound);
}

template <typename Executor>
absl::StatusOr<std::array<std::string, 2>> LoadSealedIdentifying(
    Executor& executor, const std::string& subject_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r, executor.Exec(kSelectSealed, {subject_id}));
  if (r.rows() == 0) {
    return NotFound("patient", subject_id, kReasonPatientNotFound);
  }
  std::array<std::string, 2> out;
  CC_ASSIGN_OR_RETURN(out[0], r.GetString(0, 0));
  CC_ASSIGN_OR_RETURN(out[1], r.GetString(0, 1));
  return out;
}

template <typename Executor>
absl::StatusOr<v1::Order> LoadOrder(Executor& executor, const std::string& id,
                                    bool for_update) {
  return kRows.First<v1::Order>(
      executor,
      OrderSelect() + (for_update ? kWhereOrderForUpdate : kWhereOrder), id,
      "order", kReasonOrderNotFound);
}

template <typename Executor>
absl::StatusOr<v1::Dose> LoadDose(Executor& executor, const std::string& id,
                                  bool for_update) {
  return kRows.First<v1::Dose>(
      executor, DoseSelect() + (for_update ? kWhereDoseForUpdate : kWhereDose),
      id, "dose", kReasonDoseNotFound);
}

template <typename Executor>
absl::StatusOr<v1::Dose> LoadDoseOfItem(Executor& executor,
                                        const std::string& item_id) {
  return kRows.First<v1::Dose>(executor, DoseSelect() + kWhereDoseOfItem,
                               item_id, "dose of item", kReasonDoseNotFound);
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Dose>> LoadDosesOfOrder(
    Executor& executor, const std::string& order_id) {
  return kRows.All<v1::Dose>(executor, DoseSelect() + kWhereDosesOfOrder,
                             {order_id});
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Dose>> ListDoses(
    Executor& executor, const std::vector<v1::DoseState>& states,
    int64_t now_micros, int64_t expiring_before_micros,
    const std::optional<WorklistCursor>& after, int limit) {
  std::vector<std::string> numbers;
  for (v1::DoseState s : states) numbers.push_back(absl::StrCat(s));
  std::optional<int64_t> after_micros;
  std::optional<std::string> after_id;
  if (after.has_value()) {
    after_micros = after->expires_at_micros;
    after_id = after->dose_id;
  }
  return kRows.All<v1::Dose>(
      executor, DoseSelect() + kWhereWorklist,
      {pg::TextArray(numbers), now_micros, expiring_before_micros, limit,
       after_micros, after_id});
}

pg::Statement PatientRead(const std::string& subject_id) {
  return {PatientSelect() + kWherePatient, {subject_id}};
}

absl::StatusOr<v1::Patient> PatientFromRead(const pg::Result& read,
                                            const std::string& subject_id) {
  return kRows.First<v1::Patient>(read, subject_id, "patient",
                                  kReasonPatientNotFound);
}

pg::Statement DoseRead(const std::string& id) {
  return {DoseSelect() + kWhereDose, {id}};
}

absl::StatusOr<v1::Dose> DoseFromRead(const pg::Result& read,
                                      const std::string& id) {
  return kRows.First<v1::Dose>(read, id, "dose", kReasonDoseNotFound);
}

// The loaders for both executors the service uses.
#define CELLCHAIN_DOSE_LOADERS(Executor)                                      \
  template absl::StatusOr<v1::Patient> LoadPatient(Executor&,                 \
                                                   const std::string&);       \
  template absl::StatusOr<std::array<std::string, 2>> LoadSealedIdentifying(  \
      Executor&, const std::string&);                                         \
  template absl::StatusOr<v1::Order> LoadOrder(Executor&, const std::string&, \
                                               bool);                         \
  template absl::StatusOr<v1::Dose> LoadDose(Executor&, const std::string&,   \
                                             bool);                           \
  template absl::StatusOr<v1::Dose> LoadDoseOfItem(Executor&,                 \
                                                   const std::string&);       \
  template absl::StatusOr<std::vector<v1::Dose>> LoadDosesOfOrder(            \
      Executor&, const std::string&);                                         \
  template absl::StatusOr<std::vector<v1::Dose>> ListDoses(                   \
      Executor&, const std::vector<v1::DoseState>&, int64_t, int64_t,         \
      const std::optional<WorklistCursor>&, int);

CELLCHAIN_DOSE_LOADERS(pg::Connection)
CELLCHAIN_DOSE_LOADERS(pg::Transaction)
#undef CELLCHAIN_DOSE_LOADERS

}  // namespace cellchain::dose
