// Metadata of a status: facts of a refusal a client acts on, by key, beside
// its reason and field (status.h) — "dose_id" for the dose a release named
// by its order alone was judged on. The message says the same for people;
// a client reads the fact here, never out of the message's words.
//
// Carried inside the process as status payloads, one a key; at the gRPC
// edge (services/common/grpc/grpc_status.h) as the metadata of a
// google.rpc.ErrorInfo detail (docs/decisions/0003-error-model.md).
// Keys are lower_snake_case, named where the service names its reasons
// (e.g. services/dose/reasons.h); values are UTF-8 text.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_STATUS_METADATA_H_
#define CELLCHAIN_SERVICES_COMMON_STATUS_METADATA_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace cellchain {

// `status` with `key` = `value` (replacing the key's earlier value); an OK
// status is returned as it is.
absl::Status WithMetadata(absl::Status status, std::string_view key,
                          std::string_view value);

// The value of `key` in `status`, or "" when it has none.
std::string MetadataOf(const absl::Status& status, std::string_view key);

// Every key of `status` with its value.
std::map<std::string, std::string> AllMetadataOf(const absl::Status& status);

}  // namespace cellchain

#endif  // CELLCHAIN_SERVICES_COMMON_STATUS_METADATA_H_
