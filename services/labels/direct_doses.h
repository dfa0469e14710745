// DosePort over the dose service co-hosted in the same cellchaind: it calls
// dose::Dose itself, as clinical's direct_doses.h does
// (docs/decisions/0012-donor-calls-custody.md). The access gate is not
// crossed a second time: the calling RPC's own roles were checked at its
// gate.
//
// Header-only: whoever constructs it (cellchaind's hosted_services) links
// dose_lib, which labels_lib does not.
// Thread-safety: as dose::Dose (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_LABELS_DIRECT_DOSES_H_
#define CELLCHAIN_SERVICES_LABELS_DIRECT_DOSES_H_

#include <string>

#include "services/dose/dose.h"
#include "services/labels/ports.h"

namespace cellchain::labels {

class DirectDoses final : public DosePort {
 public:
  // `dose` is not owned and must outlive this.
  explicit DirectDoses(dose::Dose* dose) : dose_(dose) {}

  // dose's GetDoseOfItem: the dose as stored, whatever its state (the
  // label's rules decide what a dose bag's label may show). NOT_FOUND
  // DOSE_NOT_FOUND; INVALID_ARGUMENT `item_id` when empty.
  absl::StatusOr<dose::v1::Dose> GetDoseOfItem(
      const std::string& item_id) override {
    return dose_->GetDoseOfItem(item_id);
  }

  // dose's GetPatientUnrevealed: the subject id, date of birth and chain of
  // identity a label shows. NOT_FOUND PATIENT_NOT_FOUND; INVALID_ARGUMENT
  // `subject_id` when empty.
  absl::StatusOr<dose::v1::Patient> GetPatient(
      const std::string& subject_id) override {
    return dose_->GetPatientUnrevealed(subject_id);
  }

 private:
  dose::Dose* const dose_;
};

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_DIRECT_DOSES_H_
