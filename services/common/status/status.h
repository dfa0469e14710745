// Status helpers shared by every cellchain library and service.
//
// cellchain code never throws. Fallible functions return absl::Status or
// absl::StatusOr<T>. Two facts travel with a status as payloads so that the
// gRPC edge (services/common/grpc/grpc_status.h) can hand them to clients in a
// machine-readable form:
//   - the field an INVALID_ARGUMENT is about ("dose.volume_ml");
//   - the reason a FAILED_PRECONDITION was refused ("LOT_NOT_RELEASED").
// Thread-safety: everything here is a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_STATUS_STATUS_H_
#define CELLCHAIN_SERVICES_COMMON_STATUS_STATUS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cellchain {

// Payload type URLs (char arrays: Debian's absl::string_view is not
// std::string_view, and both convert from these). Values are UTF-8 text.
inline constexpr char kFieldPayloadUrl[] =
    "type.cellchain.dev/cellchain.field";
inline constexpr char kReasonPayloadUrl[] =
    "type.cellchain.dev/cellchain.reason";

// INVALID_ARGUMENT about one request field; `field` is its proto path.
absl::Status InvalidField(std::string_view field, std::string_view message);

// FAILED_PRECONDITION refused by a rule of the process; `reason` is an
// UPPER_SNAKE_CASE identifier clients may switch on.
absl::Status FailedRule(std::string_view reason, std::string_view message);

// Any code with a machine-readable reason attached.
absl::Status WithReason(absl::Status status, std::string_view reason);

// NOT_FOUND `no <what> "<id>"`, with `reason` attached when not empty
// (e.g. NotFound("batch", "bat_1", "BATCH_NOT_FOUND")).
absl::Status NotFound(std::string_view what, std::string_view id,
                      std::string_view reason = "");

// The field / reason carried by `status`, or "" when there is none.
std::string FieldOf(const absl::Status& status);
std::string ReasonOf(const absl::Status& status);

// Prefixes the message with context, keeping code and payloads.
absl::Status Annotate(const absl::Status& status, std::string_view context);

}  // namespace cellchain

#define CC_STATUS_CONCAT_INNER_(a, b) a##b
#define CC_STATUS_CONCAT_(a, b) CC_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` is not OK.
#define CC_RETURN_IF_ERROR(expr)                   \
  do {                                             \
    ::absl::Status cc_status_ = (expr);            \
    if (!cc_status_.ok()) return cc_status_;       \
  } while (false)

// `lhs` = value of the StatusOr `expr`, or returns its status.
#define CC_ASSIGN_OR_RETURN(lhs, expr) \
  CC_ASSIGN_OR_RETURN_IMPL_(CC_STATUS_CONCAT_(cc_statusor_, __LINE__), lhs, expr)
#define CC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value()

#endif  // CELLCHAIN_SERVICES_COMMON_STATUS_STATUS_H_
