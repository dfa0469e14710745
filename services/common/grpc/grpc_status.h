// The one conversion between absl::Status and grpc::Status.
//
// A non-OK grpc::Status carries a google.rpc.Status in its error details
// (the grpc-status-details-bin trailer) with one cellchain.common.v1.ErrorDetail
// holding the machine-readable reason and field (docs/decisions/0003), and,
// when the status has metadata (services/common/status/metadata.h), a
// google.rpc.ErrorInfo holding it.
// INTERNAL and UNKNOWN messages are replaced by a reference the operator can
// find in the server log; the detail itself is logged, never sent.
// A message longer than kMaxStatusMessageBytes is cut there, and metadata
// to kMaxErrorValueBytes a value, kMaxErrorMetadataBytes in all (below).
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_GRPC_STATUS_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace cellchain::grpcx {

// The longest status message sent. A message travels three times in the
// trailers (grpc-message, percent-encoded, and twice inside
// grpc-status-details-bin, base64), and a gRPC C++ client treats trailers
// over its 8 KiB limit (GRPC_ARG_MAX_METADATA_SIZE) as a connection error:
// it closes the connection, so every other call sharing it fails
// (cellchain-web multiplexes every user on one). A message that quotes the
// caller's input ("no lot \"<a 1 MiB id>\"") did exactly that (issue 13,
// docs/reliability.md). A longer message keeps its first bytes, cut at a
// UTF-8 character boundary, and says how long it was.
inline constexpr size_t kMaxStatusMessageBytes = 1024;

// The same trailer carries the refusal's metadata (the ErrorInfo), which
// may quote input too (a release gate's words quote the label scan): each
// value at most kMaxErrorValueBytes, and the keys with their values at most
// kMaxErrorMetadataBytes in all. Every key is kept (they are the service's
// own, short names); a value over its share keeps its first bytes, cut at a
// character, and ends with "...". Short values (a dose id) stay whole: the
// long ones share what the short ones leave. With a message at its limit
// (3 KiB percent-encoded when none of it is ASCII) the trailers stay under
// 7 KiB (grpc_status_test); 1 KiB of metadata would leave 0.5 KiB.
inline constexpr size_t kMaxErrorValueBytes = 256;
inline constexpr size_t kMaxErrorMetadataBytes = 512;

grpc::Status ToGrpcStatus(const absl::Status& status);

// Client side: the code, message, reason, field and metadata of a received
// status.
// A status without details (the access gate's refusals, see
// services/common/auth/access_gate.h) takes its reason from a leading
// "UPPER_SNAKE: " in the message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// "ROLE_NOT_ALLOWED" for "ROLE_NOT_ALLOWED: role …"; "" when the message
// does not start with an UPPER_SNAKE_CASE word and ": ".
std::string LeadingReason(std::string_view message);

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_GRPC_STATUS_H_
