// Manufacturing's step RPCs: recording a new step (processing, a passage
// seeded, a cryopreservation, the product harvest) with its custody items,
// a culture's harvest, and a vial's thaw.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/custody/reasons.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"
#include "services/ledger/request_bytes.h"
#include "services/manufacturing/custody_items.h"
#include "services/manufacturing/growth.h"
#include "services/manufacturing/item_divisions.h"
#include "services/manufacturing/manufacturing.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/step_rules.h"
#include "services/manufacturing/step_values.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

using fields::ToTime;
using ledger::RequestBytes;

// ---- SQL (decision 0014: enum columns hold the proto enum's number) ------

// The batch of step $1.
constexpr char kSelectBatchOfStep[] =
    "SELECT batch_id FROM cellchain_manufacturing.steps WHERE step_id = $1";

// Whether step $1 was recorded.
constexpr char kSelectStepRecorded[] =
    "SELECT 1 FROM cellchain_manufacturing.steps WHERE step_id = $1";

// Batch $1's product lot $2 harvested by step $3. The batch stays in
// process until a second person verifies that step (review.cc).
constexpr char kProductHarvested[] =
    "UPDATE cellchain_manufacturing.batches SET "
    "product_item_id = $2, product_step_id = $3, version = version + 1 "
    "WHERE batch_id = $1";

// After DeviationSelect(): the deviations a rule raised on step $1.
constexpr char kWhereRaisedByStep[] =
    "WHERE step_id = $1 AND rule <> '' ORDER BY deviation_id";

// A culture's harvest as step $1's revision $2: $3 values, $4 recorded
// by, $5 status (v1.StepStatus PERFORMED), $6 late-entry reason ('' when
// entered in time).
constexpr char kHarvestStep[] =
    "UPDATE cellchain_manufacturing.steps SET status = $5, revision = $2, "
    "step_values = $3, recorded_by = $4, recorded_at = now(), "
    "late_entry_reason = $6 WHERE step_id = $1";

// The cryopreservation step that made vial $1 and its batch: $2 role
// (ItemRole kVial).
constexpr char kSelectVialsStep[] =
    "SELECT i.step_id, s.batch_id FROM cellchain_manufacturing.step_items i "
    "JOIN cellchain_manufacturing.steps s USING (step_id) "
    "WHERE i.item_id = $1 AND i.role = $2";

// Vial $1 thawed by step $2.
constexpr char kInsertThaw[] =
    "INSERT INTO cellchain_manufacturing.thaws (vial_item_id, step_id) "
    "VALUES ($1, $2)";

// Vessels live in a place (an incubator), which holds them in custody, so
// that whoever harvests or discards them later may end them.
constexpr char kVesselPlace[] =
    "required: the custody location (incubator) the vessels are put in";

}  // namespace

