#include "tests/e2e/every_rpc.h"

#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>

#include "cellchain/audit/v1/audit.pb.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "cellchain/identity/v1/identity.pb.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "cellchain/system/v1/system.pb.h"
#include "services/common/auth/access_policy.h"
#include "services/common/crypto/random.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "tests/e2e/daemon.h"

namespace cellchain::e2e {

std::vector<std::string> EveryService() {
  // A message of each file links its generated code (and descriptors).
  (void)cellchain::audit::v1::VerifyLogRequest::descriptor();
  (void)cellchain::clinical::v1::ReceiveDoseRequest::descriptor();
  (void)cellchain::custody::v1::GetItemRequest::descriptor();
  (void)cellchain::donor::v1::GetLotRequest::descriptor();
  (void)cellchain::dose::v1::GetDoseRequest::descriptor();
  (void)cellchain::identity::v1::LoginRequest::descriptor();
  (void)cellchain::labels::v1::GetLabelRequest::descriptor();
  (void)cellchain::manufacturing::v1::GetBatchRequest::descriptor();
  (void)cellchain::qc::v1::GetLotRequest::descriptor();
  (void)cellchain::system::v1::PingRequest::descriptor();
  return auth::PolicyTable::LinkedCellchainServices();
}

grpc::Status CallGeneric(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& method, const std::string& wire,
                         const std::string& token) {
  grpc::GenericStub stub(channel);
  std::unique_ptr<grpc::ClientContext> context =
      token.empty() ? grpcx::NewContext(std::chrono::seconds(20))
                    : SessionContext(token, std::chrono::seconds(20));
  grpc::CompletionQueue cq;
  auto step = [&cq]() {
    void* tag = nullptr;
    bool ok = false;
    cq.Next(&tag, &ok);
    return ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(context.get(), method, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  bool ok = step();
  grpc::Slice bytes(wire);
  grpc::ByteBuffer request(&bytes, 1);
  if (ok) {
    call->Write(request, reinterpret_cast<void*>(2));
    ok = step();
  }
  if (ok) {
    call->WritesDone(reinterpret_cast<void*>(3));
    ok = step();
  }
  grpc::ByteBuffer response;
  bool got_response = false;
  if (ok) {
    call->Read(&response, reinterpret_cast<void*>(4));
    got_response = step();
  }
  if (got_response) context->TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step();
  cq.Shutdown();
  void* tag = nullptr;
  bool drained = false;
  while (cq.Next(&tag, &drained)) {
  }
  return got_response ? grpc::Status::OK : status;
}

absl::Status ProvisionUser(Daemon& daemon, const std::string& admin_token,
                           const std::string& user_id,
                           const std::string& printed_name,
                           const std::vector<auth::Role>& roles,
                           const std::string& password) {
  namespace idv1 = ::cellchain::identity::v1;
  constexpr char kTemporary[] = "temporary password 0";
  auto admin = idv1::AuthService::NewStub(daemon.Channel("admin-cli"));
  idv1::CreateUserRequest create;
  create.mutable_context()->set_request_id(crypto::RandomId("req"));
  create.set_user_id(user_id);
  create.set_printed_name(printed_name);
  for (auth::Role role : roles) create.add_roles(role);
  create.set_temporary_password(kTemporary);
  idv1::CreateUserResponse created;
  grpc::Status status =
      admin->CreateUser(SessionContext(admin_token).get(), create, &created);
  if (!status.ok()) return grpcx::FromGrpcStatus(status);
  absl::StatusOr<std::string> temp =
      daemon.Login("lab-ws-01", user_id, kTemporary);
  if (!temp.ok()) return temp.status();
  auto own = idv1::AuthService::NewStub(daemon.Channel("lab-ws-01"));
  idv1::ChangePasswordRequest change;
  change.mutable_context()->set_request_id(crypto::RandomId("req"));
  change.set_current_password(kTemporary);
  change.set_new_password(password);
  idv1::ChangePasswordResponse changed;
  status = own->ChangePassword(SessionContext(*temp).get(), change, &changed);
  return grpcx::FromGrpcStatus(status);
}

}  // namespace cellchain::e2e
