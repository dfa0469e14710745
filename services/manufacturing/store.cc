#include "services/manufacturing/store.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/step_values.h"

namespace cellchain::manufacturing {
namespace {

// ---- SQL -----------------------------------------------------------------
// Read as the snapshots' fields are named (pg::FillFromRow fills a proto by
// column name); timestamps read as µs since the epoch (pg::MicrosColumn).
// Enum columns hold the proto enum's number, bound as a parameter
// (docs/decisions/0014-sql-and-enums.md). The statements more than one file
// sends are in store.h.

// The WHEREs of the snapshot SELECTs (store.h), $1 the id.
constexpr char kWhereMaterial[] =
    "WHERE material_id = $1 OR material_code = $1";
constexpr char kWhereEquipment[] = "WHERE equipment_id = $1 OR asset_tag = $1";
constexpr char kWhereBatch[] = "WHERE batch_id = $1";
constexpr char kWhereBatchForUpdate[] = "WHERE batch_id = $1 FOR UPDATE";
constexpr char kWhereStep[] = "WHERE step_id = $1";
// $1 a vial's item, $2 kVial: step_items.item_id is UNIQUE, so one step.
constexpr char kWhereStepOfVial[] =
    "WHERE step_id = (SELECT step_id FROM cellchain_manufacturing.step_items "
    "WHERE item_id = $1 AND role = $2)";
constexpr char kWhereStepsOfBatch[] =
    "WHERE batch_id = $1 ORDER BY created_at, step_id";
constexpr char kWhereDeviation[] = "WHERE deviation_id = $1";
constexpr char kWhereDeviationForUpdate[] =
    "WHERE deviation_id = $1 FOR UPDATE";

// A step's snapshot (v1.Step) but for its items; its values as stored.
std::string StepSelect() {
  return absl::StrCat(
      "SELECT step_id, batch_id, kind, passage_number, source_step_id, "
      "status, revision, step_values, recorded_by AS recorded_by_user_id, ",
      pg::MicrosColumn("recorded_at"), ", verified_by AS verified_by_user_id, ",
      pg::MicrosColumn("verified_at"),
      ", correction_reason, late_entry_reason "
      "FROM cellchain_manufacturing.steps ");
}

// A batch's snapshot columns and, in the same row, what its rules need
// beyond them (FillFromRow leaves columns no field is named after).
std::string BatchViewSelect() {
  return absl::StrCat("SELECT ", BatchColumns(), ", ",
                      pg::MicrosColumn("collected_at", "lot_collected_at"),
                      ", donor_lot_item_id "
                      "FROM cellchain_manufacturing.batches ");
}

// The items of the steps whose ids are in the array $1, in each step's order.
constexpr char kSelectStepItems[] =
    "SELECT step_id, item_id, role, position_location_id "
    "FROM cellchain_manufacturing.step_items "
    "WHERE step_id = ANY($1::text[]) ORDER BY step_id, ordinal";

// The vials thawed in batch $1.
constexpr char kSelectThawedVials[] =
    "SELECT t.vial_item_id FROM cellchain_manufacturing.thaws t "
    "JOIN cellchain_manufacturing.steps s USING (step_id) "
    "WHERE s.batch_id = $1";

// Locks against a concurrent rejection or status change while a step uses
// them: material lot / equipment $1.
constexpr char kShareMaterial[] =
    "SELECT 1 FROM cellchain_manufacturing.materials "
    "WHERE material_id = $1 FOR SHARE";
constexpr char kShareEquipment[] =
    "SELECT 1 FROM cellchain_manufacturing.equipment "
    "WHERE equipment_id = $1 FOR SHARE";

// An item a step made: $1 step, $2 ordinal, $3 item, $4 role (ItemRole),
// $5 a vial's freezer position (or NULL).
constexpr char kInsertStepItem[] =
    "INSERT INTO cellchain_manufacturing.step_items "
    "(step_id, ordinal, item_id, role, position_location_id) "
    "VALUES ($1, $2, $3, $4, $5)";

// What a raised deviation's impact says until QA assesses it.
constexpr char kRaisedImpact[] =
    "to be assessed by QA before the batch's disposition";

// The first row `sql` selects with `id` as $1; NOT_FOUND with `reason`
// naming `what` when none.
template <typename Proto, typename Executor>
absl::StatusOr<Proto> LoadFirst(Executor& executor, const std::string& sql,
                                const std::string& id, std::string_view what,
                                std::string_view reason) {
  CC_ASSIGN_OR_RETURN(std::vector<Proto> rows,
                      pg::LoadRows<Proto>(executor, sql, {id}));
  if (rows.empty()) return NotFound(what, id, reason);
  return std::move(rows.front());
}

// Reads (and with `lock`, locks with `share_sql`) the rows named by
// `ids` into `out`, through `load`; an id given in another form (a code or
// tag the loader also finds by) is refused naming `field`.
template <typename Proto, typename Executor, typename Load, typename IdOf>
absl::Status LoadNamed(Executor& executor, const std::vector<std::string>& ids,
                       bool lock, const char* share_sql, std::string_view field,
                       std::string_view hint, Load load, IdOf id_of,
                       absl::flat_hash_map<std::string, Proto>& out) {
  for (const std::string& id : ids) {
    if (out.contains(id)) continue;
    if (lock) CC_RETURN_IF_ERROR(executor.Exec(share_sql, {id}).status());
    absl::StatusOr<Proto> row = load(executor, id);
    if (!row.ok()) return row.status();
    if (id_of(*row) != id) return InvalidField(field, hint);
    out[id] = *std::move(row);
  }
  return absl::OkStatus();
}

}  // namespace

std::string MaterialSelect() {
  return absl::StrCat(
      "SELECT material_id, material_code, kind, name, supplier, supplier_lot, "
      "to_char(expires_on, 'YYYY-MM-DD') AS expires_on, status, item_id, "
      "received_by AS received_by_user_id, ",
      pg::MicrosColumn("received_at"),
      ", dispositioned_by AS dispositioned_by_user_id, ",
      pg::MicrosColumn("dispositioned_at"),
      ", rejection_reason, version, receipt_late_entry_reason, "
      "release_late_entry_reason FROM cellchain_manufacturing.materials ");
}

template <typename Executor>
absl::StatusOr<v1::MaterialLot> LoadMaterial(Executor& executor,
                                             const std::string& id) {
  return LoadFirst<v1::MaterialLot>(executor, MaterialSelect() + kWhereMaterial,
                                    id, "material lot",
                                    kReasonMaterialNotFound);
}

std::string EquipmentSelect() {
  return "SELECT equipment_id, kind, name, asset_tag, status, "
         "to_char(calibrated_on, 'YYYY-MM-DD') AS calibrated_on, "
         "to_char(calibration_due, 'YYYY-MM-DD') AS calibration_due, "
         "calibration_reference, item_id, status_reason, version "
         "FROM cellchain_manufacturing.equipment ";
}

template <typename Executor>
absl::StatusOr<v1::Equipment> LoadEquipment(Executor& executor,
                                            const std::string& id) {
  return LoadFirst<v1::Equipment>(executor, EquipmentSelect() + kWhereEquipment,
                                  id, "equipment", kReasonEquipmentNotFound);
}

// The columns of a batch's snapshot (v1.Batch).
std::string BatchColumns() {
  return absl::StrCat(
      "batch_id, donor_lot_id, din, process_version, state, "
      "started_by AS started_by_user_id, ",
      pg::MicrosColumn("started_at"),
      ", product_item_id, product_step_id, abort_reason, version, "
      "aborted_by AS aborted_by_user_id, "
      "aborted_by_name AS aborted_by_printed_name, ",
      pg::MicrosColumn("aborted_at"), ", late_entry_reason");
}

std::string BatchSelect() {
  return absl::StrCat("SELECT ", BatchColumns(),
                      " FROM cellchain_manufacturing.batches ");
}

template <typename Executor>
absl::StatusOr<v1::Batch> LoadBatch(Executor& executor, const std::string& id,
                                    bool for_update) {
  return LoadFirst<v1::Batch>(
      executor,
      BatchSelect() + (for_update ? kWhereBatchForUpdate : kWhereBatch), id,
      "batch", kReasonBatchNotFound);
}

absl::Status ParseValues(const pg::Result& r, int row, v1::StepValues& out) {
  CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, "step_values"));
  if (!out.ParseFromString(bytes)) {
    return absl::DataLossError("a step's values do not parse");
  }
  return absl::OkStatus();
}

