#include "clients/cli/log_witness.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {

namespace v1 = cellchain::audit::v1;

std::string WitnessFile(const CallOptions& o) {
  return o.session_file.empty() ? "" : o.session_file + ".checkpoint";
}

absl::StatusOr<ledger::Witnessed> ReadWitnessed(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<ledger::Witnessed> witnessed =
      ledger::ParseWitnessed(text.str());
  if (!witnessed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", witnessed.status().message()));
  }
  return witnessed;
}

absl::Status WriteWitnessed(const std::string& path,
                            const ledger::Witnessed& witnessed) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << ledger::FormatWitnessed(witnessed);
    if (!out) {
      return absl::InternalError(
          absl::StrCat("cannot write ", temporary, ": ", std::strerror(errno)));
    }
  }
  chmod(temporary.c_str(), 0600);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ledger::Witnessed>> WitnessLog(
    v1::AuditService::Stub& stub, const CallOptions& o,
    const std::string& path, const std::string& pin_key) {
  std::optional<ledger::Witnessed> seen;
  if (absl::StatusOr<ledger::Witnessed> read = ReadWitnessed(path); read.ok()) {
    seen = *std::move(read);
  } else if (!absl::IsNotFound(read.status())) {
    return read.status();
  }
  v1::GetCheckpointResponse latest;
  {
    auto context = NewCallContext(o);
    grpc::Status status =
        stub.GetCheckpoint(context.get(), v1::GetCheckpointRequest(), &latest);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) return seen;
    if (!status.ok()) return grpcx::FromGrpcStatus(status);
  }
  std::vector<ledger::Hash> proof;
  const int64_t size = latest.checkpoint().tree_size();
  if (seen.has_value() && seen->checkpoint.size > 0 &&
      static_cast<uint64_t>(size) > seen->checkpoint.size) {
    v1::GetConsistencyProofRequest request;
    request.set_size1(static_cast<int64_t>(seen->checkpoint.size));
    request.set_size2(size);
    v1::GetConsistencyProofResponse response;
    auto context = NewCallContext(o);
    grpc::Status status =
        stub.GetConsistencyProof(context.get(), request, &response);
    // Checkpoints are never deleted: one this client saw that the log no
    // longer has was removed behind the service's back.
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return WithReason(
          absl::DataLossError(absl::StrCat(
              "the log no longer has the checkpoint of ", seen->checkpoint.size,
              " records this client saw: records and checkpoints were "
              "deleted (",
              status.error_message(), ")")),
          ledger::kReasonLogTruncated);
    }
    if (!status.ok()) return grpcx::FromGrpcStatus(status);
    for (const std::string& bytes : response.proof()) {
      CC_ASSIGN_OR_RETURN(ledger::Hash hash, ledger::HashFromBytes(bytes));
      proof.push_back(hash);
    }
  }
  CC_ASSIGN_OR_RETURN(
      ledger::Witnessed next,
      pin_key.empty()
          ? ledger::Advance(seen, latest.verifier_key(),
                            latest.checkpoint().note(), proof)
          : ledger::AdvancePinning(seen, pin_key, latest.checkpoint().note(),
                                   proof));
  CC_RETURN_IF_ERROR(WriteWitnessed(path, next));
  return std::optional<ledger::Witnessed>(std::move(next));
}

}  // namespace cellchain::cli
