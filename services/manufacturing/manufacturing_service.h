// ManufacturingService: the gRPC adapter of Manufacturing
// (manufacturing.h). Each handler takes the caller from the access gate and
// hands the request to the domain; auth::Handle turns the result into the
// call's status.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_SERVICE_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_SERVICE_H_

#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::manufacturing {

class ManufacturingService final : public v1::ManufacturingService::Service {
 public:
  // `manufacturing` is not owned and must outlive the service.
  explicit ManufacturingService(Manufacturing* manufacturing)
      : manufacturing_(manufacturing) {}

  grpc::Status ReceiveMaterial(grpc::ServerContext* context,
                               const v1::ReceiveMaterialRequest* request,
                               v1::ReceiveMaterialResponse* response) override;
  grpc::Status DispositionMaterial(
      grpc::ServerContext* context,
      const v1::DispositionMaterialRequest* request,
      v1::DispositionMaterialResponse* response) override;
  grpc::Status GetMaterial(grpc::ServerContext* context,
                           const v1::GetMaterialRequest* request,
                           v1::GetMaterialResponse* response) override;
  grpc::Status ListMaterials(grpc::ServerContext* context,
                             const v1::ListMaterialsRequest* request,
                             v1::ListMaterialsResponse* response) override;
  grpc::Status RegisterEquipment(
      grpc::ServerContext* context, const v1::RegisterEquipmentRequest* request,
      v1::RegisterEquipmentResponse* response) override;
  grpc::Status RecordCalibration(
      grpc::ServerContext* context, const v1::RecordCalibrationRequest* request,
      v1::RecordCalibrationResponse* response) override;
  grpc::Status SetEquipmentStatus(
      grpc::ServerContext* context,
      const v1::SetEquipmentStatusRequest* request,
      v1::SetEquipmentStatusResponse* response) override;
  grpc::Status ListEquipment(grpc::ServerContext* context,
                             const v1::ListEquipmentRequest* request,
                             v1::ListEquipmentResponse* response) override;
  grpc::Status StartBatch(grpc::ServerContext* context,
                          const v1::StartBatchRequest* request,
                          v1::StartBatchResponse* response) override;
  grpc::Status RecordProcessing(
      grpc::ServerContext* context, const v1::RecordProcessingRequest* request,
      v1::RecordProcessingResponse* response) override;
  grpc::Status SeedPassage(grpc::ServerContext* context,
                           const v1::SeedPassageRequest* request,
                           v1::SeedPassageResponse* response) override;
  grpc::Status RecordHarvest(grpc::ServerContext* context,
                             const v1::RecordHarvestRequest* request,
                             v1::RecordHarvestResponse* response) override;
  grpc::Status VerifyStep(grpc::ServerContext* context,
                          const v1::VerifyStepRequest* request,
                          v1::VerifyStepResponse* response) override;
  grpc::Status CorrectStep(grpc::ServerContext* context,
                           const v1::CorrectStepRequest* request,
                           v1::CorrectStepResponse* response) override;
  grpc::Status Cryopreserve(grpc::ServerContext* context,
                            const v1::CryopreserveRequest* request,
                            v1::CryopreserveResponse* response) override;
  grpc::Status ThawVial(grpc::ServerContext* context,
                        const v1::ThawVialRequest* request,
                        v1::ThawVialResponse* response) override;
  grpc::Status HarvestProduct(grpc::ServerContext* context,
                              const v1::HarvestProductRequest* request,
                              v1::HarvestProductResponse* response) override;
  grpc::Status AbortBatch(grpc::ServerContext* context,
                          const v1::AbortBatchRequest* request,
                          v1::AbortBatchResponse* response) override;
  grpc::Status RecordDeviation(grpc::ServerContext* context,
                               const v1::RecordDeviationRequest* request,
                               v1::RecordDeviationResponse* response) override;
  grpc::Status AssessDeviation(grpc::ServerContext* context,
                               const v1::AssessDeviationRequest* request,
                               v1::AssessDeviationResponse* response) override;
  grpc::Status GetBatch(grpc::ServerContext* context,
                        const v1::GetBatchRequest* request,
                        v1::GetBatchResponse* response) override;
  grpc::Status ListBatches(grpc::ServerContext* context,
                           const v1::ListBatchesRequest* request,
                           v1::ListBatchesResponse* response) override;
  grpc::Status GetGrowthCurve(grpc::ServerContext* context,
                              const v1::GetGrowthCurveRequest* request,
                              v1::GetGrowthCurveResponse* response) override;
  grpc::Status GetProcess(grpc::ServerContext* context,
                          const v1::GetProcessRequest* request,
                          v1::GetProcessResponse* response) override;

 private:
  Manufacturing* const manufacturing_;
};

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_SERVICE_H_
