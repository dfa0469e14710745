// The pharmacy's routes of the web console (issue 27): the worklists, a
// dose with what a release would refuse now, the bag found by its scanned
// label, and the release signed with the password. Routes() (routes.cc)
// appends them to the one table; they are the pharmacist's alone (deny by
// default: every other role is refused 403 before cellchaind is called).
//
// Thread-safety: the routes are immutable once made.
#ifndef CELLCHAIN_CLIENTS_WEB_PHARMACY_ROUTES_H_
#define CELLCHAIN_CLIENTS_WEB_PHARMACY_ROUTES_H_

#include <vector>

#include "clients/web/routes.h"

namespace cellchain::web {

std::vector<Route> PharmacyRoutes();

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_PHARMACY_ROUTES_H_
