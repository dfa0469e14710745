#include "clients/web/routes.h"

#include <algorithm>
#include <utility>

#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "clients/web/manufacturing_routes.h"
#include "clients/web/pharmacy_routes.h"
#include "clients/web/qa_routes.h"
#include "clients/web/unary.h"

namespace cellchain::web {
namespace {

namespace audit = ::cellchain::audit::v1;
namespace identity = ::cellchain::identity::v1;
using common::v1::ROLE_ADMIN;
using common::v1::ROLE_QA;

}  // namespace

const std::vector<Route>& Routes() {
  static auto* const routes = new std::vector<Route>{
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
  static const bool appended = [] {
    for (Route& route : PharmacyRoutes()) routes->push_back(std::move(route));
    for (Route& route : QaRoutes()) routes->push_back(std::move(route));
    for (Route& r : ManufacturingRoutes()) routes->push_back(std::move(r));
    return true;
  }();
  (void)appended;
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
