// DirectBatches is the BatchPort of a qc service co-hosted with
// manufacturing in one cellchaind: it reads the batch from the
// manufacturing domain object itself, as custody::DirectCustody does for
// custody (docs/decisions/0012-donor-calls-custody.md). Reading a batch
// needs no caller: the calling RPC's own roles were checked at its gate.
// Thread-safety: as manufacturing::Manufacturing (safe to call
// concurrently).
#ifndef CELLCHAIN_SERVICES_QC_DIRECT_BATCHES_H_
#define CELLCHAIN_SERVICES_QC_DIRECT_BATCHES_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/manufacturing/manufacturing.h"
#include "services/qc/qc.h"

namespace cellchain::qc {

class DirectBatches final : public BatchPort {
 public:
  // `manufacturing` is not owned and must outlive this.
  explicit DirectBatches(manufacturing::Manufacturing* manufacturing)
      : manufacturing_(manufacturing) {}

  // As manufacturing::Manufacturing::GetBatch: NOT_FOUND (BATCH_NOT_FOUND),
  // INVALID_ARGUMENT (field batch_id), UNAVAILABLE.
  absl::StatusOr<manufacturing::v1::GetBatchResponse> GetBatch(
      const std::string& batch_id) override {
    manufacturing::v1::GetBatchRequest request;
    request.set_batch_id(batch_id);
    return manufacturing_->GetBatch(request);
  }

 private:
  manufacturing::Manufacturing* const manufacturing_;
};

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_DIRECT_BATCHES_H_