// Steps matched by `where` (a kWhere... constant), with their values and
// items.
template <typename Executor>
absl::StatusOr<std::vector<v1::Step>> LoadSteps(Executor& executor,
                                                const std::string& where,
                                                const pg::Params& params) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      executor.Exec(StepSelect() + where, params));
  std::vector<v1::Step> steps(r.rows());
  std::string ids = "{";
  for (int row = 0; row < r.rows(); ++row) {
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, steps[row]));
    CC_RETURN_IF_ERROR(ParseValues(r, row, *steps[row].mutable_values()));
    absl::StrAppend(&ids, row > 0 ? "," : "", steps[row].step_id());
  }
  ids += "}";
  if (steps.empty()) return steps;
  CC_ASSIGN_OR_RETURN(pg::Result items, executor.Exec(kSelectStepItems, {ids}));
  absl::flat_hash_map<std::string, v1::Step*> by_id;
  for (v1::Step& step : steps) by_id[step.step_id()] = &step;
  for (int row = 0; row < items.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string step_id, items.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(std::string item_id, items.GetString(row, 1));
    CC_ASSIGN_OR_RETURN(int64_t role, items.GetInt64(row, 2));
    v1::Step* step = by_id[step_id];
    if (role == kVial) {
      v1::Vial* vial = step->add_vials();
      vial->set_item_id(item_id);
      if (!items.IsNull(row, 3)) {
        CC_ASSIGN_OR_RETURN(*vial->mutable_position_location_id(),
                            items.GetString(row, 3));
      }
    } else {
      step->add_item_ids(item_id);
    }
  }
  return steps;
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Step>> LoadStepsOfBatch(
    Executor& executor, const std::string& batch_id) {
  return LoadSteps(executor, kWhereStepsOfBatch, {batch_id});
}

