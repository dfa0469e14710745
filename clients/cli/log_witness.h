// The CLI's memory of the audit log (services/ledger/witness.h): on every
// `cellchain audit ...` contact it fetches the latest signed checkpoint,
// demands a consistency proof from the checkpoint it saw last, and keeps the
// new one — so a log truncated or rewritten in the database since is refused
// with LOG_TRUNCATED / LOG_FORKED before anything else is shown.
//
// The memory lives next to the session file ("<session file>.checkpoint",
// mode 0600), so each workstation user keeps their own. Thread-safety: one
// call at a time per file.
#ifndef CELLCHAIN_CLIENTS_CLI_LOG_WITNESS_H_
#define CELLCHAIN_CLIENTS_CLI_LOG_WITNESS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "clients/cli/cli.h"
#include "services/ledger/witness.h"

namespace cellchain::cli {

// Where the memory is kept for these options; empty when there is no
// session file to keep it beside.
std::string WitnessFile(const CallOptions& o);

// Checks the log against the memory at `path` (none yet: the first
// checkpoint and its key are pinned) and stores the latest checkpoint there.
// With `pin_key`, that checkpoint key is pinned as well (ledger::
// AdvancePinning: `audit pin-key --add`, a rotation's new key).
// Returns what is remembered now; nullopt when the log has no checkpoint yet.
// DATA_LOSS (LOG_TRUNCATED, LOG_FORKED) and FAILED_PRECONDITION as
// ledger::Advance, and LOG_TRUNCATED when the log no longer has the
// checkpoint seen; the RPCs' errors; INVALID_ARGUMENT for an unreadable
// memory file (naming it).
absl::StatusOr<std::optional<ledger::Witnessed>> WitnessLog(
    cellchain::audit::v1::AuditService::Stub& stub, const CallOptions& o,
    const std::string& path, const std::string& pin_key = "");

// Reads a checkpoint file written by `audit checkpoint --save` (or a
// witness memory file). INVALID_ARGUMENT / NOT_FOUND naming the file.
absl::StatusOr<ledger::Witnessed> ReadWitnessed(const std::string& path);

// Writes `witnessed` to `path` atomically (a temporary file renamed), mode
// 0600. INTERNAL naming the file when it cannot.
absl::Status WriteWitnessed(const std::string& path,
                            const ledger::Witnessed& witnessed);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_LOG_WITNESS_H_
