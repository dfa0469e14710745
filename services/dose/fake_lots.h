// FakeLots: a LotPort (lot_port.h) whose QC lots a test keeps by id, for
// the tests of the services that read lots through it (dose's and
// clinical's fixtures). A lot not kept is NOT_FOUND LOT_NOT_FOUND, as qc
// answers.
//
// Test-only, header-only. Thread-safety: none; a test changes `lots` only
// while nothing reads it.
#ifndef CELLCHAIN_SERVICES_DOSE_FAKE_LOTS_H_
#define CELLCHAIN_SERVICES_DOSE_FAKE_LOTS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/common/testing/kept_values.h"
#include "services/dose/lot_port.h"
#include "services/qc/reasons.h"

namespace cellchain::dose {

class FakeLots final : public LotPort {
 public:
  absl::StatusOr<qc::v1::Lot> GetLot(const std::string& lot_id) override {
    return testing::FindKept(lots, lot_id, "QC lot", qc::kReasonLotNotFound);
  }

  // By lot id.
  absl::flat_hash_map<std::string, qc::v1::Lot> lots;
};

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_FAKE_LOTS_H_
