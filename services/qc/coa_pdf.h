// The certificate of analysis of a released lot as a PDF (libharu): the
// product and its identifiers, the specification version, one line per
// test — method, acceptance criterion, result, unit, verdict — and every
// e-signature of the lot's records with its printed name, time (UTC) and
// meaning (21 CFR 11.50). The text is UTF-8 and extracts as written
// (pdftotext), so a reader can check the document against the records.
// Thread-safety: pure function; safe to call concurrently.
#ifndef CELLCHAIN_SERVICES_QC_COA_PDF_H_
#define CELLCHAIN_SERVICES_QC_COA_PDF_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/qc/v1/qc.pb.h"

namespace cellchain::qc {

// The PDF's bytes. INTERNAL when libharu fails (the error code in the
// message), FAILED_PRECONDITION when the font is missing.
absl::StatusOr<std::string> RenderCertificatePdf(
    const v1::CertificateContent& content);

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_COA_PDF_H_
