// Writes the stream of AuditService.ExportBundle into a bundle directory
// (docs/bundle-format.md) that cellchain-verify checks offline.
// Thread-safety: one call per stream.
#ifndef CELLCHAIN_CLIENTS_CLI_EXPORT_BUNDLE_H_
#define CELLCHAIN_CLIENTS_CLI_EXPORT_BUNDLE_H_

#include <grpcpp/support/sync_stream.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/audit.pb.h"

namespace cellchain::cli {

struct ExportSummary {
  uint64_t records = 0;
  uint64_t keys = 0;
  uint64_t checkpoints = 0;
  uint64_t proofs = 0;
};

// Reads every item of `reader` and writes the bundle to `dir` (which must
// not exist or be empty). INVALID_ARGUMENT for a stream that does not start
// with a header or holds malformed items; the writer's status otherwise.
absl::StatusOr<ExportSummary> WriteBundle(
    grpc::ClientReaderInterface<cellchain::audit::v1::ExportBundleResponse>&
        reader,
    const std::string& dir);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_EXPORT_BUNDLE_H_
