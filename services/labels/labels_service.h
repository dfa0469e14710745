// LabelService: the gRPC adapter of Labels (labels.h). Each handler takes
// the caller from the access gate and hands the request to the domain;
// auth::Handle turns the result into the call's status. cellchaind hosts
// it (its LabelsModule; docs/services/labels.md).
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_LABELS_LABELS_SERVICE_H_
#define CELLCHAIN_SERVICES_LABELS_LABELS_SERVICE_H_

#include "cellchain/labels/v1/labels.grpc.pb.h"
#include "services/labels/labels.h"

namespace cellchain::labels {

class LabelService final : public v1::LabelService::Service {
 public:
  // `labels` is not owned and must outlive the service.
  explicit LabelService(Labels* labels) : labels_(labels) {}
  grpc::Status GetLabel(grpc::ServerContext* context,
                        const v1::GetLabelRequest* request,
                        v1::GetLabelResponse* response) override;
  grpc::Status PrintLabel(grpc::ServerContext* context,
                          const v1::PrintLabelRequest* request,
                          v1::PrintLabelResponse* response) override;
  grpc::Status ReprintLabel(grpc::ServerContext* context,
                            const v1::ReprintLabelRequest* request,
                            v1::ReprintLabelResponse* response) override;
  grpc::Status VoidLabel(grpc::ServerContext* context,
                         const v1::VoidLabelRequest* request,
                         v1::VoidLabelResponse* response) override;
  grpc::Status VerifyLabelScan(grpc::ServerContext* context,
                               const v1::VerifyLabelScanRequest* request,
                               v1::VerifyLabelScanResponse* response) override;
  grpc::Status ReconcileLabels(grpc::ServerContext* context,
                               const v1::ReconcileLabelsRequest* request,
                               v1::ReconcileLabelsResponse* response) override;

 private:
  Labels* const labels_;
};

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_LABELS_SERVICE_H_
