// Dose orders: one patient's prescription (rules.h OrderFrom), and the
// read of an order with its doses.
#include <string>
#include <utility>
#include <vector>

#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/dose/dose.h"
#include "services/dose/dose_internal.h"
#include "services/dose/store.h"
#include "services/ledger/record_once.h"

namespace cellchain::dose {
namespace {

// $1 id, $2 subject, $3 cells, $4 volume, $5 vehicle, $6 heparin IU/ml,
// $7 route, $8 planned infusion (µs since the epoch), $9 prescriber,
// $10 ordered by.
std::string InsertOrder() {
  return absl::StrCat(
      "INSERT INTO cellchain_dose.orders (order_id, subject_id, "
      "prescribed_viable_cells, final_volume_ml, vehicle, heparin_iu_per_ml, "
      "route, planned_infusion_at, prescriber, ordered_by, ordered_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, ",
      fields::TimestampParam(8), ", $9, $10, now())");
}

}  // namespace

absl::StatusOr<v1::CreateOrderResponse> Dose::CreateOrder(
    const P& caller, const v1::CreateOrderRequest& request) {
  CC_ASSIGN_OR_RETURN(const v1::Order order,
                      OrderFrom(request, options_.rules));
  return ledger::RecordOnce<v1::CreateOrderResponse>(
      *pool_, *ledger_, {kServiceName, "CreateOrder", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::CreateOrderResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(LoadPatient(tx, order.subject_id()).status());
        const std::string id = crypto::RandomId("ord");
        CC_RETURN_IF_ERROR(
            tx.Exec(InsertOrder(),
                    {id, order.subject_id(), order.prescribed_viable_cells(),
                     order.final_volume_ml(), order.vehicle(),
                     order.heparin_iu_per_ml(), order.route(),
                     fields::Micros(order.planned_infusion_at()),
                     order.prescriber(), caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_order(), LoadOrder(tx, id));
        return audit.Append("order.create", "dose_order", id, response.order())
            .status();
      });
}

absl::StatusOr<v1::GetOrderResponse> Dose::GetOrder(
    const v1::GetOrderRequest& request) {
  if (request.order_id().empty()) return InvalidField("order_id", "required");
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::GetOrderResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_order(),
                      LoadOrder(*lease, request.order_id()));
  CC_ASSIGN_OR_RETURN(std::vector<v1::Dose> doses,
                      LoadDosesOfOrder(*lease, request.order_id()));
  for (v1::Dose& d : doses) *response.add_doses() = std::move(d);
  return response;
}

}  // namespace cellchain::dose
