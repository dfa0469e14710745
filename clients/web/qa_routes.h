// The QA pages' routes (issue 27): the lots awaiting disposition with their
// results, QA's signed disposition, the trace of a lot or dose, the log's
// verification with its progress, and the downloads (qa_downloads.h: an
// audit bundle, a certificate of analysis). Each is
// a Route of routes.h; Routes() appends them to the table, so they are
// refused, checked and logged like every other route.
#ifndef CELLCHAIN_CLIENTS_WEB_QA_ROUTES_H_
#define CELLCHAIN_CLIENTS_WEB_QA_ROUTES_H_

#include <vector>

#include "clients/web/routes.h"

namespace cellchain::web {

// QA's routes, role QA only (the certificate: the roles GetCertificate
// allows). Every id (a lot's, an item's) travels in the
// body of a POST, never in the URL: they lead to a donor or a patient.
std::vector<Route> QaRoutes();

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_QA_ROUTES_H_
