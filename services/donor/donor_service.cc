#include "services/donor/donor_service.h"

#include "services/common/auth/handle.h"

namespace cellchain::donor {

grpc::Status DonorService::RegisterDonor(grpc::ServerContext* context,
                               const v1::RegisterDonorRequest* request,
                               v1::RegisterDonorResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->RegisterDonor(caller, *request);
  });
}

grpc::Status DonorService::GetDonor(grpc::ServerContext* context,
                               const v1::GetDonorRequest* request,
                               v1::GetDonorResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->GetDonor(caller, *request);
  });
}

grpc::Status DonorService::RecordConsent(grpc::ServerContext* context,
                               const v1::RecordConsentRequest* request,
                               v1::RecordConsentResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->RecordConsent(caller, *request);
  });
}

grpc::Status DonorService::WithdrawConsent(grpc::ServerContext* context,
                               const v1::WithdrawConsentRequest* request,
                               v1::WithdrawConsentResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->WithdrawConsent(caller, *request);
  });
}

grpc::Status DonorService::RecordScreening(grpc::ServerContext* context,
                               const v1::RecordScreeningRequest* request,
                               v1::RecordScreeningResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->RecordScreening(caller, *request);
  });
}

grpc::Status DonorService::DetermineEligibility(grpc::ServerContext* context,
                               const v1::DetermineEligibilityRequest* request,
                               v1::DetermineEligibilityResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->DetermineEligibility(caller, *request);
  });
}

grpc::Status DonorService::ReceiveCord(grpc::ServerContext* context,
                               const v1::ReceiveCordRequest* request,
                               v1::ReceiveCordResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->ReceiveCord(caller, *request);
  });
}

grpc::Status DonorService::AssessDeviation(grpc::ServerContext* context,
                               const v1::AssessDeviationRequest* request,
                               v1::AssessDeviationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->AssessDeviation(caller, *request);
  });
}

grpc::Status DonorService::ReleaseLot(grpc::ServerContext* context,
                               const v1::ReleaseLotRequest* request,
                               v1::ReleaseLotResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->ReleaseLot(caller, *request);
  });
}

grpc::Status DonorService::DiscardLot(grpc::ServerContext* context,
                               const v1::DiscardLotRequest* request,
                               v1::DiscardLotResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return donors_->DiscardLot(caller, *request);
  });
}

grpc::Status DonorService::GetLot(grpc::ServerContext* context,
                               const v1::GetLotRequest* request,
                               v1::GetLotResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return donors_->GetLot(*request);
  });
}

grpc::Status DonorService::ListLots(grpc::ServerContext* context,
                               const v1::ListLotsRequest* request,
                               v1::ListLotsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return donors_->ListLots(*request);
  });
}

}  // namespace cellchain::donor
