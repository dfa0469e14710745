// The manufacturing schema as the service reads and writes it: the rows of
// each snapshot (material lots, equipment, batches, steps with their items,
// deviations), a batch with everything its rules look at (BatchView), the
// lots and equipment a step uses (Uses), and the deviations a rule raised.
// Each loader reads exactly what the audit record's after_state holds, so
// that the state readers (Manufacturing::RegisterStateReaders) can read a
// snapshot again.
//
// The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc). NOT_FOUND with the entity's reason
// (MATERIAL_NOT_FOUND, EQUIPMENT_NOT_FOUND, BATCH_NOT_FOUND, STEP_NOT_FOUND,
// DEVIATION_NOT_FOUND) when a row is missing; the database's errors as
// services/common/pg maps them otherwise.
//
// Thread-safety: free functions; each call uses only the executor passed in.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_STORE_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_STORE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/proto_row.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/ledger/recorder.h"
#include "services/manufacturing/step_rules.h"

namespace cellchain::manufacturing {

struct NewStep;  // manufacturing_internal.h

// Which custody items a step made (step_items.role: a code of the schema,
// never on the wire, so no proto enum).
enum ItemRole { kVessel = 1, kVial = 2, kProductLot = 3 };

// ---- The statements more than one file sends (the rest are named where
// they are sent). Enum columns hold the proto enum's number, bound as a
// parameter (docs/decisions/0014-sql-and-enums.md).

// A new step: $1 id, $2 batch, $3 kind (v1.StepKind), $4 passage number,
// $5 source (or NULL), $6 status (v1.StepStatus), $7 values, $8 recorded
// by, $9 late-entry reason ('' when entered in time).
inline constexpr char kInsertStep[] =
    "INSERT INTO cellchain_manufacturing.steps (step_id, batch_id, kind, "
    "passage_number, source_step_id, status, step_values, recorded_by, "
    "recorded_at, created_at, late_entry_reason) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), clock_timestamp(), $9)";

// A step's revision: $1 step, $2 revision, $3 values, $4 recorded by,
// $5 reason ('' but for a correction), $6 late-entry reason ('' when
// entered in time).
inline constexpr char kInsertRevision[] =
    "INSERT INTO cellchain_manufacturing.step_revisions "
    "(step_id, revision, step_values, recorded_by, recorded_at, reason, "
    "late_entry_reason) VALUES ($1, $2, $3, $4, now(), $5, $6)";

// An open deviation: $1 id, $2 batch, $3 step (or NULL), $4 the rule that
// raised it ('' when a person recorded it), $5 classification
// (v1.DeviationClass), $6 description, $7 impact, $8 recorded by.
inline constexpr char kInsertDeviation[] =
    "INSERT INTO cellchain_manufacturing.deviations (deviation_id, batch_id, "
    "step_id, rule, classification, description, impact, recorded_by, "
    "recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())";

// Step $1 used material lot $2; once (a harvest may name a lot the
// seeding used).
inline constexpr char kInsertConsumption[] =
    "INSERT INTO cellchain_manufacturing.consumptions (step_id, material_id) "
    "VALUES ($1, $2) ON CONFLICT DO NOTHING";

// An optional enum bound as a parameter: the enum's number, or NULL for
// its UNSPECIFIED, which is never stored (a list's filter: any; an
// assessment's classification: unchanged).
template <typename Enum>
pg::Param EnumOrNull(Enum value) {
  return value == Enum() ? pg::Param::Null()
                         : pg::Param(static_cast<int>(value));
}

// The SELECT ... FROM of each snapshot, for a WHERE clause to follow.
std::string MaterialSelect();
std::string EquipmentSelect();
std::string BatchSelect();
std::string DeviationSelect();
// The columns of a batch's snapshot (v1.Batch).
std::string BatchColumns();

// A stored step_values column (v1.StepValues) of row `row`; DATA_LOSS when
// it does not parse.
absl::Status ParseValues(const pg::Result& r, int row, v1::StepValues& out);

template <typename Executor>
absl::StatusOr<v1::MaterialLot> LoadMaterial(Executor& executor,
                                             const std::string& id);
template <typename Executor>
absl::StatusOr<v1::Equipment> LoadEquipment(Executor& executor,
                                            const std::string& id);
template <typename Executor>
absl::StatusOr<v1::Batch> LoadBatch(Executor& executor, const std::string& id,
                                    bool for_update = false);
// The steps of a batch, with their values and items, in the order they
// were recorded.
template <typename Executor>
absl::StatusOr<std::vector<v1::Step>> LoadStepsOfBatch(
    Executor& executor, const std::string& batch_id);
template <typename Executor>
absl::StatusOr<v1::Step> LoadStep(Executor& executor, const std::string& id);
// The cryopreservation step that froze `vial_item_id` (step_items role
// kVial), with its current values. NOT_FOUND NOT_A_VIAL when no step made
// that item a vial.
template <typename Executor>
absl::StatusOr<v1::Step> LoadStepOfVial(Executor& executor,
                                        const std::string& vial_item_id);
template <typename Executor>
absl::StatusOr<v1::Deviation> LoadDeviation(Executor& executor,
                                            const std::string& id,
                                            bool for_update = false);
// The batch (locked FOR UPDATE with `for_update`), its lot's collection,
// its steps and its thawed vials.
template <typename Executor>
absl::StatusOr<BatchView> LoadView(Executor& executor,
                                   const std::string& batch_id,
                                   bool for_update);
// The material lots and equipment named by id (with `lock`, locked FOR
// SHARE against a concurrent rejection or status change). INVALID_ARGUMENT
// for a lot named by its code or equipment by its asset tag.
template <typename Executor>
absl::StatusOr<Uses> LoadUses(Executor& executor,
                              const std::vector<std::string>& material_ids,
                              const std::vector<std::string>& equipment_ids,
                              bool lock);

// The rows of a new step recorded by `step`: the step (passage
// `passage_number`, values `values_bytes` as serialized), its revision 1,
// its custody items `item_ids` (in order, a vial with its position) and the
// material lots it consumed.
absl::Status InsertNewStep(pg::Transaction& tx, const NewStep& step,
                           const std::string& batch_id, int passage_number,
                           const std::string& values_bytes,
                           const std::vector<std::string>& item_ids);

// Inserts the deviations a rule raised (MAJOR, for QA to assess) and
// appends their records (the caller appends in entity-type order: these
// come after "batch").
absl::Status InsertRaised(pg::Transaction& tx, ledger::Recorder& audit,
                          const v1::Batch& batch, const std::string& step_id,
                          const std::vector<Raised>& raised,
                          const std::string& user_id,
                          std::vector<v1::Deviation>* out);

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_STORE_H_
