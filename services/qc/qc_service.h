// QcService: the gRPC adapter of Qc (qc.h). Each handler takes the caller
// from the access gate and hands the request to the domain; auth::Handle
// turns the result into the call's status.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_QC_QC_SERVICE_H_
#define CELLCHAIN_SERVICES_QC_QC_SERVICE_H_

#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "services/qc/qc.h"

namespace cellchain::qc {

class QcService final : public v1::QcService::Service {
 public:
  // `qc` is not owned and must outlive the service.
  explicit QcService(Qc* qc) : qc_(qc) {}

  grpc::Status CreateSpecification(
      grpc::ServerContext* context,
      const v1::CreateSpecificationRequest* request,
      v1::CreateSpecificationResponse* response) override;
  grpc::Status ApproveSpecification(
      grpc::ServerContext* context,
      const v1::ApproveSpecificationRequest* request,
      v1::ApproveSpecificationResponse* response) override;
  grpc::Status GetSpecification(
      grpc::ServerContext* context, const v1::GetSpecificationRequest* request,
      v1::GetSpecificationResponse* response) override;
  grpc::Status ListSpecifications(
      grpc::ServerContext* context,
      const v1::ListSpecificationsRequest* request,
      v1::ListSpecificationsResponse* response) override;
  grpc::Status OpenLot(grpc::ServerContext* context,
                       const v1::OpenLotRequest* request,
                       v1::OpenLotResponse* response) override;
  grpc::Status GetLot(grpc::ServerContext* context,
                      const v1::GetLotRequest* request,
                      v1::GetLotResponse* response) override;
  grpc::Status ListLots(grpc::ServerContext* context,
                        const v1::ListLotsRequest* request,
                        v1::ListLotsResponse* response) override;
  grpc::Status DrawSample(grpc::ServerContext* context,
                          const v1::DrawSampleRequest* request,
                          v1::DrawSampleResponse* response) override;
  grpc::Status EnterResult(grpc::ServerContext* context,
                           const v1::EnterResultRequest* request,
                           v1::EnterResultResponse* response) override;
  grpc::Status ReviewResult(grpc::ServerContext* context,
                            const v1::ReviewResultRequest* request,
                            v1::ReviewResultResponse* response) override;
  grpc::Status InvalidateResult(
      grpc::ServerContext* context, const v1::InvalidateResultRequest* request,
      v1::InvalidateResultResponse* response) override;
  grpc::Status CloseInvestigation(
      grpc::ServerContext* context,
      const v1::CloseInvestigationRequest* request,
      v1::CloseInvestigationResponse* response) override;
  grpc::Status DisposeLot(grpc::ServerContext* context,
                          const v1::DisposeLotRequest* request,
                          v1::DisposeLotResponse* response) override;
  grpc::Status GetCertificate(grpc::ServerContext* context,
                              const v1::GetCertificateRequest* request,
                              v1::GetCertificateResponse* response) override;

 private:
  Qc* const qc_;
};

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_QC_SERVICE_H_
