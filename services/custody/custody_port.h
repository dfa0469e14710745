// CustodyPort: what another service (donor, manufacturing, qc) needs of
// custody, called with the principal of the person acting so that custody's
// records name that person and its own rules apply unchanged; request ids
// are the calling service's derived ones (idempotency::DerivedRequestId).
//
// DirectCustody is the port of a service co-hosted with custody in one
// cellchaind: it calls the custody domain object itself. The access gate is
// not crossed a second time: the calling RPC's own roles were checked at
// its gate (docs/decisions/0012-donor-calls-custody.md).
// Thread-safety: implementations must be thread-safe; DirectCustody is as
// Custody.
#ifndef CELLCHAIN_SERVICES_CUSTODY_CUSTODY_PORT_H_
#define CELLCHAIN_SERVICES_CUSTODY_CUSTODY_PORT_H_

#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "services/common/auth/principal.h"
#include "services/custody/custody.h"

namespace cellchain::custody {

class CustodyPort {
 public:
  virtual ~CustodyPort() = default;
  virtual absl::StatusOr<v1::AllocateDinResponse> AllocateDin(
      const auth::Principal& caller, const v1::AllocateDinRequest& request) = 0;
  virtual absl::StatusOr<v1::RegisterItemResponse> RegisterItem(
      const auth::Principal& caller,
      const v1::RegisterItemRequest& request) = 0;
  virtual absl::StatusOr<v1::PlaceHoldResponse> PlaceHold(
      const auth::Principal& caller, const v1::PlaceHoldRequest& request) = 0;
  virtual absl::StatusOr<v1::EndItemResponse> EndItem(
      const auth::Principal& caller, const v1::EndItemRequest& request) = 0;
  virtual absl::StatusOr<v1::GetItemResponse> GetItem(
      const v1::GetItemRequest& request) = 0;
  // qc: a rejected product lot is recalled, and traced forward for its
  // lookback.
  virtual absl::StatusOr<v1::RecallResponse> Recall(
      const auth::Principal& caller, const v1::RecallRequest& request) = 0;
  virtual absl::StatusOr<v1::TraceResponse> TraceForward(
      const v1::TraceRequest& request) = 0;
};

class DirectCustody final : public CustodyPort {
 public:
  // `custody` is not owned and must outlive this.
  explicit DirectCustody(Custody* custody) : custody_(custody) {}

  absl::StatusOr<v1::AllocateDinResponse> AllocateDin(
      const auth::Principal& caller,
      const v1::AllocateDinRequest& request) override {
    return custody_->AllocateDin(caller, request);
  }
  absl::StatusOr<v1::RegisterItemResponse> RegisterItem(
      const auth::Principal& caller,
      const v1::RegisterItemRequest& request) override {
    return custody_->RegisterItem(caller, request);
  }
  absl::StatusOr<v1::PlaceHoldResponse> PlaceHold(
      const auth::Principal& caller,
      const v1::PlaceHoldRequest& request) override {
    return custody_->PlaceHold(caller, request);
  }
  absl::StatusOr<v1::EndItemResponse> EndItem(
      const auth::Principal& caller,
      const v1::EndItemRequest& request) override {
    return custody_->EndItem(caller, request);
  }
  absl::StatusOr<v1::GetItemResponse> GetItem(
      const v1::GetItemRequest& request) override {
    return custody_->GetItem(request);
  }
  absl::StatusOr<v1::RecallResponse> Recall(
      const auth::Principal& caller,
      const v1::RecallRequest& request) override {
    return custody_->Recall(caller, request);
  }
  absl::StatusOr<v1::TraceResponse> TraceForward(
      const v1::TraceRequest& request) override {
    return custody_->TraceForward(request);
  }

 private:
  Custody* const custody_;
};

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_CUSTODY_PORT_H_
