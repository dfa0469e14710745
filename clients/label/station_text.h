// What the label station prints for a technician: a refusal as one line
// with its reason and field, a scan's verdict (PASS, or FAIL with what to
// do about it), and a reconciliation as tables. Values from the server were
// typed by other people and pass through Printable
// (services/common/strings/printable.h) first, so a label's text cannot rewrite
// the technician's screen.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_LABEL_STATION_TEXT_H_
#define CELLCHAIN_CLIENTS_LABEL_STATION_TEXT_H_

#include <string>

#include "absl/status/status.h"
#include "cellchain/labels/v1/labels.pb.h"

namespace cellchain::label {

// "FAILED_PRECONDITION: printer is paused (reason: PRINTER_PAUSED) (field:
// printer)"; a message that starts with its own reason is printed without
// that prefix: client::StatusLine (clients/common/status_line.h), as the CLI
// prints it, the message through Printable.
std::string StatusLine(const absl::Status& status);

// One line: "PASS  ..." when the scan is the item's label, else "FAIL  "
// and, in words, what was scanned and what to do: another item's label
// (naming that item when the server knows it), a field that differs (an
// older label), a code not read, not a label's code at all. The server's
// detail follows in parentheses.
std::string VerdictLine(const labels::v1::LabelVerification& verification);

// The reconciliation: one row per item (type, jobs, copies, reprints,
// verified, voided, failed scans, job ids), the totals, then the
// discrepancies in words, or "no discrepancies".
std::string ReconciliationText(
    const labels::v1::ReconcileLabelsResponse& reconciliation);

// "dose bag" for LABEL_TYPE_DOSE_BAG.
std::string LabelTypeWords(labels::v1::LabelType type);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_STATION_TEXT_H_
