// Manufacturing: material lots, equipment, batches from donor lots and
// their steps — processing, passages, cryopreservation, thaws, the product
// harvest — with population doublings, limits, four-eyes verification,
// corrections as new revisions, and deviations, over PostgreSQL (schema
// cellchain_manufacturing), every change audited through the ledger in the
// change's transaction (docs/services/manufacturing.md).
//
// Audit records and their entities (after_state, readable again by the
// state readers RegisterStateReaders installs):
//   material_lot     (v1.MaterialLot)  material.receive, material.release
//                    (APPROVED), material.reject (REJECTED)
//   equipment        (v1.Equipment)  equipment.register,
//                    equipment.calibration, equipment.status
//   batch            (v1.Batch)  batch.start, batch.product_harvested,
//                    batch.abort
//   batch_step       (v1.Step)  step.record (PERFORMED), step.harvest
//                    (PERFORMED), step.verify (VERIFIED), step.correct
//                    (PERFORMED, with the reason)
//   batch_deviation  (v1.Deviation)  deviation.record, deviation.assess
//                    (APPROVED)
//
// Custody is called through a CustodyPort with the caller's principal:
// the items a step makes (vessels, vials, the product lot) are registered
// before the step's transaction under request ids derived from the
// caller's, and discarded again if the transaction refuses the step; items
// a step ends (a thawed vial, a closed batch's vessels) are ended after it.
// A retry of the same request repeats the same custody calls, which custody
// answers from its own idempotency records (docs/decisions/0012-donor-
// calls-custody.md).
//
// Thread-safety: all methods are safe to call concurrently. Every step of
// a batch locks the batch's row, so two steps on one batch are serialised
// and neither's update is lost.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/pg/pool.h"
#include "services/custody/custody_port.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"
#include "services/manufacturing/process.h"

