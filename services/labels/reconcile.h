// Reconciliation of labels (pure): from an item's or a DIN's print jobs and
// scans, what was printed, reprinted, verified and voided per item, and
// every discrepancy, in the order a reviewer works through them.
//
// Discrepancies, per item (by item id, then kind):
//   NOT_VERIFIED          a live job (not voided) no scan has passed;
//   SEVERAL_LIVE_LABELS   more than one live job: a reprint whose earlier
//                         label was not voided;
//   LAST_SCAN_FAILED      the item's latest scan failed;
//   NO_LIVE_LABEL         every job voided: nothing identifies the item.
// A voided job counts in jobs, copies and voided, and in nothing else.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_LABELS_RECONCILE_H_
#define CELLCHAIN_SERVICES_LABELS_RECONCILE_H_

#include <vector>

#include "cellchain/labels/v1/labels.pb.h"

namespace cellchain::labels {

// `jobs` in any order; `verifications` oldest first per item.
v1::ReconcileLabelsResponse Reconcile(
    const std::vector<v1::PrintJob>& jobs,
    const std::vector<v1::LabelVerification>& verifications);

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_RECONCILE_H_
