#include "services/qc/qc_service.h"

#include "services/common/auth/handle.h"

namespace cellchain::qc {

grpc::Status QcService::CreateSpecification(
    grpc::ServerContext* context, const v1::CreateSpecificationRequest* request,
    v1::CreateSpecificationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->CreateSpecification(caller, *request);
  });
}

grpc::Status QcService::ApproveSpecification(
    grpc::ServerContext* context,
    const v1::ApproveSpecificationRequest* request,
    v1::ApproveSpecificationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->ApproveSpecification(caller, *request);
  });
}

grpc::Status QcService::GetSpecification(
    grpc::ServerContext* context, const v1::GetSpecificationRequest* request,
    v1::GetSpecificationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return qc_->GetSpecification(*request);
  });
}

grpc::Status QcService::ListSpecifications(
    grpc::ServerContext* context, const v1::ListSpecificationsRequest* request,
    v1::ListSpecificationsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return qc_->ListSpecifications(*request);
  });
}

grpc::Status QcService::OpenLot(grpc::ServerContext* context,
                                const v1::OpenLotRequest* request,
                                v1::OpenLotResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->OpenLot(caller, *request);
  });
}

grpc::Status QcService::GetLot(grpc::ServerContext* context,
                               const v1::GetLotRequest* request,
                               v1::GetLotResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return qc_->GetLot(*request);
  });
}

grpc::Status QcService::ListLots(grpc::ServerContext* context,
                                 const v1::ListLotsRequest* request,
                                 v1::ListLotsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return qc_->ListLots(*request);
  });
}

grpc::Status QcService::DrawSample(grpc::ServerContext* context,
                                   const v1::DrawSampleRequest* request,
                                   v1::DrawSampleResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->DrawSample(caller, *request);
  });
}

grpc::Status QcService::EnterResult(grpc::ServerContext* context,
                                    const v1::EnterResultRequest* request,
                                    v1::EnterResultResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->EnterResult(caller, *request);
  });
}

grpc::Status QcService::ReviewResult(grpc::ServerContext* context,
                                     const v1::ReviewResultRequest* request,
                                     v1::ReviewResultResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->ReviewResult(caller, *request);
  });
}

grpc::Status QcService::InvalidateResult(
    grpc::ServerContext* context, const v1::InvalidateResultRequest* request,
    v1::InvalidateResultResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->InvalidateResult(caller, *request);
  });
}

grpc::Status QcService::CloseInvestigation(
    grpc::ServerContext* context, const v1::CloseInvestigationRequest* request,
    v1::CloseInvestigationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->CloseInvestigation(caller, *request);
  });
}

grpc::Status QcService::DisposeLot(grpc::ServerContext* context,
                                   const v1::DisposeLotRequest* request,
                                   v1::DisposeLotResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return qc_->DisposeLot(caller, *request);
  });
}

grpc::Status QcService::GetCertificate(grpc::ServerContext* context,
                                       const v1::GetCertificateRequest* request,
                                       v1::GetCertificateResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return qc_->GetCertificate(*request);
  });
}

}  // namespace cellchain::qc
