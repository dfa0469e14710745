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

// The items of the steps whose ids are in the array $1, in each step's order.
constexpr char kSelectStepItems[] =
    "SELECT step_id, item_id, role, position_location_id "
    "FROM cellchain_manufacturing.step_items "
    "WHERE step_id = ANY($1::text[]) ORDER BY step_id, ordinal";

// A new step (status 1 IN_PROGRESS for a culture, 2 PERFORMED otherwise):
// $1 id, $2 batch, $3 kind, $4 passage number, $5 source (or NULL),
// $6 status, $7 values, $8 recorded by.
constexpr char kInsertStep[] =
    "INSERT INTO cellchain_manufacturing.steps (step_id, "
    "batch_id, kind, passage_number, source_step_id, "
    "status, step_values, recorded_by, recorded_at, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "now(), clock_timestamp())";

// A step's revision 1: $1 step, $2 values, $3 recorded by.
constexpr char kInsertFirstRevision[] =
    "INSERT INTO cellchain_manufacturing.step_revisions "
    "(step_id, revision, step_values, recorded_by, "
    "recorded_at) VALUES ($1, 1, $2, $3, now())";

// An item a step made: $1 step, $2 ordinal, $3 item, $4 role (ItemRole),
// $5 a vial's freezer position (or NULL).
constexpr char kInsertStepItem[] =
    "INSERT INTO cellchain_manufacturing.step_items "
    "(step_id, ordinal, item_id, role, "
    "position_location_id) VALUES ($1, $2, $3, $4, $5)";

// A material lot step $1 used: $2 the lot.
constexpr char kInsertConsumption[] =
    "INSERT INTO cellchain_manufacturing.consumptions "
    "(step_id, material_id) VALUES ($1, $2)";

// The vials thawed in batch $1.
constexpr char kSelectThawedVials[] =
    "SELECT t.vial_item_id FROM cellchain_manufacturing.thaws t "
    "JOIN cellchain_manufacturing.steps s USING (step_id) "
    "WHERE s.batch_id = $1";

// A MAJOR (classification 2) deviation a rule raised: $1 id, $2 batch,
// $3 step (or NULL), $4 rule, $5 description, $6 impact, $7 recorded by.
constexpr char kInsertRaisedDeviation[] =
    "INSERT INTO cellchain_manufacturing.deviations "
    "(deviation_id, batch_id, step_id, rule, classification, "
    "description, impact, recorded_by, recorded_at) "
    "VALUES ($1, $2, $3, $4, 2, $5, $6, $7, clock_timestamp())";

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

// Reads (and with `lock`, locks FOR SHARE) the rows of `table` named by
// `ids` into `out`, through `load`; an id given in another form (a code or
// tag the loader also finds by) is refused naming `field`.
template <typename Proto, typename Executor, typename Load, typename IdOf>
absl::Status LoadNamed(Executor& executor, const std::vector<std::string>& ids,
                       bool lock, const char* table, const char* id_column,
                       std::string_view field, std::string_view hint, Load load,
                       IdOf id_of,
                       absl::flat_hash_map<std::string, Proto>& out) {
  for (const std::string& id : ids) {
    if (out.contains(id)) continue;
    if (lock) {
      CC_RETURN_IF_ERROR(
          executor
              .Exec(
                  absl::StrCat("SELECT 1 FROM cellchain_manufacturing.", table,
                               " WHERE ", id_column, " = $1 FOR SHARE"),
                  {id})
              .status());
    }
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
      ", rejection_reason, version FROM cellchain_manufacturing.materials ");
}

template <typename Executor>
absl::StatusOr<v1::MaterialLot> LoadMaterial(Executor& executor,
                                             const std::string& id) {
  return LoadFirst<v1::MaterialLot>(
      executor,
      MaterialSelect() + "WHERE material_id = $1 OR material_code = $1", id,
      "material lot", "MATERIAL_NOT_FOUND");
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
  return LoadFirst<v1::Equipment>(
      executor, EquipmentSelect() + "WHERE equipment_id = $1 OR asset_tag = $1",
      id, "equipment", "EQUIPMENT_NOT_FOUND");
}

// The columns of a batch's snapshot (v1.Batch).
std::string BatchColumns() {
  return absl::StrCat(
      "batch_id, donor_lot_id, din, process_version, state, "
      "started_by AS started_by_user_id, ",
      pg::MicrosColumn("started_at"),
      ", product_item_id, product_step_id, abort_reason, version");
}

std::string BatchSelect() {
  return absl::StrCat("SELECT ", BatchColumns(),
                      " FROM cellchain_manufacturing.batches ");
}

template <typename Executor>
absl::StatusOr<v1::Batch> LoadBatch(Executor& executor, const std::string& id,
                                    bool for_update) {
  return LoadFirst<v1::Batch>(executor,
                              absl::StrCat(BatchSelect(), "WHERE batch_id = $1",
                                           for_update ? " FOR UPDATE" : ""),
                              id, "batch", "BATCH_NOT_FOUND");
}

