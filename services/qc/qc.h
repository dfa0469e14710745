// Release testing and QA disposition: specifications, lots under test,
// samples, results with their reviews, retests and invalidations, OOS
// investigations, dispositions with their lookbacks, and the certificate
// of analysis, over PostgreSQL (schema cellchain_qc), every change audited
// through the ledger in the change's transaction (docs/services/qc.md).
//
// Audit records and their entities (after_state, readable again by the
// state readers RegisterStateReaders installs):
//   qc_specification (v1.Specification)  specification.create,
//                    specification.approve (APPROVED),
//                    specification.supersede
//   qc_lot           (v1.Lot)  lot.open, lot.release (RELEASED),
//                    lot.release_conditional (RELEASED), lot.hold
//                    (APPROVED), lot.reject (REJECTED), lot.condition_close
//                    and lot.reject_automatic (after a late result)
//   qc_sample        (v1.Sample)  sample.draw
//   qc_result        (v1.Result)  result.enter (PERFORMED),
//                    result.retest_approve (APPROVED, QA's own record),
//                    result.review (REVIEWED), result.invalidate (APPROVED)
//   qc_investigation (v1.Investigation)  investigation.open,
//                    investigation.close (APPROVED)
//   qc_lookback      (v1.Lookback)  lookback.produce
//
// Custody is called through a CustodyPort with the caller's principal: a
// sample's QC_SAMPLE item is registered before the sample's transaction
// under a request id derived from the caller's; a rejection recalls the
// product lot (a hold on it and on everything derived from it) and traces
// it forward before its transaction, so that a crash between the two
// leaves items held, never a rejected lot whose doses are free. The batch
// (its steps and open major deviations) is read through a BatchPort, and
// checked against its latest signed record (ledger::RequireAudited) in the
// transaction that acts on it.
//
// Where the code is: the pure rules in rules.{h,cc} (library qc_rules),
// every reason in reasons.h, the rows in store.{h,cc}, what the RPC files
// share in qc_internal.h, the RPCs in specifications.cc, lots.cc,
// samples.cc, results.cc, investigations.cc, disposition.cc and
// certificate.cc (the PDF itself: coa_pdf.{h,cc}).
//
// Thread-safety: all methods are safe to call concurrently. Every change
// of a lot's testing locks the lot's row, so a result, a review and a
// disposition of one lot are serialised.
#ifndef CELLCHAIN_SERVICES_QC_QC_H_
#define CELLCHAIN_SERVICES_QC_QC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/pg/pool.h"
#include "services/common/pg/transaction.h"
#include "services/custody/custody_port.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"
#include "services/qc/reasons.h"
#include "services/qc/rules.h"

namespace cellchain::qc {

struct Recalled;  // qc_internal.h

// What qc needs of manufacturing: a batch with its steps and its open
// major deviations.
class BatchPort {
 public:
  virtual ~BatchPort() = default;
  virtual absl::StatusOr<manufacturing::v1::GetBatchResponse> GetBatch(
      const std::string& batch_id) = 0;
};

struct QcOptions {
  // The specification OpenLot and CreateSpecification use when the request
  // names none.
  std::string specification_name = "RH-UCMSC-RELEASE";
  std::string product = "UC-MSC, intracoronary (RegenHeart)";
  DefaultSpecOptions default_spec;
  // The time a certificate is issued at; null: ledger::RealClock().
  ledger::Clock* clock = nullptr;
};

class Qc {
 public:
  // `pool` connects as cellchain_qc; `ledger` signs as "qc"; `signatures`
  // re-authenticates signers; `custody` and `batches` are the other
  // services. None is owned; all must outlive this.
  Qc(pg::Pool* pool, const ledger::Ledger* ledger,
     auth::SignatureAuthority* signatures, custody::CustodyPort* custody,
     BatchPort* batches, QcOptions options = {});

  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  using P = auth::Principal;
  absl::StatusOr<v1::CreateSpecificationResponse> CreateSpecification(
      const P& caller, const v1::CreateSpecificationRequest& request);
  absl::StatusOr<v1::ApproveSpecificationResponse> ApproveSpecification(
      const P& caller, const v1::ApproveSpecificationRequest& request);
  absl::StatusOr<v1::GetSpecificationResponse> GetSpecification(
      const v1::GetSpecificationRequest& request);
  absl::StatusOr<v1::ListSpecificationsResponse> ListSpecifications(
      const v1::ListSpecificationsRequest& request);
  absl::StatusOr<v1::OpenLotResponse> OpenLot(
      const P& caller, const v1::OpenLotRequest& request);
  absl::StatusOr<v1::GetLotResponse> GetLot(const v1::GetLotRequest& request);
  absl::StatusOr<v1::ListLotsResponse> ListLots(
      const v1::ListLotsRequest& request);
  absl::StatusOr<v1::DrawSampleResponse> DrawSample(
      const P& caller, const v1::DrawSampleRequest& request);
  absl::StatusOr<v1::EnterResultResponse> EnterResult(
      const P& caller, const v1::EnterResultRequest& request);
  absl::StatusOr<v1::ReviewResultResponse> ReviewResult(
      const P& caller, const v1::ReviewResultRequest& request);
  absl::StatusOr<v1::InvalidateResultResponse> InvalidateResult(
      const P& caller, const v1::InvalidateResultRequest& request);
  absl::StatusOr<v1::CloseInvestigationResponse> CloseInvestigation(
      const P& caller, const v1::CloseInvestigationRequest& request);
  absl::StatusOr<v1::DisposeLotResponse> DisposeLot(
      const P& caller, const v1::DisposeLotRequest& request);
  absl::StatusOr<v1::GetCertificateResponse> GetCertificate(
      const v1::GetCertificateRequest& request);

 private:
  // Recalls the product lot in custody and traces it forward: the held
  // items and the patients for a lookback.
  absl::StatusOr<Recalled> RecallProduct(const P& caller,
                                         const std::string& request_id,
                                         const std::string& product_item_id,
                                         const std::string& reason);

  // The batch as manufacturing has it, checked against its signed record
  // in `tx` (ENTITY_NOT_AUDITED otherwise).
  absl::Status RequireAuditedBatch(
      pg::Transaction& tx, const manufacturing::v1::GetBatchResponse& batch);

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  auth::SignatureAuthority* const signatures_;
  custody::CustodyPort* const custody_;
  BatchPort* const batches_;
  const QcOptions options_;
  ledger::Clock* const clock_;  // options_.clock, or ledger::RealClock()
};

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_QC_H_
