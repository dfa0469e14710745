// RequestBytes: what idempotency::RunOnce compares a retry against — the
// request serialized deterministically (ledger::SerializeDeterministic)
// without its request id (the key it is stored under) and without a
// signature's password (never stored, and a retry may be signed again).
//
//   CC_ASSIGN_OR_RETURN(std::string bytes, ledger::RequestBytes(request));
//   return idempotency::RunOnce<Response>(pool, key, bytes, change);
//
// Thread-safety: a pure function of its argument.
#ifndef CELLCHAIN_SERVICES_LEDGER_REQUEST_BYTES_H_
#define CELLCHAIN_SERVICES_LEDGER_REQUEST_BYTES_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/ledger/ledger.h"

namespace cellchain::ledger {

// `Request` has a `context` (common.v1.RequestContext) and may have a
// `signature` (common.v1.ESignature).
template <typename Request>
absl::StatusOr<std::string> RequestBytes(const Request& request) {
  Request copy = request;
  copy.mutable_context()->clear_request_id();
  if constexpr (requires { copy.mutable_signature()->clear_password(); }) {
    copy.mutable_signature()->clear_password();
  }
  return SerializeDeterministic(copy);
}

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_REQUEST_BYTES_H_
