// RecordOnce: the shape of every mutating RPC of a service that keeps the
// audit ledger — an idempotent change (idempotency::RunOnce) whose audit
// records are appended in the change's own transaction (Recorder):
//
//   return ledger::RecordOnce<v1::ReceiveMaterialResponse>(
//       *pool_, *ledger_, {kServiceName, "ReceiveMaterial",
//                          auth::ActorOf(caller)}, request,
//       [&](ledger::Recorder& audit, v1::ReceiveMaterialResponse& response)
//           -> absl::Status {
//         CC_RETURN_IF_ERROR(audit.tx().Exec(kInsertMaterial, {...}).status());
//         ...
//         return audit.Append("material.receive", "material_lot", id,
//                             response.material()).status();
//       });
//
// It checks request.context().request_id() (idempotency::ValidateRequestId),
// compares a retry by RequestBytes(request), and records under that request
// id. A replay returns the first response and calls nothing. The change and
// its records commit together or not at all.
//
// It lives here, not in services/common/idempotency, because it needs the
// ledger; idempotency stays below the ledger (the ledger's own tests use
// it without one).
//
// Thread-safety: as idempotency::RunOnce; `change` runs on the calling
// thread, possibly more than once (serialization retries), so it must not
// keep effects outside the transaction.
#ifndef CELLCHAIN_SERVICES_LEDGER_RECORD_ONCE_H_
#define CELLCHAIN_SERVICES_LEDGER_RECORD_ONCE_H_

#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/common/v1/common.pb.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/pool.h"
#include "services/ledger/ledger.h"
#include "services/ledger/recorder.h"
#include "services/ledger/request_bytes.h"

namespace cellchain::ledger {

// Which RPC is changing state, and for whom.
struct Mutation {
  std::string_view service;  // e.g. "cellchain.manufacturing.v1.ManufacturingService"
  std::string_view method;   // e.g. "ReceiveMaterial"
  common::v1::Actor actor;   // auth::ActorOf(caller)
};

// Errors: INVALID_ARGUMENT field "request_id" (shape, or REQUEST_ID_REUSED);
// those of `change`, of the records' appends and of the commit; INTERNAL
// when a stored response does not parse.
template <typename Response, typename Request>
absl::StatusOr<Response> RecordOnce(
    pg::Pool& pool, const Ledger& ledger, const Mutation& mutation,
    const Request& request,
    absl::FunctionRef<absl::Status(Recorder&, Response&)> change) {
  const std::string& request_id = request.context().request_id();
  absl::Status valid = idempotency::ValidateRequestId(request_id);
  if (!valid.ok()) return valid;
  absl::StatusOr<std::string> bytes = RequestBytes(request);
  if (!bytes.ok()) return bytes.status();
  return idempotency::RunOnce<Response>(
      pool, {mutation.service, mutation.method, request_id}, *bytes,
      [&](pg::Transaction& tx, Response& response) -> absl::Status {
        Recorder audit(tx, ledger, mutation.actor, request_id);
        return change(audit, response);
      });
}

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_RECORD_ONCE_H_
