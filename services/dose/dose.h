// Dose preparation and pharmacy dose release: patients (trial subjects,
// identifying data sealed), dose orders, preparation from a released lot,
// the count after preparation, a second technician's verification, the
// pharmacist's release through every gate, issue to the cath lab, return
// and destruction, over PostgreSQL (schema cellchain_dose), every change
// audited through the ledger in the change's transaction
// (docs/services/dose.md).
//
// Audit records and their entities (after_state, readable again by the
// state readers RegisterStateReaders installs):
//   dose_patient (v1.Patient)  patient.register,
//                patient.identifying_viewed
//   dose_order   (v1.Order)    order.create
//   dose         (v1.Dose)     dose.prepare (PERFORMED), dose.count
//                (PERFORMED), dose.verify (VERIFIED), dose.release
//                (RELEASED), dose.release_refused, dose.issue,
//                dose.return, dose.destroy (PERFORMED, and the witness's
//                WITNESSED in dose.destroy_witness)
//
// The lot's disposition is read from qc (LotPort), heparin and saline lots
// from manufacturing (MaterialPort), and the dose bag lives in custody
// (ItemPort), called with the caller's principal. A preparation registers
// the bag before the dose's transaction under a request id derived from
// the caller's, and discards it again when the transaction refuses. A
// release gathers the lot, the bag and its backward trace inside the
// releasing transaction, after locking the dose's row, and checks the
// lot's snapshot against qc's signed record there (ledger::RequireAudited).
//
// Where the code is: the pure rules in rules.{h,cc} (library dose_rules),
// every reason in reasons.h, the rows in store.{h,cc}, what the RPC files
// share in dose_internal.h, the RPCs in patients.cc, orders.cc,
// preparation.cc, release.cc and pharmacy.cc (issue, return, destruction,
// worklists).
//
// Thread-safety: all methods are safe to call concurrently. Every change
// of a dose locks its row, so its count, verification, release, issue and
// destruction are serialised.
#ifndef CELLCHAIN_SERVICES_DOSE_DOSE_H_
#define CELLCHAIN_SERVICES_DOSE_DOSE_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/aead.h"
#include "services/common/pg/pool.h"
#include "services/common/pg/transaction.h"
#include "services/dose/ports.h"
#include "services/dose/reasons.h"
#include "services/dose/rules.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::dose {

struct DoseOptions {
  RuleOptions rules;
  // WORKLIST_EXPIRING_SOON's window when the request gives none.
  absl::Duration expiring_soon = absl::Hours(2);
  // Doses a worklist reads from its table at a time while it skips issued
  // doses whose bag custody has ended (at least 1; a list holds at most
  // 500 either way).
  int worklist_page = 500;
  // The time every decision is made at (expiry, dates of birth, material
  // expiry); null: ledger::RealClock().
  ledger::Clock* clock = nullptr;
};

