// Infusion and the 5-day safety observation: the dose's receipt at the
// cath lab, the two clinicians' bedside verification, the infusion as
// performed, unused product, the days of the observation and adverse
// events with the lookback a serious one produces, over PostgreSQL
// (schema cellchain_clinical), every change audited through the ledger in the
// change's transaction (docs/services/clinical.md).
//
// Audit records and their entities (after_state, readable again by the
// state reader RegisterStateReaders installs):
//   infusion (v1.Infusion)  infusion.receive, infusion.bedside_verify
//                           (VERIFIED), infusion.bedside_cosign (the second
//                           clinician's VERIFIED, in its own record),
//                           clinical.bedside_refused, infusion.infuse
//                           (PERFORMED; a rate deviation as its reason),
//                           infusion.remainder_witness (the witness's
//                           WITNESSED, in its own record)
//                           infusion.return, infusion.destroy (PERFORMED),
//                           infusion.destroy_witness (WITNESSED)
//   observation (v1.Observation)  observation.record (PERFORMED)
//   adverse_event (v1.AdverseEvent, with its lookback)
//                           adverse_event.report (PERFORMED; a serious
//                           event's lookback counted in the reason)
//
// The dose and its patient are read from the dose service (DosePort), the
// lot from qc (LotPort), and the dose bag lives in custody (ItemPort),
// called with the caller's principal; a lookback reads custody's traces
// and qc's lots (adverse_events.cc). Whatever the service acts on is
// first checked against its owner's signed record in the acting
// transaction (ledger::RequireAudited): the dose and the patient as dose
// recorded them, the lot as qc did.
//
// Where the code is: the pure rules in rules.{h,cc} (library
// clinical_rules), every reason in reasons.h, the rows in store.{h,cc},
// what the RPC files share in clinical_internal.h, the RPCs in cath_lab.cc
// (receipt), bedside.cc (verification), infusion.cc, unused.cc,
// observation.cc, adverse_events.cc and queries.cc.
//
// Thread-safety: all methods are safe to call concurrently. Every change of
// an infusion locks its row; a dose is received once at a time (a unique
// index); observations and adverse events are only added, never changed.
#ifndef CELLCHAIN_SERVICES_CLINICAL_CLINICAL_H_
#define CELLCHAIN_SERVICES_CLINICAL_CLINICAL_H_

#include "absl/status/statusor.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "services/clinical/ports.h"
#include "services/clinical/reasons.h"
#include "services/clinical/rules.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/pg/pool.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::clinical {

struct ClinicalOptions {
  RuleOptions rules;
  // The time every decision is made at (a dose's expiry); null:
  // ledger::RealClock().
  ledger::Clock* clock = nullptr;
};

