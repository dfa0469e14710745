// Labels: the label each custody item carries, decided by the server from
// the item's data; every print job of it; reprints with a reason and a
// signature; voids with a reason; verification of an applied label by
// scanning it (pass or fail, both recorded); reconciliation per item or per
// DIN. Over PostgreSQL (schema cellchain_labels), every change audited
// through the ledger in the change's transaction (docs/services/labels.md).
//
// Audit records and their entities (after_state, readable again by the
// state readers RegisterStateReaders installs):
//   label_job (v1.PrintJob)     label.print, label.reprint (PERFORMED, the
//                               reason as the record's), label.void (the
//                               reason), label.verified (the first passing
//                               scan)
//   label_verification          label.scan_pass, label.scan_fail (what
//     (v1.LabelVerification)    differed as the record's reason)
// Each record names the label's DIN (ledger::DinIdentifier), so that a
// search by DIN finds a donation's labels with the rest of its records.
//
// The item is read from custody (ItemPort), a dose bag's dose and patient
// from dose (DosePort), the cord's delivery and a vial's count from donor
// and manufacturing (ProcessPort, optional). Before a label is printed,
// the dose and the patient are checked against dose's signed records in
// the printing transaction (ledger::RequireAudited), so that a patient's
// data on a label is the data dose recorded.
//
// Where the code is: the pure rules in rules.{h,cc} and reconcile.{h,cc}
// (library labels_rules), every reason in reasons.h, the rows in
// store.{h,cc}, what the RPC files share in labels_internal.h, the RPCs in
// print.cc (GetLabel, PrintLabel, ReprintLabel, VoidLabel), verify.cc and
// reconcile_rpc.cc.
//
// Thread-safety: all methods are safe to call concurrently. Every change
// of an item's jobs locks them (FOR UPDATE), and a unique index keeps one
// first print per item.
#ifndef CELLCHAIN_SERVICES_LABELS_LABELS_H_
#define CELLCHAIN_SERVICES_LABELS_LABELS_H_

#include "absl/status/statusor.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/pg/pool.h"
#include "services/labels/ports.h"
#include "services/labels/reasons.h"
#include "services/labels/rules.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::labels {

struct LabelsOptions {
  LabelOptions content;
};

class Labels {
 public:
  // `pool` connects as cellchain_labels; `ledger` signs as "labels";
  // `signatures` re-authenticates signers; `items` is custody, `doses`
  // dose; `process` (donor and manufacturing) may be null: then no
  // collection time or vial count is known. None is owned; all must
  // outlive this.
  Labels(pg::Pool* pool, const ledger::Ledger* ledger,
         auth::SignatureAuthority* signatures, ItemPort* items, DosePort* doses,
         ProcessPort* process, LabelsOptions options = {});

  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  using P = auth::Principal;
  // print.cc. INVALID_ARGUMENT `item_id`; NOT_FOUND ITEM_NOT_FOUND
  // (custody's), DOSE_NOT_FOUND, PATIENT_NOT_FOUND; FAILED_PRECONDITION
  // ITEM_NOT_LABELLED, LABEL_DATA_MISSING, LABEL_DATA_CONFLICT,
  // LABEL_DATA_INVALID (rules.h DecideLabel).
  absl::StatusOr<v1::GetLabelResponse> GetLabel(
      const v1::GetLabelRequest& request);
  // print.cc. GetLabel's errors; INVALID_ARGUMENT `printer` (1-64
  // characters), `copies` (0-10); FAILED_PRECONDITION
  // LABEL_ALREADY_PRINTED, ITEM_ENDED, ENTITY_NOT_AUDITED (a dose bag's dose
  // or patient is not as dose signed it).
  absl::StatusOr<v1::PrintLabelResponse> PrintLabel(
      const P& caller, const v1::PrintLabelRequest& request);
  // print.cc. PrintLabel's errors but LABEL_ALREADY_PRINTED;
  // INVALID_ARGUMENT `context.reason` (required), `reprint_of_job_id`
  // (required; another item's job); NOT_FOUND JOB_NOT_FOUND; the
  // signature's errors (PERMISSION_DENIED
  // SIGNATURE_REAUTHENTICATION_FAILED).
  absl::StatusOr<v1::ReprintLabelResponse> ReprintLabel(
      const P& caller, const v1::ReprintLabelRequest& request);
  // print.cc. INVALID_ARGUMENT `job_id`, `context.reason` (required);
  // NOT_FOUND JOB_NOT_FOUND; FAILED_PRECONDITION JOB_VOIDED.
  absl::StatusOr<v1::VoidLabelResponse> VoidLabel(
      const P& caller, const v1::VoidLabelRequest& request);
  // verify.cc. OK with the verdict, pass or fail (both recorded);
  // INVALID_ARGUMENT `item_id`, `scan` (required, at most 1,000 bytes);
  // FAILED_PRECONDITION LABEL_NOT_PRINTED (no job of the item is live).
  absl::StatusOr<v1::VerifyLabelScanResponse> VerifyLabelScan(
      const P& caller, const v1::VerifyLabelScanRequest& request);
  // reconcile_rpc.cc. INVALID_ARGUMENT `item_id` / `din` (one of them; a
  // DIN is 13 characters). An item or DIN without jobs reconciles to
  // nothing.
  absl::StatusOr<v1::ReconcileLabelsResponse> ReconcileLabels(
      const v1::ReconcileLabelsRequest& request);

 private:
  // The item's label now, from the ports; `facts` gets what it was
  // decided from. GetLabel's errors.
  absl::StatusOr<v1::Label> Decide(const std::string& item_id,
                                   LabelFacts& facts);
  // Decide, in a printing transaction: the dose and patient of a dose bag
  // must be as dose signed them (ledger::RequireAudited: FAILED_PRECONDITION
  // ENTITY_NOT_AUDITED otherwise), and the item not ended (ITEM_ENDED).
  absl::StatusOr<v1::Label> DecideToPrint(pg::Transaction& tx,
                                          const std::string& item_id);

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  auth::SignatureAuthority* const signatures_;
  ItemPort* const items_;
  DosePort* const doses_;
  ProcessPort* const process_;
  const LabelsOptions options_;
};

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_LABELS_H_
