// Every reason the labels service refuses with (FAILED_PRECONDITION,
// NOT_FOUND), named once; docs/services/labels.md lists when each is sent.
//
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_LABELS_REASONS_H_
#define CELLCHAIN_SERVICES_LABELS_REASONS_H_

namespace cellchain::labels {

inline constexpr char kServiceName[] = "cellchain.labels.v1.LabelService";

// NOT_FOUND (status.h NotFound).
inline constexpr char kReasonItemNotFound[] = "ITEM_NOT_FOUND";
inline constexpr char kReasonDoseNotFound[] = "DOSE_NOT_FOUND";
inline constexpr char kReasonPatientNotFound[] = "PATIENT_NOT_FOUND";
inline constexpr char kReasonJobNotFound[] = "JOB_NOT_FOUND";

// The label's content (rules.h DecideLabel).
inline constexpr char kReasonItemNotLabelled[] = "ITEM_NOT_LABELLED";
inline constexpr char kReasonLabelDataMissing[] = "LABEL_DATA_MISSING";
inline constexpr char kReasonLabelDataConflict[] = "LABEL_DATA_CONFLICT";
inline constexpr char kReasonLabelDataInvalid[] = "LABEL_DATA_INVALID";

// Print jobs.
// PrintLabel on an item that has a job: a further printing is a reprint.
inline constexpr char kReasonLabelAlreadyPrinted[] = "LABEL_ALREADY_PRINTED";
// The item was infused, discarded or consumed: nothing is printed for it.
inline constexpr char kReasonItemEnded[] = "ITEM_ENDED";
// VoidLabel on a job voided already.
inline constexpr char kReasonJobVoided[] = "JOB_VOIDED";
// VerifyLabelScan for an item without a live print job.
inline constexpr char kReasonLabelNotPrinted[] = "LABEL_NOT_PRINTED";

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_REASONS_H_
