#include "services/custody/custody_service.h"

#include "services/common/auth/handle.h"

namespace cellchain::custody {


grpc::Status CustodyService::AllocateDin(grpc::ServerContext* context,
                                    const v1::AllocateDinRequest* request,
                                    v1::AllocateDinResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->AllocateDin(caller, *request);
  });
}

grpc::Status CustodyService::RegisterItem(grpc::ServerContext* context,
                                    const v1::RegisterItemRequest* request,
                                    v1::RegisterItemResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->RegisterItem(caller, *request);
  });
}

grpc::Status CustodyService::LinkParent(grpc::ServerContext* context,
                                    const v1::LinkParentRequest* request,
                                    v1::LinkParentResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->LinkParent(caller, *request);
  });
}

grpc::Status CustodyService::GetItem(grpc::ServerContext* context,
                                    const v1::GetItemRequest* request,
                                    v1::GetItemResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return custody_->GetItem(*request);
  });
}

grpc::Status CustodyService::FindItemByScan(grpc::ServerContext* context,
                                    const v1::FindItemByScanRequest* request,
                                    v1::FindItemByScanResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return custody_->FindItemByScan(*request);
  });
}

grpc::Status CustodyService::CreateLocation(grpc::ServerContext* context,
                                    const v1::CreateLocationRequest* request,
                                    v1::CreateLocationResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->CreateLocation(caller, *request);
  });
}

grpc::Status CustodyService::ListLocations(grpc::ServerContext* context,
                                    const v1::ListLocationsRequest* request,
                                    v1::ListLocationsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return custody_->ListLocations(*request);
  });
}

grpc::Status CustodyService::InitiateHandoff(grpc::ServerContext* context,
                                    const v1::InitiateHandoffRequest* request,
                                    v1::InitiateHandoffResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->InitiateHandoff(caller, *request);
  });
}

grpc::Status CustodyService::AcceptHandoff(grpc::ServerContext* context,
                                    const v1::AcceptHandoffRequest* request,
                                    v1::AcceptHandoffResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->AcceptHandoff(caller, *request);
  });
}

grpc::Status CustodyService::CancelHandoff(grpc::ServerContext* context,
                                    const v1::CancelHandoffRequest* request,
                                    v1::CancelHandoffResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->CancelHandoff(caller, *request);
  });
}

grpc::Status CustodyService::RecordTemperatures(grpc::ServerContext* context,
                                    const v1::RecordTemperaturesRequest* request,
                                    v1::RecordTemperaturesResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->RecordTemperatures(caller, *request);
  });
}

grpc::Status CustodyService::SetTemperatureLimits(grpc::ServerContext* context,
                                    const v1::SetTemperatureLimitsRequest* request,
                                    v1::SetTemperatureLimitsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->SetTemperatureLimits(caller, *request);
  });
}

grpc::Status CustodyService::ListTemperatureLimits(grpc::ServerContext* context,
                                    const v1::ListTemperatureLimitsRequest* request,
                                    v1::ListTemperatureLimitsResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return custody_->ListTemperatureLimits();
  });
}

grpc::Status CustodyService::PlaceHold(grpc::ServerContext* context,
                                    const v1::PlaceHoldRequest* request,
                                    v1::PlaceHoldResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->PlaceHold(caller, *request);
  });
}

grpc::Status CustodyService::ReleaseHold(grpc::ServerContext* context,
                                    const v1::ReleaseHoldRequest* request,
                                    v1::ReleaseHoldResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->ReleaseHold(caller, *request);
  });
}

grpc::Status CustodyService::Recall(grpc::ServerContext* context,
                                    const v1::RecallRequest* request,
                                    v1::RecallResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->Recall(caller, *request);
  });
}

grpc::Status CustodyService::EndItem(grpc::ServerContext* context,
                                    const v1::EndItemRequest* request,
                                    v1::EndItemResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal& caller) {
    return custody_->EndItem(caller, *request);
  });
}

grpc::Status CustodyService::TraceForward(grpc::ServerContext* context,
                                    const v1::TraceRequest* request,
                                    v1::TraceResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return custody_->TraceForward(*request);
  });
}

grpc::Status CustodyService::TraceBackward(grpc::ServerContext* context,
                                    const v1::TraceRequest* request,
                                    v1::TraceResponse* response) {
  return auth::Handle(context, response, [&](const auth::Principal&) {
    return custody_->TraceBackward(*request);
  });
}

}  // namespace cellchain::custody
