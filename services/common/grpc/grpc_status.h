// The one conversion between absl::Status and grpc::Status.
//
// A non-OK grpc::Status carries a google.rpc.Status in its error details
// (the grpc-status-details-bin trailer) with one cellchain.common.v1.ErrorDetail
// holding the machine-readable reason and field (docs/decisions/0003).
// INTERNAL and UNKNOWN messages are replaced by a reference the operator can
// find in the server log; the detail itself is logged, never sent.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_GRPC_STATUS_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace cellchain::grpcx {

grpc::Status ToGrpcStatus(const absl::Status& status);

// Client side: the code, message, reason and field of a received status.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_GRPC_STATUS_H_
