#include "services/dose/dose_service.h"

#include "services/common/auth/handle.h"

namespace cellchain::dose {

grpc::Status DoseService::RegisterPatient(
    grpc::ServerContext* context, const v1::RegisterPatientRequest* request,
    v1::RegisterPatientResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->RegisterPatient(caller, *request);
  });
}

grpc::Status DoseService::GetPatient(grpc::ServerContext* context,
                                     const v1::GetPatientRequest* request,
                                     v1::GetPatientResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->GetPatient(caller, *request);
  });
}

grpc::Status DoseService::CreateOrder(grpc::ServerContext* context,
                                      const v1::CreateOrderRequest* request,
                                      v1::CreateOrderResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->CreateOrder(caller, *request);
  });
}

grpc::Status DoseService::GetOrder(grpc::ServerContext* context,
                                   const v1::GetOrderRequest* request,
                                   v1::GetOrderResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return dose_->GetOrder(*request);
  });
}

grpc::Status DoseService::CalculatePreparation(
    grpc::ServerContext* context,
    const v1::CalculatePreparationRequest* request,
    v1::CalculatePreparationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return dose_->CalculatePreparation(*request);
  });
}

grpc::Status DoseService::PrepareDose(grpc::ServerContext* context,
                                      const v1::PrepareDoseRequest* request,
                                      v1::PrepareDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->PrepareDose(caller, *request);
  });
}

grpc::Status DoseService::RecordPostPreparationCount(
    grpc::ServerContext* context,
    const v1::RecordPostPreparationCountRequest* request,
    v1::RecordPostPreparationCountResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->RecordPostPreparationCount(caller, *request);
  });
}

grpc::Status DoseService::VerifyDose(grpc::ServerContext* context,
                                     const v1::VerifyDoseRequest* request,
                                     v1::VerifyDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->VerifyDose(caller, *request);
  });
}

grpc::Status DoseService::GetDose(grpc::ServerContext* context,
                                  const v1::GetDoseRequest* request,
                                  v1::GetDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return dose_->GetDose(*request);
  });
}

grpc::Status DoseService::ReleaseDose(grpc::ServerContext* context,
                                      const v1::ReleaseDoseRequest* request,
                                      v1::ReleaseDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->ReleaseDose(caller, *request);
  });
}

grpc::Status DoseService::IssueDose(grpc::ServerContext* context,
                                    const v1::IssueDoseRequest* request,
                                    v1::IssueDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->IssueDose(caller, *request);
  });
}

grpc::Status DoseService::ReturnDose(grpc::ServerContext* context,
                                     const v1::ReturnDoseRequest* request,
                                     v1::ReturnDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->ReturnDose(caller, *request);
  });
}

grpc::Status DoseService::DestroyDose(grpc::ServerContext* context,
                                      const v1::DestroyDoseRequest* request,
                                      v1::DestroyDoseResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return dose_->DestroyDose(caller, *request);
  });
}

grpc::Status DoseService::ListDoses(grpc::ServerContext* context,
                                    const v1::ListDosesRequest* request,
                                    v1::ListDosesResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return dose_->ListDoses(*request);
  });
}

}  // namespace cellchain::dose
