// ClinicalService: the gRPC adapter of Clinical (clinical.h). Each handler
// takes the caller from the access gate and hands the request to the
// domain; auth::Handle turns the result into the call's status.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_CLINICAL_CLINICAL_SERVICE_H_
#define CELLCHAIN_SERVICES_CLINICAL_CLINICAL_SERVICE_H_

#include "cellchain/clinical/v1/clinical.grpc.pb.h"
#include "services/clinical/clinical.h"

namespace cellchain::clinical {

class ClinicalService final : public v1::ClinicalService::Service {
 public:
  // `clinical` is not owned and must outlive the service.
  explicit ClinicalService(Clinical* clinical) : clinical_(clinical) {}
  grpc::Status ReceiveDose(grpc::ServerContext* context,
                           const v1::ReceiveDoseRequest* request,
                           v1::ReceiveDoseResponse* response) override;
  grpc::Status VerifyAtBedside(grpc::ServerContext* context,
                               const v1::VerifyAtBedsideRequest* request,
                               v1::VerifyAtBedsideResponse* response) override;
  grpc::Status RecordInfusion(grpc::ServerContext* context,
                              const v1::RecordInfusionRequest* request,
                              v1::RecordInfusionResponse* response) override;
  grpc::Status DisposeUnusedDose(
      grpc::ServerContext* context, const v1::DisposeUnusedDoseRequest* request,
      v1::DisposeUnusedDoseResponse* response) override;
  grpc::Status RecordObservation(
      grpc::ServerContext* context, const v1::RecordObservationRequest* request,
      v1::RecordObservationResponse* response) override;
  grpc::Status ReportAdverseEvent(
      grpc::ServerContext* context,
      const v1::ReportAdverseEventRequest* request,
      v1::ReportAdverseEventResponse* response) override;
  grpc::Status GetPatientRecord(
      grpc::ServerContext* context, const v1::GetPatientRecordRequest* request,
      v1::GetPatientRecordResponse* response) override;
  grpc::Status ListInfusionsByLot(
      grpc::ServerContext* context,
      const v1::ListInfusionsByLotRequest* request,
      v1::ListInfusionsByLotResponse* response) override;

 private:
  Clinical* const clinical_;
};

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_CLINICAL_SERVICE_H_
