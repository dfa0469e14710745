// The shape of every handler of an RPC that needs a logged-in caller: take
// the principal the access gate established, run the domain call, and turn
// its Status into the call's grpc::Status (grpcx::ToGrpcStatus, the one
// conversion) or copy its result into the response. The domain call runs
// under an idempotency::CallerScope naming the caller, so that a request id
// is keyed by who sent it.
//
//   grpc::Status Foo(grpc::ServerContext* context, const FooRequest* request,
//                    FooResponse* response) override {
//     return auth::Handle(context, response, [&](const auth::Principal& p) {
//       return domain_->Foo(p, *request);   // absl::StatusOr<FooResponse>
//     });
//   }
//
// Thread-safety: a pure function of its arguments.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_HANDLE_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_HANDLE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <utility>

#include "absl/status/statusor.h"
#include "services/common/auth/principal_context.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/idempotency/idempotency.h"

namespace cellchain::auth {

template <typename Response, typename Call>
grpc::Status Handle(grpc::ServerContext* context, Response* response,
                    Call call) {
  absl::StatusOr<Principal> caller = PrincipalOf(*context);
  if (!caller.ok()) return grpcx::ToGrpcStatus(caller.status());
  // A request id is its caller's own: idempotency keys claims made in this
  // call by the caller's user id.
  idempotency::CallerScope scope(caller->user_id);
  absl::StatusOr<Response> result = call(*caller);
  if (!result.ok()) return grpcx::ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_HANDLE_H_
