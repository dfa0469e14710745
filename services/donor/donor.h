// Donor intake: birth-mother donors under pseudonymous codes, consent and
// its withdrawal, screening results, signed eligibility determinations,
// cord receipt, donor lots and their deviations, over PostgreSQL (schema
// cellchain_donor) with every change audited through the ledger in the
// change's transaction (docs/services/donor.md).
//
// Audit records and their entities (after_state, readable again by the
// state readers RegisterStateReaders installs; none holds identifying
// data, only whether it was recorded):
//   donor          (v1.Donor)  donor.register, donor.consent_withdrawn,
//                  donor.identifying_viewed (QA looked at her data)
//   consent        (v1.Consent)  consent.record, consent.withdraw
//   screening      (v1.Screening)  screening.record
//   determination  (v1.Determination)  determination.sign (APPROVED)
//   donor_lot      (v1.DonorLot)  lot.receive, lot.release (APPROVED),
//                  lot.discard, lot.deviation_assessed (APPROVED)
//
// Custody is called through a CustodyPort with the caller's principal, so
// custody's own records name the person who acted. Its calls are made
// before (or, for the holds of a withdrawal, after) the donor service's
// transaction, each under a request id derived from the caller's, so that
// a retry of the same request completes what a failure interrupted and
// writes nothing twice (docs/decisions/0012-donor-calls-custody.md).
//
// Thread-safety: all methods are safe to call concurrently.
#ifndef CELLCHAIN_SERVICES_DONOR_DONOR_H_
#define CELLCHAIN_SERVICES_DONOR_DONOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/aead.h"
#include "services/common/pg/pool.h"
#include "services/custody/custody_port.h"
#include "services/donor/donor_options.h"
#include "services/donor/eligibility.h"
#include "services/donor/reasons.h"
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::donor {

inline constexpr char kServiceName[] = "cellchain.donor.v1.DonorService";

class Donors {
 public:
  // `pool` connects as cellchain_donor; `ledger` signs as "donor";
  // `cipher` seals identifying data; `signatures` re-authenticates QA;
  // `custody` holds the lots' items; `clock` is the time the service's own
  // decisions are made at (no date of birth, consent, specimen, delivery,
  // collection or receipt in the future), nullptr meaning
  // ledger::RealClock(), so that tests can move time. None is owned; all
  // must outlive this.
  Donors(pg::Pool* pool, const ledger::Ledger* ledger,
         const crypto::FieldCipher* cipher,
         auth::SignatureAuthority* signatures, custody::CustodyPort* custody,
         DonorOptions options = {}, ledger::Clock* clock = nullptr);

  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  absl::StatusOr<v1::RegisterDonorResponse> RegisterDonor(
      const auth::Principal& caller, const v1::RegisterDonorRequest& request);
  // PERMISSION_DENIED for reveal_identifying without ROLE_QA.
  absl::StatusOr<v1::GetDonorResponse> GetDonor(
      const auth::Principal& caller, const v1::GetDonorRequest& request);
  absl::StatusOr<v1::RecordConsentResponse> RecordConsent(
      const auth::Principal& caller, const v1::RecordConsentRequest& request);
  absl::StatusOr<v1::WithdrawConsentResponse> WithdrawConsent(
      const auth::Principal& caller, const v1::WithdrawConsentRequest& request);
  absl::StatusOr<v1::RecordScreeningResponse> RecordScreening(
      const auth::Principal& caller, const v1::RecordScreeningRequest& request);
  absl::StatusOr<v1::DetermineEligibilityResponse> DetermineEligibility(
      const auth::Principal& caller,
      const v1::DetermineEligibilityRequest& request);
  absl::StatusOr<v1::ReceiveCordResponse> ReceiveCord(
      const auth::Principal& caller, const v1::ReceiveCordRequest& request);
  absl::StatusOr<v1::AssessDeviationResponse> AssessDeviation(
      const auth::Principal& caller, const v1::AssessDeviationRequest& request);
  absl::StatusOr<v1::ReleaseLotResponse> ReleaseLot(
      const auth::Principal& caller, const v1::ReleaseLotRequest& request);
  absl::StatusOr<v1::DiscardLotResponse> DiscardLot(
      const auth::Principal& caller, const v1::DiscardLotRequest& request);
  absl::StatusOr<v1::GetLotResponse> GetLot(const v1::GetLotRequest& request);
  absl::StatusOr<v1::ListLotsResponse> ListLots(
      const v1::ListLotsRequest& request);

 private:
  absl::Status PlaceWithdrawalHolds(const auth::Principal& caller,
                                    const std::string& request_id,
                                    const std::string& reason,
                                    v1::WithdrawConsentResponse& response);

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  const crypto::FieldCipher* const cipher_;
  auth::SignatureAuthority* const signatures_;
  custody::CustodyPort* const custody_;
  const DonorOptions options_;
  ledger::Clock* const clock_;
};

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_DONOR_H_