absl::StatusOr<v1::Step> Manufacturing::RecordNewStep(
    const P& caller, NewStep& step, std::vector<v1::Deviation>* raised) {
  step.step_id = StableId("stp", step.method, step.request_id);
  // Where the batch is: named, or the source step's.
  std::string batch_id = step.batch_id;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    if (batch_id.empty()) {
      CC_ASSIGN_OR_RETURN(
          pg::Result r, lease->Exec(kSelectBatchOfStep, {step.source_step_id}));
      if (r.rows() == 0) {
        return NotFound("step", step.source_step_id, kReasonStepNotFound);
      }
      CC_ASSIGN_OR_RETURN(batch_id, r.GetString(0, 0));
    }
  }
  const int item_count =
      step.kind == v1::STEP_KIND_CRYOPRESERVATION
          ? static_cast<int>(step.positions.size())
          : (IsCulture(step.kind) ? step.values.vessel_count() : 1);
  // Reads the batch, the uses and the plan; `lock` inside the transaction.
  auto plan_on = [&](auto& executor, bool lock,
                     BatchView& view) -> absl::StatusOr<Plan> {
    CC_ASSIGN_OR_RETURN(view, LoadView(executor, batch_id, lock));
    const Process* process = FindProcess(view.batch.process_version());
    if (process == nullptr) {
      return FailedRule(kReasonProcessUnknown,
                        absl::StrCat("batch ", batch_id, "'s process ",
                                     view.batch.process_version(),
                                     " is not configured on this server"));
    }
    std::vector<std::string> material_ids = MaterialIds(step.values);
    std::vector<std::string> equipment_ids = EquipmentIds(step.values);
    if (const v1::Step* source = view.Find(step.source_step_id)) {
      for (std::string& id : MaterialIds(source->values())) {
        material_ids.push_back(std::move(id));
      }
      for (std::string& id : EquipmentIds(source->values())) {
        equipment_ids.push_back(std::move(id));
      }
    }
    CC_ASSIGN_OR_RETURN(Uses uses,
                        LoadUses(executor, material_ids, equipment_ids, lock));
    return PlanStep(view, *process, options_, uses, step.kind,
                    step.source_step_id, step.values, item_count);
  };
  Plan plan;
  std::string din;
  bool recorded_before = false;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    // A retry of a step that was recorded skips the rules (they held when
    // it was recorded, and the step itself now counts against them): its
    // custody calls and transaction replay their first answers.
    CC_ASSIGN_OR_RETURN(pg::Result recorded,
                        lease->Exec(kSelectStepRecorded, {step.step_id}));
    BatchView view;
    recorded_before = recorded.rows() > 0;
    if (recorded.rows() == 0) {
      // Late or not as entered now; a retry of a recorded step replays.
      CC_ASSIGN_OR_RETURN(step.late_entry_reason,
                          LateEntryReason(UsedAt(step.kind, step.values, false),
                                          Now(), options_.late_entry_after,
                                          PerformedAtField(step.kind, false),
                                          step.late_entry_reason));
      CC_ASSIGN_OR_RETURN(plan, plan_on(*lease, false, view));
    } else {
      CC_ASSIGN_OR_RETURN(v1::Step done, LoadStep(*lease, step.step_id));
      CC_ASSIGN_OR_RETURN(view, LoadView(*lease, batch_id, false));
      plan.passage_number = done.passage_number();
      custody::v1::Item first =
          Item(*custody_, done.item_ids_size() > 0 ? done.item_ids(0)
                                                   : done.vials(0).item_id());
      plan.parents.assign(first.parents().begin(), first.parents().end());
      if (const v1::Step* source = view.Find(done.source_step_id());
          source != nullptr && source->kind() == v1::STEP_KIND_THAW) {
        plan.end_after.push_back(source->values().vial_item_id());
      }
    }
    din = view.batch.din();
  }
  // The vessels' or vials' ISBT 128 divisions, reserved before their
  // items are registered so that concurrent steps of the batch get distinct
  // ones and a retry the same ones.
  std::optional<int> first_division;
  if (const custody::v1::ItemType type = StepItemType(step.kind);
      item_count > 0 && type != custody::v1::ITEM_TYPE_PRODUCT_LOT) {
    CC_ASSIGN_OR_RETURN(
        first_division,
        ReserveDivisions(*pool_, step.step_id, batch_id, type, item_count,
                         /*reserve=*/!recorded_before));
  }
  // The custody items, derived from their parents.
  std::vector<std::string> item_ids;
  for (int i = 0; i < item_count; ++i) {
    CC_ASSIGN_OR_RETURN(
        custody::v1::RegisterItemRequest r,
        StepItemRequest(step, plan.parents, plan.passage_number, din, options_,
                        first_division, i, item_count));
    CC_ASSIGN_OR_RETURN(custody::v1::RegisterItemResponse item,
                        custody_->RegisterItem(caller, r));
    if (item.item().state() == custody::v1::ITEM_STATE_DISCARDED) {
      return FailedRule(
          kReasonRequestRefusedBefore,
          absl::StrCat("request ", step.request_id,
                       " was refused before and its custody items were "
                       "discarded: record the step again with a new request "
                       "id"));
    }
    item_ids.push_back(item.item().item_id());
  }
  CC_ASSIGN_OR_RETURN(std::string values_bytes,
                      ledger::SerializeDeterministic(step.values));
  absl::StatusOr<v1::Step> result = [&]() -> absl::StatusOr<v1::Step> {
    // The stored response is the step; the deviations it raised are read
    // back from the store on a replay.
    //
    // RunOnce and a Recorder by hand, not ledger::RecordOnce: the request
    // reaches here as a NewStep (RecordNewStep serves four request types,
    // and its request id was checked and its bytes taken in
    // RecordStepRequest before signing and the custody calls), while
    // RecordOnce needs the typed request; making these 150 lines a template
    // instantiated four times would buy nothing but code size.
    std::vector<v1::Deviation> deviations;
    absl::StatusOr<v1::Step> stored = idempotency::RunOnce<v1::Step>(
        *pool_, {kServiceName, step.method, step.request_id},
        step.request_bytes, [&](pg::Transaction& tx, v1::Step& response) {
          deviations.clear();  // the transaction may be run again
          BatchView view;
          CC_ASSIGN_OR_RETURN(Plan locked, plan_on(tx, true, view));
          CC_RETURN_IF_ERROR(InsertNewStep(tx, step, batch_id,
                                           locked.passage_number, values_bytes,
                                           item_ids));
          ledger::Recorder audit(tx, *ledger_, step.signature.actor,
                                 step.request_id);
          if (step.kind == v1::STEP_KIND_PRODUCT_HARVEST) {
            CC_RETURN_IF_ERROR(
                tx.Exec(kProductHarvested,
                        {batch_id, item_ids.front(), step.step_id})
                    .status());
            CC_ASSIGN_OR_RETURN(v1::Batch batch, LoadBatch(tx, batch_id));
            CC_RETURN_IF_ERROR(audit
                                   .Append("batch.product_harvested", "batch",
                                           batch_id, batch, "", {DinOf(batch)})
                                   .status());
          }
          CC_RETURN_IF_ERROR(
              InsertRaised(tx, audit, view.batch, step.step_id, locked.raised,
                           step.signature.actor.user_id(), &deviations));
          CC_ASSIGN_OR_RETURN(response, LoadStep(tx, step.step_id));
          return audit
              .Append("step.record", "batch_step", step.step_id, response,
                      LateEntryAuditReason(step.late_entry_reason),
                      {DinOf(view.batch)}, step.signature.manifestation)
              .status();
        });
    if (stored.ok() && raised != nullptr) {
      if (deviations.empty()) {
        // A replay: the deviations this step raised, as stored.
        CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
        CC_ASSIGN_OR_RETURN(deviations,
                            pg::LoadRows<v1::Deviation>(
                                *lease, DeviationSelect() + kWhereRaisedByStep,
                                {step.step_id}));
      }
      *raised = std::move(deviations);
    }
    return stored;
  }();
  if (!result.ok()) {
    if (Definitive(result.status())) {
      // Refused under the lock after its items were made: they are
      // discarded, so that nothing unrecorded can be used.
      absl::Status discarded = EndItems(
          caller, step.request_id, item_ids, custody::v1::ITEM_STATE_DISCARDED,
          absl::StrCat("step refused: ", result.status().message()));
      if (!discarded.ok()) {
        return Annotate(
            result.status(),
            absl::StrCat("and discarding its custody items failed: ",
                         discarded.message()));
      }
    }
    return result.status();
  }
  CC_RETURN_IF_ERROR(EndItems(
      caller, step.request_id, plan.end_after, custody::v1::ITEM_STATE_CONSUMED,
      absl::StrCat("thawed cells seeded by step ", step.step_id)));
  return result;
}

