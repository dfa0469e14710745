// The clinical service's reads: a patient's infusions with their
// observations and adverse events (with their lookbacks), and the infusions of
// a QC lot (QA's view of where a lot went, beside custody's forward trace).
#include <string>
#include <utility>
#include <vector>

#include "services/clinical/clinical.h"
#include "services/clinical/store.h"
#include "services/common/status/status.h"

namespace cellchain::clinical {
namespace {

constexpr int kMaxList = 500;

}  // namespace

absl::StatusOr<v1::GetPatientRecordResponse> Clinical::GetPatientRecord(
    const v1::GetPatientRecordRequest& request) {
  if (request.subject_id().empty()) {
    return InvalidField("subject_id", "required");
  }
  // NOT_FOUND PATIENT_NOT_FOUND for a subject the dose service does not
  // know, rather than an empty record that looks like "never infused".
  CC_RETURN_IF_ERROR(doses_->GetPatient(request.subject_id()).status());
  v1::GetPatientRecordResponse response;
  response.set_subject_id(request.subject_id());
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::Infusion> infusions,
                      LoadInfusions(*lease, InfusionsOf::kBySubject,
                                    request.subject_id(), kMaxList));
  for (v1::Infusion& infusion : infusions) {
    v1::PatientInfusion* entry = response.add_infusions();
    CC_ASSIGN_OR_RETURN(std::vector<v1::Observation> observations,
                        LoadObservationsOf(*lease, infusion.infusion_id()));
    for (v1::Observation& o : observations) {
      *entry->add_observations() = std::move(o);
    }
    CC_ASSIGN_OR_RETURN(std::vector<v1::AdverseEvent> events,
                        LoadAdverseEventsOf(*lease, infusion.infusion_id()));
    for (v1::AdverseEvent& e : events) {
      *entry->add_adverse_events() = std::move(e);
    }
    *entry->mutable_infusion() = std::move(infusion);
  }
  return response;
}

absl::StatusOr<v1::ListInfusionsByLotResponse> Clinical::ListInfusionsByLot(
    const v1::ListInfusionsByLotRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  v1::ListInfusionsByLotResponse response;
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Infusion> infusions,
      LoadInfusions(*lease, InfusionsOf::kByLot, request.lot_id(), kMaxList));
  for (v1::Infusion& infusion : infusions) {
    *response.add_infusions() = std::move(infusion);
  }
  return response;
}

}  // namespace cellchain::clinical
