#include "clients/web/pharmacy_routes.h"

#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "clients/web/unary.h"

namespace cellchain::web {
namespace {

namespace custody = ::cellchain::custody::v1;
namespace dose = ::cellchain::dose::v1;
using common::v1::ROLE_PHARMACIST;

std::string DoseRpc(const char* method) {
  return Rpc(dose::DoseService::service_full_name(), method);
}

}  // namespace

// Every request is a POST: a dose's id, a scan and the patient's
// identifiers travel in the body, never in the URL or the log.
std::vector<Route> PharmacyRoutes() {
  return {
      {"POST",
       "/api/pharmacy/worklist",
       Access::kRoles,
       {ROLE_PHARMACIST},
       DoseRpc("ListDoses"),
       SessionEffect::kNone,
       Unary<dose::DoseService>(&dose::DoseService::Stub::ListDoses)},
      // The dose and its release_blockers: every gate judged now but the
      // label and the patient, which are judged at release.
      {"POST",
       "/api/pharmacy/dose",
       Access::kRoles,
       {ROLE_PHARMACIST},
       DoseRpc("GetDose"),
       SessionEffect::kNone,
       Unary<dose::DoseService>(&dose::DoseService::Stub::GetDose)},
      // What a keyboard-wedge scanner typed: the custody item (the dose
      // bag) whose label it is.
      {"POST",
       "/api/pharmacy/scan",
       Access::kRoles,
       {ROLE_PHARMACIST},
       Rpc(custody::CustodyService::service_full_name(), "FindItemByScan"),
       SessionEffect::kNone,
       Unary<custody::CustodyService>(
           &custody::CustodyService::Stub::FindItemByScan)},
      // Signed RELEASED with the password typed again; a refusal's reason
      // is the first failing gate, its metadata has every failing gate's
      // words under "gate_<reason>" (the page reads them there).
      {"POST",
       "/api/pharmacy/release",
       Access::kRoles,
       {ROLE_PHARMACIST},
       DoseRpc("ReleaseDose"),
       SessionEffect::kNone,
       Unary<dose::DoseService>(&dose::DoseService::Stub::ReleaseDose)},
  };
}

}  // namespace cellchain::web
