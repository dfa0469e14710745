// AuthService: the gRPC adapter of Identity (identity.h). Handlers take the
// caller from the access gate (auth::PrincipalOf) and turn Status into
// grpc::Status with grpcx::ToGrpcStatus; nothing else.
// Thread-safety: handlers run concurrently; the service holds no mutable
// state.
#ifndef CELLCHAIN_SERVICES_IDENTITY_AUTH_SERVICE_H_
#define CELLCHAIN_SERVICES_IDENTITY_AUTH_SERVICE_H_

#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "services/identity/identity.h"

namespace cellchain::identity {

class AuthService final : public v1::AuthService::Service {
 public:
  // `identity` is not owned and must outlive the service.
  explicit AuthService(Identity* identity) : identity_(identity) {}

  grpc::Status Login(grpc::ServerContext* context,
                     const v1::LoginRequest* request,
                     v1::LoginResponse* response) override;
  grpc::Status Logout(grpc::ServerContext* context,
                      const v1::LogoutRequest* request,
                      v1::LogoutResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context,
                      const v1::WhoAmIRequest* request,
                      v1::WhoAmIResponse* response) override;
  grpc::Status ChangePassword(grpc::ServerContext* context,
                              const v1::ChangePasswordRequest* request,
                              v1::ChangePasswordResponse* response) override;
  grpc::Status CreateUser(grpc::ServerContext* context,
                          const v1::CreateUserRequest* request,
                          v1::CreateUserResponse* response) override;
  grpc::Status SetRoles(grpc::ServerContext* context,
                        const v1::SetRolesRequest* request,
                        v1::SetRolesResponse* response) override;
  grpc::Status DisableUser(grpc::ServerContext* context,
                           const v1::DisableUserRequest* request,
                           v1::DisableUserResponse* response) override;
  grpc::Status EnableUser(grpc::ServerContext* context,
                          const v1::EnableUserRequest* request,
                          v1::EnableUserResponse* response) override;
  grpc::Status UnlockUser(grpc::ServerContext* context,
                          const v1::UnlockUserRequest* request,
                          v1::UnlockUserResponse* response) override;
  grpc::Status ResetPassword(grpc::ServerContext* context,
                             const v1::ResetPasswordRequest* request,
                             v1::ResetPasswordResponse* response) override;
  grpc::Status GetUser(grpc::ServerContext* context,
                       const v1::GetUserRequest* request,
                       v1::GetUserResponse* response) override;
  grpc::Status ListUsers(grpc::ServerContext* context,
                         const v1::ListUsersRequest* request,
                         v1::ListUsersResponse* response) override;

 private:
  Identity* const identity_;
};

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_AUTH_SERVICE_H_
