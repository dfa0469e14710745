// Custody's locations (CreateLocation, ListLocations): the hierarchy site >
// room > freezer > rack > box > position (rules.h CheckInside), each
// creation recorded.
#include <string>
#include <utility>

#include "services/common/crypto/crypto.h"
#include "services/common/pg/params.h"
#include "services/common/status/status.h"
#include "services/custody/custody.h"
#include "services/custody/rules.h"
#include "services/custody/store.h"
#include "services/ledger/record_once.h"

namespace cellchain::custody {
namespace {

// $1 id, $2 kind (LocationKind), $3 name, $4 parent (or ''), $5 the
// parent's kind (NULL for a site), which the table's CHECK compares.
constexpr char kInsertLocation[] =
    "INSERT INTO cellchain_custody.locations "
    "(location_id, kind, name, parent_id, parent_kind, created_at) "
    "VALUES ($1, $2, $3, nullif($4, ''), $5, now())";

// The children of location $1 (the sites for ''), each with the item at it
// when it is a position.
constexpr char kSelectChildren[] =
    "SELECT l.location_id, l.kind, l.name, "
    "coalesce(l.parent_id, ''), coalesce(i.item_id, '') "
    "FROM cellchain_custody.locations l "
    "LEFT JOIN cellchain_custody.items i "
    "  ON i.location_id = l.location_id AND i.at_position "
    "WHERE l.parent_id IS NOT DISTINCT FROM nullif($1, '') "
    "ORDER BY l.name, l.location_id";

}  // namespace

absl::StatusOr<v1::CreateLocationResponse> Custody::CreateLocation(
    const auth::Principal& caller, const v1::CreateLocationRequest& request) {
  CC_RETURN_IF_ERROR(CheckNewLocation(request));
  bool site = request.kind() == v1::LOCATION_KIND_SITE;
  return ledger::RecordOnce<v1::CreateLocationResponse>(
      *pool_, *ledger_, {kServiceName, "CreateLocation", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::CreateLocationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        pg::Param parent_kind = pg::Param::Null();  // a site's
        if (!site) {
          CC_ASSIGN_OR_RETURN(v1::Location parent,
                              LoadLocation(tx, request.parent_location_id(),
                                           "parent_location_id"));
          parent_kind = static_cast<int>(parent.kind());
          CC_RETURN_IF_ERROR(CheckInside(parent.kind(), request.kind()));
        }
        std::string id = crypto::RandomId("loc");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertLocation,
                    {id, static_cast<int>(request.kind()), request.name(),
                     request.parent_location_id(), parent_kind})
                .status());
        CC_ASSIGN_OR_RETURN(v1::Location location,
                            LoadLocation(tx, id, "location_id"));
        CC_RETURN_IF_ERROR(
            audit.Append("location.create", "location", id, location).status());
        *response.mutable_location() = std::move(location);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ListLocationsResponse> Custody::ListLocations(
    const v1::ListLocationsRequest& request) {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      lease->Exec(kSelectChildren, {request.parent_location_id()}));
  v1::ListLocationsResponse response;
  for (int row = 0; row < r.rows(); ++row) {
    v1::Location* l = response.add_locations();
    CC_ASSIGN_OR_RETURN(std::string id, r.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(int32_t kind, r.GetInt32(row, 1));
    CC_ASSIGN_OR_RETURN(std::string name, r.GetString(row, 2));
    CC_ASSIGN_OR_RETURN(std::string parent, r.GetString(row, 3));
    CC_ASSIGN_OR_RETURN(std::string occupant, r.GetString(row, 4));
    l->set_location_id(id);
    l->set_kind(static_cast<v1::LocationKind>(kind));
    l->set_name(name);
    l->set_parent_location_id(parent);
    l->set_occupant_item_id(occupant);
  }
  return response;
}

}  // namespace cellchain::custody
