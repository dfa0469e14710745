// DirectItems: labels's ItemPort over a custody service co-hosted in the
// same process. It is custody's own DirectCustody (custody_port.h), which
// every co-hosted service reaches custody through; the name stays because
// cellchaind's wiring and the tests name it. The access gate is not crossed
// a second time: the calling RPC's own roles were checked at its gate
// (docs/decisions/0012-donor-calls-custody.md).
// Thread-safety: as custody::Custody (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_LABELS_DIRECT_ITEMS_H_
#define CELLCHAIN_SERVICES_LABELS_DIRECT_ITEMS_H_

#include "services/custody/custody_port.h"
#include "services/labels/ports.h"

namespace cellchain::labels {

using DirectItems = custody::DirectCustody;

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_DIRECT_ITEMS_H_
