// DoseService: the gRPC adapter of Dose (dose.h). Each handler takes the
// caller from the access gate and hands the request to the domain;
// auth::Handle turns the result into the call's status.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_DOSE_DOSE_SERVICE_H_
#define CELLCHAIN_SERVICES_DOSE_DOSE_SERVICE_H_

#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "services/dose/dose.h"

namespace cellchain::dose {

class DoseService final : public v1::DoseService::Service {
 public:
  // `dose` is not owned and must outlive the service.
  explicit DoseService(Dose* dose) : dose_(dose) {}
  grpc::Status RegisterPatient(grpc::ServerContext* context,
                               const v1::RegisterPatientRequest* request,
                               v1::RegisterPatientResponse* response) override;
  grpc::Status GetPatient(grpc::ServerContext* context,
                          const v1::GetPatientRequest* request,
                          v1::GetPatientResponse* response) override;
  grpc::Status CreateOrder(grpc::ServerContext* context,
                           const v1::CreateOrderRequest* request,
                           v1::CreateOrderResponse* response) override;
  grpc::Status GetOrder(grpc::ServerContext* context,
                        const v1::GetOrderRequest* request,
                        v1::GetOrderResponse* response) override;
  grpc::Status CalculatePreparation(
      grpc::ServerContext* context,
      const v1::CalculatePreparationRequest* request,
      v1::CalculatePreparationResponse* response) override;
  grpc::Status PrepareDose(grpc::ServerContext* context,
                           const v1::PrepareDoseRequest* request,
                           v1::PrepareDoseResponse* response) override;
  grpc::Status RecordPostPreparationCount(
      grpc::ServerContext* context,
      const v1::RecordPostPreparationCountRequest* request,
      v1::RecordPostPreparationCountResponse* response) override;
  grpc::Status VerifyDose(grpc::ServerContext* context,
                          const v1::VerifyDoseRequest* request,
                          v1::VerifyDoseResponse* response) override;
  grpc::Status GetDose(grpc::ServerContext* context,
                       const v1::GetDoseRequest* request,
                       v1::GetDoseResponse* response) override;
  grpc::Status ReleaseDose(grpc::ServerContext* context,
                           const v1::ReleaseDoseRequest* request,
                           v1::ReleaseDoseResponse* response) override;
  grpc::Status IssueDose(grpc::ServerContext* context,
                         const v1::IssueDoseRequest* request,
                         v1::IssueDoseResponse* response) override;
  grpc::Status ReturnDose(grpc::ServerContext* context,
                          const v1::ReturnDoseRequest* request,
                          v1::ReturnDoseResponse* response) override;
  grpc::Status DestroyDose(grpc::ServerContext* context,
                           const v1::DestroyDoseRequest* request,
                           v1::DestroyDoseResponse* response) override;
  grpc::Status ListDoses(grpc::ServerContext* context,
                         const v1::ListDosesRequest* request,
                         v1::ListDosesResponse* response) override;

 private:
  Dose* const dose_;
};

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DOSE_SERVICE_H_
