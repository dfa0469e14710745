// What QA downloads from the console (issue 27): an audit bundle, the same
// directory `cellchain-qa audit export` writes (clients/cli/export_bundle.h)
// as a tar archive, for `cellchain-verify bundle` offline; and a lot's
// certificate of analysis, the PDF `cellchain-qa qc certificate` saves.
// Each is a Fetch of routes.h; qa_routes.cc declares their routes.
//
// Thread-safety: each call has its own stub and temporary directory.
#ifndef CELLCHAIN_CLIENTS_WEB_QA_DOWNLOADS_H_
#define CELLCHAIN_CLIENTS_WEB_QA_DOWNLOADS_H_

#include "clients/web/routes.h"

namespace cellchain::web {

// AuditService/ExportBundle with the body's ExportBundleRequest, the
// stream written as a bundle directory in a temporary directory (removed
// after), answered as `audit-bundle.tar` holding `audit-bundle/...`.
// The bundle is built in memory: a whole log's export is the CLI's.
Fetch ExportBundleTar();

// QcService/GetCertificate with the body's GetCertificateRequest: the PDF
// under the service's file name (CoA-<DIN>-<lot id>.pdf), after checking
// that it hashes to the service's sha256 (DATA_LOSS otherwise, as the CLI
// writes nothing then).
Fetch CertificatePdf();

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_QA_DOWNLOADS_H_
