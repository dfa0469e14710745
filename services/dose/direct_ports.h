// The ports of a dose service co-hosted in one cellchaind with qc,
// manufacturing and custody: each calls the other domain object itself, as
// custody::DirectCustody and qc::DirectBatches do
// (docs/decisions/0012-donor-calls-custody.md). The access gate is not
// crossed a second time: the calling RPC's own roles were checked at its
// gate. DirectLots, which clinical shares, is in direct_lots.h.
// Thread-safety: as the domain objects (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_DOSE_DIRECT_PORTS_H_
#define CELLCHAIN_SERVICES_DOSE_DIRECT_PORTS_H_

#include <string>

#include "services/custody/custody_port.h"
#include "services/dose/direct_lots.h"
#include "services/dose/ports.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::dose {

class DirectMaterials final : public MaterialPort {
 public:
  // `manufacturing` is not owned and must outlive this.
  explicit DirectMaterials(manufacturing::Manufacturing* manufacturing)
      : manufacturing_(manufacturing) {}
  absl::StatusOr<manufacturing::v1::MaterialLot> GetMaterial(
      const std::string& id_or_code) override {
    manufacturing::v1::GetMaterialRequest request;
    request.set_material_id(id_or_code);
    absl::StatusOr<manufacturing::v1::GetMaterialResponse> got =
        manufacturing_->GetMaterial(request);
    if (!got.ok()) return got.status();
    return got->material();
  }

 private:
  manufacturing::Manufacturing* const manufacturing_;
};

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DIRECT_PORTS_H_