std::string StepSelect() {
  return absl::StrCat(
      "SELECT step_id, batch_id, kind, passage_number, source_step_id, "
      "status, revision, step_values, recorded_by AS recorded_by_user_id, ",
      pg::MicrosColumn("recorded_at"), ", verified_by AS verified_by_user_id, ",
      pg::MicrosColumn("verified_at"),
      ", correction_reason FROM cellchain_manufacturing.steps ");
}

absl::Status ParseValues(const pg::Result& r, int row, v1::StepValues& out) {
  CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, "step_values"));
  if (!out.ParseFromString(bytes)) {
    return absl::DataLossError("a step's values do not parse");
  }
  return absl::OkStatus();
}

// Steps matched by `where`, with their values and items, in the order
// they were recorded.
template <typename Executor>
absl::StatusOr<std::vector<v1::Step>> LoadSteps(Executor& executor,
                                                const std::string& where,
                                                const pg::Params& params) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r, executor.Exec(absl::StrCat(StepSelect(), where,
                                               " ORDER BY created_at, step_id"),
                                  params));
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
absl::StatusOr<v1::Step> LoadStep(Executor& executor, const std::string& id) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::Step> steps,
                      LoadSteps(executor, "WHERE step_id = $1", {id}));
  if (steps.empty()) return NotFound("step", id, "STEP_NOT_FOUND");
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
      absl::StrCat(DeviationSelect(), "WHERE deviation_id = $1",
                   for_update ? " FOR UPDATE" : ""),
      id, "deviation", "DEVIATION_NOT_FOUND");
}

template <typename Executor>
absl::StatusOr<BatchView> LoadView(Executor& executor,
                                   const std::string& batch_id,
                                   bool for_update) {
  BatchView view;
  // The batch's snapshot columns and, in the same row, what its rules need
  // beyond them (FillFromRow leaves columns no field is named after).
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      executor.Exec(
          absl::StrCat("SELECT ", BatchColumns(), ", ",
                       pg::MicrosColumn("collected_at", "lot_collected_at"),
                       ", donor_lot_item_id "
                       "FROM cellchain_manufacturing.batches "
                       "WHERE batch_id = $1",
                       for_update ? " FOR UPDATE" : ""),
          {batch_id}));
  if (r.rows() == 0) return NotFound("batch", batch_id, "BATCH_NOT_FOUND");
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, 0, view.batch));
  CC_ASSIGN_OR_RETURN(int64_t collected, r.GetInt64(0, "lot_collected_at"));
  view.collected_at = absl::FromUnixMicros(collected);
  CC_ASSIGN_OR_RETURN(view.donor_lot_item_id,
                      r.GetString(0, "donor_lot_item_id"));
  CC_ASSIGN_OR_RETURN(view.steps,
                      LoadSteps(executor, "WHERE batch_id = $1", {batch_id}));
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
      executor, material_ids, lock, "materials", "material_id",
      "values.materials", "name material lots by id (mat_...), not code",
      [](Executor& e, const std::string& id) { return LoadMaterial(e, id); },
      [](const v1::MaterialLot& m) { return m.material_id(); },
      uses.materials));
  CC_RETURN_IF_ERROR(LoadNamed<v1::Equipment>(
      executor, equipment_ids, lock, "equipment", "equipment_id",
      "values.equipment_ids", "name equipment by id (eqp_...), not asset tag",
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
        tx.Exec(
              kInsertRaisedDeviation,
              {id, batch.batch_id(),
               step_id.empty() ? pg::Param::Null() : pg::Param(step_id), r.rule,
               r.description,
               "to be assessed by QA before the batch's disposition", user_id})
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
      tx.Exec(kInsertStep,
              {step.step_id, batch_id, static_cast<int>(step.kind),
               passage_number,
               step.source_step_id.empty() ? pg::Param::Null()
                                           : pg::Param(step.source_step_id),
               IsCulture(step.kind) ? 1 : 2, pg::Param::Bytes(values_bytes),
               step.signature.actor.user_id()})
          .status());
  CC_RETURN_IF_ERROR(tx.Exec(kInsertFirstRevision,
                             {step.step_id, pg::Param::Bytes(values_bytes),
                              step.signature.actor.user_id()})
                         .status());
  for (size_t i = 0; i < item_ids.size(); ++i) {
    int role = step.kind == v1::STEP_KIND_CRYOPRESERVATION  ? kVial
               : step.kind == v1::STEP_KIND_PRODUCT_HARVEST ? kProductLot
                                                            : kVessel;
    CC_RETURN_IF_ERROR(
        tx.Exec(kInsertStepItem,
                {step.step_id, static_cast<int64_t>(i), item_ids[i], role,
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
template absl::StatusOr<std::vector<v1::Step>> LoadSteps(pg::Connection&,
                                                         const std::string&,
                                                         const pg::Params&);
template absl::StatusOr<v1::Step> LoadStep(pg::Connection&, const std::string&);
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
template absl::StatusOr<std::vector<v1::Step>> LoadSteps(pg::Transaction&,
                                                         const std::string&,
                                                         const pg::Params&);
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
