// DirectCustody: the CustodyPort of a donor service co-hosted with custody
// in one cellchaind. It calls the custody domain object itself with the
// principal of the person acting, so custody's records name that person and
// custody's own rules apply unchanged (docs/decisions/0012-donor-calls-
// custody.md). The access gate is not crossed a second time: the donor
// RPC's own roles were checked at its gate.
// Thread-safety: as Custody's.
#ifndef CELLCHAIN_SERVICES_DONOR_DIRECT_CUSTODY_H_
#define CELLCHAIN_SERVICES_DONOR_DIRECT_CUSTODY_H_

#include "services/custody/custody.h"
#include "services/donor/donor.h"

namespace cellchain::donor {

class DirectCustody final : public CustodyPort {
 public:
  // `custody` is not owned and must outlive this.
  explicit DirectCustody(custody::Custody* custody) : custody_(custody) {}

  absl::StatusOr<custody::v1::AllocateDinResponse> AllocateDin(
      const auth::Principal& caller,
      const custody::v1::AllocateDinRequest& request) override {
    return custody_->AllocateDin(caller, request);
  }
  absl::StatusOr<custody::v1::RegisterItemResponse> RegisterItem(
      const auth::Principal& caller,
      const custody::v1::RegisterItemRequest& request) override {
    return custody_->RegisterItem(caller, request);
  }
  absl::StatusOr<custody::v1::PlaceHoldResponse> PlaceHold(
      const auth::Principal& caller,
      const custody::v1::PlaceHoldRequest& request) override {
    return custody_->PlaceHold(caller, request);
  }
  absl::StatusOr<custody::v1::EndItemResponse> EndItem(
      const auth::Principal& caller,
      const custody::v1::EndItemRequest& request) override {
    return custody_->EndItem(caller, request);
  }
  absl::StatusOr<custody::v1::GetItemResponse> GetItem(
      const custody::v1::GetItemRequest& request) override {
    return custody_->GetItem(request);
  }

 private:
  custody::Custody* const custody_;
};

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_DIRECT_CUSTODY_H_
