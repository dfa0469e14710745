// The one line the cellchain clients print for a refusal (the CLI's Report,
// the label station's StatusLine): its code, its message, and the reason and
// field the status carries (services/common/status), so that a person reads
// the same words from every client and a script finds the reason and the
// field at the end.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_COMMON_STATUS_LINE_H_
#define CELLCHAIN_CLIENTS_COMMON_STATUS_LINE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace cellchain::client {

// The status's message without the reason it starts with: the access
// gate's "ROLE_NOT_ALLOWED: …" names its reason once, at the end, like
// every other reason.
std::string MessageWithoutReason(const absl::Status& status);

// "FAILED_PRECONDITION: <message> (reason: PRINTER_PAUSED) (field: printer)",
// the reason and the field each left out when the status has none;
// `message` as the client shows it (MessageWithoutReason, then its own
// changes).
std::string StatusLine(const absl::Status& status, std::string_view message);

}  // namespace cellchain::client

#endif  // CELLCHAIN_CLIENTS_COMMON_STATUS_LINE_H_
