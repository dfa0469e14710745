#include "clients/web/qa_routes.h"

#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "clients/web/qa_downloads.h"
#include "clients/web/unary.h"

namespace cellchain::web {
namespace {

namespace audit = ::cellchain::audit::v1;
namespace custody = ::cellchain::custody::v1;
namespace qc = ::cellchain::qc::v1;
using common::v1::ROLE_PHARMACIST;
using common::v1::ROLE_QA;
using common::v1::ROLE_QC_ANALYST;

Route QaRoute(const std::string& path, const std::string& service,
              const std::string& method, Answer answer,
              std::vector<auth::Role> roles = {ROLE_QA}) {
  return {"POST",
          path,
          Access::kRoles,
          std::move(roles),
          Rpc(service, method),
          SessionEffect::kNone,
          std::move(answer)};
}

}  // namespace

std::vector<Route> QaRoutes() {
  const std::string qc_service = qc::QcService::service_full_name();
  const std::string custody_service =
      custody::CustodyService::service_full_name();
  const std::string audit_service = audit::AuditService::service_full_name();
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
      // The whole log verified, its progress streamed as it goes: one
      // VerifyLogResponse a line, the findings, then the summary.
      QaRoute("/api/audit/verify", audit_service, "VerifyLog",
              ServerStream<audit::AuditService>(
                  &audit::AuditService::Stub::VerifyLog)),
      // A query's records as an audit bundle (a tar of the directory
      // `cellchain-qa audit export` writes), for cellchain-verify offline.
      QaRoute("/api/audit/export", audit_service, "ExportBundle",
              ExportBundleTar()),
      // A lot's certificate of analysis, the PDF; for the roles the RPC
      // allows (the analysts who tested the lot, the pharmacy releasing
      // its doses).
      QaRoute("/api/qc/certificate", qc_service, "GetCertificate",
              CertificatePdf(), {ROLE_QC_ANALYST, ROLE_QA, ROLE_PHARMACIST}),
  };
}

}  // namespace cellchain::web
