// What a faults run leaves to check: the acknowledged writes load_bench
// wrote to --acked-out (one line each: "kind request_id entity_id
// sent_unix_ms acked_unix_ms request_base64 response_base64") and the faults
// tests/faults/run.sh made ("unix_ms what" a line), read back; and how long
// after each fault the first write was acknowledged again.
//
// Thread-safety: pure functions of their arguments.
#ifndef CELLCHAIN_TESTS_FAULTS_ACKED_LOG_H_
#define CELLCHAIN_TESTS_FAULTS_ACKED_LOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::faults {

struct AckedWrite {
  std::string kind;  // load_bench's kind, "custody.RegisterItem"
  std::string request_id;
  std::string entity_id;
  int64_t sent_ms = 0;   // Unix time the request was sent, ms
  int64_t acked_ms = 0;  // Unix time of the acknowledgement, ms
  std::string request;   // the request as serialized
  std::string response;  // the response as serialized
};

// A fault made at `at_ms` (Unix time, ms): "cellchaind", "postgres",
// "sequencer".
struct Fault {
  int64_t at_ms = 0;
  std::string what;
};

// The writes of an --acked-out file, in its order. INVALID_ARGUMENT naming
// the line when one does not have the seven fields, a number or base64 where
// due; NOT_FOUND when the file cannot be read.
absl::StatusOr<std::vector<AckedWrite>> ReadAckedWrites(
    const std::string& path);

// The faults of run.sh's faults file. Errors as ReadAckedWrites.
absl::StatusOr<std::vector<Fault>> ReadFaults(const std::string& path);

// For each fault, in its order: ms from it to the first acknowledgement of
// a write sent after it (one sent before and answered after shows nothing
// of the recovery), or nullopt when there was none.
std::vector<std::optional<int64_t>> RecoveryMillis(
    const std::vector<Fault>& faults, const std::vector<AckedWrite>& writes);

}  // namespace cellchain::faults

#endif  // CELLCHAIN_TESTS_FAULTS_ACKED_LOG_H_
