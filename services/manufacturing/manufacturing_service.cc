#include "services/manufacturing/manufacturing_service.h"

#include "services/common/auth/handle.h"

namespace cellchain::manufacturing {

grpc::Status ManufacturingService::ReceiveMaterial(
    grpc::ServerContext* context, const v1::ReceiveMaterialRequest* request,
    v1::ReceiveMaterialResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->ReceiveMaterial(caller, *request);
  });
}

grpc::Status ManufacturingService::DispositionMaterial(
    grpc::ServerContext* context, const v1::DispositionMaterialRequest* request,
    v1::DispositionMaterialResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->DispositionMaterial(caller, *request);
  });
}

grpc::Status ManufacturingService::GetMaterial(
    grpc::ServerContext* context, const v1::GetMaterialRequest* request,
    v1::GetMaterialResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return manufacturing_->GetMaterial(*request);
  });
}

grpc::Status ManufacturingService::ListMaterials(
    grpc::ServerContext* context, const v1::ListMaterialsRequest* request,
    v1::ListMaterialsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return manufacturing_->ListMaterials(*request);
  });
}

grpc::Status ManufacturingService::RegisterEquipment(
    grpc::ServerContext* context, const v1::RegisterEquipmentRequest* request,
    v1::RegisterEquipmentResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->RegisterEquipment(caller, *request);
  });
}

grpc::Status ManufacturingService::RecordCalibration(
    grpc::ServerContext* context, const v1::RecordCalibrationRequest* request,
    v1::RecordCalibrationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->RecordCalibration(caller, *request);
  });
}

grpc::Status ManufacturingService::SetEquipmentStatus(
    grpc::ServerContext* context, const v1::SetEquipmentStatusRequest* request,
    v1::SetEquipmentStatusResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->SetEquipmentStatus(caller, *request);
  });
}

grpc::Status ManufacturingService::ListEquipment(
    grpc::ServerContext* context, const v1::ListEquipmentRequest* request,
    v1::ListEquipmentResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return manufacturing_->ListEquipment(*request);
  });
}

grpc::Status ManufacturingService::StartBatch(
    grpc::ServerContext* context, const v1::StartBatchRequest* request,
    v1::StartBatchResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->StartBatch(caller, *request);
  });
}

grpc::Status ManufacturingService::RecordProcessing(
    grpc::ServerContext* context, const v1::RecordProcessingRequest* request,
    v1::RecordProcessingResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->RecordProcessing(caller, *request);
  });
}

grpc::Status ManufacturingService::SeedPassage(
    grpc::ServerContext* context, const v1::SeedPassageRequest* request,
    v1::SeedPassageResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->SeedPassage(caller, *request);
  });
}

grpc::Status ManufacturingService::RecordHarvest(
    grpc::ServerContext* context, const v1::RecordHarvestRequest* request,
    v1::RecordHarvestResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->RecordHarvest(caller, *request);
  });
}

grpc::Status ManufacturingService::VerifyStep(
    grpc::ServerContext* context, const v1::VerifyStepRequest* request,
    v1::VerifyStepResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->VerifyStep(caller, *request);
  });
}

grpc::Status ManufacturingService::CorrectStep(
    grpc::ServerContext* context, const v1::CorrectStepRequest* request,
    v1::CorrectStepResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->CorrectStep(caller, *request);
  });
}

grpc::Status ManufacturingService::Cryopreserve(
    grpc::ServerContext* context, const v1::CryopreserveRequest* request,
    v1::CryopreserveResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->Cryopreserve(caller, *request);
  });
}

grpc::Status ManufacturingService::ThawVial(grpc::ServerContext* context,
                                            const v1::ThawVialRequest* request,
                                            v1::ThawVialResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->ThawVial(caller, *request);
  });
}

grpc::Status ManufacturingService::HarvestProduct(
    grpc::ServerContext* context, const v1::HarvestProductRequest* request,
    v1::HarvestProductResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->HarvestProduct(caller, *request);
  });
}

grpc::Status ManufacturingService::AbortBatch(
    grpc::ServerContext* context, const v1::AbortBatchRequest* request,
    v1::AbortBatchResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->AbortBatch(caller, *request);
  });
}

grpc::Status ManufacturingService::RecordDeviation(
    grpc::ServerContext* context, const v1::RecordDeviationRequest* request,
    v1::RecordDeviationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->RecordDeviation(caller, *request);
  });
}

grpc::Status ManufacturingService::AssessDeviation(
    grpc::ServerContext* context, const v1::AssessDeviationRequest* request,
    v1::AssessDeviationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return manufacturing_->AssessDeviation(caller, *request);
  });
}

grpc::Status ManufacturingService::GetBatch(grpc::ServerContext* context,
                                            const v1::GetBatchRequest* request,
                                            v1::GetBatchResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return manufacturing_->GetBatch(*request);
  });
}

grpc::Status ManufacturingService::ListBatches(
    grpc::ServerContext* context, const v1::ListBatchesRequest* request,
    v1::ListBatchesResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return manufacturing_->ListBatches(*request);
  });
}

grpc::Status ManufacturingService::GetGrowthCurve(
    grpc::ServerContext* context, const v1::GetGrowthCurveRequest* request,
    v1::GetGrowthCurveResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return manufacturing_->GetGrowthCurve(*request);
  });
}

grpc::Status ManufacturingService::GetProcess(
    grpc::ServerContext* context, const v1::GetProcessRequest* request,
    v1::GetProcessResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return manufacturing_->GetProcess(*request);
  });
}

}  // namespace cellchain::manufacturing
