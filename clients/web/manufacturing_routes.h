// Manufacturing's route of the web console (issue 27): a batch's growth
// curve (cumulative population doublings against days since processing,
// one point per harvest) for the page to draw. Routes() (routes.cc)
// appends it to the one table; its roles are those GetGrowthCurve's own
// access policy allows (manufacturing.proto), so the route refuses (403)
// everyone the RPC would refuse before cellchaind is called.
//
// Thread-safety: the routes are immutable once made.
#ifndef CELLCHAIN_CLIENTS_WEB_MANUFACTURING_ROUTES_H_
#define CELLCHAIN_CLIENTS_WEB_MANUFACTURING_ROUTES_H_

#include <vector>

#include "clients/web/routes.h"

namespace cellchain::web {

std::vector<Route> ManufacturingRoutes();

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_MANUFACTURING_ROUTES_H_
