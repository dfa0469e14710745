// ProcessPort over the donor and manufacturing services co-hosted in the
// same cellchaind: it calls donor::Donors and manufacturing::Manufacturing
// itself, as direct_doses.h calls dose (docs/decisions/
// 0012-donor-calls-custody.md). The access gate is not crossed a second
// time: the calling RPC's own roles were checked at its gate.
//   CollectedAt  the item's DIN (its custody "din" identifier) names the
//                donation; donor's lot of that DIN says when the cord was
//                collected.
//   VialCells    manufacturing's GetVialContent: the cells per vial of the
//                cryopreservation step that froze the vial, in its
//                process's fill volume.
// What is not known (no DIN, no lot of that DIN, no collection time, an
// item no step froze) is nullopt, and the label's rules decide whether the
// label may go without it.
//
// Header-only: whoever constructs it (cellchaind's hosted_services) links
// donor_lib and manufacturing_lib, which labels_lib does not.
// Thread-safety: as donor::Donors and manufacturing::Manufacturing (safe
// to call concurrently).
#ifndef CELLCHAIN_SERVICES_LABELS_DIRECT_PROCESS_H_
#define CELLCHAIN_SERVICES_LABELS_DIRECT_PROCESS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/donor/donor.h"
#include "services/labels/ports.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::labels {

class DirectProcess final : public ProcessPort {
 public:
  // Neither is owned; both must outlive this.
  DirectProcess(donor::Donors* donors,
                manufacturing::Manufacturing* manufacturing)
      : donors_(donors), manufacturing_(manufacturing) {}

  // nullopt when the item carries no DIN, no donor lot has it, or the lot
  // records no collection; donor's other errors (UNAVAILABLE).
  absl::StatusOr<std::optional<absl::Time>> CollectedAt(
      const custody::v1::Item& item) override {
    std::string din;
    for (const auto& id : item.isbt128()) {
      if (id.kind() == "din") din = id.value();
    }
    if (din.empty()) return std::nullopt;
    donor::v1::GetLotRequest request;
    request.set_din(din);
    absl::StatusOr<donor::v1::GetLotResponse> got = donors_->GetLot(request);
    if (absl::IsNotFound(got.status())) return std::nullopt;
    if (!got.ok()) return got.status();
    if (!got->lot().has_collected_at()) return std::nullopt;
    const google::protobuf::Timestamp& at = got->lot().collected_at();
    return absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
  }

  // nullopt when no cryopreservation step made the item a vial (NOT_A_VIAL);
  // manufacturing's other errors: FAILED_PRECONDITION PROCESS_UNKNOWN when
  // the batch's process is not configured here (its fill volume unknown),
  // UNAVAILABLE.
  absl::StatusOr<std::optional<CellCount>> VialCells(
      const custody::v1::Item& item) override {
    absl::StatusOr<manufacturing::VialContent> content =
        manufacturing_->GetVialContent(item.item_id());
    if (absl::IsNotFound(content.status())) return std::nullopt;
    if (!content.ok()) return content.status();
    return CellCount{.viable_cells = content->viable_cells,
                     .volume_ml = content->volume_ml};
  }

 private:
  donor::Donors* const donors_;
  manufacturing::Manufacturing* const manufacturing_;
};

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_DIRECT_PROCESS_H_
