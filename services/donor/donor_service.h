// DonorService: the gRPC adapter of Donors (donor.h). Each handler takes
// the caller from the access gate and hands the request to the domain;
// auth::Handle turns the result into the call's status.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_DONOR_DONOR_SERVICE_H_
#define CELLCHAIN_SERVICES_DONOR_DONOR_SERVICE_H_

#include "cellchain/donor/v1/donor.grpc.pb.h"
#include "services/donor/donor.h"

namespace cellchain::donor {

class DonorService final : public v1::DonorService::Service {
 public:
  // `donors` is not owned and must outlive the service.
  explicit DonorService(Donors* donors) : donors_(donors) {}

  grpc::Status RegisterDonor(grpc::ServerContext* context,
                      const v1::RegisterDonorRequest* request,
                      v1::RegisterDonorResponse* response) override;
  grpc::Status GetDonor(grpc::ServerContext* context,
                      const v1::GetDonorRequest* request,
                      v1::GetDonorResponse* response) override;
  grpc::Status RecordConsent(grpc::ServerContext* context,
                      const v1::RecordConsentRequest* request,
                      v1::RecordConsentResponse* response) override;
  grpc::Status WithdrawConsent(grpc::ServerContext* context,
                      const v1::WithdrawConsentRequest* request,
                      v1::WithdrawConsentResponse* response) override;
  grpc::Status RecordScreening(grpc::ServerContext* context,
                      const v1::RecordScreeningRequest* request,
                      v1::RecordScreeningResponse* response) override;
  grpc::Status DetermineEligibility(grpc::ServerContext* context,
                      const v1::DetermineEligibilityRequest* request,
                      v1::DetermineEligibilityResponse* response) override;
  grpc::Status ReceiveCord(grpc::ServerContext* context,
                      const v1::ReceiveCordRequest* request,
                      v1::ReceiveCordResponse* response) override;
  grpc::Status AssessDeviation(grpc::ServerContext* context,
                      const v1::AssessDeviationRequest* request,
                      v1::AssessDeviationResponse* response) override;
  grpc::Status ReleaseLot(grpc::ServerContext* context,
                      const v1::ReleaseLotRequest* request,
                      v1::ReleaseLotResponse* response) override;
  grpc::Status DiscardLot(grpc::ServerContext* context,
                      const v1::DiscardLotRequest* request,
                      v1::DiscardLotResponse* response) override;
  grpc::Status GetLot(grpc::ServerContext* context,
                      const v1::GetLotRequest* request,
                      v1::GetLotResponse* response) override;
  grpc::Status ListLots(grpc::ServerContext* context,
                      const v1::ListLotsRequest* request,
                      v1::ListLotsResponse* response) override;

 private:
  Donors* const donors_;
};

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_DONOR_SERVICE_H_