class Dose {
 public:
  // `pool` connects as cellchain_dose; `ledger` signs as "dose"; `cipher`
  // seals patients' identifying data; `signatures` re-authenticates
  // signers; `lots`, `materials` and `items` are qc, manufacturing and
  // custody. None is owned; all must outlive this.
  Dose(pg::Pool* pool, const ledger::Ledger* ledger,
       const crypto::FieldCipher* cipher, auth::SignatureAuthority* signatures,
       LotPort* lots, MaterialPort* materials, ItemPort* items,
       DoseOptions options = {});

  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  using P = auth::Principal;
  // patients.cc. ALREADY_EXISTS PATIENT_EXISTS; INVALID_ARGUMENT (rules.h
  // CheckPatient).
  absl::StatusOr<v1::RegisterPatientResponse> RegisterPatient(
      const P& caller, const v1::RegisterPatientRequest& request);
  // PERMISSION_DENIED IDENTIFYING_RESTRICTED for reveal_identifying by a
  // caller who is neither pharmacist nor clinician; FAILED_PRECONDITION
  // IDENTIFYING_UNAVAILABLE when a value cannot be decrypted.
  absl::StatusOr<v1::GetPatientResponse> GetPatient(
      const P& caller, const v1::GetPatientRequest& request);
  // GetPatient without reveal_identifying: the subject id, date of birth,
  // initials and chain of identity that the bedside and a label show, so
  // nothing is decrypted, no viewing is recorded and no caller's roles are
  // consulted. No RPC: co-hosted services (clinical, labels) call it
  // in-process. NOT_FOUND PATIENT_NOT_FOUND; INVALID_ARGUMENT `subject_id`
  // when empty.
  absl::StatusOr<v1::Patient> GetPatientUnrevealed(
      const std::string& subject_id);
  // orders.cc. NOT_FOUND PATIENT_NOT_FOUND; INVALID_ARGUMENT (OrderFrom).
  absl::StatusOr<v1::CreateOrderResponse> CreateOrder(
      const P& caller, const v1::CreateOrderRequest& request);
  absl::StatusOr<v1::GetOrderResponse> GetOrder(
      const v1::GetOrderRequest& request);
  // preparation.cc: the codes each RPC's comment in dose.proto names.
  absl::StatusOr<v1::CalculatePreparationResponse> CalculatePreparation(
      const v1::CalculatePreparationRequest& request);
  absl::StatusOr<v1::PrepareDoseResponse> PrepareDose(
      const P& caller, const v1::PrepareDoseRequest& request);
  absl::StatusOr<v1::RecordPostPreparationCountResponse>
  RecordPostPreparationCount(
      const P& caller, const v1::RecordPostPreparationCountRequest& request);
  absl::StatusOr<v1::VerifyDoseResponse> VerifyDose(
      const P& caller, const v1::VerifyDoseRequest& request);
  absl::StatusOr<v1::GetDoseResponse> GetDose(
      const v1::GetDoseRequest& request);
  // The dose whose bag (custody's DOSE_BAG item) is `item_id`, as stored,
  // without GetDose's release blockers: for services that start from the
  // bag in hand (labels prints its label). No RPC: co-hosted services call
  // it in-process (dose.cc). NOT_FOUND DOSE_NOT_FOUND when no dose has that
  // bag; INVALID_ARGUMENT `item_id` when empty.
  absl::StatusOr<v1::Dose> GetDoseOfItem(const std::string& item_id);
  // release.cc.
  absl::StatusOr<v1::ReleaseDoseResponse> ReleaseDose(
      const P& caller, const v1::ReleaseDoseRequest& request);
  // pharmacy.cc.
  absl::StatusOr<v1::IssueDoseResponse> IssueDose(
      const P& caller, const v1::IssueDoseRequest& request);
  absl::StatusOr<v1::ReturnDoseResponse> ReturnDose(
      const P& caller, const v1::ReturnDoseRequest& request);
  absl::StatusOr<v1::DestroyDoseResponse> DestroyDose(
      const P& caller, const v1::DestroyDoseRequest& request);
  // A worklist, at most 500 doses. An ISSUED dose whose bag custody has
  // ended (infused by the clinical service, or destroyed at the cath lab)
  // is on none: the dose row stays ISSUED, custody knows. INVALID_ARGUMENT
  // `worklist`, `within_minutes`; custody's errors reading such a bag.
  absl::StatusOr<v1::ListDosesResponse> ListDoses(
      const v1::ListDosesRequest& request);

 private:
  // What a release of `dose` is decided from, read now from qc and custody
  // and, for the order's patient, through `executor` (release.cc). With
  // `tx`, the lot is also checked against qc's signed record in it
  // (ENTITY_NOT_AUDITED otherwise). Errors of the ports and the store.
  template <typename Executor>
  absl::StatusOr<ReleaseFacts> Gather(Executor& executor, const v1::Dose& dose,
                                      pg::Transaction* tx);

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  const crypto::FieldCipher* const cipher_;
  auth::SignatureAuthority* const signatures_;
  LotPort* const lots_;
  MaterialPort* const materials_;
  ItemPort* const items_;
  const DoseOptions options_;
  ledger::Clock* const clock_;  // options_.clock, or ledger::RealClock()
};

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DOSE_H_