template <typename Executor>
absl::StatusOr<v1::Step> LoadStep(Executor& executor, const std::string& id) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::Step> steps,
                      LoadSteps(executor, kWhereStep, {id}));
  if (steps.empty()) return NotFound("step", id, kReasonStepNotFound);
  return std::move(steps.front());
}

template <typename Executor>
absl::StatusOr<v1::Step> LoadStepOfVial(Executor& executor,
                                        const std::string& vial_item_id) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::Step> steps,
                      LoadSteps(executor, kWhereStepOfVial,
                                {vial_item_id, static_cast<int>(kVial)}));
  if (steps.empty()) return NotFound("vial", vial_item_id, kReasonNotAVial);
  return std::move(steps.front());
}

std::string DeviationSelect() {
  return absl::StrCat(
      "SELECT deviation_id, batch_id, step_id, rule, classification, "
      "description, impact, status, recorded_by AS recorded_by_user_id, ",
      pg::MicrosColumn("recorded_at"),
      ", assessment, assessed_by AS assessed_by_user_id, ",
      pg::MicrosColumn("assessed_at"),
      " FROM cellchain_manufacturing.deviations ");
}

template <typename Executor>
absl::StatusOr<v1::Deviation> LoadDeviation(Executor& executor,
                                            const std::string& id,
                                            bool for_update) {
  return LoadFirst<v1::Deviation>(
      executor,
      DeviationSelect() +
          (for_update ? kWhereDeviationForUpdate : kWhereDeviation),
      id, "deviation", kReasonDeviationNotFound);
}