class Clinical {
 public:
  // `pool` connects as cellchain_clinical; `ledger` signs as "clinical";
  // `signatures` re-authenticates signers; `doses`, `lots` and `items` are
  // dose, qc and custody. None is owned; all must outlive this.
  Clinical(pg::Pool* pool, const ledger::Ledger* ledger,
           auth::SignatureAuthority* signatures, DosePort* doses, LotPort* lots,
           ItemPort* items, ClinicalOptions options = {});

  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  using P = auth::Principal;
  // cath_lab.cc. INVALID_ARGUMENT `dose_id`, `scan` (required),
  // `handoff_id` (not the dose's issue); NOT_FOUND DOSE_NOT_FOUND;
  // FAILED_PRECONDITION DOSE_NOT_ISSUED, INFUSION_STATE (received already),
  // ENTITY_NOT_AUDITED (the dose is not as dose recorded it); custody's
  // refusals of the acceptance (SCAN_MISMATCH, NOT_RECIPIENT,
  // HANDOFF_NOT_OPEN).
  absl::StatusOr<v1::ReceiveDoseResponse> ReceiveDose(
      const P& caller, const v1::ReceiveDoseRequest& request);
  // bedside.cc. INVALID_ARGUMENT `infusion_id`; the signature's and the
  // co-signature's errors (auth::Sign, auth::CoSign: a wrong password is
  // PERMISSION_DENIED SIGNATURE_REAUTHENTICATION_FAILED, a co-signer who is
  // not a clinician ROLE_NOT_ALLOWED); FAILED_PRECONDITION INFUSION_STATE;
  // the bedside checks (rules.h BedsideChecks): FAILED_PRECONDITION with
  // the first failing check as its reason and every one in the message,
  // except the same clinician twice and nothing else wrong, which is
  // PERMISSION_DENIED FOUR_EYES_SAME_PERSON; each such refusal audited as
  // clinical.bedside_refused.
  absl::StatusOr<v1::VerifyAtBedsideResponse> VerifyAtBedside(
      const P& caller, const v1::VerifyAtBedsideRequest& request);
  // infusion.cc. INVALID_ARGUMENT naming the field (rules.h
  // CheckInfusionDetails, InfusionRate, Remainder; `details.started_at` and
  // `details.ended_at` missing or in the future, the start before the
  // bedside verification; `remainder_disposal` when nothing remains); the
  // signature's and the witness's errors (PERMISSION_DENIED
  // FOUR_EYES_SAME_PERSON when the witness is the operator);
  // FAILED_PRECONDITION INFUSION_STATE (not BEDSIDE_VERIFIED), DOSE_EXPIRED
  // (started at or after the expiry), REMAINDER_DISPOSAL (a remainder not
  // destroyed, or without a witness), ENTITY_NOT_AUDITED; custody's
  // refusals of the end (ITEM_ON_HOLD).
  absl::StatusOr<v1::RecordInfusionResponse> RecordInfusion(
      const P& caller, const v1::RecordInfusionRequest& request);
  // unused.cc. INVALID_ARGUMENT `infusion_id`, `disposal`,
  // `to_location_id` (a return's destination), `context.reason`; the
  // signature's and the witness's errors (PERMISSION_DENIED
  // FOUR_EYES_SAME_PERSON when the witness is the caller);
  // FAILED_PRECONDITION INFUSION_STATE (infused, returned or destroyed
  // already); custody's refusals.
  absl::StatusOr<v1::DisposeUnusedDoseResponse> DisposeUnusedDose(
      const P& caller, const v1::DisposeUnusedDoseRequest& request);
  // observation.cc. INVALID_ARGUMENT `infusion_id`, `observed_at`
  // (missing, in the future) and rules.h CheckObservation's fields;
  // FAILED_PRECONDITION INFUSION_STATE (not infused), OBSERVATION_DAY.
  absl::StatusOr<v1::RecordObservationResponse> RecordObservation(
      const P& caller, const v1::RecordObservationRequest& request);
  // adverse_events.cc. INVALID_ARGUMENT `infusion_id` and rules.h
  // CheckAdverseEvent's fields (`onset_at` before the infusion's start or
  // in the future, `criteria` for a serious event without any, ...); the
  // signature's errors; FAILED_PRECONDITION INFUSION_STATE (not infused);
  // for a serious event, the lookback's: UNAVAILABLE or NOT_FOUND from qc
  // and custody, ENTITY_NOT_AUDITED for a QC lot not as qc signed it.
  absl::StatusOr<v1::ReportAdverseEventResponse> ReportAdverseEvent(
      const P& caller, const v1::ReportAdverseEventRequest& request);
  // queries.cc. INVALID_ARGUMENT `subject_id` / `lot_id`; NOT_FOUND
  // PATIENT_NOT_FOUND (the dose service knows no such patient). At most
  // 500 infusions, oldest receipt first, each with its observations (by
  // day) and adverse events (by onset, with their lookbacks).
  absl::StatusOr<v1::GetPatientRecordResponse> GetPatientRecord(
      const v1::GetPatientRecordRequest& request);
  absl::StatusOr<v1::ListInfusionsByLotResponse> ListInfusionsByLot(
      const v1::ListInfusionsByLotRequest& request);

 private:
  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  auth::SignatureAuthority* const signatures_;
  DosePort* const doses_;
  LotPort* const lots_;
  ItemPort* const items_;
  const ClinicalOptions options_;
  ledger::Clock* const clock_;  // options_.clock, or ledger::RealClock()
};

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_CLINICAL_H_
