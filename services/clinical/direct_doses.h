// DosePort over the dose service co-hosted in the same cellchaind: it calls
// the dose domain object itself, as dose's direct_ports.h does
// (docs/decisions/0012-donor-calls-custody.md). The access gate is not
// crossed a second time: the calling RPC's own roles were checked at its
// gate. clinical's LotPort is dose's, served by dose::DirectLots
// (services/dose/direct_lots.h).
//
// Header-only: whoever constructs it (cellchaind's hosted_services) links
// dose_lib, which clinical_lib does not.
// Thread-safety: as dose::Dose (safe to call concurrently).
#ifndef CELLCHAIN_SERVICES_CLINICAL_DIRECT_DOSES_H_
#define CELLCHAIN_SERVICES_CLINICAL_DIRECT_DOSES_H_

#include <string>

#include "services/clinical/ports.h"
#include "services/dose/dose.h"

namespace cellchain::clinical {

class DirectDoses final : public DosePort {
 public:
  // `dose` is not owned and must outlive this.
  explicit DirectDoses(dose::Dose* dose) : dose_(dose) {}

  // dose's GetDose: NOT_FOUND DOSE_NOT_FOUND; INVALID_ARGUMENT `dose_id`
  // when empty. A dose past release (ISSUED, the only state the bedside
  // accepts) is returned without gathering release blockers.
  absl::StatusOr<dose::v1::Dose> GetDose(const std::string& dose_id) override {
    dose::v1::GetDoseRequest request;
    request.set_dose_id(dose_id);
    absl::StatusOr<dose::v1::GetDoseResponse> got = dose_->GetDose(request);
    if (!got.ok()) return got.status();
    return got->dose();
  }

  // dose's GetPatientUnrevealed: the bedside identifiers only. NOT_FOUND
  // PATIENT_NOT_FOUND; INVALID_ARGUMENT `subject_id` when empty.
  absl::StatusOr<dose::v1::Patient> GetPatient(
      const std::string& subject_id) override {
    return dose_->GetPatientUnrevealed(subject_id);
  }

 private:
  dose::Dose* const dose_;
};

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_DIRECT_DOSES_H_
