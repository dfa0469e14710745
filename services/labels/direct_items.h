// ItemPort over a custody service co-hosted in the same process: it calls
// custody::Custody itself, as clinical's and dose's DirectItems do
// (docs/decisions/0012-donor-calls-custody.md). The access gate is not
// crossed a second time: the calling RPC's own roles were checked at its
// gate.
// Thread-safety: as custody::Custody (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_LABELS_DIRECT_ITEMS_H_
#define CELLCHAIN_SERVICES_LABELS_DIRECT_ITEMS_H_

#include "services/custody/custody.h"
#include "services/labels/ports.h"

namespace cellchain::labels {

class DirectItems final : public ItemPort {
 public:
  // `custody` is not owned and must outlive this.
  explicit DirectItems(custody::Custody* custody) : custody_(custody) {}
  absl::StatusOr<custody::v1::GetItemResponse> GetItem(
      const custody::v1::GetItemRequest& request) override {
    return custody_->GetItem(request);
  }

 private:
  custody::Custody* const custody_;
};

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_DIRECT_ITEMS_H_
