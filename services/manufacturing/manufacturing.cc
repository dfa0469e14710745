// Manufacturing: construction, the state readers, and the helpers every RPC
// group shares (manufacturing_internal.h). The RPCs are in materials.cc,
// equipment.cc, steps.cc, review.cc, batches.cc and deviations.cc.
#include "services/manufacturing/manufacturing.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/recorder.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

// Every id of each entity a state reader reads (ledger::IdsFrom).
constexpr char kSelectMaterialIds[] =
    "SELECT material_id FROM cellchain_manufacturing.materials";
constexpr char kSelectEquipmentIds[] =
    "SELECT equipment_id FROM cellchain_manufacturing.equipment";
constexpr char kSelectBatchIds[] =
    "SELECT batch_id FROM cellchain_manufacturing.batches";
constexpr char kSelectStepIds[] =
    "SELECT step_id FROM cellchain_manufacturing.steps";
constexpr char kSelectDeviationIds[] =
    "SELECT deviation_id FROM cellchain_manufacturing.deviations";

}  // namespace

// An id that a retry of the same request gets again: the custody items a
// request registers before its transaction are named after it.
std::string StableId(std::string_view prefix, std::string_view method,
                     std::string_view request_id) {
  return absl::StrCat(std::string(prefix), "_",
                      idempotency::DerivedRequestId(
                          request_id, absl::StrCat(std::string(method), "/id"))
                          .substr(0, 24));
}

audit::v1::Isbt128Identifier DinOf(const v1::Batch& batch) {
  return ledger::DinIdentifier(batch.din());
}

Manufacturing::Manufacturing(pg::Pool* pool, const ledger::Ledger* ledger,
                             auth::SignatureAuthority* signatures,
                             custody::CustodyPort* custody,
                             DonorLotPort* donor_lots,
                             ManufacturingOptions options)
    : pool_(pool),
      ledger_(ledger),
      signatures_(signatures),
      custody_(custody),
      donor_lots_(donor_lots),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : ledger::RealClock()) {
}

absl::Time Manufacturing::Now() const { return clock_->Now(); }

absl::Status Manufacturing::RegisterStateReaders(
    ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::MaterialLot>(
      registry, "material_lot", [](C& c, Id id) { return LoadMaterial(c, id); },
      ledger::IdsFrom(kSelectMaterialIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Equipment>(
      registry, "equipment", [](C& c, Id id) { return LoadEquipment(c, id); },
      ledger::IdsFrom(kSelectEquipmentIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Batch>(
      registry, "batch", [](C& c, Id id) { return LoadBatch(c, id); },
      ledger::IdsFrom(kSelectBatchIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Step>(
      registry, "batch_step", [](C& c, Id id) { return LoadStep(c, id); },
      ledger::IdsFrom(kSelectStepIds)));
  return ledger::RegisterProtoReader<v1::Deviation>(
      registry, "batch_deviation",
      [](C& c, Id id) { return LoadDeviation(c, id); },
      ledger::IdsFrom(kSelectDeviationIds));
}

const Process* Manufacturing::FindProcess(const std::string& version) const {
  auto it = options_.processes.find(version);
  return it == options_.processes.end() ? nullptr : &it->second;
}

absl::StatusOr<const Process*> Manufacturing::ProcessOf(
    const v1::Batch& batch) const {
  const Process* process = FindProcess(batch.process_version());
  if (process == nullptr) {
    return FailedRule(kReasonProcessUnknown,
                      absl::StrCat("batch ", batch.batch_id(), "'s process ",
                                   batch.process_version(),
                                   " is not configured on this server"));
  }
  return process;
}

absl::StatusOr<VialContent> Manufacturing::GetVialContent(
    const std::string& item_id) {
  if (item_id.empty()) return InvalidField("item_id", "required");
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(v1::Step step, LoadStepOfVial(*lease, item_id));
  CC_ASSIGN_OR_RETURN(v1::Batch batch, LoadBatch(*lease, step.batch_id()));
  const Process* process = FindProcess(batch.process_version());
  if (process == nullptr) {
    return FailedRule(kReasonProcessUnknown,
                      absl::StrCat("batch ", batch.batch_id(), "'s process ",
                                   batch.process_version(),
                                   " is not configured: the vial's fill "
                                   "volume is not known"));
  }
  return VialContent{.viable_cells = step.values().cells_per_vial(),
                     .volume_ml = process->vial_fill_ml};
}

}  // namespace cellchain::manufacturing
