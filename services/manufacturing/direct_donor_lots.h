// DirectDonorLots is the DonorLotPort of a manufacturing service co-hosted
// with donor in one cellchaind: it reads the lot from the donor domain
// object itself, as custody::DirectCustody does for custody
// (docs/decisions/0012-donor-calls-custody.md). Reading a lot needs no
// caller: the calling RPC's own roles were checked at its gate.
// Thread-safety: as donor::Donors (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_DIRECT_DONOR_LOTS_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_DIRECT_DONOR_LOTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "services/donor/donor.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::manufacturing {

class DirectDonorLots final : public DonorLotPort {
 public:
  // `donors` is not owned and must outlive this.
  explicit DirectDonorLots(donor::Donors* donors) : donors_(donors) {}

  // The lot; as donor::Donors::GetLot: NOT_FOUND (LOT_NOT_FOUND),
  // INVALID_ARGUMENT (field lot_id) for an empty id, UNAVAILABLE.
  absl::StatusOr<donor::v1::DonorLot> GetLot(
      const std::string& lot_id) override {
    donor::v1::GetLotRequest request;
    request.set_lot_id(lot_id);
    absl::StatusOr<donor::v1::GetLotResponse> response =
        donors_->GetLot(request);
    if (!response.ok()) return response.status();
    return std::move(*response->mutable_lot());
  }

 private:
  donor::Donors* const donors_;
};

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_DIRECT_DONOR_LOTS_H_
