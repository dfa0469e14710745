// A box's grid of positions, as `custody location-add --kind=box
// --grid=ROWSxCOLUMNS` creates them: rows lettered from A, columns numbered
// from 1, each position named row then column ("A1", "A2", ... "I9" for
// 9x9), the names the lab's box maps and the other commands use.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_CLI_BOX_GRID_H_
#define CELLCHAIN_CLIENTS_CLI_BOX_GRID_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::cli {

// The names of the positions of the grid `text` ("9x9", "10X10"), row by
// row. INVALID_ARGUMENT, the message starting "--grid: ", when `text` is
// not ROWSxCOLUMNS of 1 to 26 rows and 1 to 99 columns.
absl::StatusOr<std::vector<std::string>> GridPositions(std::string_view text);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_BOX_GRID_H_