namespace cellchain::manufacturing {

inline constexpr char kServiceName[] =
    "cellchain.manufacturing.v1.ManufacturingService";

// What manufacturing needs of the donor service.
class DonorLotPort {
 public:
  virtual ~DonorLotPort() = default;
  virtual absl::StatusOr<donor::v1::DonorLot> GetLot(
      const std::string& lot_id) = 0;
};

struct NewStep;  // a step being recorded (manufacturing_internal.h)

// A cryovial's content as frozen.
struct VialContent {
  double viable_cells = 0;  // the step's cells_per_vial
  double volume_ml = 0;     // the process's vial_fill_ml
};

class Manufacturing {
 public:
  // `pool` connects as cellchain_manufacturing; `ledger` signs as
  // "manufacturing"; `signatures` re-authenticates signers; `custody` and
  // `donor_lots` are the other services. None is owned; all must outlive
  // this. Expiry and calibration are checked against the day (UTC) a step
  // says it used the lot or the instrument; a release, a calibration and a
  // step's times against the day and time of `options.clock`.
  Manufacturing(pg::Pool* pool, const ledger::Ledger* ledger,
                auth::SignatureAuthority* signatures,
                custody::CustodyPort* custody, DonorLotPort* donor_lots,
                ManufacturingOptions options = {});

  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  using P = auth::Principal;
  absl::StatusOr<v1::ReceiveMaterialResponse> ReceiveMaterial(
      const P& caller, const v1::ReceiveMaterialRequest& request);
  absl::StatusOr<v1::DispositionMaterialResponse> DispositionMaterial(
      const P& caller, const v1::DispositionMaterialRequest& request);
  absl::StatusOr<v1::GetMaterialResponse> GetMaterial(
      const v1::GetMaterialRequest& request);
  absl::StatusOr<v1::ListMaterialsResponse> ListMaterials(
      const v1::ListMaterialsRequest& request);
  absl::StatusOr<v1::RegisterEquipmentResponse> RegisterEquipment(
      const P& caller, const v1::RegisterEquipmentRequest& request);
  absl::StatusOr<v1::RecordCalibrationResponse> RecordCalibration(
      const P& caller, const v1::RecordCalibrationRequest& request);
  absl::StatusOr<v1::SetEquipmentStatusResponse> SetEquipmentStatus(
      const P& caller, const v1::SetEquipmentStatusRequest& request);
  absl::StatusOr<v1::ListEquipmentResponse> ListEquipment(
      const v1::ListEquipmentRequest& request);
  absl::StatusOr<v1::StartBatchResponse> StartBatch(
      const P& caller, const v1::StartBatchRequest& request);
  absl::StatusOr<v1::RecordProcessingResponse> RecordProcessing(
      const P& caller, const v1::RecordProcessingRequest& request);
  absl::StatusOr<v1::SeedPassageResponse> SeedPassage(
      const P& caller, const v1::SeedPassageRequest& request);
  absl::StatusOr<v1::RecordHarvestResponse> RecordHarvest(
      const P& caller, const v1::RecordHarvestRequest& request);
  absl::StatusOr<v1::VerifyStepResponse> VerifyStep(
      const P& caller, const v1::VerifyStepRequest& request);
  absl::StatusOr<v1::CorrectStepResponse> CorrectStep(
      const P& caller, const v1::CorrectStepRequest& request);
  absl::StatusOr<v1::CryopreserveResponse> Cryopreserve(
      const P& caller, const v1::CryopreserveRequest& request);
  absl::StatusOr<v1::ThawVialResponse> ThawVial(
      const P& caller, const v1::ThawVialRequest& request);
  absl::StatusOr<v1::HarvestProductResponse> HarvestProduct(
      const P& caller, const v1::HarvestProductRequest& request);
  absl::StatusOr<v1::AbortBatchResponse> AbortBatch(
      const P& caller, const v1::AbortBatchRequest& request);
  absl::StatusOr<v1::RecordDeviationResponse> RecordDeviation(
      const P& caller, const v1::RecordDeviationRequest& request);
  absl::StatusOr<v1::AssessDeviationResponse> AssessDeviation(
      const P& caller, const v1::AssessDeviationRequest& request);
  absl::StatusOr<v1::GetBatchResponse> GetBatch(
      const v1::GetBatchRequest& request);
  absl::StatusOr<v1::ListBatchesResponse> ListBatches(
      const v1::ListBatchesRequest& request);
  absl::StatusOr<v1::GetGrowthCurveResponse> GetGrowthCurve(
      const v1::GetGrowthCurveRequest& request);
  // A process version's limits (processes.cc): the default's when
  // `process_version` is empty; NOT_FOUND PROCESS_NOT_FOUND for a version
  // this server does not have.
  absl::StatusOr<v1::GetProcessResponse> GetProcess(
      const v1::GetProcessRequest& request) const;
  // What one cryovial holds as frozen: the cells per vial its
  // cryopreservation step records and the fill volume of its batch's
  // process (Process::vial_fill_ml). No RPC: co-hosted services (labels,
  // for a cryovial's label) call it in-process (manufacturing.cc).
  // INVALID_ARGUMENT `item_id` when empty; NOT_FOUND NOT_A_VIAL when no
  // cryopreservation step made the item; FAILED_PRECONDITION
  // PROCESS_UNKNOWN when the batch's process version is not configured.
  absl::StatusOr<VialContent> GetVialContent(const std::string& item_id);

 private:
  // Registers a step's custody items, runs its transaction, and discards
  // the items again when the transaction refuses.
  absl::StatusOr<v1::Step> RecordNewStep(const P& caller, NewStep& step,
                                         std::vector<v1::Deviation>* raised);
  // What every RPC that records a new step does with its request: checks
  // the values and the request id, signs PERFORMED, records the step, and
  // answers with it and the deviations it raised.
  template <typename Response, typename Request>
  absl::StatusOr<Response> RecordStepRequest(const P& caller,
                                             const char* method,
                                             const Request& request,
                                             NewStep step);
  absl::Status EndItems(const P& caller, const std::string& request_id,
                        const std::vector<std::string>& item_ids,
                        custody::v1::ItemState outcome,
                        const std::string& reason);
  const Process* FindProcess(const std::string& version) const;
  // The process `batch` runs under: FAILED_PRECONDITION PROCESS_UNKNOWN
  // when this server does not have it.
  absl::StatusOr<const Process*> ProcessOf(const v1::Batch& batch) const;
  // The service's time (options.clock): the day of an expiry or a
  // calibration, the present a recorded time may not lie after.
  absl::Time Now() const;

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  auth::SignatureAuthority* const signatures_;
  custody::CustodyPort* const custody_;
  DonorLotPort* const donor_lots_;
  const ManufacturingOptions options_;
  ledger::Clock* const clock_;  // options_.clock, or ledger::RealClock()
};

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_H_
