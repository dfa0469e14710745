// CustodyPort: what another service (donor, manufacturing, qc, dose,
// clinical, labels) needs of custody, called with the principal of the
// person acting so that custody's records name that person and its own
// rules apply unchanged; request ids are the calling service's derived ones
// (idempotency::DerivedRequestId). One port for every service, each using
// the part it needs, so that one implementation serves them all.
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
  // dose and clinical: a dose bag handed between the pharmacy and the cath
  // lab, and what it came from (holds on its ancestors).
  virtual absl::StatusOr<v1::InitiateHandoffResponse> InitiateHandoff(
      const auth::Principal& caller,
      const v1::InitiateHandoffRequest& request) = 0;
  virtual absl::StatusOr<v1::AcceptHandoffResponse> AcceptHandoff(
      const auth::Principal& caller,
      const v1::AcceptHandoffRequest& request) = 0;
  virtual absl::StatusOr<v1::CancelHandoffResponse> CancelHandoff(
      const auth::Principal& caller,
      const v1::CancelHandoffRequest& request) = 0;
  virtual absl::StatusOr<v1::TraceResponse> TraceBackward(
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
  absl::StatusOr<v1::InitiateHandoffResponse> InitiateHandoff(
      const auth::Principal& caller,
      const v1::InitiateHandoffRequest& request) override {
    return custody_->InitiateHandoff(caller, request);
  }
  absl::StatusOr<v1::AcceptHandoffResponse> AcceptHandoff(
      const auth::Principal& caller,
      const v1::AcceptHandoffRequest& request) override {
    return custody_->AcceptHandoff(caller, request);
  }
  absl::StatusOr<v1::CancelHandoffResponse> CancelHandoff(
      const auth::Principal& caller,
      const v1::CancelHandoffRequest& request) override {
    return custody_->CancelHandoff(caller, request);
  }
  absl::StatusOr<v1::TraceResponse> TraceBackward(
      const v1::TraceRequest& request) override {
    return custody_->TraceBackward(request);
  }

 private:
  Custody* const custody_;
};

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_CUSTODY_PORT_H_