template <typename Executor>
absl::StatusOr<BatchView> LoadView(Executor& executor,
                                   const std::string& batch_id,
                                   bool for_update) {
  BatchView view;
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      executor.Exec(
          BatchViewSelect() + (for_update ? kWhereBatchForUpdate : kWhereBatch),
          {batch_id}));
  if (r.rows() == 0) return NotFound("batch", batch_id, kReasonBatchNotFound);
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, 0, view.batch));
  CC_ASSIGN_OR_RETURN(int64_t collected, r.GetInt64(0, "lot_collected_at"));
  view.collected_at = absl::FromUnixMicros(collected);
  CC_ASSIGN_OR_RETURN(view.donor_lot_item_id,
                      r.GetString(0, "donor_lot_item_id"));
  CC_ASSIGN_OR_RETURN(view.steps, LoadStepsOfBatch(executor, batch_id));
  CC_ASSIGN_OR_RETURN(pg::Result thaws,
                      executor.Exec(kSelectThawedVials, {batch_id}));
  for (int row = 0; row < thaws.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string id, thaws.GetString(row, 0));
    view.thawed_vials.insert(std::move(id));
  }
  return view;
}

template <typename Executor>
absl::StatusOr<Uses> LoadUses(Executor& executor,
                              const std::vector<std::string>& material_ids,
                              const std::vector<std::string>& equipment_ids,
                              bool lock) {
  Uses uses;
  CC_RETURN_IF_ERROR(LoadNamed<v1::MaterialLot>(
      executor, material_ids, lock, kShareMaterial, "values.materials",
      "name material lots by id (mat_...), not code",
      [](Executor& e, const std::string& id) { return LoadMaterial(e, id); },
      [](const v1::MaterialLot& m) { return m.material_id(); },
      uses.materials));
  CC_RETURN_IF_ERROR(LoadNamed<v1::Equipment>(
      executor, equipment_ids, lock, kShareEquipment, "values.equipment_ids",
      "name equipment by id (eqp_...), not asset tag",
      [](Executor& e, const std::string& id) { return LoadEquipment(e, id); },
      [](const v1::Equipment& e) { return e.equipment_id(); }, uses.equipment));
  return uses;
}

// Inserts the deviations a rule raised and appends their records (the
// caller appends in entity-type order: these come after "batch").
absl::Status InsertRaised(pg::Transaction& tx, ledger::Recorder& audit,
                          const v1::Batch& batch, const std::string& step_id,
                          const std::vector<Raised>& raised,
                          const std::string& user_id,
                          std::vector<v1::Deviation>* out) {
  std::vector<std::string> ids;
  for (const Raised& r : raised) {
    std::string id = crypto::RandomId("bdv");
    CC_RETURN_IF_ERROR(
        tx.Exec(kInsertDeviation,
                {id, batch.batch_id(),
                 step_id.empty() ? pg::Param::Null() : pg::Param(step_id),
                 r.rule, static_cast<int>(v1::DEVIATION_CLASS_MAJOR),
                 r.description, kRaisedImpact, user_id})
            .status());
    ids.push_back(std::move(id));
  }
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    CC_ASSIGN_OR_RETURN(v1::Deviation deviation, LoadDeviation(tx, id));
    CC_RETURN_IF_ERROR(audit
                           .Append("deviation.record", "batch_deviation", id,
                                   deviation, "", {DinOf(batch)})
                           .status());
    if (out != nullptr) out->push_back(std::move(deviation));
  }
  return absl::OkStatus();
}

