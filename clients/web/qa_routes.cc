#include "clients/web/qa_routes.h"

#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "clients/web/unary.h"

namespace cellchain::web {
namespace {

namespace custody = ::cellchain::custody::v1;
namespace qc = ::cellchain::qc::v1;
using common::v1::ROLE_QA;

Route QaRoute(const std::string& path, const std::string& service,
              const std::string& method, Invoke invoke) {
  return {"POST",        path, Access::kRoles, {ROLE_QA}, Rpc(service, method),
          SessionEffect::kNone, std::move(invoke)};
}

}  // namespace

std::vector<Route> QaRoutes() {
  const std::string qc_service = qc::QcService::service_full_name();
  const std::string custody_service =
      custody::CustodyService::service_full_name();
  return {
      // The lots in a state (ListLotsRequest: TESTING awaits disposition).
      QaRoute("/api/qc/lots", qc_service, "ListLots",
              Unary<qc::QcService>(&qc::QcService::Stub::ListLots)),
      // One lot with its tests' evaluation, results and release blockers.
      QaRoute("/api/qc/lot", qc_service, "GetLot",
              Unary<qc::QcService>(&qc::QcService::Stub::GetLot)),
      // QA's disposition, signed: the password is asked again.
      QaRoute("/api/qc/dispose", qc_service, "DisposeLot",
              Unary<qc::QcService>(&qc::QcService::Stub::DisposeLot)),
      // The trace of an item (a lot's product item, a dose's item).
      QaRoute("/api/custody/trace-backward", custody_service, "TraceBackward",
              Unary<custody::CustodyService>(
                  &custody::CustodyService::Stub::TraceBackward)),
      QaRoute("/api/custody/trace-forward", custody_service, "TraceForward",
              Unary<custody::CustodyService>(
                  &custody::CustodyService::Stub::TraceForward)),
  };
}

}  // namespace cellchain::web
