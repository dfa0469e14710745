#include "clients/web/manufacturing_routes.h"

#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/web/unary.h"

namespace cellchain::web {
namespace {

namespace mfg = ::cellchain::manufacturing::v1;
using common::v1::ROLE_QA;
using common::v1::ROLE_QC_ANALYST;
using common::v1::ROLE_TECHNICIAN;

}  // namespace

std::vector<Route> ManufacturingRoutes() {
  return {
      // The batch id travels in the body, never in the URL.
      {"POST",
       "/api/manufacturing/growth-curve",
       Access::kRoles,
       {ROLE_TECHNICIAN, ROLE_QC_ANALYST, ROLE_QA},
       Rpc(mfg::ManufacturingService::service_full_name(), "GetGrowthCurve"),
       SessionEffect::kNone,
       Unary<mfg::ManufacturingService>(
           &mfg::ManufacturingService::Stub::GetGrowthCurve)},
  };
}

}  // namespace cellchain::web