template <typename Response, typename Request>
absl::StatusOr<Response> Manufacturing::RecordStepRequest(
    const P& caller, const char* method, const Request& request, NewStep step) {
  CC_ASSIGN_OR_RETURN(step.values, Clean(step.kind, request.values(),
                                         /*harvested=*/false, Now()));
  step.method = method;
  step.request_id = request.context().request_id();
  step.late_entry_reason = request.late_entry_reason();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(step.request_id));
  CC_ASSIGN_OR_RETURN(step.request_bytes, RequestBytes(request));
  CC_ASSIGN_OR_RETURN(step.signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             step.method, step.request_id));
  Response response;
  std::vector<v1::Deviation> raised;
  CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                      RecordNewStep(caller, step, &raised));
  for (v1::Deviation& d : raised) *response.add_deviations() = std::move(d);
  return response;
}

absl::StatusOr<v1::RecordProcessingResponse> Manufacturing::RecordProcessing(
    const P& caller, const v1::RecordProcessingRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  if (request.location_id().empty()) {
    return InvalidField("location_id", kVesselPlace);
  }
  NewStep step;
  step.kind = v1::STEP_KIND_PROCESSING;
  step.batch_id = request.batch_id();
  step.location_id = request.location_id();
  return RecordStepRequest<v1::RecordProcessingResponse>(
      caller, "RecordProcessing", request, std::move(step));
}

