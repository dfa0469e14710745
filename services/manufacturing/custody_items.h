// The custody items manufacturing asks custody for: the requests that
// register a material lot's, a piece of equipment's and a new step's items
// (each under a request id derived from the caller's, so that a retry
// registers the same item again), reading an item back, and which refusals
// of a step's transaction discard the items made for it. Ending items is
// Manufacturing::EndItems (custody_items.cc).
//
// Thread-safety: the request builders are pure; Item calls `custody`.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_CUSTODY_ITEMS_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_CUSTODY_ITEMS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/custody/custody_port.h"
#include "services/manufacturing/manufacturing_internal.h"

namespace cellchain::manufacturing {

// A custody item as custody has it now (empty when it cannot be read: the
// registration that follows reports the error).
custody::v1::Item Item(custody::CustodyPort& custody, const std::string& id);

// Whether `status`, a step's transaction's error, refused the step for good:
// a retry of the request would be refused again (INVALID_ARGUMENT,
// FAILED_PRECONDITION, PERMISSION_DENIED, NOT_FOUND, ALREADY_EXISTS, and
// ABORTED, which reaches here only once pg::Pool's serialization retries
// are spent), so the custody items made for the step before the
// transaction are discarded. Any other code (UNAVAILABLE,
// DEADLINE_EXCEEDED, INTERNAL, ...) may pass on a retry, which reuses the
// items.
bool Definitive(const absl::Status& status);

// The reagent lot item of a material lot received with `code`.
custody::v1::RegisterItemRequest MaterialItemRequest(
    const v1::ReceiveMaterialRequest& request, const std::string& code);

// The equipment item of a piece of equipment registered by `request`.
custody::v1::RegisterItemRequest EquipmentItemRequest(
    const v1::RegisterEquipmentRequest& request);

// Item `i` of the `item_count` a new step makes (a culture vessel, a
// cryovial in its freezer position, or the product lot), derived from
// `parents`. The product lot carries `din` and options' product code; a
// vessel or vial carries `din` and its kind's description code with
// division number first_division + i (item_divisions.h), or neither when
// `first_division` is nullopt (a retry of a step recorded before
// divisions). The error of isbt128::EncodeProductCode when a product code
// does not encode; DivisionCode's.
absl::StatusOr<custody::v1::RegisterItemRequest> StepItemRequest(
    const NewStep& step, const std::vector<custody::v1::ParentLink>& parents,
    int passage_number, const std::string& din,
    const ManufacturingOptions& options, std::optional<int> first_division,
    int i, int item_count);

// The kind of item a step of `kind` makes.
custody::v1::ItemType StepItemType(v1::StepKind kind);

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_CUSTODY_ITEMS_H_
