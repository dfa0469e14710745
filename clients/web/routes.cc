#include "clients/web/routes.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "services/common/grpc/grpc_status.h"

namespace cellchain::web {
namespace {

namespace audit = ::cellchain::audit::v1;
namespace identity = ::cellchain::identity::v1;
using common::v1::ROLE_ADMIN;
using common::v1::ROLE_QA;

// The Invoke of a unary RPC of `Service`: the body parsed into its request
// (unknown fields refused), the stub's call, the response.
template <typename Service, typename Request, typename Response>
Invoke Unary(grpc::Status (Service::Stub::*call)(grpc::ClientContext*,
                                                 const Request&, Response*)) {
  return [call](const std::shared_ptr<grpc::Channel>& channel,
                grpc::ClientContext& context, std::string_view json)
             -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
    Request request;
    if (!json.empty()) {
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      auto parsed = google::protobuf::util::JsonStringToMessage(
          std::string(json), &request, options);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("the body is not a ", Request::descriptor()->name(),
                         " in JSON: ", parsed.ToString()));
      }
    }
    auto response = std::make_unique<Response>();
    auto stub = Service::NewStub(channel);
    grpc::Status status = ((*stub).*call)(&context, request, response.get());
    if (!status.ok()) return grpcx::FromGrpcStatus(status);
    return std::unique_ptr<google::protobuf::Message>(std::move(response));
  };
}

std::string Rpc(const std::string& service, const std::string& method) {
  return "/" + service + "/" + method;
}

}  // namespace

const std::vector<Route>& Routes() {
  static const auto* const routes = new std::vector<Route>{
      {"POST", "/api/login", Access::kPublic, {},
       Rpc(identity::AuthService::service_full_name(), "Login"),
       SessionEffect::kStarts, Unary<identity::AuthService>(
                                   &identity::AuthService::Stub::Login)},
      {"POST", "/api/logout", Access::kAnyUser, {},
       Rpc(identity::AuthService::service_full_name(), "Logout"),
       SessionEffect::kEnds, Unary<identity::AuthService>(
                                 &identity::AuthService::Stub::Logout)},
      {"GET", "/api/session", Access::kAnyUser, {},
       Rpc(identity::AuthService::service_full_name(), "WhoAmI"),
       SessionEffect::kNone, Unary<identity::AuthService>(
                                 &identity::AuthService::Stub::WhoAmI)},
      // The filters travel in the body, never in the URL: a DIN or an
      // entity id names a donor or a patient's dose.
      {"POST", "/api/audit/records", Access::kRoles, {ROLE_QA, ROLE_ADMIN},
       Rpc(audit::AuditService::service_full_name(), "QueryRecords"),
       SessionEffect::kNone, Unary<audit::AuditService>(
                                 &audit::AuditService::Stub::QueryRecords)},
      {"POST", "/api/audit/history", Access::kRoles, {ROLE_QA, ROLE_ADMIN},
       Rpc(audit::AuditService::service_full_name(), "GetEntityHistory"),
       SessionEffect::kNone,
       Unary<audit::AuditService>(
           &audit::AuditService::Stub::GetEntityHistory)},
  };
  return *routes;
}

const Route* FindRoute(std::string_view method, std::string_view path) {
  for (const Route& route : Routes()) {
    if (route.method == method && route.path == path) return &route;
  }
  return nullptr;
}

bool Allows(const Route& route, const std::vector<auth::Role>& user_roles) {
  if (route.access != Access::kRoles) return true;
  return std::any_of(route.roles.begin(), route.roles.end(),
                     [&](auth::Role role) {
                       return std::find(user_roles.begin(), user_roles.end(),
                                        role) != user_roles.end();
                     });
}

bool ChangesState(std::string_view method) {
  return method != "GET" && method != "HEAD";
}

}  // namespace cellchain::web