absl::StatusOr<v1::SeedPassageResponse> Manufacturing::SeedPassage(
    const P& caller, const v1::SeedPassageRequest& request) {
  if (request.source_step_id().empty()) {
    return InvalidField("source_step_id", "required");
  }
  if (request.location_id().empty()) {
    return InvalidField("location_id", kVesselPlace);
  }
  NewStep step;
  step.kind = v1::STEP_KIND_PASSAGE;
  step.source_step_id = request.source_step_id();
  step.location_id = request.location_id();
  return RecordStepRequest<v1::SeedPassageResponse>(caller, "SeedPassage",
                                                    request, std::move(step));
}

absl::StatusOr<v1::CryopreserveResponse> Manufacturing::Cryopreserve(
    const P& caller, const v1::CryopreserveRequest& request) {
  if (request.source_step_id().empty()) {
    return InvalidField("source_step_id", "required");
  }
  if (request.position_location_ids_size() < 1 ||
      request.position_location_ids_size() > kMaxVials) {
    return InvalidField("position_location_ids",
                        "1 to 500 freezer positions, one per vial");
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.position_location_ids_size(); ++i) {
    const std::string& id = request.position_location_ids(i);
    std::string field = absl::StrCat("position_location_ids[", i, "]");
    if (id.empty()) return InvalidField(field, "required");
    if (!seen.insert(id).second) {
      return InvalidField(field, "one vial per position: listed twice");
    }
  }
  NewStep step;
  step.kind = v1::STEP_KIND_CRYOPRESERVATION;
  step.source_step_id = request.source_step_id();
  step.positions.assign(request.position_location_ids().begin(),
                        request.position_location_ids().end());
  return RecordStepRequest<v1::CryopreserveResponse>(caller, "Cryopreserve",
                                                     request, std::move(step));
}

absl::StatusOr<v1::HarvestProductResponse> Manufacturing::HarvestProduct(
    const P& caller, const v1::HarvestProductRequest& request) {
  if (request.source_step_id().empty()) {
    return InvalidField("source_step_id", "required");
  }
  NewStep step;
  step.kind = v1::STEP_KIND_PRODUCT_HARVEST;
  step.source_step_id = request.source_step_id();
  step.location_id = request.location_id();
  CC_ASSIGN_OR_RETURN(v1::HarvestProductResponse response,
                      RecordStepRequest<v1::HarvestProductResponse>(
                          caller, "HarvestProduct", request, std::move(step)));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(BatchView view,
                      LoadView(*lease, response.step().batch_id(), false));
  *response.mutable_batch() = view.batch;
  // The culture vessels are used up: the batch's cells are in the product
  // lot (and the banks' vials, which stay).
  std::vector<std::string> vessels;
  for (const v1::Step& s : view.steps) {
    if (IsCulture(s.kind())) {
      vessels.insert(vessels.end(), s.item_ids().begin(), s.item_ids().end());
    }
  }
  CC_RETURN_IF_ERROR(
      EndItems(caller, request.context().request_id(), vessels,
               custody::v1::ITEM_STATE_CONSUMED,
               absl::StrCat("harvested into the product lot of batch ",
                            view.batch.batch_id())));
  return response;
}

