// A directory as a tar archive (POSIX ustar), built in memory: how the
// console hands a browser an audit bundle, which is a directory
// (docs/bundle-format.md). `tar -xf` restores the directory as written.
//
//   absl::StatusOr<std::string> tar = TarDirectory("/tmp/x/bundle", "bundle");
//
// Thread-safety: reads the directory only; no shared state.
#ifndef CELLCHAIN_CLIENTS_WEB_TAR_ARCHIVE_H_
#define CELLCHAIN_CLIENTS_WEB_TAR_ARCHIVE_H_

#include <string>

#include "absl/status/statusor.h"

namespace cellchain::web {

// The archive of every directory and regular file below `dir` (sorted by
// path, so the same directory gives the same entries), each named
// `top`/<its path below dir>, modes 0755 and 0644, modified at the time
// of the call. INVALID_ARGUMENT for a name longer than ustar holds (255
// bytes, split at a '/'), or a file that is neither a directory nor a
// regular file; INTERNAL when a file cannot be read.
absl::StatusOr<std::string> TarDirectory(const std::string& dir,
                                         const std::string& top);

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_TAR_ARCHIVE_H_
