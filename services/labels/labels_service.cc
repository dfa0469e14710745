#include "services/labels/labels_service.h"

#include "services/common/auth/handle.h"

namespace cellchain::labels {

grpc::Status LabelService::GetLabel(grpc::ServerContext* context,
                                    const v1::GetLabelRequest* request,
                                    v1::GetLabelResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return labels_->GetLabel(*request);
  });
}

grpc::Status LabelService::PrintLabel(grpc::ServerContext* context,
                                      const v1::PrintLabelRequest* request,
                                      v1::PrintLabelResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return labels_->PrintLabel(caller, *request);
  });
}

grpc::Status LabelService::ReprintLabel(grpc::ServerContext* context,
                                        const v1::ReprintLabelRequest* request,
                                        v1::ReprintLabelResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return labels_->ReprintLabel(caller, *request);
  });
}

grpc::Status LabelService::VoidLabel(grpc::ServerContext* context,
                                     const v1::VoidLabelRequest* request,
                                     v1::VoidLabelResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return labels_->VoidLabel(caller, *request);
  });
}

grpc::Status LabelService::VerifyLabelScan(
    grpc::ServerContext* context, const v1::VerifyLabelScanRequest* request,
    v1::VerifyLabelScanResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return labels_->VerifyLabelScan(caller, *request);
  });
}

grpc::Status LabelService::ReconcileLabels(
    grpc::ServerContext* context, const v1::ReconcileLabelsRequest* request,
    v1::ReconcileLabelsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return labels_->ReconcileLabels(*request);
  });
}

}  // namespace cellchain::labels