absl::Status InsertNewStep(pg::Transaction& tx, const NewStep& step,
                           const std::string& batch_id, int passage_number,
                           const std::string& values_bytes,
                           const std::vector<std::string>& item_ids) {
  CC_RETURN_IF_ERROR(
      tx.Exec(
            kInsertStep,
            {step.step_id, batch_id, static_cast<int>(step.kind),
             passage_number,
             step.source_step_id.empty() ? pg::Param::Null()
                                         : pg::Param(step.source_step_id),
             // A culture is in progress until its harvest.
             static_cast<int>(IsCulture(step.kind) ? v1::STEP_STATUS_IN_PROGRESS
                                                   : v1::STEP_STATUS_PERFORMED),
             pg::Param::Bytes(values_bytes), step.signature.actor.user_id(),
             step.late_entry_reason})
          .status());
  CC_RETURN_IF_ERROR(
      tx.Exec(kInsertRevision,
              {step.step_id, int64_t{1}, pg::Param::Bytes(values_bytes),
               step.signature.actor.user_id(), "", step.late_entry_reason})
          .status());
  for (size_t i = 0; i < item_ids.size(); ++i) {
    ItemRole role = step.kind == v1::STEP_KIND_CRYOPRESERVATION  ? kVial
                    : step.kind == v1::STEP_KIND_PRODUCT_HARVEST ? kProductLot
                                                                 : kVessel;
    CC_RETURN_IF_ERROR(
        tx.Exec(kInsertStepItem, {step.step_id, static_cast<int64_t>(i),
                                  item_ids[i], static_cast<int>(role),
                                  role == kVial ? pg::Param(step.positions[i])
                                                : pg::Param::Null()})
            .status());
  }
  for (const v1::MaterialUse& use : step.values.materials()) {
    CC_RETURN_IF_ERROR(
        tx.Exec(kInsertConsumption, {step.step_id, use.material_id()})
            .status());
  }
  return absl::OkStatus();
}

// The loaders for both executors the service uses.
template absl::StatusOr<v1::MaterialLot> LoadMaterial(pg::Connection&,
                                                      const std::string&);
template absl::StatusOr<v1::Equipment> LoadEquipment(pg::Connection&,
                                                     const std::string&);
template absl::StatusOr<v1::Batch> LoadBatch(pg::Connection&,
                                             const std::string&, bool);
template absl::StatusOr<std::vector<v1::Step>> LoadStepsOfBatch(
    pg::Connection&, const std::string&);
template absl::StatusOr<v1::Step> LoadStep(pg::Connection&, const std::string&);
template absl::StatusOr<v1::Step> LoadStepOfVial(pg::Connection&,
                                                 const std::string&);
template absl::StatusOr<v1::Deviation> LoadDeviation(pg::Connection&,
                                                     const std::string&, bool);
template absl::StatusOr<BatchView> LoadView(pg::Connection&, const std::string&,
                                            bool);
template absl::StatusOr<Uses> LoadUses(pg::Connection&,
                                       const std::vector<std::string>&,
                                       const std::vector<std::string>&, bool);
template absl::StatusOr<v1::MaterialLot> LoadMaterial(pg::Transaction&,
                                                      const std::string&);
template absl::StatusOr<v1::Equipment> LoadEquipment(pg::Transaction&,
                                                     const std::string&);
template absl::StatusOr<v1::Batch> LoadBatch(pg::Transaction&,
                                             const std::string&, bool);
template absl::StatusOr<std::vector<v1::Step>> LoadStepsOfBatch(
    pg::Transaction&, const std::string&);
template absl::StatusOr<v1::Step> LoadStep(pg::Transaction&,
                                           const std::string&);
template absl::StatusOr<v1::Deviation> LoadDeviation(pg::Transaction&,
                                                     const std::string&, bool);
template absl::StatusOr<BatchView> LoadView(pg::Transaction&,
                                            const std::string&, bool);
template absl::StatusOr<Uses> LoadUses(pg::Transaction&,
                                       const std::vector<std::string>&,
                                       const std::vector<std::string>&, bool);

}  // namespace cellchain::manufacturing
