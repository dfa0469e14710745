#include "services/clinical/store.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/clinical/reasons.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"

namespace cellchain::clinical {
namespace {

// ---- SQL -----------------------------------------------------------------
// Read as the snapshot's fields are named (pg::FillFromRow fills a proto by
// column name); timestamps read as µs since the epoch (pg::MicrosColumn).

std::string InfusionSelect() {
  return absl::StrCat(
      "SELECT infusion_id, dose_id, subject_id, lot_id, item_id, "
      "chain_of_identity, dose_volume_ml, state, received_by AS "
      "received_by_user_id, ",
      pg::MicrosColumn("received_at"), ", receipt_handoff_id, ",
      pg::MicrosColumn("bedside_verified_at"),
      ", version FROM cellchain_clinical.infusions ");
}
constexpr char kWhereInfusion[] = "WHERE infusion_id = $1";
constexpr char kWhereInfusionForUpdate[] = "WHERE infusion_id = $1 FOR UPDATE";
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
                                               const std::string& id) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::Infusion> rows,
                      (pg::LoadRows<v1::Infusion>(executor, sql, {id})));
  for (v1::Infusion& infusion : rows) {
    CC_RETURN_IF_ERROR(FillChecks(executor, infusion));
  }
  return rows;
}

}  // namespace

template <typename Executor>
absl::StatusOr<v1::Infusion> LoadInfusion(Executor& executor,
                                          const std::string& infusion_id,
                                          bool for_update) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Infusion> rows,
      Load(executor,
           InfusionSelect() +
               (for_update ? kWhereInfusionForUpdate : kWhereInfusion),
           infusion_id));
  if (rows.empty()) {
    return NotFound("infusion", infusion_id, kReasonInfusionNotFound);
  }
  return std::move(rows.front());
}

template <typename Executor>
absl::StatusOr<std::optional<v1::Infusion>> LoadLiveInfusionOfDose(
    Executor& executor, const std::string& dose_id) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Infusion> rows,
      Load(executor, InfusionSelect() + kWhereLiveOfDose, dose_id));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

// The loaders for both executors the service uses.
#define CELLCHAIN_CLINICAL_LOADERS(Executor)                                   \
  template absl::StatusOr<v1::Infusion> LoadInfusion(                          \
      Executor&, const std::string&, bool);                                    \
  template absl::StatusOr<std::optional<v1::Infusion>> LoadLiveInfusionOfDose( \
      Executor&, const std::string&);

CELLCHAIN_CLINICAL_LOADERS(pg::Connection)
CELLCHAIN_CLINICAL_LOADERS(pg::Transaction)
#undef CELLCHAIN_CLINICAL_LOADERS

}  // namespace cellchain::clinical
