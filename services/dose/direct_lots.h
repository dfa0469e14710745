// DirectLots: the LotPort (lot_port.h) of a service co-hosted with qc in
// one cellchaind — dose and clinical — reading the lot from qc::Qc itself,
// as custody::DirectCustody does for custody
// (docs/decisions/0012-donor-calls-custody.md). Reading a lot needs no
// caller: the calling RPC's own roles were checked at its gate.
//
// Header-only: whoever constructs it (cellchaind's hosted_services) links
// qc_lib, which clinical_lib does not.
// Thread-safety: as qc::Qc (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_DOSE_DIRECT_LOTS_H_
#define CELLCHAIN_SERVICES_DOSE_DIRECT_LOTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/dose/lot_port.h"
#include "services/qc/qc.h"

namespace cellchain::dose {

class DirectLots final : public LotPort {
 public:
  // `qc` is not owned and must outlive this.
  explicit DirectLots(qc::Qc* qc) : qc_(qc) {}

  // qc's GetLot: NOT_FOUND LOT_NOT_FOUND.
  absl::StatusOr<qc::v1::Lot> GetLot(const std::string& lot_id) override {
    qc::v1::GetLotRequest request;
    request.set_lot_id(lot_id);
    absl::StatusOr<qc::v1::GetLotResponse> got = qc_->GetLot(request);
    if (!got.ok()) return got.status();
    return got->lot();
  }

 private:
  qc::Qc* const qc_;
};

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DIRECT_LOTS_H_
