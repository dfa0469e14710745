#include "services/clinical/clinical_service.h"

#include "services/common/auth/handle.h"

namespace cellchain::clinical {

grpc::Status ClinicalService::ReceiveDose(grpc::ServerContext* context,
                                          const v1::ReceiveDoseRequest* request,
                                          v1::ReceiveDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return clinical_->ReceiveDose(caller, *request);
  });
}

grpc::Status ClinicalService::VerifyAtBedside(
    grpc::ServerContext* context, const v1::VerifyAtBedsideRequest* request,
    v1::VerifyAtBedsideResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return clinical_->VerifyAtBedside(caller, *request);
  });
}

grpc::Status ClinicalService::RecordInfusion(
    grpc::ServerContext* context, const v1::RecordInfusionRequest* request,
    v1::RecordInfusionResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return clinical_->RecordInfusion(caller, *request);
  });
}

grpc::Status ClinicalService::DisposeUnusedDose(
    grpc::ServerContext* context, const v1::DisposeUnusedDoseRequest* request,
    v1::DisposeUnusedDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return clinical_->DisposeUnusedDose(caller, *request);
  });
}

grpc::Status ClinicalService::RecordObservation(
    grpc::ServerContext* context, const v1::RecordObservationRequest* request,
    v1::RecordObservationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return clinical_->RecordObservation(caller, *request);
  });
}

grpc::Status ClinicalService::ReportAdverseEvent(
    grpc::ServerContext* context, const v1::ReportAdverseEventRequest* request,
    v1::ReportAdverseEventResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return clinical_->ReportAdverseEvent(caller, *request);
  });
}

grpc::Status ClinicalService::GetPatientRecord(
    grpc::ServerContext* context, const v1::GetPatientRecordRequest* request,
    v1::GetPatientRecordResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return clinical_->GetPatientRecord(*request);
  });
}

grpc::Status ClinicalService::ListInfusionsByLot(
    grpc::ServerContext* context, const v1::ListInfusionsByLotRequest* request,
    v1::ListInfusionsByLotResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return clinical_->ListInfusionsByLot(*request);
  });
}

}  // namespace cellchain::clinical
