#include "services/identity/auth_service.h"

#include <google/protobuf/util/time_util.h>

#include "services/common/auth/handle.h"
#include "services/common/auth/principal.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/grpc/peer.h"

namespace cellchain::identity {
namespace {

using grpcx::ToGrpcStatus;

using auth::Handle;

}  // namespace

grpc::Status AuthService::Login(grpc::ServerContext* context,
                                const v1::LoginRequest* request,
                                v1::LoginResponse* response) {
  absl::StatusOr<LoginResult> result = identity_->Login(
      request->user_id(), request->password(), grpcx::PeerSubject(*context),
      grpcx::PeerKeyFingerprint(*context));
  if (!result.ok()) return ToGrpcStatus(result.status());
  response->set_session_token(result->session_token);
  response->set_session_id(result->session_id);
  *response->mutable_expires_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(result->expires_at));
  response->set_idle_timeout_seconds(result->idle_timeout_seconds);
  *response->mutable_user() = result->user;
  return grpc::Status::OK;
}

grpc::Status AuthService::Logout(grpc::ServerContext* context,
                                 const v1::LogoutRequest*,
                                 v1::LogoutResponse* response) {
  return Handle(context, response,
                [&](const auth::Principal& caller)
                    -> absl::StatusOr<v1::LogoutResponse> {
                  absl::Status status = identity_->Logout(caller);
                  if (!status.ok()) return status;
                  return v1::LogoutResponse();
                });
}

grpc::Status AuthService::WhoAmI(grpc::ServerContext* context,
                                 const v1::WhoAmIRequest*,
                                 v1::WhoAmIResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->WhoAmI(caller);
  });
}

grpc::Status AuthService::ChangePassword(
    grpc::ServerContext* context, const v1::ChangePasswordRequest* request,
    v1::ChangePasswordResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->ChangePassword(caller, *request);
  });
}

grpc::Status AuthService::CreateUser(grpc::ServerContext* context,
                                     const v1::CreateUserRequest* request,
                                     v1::CreateUserResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->CreateUser(caller, *request);
  });
}

grpc::Status AuthService::SetRoles(grpc::ServerContext* context,
                                   const v1::SetRolesRequest* request,
                                   v1::SetRolesResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->SetRoles(caller, *request);
  });
}

grpc::Status AuthService::DisableUser(grpc::ServerContext* context,
                                      const v1::DisableUserRequest* request,
                                      v1::DisableUserResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->DisableUser(caller, *request);
  });
}

grpc::Status AuthService::EnableUser(grpc::ServerContext* context,
                                     const v1::EnableUserRequest* request,
                                     v1::EnableUserResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->EnableUser(caller, *request);
  });
}

grpc::Status AuthService::UnlockUser(grpc::ServerContext* context,
                                     const v1::UnlockUserRequest* request,
                                     v1::UnlockUserResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->UnlockUser(caller, *request);
  });
}

grpc::Status AuthService::ResetPassword(
    grpc::ServerContext* context, const v1::ResetPasswordRequest* request,
    v1::ResetPasswordResponse* response) {
  return Handle(context, response, [&](const auth::Principal& caller) {
    return identity_->ResetPassword(caller, *request);
  });
}

grpc::Status AuthService::GetUser(grpc::ServerContext* context,
                                  const v1::GetUserRequest* request,
                                  v1::GetUserResponse* response) {
  return Handle(context, response,
                [&](const auth::Principal&)
                    -> absl::StatusOr<v1::GetUserResponse> {
                  absl::StatusOr<v1::User> user =
                      identity_->GetUser(request->user_id());
                  if (!user.ok()) return user.status();
                  v1::GetUserResponse out;
                  *out.mutable_user() = *std::move(user);
                  return out;
                });
}

grpc::Status AuthService::ListUsers(grpc::ServerContext* context,
                                    const v1::ListUsersRequest*,
                                    v1::ListUsersResponse* response) {
  return Handle(context, response,
                [&](const auth::Principal&)
                    -> absl::StatusOr<v1::ListUsersResponse> {
                  absl::StatusOr<std::vector<v1::User>> users =
                      identity_->ListUsers();
                  if (!users.ok()) return users.status();
                  v1::ListUsersResponse out;
                  for (v1::User& user : *users) {
                    *out.add_users() = std::move(user);
                  }
                  return out;
                });
}

}  // namespace cellchain::identity