absl::StatusOr<v1::RecordHarvestResponse> Manufacturing::RecordHarvest(
    const P& caller, const v1::RecordHarvestRequest& request) {
  if (request.step_id().empty()) return InvalidField("step_id", "required");
  const std::string& request_id = request.context().request_id();
  // SignAs refuses a malformed request id before the password is checked.
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "RecordHarvest", request_id));
  return ledger::RecordOnce<v1::RecordHarvestResponse>(
      *pool_, *ledger_, {kServiceName, "RecordHarvest", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::RecordHarvestResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Step found, LoadStep(tx, request.step_id()));
        CC_ASSIGN_OR_RETURN(BatchView view,
                            LoadView(tx, found.batch_id(), true));
        const v1::Step* current = view.Find(found.step_id());
        if (!IsCulture(current->kind())) {
          return FailedRule(
              kReasonStepKind,
              absl::StrCat("step ", current->step_id(), " is a ",
                           KindName(current->kind()), ", not a culture"));
        }
        if (current->status() != v1::STEP_STATUS_IN_PROGRESS) {
          return FailedRule(kReasonStepHarvested,
                            absl::StrCat("P", current->passage_number(),
                                         " step ", current->step_id(),
                                         " was harvested already: correct "
                                         "it instead"));
        }
        if (view.batch.state() != v1::BATCH_STATE_IN_PROCESS) {
          return FailedRule(kReasonBatchState,
                            absl::StrCat("batch ", view.batch.batch_id(),
                                         " is not in process"));
        }
        // The harvest's values on top of the seeding's.
        v1::StepValues merged = current->values();
        const v1::StepValues& h = request.values();
        *merged.mutable_harvested_at() = h.harvested_at();
        if (!h.has_harvested_at()) merged.clear_harvested_at();
        merged.set_harvested_viable_cells(h.harvested_viable_cells());
        merged.set_viability_percent(h.viability_percent());
        merged.set_confluence_percent(h.confluence_percent());
        v1::StepValues added;
        // A lot or instrument the seeding used already is listed once.
        absl::flat_hash_set<std::string> listed;
        for (const v1::MaterialUse& use : merged.materials()) {
          listed.insert(use.material_id());
        }
        for (const std::string& id : merged.equipment_ids()) listed.insert(id);
        for (const v1::MaterialUse& use : h.materials()) {
          if (!listed.contains(use.material_id()))
            *merged.add_materials() = use;
          *added.add_materials() = use;
        }
        for (const std::string& id : h.equipment_ids()) {
          if (!listed.contains(id)) merged.add_equipment_ids(id);
          added.add_equipment_ids(id);
        }
        CC_ASSIGN_OR_RETURN(v1::StepValues values,
                            Clean(current->kind(), merged, true, Now()));
        const absl::Time harvested_at = ToTime(values.harvested_at());
        CC_ASSIGN_OR_RETURN(
            std::string late,
            LateEntryReason(harvested_at, Now(), options_.late_entry_after,
                            "values.harvested_at",
                            request.late_entry_reason()));
        CC_ASSIGN_OR_RETURN(Uses uses, LoadUses(tx, MaterialIds(added),
                                                EquipmentIds(added), true));
        CC_RETURN_IF_ERROR(CheckUses(uses, added, harvested_at));
        CC_RETURN_IF_ERROR(CheckPerformedAt(
            view.batch, uses, added, harvested_at, "values.harvested_at"));
        CC_ASSIGN_OR_RETURN(const Process* process, ProcessOf(view.batch));
        std::vector<Raised> raised;
        CC_RETURN_IF_ERROR(CheckGrowth(*process, *current, values, raised));
        CC_ASSIGN_OR_RETURN(std::string values_bytes,
                            ledger::SerializeDeterministic(values));
        int64_t revision = current->revision() + 1;
        CC_RETURN_IF_ERROR(
            tx.Exec(kHarvestStep,
                    {current->step_id(), revision,
                     pg::Param::Bytes(values_bytes), signature.actor.user_id(),
                     static_cast<int>(v1::STEP_STATUS_PERFORMED), late})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertRevision,
                    {current->step_id(), revision,
                     pg::Param::Bytes(values_bytes), signature.actor.user_id(),
                     /*reason=*/"", late})
                .status());
        for (const v1::MaterialUse& use : added.materials()) {
          CC_RETURN_IF_ERROR(tx.Exec(kInsertConsumption,
                                     {current->step_id(), use.material_id()})
                                 .status());
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                            LoadStep(tx, current->step_id()));
        std::vector<v1::Step> steps = view.steps;
        for (v1::Step& s : steps) {
          if (s.step_id() == current->step_id()) s = response.step();
        }
        absl::flat_hash_map<std::string, GrowthFacts> growth =
            ComputeGrowth(FactsOf(steps));
        *response.mutable_growth() =
            ToGrowth(response.step(), growth[current->step_id()]);
        // Their records come before the step's (entity-type order).
        std::vector<v1::Deviation> deviations;
        CC_RETURN_IF_ERROR(
            InsertRaised(tx, audit, view.batch, current->step_id(), raised,
                         signature.actor.user_id(), &deviations));
        response.clear_deviations();  // the transaction may run again
        for (v1::Deviation& d : deviations) {
          *response.add_deviations() = std::move(d);
        }
        return audit
            .Append("step.harvest", "batch_step", current->step_id(),
                    response.step(), LateEntryAuditReason(late),
                    {DinOf(view.batch)}, signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::ThawVialResponse> Manufacturing::ThawVial(
    const P& caller, const v1::ThawVialRequest& request) {
  if (request.vial_item_id().empty()) {
    return InvalidField("vial_item_id", "required");
  }
  v1::StepValues in = request.values();
  in.set_vial_item_id(request.vial_item_id());
  CC_ASSIGN_OR_RETURN(v1::StepValues values,
                      Clean(v1::STEP_KIND_THAW, in, false, Now()));
  const std::string& request_id = request.context().request_id();
  // Before the custody call and signing (RecordOnce checks it again).
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  custody::v1::GetItemRequest get;
  get.set_item_id(request.vial_item_id());
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse vial,
                      custody_->GetItem(get));
  if (vial.item().on_hold()) {
    return FailedRule(custody::kReasonItemOnHold,
                      absl::StrCat("vial ", request.vial_item_id(),
                                   " is on hold in custody"));
  }
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_PERFORMED, "ThawVial", request_id));
  CC_ASSIGN_OR_RETURN(std::string values_bytes,
                      ledger::SerializeDeterministic(values));
  const std::string step_id = StableId("stp", "ThawVial", request_id);
  return ledger::RecordOnce<v1::ThawVialResponse>(
      *pool_, *ledger_, {kServiceName, "ThawVial", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::ThawVialResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            pg::Result r, tx.Exec(kSelectVialsStep, {request.vial_item_id(),
                                                     static_cast<int>(kVial)}));
        if (r.rows() == 0) {
          return FailedRule(kReasonNotAVial,
                            absl::StrCat("item ", request.vial_item_id(),
                                         " is not a vial of any bank"));
        }
        CC_ASSIGN_OR_RETURN(std::string cryo_id, r.GetString(0, 0));
        CC_ASSIGN_OR_RETURN(std::string batch_id, r.GetString(0, 1));
        CC_ASSIGN_OR_RETURN(BatchView view, LoadView(tx, batch_id, true));
        if (view.batch.state() != v1::BATCH_STATE_IN_PROCESS) {
          return FailedRule(
              kReasonBatchState,
              absl::StrCat("batch ", batch_id, " is not in process"));
        }
        if (view.thawed_vials.contains(request.vial_item_id())) {
          return FailedRule(kReasonVialThawed,
                            absl::StrCat("vial ", request.vial_item_id(),
                                         " was thawed already"));
        }
        const v1::Step* cryo = view.Find(cryo_id);
        if (ToTime(values.thawed_at()) < ToTime(cryo->values().frozen_at())) {
          return InvalidField("values.thawed_at", "before the vial was frozen");
        }
        const absl::Time thawed_at = ToTime(values.thawed_at());
        CC_ASSIGN_OR_RETURN(
            std::string late,
            LateEntryReason(thawed_at, Now(), options_.late_entry_after,
                            "values.thawed_at", request.late_entry_reason()));
        CC_ASSIGN_OR_RETURN(Uses uses, LoadUses(tx, MaterialIds(values),
                                                EquipmentIds(values), true));
        CC_RETURN_IF_ERROR(CheckUses(uses, values, thawed_at));
        CC_RETURN_IF_ERROR(CheckPerformedAt(view.batch, uses, values, thawed_at,
                                            "values.thawed_at"));
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertStep,
                    {step_id, batch_id, static_cast<int>(v1::STEP_KIND_THAW),
                     static_cast<int64_t>(cryo->passage_number()), cryo_id,
                     static_cast<int>(v1::STEP_STATUS_PERFORMED),
                     pg::Param::Bytes(values_bytes), signature.actor.user_id(),
                     late})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertRevision,
                    {step_id, int64_t{1}, pg::Param::Bytes(values_bytes),
                     signature.actor.user_id(), /*reason=*/"", late})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertThaw, {request.vial_item_id(), step_id}).status());
        for (const v1::MaterialUse& use : values.materials()) {
          CC_RETURN_IF_ERROR(
              tx.Exec(kInsertConsumption, {step_id, use.material_id()})
                  .status());
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_step(), LoadStep(tx, step_id));
        return audit
            .Append("step.record", "batch_step", step_id, response.step(),
                    LateEntryAuditReason(late), {DinOf(view.batch)},
                    signature.manifestation)
            .status();
      });
}

}  // namespace cellchain::manufacturing
