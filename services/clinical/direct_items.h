// ItemPort over a custody service co-hosted in the same process: it calls
// custody::Custody itself, as dose's DirectItems does
// (docs/decisions/0012-donor-calls-custody.md). The access gate is not
// crossed a second time: the calling RPC's own roles were checked at its
// gate.
// Thread-safety: as custody::Custody (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_CLINICAL_DIRECT_ITEMS_H_
#define CELLCHAIN_SERVICES_CLINICAL_DIRECT_ITEMS_H_

#include "services/clinical/ports.h"
#include "services/custody/custody.h"

namespace cellchain::clinical {

class DirectItems final : public ItemPort {
 public:
  // `custody` is not owned and must outlive this.
  explicit DirectItems(custody::Custody* custody) : custody_(custody) {}
  absl::StatusOr<custody::v1::GetItemResponse> GetItem(
      const custody::v1::GetItemRequest& request) override {
    return custody_->GetItem(request);
  }
  absl::StatusOr<custody::v1::AcceptHandoffResponse> AcceptHandoff(
      const auth::Principal& caller,
      const custody::v1::AcceptHandoffRequest& request) override {
    return custody_->AcceptHandoff(caller, request);
  }
  absl::StatusOr<custody::v1::InitiateHandoffResponse> InitiateHandoff(
      const auth::Principal& caller,
      const custody::v1::InitiateHandoffRequest& request) override {
    return custody_->InitiateHandoff(caller, request);
  }
  absl::StatusOr<custody::v1::EndItemResponse> EndItem(
      const auth::Principal& caller,
      const custody::v1::EndItemRequest& request) override {
    return custody_->EndItem(caller, request);
  }
  absl::StatusOr<custody::v1::TraceResponse> TraceBackward(
      const custody::v1::TraceRequest& request) override {
    return custody_->TraceBackward(request);
  }
  absl::StatusOr<custody::v1::TraceResponse> TraceForward(
      const custody::v1::TraceRequest& request) override {
    return custody_->TraceForward(request);
  }

 private:
  custody::Custody* const custody_;
};

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_DIRECT_ITEMS_H_
