// CustodyService: the gRPC adapter of Custody (custody.h). Each handler
// takes the caller from the access gate and hands the request to the
// domain; auth::Handle turns the result into the call's status.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_CUSTODY_CUSTODY_SERVICE_H_
#define CELLCHAIN_SERVICES_CUSTODY_CUSTODY_SERVICE_H_

#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "services/custody/custody.h"

namespace cellchain::custody {

class CustodyService final : public v1::CustodyService::Service {
 public:
  // `custody` is not owned and must outlive the service.
  explicit CustodyService(Custody* custody) : custody_(custody) {}

  grpc::Status AllocateDin(grpc::ServerContext* context,
                      const v1::AllocateDinRequest* request,
                      v1::AllocateDinResponse* response) override;
  grpc::Status RegisterItem(grpc::ServerContext* context,
                      const v1::RegisterItemRequest* request,
                      v1::RegisterItemResponse* response) override;
  grpc::Status LinkParent(grpc::ServerContext* context,
                      const v1::LinkParentRequest* request,
                      v1::LinkParentResponse* response) override;
  grpc::Status GetItem(grpc::ServerContext* context,
                      const v1::GetItemRequest* request,
                      v1::GetItemResponse* response) override;
  grpc::Status FindItemByScan(grpc::ServerContext* context,
                      const v1::FindItemByScanRequest* request,
                      v1::FindItemByScanResponse* response) override;
  grpc::Status CreateLocation(grpc::ServerContext* context,
                      const v1::CreateLocationRequest* request,
                      v1::CreateLocationResponse* response) override;
  grpc::Status ListLocations(grpc::ServerContext* context,
                      const v1::ListLocationsRequest* request,
                      v1::ListLocationsResponse* response) override;
  grpc::Status InitiateHandoff(grpc::ServerContext* context,
                      const v1::InitiateHandoffRequest* request,
                      v1::InitiateHandoffResponse* response) override;
  grpc::Status AcceptHandoff(grpc::ServerContext* context,
                      const v1::AcceptHandoffRequest* request,
                      v1::AcceptHandoffResponse* response) override;
  grpc::Status CancelHandoff(grpc::ServerContext* context,
                      const v1::CancelHandoffRequest* request,
                      v1::CancelHandoffResponse* response) override;
  grpc::Status RecordTemperatures(grpc::ServerContext* context,
                      const v1::RecordTemperaturesRequest* request,
                      v1::RecordTemperaturesResponse* response) override;
  grpc::Status SetTemperatureLimits(grpc::ServerContext* context,
                      const v1::SetTemperatureLimitsRequest* request,
                      v1::SetTemperatureLimitsResponse* response) override;
  grpc::Status ListTemperatureLimits(grpc::ServerContext* context,
                      const v1::ListTemperatureLimitsRequest* request,
                      v1::ListTemperatureLimitsResponse* response) override;
  grpc::Status PlaceHold(grpc::ServerContext* context,
                      const v1::PlaceHoldRequest* request,
                      v1::PlaceHoldResponse* response) override;
  grpc::Status ReleaseHold(grpc::ServerContext* context,
                      const v1::ReleaseHoldRequest* request,
                      v1::ReleaseHoldResponse* response) override;
  grpc::Status Recall(grpc::ServerContext* context,
                      const v1::RecallRequest* request,
                      v1::RecallResponse* response) override;
  grpc::Status EndItem(grpc::ServerContext* context,
                      const v1::EndItemRequest* request,
                      v1::EndItemResponse* response) override;
  grpc::Status TraceForward(grpc::ServerContext* context,
                      const v1::TraceRequest* request,
                      v1::TraceResponse* response) override;
  grpc::Status TraceBackward(grpc::ServerContext* context,
                      const v1::TraceRequest* request,
                      v1::TraceResponse* response) override;

 private:
  Custody* const custody_;
};

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_CUSTODY_SERVICE_H_
